"""The metrics engine: DESIGN §5 computed in SQL for the city and every area of a level, at any dates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.metrics.definitions import METRICS
from rcdash.store.sql import first_row, load_sql, quote_ident, table_names

SQL_DIR = Path(__file__).resolve().parent / "sql"
LEVELS = ("county", "township")
# The pre-aggregations the engine's query reads, each rebuilt by every write whose records it is computed from
# (rcdash.metrics.derived), each a query sql/<table>.sql: table and its source tables.
PRE_AGGREGATIONS = (
    ("area_divisions", ("divisions",)),
    ("branch_coverage", ("branches",)),
    ("site_counts", ("sites",)),
    ("activity_weeks", ("activities",)),
    ("theme_months", ("activities",)),
)


def compute(con: duckdb.DuckDBPyConnection, dates: Sequence[date], level: str = "county") -> pd.DataFrame:
    """One row per (as_of, area): the city and every area of `level`, with every metric of DESIGN §5."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    return _compute(con, dates, (level,))


def compute_all(con: duckdb.DuckDBPyConnection, dates: Sequence[date]) -> pd.DataFrame:
    """The metrics of the city, every county and every township at each date, in one pass over the records."""
    return _compute(con, dates, LEVELS)


def metrics_sql(con: duckdb.DuckDBPyConnection) -> str:
    """The engine's query (on a database written before the derived tables existed, with them inlined)."""
    return with_derived(con, load_sql("area_metrics", SQL_DIR))


# Every area's metrics as of the latest data date, stored by each write (rcdash.metrics.derived): the date every
# page and `rcdash kpi` open on, so that their first view of a national database reads 21,000 stored rows
# instead of aggregating millions of records. `rcdash import` publishes its rows without them and stores them in
# the write after (rcdash.metrics.derived.settle); in between the table is absent and the engine computes.
LATEST_TABLE = "latest_metrics"


def store_latest(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the stored metrics of every area as of the latest data date (none when nothing is dated)."""
    latest = latest_data_date(con)
    rows = con.sql(metrics_sql(con), params={"dates": [latest] if latest else [], "levels": list(LEVELS)})
    con.execute(load_sql("latest_metrics_drop", SQL_DIR))
    rows.create(LATEST_TABLE)  # the query's own column types, so reading it back equals computing


def _stored(con: duckdb.DuckDBPyConnection, dates: Sequence[date], levels: tuple[str, ...]) -> pd.DataFrame | None:
    """The stored rows, when `dates` is the one date they are for (else None: compute)."""
    if len(set(dates)) != 1 or LATEST_TABLE not in table_names(con):
        return None
    stored = con.execute(load_sql("latest_metrics_of", SQL_DIR), {"as_of": next(iter(dates)), "levels": list(levels)})
    frame = stored.df()
    return frame if len(frame) else None


def _compute(con: duckdb.DuckDBPyConnection, dates: Sequence[date], levels: tuple[str, ...]) -> pd.DataFrame:
    """The engine's query for the city and the areas of `levels`."""
    frame = _stored(con, dates, levels)
    if frame is None:
        frame = con.execute(metrics_sql(con), {"dates": list(dates), "levels": list(levels)}).df()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    for metric in METRICS:
        if metric.county_level_only:
            # Brands are registered per county: below the county the count is not defined, not zero.
            frame[metric.name] = frame[metric.name].astype("object").where(frame["level"] != "township", None)
    return frame


def at(con: duckdb.DuckDBPyConnection, as_of: date, level: str = "county") -> pd.DataFrame:
    """The metrics of the city and every area of `level` as of one date."""
    return compute(con, [as_of], level)


def with_derived(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A query on the pre-aggregations, with any the database lacks (written by an older version) inlined as CTEs."""
    existing = table_names(con)
    missing = [table for table, _ in PRE_AGGREGATIONS if table not in existing]
    if not missing:
        return sql
    ctes = "".join(f"{quote_ident(t)} AS ({load_sql(t, SQL_DIR)}),\n" for t in missing)
    return re.sub(r"^WITH ", lambda _: "WITH " + ctes, sql, count=1, flags=re.M)


def latest_data_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest date any dated record carries (the natural default as-of date)."""
    row = first_row(con.execute(load_sql("latest_data_date", SQL_DIR)))
    return row[0] if row and row[0] is not None else None


def first_data_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The earliest date of the records measured over time: where browsing the history can usefully begin."""
    row = first_row(con.execute(load_sql("first_data_date", SQL_DIR)))
    return row[0] if row and row[0] is not None else None


def latest_activity_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest activity date: weeks and months after it are no data (the engine counts none of them)."""
    row = first_row(con.execute(load_sql("latest_activity_date", SQL_DIR)))
    return row[0] if row and row[0] is not None else None


def default_as_of(con: duckdb.DuckDBPyConnection, today: date | None = None) -> date:
    """The latest data date, but never in the future; today when there is no dated data."""
    today = today or date.today()
    latest = latest_data_date(con)
    return min(latest, today) if latest else today
