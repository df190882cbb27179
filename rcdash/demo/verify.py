"""The demo's story as figures: read through the metrics engine (one definition), plus demo-only counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.config import CITY_CODE
from rcdash.demo.build import DEMO_PLAN_PATH
from rcdash.metrics.engine import at
from rcdash.plans import Plan, read_file, seed_plan
from rcdash.store.sql import load_sql

CITY = CITY_CODE  # the key of city-wide figures in the per-area dicts
SQL_DIR = Path(__file__).resolve().parent / "sql"
TIERS = ("center", "base", "station", "point")
EVER = date(1900, 1, 1)  # the default start of the span the themed months and voiced weeks are counted over
# How far above a plan's end target the city may land: "just above" (40–45 %, 2.0–2.3 %; 50–55 %, 2.5–2.8 %).
JUST_ABOVE = {"village_branch_rate": 0.05, "member_ratio": 0.003}


@dataclass(frozen=True)
class StoryFigures:
    """What the demo should show on one date; per-area dicts are keyed by county code and CITY."""

    as_of: date
    village_branch_rate: dict[str, float]
    member_ratio: dict[str, float]
    sites: dict[str, int]  # tier → sites open city-wide
    rescue_teams: dict[str, int]
    rescue_teams_with_party: dict[str, int]
    themed_months: dict[str, int]
    voiced_weeks: dict[str, int]
    activities: int
    brands: int
    funds: int
    funds_undisclosed: int  # not disclosed within the 12 months before the date
    double_branch_villages: int


def story_figures(con: duckdb.DuckDBPyConnection, as_of: date, since: date = EVER) -> StoryFigures:
    """The story's figures on a date (themed months and voiced weeks counted from `since`): the metrics engine's
    values, plus a few counts only the demo cares about."""
    rows = at(con, as_of, "county").set_index("code")
    counties = rows[rows["level"] == "county"]
    city = rows.loc[CITY]
    span = con.execute(load_sql("story_themed_months", SQL_DIR), {"as_of": as_of, "since": since}).fetchall()
    activities, doubles = con.execute(load_sql("story_extras", SQL_DIR), {"as_of": as_of}).fetchall()[0]
    return StoryFigures(
        as_of=as_of,
        village_branch_rate={c: float(v) for c, v in rows["village_branch_rate"].dropna().items()},
        member_ratio={c: float(v) for c, v in rows["member_ratio"].dropna().items()},
        sites={t: int(city[f"sites_{t}"]) for t in TIERS if not pd.isna(city[f"sites_{t}"])},
        rescue_teams={c: int(v) for c, v in counties["rescue_teams"].dropna().items()},
        rescue_teams_with_party={c: int(v) for c, v in counties["rescue_teams_with_party"].dropna().items()},
        themed_months={c: int(m) for c, m, _ in span}, voiced_weeks={c: int(w) for c, _, w in span},
        activities=int(activities), brands=int(0 if pd.isna(city["brand_projects"]) else city["brand_projects"]),
        funds=int(0 if pd.isna(city["funds"]) else city["funds"]),
        funds_undisclosed=int(0 if pd.isna(city["funds"]) else city["funds"] - city["funds_disclosed"]),
        double_branch_villages=int(doubles),
    )


def story_plans() -> tuple[Plan, Plan]:
    """The two plans the demo tells its story under: the seed plan (2020–2022) and the fictional demo plan."""
    return seed_plan(), read_file(DEMO_PLAN_PATH)


def story_problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Where the demo misses its story: at each plan's end the city is just above the plan's branch-rate and
    member-ratio targets and some county is below each (empty when the story holds)."""
    problems = []
    for plan in story_plans():
        figures = story_figures(con, plan.end)
        for metric, margin in JUST_ABOVE.items():
            target = plan.targets[metric]
            values: dict[str, float] = getattr(figures, metric)
            city = values[CITY]
            if not target <= city <= target + margin:
                problems.append(f"{plan.id} {plan.end} {metric}: city {city:.4f}, not within {target} … {target + margin}")
            if min(v for code, v in values.items() if code != CITY) >= target:
                problems.append(f"{plan.id} {plan.end} {metric}: no county below the target {target}")
    return problems
