"""Cell parsers: spreadsheet cells in the forms people write them, to typed values."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from rcdash.records.spec import Choice

# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers outside 1950…2100 are far more likely typos than dates.
EXCEL_SERIAL_RANGE = (18264, 73051)
YEAR_RANGE = (1949, 2100)

TRUE_WORDS = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "t", "已", "已建立", "已成立", "已任命"})
FALSE_WORDS = frozenset({"否", "无", "没有", "n", "no", "false", "0", "×", "✗", "✘", "x", "f", "未", "未建立"})

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class CellError(ValueError):
    """A cell that cannot be read; the message says, in Chinese, how to fix it."""


def normalize(value: object) -> str:
    """Text as typed, with full-width forms folded to ASCII and outer spaces removed."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ").strip()


def is_blank(value: object) -> bool:
    """Whether a cell is empty (None, '' or only spaces)."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN from a spreadsheet reader
        return True
    return isinstance(value, str) and normalize(value) == ""


def parse_text(value: object) -> str:
    """Free text: trimmed, internal whitespace kept; numbers from Excel without a trailing .0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if not text:
        raise CellError("不能为空")
    return text


def parse_number(value: object) -> float:
    """A number: full-width digits, thousands separators and a trailing 元/人/个 are accepted."""
    if isinstance(value, bool):
        raise CellError("应为数字，而不是是/否")
    if isinstance(value, (int, float)):
        return float(value)
    text = normalize(value).replace(" ", "").replace("，", ",")
    text = re.sub(r"(元|人次|人|个|支|次|名)$", "", text)
    if _THOUSANDS_RE.match(text):
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        raise CellError("应为数字（可用千分位逗号，如 12,500）")
    return float(text)


def parse_int(value: object) -> int:
    """A whole number."""
    number = parse_number(value)
    if not number.is_integer():
        raise CellError("应为整数，不能有小数")
    return int(number)


def parse_ratio(value: object) -> float:
    """A fraction: '40%', '40％' and 0.4 all mean 0.4."""
    text = normalize(value)
    if text.endswith("%"):
        return parse_number(text[:-1]) / 100
    return parse_number(value)


def parse_year(value: object) -> int:
    """A calendar year such as 2021 or 2021年."""
    text = normalize(value)
    if text.endswith("年"):
        text = text[:-1]
    try:
        year = parse_int(text if text else value)
    except CellError:
        raise CellError("应为四位年份，如 2021") from None
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise CellError(f"年份应在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间")
    return year


def _from_serial(serial: float) -> date:
    """An Excel serial day number as a date."""
    low, high = EXCEL_SERIAL_RANGE
    if not low <= serial <= high:
        raise CellError("数字不像 Excel 日期，请写成 2021-03-05")
    return EXCEL_EPOCH + timedelta(days=int(serial))  # a fraction is the time of day


def _make_date(year: int, month: int, day: int) -> date:
    """A real calendar date, or a message that says which part is impossible."""
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise CellError(f"年份应在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间")
    if not 1 <= month <= 12:
        raise CellError("月份应为 1–12")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"{year} 年 {month} 月没有 {day} 日，请检查日期") from None


def parse_date(value: object) -> date:
    """A date: 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305, an Excel date cell or serial."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("应为日期，如 2021-03-05")
    if isinstance(value, (int, float)):
        return _from_serial(float(value))
    text = normalize(value)
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)  # a time part from a datetime export
    if m := _DATE_RE.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT_DATE_RE.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _from_serial(float(text))
    raise CellError("无法识别的日期，请写成 2021-03-05、2021/3/5 或 2021年3月5日")


def parse_month(value: object) -> date:
    """A month (2021-03, 2021/3, 2021年3月, or any date in it) as its first day."""
    if not isinstance(value, (date, int, float)):
        text = normalize(value)
        if m := _MONTH_RE.match(text):
            return _make_date(int(m[1]), int(m[2]), 1)
        if re.fullmatch(r"\d{6}", text):
            return _make_date(int(text[:4]), int(text[4:]), 1)
    try:
        return parse_date(value).replace(day=1)
    except CellError:
        raise CellError("无法识别的月份，请写成 2021-03 或 2021年3月") from None


def parse_bool(value: object) -> bool:
    """Yes/no in Chinese or English: 是/否, 有/无, Y/N, 1/0, √/×, TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalize(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("应为 是 或 否（也可写 有/无、Y/N、1/0、√/×）")


def choice_lookup(choices: tuple[Choice, ...]) -> dict[str, str]:
    """Every accepted spelling (case-folded, without spaces) → its canonical value."""
    table: dict[str, str] = {}
    for c in choices:
        for spelling in (c.value, *c.aliases):
            table[_fold(spelling)] = c.value
    return table


def _fold(text: str) -> str:
    """A spelling folded for comparison: NFKC, lower case, no spaces."""
    return normalize(text).lower().replace(" ", "")


def parse_enum(value: object, lookup: dict[str, str], choices: tuple[Choice, ...]) -> str:
    """One of the allowed values, given in Chinese or English."""
    found = lookup.get(_fold(str(value)))
    if found is None:
        allowed = "、".join(c.label for c in choices)
        raise CellError(f"不是允许的取值，请填写：{allowed}")
    return found
