"""Figures of the overview: compliance matrix, rate trends with target and projection, evaluation ranking."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rcdash.charts.style import (
    CITY_COLOUR,
    FAIL_COLOUR,
    NO_DATA_COLOUR,
    PASS_COLOUR,
    RED_CROSS,
    SERIES_COLOURS,
    TARGET_COLOUR,
    base_layout,
    date_axis,
)
from rcdash.labels import UNREPORTED, fmt_number, fmt_target
from rcdash.metrics.rules import STATUS_LABELS

_STATUS_CODE = {STATUS_LABELS["fail"]: 0, STATUS_LABELS["no_data"]: 1, STATUS_LABELS["pass"]: 2, UNREPORTED: 3}
# 未报送 (DESIGN §9) is written out: the county has not sent the data, so the rule is not judged on older rows.
_STATUS_MARK = {STATUS_LABELS["fail"]: "✗", STATUS_LABELS["no_data"]: "—", STATUS_LABELS["pass"]: "✓",
                UNREPORTED: UNREPORTED}
UNREPORTED_COLOUR = "#ef6c00"


def compliance_heatmap(statuses: pd.DataFrame, reasons: pd.DataFrame) -> go.Figure:
    """Counties × rules coloured pass/fail/no data, the reason on hover."""
    z = statuses.replace(_STATUS_CODE).astype(float).values
    text = statuses.replace(_STATUS_MARK).values
    fig = go.Figure(go.Heatmap(
        z=z, x=list(statuses.columns), y=list(statuses.index), text=text, texttemplate="%{text}",
        customdata=reasons.values, hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
        colorscale=[[0, FAIL_COLOUR], [0.16, FAIL_COLOUR], [0.17, NO_DATA_COLOUR], [0.5, NO_DATA_COLOUR],
                    [0.51, PASS_COLOUR], [0.83, PASS_COLOUR], [0.84, UNREPORTED_COLOUR], [1, UNREPORTED_COLOUR]],
        zmin=0, zmax=3, showscale=False, xgap=3, ygap=3, textfont={"size": 18, "color": "white"},
    ))
    fig = base_layout(fig, height=70 + 48 * max(len(statuses), 1))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    return fig


def rate_trend(trend: pd.DataFrame, projection: pd.DataFrame | None, target: float | None, title: str,
               city_name: str, stages: pd.DataFrame | None = None, target_label: str = "目标") -> go.Figure:
    """A rate per area over time (percent), the target line, dotted projections to the plan's end, and the
    interim years' stage targets (as_of, value, label) as markers at each year's end."""
    fig = go.Figure()
    # One pass over the rows (a comparison per area is slow on Arrow strings with a thousand areas).
    projected = dict(tuple(projection.groupby("name", sort=False))) if projection is not None else {}
    for i, (name, rows) in enumerate(trend.groupby("name", sort=False)):
        is_city = name == city_name
        colour = CITY_COLOUR if is_city else SERIES_COLOURS[i % len(SERIES_COLOURS)]
        fig.add_trace(go.Scatter(
            x=rows["as_of"], y=rows["value"] * 100, name=name, mode="lines",
            line={"color": colour, "width": 3.5 if is_city else 1.8},
            hovertemplate=f"{name}<br>%{{x|%Y-%m-%d}}：%{{y:.1f}}%<extra></extra>",
        ))
        proj = projected.get(name, ())
        if len(proj) == 2:
            fig.add_trace(go.Scatter(
                x=proj["as_of"], y=proj["value"] * 100, name=f"{name}（趋势预计）", mode="lines",
                line={"color": colour, "width": 1.5, "dash": "dot"}, showlegend=False,
                hovertemplate=f"{name} 按近 12 个月趋势预计<br>%{{x|%Y-%m-%d}}：%{{y:.1f}}%<extra></extra>",
            ))
    if target is not None:
        fig.add_hline(y=target * 100, line={"color": TARGET_COLOUR, "dash": "dash", "width": 1.5},
                      annotation_text=f"{target_label} {fmt_target(target)}", annotation_position="top left")
    if stages is not None and len(stages):
        fig.add_trace(go.Scatter(
            x=stages["as_of"], y=stages["value"] * 100, name="阶段目标", mode="markers+text",
            marker={"color": TARGET_COLOUR, "symbol": "diamond", "size": 10, "line": {"color": "white", "width": 1}},
            text=stages["label"], textposition="bottom center", textfont={"color": TARGET_COLOUR, "size": 11},
            customdata=stages["label"], hovertemplate="%{customdata}（%{x|%Y-%m-%d}）<extra></extra>",
        ))
    fig = base_layout(fig, title)
    fig.update_yaxes(ticksuffix="%", rangemode="tozero", title="比例（%）")
    date_axis(fig, "月末")
    return fig


def ranking_bar(ranking: pd.DataFrame) -> go.Figure:
    """The annual-evaluation scores as horizontal bars, best on top."""
    fig = go.Figure(go.Bar(
        x=ranking["得分"], y=ranking["区县"], orientation="h", marker_color=RED_CROSS,
        text=ranking["得分"].map(fmt_number), textposition="outside",
        hovertemplate="%{y}：%{x:.1f} 分<extra></extra>",
    ))
    fig = base_layout(fig, height=60 + 42 * max(len(ranking), 1))
    fig.update_yaxes(autorange="reversed", showgrid=False, title="区、县（市）")
    fig.update_xaxes(range=[0, 105], title="得分（满分 100）")
    return fig
