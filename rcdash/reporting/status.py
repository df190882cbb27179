"""On time / late / missing per county × kind × period (DESIGN §9), rates, and the one 未报送 rule of the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.labels import UNREPORTED
from rcdash.plans import Plan
from rcdash.reporting.calendar import Cycle, Duty, cycle_of, cycles_in, duties, span
from rcdash.store.sql import load_sql, table_names

SQL_DIR = Path(__file__).resolve().parent / "sql"
ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
STATUS_LABELS = {ON_TIME: "按时", LATE: "逾期", MISSING: UNREPORTED, NOT_DUE: "未到期"}
COUNTED = (ON_TIME, LATE, MISSING, NOT_DUE)  # the order of the cycle counts
# The import kinds each metric's figure rests on: a county whose report of one of them is missing for the period
# reads 未报送 for that figure (kinds outside the calendar are never owed, so never missing).
METRIC_KINDS: dict[str, tuple[str, ...]] = {
    "village_branch_rate": ("branches",), "villages_with_branch": ("branches",),
    "adult_members": ("members",), "youth_members": ("members",), "member_ratio": ("members",),
    "sites_center": ("sites",), "sites_base": ("sites",), "sites_station": ("sites",), "sites_point": ("sites",),
    "rescue_teams": ("teams",), "rescue_teams_with_party": ("teams",), "volunteer_teams": ("teams",),
    "volunteer_teams_20plus": ("teams",), "brand_projects": ("brands",), "funds": ("funds",),
    "funds_disclosed": ("funds",), "weekly_voice_rate": ("activities",), "monthly_theme_rate": ("activities",),
}
# Every kind a figure rests on: pages ask for all of them at once, so one answer (cached per snapshot) serves all.
METRIC_KIND_NAMES: tuple[str, ...] = tuple(dict.fromkeys(k for kinds in METRIC_KINDS.values() for k in kinds))


@dataclass(frozen=True)
class CycleStatus:
    """One cycle a county owes for one kind: its due date, the first receipt of data for it, the status."""

    cycle: Cycle
    due: date
    received: datetime | None
    status: str


@dataclass(frozen=True)
class KindStatus:
    """A county's report of one kind over a period: one cycle, or several (a half-year of a monthly kind)."""

    kind: str
    cycles: tuple[CycleStatus, ...]

    @property
    def status(self) -> str:
        """§9: missing if any cycle is missing, else late if any is late, else on time (not due while none is)."""
        states = {c.status for c in self.cycles}
        return next((s for s in (MISSING, LATE, ON_TIME) if s in states), NOT_DUE)

    @property
    def due(self) -> date:
        """The due date of the period's last cycle."""
        return self.cycles[-1].due

    @property
    def first_received(self) -> datetime | None:
        """The earliest receipt of data for any of the cycles."""
        return min((c.received for c in self.cycles if c.received is not None), default=None)

    def counts(self) -> dict[str, int]:
        """How many cycles are in each status."""
        return {s: sum(c.status == s for c in self.cycles) for s in COUNTED}

    def as_json(self) -> dict[str, object]:
        """The kind's entry of §9's JSON, with the count of cycles in each status."""
        received = self.first_received
        return {"due": self.due.isoformat(), "status": self.status,
                "first_received": received.isoformat(sep=" ") if received else None, "cycles": self.counts()}


def _rates(statuses: Iterable[KindStatus]) -> tuple[float | None, float | None]:
    """(timeliness, completeness) over cycles that are due (or already reported): on time ÷ due, reported ÷ due."""
    counts = [k.counts() for k in statuses]
    on_time, late = sum(c[ON_TIME] for c in counts), sum(c[LATE] for c in counts)
    due = on_time + late + sum(c[MISSING] for c in counts)
    return (on_time / due, (on_time + late) / due) if due else (None, None)


@dataclass(frozen=True)
class CountyReporting:
    """One county's reports for a period."""

    code: str
    name: str
    kinds: Mapping[str, KindStatus]

    @property
    def rates(self) -> tuple[float | None, float | None]:
        """(timeliness, completeness) of this county."""
        return _rates(self.kinds.values())

    def as_json(self) -> dict[str, object]:
        """The county's entry of §9's JSON."""
        timeliness, completeness = self.rates
        return {"code": self.code, "name": self.name, "kinds": {k: s.as_json() for k, s in self.kinds.items()},
                "timeliness_rate": timeliness, "completeness_rate": completeness}


@dataclass(frozen=True)
class ReportingView:
    """Every county's reports for a period, as seen on a day, against the plan's calendar."""

    period: Cycle
    today: date
    duties: list[Duty]  # the kinds owed in this period
    counties: list[CountyReporting] = field(default_factory=list)

    @property
    def rates(self) -> tuple[float | None, float | None]:
        """(timeliness, completeness) of the city: every county's cycles together."""
        return _rates(k for c in self.counties for k in c.kinds.values())

    def as_json(self) -> dict[str, object]:
        """§9's JSON: {"period", "counties": [...]} plus the city's two rates."""
        timeliness, completeness = self.rates
        return {"period": self.period.label, "counties": [c.as_json() for c in self.counties],
                "timeliness_rate": timeliness, "completeness_rate": completeness}


@dataclass
class _Receipts:
    """What the import log says arrived: first receipts of dated cycles, and every receipt of undated registers."""

    dated: dict[tuple[str, str, str], datetime] = field(default_factory=dict)  # (kind, county, cycle label)
    registers: dict[tuple[str, str], list[datetime]] = field(default_factory=dict)  # (kind, county), sorted

    def first(self, kind: str, county: str, cycle: Cycle) -> datetime | None:
        """The first receipt of data for a cycle.

        Rows dated in a month report the cycle holding it. A register without a report date (branches, teams,
        sites: a founding day is no report date) describes the county as it stands when sent: the first register
        received after a cycle has ended is that cycle's report (sent on 2023-01-08, it is the 2022H2 report, on
        time; if none came between, it is also the late report of 2022H1)."""
        dated = self.dated.get((kind, county, cycle.label))
        later = next((r for r in self.registers.get((kind, county), ()) if r.date() > cycle.end), None)
        return min((r for r in (dated, later) if r is not None), default=None)


def _receipts(con: duckdb.DuckDBPyConnection, owed: list[Duty]) -> _Receipts:
    """The receipts of the kinds owed, from the import log alone (imports not undone)."""
    found = _Receipts()
    if "import_coverage" not in table_names(con) or not owed:
        return found
    by_kind = {d.kind: d for d in owed}
    for kind, county, month, received in con.execute(load_sql("receipts", SQL_DIR), {"kinds": list(by_kind)}).fetchall():
        if month is None:
            found.registers.setdefault((kind, county), []).append(received)
            continue
        key = (kind, county, cycle_of(month, by_kind[kind].cycle).label)
        if key not in found.dated or received < found.dated[key]:
            found.dated[key] = received
    for receipts in found.registers.values():
        receipts.sort()
    return found


def _cycle_status(duty: Duty, cycle: Cycle, received: datetime | None, today: date) -> CycleStatus:
    """On time (received by the due date), late, missing (due date passed, nothing) or not due yet."""
    due = duty.due(cycle)
    if received is not None:
        return CycleStatus(cycle, due, received, ON_TIME if received.date() <= due else LATE)
    return CycleStatus(cycle, due, None, MISSING if today > due else NOT_DUE)


def reporting_view(con: duckdb.DuckDBPyConnection, plan: Plan, period: Cycle, today: date | None = None,
                   kinds: Iterable[str] | None = None) -> ReportingView:
    """Each county × kind the plan's calendar owes for the period (all kinds, or those named), with statuses."""
    today = today or date.today()
    wanted = None if kinds is None else set(kinds)
    owed = [d for d in duties(plan) if cycles_in(period, d.cycle) and (wanted is None or d.kind in wanted)]
    receipts = _receipts(con, owed)
    counties = []
    for code, name in con.execute(load_sql("counties", SQL_DIR)).fetchall():
        statuses = {}
        for duty in owed:
            cycles = tuple(_cycle_status(duty, c, receipts.first(duty.kind, code, c), today)
                           for c in cycles_in(period, duty.cycle))
            statuses[duty.kind] = KindStatus(duty.kind, cycles)
        counties.append(CountyReporting(code, name, statuses))
    return ReportingView(period, today, owed, counties)


def unreported_counties(con: duckdb.DuckDBPyConnection, plan: Plan, period: Cycle, kinds: Iterable[str],
                        today: date | None = None) -> dict[str, list[str]]:
    """Per county whose report of any of the kinds is missing for the period: those kinds (others not listed)."""
    if "import_coverage" not in table_names(con):  # a snapshot older than the coverage table cannot tell
        return {}
    view = reporting_view(con, plan, period, today, kinds)
    missing = {c.code: [k for k, s in c.kinds.items() if s.status == MISSING] for c in view.counties}
    return {code: kinds for code, kinds in missing.items() if kinds}


def unreported_in(con: duckdb.DuckDBPyConnection, plan: Plan, start: date, end: date, today: date | None = None,
                  kinds: Iterable[str] = METRIC_KIND_NAMES) -> dict[str, list[str]]:
    """unreported_counties for a page's reporting period (start … end, cut at its as-of date)."""
    return unreported_counties(con, plan, span(start, end), kinds, today)


def metric_unreported(unreported: Mapping[str, Iterable[str]], code: str, metrics: Iterable[str]) -> list[str]:
    """The kinds behind the metrics that the county (code) has not reported for the period: none, its figure stands."""
    wanted = {k for m in metrics for k in METRIC_KINDS.get(m, ())}
    return [k for k in unreported.get(code, ()) if k in wanted]


def unreported_among(unreported: Mapping[str, Iterable[str]], names: Mapping[str, str],
                     metrics: Iterable[str]) -> str | None:
    """Under a figure summed over counties (the city's): which of them have not reported its kinds, e.g.
    '含未报送：新昌县（活动）' — the sum stays, read knowing that part of it is older data."""
    from rcdash.records.kinds import KINDS

    metrics = tuple(metrics)
    parts = [f"{names.get(code, code)}（{'、'.join(KINDS[k].zh for k in missing)}）"
             for code in sorted(unreported) if (missing := metric_unreported(unreported, code, metrics))]
    return f"含{UNREPORTED}：{'；'.join(parts)}" if parts else None


def figure_note(unreported: Mapping[str, Iterable[str]], area: str, names: Mapping[str, str], metrics: Iterable[str],
                period_label: str) -> str | None:
    """What to say under a figure of an area: for a county (in `names`) that has not reported it, which data of which
    period; for the city, which of its counties have not (its sum stays); nothing when all have reported."""
    metrics = tuple(metrics)
    if area in names:
        missing = metric_unreported(unreported, area, metrics)
        return unreported_words(missing, period_label) if missing else None
    return unreported_among(unreported, names, metrics)


def mark_unreported(frame: pd.DataFrame, codes: pd.Series, columns: Mapping[str, Iterable[str]],
                    unreported: Mapping[str, list[str]], text: Callable[[list[str]], str] | None = None) -> pd.DataFrame:
    """The one 未报送 rule of every page: a figure (column) of a county (row; `codes` holds each row's county code)
    that rests on a kind the county has not reported for the period reads 未报送 (or `text` of the kinds missing)
    instead of a number computed from older rows."""
    out = frame.copy()
    for column, kinds in columns.items():
        wanted = set(kinds)
        missing = [[k for k in unreported.get(code, ()) if k in wanted] for code in codes]
        rows = [bool(m) for m in missing]
        if any(rows):
            out[column] = out[column].astype(object)
            out.loc[rows, column] = [text(m) if text else UNREPORTED for m in missing if m]
    return out


def drop_unreported_points(frame: pd.DataFrame, metrics: Iterable[str], unreported: Mapping[str, Iterable[str]],
                           since: date, code: str = "code") -> pd.DataFrame:
    """A chart's points (rows with a county `code` column and as_of) from `since` on of a county that has not
    reported the data behind them for the period: dropped, so its line stops at its last reported point instead of
    carrying older rows forward as this period's; the city's sum keeps its points (its note says which counties it
    holds)."""
    metrics = tuple(metrics)
    owing = [code for code in unreported if metric_unreported(unreported, code, metrics)]
    if not owing or frame.empty:
        return frame
    in_period = pd.to_datetime(frame["as_of"]) >= pd.Timestamp(since)
    return frame[~(frame[code].isin(owing) & in_period)]


def unreported_words(kinds: Iterable[str], period_label: str) -> str:
    """What a figure's explanation says of a county that has not reported: which kinds, for which period."""
    from rcdash.records.kinds import KINDS

    return f"{UNREPORTED}：本区县尚未报送{'、'.join(KINDS[k].zh for k in kinds)}数据（{period_label}），不按旧数据计算"
