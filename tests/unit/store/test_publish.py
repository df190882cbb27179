"""Snapshots: imports never block readers, readers never see half an import, a killed import loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rcdash.config import REPO_ROOT
from rcdash.importing.load import import_file
from rcdash.metrics.derived import init_db
from rcdash.store.connections import connect
from rcdash.store.publish import writing
from rcdash.store.sql import first_row
from tests.conftest import data_snapshot, write

BATCH = 500  # rows per import in the isolation test: a reader must only ever see multiples of it


def cli(db: Path, *args: str) -> subprocess.Popen[str]:
    """Start `python -m rcdash …` on a database."""
    env = {**os.environ, "RCDASH_DB": str(db)}
    return subprocess.Popen([sys.executable, "-m", "rcdash", *args], cwd=REPO_ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def branches_csv(tmp_path: Path, name: str, count: int, prefix: str) -> Path:
    rows = "".join(f"{prefix}{i},330603006,乡镇街道,2021-01-01\n" for i in range(count))
    return write(tmp_path, name, "name,division,level,established_on\n" + rows)


def count(con) -> int:
    return first_row(con.execute("SELECT count(*) FROM branches"))[0]


def test_cli_import_while_a_reader_holds_the_database(db_file: Path, tmp_path: Path) -> None:
    reader = connect(db_file, read_only=True)  # what the app holds while it serves
    before = count(reader)
    proc = cli(db_file, "import", "branches", str(branches_csv(tmp_path, "b.csv", 10, "会")))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    assert "lock" not in (out + err).lower()
    assert count(reader) == before  # the open connection keeps its snapshot
    fresh = connect(db_file, read_only=True)
    assert count(fresh) == before + 10  # the next connection sees the import, no restart needed
    fresh.close()
    reader.close()


def test_readers_never_see_half_an_import(db_file: Path, tmp_path: Path) -> None:
    files = [branches_csv(tmp_path, f"b{i}.csv", BATCH, f"批{i}-") for i in range(4)]
    seen: list[int] = []
    stop = threading.Event()

    def read_continuously() -> None:
        while not stop.is_set():
            con = connect(db_file, read_only=True)
            seen.append(count(con))
            con.close()

    thread = threading.Thread(target=read_continuously)
    thread.start()
    try:
        for path in files:
            with writing(db_file) as con:
                assert import_file(con, "branches", path).exit_code == 0
    finally:
        stop.set()
        thread.join()
    assert seen and all(n % BATCH == 0 for n in seen), sorted(set(seen))
    assert max(seen) <= 4 * BATCH


def test_failed_writer_publishes_nothing(db_file: Path, tmp_path: Path) -> None:
    con = connect(db_file, read_only=True)
    before = data_snapshot(con)
    con.close()
    with pytest.raises(RuntimeError), writing(db_file) as con:
        import_file(con, "branches", branches_csv(tmp_path, "b.csv", 5, "会"))
        raise RuntimeError("power cut")
    con = connect(db_file, read_only=True)
    assert data_snapshot(con) == before
    con.close()
    assert not list(db_file.parent.glob(f".{db_file.name}.next-*"))


def test_import_killed_halfway_leaves_previous_data_and_next_import_works(db_file: Path, tmp_path: Path) -> None:
    with writing(db_file) as con:
        import_file(con, "branches", branches_csv(tmp_path, "first.csv", 20, "旧"))
    con = connect(db_file, read_only=True)
    before = data_snapshot(con)
    con.close()
    big = branches_csv(tmp_path, "big.csv", 900_000, "大")
    proc = cli(db_file, "import", "branches", str(big))
    staging = db_file.parent / f".{db_file.name}.next-{proc.pid}"
    deadline = time.monotonic() + 60
    while not staging.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert staging.exists(), "the import never started writing"
    time.sleep(0.2)  # well inside reading, validating or loading 900,000 rows (about two seconds in all)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    con = connect(db_file, read_only=True)
    assert data_snapshot(con) == before  # the published database is untouched
    con.close()
    done = cli(db_file, "import", "branches", str(branches_csv(tmp_path, "next.csv", 3, "新")))
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, out + err
    assert not staging.exists()  # the killed writer's leftovers were cleaned up
    con = connect(db_file, read_only=True)
    assert count(con) == 23
    con.close()


def test_replaced_snapshot_is_removed_after_publishing(db_file: Path, tmp_path: Path) -> None:
    # Publishing renames over a second name of the old file and removes that name in a thread, so the rename
    # does not wait for the old blocks to be freed; a name left by a process that ended first goes with the
    # next write.
    leftover = db_file.parent / f".{db_file.name}.next-999999.old"
    leftover.write_bytes(b"left by a writer that ended before removing it")
    reader = connect(db_file, read_only=True)
    before = count(reader)
    with writing(db_file) as con:
        assert import_file(con, "branches", branches_csv(tmp_path, "b.csv", 5, "会")).exit_code == 0
    assert count(reader) == before  # the old snapshot stays readable to whoever holds it
    reader.close()
    deadline = time.monotonic() + 10
    while list(db_file.parent.glob(f".{db_file.name}.next-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(db_file.parent.glob(f".{db_file.name}.next-*"))
    con = connect(db_file, read_only=True)
    assert count(con) == before + 5
    con.close()


def test_init_on_a_served_database_does_not_need_a_write_lock(db_file: Path) -> None:
    reader = connect(db_file, read_only=True)
    init_db(db_file)  # would fail with a lock error if it opened the published file for writing
    reader.close()
