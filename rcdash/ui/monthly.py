"""Widgets of the 月度主题 page: month picker, headline cards, the week grid, themes, activity filters, the brief."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from rcdash.charts.style import CHART_CONFIG
from rcdash.charts.week_grid import week_heatmap
from rcdash.labels import UNREPORTED
from rcdash.reports import monthly_brief
from rcdash.topics import monthly, status
from rcdash.ui.cached import shared_figure
from rcdash.ui.data import shared_cursor
from rcdash.ui.filters import Filters
from rcdash.ui.text import escape_markdown

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MISSED_STYLE = "background-color: #fde2e1; color: #b71c1c; font-weight: 600"


@st.cache_data(show_spinner=False, max_entries=32)
def _months(db_key: str, as_of: date) -> list[date]:
    """The months the picker offers."""
    return monthly.month_options(shared_cursor(db_key), as_of)


@st.cache_data(show_spinner="正在汇总本月活动…", max_entries=32)
def view_of(db_key: str, month: date, as_of: date, county: str | None) -> monthly.MonthlyView:
    """The month's figures for an area."""
    return monthly.month_view(shared_cursor(db_key), month, as_of, county)


@st.cache_data(show_spinner="正在生成简报…", max_entries=16)
def brief_files(db_key: str, month: date, as_of: date, county: str | None) -> tuple[bytes, bytes]:
    """The brief as (XLSX, DOCX)."""
    view = monthly.month_view(shared_cursor(db_key), month, as_of, county)
    demo = status.demo_seed(shared_cursor(db_key)) is not None
    return monthly_brief.brief_xlsx(view, demo), monthly_brief.brief_docx(view, demo)


def pick_month(db_key: str, filters: Filters) -> date:
    """The month picker (months up to the sidebar's as-of date, newest first)."""
    months = _months(db_key, filters.as_of)
    return st.selectbox("月份", months, format_func=monthly.month_label, key="monthly_month",
                        help="可选到侧栏统计日所在的月份；统计日落在月中时，本月数据截至统计日。")


def brief_buttons(db_key: str, view: monthly.MonthlyView, county: str | None) -> None:
    """One click to download the meeting's brief."""
    month, as_of = view.window.start, view.window.as_of
    stem = monthly_brief.file_stem(view)
    left, right = st.columns(2)
    # Made when a button is clicked (and then cached), not on every visit.
    left.download_button("下载简报（Word）", lambda: brief_files(db_key, month, as_of, county)[1], f"{stem}.docx",
                         DOCX_MIME, icon=":material/description:", on_click="ignore", width="stretch", type="primary")
    right.download_button("下载简报（Excel）", lambda: brief_files(db_key, month, as_of, county)[0], f"{stem}.xlsx",
                          XLSX_MIME, icon=":material/table_view:", on_click="ignore", width="stretch")


def headline_cards(view: monthly.MonthlyView) -> None:
    """The month's key figures beside the previous month's, then the summary sentences."""
    c = view.comparison[view.comparison["total"]].iloc[0]
    themes = view.themes
    if view.window.no_data:  # after the activities' data: no figures to show, and none of them is 0
        for line in monthly.headline(view):
            st.info(line, icon=":material/event_busy:")
        return
    cards = st.columns(4)
    cards[0].metric("活动数", f"{int(c['activities_now']):,}", delta=f"{int(c['activities_change']):+d}（较上月）",
                    delta_color="normal" if c["activities_change"] else "off")
    cards[1].metric("参与人次", f"{int(c['participants_now']):,}",
                    delta=f"{int(c['participants_now'] - c['participants_before']):+,}（较上月）")
    cards[2].metric("有活动的周", f"{int(c['voiced_weeks_now'])} / {int(c['weeks_now'])}",
                    help="周一落在本月的自然周中至少有 1 次活动的周（与“周周有声音”指标同一口径）")
    cards[3].metric("开展月度主题的区县", f"{int(themes['themed'].sum())} / {len(themes)}",
                    help="本月至少有 1 次标记为月度主题的活动（与“月月有主题”指标同一口径）")
    for line in monthly.headline(view):
        st.markdown(f"- {escape_markdown(line)}")  # theme names come from imports: shown as text


def week_grid(view: monthly.MonthlyView) -> None:
    """The counties × weeks heatmap; weeks without activity in red."""
    if view.window.no_data:
        st.info(f"{view.window.label}{view.window.no_data_text()}：这些周不是无活动，而是还没有数据。",
                icon=":material/event_busy:")
        return
    if not view.weeks:
        st.info("本月还没有已开始的周（周一在本月且不晚于统计日）。", icon=":material/event_busy:")
        return
    labels = [monthly.week_label(m) for m in view.weeks]
    unreported = view.unreported_names()
    st.plotly_chart(shared_figure(week_heatmap, view.grid, view.weeks, labels, unreported), width="stretch",
                    config=CHART_CONFIG)
    if unreported:
        st.caption(f"灰色“未报送”：{'、'.join(sorted(unreported))}本月的活动数据已过截止日仍未收到（见“报送情况”页），"
                   "不是无活动。")
    silent = monthly.silent_weeks(view)
    if silent:
        st.caption(f"红色格子为无活动的周：{len(silent)} 个{view.row_label}有无活动的周。每周从周一到周日计，"
                   "周一在本月的周才计入本月（末周可跨入下月）。")
    else:
        every = "其余" if unreported else "每个"
        st.caption(f"本月{every}{view.row_label}每周都有活动。每周从周一到周日计，周一在本月的周才计入本月。")


def themes(view: monthly.MonthlyView) -> None:
    """Each county's monthly theme; counties without one flagged."""
    table = monthly.themes_table(view)
    unreported = table[table["月度主题"] == UNREPORTED]
    missing = table[~table["月度主题"].isin([monthly.THEMED, UNREPORTED])]
    if view.window.no_data:
        st.info(f"{view.window.label}月度主题：{view.window.no_data_text()}。", icon=":material/event_busy:")
    elif len(missing):
        verb = "尚未开展" if view.window.in_progress else "未开展"
        st.warning(f"{view.window.label}{verb}月度主题活动：{'、'.join(missing['区、县（市）'])}", icon=":material/flag:")
    if len(unreported):
        st.info(f"{'、'.join(unreported['区、县（市）'])}{view.window.label}的活动数据未报送，无法判断是否开展了月度主题活动。",
                icon=":material/pending_actions:")
    styled = table.style.map(lambda v: MISSED_STYLE if v in (monthly.MISSED, monthly.NOT_YET) else "", subset=["月度主题"])
    st.dataframe(styled, hide_index=True, width="stretch")


def activity_filters(view: monthly.MonthlyView) -> pd.DataFrame:
    """Filters over the month's activity list; returns the rows kept."""
    acts = view.activities
    cols = st.columns([2, 2, 2, 1.2])
    categories = cols[0].multiselect("活动类别", sorted(acts["category"].dropna().unique()), key="monthly_categories",
                                     placeholder="全部类别")
    areas = sorted(set(acts["county_name"].dropna()) | set(acts["township_name"].dropna()))
    chosen = cols[1].multiselect("区县或乡镇（街道）", areas, key="monthly_areas", placeholder="全部")
    text = cols[2].text_input("搜索活动名称、主题或区划", key="monthly_search", placeholder="例如：献血")
    cols[3].space("small")
    themes_only = cols[3].toggle("仅月度主题", key="monthly_themes_only")
    return monthly.filter_activities(acts, categories, chosen, themes_only, text)
