"""The page-side database connection: one read-only connection per process, a cursor per use."""

from __future__ import annotations

from pathlib import Path

import duckdb
import streamlit as st

from rcdash import config
from rcdash.db import connect, is_initialised


@st.cache_resource(show_spinner=False)
def _shared_connection(path: str) -> duckdb.DuckDBPyConnection:
    """The process-wide read-only connection to one database file."""
    return connect(path, read_only=True)


def database_path() -> Path:
    """The database this app serves ($RCDASH_DB or data/rcdash.duckdb)."""
    return config.db_path()


def cursor() -> duckdb.DuckDBPyConnection | None:
    """A cursor on the shared connection, or None when there is no usable database yet."""
    path = database_path()
    if not path.exists():
        return None
    cur = _shared_connection(str(path)).cursor()
    return cur if is_initialised(cur) else None


def db_key() -> str:
    """A cache key that changes when the database file changes (path and modification time)."""
    path = database_path()
    try:
        return f"{path}:{path.stat().st_mtime_ns}"
    except OSError:
        return str(path)


def shared_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for cached computations (they run only after a page found the database)."""
    return _shared_connection(str(database_path())).cursor()
