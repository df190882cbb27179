"""Shared fixtures: a fresh database with the reference data, and file helpers.

Costly fixtures (a demo build, rendered documents, an app server) are session-scoped: built once per worker (each
test file runs on one worker, `make test` uses --dist loadfile) and shared by the files that need them.
"""

from __future__ import annotations

import fcntl
import functools
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from argon2 import PasswordHasher
from streamlit.components.v2 import manifest_scanner

from rcdash import config
from rcdash.admin import users
from rcdash.metrics.derived import init_db
from rcdash.records.kinds import KINDS
from rcdash.store.connections import connect
from rcdash.store.schema import PRIOR_SUFFIX

# Every AppTest scans all installed packages for Streamlit components before its first run (~0.2–1 s of CPU
# each, a few hundred AppTests in the suite). The installed packages cannot change during a test session, so the
# scan is done once per process; what it finds is the same.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
# A password hash at the library's recommended argon2 cost takes ~0.15 s of CPU, and the tests add and sign in users
# a few hundred times. The same argon2id at its lowest cost keeps every behaviour tested (hash format, verification,
# the lock) and takes about a millisecond. (A CLI started in a subprocess still hashes at the real cost.)
users._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session")
def initialised_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database initialised per test session, the template each test's fresh database is copied from."""
    path = tmp_path_factory.mktemp("initialised") / "template.duckdb"
    init_db(path)
    return path


@pytest.fixture
def db_file(tmp_path: Path, initialised_db: Path) -> Path:
    """An initialised database file of the test's own (a copy: initialising takes far longer than copying)."""
    path = tmp_path / "test.duckdb"
    shutil.copyfile(initialised_db, path)
    return path


@pytest.fixture
def con(db_file: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the fresh database."""
    connection = connect(db_file)
    yield connection
    connection.close()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a text file (CSV) in the given encoding."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def data_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of every record table and its prior table, sorted: to compare states exactly."""
    snap = {}
    for kind in KINDS.values():
        for table in (kind.table, kind.table + PRIOR_SUFFIX):
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
            snap[table] = sorted(rows, key=repr)
    return snap


def built_once(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str,
               build: Callable[[Path], None]) -> Path:
    """A file built once per test run and shared by every xdist worker: the first worker to ask builds it (under a
    lock), the others wait and read it. Outside xdist, once per session. Read it, don't write it."""
    if worker_id == "master":
        path = tmp_path_factory.mktemp("once") / name
        build(path)
        return path
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, above each worker's own
    path = shared / "once" / name
    path.parent.mkdir(exist_ok=True)
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            partial = path.with_name(f"{name}.partial")  # a failed build leaves no half-built file for the others
            shutil.rmtree(partial, ignore_errors=True)
            build(partial)
            partial.rename(path)
    return path


def _build_city_demo(path: Path) -> None:
    """The city demo with its import files beside it, and the build's summary as JSON (for the build's tests)."""
    from rcdash.demo import build_demo

    path.mkdir()
    summary = build_demo(path / "demo.duckdb", files_dir=path / "files", force=True)
    (path / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, default=str), encoding="utf-8")


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The city demo build of this test run: demo.duckdb, files/ and summary.json."""
    return built_once(tmp_path_factory, worker_id, "city-demo", _build_city_demo)


@pytest.fixture(scope="session")
def demo_db(demo_folder: Path) -> Path:
    """The city demo database, built once per test run and shared by every xdist worker (read it, don't write it)."""
    return demo_folder / "demo.duckdb"


@pytest.fixture
def media_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stored photos go to a folder of the test's own."""
    root = tmp_path / "media"
    monkeypatch.setenv(config.MEDIA_ENV_VAR, str(root))
    return root
