"""Plan targets: the plan's end values as defaults, overridden per year and area by imported targets."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rcdash.config import PLAN_END
from rcdash.metrics.engine import SQL_DIR
from rcdash.records.kinds import ANY_AREA
from rcdash.store.sql import load_sql

# The plan's targets for the end of 2022 (seed plan §一 and §二).
PLAN_END_TARGETS: dict[str, float] = {
    "village_branch_rate": 0.40,  # 全市村（社区）建会率达到40%以上
    "member_ratio": 0.02,  # 成人会员达到常住人口数的2%
    "sites_center": 1,  # 市区建设一个区域性红十字服务中心
    "sites_base": 1,  # 各区、县（市）打造一个县级红十字服务基地
    "rescue_teams_with_party": 1,  # 每个区、县（市）1支应急救援队并建立党组织
    "volunteer_teams_20plus": 3,  # 每个区、县（市）特色志愿队3支以上，每支20名以上
    "brand_projects": 1,  # 一地一品
    "weekly_voice_rate": 1.0,  # 确保“周周有声音”: every week
    "monthly_theme_rate": 1.0,  # 确保“月月有主题”: every month
}
# Targets that are set per county: the city's target is the county target times the number of counties.
PER_COUNTY_TARGETS = frozenset({"sites_base", "rescue_teams_with_party", "volunteer_teams_20plus", "brand_projects"})


@dataclass(frozen=True)
class TargetBook:
    """Imported targets, looked up by metric, area and year; the plan's end values otherwise."""

    rows: dict[tuple[str, str, int], float]

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> TargetBook:
        """Read the targets table."""
        frame = con.execute(load_sql("targets", SQL_DIR)).df()
        return cls({(r.metric, r.area, int(r.year)): float(r.value) for r in frame.itertuples()})

    def value(self, metric: str, area: str, year: int) -> float | None:
        """The target for an area in a year: the area's own, else the '*' one, else the plan's end value."""
        for key in ((metric, area, year), (metric, ANY_AREA, year)):
            if key in self.rows:
                return self.rows[key]
        return PLAN_END_TARGETS.get(metric)

    def source(self, metric: str, area: str, year: int) -> str:
        """Where a target comes from, for hover texts."""
        if (metric, area, year) in self.rows or (metric, ANY_AREA, year) in self.rows:
            return f"{year} 年阶段目标"
        return "计划目标（2022 年末）"

    def stage_targets(self, metric: str, area: str) -> list[tuple[int, float]]:
        """The imported targets of the years before the plan's end (interim stages), oldest first."""
        years = sorted({y for (m, a, y) in self.rows if m == metric and a in (area, ANY_AREA) and y < PLAN_END.year})
        return [(y, value) for y in years if (value := self.value(metric, area, y)) is not None]

    def frame(self) -> pd.DataFrame:
        """The imported targets as a table."""
        return pd.DataFrame([(m, a, y, v) for (m, a, y), v in sorted(self.rows.items())],
                            columns=["metric", "area", "year", "value"])
