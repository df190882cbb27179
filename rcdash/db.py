"""DuckDB connections, the schema and the reference data it starts with."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.importing.kinds import KINDS
from rcdash.importing.spec import Kind

SQL_DIR = Path(__file__).resolve().parent / "sql"
WRITER_LOCK_TIMEOUT_S = 600  # an import of a million rows fits well inside; past it a stuck writer is reported
STAGING_MARK = ".next-"  # staging copies are named .<db name>.next-<pid>; leftovers of a killed writer are removed
SCHEMA_VERSION = "1"
# Each record table has a shadow "<table>_prior" holding rows an import replaced, so undo restores them exactly.
PRIOR_SUFFIX = "_prior"


@cache
def load_sql(name: str, folder: Path = SQL_DIR) -> str:
    """The text of `<folder>/<name>.sql`."""
    return (folder / f"{name}.sql").read_text(encoding="utf-8")


def first_row(result: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of a result, reading it to the end (DuckDB 2 refuses new work on an unfinished result)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    """The single value a query returns."""
    row = first_row(con.execute(sql, params or []))
    return None if row is None else row[0]


# Readers attach the published file under this name and make it their default catalog.
ATTACH_SNAPSHOT_SQL = "ATTACH ? AS snapshot (READ_ONLY)"
USE_SNAPSHOT_SQL = "USE snapshot"


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the database file; read-only ones are snapshots (see open_snapshot)."""
    if read_only:
        return open_snapshot(path)
    return duckdb.connect(str(path))


def open_snapshot(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the database file as it is now, unaffected by later publishes.

    duckdb.connect() reuses an open instance for the same path inside one process, which would pin readers to
    the first snapshot forever; attaching the file to a fresh in-memory instance opens the current file.
    """
    if not Path(path).exists():
        raise duckdb.IOException(f"database file {path} does not exist")
    con = duckdb.connect(":memory:")
    con.execute(ATTACH_SNAPSHOT_SQL, [str(path)])
    con.execute(USE_SNAPSHOT_SQL)
    return con


def snapshot_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor on a snapshot connection (cursors start in the in-memory catalog, so select the snapshot)."""
    cur = con.cursor()
    cur.execute(USE_SNAPSHOT_SQL)
    return cur


def quote_ident(identifier: str) -> str:
    """An identifier from a spec, quoted (spec names are code, never user input)."""
    return '"' + identifier.replace('"', '""') + '"'


def sql_blocks(name: str) -> dict[str, str]:
    """The named statements (`-- name: x`) of one .sql file."""
    blocks: dict[str, str] = {}
    current = None
    for line in load_sql(name).splitlines():
        if line.startswith("-- name:"):
            current = line.split(":", 1)[1].strip()
            blocks[current] = ""
        elif current is not None and not line.startswith("--"):
            blocks[current] += line + "\n"
    return {k: v.strip().rstrip(";") for k, v in blocks.items()}


@cache
def kind_sql(kind: Kind) -> dict[str, str]:
    """The statements on one kind's table, with its identifiers filled in."""
    names = {
        "table": quote_ident(kind.table),
        "prior": quote_ident(kind.table + PRIOR_SUFFIX),
        "cols": ", ".join(quote_ident(c) for c in kind.columns),
        "col_defs": ", ".join(f"{quote_ident(f.name)} {f.sql_type}" for f in kind.fields),
        "key_match": " AND ".join(f"t.{quote_ident(k)} = s.{quote_ident(k)}" for k in kind.key),
        "date_col": quote_ident(kind.date_field or kind.key[0]),
        "div_col": quote_ident(kind.division_field or kind.key[0]),
    }
    return {k: v.format(**names) for k, v in sql_blocks("kind_rows").items()}


def reference_divisions_frame() -> pd.DataFrame:
    """The shipped divisions with their county and township codes filled in."""
    from rcdash.reference.divisions import load_reference_divisions

    return with_ancestor_codes(load_reference_divisions())


def with_ancestor_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Add county_code and township_code, which the statistical code's prefix carries."""
    out = frame[["code", "name", "short_name", "level", "parent_code", "kind"]].copy()
    code = out["code"].astype(str)
    out["county_code"] = code.str[:6].where(out["level"] != "city")
    out["township_code"] = code.str[:9].where(out["level"].isin(["township", "village"]))
    out["synthetic"] = False
    return out


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and load the reference data if missing (idempotent, one transaction)."""
    con.execute("BEGIN")
    try:
        con.execute(load_sql("schema"))
        for kind in KINDS.values():
            con.execute(kind_sql(kind)["create_table"])
            con.execute(kind_sql(kind)["create_prior"])
        if first_row(con.execute("SELECT count(*) FROM divisions"))[0] == 0:
            divisions = reference_divisions_frame()
            con.register("reference_divisions", divisions)
            con.execute("INSERT INTO divisions BY NAME SELECT * FROM reference_divisions")
            con.unregister("reference_divisions")
            _load_reference_population(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def init_db(path: Path | str) -> None:
    """Create the database with schema and reference data, or bring an existing one up to date."""
    with writing(path):
        pass


def _load_reference_population(con: duckdb.DuckDBPyConnection) -> None:
    """The 2020 census county populations, as rows no import owns (import_id NULL)."""
    from rcdash.reference.divisions import load_reference_population

    census = load_reference_population()
    census = census.assign(division=census["code"].astype(str), year=census["year"].astype(int),
                           resident_population=census["resident_population"].astype("int64"))
    con.register("census", census[["division", "year", "resident_population"]])
    con.execute("INSERT INTO population BY NAME SELECT * FROM census")
    con.unregister("census")


def is_initialised(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the schema exists in this database."""
    row = first_row(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ))
    return bool(row and row[0])


class WriterBusy(Exception):
    """Another process has been changing the database for longer than the writer lock timeout."""


def _staging_glob(path: Path) -> list[Path]:
    """Staging copies left beside the database (by writers that were killed)."""
    return sorted(path.parent.glob(f".{path.name}{STAGING_MARK}*"))


@contextlib.contextmanager
def _writer_lock(path: Path, timeout_s: float = WRITER_LOCK_TIMEOUT_S) -> Iterator[None]:
    """One writer at a time per database (an advisory lock file beside it; released if the process dies)."""
    lock_path = path.with_name(path.name + ".lock")
    with lock_path.open("a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WriterBusy(f"数据库 {path} 正被另一个导入占用超过 {timeout_s:.0f} 秒，请稍后再试") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_path(path: Path) -> None:
    """Flush a file or directory to disk, so a rename survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writing(path: Path | str, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Change the database as one published step (all-or-nothing, never blocking readers).

    Readers (the app, `kpi`) open the published file read-only. A writer copies it to a staging file, changes
    the copy, and renames the copy over the published file only when everything succeeded. Readers that have
    the old file open keep a consistent snapshot; the next connection sees the new one. A writer killed midway
    leaves only a staging file, removed by the next writer. `fresh` starts from an empty database instead of a
    copy (the demo builder replaces the whole database this way).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        for stale in _staging_glob(path):
            stale.unlink(missing_ok=True)
        staging = path.with_name(f".{path.name}{STAGING_MARK}{os.getpid()}")
        if path.exists() and not fresh:
            shutil.copyfile(path, staging)
        con = connect(staging)
        try:
            _ensure_schema(con)
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            staging.unlink(missing_ok=True)
            Path(str(staging) + ".wal").unlink(missing_ok=True)
            raise
        con.close()
        _fsync_path(staging)
        Path(str(path) + ".wal").unlink(missing_ok=True)  # a stale log of the old file must not replay onto the new
        os.replace(staging, path)
        _fsync_path(path.parent)


def file_identity(path: Path | str) -> str:
    """Changes whenever a new snapshot is published (inode and modification time), for reader caches."""
    stat = Path(path).stat()
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"
