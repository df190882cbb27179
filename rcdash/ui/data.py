"""The page-side database connection: one read-only connection per published snapshot, a cursor per use.

Imports publish a new database file by renaming it over the old one (rcdash.store.publish.writing). A connection keeps
reading the snapshot it opened, so a page never sees a half-applied import; the next run notices the new file
(its identity changed) and opens it, and every cache keyed on db_key() follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import streamlit as st

from rcdash import config
from rcdash.store.connections import file_identity, is_initialised, open_snapshot, snapshot_cursor
from rcdash.store.schema import has_schema
from rcdash.topics.status import demo_seed

SNAPSHOTS_KEPT = 3  # a few recent snapshots stay open for sessions still running on them; older ones are dropped
KEY_SEPARATOR = "|"


@st.cache_resource(show_spinner=False, max_entries=SNAPSHOTS_KEPT)
def _snapshot_connection(path: str, identity: str) -> duckdb.DuckDBPyConnection:
    """The process-wide read-only connection to one published snapshot of the database."""
    return open_snapshot(path)


def database_path() -> Path:
    """The database this app serves ($RCDASH_DB or data/rcdash.duckdb)."""
    return config.db_path()


def db_key() -> str:
    """Names the current snapshot (path and file identity): cache keys change when data does."""
    path = database_path()
    try:
        return f"{path}{KEY_SEPARATOR}{file_identity(path)}"
    except OSError:
        return f"{path}{KEY_SEPARATOR}missing"


def shared_cursor(key: str | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the snapshot a key names (the current one by default)."""
    path, identity = (key or db_key()).rsplit(KEY_SEPARATOR, 1)
    return snapshot_cursor(_snapshot_connection(path, identity))


def cursor() -> duckdb.DuckDBPyConnection | None:
    """A cursor on the current snapshot, or None when there is no usable database yet."""
    key = db_key()
    if key.endswith(KEY_SEPARATOR + "missing"):
        return None
    return shared_cursor(key) if snapshot_state(key).initialised else None


@dataclass(frozen=True)
class SnapshotState:
    """What every page asks of the snapshot before drawing: initialised, of this code's schema, demo data (seed)."""

    initialised: bool
    current_schema: bool
    demo_seed: str | None


@st.cache_data(show_spinner=False, max_entries=SNAPSHOTS_KEPT * 2)
def snapshot_state(key: str) -> SnapshotState:
    """Asked once per snapshot (its key changes with the file), not on every page run: the three queries cost about
    as much as a whole trivial page (issue 22)."""
    cur = shared_cursor(key)
    if not is_initialised(cur):
        return SnapshotState(False, False, None)
    return SnapshotState(True, has_schema(cur), demo_seed(cur))
