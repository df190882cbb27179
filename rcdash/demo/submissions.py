"""The demo's county reporting (DESIGN §9): its last half-year of data comes in as county submissions.

Everything dated before that half-year is imported centrally, as before. In it, each Shaoxing county's account
(yuecheng, keqiao, …) submits its monthly activities and its half-yearly members, branches, teams and sites,
mostly before the due date (activities by the 5th of the next month; the half-yearly kinds 10 days after the
half-year), some late; a city admin approves them, so the import log holds received_at = the submission time. Two
are returned with a reason and sent again; one county never sends one month of activities (those rows are not in
the database: that month is 未报送); one late correction is still waiting (待审核), changing no figure until approved.
Dates come from a seeded generator: the same seed gives the same history.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb

from rcdash import config
from rcdash.demo.files import Row, csv_bytes, write_file
from rcdash.importing.load import division_index
from rcdash.importing.submissions import Account, approve, return_submission, submit
from rcdash.records.kinds import KINDS

# The accounts of the six counties (pinyin of the county, as an administrator would name them) and the city's admin.
COUNTY_USERS = {"330602": "yuecheng", "330603": "keqiao", "330604": "shangyu", "330624": "xinchang",
                "330681": "zhuji", "330683": "shengzhou"}
CITY_ADMIN = Account("shaoxing", "admin")
MONTHLY_KINDS = ("activities",)
HALF_YEARLY_KINDS = ("members", "branches", "teams", "sites")
REGISTRY_KINDS = ("branches", "teams", "sites")  # a county sends its whole register; rows already held are 未变
SUBMITTED_KINDS = MONTHLY_KINDS + HALF_YEARLY_KINDS
MONTHLY_DUE_DAY = 5  # DESIGN §9 defaults: activities by the 5th of the next month …
HALF_YEAR_DUE_DAYS = 10  # … the half-yearly kinds 10 days after the half-year
LATE_SHARE = 0.15  # about one submission in seven arrives after its due date
RETURNED_ROWS_MISSING = 3  # the first version of a returned file lacks a few rows (the reason says which)
MISSED_MONTH_INDEX = 3  # the county that misses a month misses the half-year's fourth (October for H2)
SEED_OFFSET = 919  # the history's own random stream, independent of the data's


@dataclass
class Event:
    """One submission: what, by whom, when; whether it is returned first (and why) and when it is decided."""

    kind: str
    county: str
    period: str  # 2022-10 or 2022H2, for file names and reasons
    rows: list[Row]
    submitted_at: datetime
    due: date
    returned_reason: str | None = None
    first_rows: list[Row] = field(default_factory=list)  # the returned first version
    resent_at: datetime | None = None
    pending: bool = False  # left waiting for the admin


def _half_year(latest: date) -> tuple[date, date, str]:
    """The half-year holding a date: first day, last day, label (2022H2)."""
    if latest.month >= 7:
        return date(latest.year, 7, 1), date(latest.year, 12, 31), f"{latest.year}H2"
    return date(latest.year, 1, 1), date(latest.year, 6, 30), f"{latest.year}H1"


def _next_month(day: date) -> date:
    """The first day of the month after."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _column(kind: str, name: str) -> int:
    """The position of a field in a kind's rows."""
    return KINDS[kind].columns.index(name)


def _division(kind: str) -> int:
    """The position of a kind's (first) division field."""
    return _column(kind, next(f.name for f in KINDS[kind].fields if f.type.name == "DIVISION"))


def _dated(kind: str, row: Row) -> date:
    """A row's date (its kind's date field)."""
    return row[_column(kind, KINDS[kind].date_field or "")]  # type: ignore[return-value]


class History:
    """Splits the generated rows into what is imported centrally and the county submissions of the last half-year."""

    def __init__(self, rows: dict[str, list[Row]], seed: int) -> None:
        self.rng = random.Random(seed + SEED_OFFSET)
        latest = max(_dated(kind, row) for kind in SUBMITTED_KINDS for row in rows[kind])
        self.start, self.end, self.label = _half_year(latest)
        self.rows = rows
        self.events: list[Event] = []
        self.central: dict[str, list[Row]] = {}
        for kind in SUBMITTED_KINDS:
            div = _division(kind)
            self.central[kind] = [r for r in rows[kind]
                                  if _dated(kind, r) < self.start or str(r[div])[:6] not in COUNTY_USERS]

    def _when(self, due: date, earliest: date) -> datetime:
        """A plausible submission time: most in the last days before the due date, some after it."""
        if self.rng.random() < LATE_SHARE:
            day = due + timedelta(days=self.rng.randint(1, 12))
        else:
            day = due - timedelta(days=self.rng.randint(0, 4))
        day = max(day, earliest)
        return datetime.combine(day, time(self.rng.randint(8, 17), self.rng.randint(0, 59)))

    def plan(self) -> list[Event]:
        """Every county's submissions in the half-year, in the order they arrive."""
        missing_county = self._sloppiest_county()
        months = []
        month = self.start
        while month <= self.end:
            months.append(month)
            month = _next_month(month)
        for county in COUNTY_USERS:
            for index, first in enumerate(months):
                if county == missing_county and index == MISSED_MONTH_INDEX:
                    continue  # never sent: the month is 未报送, its rows are not in the database
                rows = self._in(("activities",), county, first, _next_month(first) - timedelta(days=1))["activities"]
                due = _next_month(first).replace(day=MONTHLY_DUE_DAY)
                self.events.append(Event("activities", county, f"{first:%Y-%m}", rows, self._when(due, _next_month(first)), due))
            due = self.end + timedelta(days=HALF_YEAR_DUE_DAYS)
            for kind, rows in self._in(HALF_YEARLY_KINDS, county, self.start, self.end).items():
                if rows:
                    self.events.append(Event(kind, county, self.label, rows, self._when(due, self.end), due))
        self.events.sort(key=lambda e: (e.submitted_at, e.county, e.kind))
        self._return_two()
        return self.events

    def _in(self, kinds: Iterable[str], county: str, first: date, last: date) -> dict[str, list[Row]]:
        """A county's rows of some kinds for a period (a register: all its rows up to the period's end)."""
        out = {}
        for kind in kinds:
            div = _division(kind)
            earliest = date.min if kind in REGISTRY_KINDS else first
            out[kind] = [r for r in self.rows[kind]
                         if str(r[div])[:6] == county and earliest <= _dated(kind, r) <= last]
        return out

    def _sloppiest_county(self) -> str:
        """The county with the fewest months of a monthly theme: the one that also misses a month's report."""
        flag, div = _column("activities", "is_monthly_theme"), _division("activities")
        themed: dict[str, set[tuple[int, int]]] = {c: set() for c in COUNTY_USERS}
        for row in self.rows["activities"]:
            county = str(row[div])[:6]
            if row[flag] and county in themed:
                day = _dated("activities", row)
                themed[county].add((day.year, day.month))
        return min(COUNTY_USERS, key=lambda c: (len(themed[c]), c))

    def _return_two(self) -> None:
        """Two submissions go back once: an activities month short of its last days, a members file short of a
        township; each is sent again complete a few days after it was returned."""
        for kind in ("activities", "members"):
            event = next(e for e in self.events if e.kind == kind and len(e.rows) > 2 * RETURNED_ROWS_MISSING)
            event.first_rows = event.rows[:-RETURNED_ROWS_MISSING]
            missing = event.rows[-RETURNED_ROWS_MISSING:]
            if kind == "activities":
                event.returned_reason = (f"只报到 {_dated(kind, event.first_rows[-1]):%-m 月 %-d 日}，"
                                         f"缺少之后的 {len(missing)} 次活动，请补全整月后重新报送")
            else:
                event.returned_reason = f"缺少 {len(missing)} 个乡镇（街道）的会员快照，请补全全部乡镇后重新报送"
            event.resent_at = event.submitted_at + timedelta(days=self.rng.randint(3, 6), hours=self.rng.randint(1, 5))

    def correction(self) -> Event:
        """A late correction still waiting for the admin: one more activity of the half-year's last month."""
        last = max((e for e in self.events if e.kind == "activities" and e.rows), key=lambda e: (e.period, e.submitted_at))
        title = "补报：" + str(last.rows[-1][_column("activities", "title")])
        extra = list(last.rows[-1])
        extra[_column("activities", "title")] = title
        extra[_column("activities", "is_monthly_theme")] = False
        extra[_column("activities", "theme")] = None
        at = last.submitted_at + timedelta(days=self.rng.randint(6, 12))
        return Event("activities", last.county, last.period, [tuple(extra)], at, last.due, pending=True)


def _file(folder: Path, number: int, event: Event, rows: list[Row], suffix: str = "") -> Path:
    """The CSV a county sends (English headers, as the template allows)."""
    name = f"s{number:02d}_{COUNTY_USERS[event.county]}_{event.kind}_{event.period}{suffix}.csv"
    return write_file(folder / name, csv_bytes(KINDS[event.kind], rows))


def replay(con: duckdb.DuckDBPyConnection, history: History, folder: Path,
           say: Callable[[str], None]) -> list[tuple[str, str, int]]:
    """Submit, approve and return through the library, in the order it happened; (file, kind, new rows) of each
    approved submission."""
    events = history.plan()
    store = config.submissions_dir()
    index = division_index(con)  # built once: the divisions do not change in between
    approved: list[tuple[str, str, int]] = []
    for number, event in enumerate([*events, history.correction()], start=1):
        user = Account(COUNTY_USERS[event.county], "county", event.county)
        when = event.submitted_at
        if event.returned_reason:
            first = submit(con, event.kind, _file(folder, number, event, event.first_rows, "_v1"), user, at=when,
                           folder=store, index=index)
            _check(first.submission_id, first.result.errors)
            return_submission(con, first.submission_id, CITY_ADMIN, event.returned_reason,
                              at=when + timedelta(days=1, hours=2))
            when = event.resent_at or when
        path = _file(folder, number, event, event.rows)
        done = submit(con, event.kind, path, user, at=when, folder=store, index=index)
        _check(done.submission_id, done.result.errors)
        if event.pending:
            continue
        result = approve(con, done.submission_id, CITY_ADMIN, at=when + timedelta(days=history.rng.randint(1, 3)),
                         folder=store, index=index)
        approved.append((path.name, event.kind, result.inserted))
    say(f"区县报送（{history.label}）：{len(events) + 1} 份，其中 2 份退回后重报、1 份待审核")
    return approved


def _check(submission_id: int | None, errors: list) -> None:
    """A generated submission the importer rejected is a bug in the generator."""
    if submission_id is None:
        raise RuntimeError(f"示例报送未通过校验：{errors[:3]}")
