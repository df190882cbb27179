"""What the planners' map and the gap page show, read from the database: townships with metrics and targets,
open sites, organisations per township. No folium, no Streamlit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.geo.townships import TownshipAreas
from rcdash.labels import county_names
from rcdash.metrics import engine
from rcdash.metrics.rules import villages_needed
from rcdash.metrics.targets import TargetBook
from rcdash.plans import Plan, default_plan
from rcdash.store.sql import load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"
TIER_LABELS = {"center": "服务中心", "base": "服务基地", "station": "服务站", "point": "服务点"}
TIER_ORDER = ("center", "base", "station", "point")
TOWNSHIP_METRICS = ("villages_total", "villages_with_branch", "village_branch_rate", "population", "adult_members",
                    "member_ratio", "sites_center", "sites_base", "sites_station", "sites_point")


@dataclass(frozen=True)
class MapView:
    """Townships, sites and organisation counts of one area (city or county) as of one date."""

    as_of: date
    county: str | None
    townships: pd.DataFrame  # one row per township in scope: metrics, targets, gaps, seat, names
    sites: pd.DataFrame  # open sites in scope
    branches_unplaced: int  # open organisations registered above township level (no place on the map)
    county_names: dict[str, str]  # every county's name by code
    kinds: frozenset[str]  # record kinds that hold rows: 'sites', 'branches', 'members', 'population'
    # Per county, the kinds it has not reported for the period (DESIGN §9): its townships read 未报送 for them.
    unreported: Mapping[str, list[str]] = field(default_factory=dict)

    @property
    def year(self) -> int:
        """The year whose targets apply."""
        return self.as_of.year


def open_sites(con: duckdb.DuckDBPyConnection, as_of: date, county: str | None) -> pd.DataFrame:
    """Sites open on a date (name, tier, division, township_code, county_code, lon, lat, host, functions, opened_on)."""
    frame = con.execute(load_sql("open_sites", SQL_DIR), {"as_of": as_of, "county": county}).df()
    frame["opened_on"] = pd.to_datetime(frame["opened_on"]).dt.date
    return frame


def branch_counts(con: duckdb.DuckDBPyConnection, as_of: date, county: str | None) -> pd.DataFrame:
    """Open organisations per township (township_code NULL: registered above township level)."""
    return con.execute(load_sql("branches_by_township", SQL_DIR), {"as_of": as_of, "county": county}).df()


def divisions_named(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Counties and townships: code, name, level, parent_code, county_code, synthetic."""
    return con.execute(load_sql("divisions_named", SQL_DIR)).df()


def kinds_present(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Which of sites, branches, members, population hold any rows."""
    result = con.execute(load_sql("kinds_present", SQL_DIR))
    names = [d[0] for d in result.description]
    row = result.fetchall()[0]
    return frozenset(n for n, present in zip(names, row, strict=True) if present)


def township_frame(metrics: pd.DataFrame, divisions: pd.DataFrame, branches: pd.DataFrame, book: TargetBook,
                   year: int, areas: TownshipAreas, county: str | None,
                   unreported: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """One row per township in scope: its metrics, this year's and the plan's end targets, gaps and seat, and the
    kinds its county has not reported for the period ('unreported', a tuple; the map classes them 未报送)."""
    counties = divisions[divisions["level"] == "county"].set_index("code")["name"]
    rows = metrics[metrics["level"] == "township"].copy()
    rows["county_code"] = rows["code"].str[:6]
    if county is not None:
        rows = rows[rows["county_code"] == county]
    rows["county_name"] = rows["county_code"].map(counties)
    out = rows[["code", "name", "county_code", "county_name", *TOWNSHIP_METRICS]].reset_index(drop=True)
    counts = branches.dropna(subset=["township_code"]).set_index("township_code")["branches"]
    out["branches"] = out["code"].map(counts).fillna(0).astype(int) if len(branches) else pd.NA
    for metric in ("village_branch_rate", "member_ratio"):
        out[f"{metric}_target"] = [book.value(metric, c, year) for c in out["code"]]
        out[f"{metric}_target_end"] = [book.end_value(metric, c) for c in out["code"]]
    out["villages_without_branch"] = (out["villages_total"] - out["villages_with_branch"]).astype("Float64")
    for suffix in ("", "_end"):  # for this year's target (the map) and the plan's end target (the gap table)
        out[f"villages_needed{suffix}"] = [
            villages_needed(t, w, g)
            for t, w, g in zip(out["villages_total"], out["villages_with_branch"],
                               out[f"village_branch_rate_target{suffix}"], strict=True)
        ]
    out["unreported"] = [tuple((unreported or {}).get(c, ())) for c in out["county_code"]]
    out["has_area"] = out["code"].isin(list(areas.shapes))
    out["seat_lon"] = [areas.seats[c][0] if c in areas.seats else None for c in out["code"]]
    out["seat_lat"] = [areas.seats[c][1] if c in areas.seats else None for c in out["code"]]
    return out


def load_view(con: duckdb.DuckDBPyConnection, as_of: date, county: str | None, areas: TownshipAreas,
              metrics: pd.DataFrame | None = None, plan: Plan | None = None,
              unreported: Mapping[str, list[str]] | None = None) -> MapView:
    """Everything the map and the gap page need for an area and date against a plan (default: the date's plan;
    metrics may be passed in, cached; `unreported`: what each county has not reported for the period)."""
    if metrics is None:
        metrics = engine.at(con, as_of, "township")
    branches = branch_counts(con, as_of, county)
    divisions = divisions_named(con)
    frame = township_frame(metrics, divisions, branches, TargetBook.load(con, plan or default_plan(con, as_of)), as_of.year,
                           areas, county, unreported)
    unplaced = int(branches.loc[branches["township_code"].isna(), "branches"].sum()) if len(branches) else 0
    return MapView(as_of, county, frame, open_sites(con, as_of, county), unplaced, county_names(divisions),
                   kinds_present(con), dict(unreported or {}))
