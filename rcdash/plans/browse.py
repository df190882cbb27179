"""Browsing under a chosen plan: which periods and dates the pages offer, where they open, and what they say when
the chosen date lies outside the plan (pure; the sidebar in rcdash.ui.filters draws it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rcdash.metrics.period import Period, half_year_of, half_years_between
from rcdash.plans.model import Plan


def plan_label(plan: Plan) -> str:
    """The plan as the picker lists it: its years first (a narrow sidebar cuts the end off), then its name."""
    years = f"{plan.start.year}" if plan.start.year == plan.end.year else f"{plan.start.year}—{plan.end.year}"
    return f"{years} · {plan.name}"


def plan_title(plan: Plan) -> str:
    """'《name》（2020-01-01 至 2022-12-31）' for captions."""
    return f"《{plan.name}》（{plan.start:%Y-%m-%d} 至 {plan.end:%Y-%m-%d}）"


def browse_span(plan: Plan, first_data: date | None, latest: date) -> tuple[date, date]:
    """The first and last day offered: the plan's period widened to the data's span (history stays browsable)."""
    first = min(plan.start, first_data) if first_data else plan.start
    return min(first, latest), max(plan.end, latest)


def half_years(plan: Plan, first_data: date | None, latest: date) -> list[Period]:
    """The half-years offered under a plan, newest first."""
    return half_years_between(*browse_span(plan, first_data, latest))


def opening_date(plan: Plan, latest: date) -> date:
    """Where a page opens under a plan: the latest data date, moved into the plan's period when it lies outside."""
    return min(max(latest, plan.start), plan.end)


def half_year_as_of(period: Period, latest: date) -> date:
    """A half-year's as-of date: its last day, not later than the latest data — unless the whole half-year lies
    after the data (a plan not yet reported on), then its last day (the page says the data end there)."""
    return period.end if period.start > latest else min(period.end, latest)


def trend_start(plan: Plan, as_of: date) -> date:
    """The first point of trends: the plan's start; for a date before the plan, the start of that date's year."""
    return plan.start if as_of >= plan.start else date(as_of.year, 1, 1)


def outside_note(plans: Sequence[Plan], chosen: Plan, as_of: date) -> str | None:
    """One line when the date lies outside the chosen plan's period (None inside it)."""
    if chosen.covers(as_of):
        return None
    holding = [p for p in plans if p.covers(as_of)]
    if not holding:
        return (f"所选日期 {as_of:%Y-%m-%d} 不在任何计划期内，按计划{plan_title(chosen)}的目标对照"
                "（可在侧栏“计划”中改选）。")
    return (f"所选日期 {as_of:%Y-%m-%d} 不在所选计划{plan_title(chosen)}期内（属于《{holding[0].name}》），"
            "仍按所选计划的目标对照；可在侧栏“计划”中改选。")


def default_period(plan: Plan, latest: date) -> Period:
    """The half-year a page opens at under a plan."""
    return half_year_of(opening_date(plan, latest))
