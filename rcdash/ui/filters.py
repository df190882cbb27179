"""The shared sidebar filters — reporting period (a half-year or any date) and county — kept across pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import streamlit as st

from rcdash.config import CITY_CODE, CITY_NAME, PLAN_START
from rcdash.metrics.engine import SQL_DIR, default_as_of, latest_activity_date, latest_data_date
from rcdash.metrics.period import Period, data_end_note, half_year_of, half_years_between
from rcdash.store.sql import load_sql

MODE_HALF_YEAR, MODE_DATE = "半年度", "指定日期"
WIDGET_KEYS = ("filter_mode", "filter_period", "filter_date", "filter_county")
SHADOW_PREFIX = "_kept_"  # widget state is dropped when a page without the widget runs; the shadow copy is not


@dataclass(frozen=True)
class Filters:
    """What every page is filtered by."""

    as_of: date
    period: Period  # the reporting period, cut at as_of
    county: str | None  # None = the whole city
    county_name: str

    @property
    def area(self) -> str:
        """The selected area's code (the city when no county is chosen)."""
        return self.county or CITY_CODE

    def describe(self) -> str:
        """One line for captions: area, as-of date and period."""
        return f"{self.county_name} · 截至 {self.as_of:%Y-%m-%d} · 报告期 {self.period.label}（{self.period.start:%m-%d} 起）"


@st.cache_data(show_spinner=False)
def _counties(_con: duckdb.DuckDBPyConnection, db_key: str) -> list[tuple[str, str]]:
    """(code, name) of the counties."""
    return [tuple(r) for r in _con.execute(load_sql("counties", SQL_DIR)).fetchall()]


def _half_year_label(p: Period) -> str:
    """'2022 年下半年（2022H2）'."""
    half = "上半年" if p.label.endswith("H1") else "下半年"
    return f"{p.start.year} 年{half}（{p.label}）"


def _restore(valid: dict[str, list[object]]) -> None:
    """Give each filter widget the value kept from the previous page, if it is still a valid choice."""
    for key in WIDGET_KEYS:
        shadow = SHADOW_PREFIX + key
        if shadow in st.session_state:
            value = st.session_state[shadow]
            if key not in valid or value in valid[key]:
                st.session_state[key] = value


def _remember(key: str) -> None:
    """on_change: keep a widget's new value where the next page (and the next run) can find it."""
    st.session_state[SHADOW_PREFIX + key] = st.session_state[key]


@st.cache_data(show_spinner=False)
def _data_ends(_con: duckdb.DuckDBPyConnection, db_key: str) -> tuple[date | None, date | None]:
    """The latest date of any record, and of the activities."""
    return latest_data_date(_con), latest_activity_date(_con)


def date_bounds(latest: date, today: date | None = None) -> tuple[date, date]:
    """The date picker's span: from the plan's start (earlier dates have nothing to measure) to today."""
    today = today or date.today()
    return min(PLAN_START, latest), max(today, latest)


def _clamp_kept_date(low: date, high: date) -> None:
    """A date kept from before (or from another database) outside the picker's span is moved inside it."""
    for key in ("filter_date", SHADOW_PREFIX + "filter_date"):
        kept = st.session_state.get(key)
        if isinstance(kept, date) and not low <= kept <= high:
            st.session_state[key] = min(max(kept, low), high)


def data_end_notice(con: duckdb.DuckDBPyConnection, db_key: str, chosen: Filters) -> None:
    """Say “数据截至 …” on the page when the chosen date lies after the latest data (every page with filters)."""
    note = data_end_note(chosen.as_of, *_data_ends(con, db_key))
    if note:
        st.info(note, icon=":material/event_busy:")


def sidebar_filters(con: duckdb.DuckDBPyConnection, db_key: str) -> Filters:
    """Draw the filters in the sidebar; their values follow the user from page to page."""
    latest = default_as_of(con)
    periods = half_years_between(PLAN_START, latest)
    counties = _counties(con, db_key)
    low, high = date_bounds(latest)
    _restore({"filter_period": list(periods), "filter_county": [None, *(c for c, _ in counties)]})
    _clamp_kept_date(low, high)
    with st.sidebar:
        st.markdown("#### 筛选")
        mode = st.radio("统计口径", (MODE_HALF_YEAR, MODE_DATE), horizontal=True, key="filter_mode",
                        on_change=_remember, args=("filter_mode",),
                        help="半年度：统计日为该半年最后一天（不晚于最新数据日期）；指定日期：任意一天。")
        if mode == MODE_HALF_YEAR:
            chosen = st.selectbox("报告期", periods, format_func=_half_year_label, key="filter_period",
                                  on_change=_remember, args=("filter_period",))
            as_of = min(chosen.end, latest)
        else:
            as_of = st.date_input("统计日", value=latest, min_value=low, max_value=high, key="filter_date",
                                  format="YYYY-MM-DD", on_change=_remember, args=("filter_date",),
                                  help=f"可选 {low:%Y-%m-%d}（计划开始）至今天；晚于最新数据日期时，页面会注明数据截至哪一天。")
        names = {code: name for code, name in counties}
        county = st.selectbox("区、县（市）", [None, *names], key="filter_county",
                              on_change=_remember, args=("filter_county",),
                              format_func=lambda c: f"全市（{CITY_NAME}）" if c is None else names[c])
    return Filters(as_of, half_year_of(as_of).cut(as_of), county, names[county] if county else CITY_NAME)
