"""The schema: meta and reference tables (sql/schema.sql), one table and one prior table per record kind, and the
reference data a new database starts with (the shipped divisions and census populations)."""

from __future__ import annotations

import hashlib
from functools import cache

import duckdb
import pandas as pd

from rcdash.records.kinds import KINDS
from rcdash.records.spec import Kind
from rcdash.reference.divisions import load_reference_divisions, load_reference_population
from rcdash.store.sql import first_row, load_sql, quote_ident, scalar, sql_blocks, table_names

SCHEMA_VERSION = "2"  # 2: division columns compressed with zstd (rcdash.records.spec)
SCHEMA_META_KEY = "schema_fingerprint"
# Each record table has a shadow "<table>_prior" holding rows an import replaced, so undo restores them exactly.
PRIOR_SUFFIX = "_prior"


@cache
def kind_sql(kind: Kind) -> dict[str, str]:
    """The statements on one kind's table, with its identifiers filled in."""
    names = {
        "table": quote_ident(kind.table),
        "prior": quote_ident(kind.table + PRIOR_SUFFIX),
        "cols": ", ".join(quote_ident(c) for c in kind.columns),
        "cols_t": ", ".join(f"t.{quote_ident(c)}" for c in kind.columns),
        "col_defs": ", ".join(f"{quote_ident(f.name)} {f.type.column_definition}" for f in kind.fields),
        "key_match": " AND ".join(f"t.{quote_ident(k)} = s.{quote_ident(k)}" for k in kind.key),
        "changed": " OR ".join(f"t.{quote_ident(c)} IS DISTINCT FROM s.{quote_ident(c)}" for c in kind.columns),
        "date_col": quote_ident(kind.date_field or kind.key[0]),
        "div_col": quote_ident(kind.division_field or kind.key[0]),
        "report_month": (f"date_trunc('month', s.{quote_ident(kind.report_date)})::DATE" if kind.report_date
                         else "NULL::DATE"),
    }
    return {k: v.format(**names) for k, v in sql_blocks("kind_rows").items()}


def reference_divisions_frame() -> pd.DataFrame:
    """The shipped divisions with their county and township codes filled in."""
    return with_ancestor_codes(load_reference_divisions())


def with_ancestor_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Add county_code and township_code, which the statistical code's prefix carries."""
    out = frame[["code", "name", "short_name", "level", "parent_code", "kind"]].copy()
    code = out["code"].astype(str)
    out["county_code"] = code.str[:6].where(out["level"] != "city")
    out["township_code"] = code.str[:9].where(out["level"].isin(["township", "village"]))
    out["synthetic"] = False
    return out


@cache
def schema_fingerprint() -> str:
    """Names the schema this code creates (its statements); stored in meta once a database has it."""
    statements = [load_sql("schema"), SCHEMA_VERSION]
    for kind in KINDS.values():
        statements += [kind_sql(kind)["create_table"], kind_sql(kind)["create_prior"]]
    return hashlib.sha256("\n".join(statements).encode("utf-8")).hexdigest()[:16]


def has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database already has this code's schema (then nothing needs creating)."""
    if "meta" not in table_names(con):
        return False
    return scalar(con, "SELECT value FROM meta WHERE key = ?", [SCHEMA_META_KEY]) == schema_fingerprint()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and load the reference data if missing (idempotent, one transaction)."""
    if has_schema(con):  # every write passes here: skip a dozen statements when they would change nothing
        return
    had_coverage = "import_coverage" in table_names(con)
    con.execute("BEGIN")
    try:
        con.execute(load_sql("schema"))
        for kind in KINDS.values():
            con.execute(kind_sql(kind)["create_table"])
            con.execute(kind_sql(kind)["create_prior"])
            if not had_coverage and kind.division_field is not None:  # imports older than the coverage table
                con.execute(kind_sql(kind)["backfill_coverage"], [kind.name])
        if first_row(con.execute("SELECT count(*) FROM divisions"))[0] == 0:
            divisions = reference_divisions_frame()
            con.register("reference_divisions", divisions)
            con.execute("INSERT INTO divisions BY NAME SELECT * FROM reference_divisions")
            con.unregister("reference_divisions")
            _load_reference_population(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [SCHEMA_META_KEY, schema_fingerprint()])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _load_reference_population(con: duckdb.DuckDBPyConnection) -> None:
    """The 2020 census county populations, as rows no import owns (import_id NULL)."""
    census = load_reference_population()
    census = census.assign(division=census["code"].astype(str), year=census["year"].astype(int),
                           resident_population=census["resident_population"].astype("int64"))
    con.register("census", census[["division", "year", "resident_population"]])
    con.execute("INSERT INTO population BY NAME SELECT * FROM census")
    con.unregister("census")
