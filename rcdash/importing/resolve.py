"""The divisions an import resolves its cells against: one database's divisions, indexed on first need."""

from __future__ import annotations

from pathlib import Path

import duckdb

from rcdash.reference.divisions import DivisionIndex, Resolution
from rcdash.store.sql import load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"


class DivisionSource:
    """Resolves division cells against one database's divisions (the Resolver of validation)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, index: DivisionIndex | None = None) -> None:
        self._con = con
        self._full = index

    def full(self) -> DivisionIndex:
        """The index of every division (built on first need: a file without a division cell needs none)."""
        if self._full is None:
            self._full = DivisionIndex(self._con.execute(load_sql("division_rows", SQL_DIR)).df())
        return self._full

    def resolve(self, text: str, township: str | None = None, levels: frozenset[str] | None = None) -> Resolution:
        """As DivisionIndex.resolve."""
        return self.full().resolve(text, township, levels)
