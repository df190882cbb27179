"""DuckDB connections, the schema and the reference data it starts with."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.importing.kinds import KINDS
from rcdash.importing.spec import Kind

SQL_DIR = Path(__file__).resolve().parent / "sql"
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


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the database file (read only for pages)."""
    return duckdb.connect(str(path), read_only=read_only)


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


def init_db(path: Path | str) -> None:
    """Create the schema and load the reference data (idempotent)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = connect(path)
    try:
        con.execute("BEGIN")
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
    finally:
        con.close()


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
