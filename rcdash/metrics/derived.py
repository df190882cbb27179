"""The metrics' pre-aggregations: tables computed from the records whenever they change, so that reading stays cheap
at scale, kept current by every write (rcdash.store.publish.writing's refresh) and recognised by fingerprints."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from rcdash.metrics.engine import LATEST_TABLE, PRE_AGGREGATIONS, SQL_DIR, store_latest
from rcdash.store.connections import open_snapshot
from rcdash.store.publish import writing
from rcdash.store.sql import first_row, load_sql, quote_ident, scalar, sql_blocks, table_names

DERIVED_META_PREFIX = "derived:"  # meta key of a derived table: the fingerprint of its sources and definition
DEFINITION_MARK = "#"  # in a derived table's meta value: the sources' fingerprints, then this and its definition's


@dataclass(frozen=True)
class Derived:
    """A table computed from others whenever they change, so that reading stays cheap at scale."""

    table: str  # also the name of its query, metrics/sql/<table>.sql, unless built in Python
    sources: tuple[str, ...]
    build: Callable[[duckdb.DuckDBPyConnection], None] | None = None  # for tables SQL cannot compute
    # A deferred table is a read cache that readers can do without (they compute what it holds when it is
    # missing): an import drops it and publishes its rows without waiting for it, and settle() rebuilds it as
    # the next write, so that the import's own step costs what its rows cost.
    deferred: bool = False
    # What defines its rows, beyond its sources: its query by default; a Python build names its own (a version, or
    # the SQL it runs). Part of the fingerprint stored when it is built, so a new definition rebuilds it.
    definition: Callable[[], str] | None = None

    def fingerprint(self) -> str:
        """A short hash of the definition."""
        text = self.definition() if self.definition is not None else load_sql(self.table, SQL_DIR)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def derived_sql(table: str) -> dict[str, str]:
    """The statements on one derived table (sql/derived_table.sql), its name and query filled in."""
    query = load_sql(table, SQL_DIR) if (SQL_DIR / f"{table}.sql").exists() else ""
    return {k: v.format(table=quote_ident(table), query=query)
            for k, v in sql_blocks("derived_table", SQL_DIR).items()}


def _latest_metrics_definition() -> str:
    """The engine's queries (a change to a metric rebuilds the stored rows)."""
    return load_sql("area_metrics", SQL_DIR) + load_sql("latest_data_date", SQL_DIR)


# What the metrics read, and what decides the latest data date (rcdash/metrics/sql/latest_data_date.sql).
METRICS_SOURCES = ("divisions", "branches", "members", "sites", "teams", "brands", "funds", "activities", "population",
                   "rescue_stats", "party")

# Pre-aggregation at write time: each is rebuilt by refresh() when a source table changed, in this order
# (latest_metrics reads the tables before it).
DERIVED = (
    *(Derived(table, sources) for table, sources in PRE_AGGREGATIONS),
    Derived(LATEST_TABLE, METRICS_SOURCES, store_latest, deferred=True, definition=_latest_metrics_definition),
)


def _fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Changes whenever the table's rows do: imports only insert rows with a new id and delete rows (undo too)."""
    if table == "divisions":  # reference data: only ever added to
        return str(scalar(con, "SELECT count(*) FROM divisions"))
    row = first_row(con.execute(
        f"SELECT count(*), coalesce(sum(import_id), 0), coalesce(max(import_id), 0) FROM {quote_ident(table)}"
    ))
    return ":".join(str(v) for v in row)  # type: ignore[union-attr]


def _check_division_codes(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Refuse divisions whose codes do not carry their ancestors (what the derived tables rely on); checked once
    per state of the divisions table, not on every import."""
    key = DERIVED_META_PREFIX + "checked:divisions"
    if scalar(con, "SELECT value FROM meta WHERE key = ?", [key]) == fingerprint:
        return
    bad = [r[0] for r in con.execute(load_sql("division_code_violations", SQL_DIR)).fetchall()]
    if bad:
        raise ValueError(f"division codes do not carry their county and township as prefixes: {bad}")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, fingerprint])


def refresh(con: duckdb.DuckDBPyConnection, defer: bool = False) -> list[str]:
    """Rebuild the derived tables whose sources or definition changed since they were built; the names of those
    rebuilt. The refresh of every write (rcdash.store.publish.writing).

    defer: drop the deferred tables whose sources changed instead of rebuilding them (an import publishes its
    rows without waiting for them; settle() rebuilds them as the next write, readers compute meanwhile).
    """
    existing = table_names(con)
    built_as = _built_as(con)
    prints: dict[str, str] = {}
    rebuilt = []
    for derived in DERIVED:
        key = DERIVED_META_PREFIX + derived.table
        for source in derived.sources:
            if source not in prints:
                prints[source] = _fingerprint(con, source)
        current = "|".join(prints[s] for s in derived.sources) + DEFINITION_MARK + derived.fingerprint()
        exists = derived.table in existing
        if exists and built_as.get(key) == current:
            continue
        if derived.deferred and defer:
            if exists:
                con.execute(derived_sql(derived.table)["drop"])
                con.execute("DELETE FROM meta WHERE key = ?", [key])
            continue
        if "divisions" in derived.sources:
            _check_division_codes(con, prints["divisions"])
        if derived.build is not None:
            derived.build(con)
        else:
            con.execute(derived_sql(derived.table)["create"])
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, current])
        rebuilt.append(derived.table)
    return rebuilt


def refresh_deferring(con: duckdb.DuckDBPyConnection) -> list[str]:
    """refresh() for an import: the deferred tables it changed are dropped, for settle() to rebuild."""
    return refresh(con, defer=True)


def _built_as(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every derived table's meta value (what it was built from), in one query."""
    return dict(con.execute("SELECT key, value FROM meta WHERE key LIKE ?", [DERIVED_META_PREFIX + "%"]).fetchall())


def _defined_as_now(derived: Derived, built_as: dict[str, str]) -> bool:
    """Whether the table was built by its present definition."""
    value = built_as.get(DERIVED_META_PREFIX + derived.table) or ""
    return value.endswith(DEFINITION_MARK + derived.fingerprint())


def outdated(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The derived tables a database lacks or holds by another definition (the next write rebuilds them)."""
    existing, built_as = table_names(con), _built_as(con)
    return [d.table for d in DERIVED if d.table not in existing or not _defined_as_now(d, built_as)]


def unsettled(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The deferred tables a published database lacks (dropped by an import, not yet rebuilt by settle)."""
    existing = table_names(con)
    return [d.table for d in DERIVED if d.deferred and d.table not in existing]


def settle(path: Path | str) -> list[str]:
    """Rebuild the deferred tables that imports dropped, as one more published write; the names rebuilt (none,
    and nothing written, when there is nothing to do). Run after an import; a reader never needs it."""
    if not Path(path).exists():
        return []
    reader = open_snapshot(path)
    try:
        missing = unsettled(reader)
    finally:
        reader.close()
    if not missing:
        return []
    with writing(path, refresh=refresh):  # publishing builds every derived table that is missing
        pass
    return missing


def init_db(path: Path | str) -> None:
    """Create the database with schema, reference data and derived tables, or bring an existing one up to date."""
    with writing(path, refresh=refresh):
        pass
