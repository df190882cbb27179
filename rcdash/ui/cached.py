"""Cached computations for pages, keyed on plain arguments (the database key changes when data does)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from rcdash.metrics import engine
from rcdash.metrics.kpi import kpi
from rcdash.plans import get
from rcdash.reporting import METRIC_KIND_NAMES, unreported_in
from rcdash.ui.data import shared_cursor
from rcdash.ui.filters import Filters


@st.cache_data(show_spinner="正在计算指标…", max_entries=64)
def metrics_at(db_key: str, as_of: date, level: str = "county") -> pd.DataFrame:
    """The metrics of the city and every area of a level as of a date."""
    return engine.at(shared_cursor(db_key), as_of, level)


@st.cache_data(show_spinner="正在计算趋势…", max_entries=32)
def metrics_series(db_key: str, dates: tuple[date, ...], level: str = "county") -> pd.DataFrame:
    """The metrics at several dates (trends, sparklines)."""
    return engine.compute(shared_cursor(db_key), list(dates), level)


@st.cache_data(show_spinner="正在评估计划目标…", max_entries=32)
def kpi_report(db_key: str, as_of: date, plan_id: str, level: str = "county") -> dict:
    """The full kpi report (metrics, plan rules, outlook) as of a date, against the chosen plan."""
    con = shared_cursor(db_key)
    return kpi(con, as_of, level, plan=get(con, plan_id))


@st.cache_data(show_spinner=False, max_entries=64)
def unreported(db_key: str, plan_id: str, start: date, end: date, kinds: tuple[str, ...],
               today: date) -> dict[str, list[str]]:
    """Per county, the kinds it has not reported for a period (DESIGN §9): reporting_view runs once per snapshot,
    period, plan and day (a due date passing overnight turns a report missing), not on every page run."""
    con = shared_cursor(db_key)
    return unreported_in(con, get(con, plan_id), start, end, today, kinds)


def unreported_of(db_key: str, filters: Filters) -> dict[str, list[str]]:
    """What the counties have not reported for the sidebar's period, for every kind a figure rests on: one answer
    (one cache entry) shared by every page."""
    return unreported(db_key, filters.plan.id, filters.period.start, filters.period.end, METRIC_KIND_NAMES,
                      date.today())


# Figures of a few snapshots × pages × filters (each ~20–100 KB of Plotly objects).
FIGURES_KEPT = 128


def shared_figure(build: Callable[..., go.Figure], *args: object, **kwargs: object) -> go.Figure:
    """build(*args, **kwargs), once per distinct input, shared by every session: building a trend figure costs ~55 ms
    of CPU, sending it ~5 ms (issue 22). Sharing one object is safe: st.plotly_chart sends a copy (to_dict) and
    never changes the figure; the inputs are hashed by value, so new data or filters build a new one."""
    return _figure(f"{build.__module__}.{build.__qualname__}", build, args, kwargs)


@st.cache_resource(show_spinner=False, max_entries=FIGURES_KEPT)
def _figure(name: str, _build: Callable[..., go.Figure], args: tuple, kwargs: dict) -> go.Figure:
    """The cache behind shared_figure: keyed on the builder's name and the inputs (a function is not hashable)."""
    return _build(*args, **kwargs)
