"""Widgets of the 报送情况 page: the period picker (also from ?period=) and the coloured status grid."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from rcdash.reporting import Cycle, Duty, parse_period
from rcdash.reporting.calendar import HALF_YEAR, MONTH
from rcdash.reporting.status import LATE, MISSING, NOT_DUE, ON_TIME
from rcdash.topics import reporting as topic
from rcdash.ui.widgets import download_buttons

# Colour backs the text (✓ 按时 / ⚠ 逾期 / ✗ 未报送), never replaces it.
STATUS_STYLES = {
    ON_TIME: "background-color: #e8f5e9; color: #1b5e20",
    LATE: "background-color: #fff3e0; color: #e65100; font-weight: 600",
    MISSING: "background-color: #fde2e1; color: #b71c1c; font-weight: 600",
    NOT_DUE: "background-color: #f5f5f5; color: #616161",
}
KIND_COLUMN_PX = 160  # the five default kinds side by side in the main column at 1400 px, each cell read whole
PERIOD_PARAM = "period"  # ?period=2022H2 or ?period=2022-12 opens the page on that period (links, the CLI's words)


def pick_period(con: duckdb.DuckDBPyConnection, calendar: list[Duty], today: date) -> Cycle:
    """Month or half-year, then the period (default: the latest that is due); ?period= preselects one."""
    asked, chosen = st.query_params.get(PERIOD_PARAM), None
    if asked:
        try:
            chosen = parse_period(asked)
        except ValueError as exc:
            st.error(f"{exc}。下面显示的是最近一个已过截止日的报送期。", icon=":material/error:")
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    units = (HALF_YEAR, MONTH)
    unit = left.radio("报送周期", units, index=units.index(chosen.unit) if chosen else 0,
                      format_func=topic.UNIT_LABELS.get, horizontal=True, key="reporting_unit")
    options = topic.period_options(con, unit, calendar, today)
    if chosen is not None and chosen.unit == unit and chosen not in options:
        options = sorted([*options, chosen], key=lambda c: c.start, reverse=True)
    index = options.index(chosen) if chosen in options else 0
    return right.selectbox("报送期", options, index=index, format_func=lambda c: f"{c.zh}（{c.label}）",
                           key=f"reporting_period_{unit}",
                           help="默认是最近一个所有数据都已过截止日的报送期。")


def status_grid(text: pd.DataFrame, codes: pd.DataFrame, stem: str) -> None:
    """The counties × kinds grid, each cell coloured by its status, with its downloads."""
    kinds = [c for c in text.columns if c != "区县"]
    styled = text.style.apply(lambda column: [STATUS_STYLES[s] for s in codes[column.name]], subset=kinds)
    widths = {"区县": st.column_config.TextColumn(width="small")} | {
        k: st.column_config.TextColumn(width=KIND_COLUMN_PX) for k in kinds}
    st.dataframe(styled, hide_index=True, width="stretch", height=38 + 35 * max(len(text), 1), column_config=widths)
    download_buttons(text, stem, key="reporting-grid")
