"""会员与人口: adult member ratio per area against the target, members still needed, youth members (pure)."""

from __future__ import annotations

import math

import pandas as pd

from rcdash.labels import fmt_target
from rcdash.metrics.targets import TargetBook

NO_DATA = "无数据"
NO_TARGET = "计划无此目标"


def _number(value: object) -> float | None:
    """A float, or None for missing values."""
    return None if value is None or pd.isna(value) else float(value)


def member_table(frame: pd.DataFrame, targets: TargetBook, year: int) -> pd.DataFrame:
    """One row per area: population, adult members, ratio, target, members still needed, youth members (no target
    and nothing “still needed” under a plan without a member-ratio target)."""
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
    return pd.DataFrame(rows)


def target_text(target: float | None, source: str) -> str:
    """The member-ratio target as the page states it: '目标：成人会员占常住人口 2.5%，计划目标（2025 年末）'."""
    if target is None:
        return "所选计划没有成人会员占比目标，不计还需发展的会员。"
    return f"目标：成人会员占常住人口 {fmt_target(target)}，{source}；“还需发展会员”为达到该比例还差的人数。"


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The member table as shown: numbers stay numbers (the table formats them by labels.COLUMN_KINDS)."""
    return table.drop(columns=["代码", "层级"]).astype({c: "float64" for c in ("常住人口", "成人会员", "还需发展会员", "青少年会员")})
