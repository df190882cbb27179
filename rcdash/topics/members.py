"""会员与人口: adult member ratio per area against the target, members still needed, youth members (pure)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from rcdash.labels import fmt_count, fmt_target
from rcdash.metrics.targets import TargetBook
from rcdash.reporting import figure_note, mark_unreported
from rcdash.reporting.status import METRIC_KINDS

NO_DATA = "无数据"
NO_TARGET = "计划无此目标"
NUMBER_COLUMNS = ("常住人口", "成人会员", "还需发展会员", "青少年会员")
# The columns that rest on a county's member reports (population is reference data, the target the plan's).
MEMBER_FIGURES = ("成人会员", "成人会员占比", "还需发展会员", "青少年会员", "状态")


def _number(value: object) -> float | None:
    """A float, or None for missing values."""
    return None if value is None or pd.isna(value) else float(value)


def member_table(frame: pd.DataFrame, targets: TargetBook, year: int,
                 unreported: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """One row per area: population, adult members, ratio, target, members still needed, youth members (no target
    and nothing “still needed” under a plan without a member-ratio target); the member figures of a county (and its
    townships) that has not reported its members for the period read 未报送 (rcdash.reporting)."""
    rows = []
    for r in frame.to_dict("records"):
        population, adults = _number(r["population"]), _number(r["adult_members"])
        target = targets.value("member_ratio", r["code"], year)
        ratio = None if population in (None, 0) or adults is None else adults / population
        needed = None if ratio is None or target is None else max(0, math.ceil(target * population - adults - 1e-9))
        rows.append({
            "区域": r["name"], "代码": r["code"], "层级": r["level"],
            "常住人口": population, "成人会员": adults, "成人会员占比": ratio, "目标": target,
            "还需发展会员": needed, "青少年会员": _number(r["youth_members"]),
            "状态": NO_DATA if ratio is None else NO_TARGET if target is None else ("达标" if needed == 0 else "未达标"),
        })
    table = pd.DataFrame(rows)
    if not unreported or table.empty:
        return table
    counties = table["代码"].astype(str).str[:6]  # a township's county: the first six digits of its code
    return mark_unreported(table, counties, dict.fromkeys(MEMBER_FIGURES, METRIC_KINDS["adult_members"]), unreported)


def unreported_note(table: pd.DataFrame, area: str, unreported: Mapping[str, list[str]], period_label: str) -> str | None:
    """Under the area's member figures: a county's missing member report, or the counties the city's sum holds
    that have not reported (DESIGN §9)."""
    counties = table[table["层级"] == "county"]
    names = dict(zip(counties["代码"], counties["区域"], strict=True))
    return figure_note(unreported, area, names, ("adult_members",), period_label)


def by_ratio(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by their member ratio, lowest first; areas without a ratio (无数据, 未报送) on top."""
    return table.sort_values("成人会员占比", key=lambda v: pd.to_numeric(v, errors="coerce"), na_position="first")


def count_text(value: object, unit: str = "") -> str:
    """A count of the table as the page's cards read it: 1,234 人, 无数据, or 未报送 as marked."""
    return value if isinstance(value, str) else fmt_count(value, unit)


def target_text(target: float | None, source: str) -> str:
    """The member-ratio target as the page states it: '目标：成人会员占常住人口 2.5%，2025 年末计划目标'."""
    if target is None:
        return "所选计划没有成人会员占比目标，不计还需发展的会员。"
    return f"目标：成人会员占常住人口 {fmt_target(target)}，{source}；“还需发展会员”为达到该比例还差的人数。"


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The member table as shown: numbers stay numbers (the table formats them by labels.COLUMN_KINDS), except in a
    column where a county reads 未报送."""
    numbers = [c for c in NUMBER_COLUMNS if not table[c].map(lambda v: isinstance(v, str)).any()]
    return table.drop(columns=["代码", "层级"]).astype(dict.fromkeys(numbers, "float64"))
