"""The monthly page's grid: activities per area (rows) and ISO week (columns), silent weeks in red."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rcdash.charts.style import NO_DATA_COLOUR, base_layout
from rcdash.labels import UNREPORTED

SILENT_COLOUR = "#f4c7cb"  # a week without any activity stands out in pale red
# Greens for weeks with activity: the darker, the more activities.
ACTIVE_SCALE = ("#e8f5e9", "#2e7d32")
UNREPORTED_COLOUR, UNREPORTED_Z = NO_DATA_COLOUR, -1.0  # a county that has not reported: grey, below every count
ROW_PX, CHROME_PX = 34, 90  # height per row and for the axes


def week_heatmap(grid: pd.DataFrame, weeks: list[date], week_labels: list[str],
                 unreported: set[str] = frozenset()) -> go.Figure:  # type: ignore[assignment]
    """A heatmap of the grid (rows: name; columns: the Mondays in `weeks`), counts written in every cell; rows
    named in `unreported` (counties that have not reported the month, DESIGN §9) read 未报送 in grey."""
    z = grid[weeks].to_numpy(dtype=float, copy=True) if weeks else np.zeros((len(grid), 1))
    z[grid["name"].isin(unreported).to_numpy()] = UNREPORTED_Z
    peak = max(float(grid[weeks].to_numpy().max()) if weeks and len(grid) else 1.0, 1.0)
    labels = [f"<b>{n}</b>" if total else n for n, total in zip(grid["name"], grid["total"], strict=True)]
    text = [[UNREPORTED if v == UNREPORTED_Z else "无活动" if v == 0 else f"{int(v)}" for v in row] for row in z]
    span = peak - UNREPORTED_Z  # colours by position on zmin…zmax: grey below 0, pale red at 0, greens above
    fig = go.Figure(go.Heatmap(
        z=z, x=week_labels or ["本月尚无已开始的周"], y=labels, zmin=UNREPORTED_Z, zmax=peak,
        colorscale=[[0.0, UNREPORTED_COLOUR], [0.5 / span, UNREPORTED_COLOUR], [0.5 / span + 1e-9, SILENT_COLOUR],
                    [1.5 / span, SILENT_COLOUR], [1.5 / span + 1e-9, ACTIVE_SCALE[0]], [1.0, ACTIVE_SCALE[1]]],
        text=text, texttemplate="%{text}", showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y} · %{x}：%{text}<extra></extra>",
    ))
    fig = base_layout(fig, height=CHROME_PX + ROW_PX * len(grid))
    fig.update_xaxes(side="top", showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return fig
