"""Choropleth classes: each township's value classed against its target, with an explicit 无数据 class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rcdash.labels import UNREPORTED, is_missing
from rcdash.records.kinds import KINDS
from rcdash.reporting.status import METRIC_KINDS

NO_DATA = 0  # the class index of 无数据
NO_DATA_COLOUR = "#c9c9c9"
UNREPORTED_CLASS = 5  # the class of a township whose county has not reported the metric's data (DESIGN §9)
UNREPORTED_COLOUR = "#6f7782"  # a dark slate grey: not the light grey of 无数据, not a step of the red–green scale
# Red (far behind) → green (target reached), colour-blind safe (ColorBrewer RdYlGn ends, darkened for contrast).
COLOURS = ("#c62828", "#f4845f", "#ffd166", "#2e9e5b")
# Rates are classed by attainment = value / target: below half, half to 80 %, 80 % to the target, reached.
ATTAINMENT_BREAKS = (0.5, 0.8, 1.0)
# 未建会村社区数 is classed by the villages still needing a branch to reach the target rate: a township has
# 10–40 villages, so 6 or more missing is a large gap and 1–2 is nearly there.
NEEDED_BREAKS = (6, 3, 1)


@dataclass(frozen=True)
class ChoroplethMetric:
    """A metric the township map can be coloured by."""

    key: str
    label: str  # legend title and tooltip
    short: str  # the selector's option
    target_metric: str  # the metric its target is set for
    note: str


CHOROPLETH_METRICS: tuple[ChoroplethMetric, ...] = (
    ChoroplethMetric("village_branch_rate", "村（社区）建会率", "建会率", "village_branch_rate",
                     "已建会村（社区）÷ 村（社区）总数，按目标达成程度分级"),
    ChoroplethMetric("member_ratio", "成人会员占常住人口比例", "会员占比", "member_ratio",
                     "成人会员 ÷ 常住人口，按目标达成程度分级"),
    ChoroplethMetric("villages_without_branch", "未建会村（社区）数", "未建会村（社区）数", "village_branch_rate",
                     "按达到建会率目标还需建会的村（社区）数分级"),
)
METRIC_BY_KEY = {m.key: m for m in CHOROPLETH_METRICS}



def rate_class(value: float | None, target: float | None) -> int:
    """1 (far behind) … 4 (target reached), or NO_DATA."""
    if is_missing(value) or is_missing(target) or not target:
        return NO_DATA
    attainment = float(value) / float(target)  # type: ignore[arg-type]
    # The epsilon keeps 0.32 / 0.4 = 0.7999999999999999 in the class of 80 %.
    return 1 + sum(attainment + 1e-9 >= b for b in ATTAINMENT_BREAKS)


def needed_class(needed: int | None) -> int:
    """1 (≥ 6 still needed) … 4 (none needed), or NO_DATA."""
    if needed is None:
        return NO_DATA
    for i, bound in enumerate(NEEDED_BREAKS):
        if needed >= bound:
            return 1 + i
    return 4


def metric_kinds(metric: str) -> tuple[str, ...]:
    """The import kinds a map metric rests on (未建会村 rests on branches, as 建会率 does)."""
    return METRIC_KINDS.get(metric) or METRIC_KINDS[METRIC_BY_KEY[metric].target_metric]


def unreported_kinds(metric: str, row: Mapping[str, Any]) -> list[str]:
    """The metric's kinds that the township's county has not reported for the period (row['unreported'])."""
    return [k for k in row.get("unreported") or () if k in metric_kinds(metric)]


def unreported_text(metric: str, row: Mapping[str, Any]) -> str:
    """What the map says of a township classed 未报送, in place of its value."""
    names = "、".join(KINDS[k].zh for k in unreported_kinds(metric, row))
    return f"{UNREPORTED}（所属区县本期{names}数据尚未报送，不按旧数据着色）"


def township_class(metric: str, row: Mapping[str, Any]) -> int:
    """The class of one township (a row of the map view) for a metric: the 地图 page's and the printed map's;
    UNREPORTED_CLASS when its county has not reported the metric's data for the period."""
    if unreported_kinds(metric, row):
        return UNREPORTED_CLASS
    if metric == "villages_without_branch":
        needed = row["villages_needed"]
        return needed_class(None if is_missing(needed) else int(needed))
    return rate_class(row[metric], row[f"{metric}_target"])


def colour(cls: int) -> str:
    """The fill colour of a class."""
    if cls == UNREPORTED_CLASS:
        return UNREPORTED_COLOUR
    return NO_DATA_COLOUR if cls == NO_DATA else COLOURS[cls - 1]


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%".replace(".0%", "%")


def legend_labels(metric: str, targets: Sequence[float | None], unreported: bool = False) -> list[tuple[int, str]]:
    """(class, label) from worst to best, then 无数据 (and 未报送 when a township on the map is); absolute thresholds
    when every township has one target."""
    distinct = {t for t in targets if not is_missing(t)}
    if metric == "villages_without_branch":
        a, b, c = NEEDED_BREAKS
        goal = f"（目标 {_pct(distinct.pop())}）" if len(distinct) == 1 else ""
        rows = [(1, f"还需建会 ≥ {a} 个"), (2, f"还需 {b}–{a - 1} 个"), (3, f"还需 {c}–{b - 1} 个"),
                (4, f"已达建会率目标{goal}")]
    elif len(distinct) == 1:
        t = distinct.pop()
        lo, mid, _ = (t * b for b in ATTAINMENT_BREAKS)
        rows = [(1, f"< {_pct(lo)}（不到目标一半）"), (2, f"{_pct(lo)} – {_pct(mid)}"), (3, f"{_pct(mid)} – {_pct(t)}"),
                (4, f"≥ {_pct(t)}（达到目标）")]
    else:
        rows = [(1, "不到目标的 50%"), (2, "目标的 50%–80%"), (3, "目标的 80%–100%"), (4, "达到目标")]
    return [*rows, (NO_DATA, "无数据"), *([(UNREPORTED_CLASS, UNREPORTED)] if unreported else [])]


def any_unreported(metric: str, townships: Any) -> bool:
    """Whether any township of a map view's frame is classed 未报送 for the metric (its legend then says so)."""
    if "unreported" not in townships:
        return False
    return any(k in metric_kinds(metric) for kinds in townships["unreported"] for k in kinds)
