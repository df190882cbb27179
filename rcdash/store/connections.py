"""Read-only snapshots of the published database file: what every page and command reads."""

from __future__ import annotations

from pathlib import Path

import duckdb

from rcdash.store.sql import first_row

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


def is_initialised(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the schema exists in this database."""
    row = first_row(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ))
    return bool(row and row[0])


def file_identity(path: Path | str) -> str:
    """Changes whenever a new snapshot is published (inode and modification time), for reader caches."""
    stat = Path(path).stat()
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"
