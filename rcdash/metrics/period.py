"""Reporting periods: half-years (2022H2) and years, and the default as-of date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PERIOD_RE = re.compile(r"^(\d{4})(?:H([12]))?$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A reporting period with its label (2022H2 or 2022) and first and last day."""

    label: str
    start: date
    end: date

    def cut(self, as_of: date) -> Period:
        """The period ending at as_of when as_of falls inside it."""
        return Period(self.label, self.start, min(self.end, as_of))


def half_year_of(day: date) -> Period:
    """The half-year containing a day."""
    if day.month <= 6:
        return Period(f"{day.year}H1", date(day.year, 1, 1), date(day.year, 6, 30))
    return Period(f"{day.year}H2", date(day.year, 7, 1), date(day.year, 12, 31))


def parse_period(text: str) -> Period:
    """'2022H2' → the second half of 2022; '2022' → the whole year."""
    m = _PERIOD_RE.match(text.strip())
    if not m:
        raise ValueError(f"无法识别的报告期“{text}”，请写成 2022H2（下半年）、2022H1（上半年）或 2022（全年）")
    year = int(m[1])
    if m[2] is None:
        return Period(str(year), date(year, 1, 1), date(year, 12, 31))
    return half_year_of(date(year, 1 if m[2] == "1" else 7, 1))


def previous_half_year(period: Period) -> Period:
    """The half-year before a half-year."""
    return half_year_of(period.start - timedelta(days=1))


def data_end_note(as_of: date, latest: date | None, activities_end: date | None) -> str | None:
    """'数据截至 …' when the chosen date lies after the latest data (or after the activities'); else None."""
    if latest is not None and as_of > latest:
        return (f"数据截至 {latest:%Y-%m-%d}：统计日 {as_of:%Y-%m-%d} 晚于最新数据，此后的情况为无数据（不是 0）；"
                "各项数字为最新数据日期的情况，周周有声音、月月有主题只计到活动数据的最新日期。")
    if activities_end is not None and as_of > activities_end:
        return (f"活动数据截至 {activities_end:%Y-%m-%d}：周周有声音、月月有主题只计到这一天，"
                "此后的周和月为无数据（不是无活动）。")
    return None


def half_years_between(first: date, last: date) -> list[Period]:
    """Every half-year from the one containing `first` to the one containing `last`, newest first."""
    periods = []
    current = half_year_of(last)
    while current.end >= first:
        periods.append(current)
        current = previous_half_year(current)
    return periods
