"""Figures of the members, teams, 三救三献 and organisation pages."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rcdash.charts.style import (
    CITY_COLOUR,
    FAIL_COLOUR,
    NO_DATA_COLOUR,
    PASS_COLOUR,
    SERIES_COLOURS,
    TARGET_COLOUR,
    base_layout,
    date_axis,
)
from rcdash.labels import MEMBER_RATIO_DIGITS, fmt_rate, fmt_target


def ratio_bars(table: pd.DataFrame, target: float | None, title: str) -> go.Figure:
    """Adult member ratio per area as bars (green at or above target, red below, grey 无数据), target line (bars
    in the city's colour and no line when the plan sets no target).

    The target is named in the legend, not written on the line: there it would sit on the label of a bar just below
    the target (嵊州市's 1.95 % under 2 %); for the same reason the bars' labels sit inside their tops.
    """
    given = table["成人会员占比"]
    ratios = pd.to_numeric(given, errors="coerce")  # 未报送 (DESIGN §9) has no bar, like 无数据, and says so
    colours = [NO_DATA_COLOUR if pd.isna(v) else CITY_COLOUR if target is None else PASS_COLOUR if v >= target
               else FAIL_COLOUR for v in ratios]
    fig = go.Figure(go.Bar(
        x=table["区域"], y=[0 if pd.isna(v) else v * 100 for v in ratios], marker_color=colours,
        text=[g if isinstance(g, str) else fmt_rate(v, MEMBER_RATIO_DIGITS) for g, v in zip(given, ratios, strict=True)],
        hovertemplate="%{x}：%{text}<extra></extra>",
        # Labels inside the bars' tops and the line behind the bars: the line never runs through a label.
        textposition=["outside" if pd.isna(v) else "inside" for v in ratios], insidetextanchor="end",
        insidetextfont={"color": "white"}, showlegend=False,
    ))
    if target is not None:
        fig.add_hline(y=target * 100, line={"color": TARGET_COLOUR, "dash": "dash"}, layer="below")
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"目标 {fmt_target(target)}",
                                 line={"color": TARGET_COLOUR, "dash": "dash"}, hoverinfo="skip"))
    fig = base_layout(fig, title)
    fig.update_layout(showlegend=True)
    fig.update_yaxes(ticksuffix="%", rangemode="tozero", title="占常住人口比例（%）")
    return fig


def stacked_bars(frame: pd.DataFrame, x: str, y: str, colour: str, title: str, order: list[str] | None = None,
                 y_title: str = "数量") -> go.Figure:
    """Bars of `y` (its axis titled `y_title`) over `x`, stacked by `colour`."""
    fig = go.Figure()
    groups = order or list(dict.fromkeys(frame[colour]))
    for i, group in enumerate(groups):
        rows = frame[frame[colour] == group]
        if rows.empty:
            continue
        fig.add_trace(go.Bar(x=rows[x], y=rows[y], name=str(group), marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
                             hovertemplate=f"{group}<br>%{{x}}：%{{y:,}}<extra></extra>"))
    fig = base_layout(fig, title)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=y_title)
    return fig


def monthly_lines(frame: pd.DataFrame, title: str, y_title: str = "数量") -> go.Figure:
    """One line per county over months (frame: county_name, month, value)."""
    fig = go.Figure()
    for i, (name, rows) in enumerate(frame.groupby("county_name", sort=False)):
        fig.add_trace(go.Scatter(x=rows["month"], y=rows["value"], name=name, mode="lines+markers",
                                 line={"color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
                                 hovertemplate=f"{name}<br>%{{x|%Y年%m月}}：%{{y:,}}<extra></extra>"))
    fig = base_layout(fig, title)
    date_axis(fig, "月份")
    fig.update_yaxes(rangemode="tozero", title=y_title)
    return fig


MEMBER_COUNTS = {"adult_members": "成人会员", "youth_members": "青少年会员"}


def member_count_lines(frame: pd.DataFrame, title: str) -> go.Figure:
    """Adult and youth members at each month's end (frame: as_of, adult_members, youth_members)."""
    fig = go.Figure()
    for i, (column, name) in enumerate(MEMBER_COUNTS.items()):
        fig.add_trace(go.Scatter(x=frame["as_of"], y=frame[column], name=name, mode="lines",
                                 line={"color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
                                 hovertemplate=f"{name}<br>%{{x|%Y-%m-%d}}：%{{y:,}} 人<extra></extra>"))
    fig = base_layout(fig, title, height=320)
    date_axis(fig, "月末")
    fig.update_yaxes(rangemode="tozero", title="会员（人）", tickformat=",")  # 100,000 rather than Plotly's "100k"
    return fig
