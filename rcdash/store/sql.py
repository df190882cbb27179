"""SQL by name: statements live in .sql files beside the code that runs them, values are bound as parameters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def load_sql(name: str, folder: Path = SQL_DIR) -> str:
    """The text of `<folder>/<name>.sql`."""
    return (folder / f"{name}.sql").read_text(encoding="utf-8")


def sql_blocks(name: str, folder: Path = SQL_DIR) -> dict[str, str]:
    """The named statements (`-- name: x`) of one .sql file."""
    blocks: dict[str, str] = {}
    current = None
    for line in load_sql(name, folder).splitlines():
        if line.startswith("-- name:"):
            current = line.split(":", 1)[1].strip()
            blocks[current] = ""
        elif current is not None and not line.startswith("--"):
            blocks[current] += line + "\n"
    return {k: v.strip().rstrip(";") for k, v in blocks.items()}


def first_row(result: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of a result, reading it to the end (DuckDB 2 refuses new work on an unfinished result)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    """The single value a query returns."""
    row = first_row(con.execute(sql, params or []))
    return None if row is None else row[0]


def quote_ident(identifier: str) -> str:
    """An identifier from a spec, quoted (spec names are code, never user input)."""
    return '"' + identifier.replace('"', '""') + '"'


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the current database."""
    sql = "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    return {r[0] for r in con.execute(sql).fetchall()}
