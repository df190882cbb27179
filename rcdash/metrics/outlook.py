"""Where the rates are heading: the monthly increase still needed, and a linear projection to the plan's end."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from rcdash.metrics.engine import compute
from rcdash.metrics.targets import TargetBook

OUTLOOK_METRICS = ("village_branch_rate", "member_ratio")
TREND_MONTHS = 12  # the projection fits the last 12 months, as the issue asks
DAYS_PER_MONTH = 365.25 / 12
MIN_TREND_POINTS = 3  # fewer points give no meaningful line


@dataclass(frozen=True)
class Outlook:
    """One rate of one area: target at the plan's end, increase needed per month, projected end value."""

    target: float | None
    needed_per_month: float | None  # in rate units (0.005 = 0.5 percentage points a month); 0 once reached
    projected_at_plan_end: float | None
    months_left: float

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return asdict(self)


def months_back(day: date, months: int) -> date:
    """The same day `months` months earlier (clamped to the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def trend_dates(as_of: date) -> list[date]:
    """as_of and the same day in each of the previous 12 months."""
    return [months_back(as_of, k) for k in range(TREND_MONTHS, -1, -1)]


def project(points: list[tuple[date, float]], when: date) -> float | None:
    """A least-squares line through (date, value) points, read off at `when`."""
    clean = [(d, v) for d, v in points if v is not None and not math.isnan(v)]
    if len(clean) < MIN_TREND_POINTS:
        return None
    x = np.array([d.toordinal() for d, _ in clean], dtype=float)
    y = np.array([v for _, v in clean], dtype=float)
    slope, intercept = np.polyfit(x - x[-1], y, 1)
    return max(0.0, float(intercept + slope * (when.toordinal() - x[-1])))


def outlooks(con: duckdb.DuckDBPyConnection, as_of: date, level: str, targets: TargetBook) -> dict[str, dict[str, Outlook]]:
    """For every area of the level (and the city): each outlook metric's outlook against its plan-end target."""
    plan_end = targets.plan.end
    months_left = max(0.0, (plan_end - as_of).days / DAYS_PER_MONTH)
    frame = compute(con, trend_dates(as_of), level) if months_left > 0 else compute(con, [as_of], level)
    result: dict[str, dict[str, Outlook]] = {}
    for code, rows in frame.groupby("code", sort=False):
        rows = rows.sort_values("as_of")
        per_metric = {}
        for metric in OUTLOOK_METRICS:
            series = [(d, None if pd.isna(v) else float(v)) for d, v in zip(rows["as_of"], rows[metric], strict=True)]
            current = series[-1][1]
            target = targets.end_value(metric, str(code))
            needed = None
            if current is not None and target is not None and months_left > 0:
                needed = max(0.0, (target - current) / months_left)
            projected = project(series, plan_end) if months_left > 0 else None
            per_metric[metric] = Outlook(target, needed, projected, round(months_left, 2))
        result[str(code)] = per_metric
    return result
