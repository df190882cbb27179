"""The reporting calendar (DESIGN §9): what each county owes per import kind, for a month or a half-year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from rcdash.plans import Plan
from rcdash.records.kinds import KINDS

MONTH, HALF_YEAR, NONE = "month", "half_year", "none"
SPAN = "span"  # the unit of a stretch of days that is no calendar cycle (span())
# §9's defaults: activities monthly, due the 5th of the next month; the standing registers half-yearly, due 10 days
# after the half-year. A plan's [reporting] table overrides them kind by kind (rcdash.plans.model validates it).
DEFAULT_DUTIES: dict[str, tuple[str, int]] = {
    "activities": (MONTH, 5),
    "members": (HALF_YEAR, 10),
    "branches": (HALF_YEAR, 10),
    "teams": (HALF_YEAR, 10),
    "sites": (HALF_YEAR, 10),
}
CYCLE_WORDS = {MONTH: "每月", HALF_YEAR: "每半年"}
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_HALF_RE = re.compile(r"^(\d{4})H([12])$", re.IGNORECASE)
PERIOD_HINT = "请写成 2022H2（下半年）、2022H1（上半年）或 2022-12（月份）"


@dataclass(frozen=True)
class Cycle:
    """One reporting period: a month (2022-12) or a half-year (2022H2)."""

    label: str
    start: date
    end: date
    unit: str  # MONTH or HALF_YEAR

    @property
    def zh(self) -> str:
        """'2022 年 12 月' / '2022 年下半年'."""
        if self.unit == MONTH:
            return f"{self.start.year} 年 {self.start.month} 月"
        return f"{self.start.year} 年{'上' if self.start.month == 1 else '下'}半年"

    def previous(self) -> Cycle:
        """The cycle of the same unit just before this one."""
        return cycle_of(self.start - timedelta(days=1), self.unit)

    def holds(self, day: date) -> bool:
        """Whether the day lies in the cycle."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Duty:
    """What the calendar asks of every county for one import kind: how often, and how many days after a cycle."""

    kind: str
    cycle: str  # MONTH or HALF_YEAR
    due_days: int

    @property
    def zh(self) -> str:
        """The kind's Chinese name."""
        return KINDS[self.kind].zh

    def due(self, cycle: Cycle) -> date:
        """The last day on which the report for a cycle counts as on time."""
        return cycle.end + timedelta(days=self.due_days)

    def describe(self) -> str:
        """'活动：每月报送，周期结束后 5 天内（次月 5 日前）'."""
        when = f"周期结束后 {self.due_days} 天内"
        if self.cycle == MONTH and self.due_days <= 28:
            when += f"（次月 {self.due_days} 日前）"
        return f"{self.zh}：{CYCLE_WORDS[self.cycle]}报送，{when}"


def duties(plan: Plan) -> list[Duty]:
    """The plan's calendar: the defaults overridden by its [reporting] table, kinds set to "none" left out."""
    merged = {kind: {"cycle": cycle, "due_days": days} for kind, (cycle, days) in DEFAULT_DUTIES.items()}
    for kind, override in plan.reporting.items():
        merged.setdefault(kind, {"cycle": MONTH, "due_days": 0}).update(override)  # type: ignore[call-overload]
    return [Duty(kind, str(d["cycle"]), int(d["due_days"])) for kind, d in merged.items() if d["cycle"] != NONE]


def cycle_of(day: date, unit: str) -> Cycle:
    """The month or half-year holding a day."""
    if unit == MONTH:
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Cycle(f"{start:%Y-%m}", start, following - timedelta(days=1), MONTH)
    if day.month <= 6:
        return Cycle(f"{day.year}H1", date(day.year, 1, 1), date(day.year, 6, 30), HALF_YEAR)
    return Cycle(f"{day.year}H2", date(day.year, 7, 1), date(day.year, 12, 31), HALF_YEAR)


def parse_period(text: str) -> Cycle:
    """'2022H2' → the second half of 2022; '2022-12' → December 2022; ValueError (in Chinese) otherwise."""
    value = text.strip()
    if m := _HALF_RE.match(value):
        return cycle_of(date(int(m[1]), 1 if m[2] == "1" else 7, 1), HALF_YEAR)
    if (m := _MONTH_RE.match(value)) and 1 <= int(m[2]) <= 12 and int(m[1]) >= 1:
        return cycle_of(date(int(m[1]), int(m[2]), 1), MONTH)
    raise ValueError(f"无法识别的报送期“{text}”，{PERIOD_HINT}")


def span(start: date, end: date) -> Cycle:
    """Any stretch of days (a page's reporting period cut at its as-of date): it owes the cycles ending inside it."""
    return Cycle(f"{start:%Y-%m-%d}…{end:%Y-%m-%d}", start, end, SPAN)


def cycles_in(period: Cycle, unit: str) -> list[Cycle]:
    """The cycles of a kind's unit that a period owes: those ending inside it (a half-year owes six months; a
    month owes a half-year only when the half-year ends with it)."""
    cycles, current = [], cycle_of(period.end, unit)
    while current.end >= period.start:
        if current.end <= period.end:
            cycles.append(current)
        current = current.previous()
    return cycles[::-1]


def latest_due(unit: str, calendar: list[Duty], today: date, data_end: date | None = None) -> Cycle:
    """The default period to look at: the latest month or half-year whose reports are all due by today (the
    calendar's longest due time has passed), and which has ended by the data's latest date when given."""
    longest = max((d.due_days for d in calendar), default=0)
    cycle = cycle_of(today, unit).previous()
    while cycle.end + timedelta(days=longest) >= today or (data_end is not None and cycle.end > data_end):
        cycle = cycle.previous()
    return cycle
