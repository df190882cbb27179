"""The shared sidebar filters — plan, reporting period (a half-year or any date) and county — kept across pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import streamlit as st

from rcdash.config import CITY_CODE, CITY_NAME
from rcdash.metrics.engine import SQL_DIR, default_as_of, first_data_date, latest_activity_date, latest_data_date
from rcdash.metrics.period import Period, data_end_note, half_year_of
from rcdash.plans import Plan, all_plans, browse, default_plan
from rcdash.store.sql import load_sql

MODE_HALF_YEAR, MODE_DATE = "半年度", "指定日期"
WIDGET_KEYS = ("filter_plan", "filter_mode", "filter_period", "filter_date", "filter_county")
SHADOW_PREFIX = "_kept_"  # widget state is dropped when a page without the widget runs; the shadow copy is not


@dataclass(frozen=True)
class Filters:
    """What every page is filtered by."""

    as_of: date
    period: Period  # the reporting period, cut at as_of
    county: str | None  # None = the whole city
    county_name: str
    plan: Plan  # the plan every target, rule and projection is measured against

    @property
    def area(self) -> str:
        """The selected area's code (the city when no county is chosen)."""
        return self.county or CITY_CODE

    def describe(self) -> str:
        """One line for captions: area, as-of date and period."""
        return f"{self.county_name} · 截至 {self.as_of:%Y-%m-%d} · 报告期 {self.period.label}（{self.period.start:%m-%d} 起）"

    @property
    def plan_title(self) -> str:
        """'《name》（start 至 end）' for captions that name the targets' plan."""
        return browse.plan_title(self.plan)

    @property
    def trend_start(self) -> date:
        """Where trends begin: the plan's start (the start of the year for a date before the plan)."""
        return browse.trend_start(self.plan, self.as_of)


@st.cache_data(show_spinner=False)
def _counties(_con: duckdb.DuckDBPyConnection, db_key: str) -> list[tuple[str, str]]:
    """(code, name) of the counties."""
    return [tuple(r) for r in _con.execute(load_sql("counties", SQL_DIR)).fetchall()]


def _half_year_label(p: Period) -> str:
    """'2022 年下半年（2022H2）'."""
    half = "上半年" if p.label.endswith("H1") else "下半年"
    return f"{p.start.year} 年{half}（{p.label}）"


def _restore(valid: dict[str, list[object]], keys: tuple[str, ...]) -> None:
    """Give each filter widget the value kept from the previous page, if it is still a valid choice."""
    for key in keys:
        shadow = SHADOW_PREFIX + key
        if shadow in st.session_state:
            value = st.session_state[shadow]
            if key not in valid or value in valid[key]:
                st.session_state[key] = value


def _remember(key: str) -> None:
    """on_change: keep a widget's new value where the next page (and the next run) can find it."""
    st.session_state[SHADOW_PREFIX + key] = st.session_state[key]


@st.cache_data(show_spinner=False)
def _data_start(_con: duckdb.DuckDBPyConnection, db_key: str) -> date | None:
    """The earliest date of the records measured over time."""
    return first_data_date(_con)


@st.cache_data(show_spinner=False)
def _data_ends(_con: duckdb.DuckDBPyConnection, db_key: str) -> tuple[date | None, date | None]:
    """The latest date of any record, and of the activities."""
    return latest_data_date(_con), latest_activity_date(_con)


def date_bounds(plan: Plan, first_data: date | None, latest: date, today: date | None = None) -> tuple[date, date]:
    """The date picker's span: the chosen plan's period and the data's span, up to today."""
    low, high = browse.browse_span(plan, first_data, latest)
    return low, max(today or date.today(), high)


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


def plan_notice(con: duckdb.DuckDBPyConnection, chosen: Filters) -> None:
    """Say so in one line when the chosen date lies outside the chosen plan's period (every page with filters)."""
    note = browse.outside_note(all_plans(con), chosen.plan, chosen.as_of)
    if note:
        st.info(note, icon=":material/event_note:")


def _plan_changed(plans: dict[str, Plan], latest: date) -> None:
    """on_change of the plan picker: keep the choice and open the new plan's period (its latest data date)."""
    _remember("filter_plan")
    opening = browse.opening_date(plans[st.session_state["filter_plan"]], latest)
    for key, value in (("filter_period", half_year_of(opening)), ("filter_date", opening)):
        st.session_state[key] = st.session_state[SHADOW_PREFIX + key] = value


def _kept(key: str) -> object:
    """A filter's value from this run's widget state, else the copy kept from an earlier page (None if neither)."""
    return st.session_state.get(key, st.session_state.get(SHADOW_PREFIX + key))


def _kept_as_of(latest: date) -> date:
    """The as-of date the kept filters point at (the latest data date on a first visit): the default plan's date."""
    day, period = _kept("filter_date"), _kept("filter_period")
    if _kept("filter_mode") == MODE_DATE and isinstance(day, date):
        return day
    return browse.half_year_as_of(period, latest) if isinstance(period, Period) else latest


def _plan_picker(con: duckdb.DuckDBPyConnection, latest: date) -> Plan:
    """The 计划 selectbox: every plan, newest first. Until the user picks one, the plan follows the chosen date
    (the plan whose period holds it, else the latest plan); a plan picked by hand stays."""
    plans = {p.id: p for p in reversed(all_plans(con))}
    _restore({"filter_plan": list(plans)}, ("filter_plan",))
    picked = st.session_state.get(SHADOW_PREFIX + "filter_plan") in plans
    if not picked or st.session_state.get("filter_plan") not in plans:
        st.session_state["filter_plan"] = default_plan(con, _kept_as_of(latest)).id
    chosen = st.selectbox("计划", list(plans), format_func=lambda i: browse.plan_label(plans[i]), key="filter_plan",
                          on_change=_plan_changed, args=(plans, latest),
                          help="各页的目标、达标规则、到计划末的推算和剩余月数都对照所选计划。"
                               "未手动选择时，按所选日期自动对应其所在的计划（不在任何计划期内时为最近的计划）；"
                               "新计划由数据管理员导入。")
    st.caption(browse.plan_title(plans[chosen]))  # the whole name and the exact period, which the box cuts off
    return plans[chosen]


def sidebar_filters(con: duckdb.DuckDBPyConnection, db_key: str) -> Filters:
    """Draw the filters in the sidebar; their values follow the user from page to page."""
    latest = default_as_of(con)
    counties = _counties(con, db_key)
    with st.sidebar:
        st.markdown("#### 筛选")
        plan = _plan_picker(con, latest)
    first_data = _data_start(con, db_key)
    periods = browse.half_years(plan, first_data, latest)
    low, high = date_bounds(plan, first_data, latest)
    opening = browse.opening_date(plan, latest)
    _restore({"filter_period": list(periods), "filter_county": [None, *(c for c, _ in counties)]}, WIDGET_KEYS[1:])
    if st.session_state.get("filter_period") not in periods:  # first visit: the plan's latest half-year with data
        st.session_state["filter_period"] = half_year_of(opening)
    _clamp_kept_date(low, high)
    with st.sidebar:
        mode = st.radio("统计口径", (MODE_HALF_YEAR, MODE_DATE), horizontal=True, key="filter_mode",
                        on_change=_remember, args=("filter_mode",),
                        help="半年度：统计日为该半年最后一天（不晚于最新数据日期；整个半年都在最新数据之后时仍取该半年最后一天，"
                             "页面注明数据截至哪一天）；指定日期：任意一天。")
        if mode == MODE_HALF_YEAR:
            chosen = st.selectbox("报告期", periods, format_func=_half_year_label, key="filter_period",
                                  on_change=_remember, args=("filter_period",))
            as_of = browse.half_year_as_of(chosen, latest)
        else:
            if "filter_date" not in st.session_state:
                st.session_state["filter_date"] = opening
            as_of = st.date_input("统计日", min_value=low, max_value=high, key="filter_date",
                                  format="YYYY-MM-DD", on_change=_remember, args=("filter_date",),
                                  help=f"可选 {low:%Y-%m-%d}（所选计划开始或最早数据）至 {high:%Y-%m-%d}；"
                                       "晚于最新数据日期时，页面会注明数据截至哪一天。")
        names = {code: name for code, name in counties}
        county = st.selectbox("区、县（市）", [None, *names], key="filter_county",
                              on_change=_remember, args=("filter_county",),
                              format_func=lambda c: f"全市（{CITY_NAME}）" if c is None else names[c])
    return Filters(as_of, half_year_of(as_of).cut(as_of), county, names[county] if county else CITY_NAME, plan)
