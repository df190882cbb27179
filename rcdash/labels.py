"""Shared Chinese labels and the one number-formatting rule of every page, download and document.

The rule: counts and people with thousands separators (1,038,480); money with two decimals and 元, or 万元 from
100,000 元 up (DESIGN: amounts of village funds); rates as percentages with one decimal (48.8%); a missing value is
无数据, never 0.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

NO_DATA = "无数据"
UNREPORTED = "未报送"  # a county owed this data for the period and has not sent it (DESIGN §9): not 0, not 无数据
# The roles of DESIGN §9: admin = the city (everything); county = one county (submits and sees its own submissions).
ROLE_LABELS = {"admin": "管理员", "county": "区县报送员", "viewer": "查看者"}
SUBMISSION_STATUS_LABELS = {"pending": "待审核", "approved": "已批准", "returned": "已退回"}
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


def fmt_target(value: object) -> str:
    """A rate target as written in a plan: one decimal, two when the plan gives two (2.25 % stays 2.25 %, not 2.2 %)."""
    if is_missing(value):
        return NO_DATA
    tenths = float(value) * 1000  # type: ignore[arg-type]
    return fmt_rate(value, RATE_DIGITS if abs(tenths - round(tenths)) < 1e-6 else RATE_DIGITS + 1)


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


# ---- tables: how each column's numbers are shown (pages) and formatted (Excel downloads) ----------------------------
# Tables keep numbers as numbers, so pages can sort them and downloads stay computable; this says how each column
# reads. Pages draw it with the grid's number formats, XLSX downloads with Excel number formats, documents as text.
COUNT, NUMBER, MONEY, RATE = "count", "number", "money", "rate"
MEMBER_RATIO_DIGITS = 2  # the target is 2 %: with one decimal a county at 1.95 % would read "2.0%" and 未达标
# Columns that are not recognisable by their type: counts that hold NaN (floats), money, rates (fractions).
COLUMN_KINDS: dict[str, tuple[str, int]] = {
    **{name: (COUNT, 0) for name in (
        "常住人口", "成人会员", "还需发展会员", "青少年会员", "注册志愿者", "注册志愿者合计", "应急救援队", "其中建立党组织",
        "志愿服务队", "其中 ≥ 20 人", "本期", "上年同期", "数值", "基金数", "超过 12 个月未公开", "受益人数",
        "行数", "新增", "更新", "覆盖区划数", "覆盖区县数")},
    "建会率（%）": (NUMBER, 1), "会员占比（%）": (NUMBER, MEMBER_RATIO_DIGITS), "综合缺口（0–1）": (NUMBER, 3),
    **{name: (MONEY, 2) for name in ("累计筹款（元）", "累计支出（元）")},
    "成人会员占比": (RATE, MEMBER_RATIO_DIGITS),
    "及时率": (RATE, RATE_DIGITS), "完整率": (RATE, RATE_DIGITS), "目标": (RATE, RATE_DIGITS), "队伍党组织覆盖率": (RATE, RATE_DIGITS),
}

IDENTIFIER_COLUMNS = frozenset({"编号", "代码"})  # numbers that name something (import 1024), never "1,024"


def county_names(frame: pd.DataFrame) -> dict[str, str]:
    """code → name of the county rows of a frame of areas (columns level, code, name), in its order."""
    counties = frame[frame["level"] == "county"]
    return dict(zip(counties["code"], counties["name"], strict=True))


def column_kinds(frame: pd.DataFrame) -> dict[str, tuple[str, int]]:
    """(kind, decimals) of every numeric column of a DataFrame: by its header, else integers count, floats 1 decimal."""
    import pandas as pd  # here, not at the top: labels is imported everywhere, most callers never need pandas

    kinds: dict[str, tuple[str, int]] = {}
    for name in frame.columns:
        if name in COLUMN_KINDS:
            kinds[name] = COLUMN_KINDS[name]
        elif name in IDENTIFIER_COLUMNS or pd.api.types.is_bool_dtype(frame[name]):
            continue
        elif pd.api.types.is_integer_dtype(frame[name]):
            kinds[name] = (COUNT, 0)
        elif pd.api.types.is_float_dtype(frame[name]):
            kinds[name] = (NUMBER, 1)
    return kinds


def fmt_plain(value: object) -> str:
    """A table value whose column has no kind (mixed text and numbers): integers with thousands separators, other
    numbers with one decimal, text as it is."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return "" if is_missing(value) else str(value)
    if is_missing(value):
        return NO_DATA
    return fmt_count(value) if float(value).is_integer() else fmt_number(value)  # type: ignore[arg-type]


def fmt_kind(value: object, kind: str, digits: int) -> str:
    """A value of a column of a kind as text, by the same rule as the grid's formats; text (未报送) as it is."""
    if isinstance(value, str):
        return value
    if kind == RATE:
        return fmt_rate(value, digits)
    if kind == COUNT:
        return fmt_count(value)
    return fmt_money(value) if kind == MONEY else fmt_number(value, digits)


def excel_format(kind: str, digits: int) -> str:
    """The Excel number format of a column kind: #,##0 / #,##0.00 / 0.0% (numbers stay numbers)."""
    decimals = "." + "0" * digits if digits else ""
    if kind == RATE:
        return f"0{decimals}%"
    return "#,##0" if kind == COUNT else f"#,##0{'.00' if kind == MONEY else decimals}"


def grid_format(kind: str, digits: int) -> tuple[str, float]:
    """The page grid's printf format of a column kind and the factor its values are shown at: rates are shown as
    percentages (×100, '%.1f%%'), since the grid's own percent format truncates to its step instead of rounding."""
    if kind == RATE:
        return f"%.{digits}f%%", 100.0
    if kind == COUNT:
        return "%,d", 1.0
    return f"%,.{2 if kind == MONEY else digits}f", 1.0
