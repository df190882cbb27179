"""The documents' charts: matplotlib (Agg) figures rendered to PNG with a CJK font — no browser involved."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date

import matplotlib
import matplotlib.dates
import matplotlib.ticker
import pandas as pd
from matplotlib.figure import Figure as MplFigure

from rcdash.charts.style import CITY_COLOUR, FAIL_COLOUR, NO_DATA_COLOUR, PASS_COLOUR, RED_CROSS, SERIES_COLOURS, TARGET_COLOUR
from rcdash.labels import UNREPORTED, fmt_number, is_missing
from rcdash.maps.classes import UNREPORTED_COLOUR
from rcdash.metrics.definitions import METRIC_BY_NAME, format_value
from rcdash.metrics.rules import FAIL, PASS
from rcdash.metrics.targets import TargetBook
from rcdash.reporting import metric_unreported
from rcdash.reports.fonts import INSTALL_HINT, find_cjk_font, require_cjk_font
from rcdash.reports.model import SHORT, Figure

DPI = 200  # sharp when printed at the text width
WIDTH_IN = 6.7  # 17 cm: the text width of an A4 page with 2 cm margins
RATE_RULES = {"village_branch_rate": "village_branch_rate", "member_ratio": "member_ratio"}


def available() -> bool:
    """Whether a CJK font is installed, so that charts can show Chinese."""
    return find_cjk_font() is not None


def missing_font_hint() -> str:
    """What to install for the charts."""
    return INSTALL_HINT


@contextmanager
def _style() -> Iterator[None]:
    """The CJK font (DejaVu for any symbol it lacks) and a quiet frame; figures must be made and saved inside."""
    font = require_cjk_font()
    with matplotlib.rc_context({
        "font.family": [font.family, "DejaVu Sans"], "font.size": 8.5, "axes.unicode_minus": False,
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 9.5, "axes.titleweight": "bold",
        "legend.fontsize": 7.5, "legend.frameon": False,
    }):
        yield


def _png(fig: MplFigure) -> bytes:
    """The figure as PNG bytes (no timestamp in the metadata, so the same data gives the same bytes)."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return out.getvalue()


def _status_colour(status: str | None) -> str:
    """Green for met, red for not met, grey for no data."""
    return {PASS: PASS_COLOUR, FAIL: FAIL_COLOUR}.get(status or "", NO_DATA_COLOUR)


def rate_bars(areas: list[dict], metric: str, unreported: Mapping[str, list[str]]) -> list[tuple[float, str, str]]:
    """Each area's bar of a rate: (length in %, colour, label); a county that has not reported the data behind the
    rate for the period gets no bar, only 未报送 (DESIGN §9), rather than its older figure."""
    bars = []
    for area in areas:
        if metric_unreported(unreported, str(area["code"]), (metric,)):
            bars.append((0.0, UNREPORTED_COLOUR, UNREPORTED))
            continue
        status = next((r["status"] for r in area["rules"] if r["rule"] == RATE_RULES[metric]), None)
        value = area[metric]
        # 1.95%, not "2.0%" beside a 2 % target
        bars.append((0.0 if value is None else value * 100, _status_colour(status),
                     format_value(METRIC_BY_NAME[metric], value)))
    return bars


def area_rates_figure(now: dict, targets: TargetBook, year: int,
                      unreported: Mapping[str, list[str]] | None = None) -> Figure:
    """Village branch rate and member ratio of the city and each county against their targets (rate_bars)."""
    areas = now["areas"]
    with _style():
        fig = MplFigure(figsize=(WIDTH_IN, 0.32 * len(areas) + 1.0), layout="constrained")
        axes = fig.subplots(1, 2, sharey=True)
        names = [a["name"] for a in areas]
        owed = False
        for ax, metric in zip(axes, RATE_RULES, strict=True):
            bars = rate_bars(areas, metric, unreported or {})
            owed = owed or any(label == UNREPORTED for _, _, label in bars)
            values = [length for length, _, _ in bars]
            ax.barh(range(len(areas)), values, color=[colour for _, colour, _ in bars], height=0.62)
            for i, area in enumerate(areas):
                target = targets.value(metric, str(area["code"]), year)
                if target is not None:
                    ax.plot([target * 100] * 2, [i - 0.42, i + 0.42], color=TARGET_COLOUR, linestyle="--", linewidth=1)
                length, colour, label = bars[i]
                ax.text(length, i, f" {label}", va="center", fontsize=7.5,
                        color=colour if label == UNREPORTED else None)
            ax.set_title(f"{METRIC_BY_NAME[metric].zh}（%）")
            ax.set_yticks(range(len(areas)), names)
            ax.set_xlim(0, max([*values, *(t * 100 for a in areas if (t := targets.value(metric, str(a["code"]), year)))]) * 1.3)
            ax.grid(axis="x", color="#eeeeee")
            ax.set_axisbelow(True)
        axes[0].invert_yaxis()  # the axes share y: inverting one inverts both (the city on top)
        png = _png(fig)
    return Figure("区县比率", "各区域建会率与会员占比", png,
                  "绿色：已达到目标；红色：未达到；灰色：无数据。虚线：目标值。"
                  + ("“未报送”：该区县本期应报的数据尚未报送，不按旧数据画出。" if owed else ""))


def trend_figure(trend: pd.DataFrame, projection: pd.DataFrame, metric: str, target: float | None,
                 city_name: str) -> Figure:
    """One rate per area month by month since the plan's start, the target, and the projection to its end."""
    zh = METRIC_BY_NAME[metric].zh
    with _style():
        fig = MplFigure(figsize=(WIDTH_IN, 3.0), layout="constrained")
        ax = fig.subplots()
        names = list(dict.fromkeys(trend["name"]))
        for i, name in enumerate(names):
            rows = trend[trend["name"] == name].sort_values("as_of")
            is_city = name == city_name
            colour = CITY_COLOUR if is_city else SERIES_COLOURS[i % len(SERIES_COLOURS)]
            ax.plot(pd.to_datetime(rows["as_of"]), rows["value"] * 100, color=colour, label=name,
                    linewidth=2.6 if is_city else 1.3, zorder=3 if is_city else 2)
            proj = projection[projection["name"] == name] if not projection.empty else projection
            if len(proj) == 2:
                ax.plot(pd.to_datetime(proj["as_of"]), proj["value"] * 100, color=colour, linestyle=":", linewidth=1.2)
        if target is not None:
            ax.axhline(target * 100, color=TARGET_COLOUR, linestyle="--", linewidth=1)
            ax.annotate(f"目标 {target * 100:g}%", (0, target * 100), xycoords=("axes fraction", "data"),
                        xytext=(2, 3), textcoords="offset points", fontsize=7.5, color=TARGET_COLOUR)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}%"))
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y-%m"))
        ax.grid(color="#eeeeee")
        ax.set_axisbelow(True)
        if names:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(len(names), 7))
        png = _png(fig)
    # The projection's last point is the plan's end.
    ends = "；点线：按近 12 个月趋势推算到 " + f"{max(projection['as_of']):%Y-%m-%d}" if not projection.empty else ""
    first = min(trend["as_of"]) if not trend.empty else date.today()
    return Figure(f"趋势_{SHORT[metric]}", f"{zh}月度走势", png,
                  f"自 {first:%Y-%m} 起每月末的值（最后一点为统计截至日）；粗黑线：全市；虚线：目标值{ends}。")


def ranking_figure(ranking: pd.DataFrame) -> Figure:
    """The annual-evaluation scores, best on top."""
    with _style():
        fig = MplFigure(figsize=(WIDTH_IN, 0.32 * max(len(ranking), 1) + 0.8), layout="constrained")
        ax = fig.subplots()
        if not ranking.empty:
            ax.barh(range(len(ranking)), ranking["得分"].fillna(0), color=RED_CROSS, height=0.6)
            for i, score in enumerate(ranking["得分"]):
                ax.text(0 if is_missing(score) else score, i, f" {fmt_number(score)}", va="center", fontsize=8)
            ax.set_yticks(range(len(ranking)), [f"{r} {n}" for r, n in zip(ranking["排名"], ranking["区县"], strict=True)])
        ax.invert_yaxis()
        ax.set_xlim(0, 108)
        ax.set_xlabel("得分（满分 100）")
        ax.grid(axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
        png = _png(fig)
    return Figure("评价得分", "年度工作评价得分", png, "得分 = 各指标完成目标的比例（封顶 100%）按权重加权。")
