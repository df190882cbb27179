"""The metrics engine: DESIGN §5 computed in SQL for the city and every area of a level, at any dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.db import load_sql, table_names, with_derived
from rcdash.metrics.definitions import METRICS

SQL_DIR = Path(__file__).resolve().parent / "sql"
LEVELS = ("county", "township")


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


# Every area's metrics as of the latest data date, stored by each write (rcdash.db.DERIVED): the date every
# page and `rcdash kpi` open on, so that their first view of a national database reads 21,000 stored rows
# instead of aggregating millions of records. `rcdash import` publishes its rows without them and stores them in
# the write after (rcdash.db.settle); in between the table is absent and the engine computes.
LATEST_TABLE = "latest_metrics"


def store_latest(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the stored metrics of every area as of the latest data date (none when nothing is dated)."""
    from rcdash.metrics.period import latest_data_date  # period builds on the engine's SQL folder

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
