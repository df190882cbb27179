"""Colours and layout shared by the figures."""

from __future__ import annotations

import plotly.graph_objects as go

RED_CROSS = "#c8102e"
PASS_COLOUR, FAIL_COLOUR, NO_DATA_COLOUR = "#2e7d32", "#c62828", "#bdbdbd"
STATUS_COLOURS = {"达标": PASS_COLOUR, "未达标": FAIL_COLOUR, "无数据": NO_DATA_COLOUR}  # progress bars, by status
TARGET_COLOUR = "#616161"
CITY_COLOUR = "#212121"
# A qualitative palette that stays distinguishable for the six counties.
SERIES_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
# Dates always with the year, in Chinese: Plotly's own date labels ("February", "Jan 2021") are English.
DATE_TICK_FORMAT, DATE_HOVER_FORMAT = "%Y年%m月", "%Y年%m月%d日"
# What every st.plotly_chart is given. Plotly's modebar tooltips and tips ("Double-click to zoom back out") are
# English, and the Plotly that Streamlit serves carries no Chinese locale (nor can one be registered offline):
# the modebar and the tips are switched off rather than shown in English.
CHART_CONFIG = {"displayModeBar": False, "showTips": False, "displaylogo": False}
LEGEND_Y, LEGEND_Y_BELOW_TITLE = -0.15, -0.28  # the legend's top, as a share of the plot's height below it


def base_layout(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    """Common layout: Chinese-capable font, compact margins, legend below."""
    fig.update_layout(
        title=title, height=height, font={"family": FONT_FAMILY, "size": 13},
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": LEGEND_Y, "x": 0},
        hoverlabel={"font_family": FONT_FAMILY},
        plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(showgrid=True, gridcolor="#eeeeee")
    return fig


def date_axis(fig: go.Figure, title: str) -> go.Figure:
    """A date x-axis with a Chinese title, its ticks and hover as year and month (the legend moved below the title)."""
    fig.update_xaxes(type="date", title=title, tickformat=DATE_TICK_FORMAT, hoverformat=DATE_HOVER_FORMAT)
    fig.update_layout(legend_y=LEGEND_Y_BELOW_TITLE)
    return fig
