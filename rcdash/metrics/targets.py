"""A plan's targets: its end values as defaults, overridden per year by its interim values and imported targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import duckdb
import pandas as pd

from rcdash.metrics.engine import SQL_DIR
from rcdash.records.kinds import ANY_AREA
from rcdash.store.sql import load_sql

# Targets that are set per county: the city's target is the county target times the number of counties.
PER_COUNTY_TARGETS = frozenset({"sites_base", "rescue_teams_with_party", "volunteer_teams_20plus", "brand_projects"})


class PlanTerms(Protocol):
    """What the metrics need of a plan (rcdash.plans.Plan; the plans layer sits above the metrics)."""

    id: str
    name: str
    start: date
    end: date
    targets: Mapping[str, float]  # end-of-plan target per metric
    interim: Mapping[int, Mapping[str, float]]  # interim targets by year
    rules: Mapping[str, Mapping[str, object]]  # rule overrides per metric (levels)


@dataclass(frozen=True)
class TargetBook:
    """A plan's targets, looked up by metric, area and year: imported per-area targets, then the plan's own."""

    rows: dict[tuple[str, str, int], float]
    plan: PlanTerms

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, plan: PlanTerms) -> TargetBook:
        """The plan's interim targets and the imported targets of the years inside the plan's period."""
        frame = con.execute(load_sql("targets", SQL_DIR)).df()
        rows = {(metric, ANY_AREA, year): value for year, values in plan.interim.items() for metric, value in values.items()}
        # Imported rows win over the plan file's interim values of the same year: they are the later word.
        rows |= {(r.metric, r.area, int(r.year)): float(r.value) for r in frame.itertuples()
                 if plan.start.year <= int(r.year) <= plan.end.year}
        return cls(rows, plan)

    def value(self, metric: str, area: str, year: int) -> float | None:
        """The target for an area in a year: the area's own, else the '*' one, else the plan's end value."""
        for key in ((metric, area, year), (metric, ANY_AREA, year)):
            if key in self.rows:
                return self.rows[key]
        return self.plan.targets.get(metric)

    def end_value(self, metric: str, area: str) -> float | None:
        """The target at the plan's end (what projections and the monthly increase measure against)."""
        return self.value(metric, area, self.plan.end.year)

    def source(self, metric: str, area: str, year: int) -> str:
        """Where a target comes from, for hover texts: a year before the plan's end has a stage target; the end
        year's target is the plan's, whether the plan file or an imported row sets it."""
        if year < self.plan.end.year and ((metric, area, year) in self.rows or (metric, ANY_AREA, year) in self.rows):
            return f"{year} 年阶段目标"
        return f"{self.plan.end.year} 年末计划目标"

    def stage_targets(self, metric: str, area: str) -> list[tuple[int, float]]:
        """The targets of the years before the plan's end (interim stages), oldest first."""
        years = sorted({y for (m, a, y) in self.rows if m == metric and a in (area, ANY_AREA) and y < self.plan.end.year})
        return [(y, value) for y in years if (value := self.value(metric, area, y)) is not None]

    def frame(self) -> pd.DataFrame:
        """The imported targets as a table."""
        return pd.DataFrame([(m, a, y, v) for (m, a, y), v in sorted(self.rows.items())],
                            columns=["metric", "area", "year", "value"])
