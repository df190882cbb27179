"""Shared Chinese labels and the one number-formatting rule of every page, download and document.

The rule: counts and people with thousands separators (1,038,480); money with two decimals and 元, or 万元 from
100,000 元 up (DESIGN: amounts of village funds); rates as percentages with one decimal (48.8%); a missing value is
无数据, never 0.
"""

from __future__ import annotations

import math

NO_DATA = "无数据"
LEVEL_LABELS = {"city": "市", "county": "区、县（市）", "township": "乡镇（街道）", "village": "村（社区）"}
TEN_THOUSAND_YUAN_FROM = 100_000  # amounts from here on read more easily in 万元 (how the plan's documents write them)
RATE_DIGITS = 1  # one decimal for every percentage shown to users


def is_missing(value: object) -> bool:
    """None, NaN, pandas NA or NaT: a value that was never reported (shown as 无数据)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd  # pandas' NA/NaT are not floats

        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # list-likes are values, not missing
        return False


def fmt_count(value: object, unit: str = "") -> str:
    """An integer count with thousands separators: 1,038,480 (unit appended as given, e.g. ' 人')."""
    if is_missing(value):
        return NO_DATA
    return f"{round(float(value)):,}{unit}"  # type: ignore[arg-type]


def fmt_number(value: object, digits: int = 1) -> str:
    """A decimal number with thousands separators and a fixed number of decimals: 1,234.5."""
    if is_missing(value):
        return NO_DATA
    return f"{float(value):,.{digits}f}"  # type: ignore[arg-type]


def fmt_rate(value: object, digits: int = RATE_DIGITS) -> str:
    """A fraction as a percentage with one decimal: 0.488 → 48.8%."""
    if is_missing(value):
        return NO_DATA
    return f"{float(value) * 100:.{digits}f}%"  # type: ignore[arg-type]


def fmt_points(value: object, digits: int = RATE_DIGITS) -> str:
    """A change of a fraction in percentage points with its sign: 0.012 → +1.2 个百分点."""
    if is_missing(value):
        return NO_DATA
    return f"{float(value) * 100:+.{digits}f} 个百分点"  # type: ignore[arg-type]


def fmt_money(value: object) -> str:
    """Yuan with two decimals: 61,124.85 元; from 100,000 元 on in 万元: 202.51 万元."""
    if is_missing(value):
        return NO_DATA
    amount = float(value)  # type: ignore[arg-type]
    if abs(amount) >= TEN_THOUSAND_YUAN_FROM:
        return f"{amount / 10_000:,.2f} 万元"
    return f"{amount:,.2f} 元"
