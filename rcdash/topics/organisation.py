"""基层组织与博爱基金: branches by level over time, party building, village humanity funds (pure + SQL)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.config import CITY_CODE
from rcdash.metrics.outlook import months_back
from rcdash.metrics.period import half_year_of
from rcdash.records.kinds import BRANCH_LEVELS
from rcdash.reporting import drop_unreported_points, figure_note, mark_unreported
from rcdash.reporting.status import METRIC_KINDS
from rcdash.store.sql import load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"
DISCLOSURE_MONTHS = 12  # the plan asks funds to be 公开透明: a disclosure within the last year
DISCLOSED, OVERDUE, NOT_YET_DUE = "已公开", "⚠ 超过 12 个月未公开", "设立未满 12 个月，尚未公开"
LEVEL_ORDER = [c.value for c in BRANCH_LEVELS]
BRANCH_METRICS = ("villages_with_branch",)  # the branch counts rest on the branch register (METRIC_KINDS)
TEAM_PARTY_COLUMN = "应急救援队（建党组织/总数）"


def branches_by_level(con: duckdb.DuckDBPyConnection, dates: list[date]) -> pd.DataFrame:
    """Open branches per date, county and level."""
    frame = con.execute(load_sql("branches_by_level", SQL_DIR), {"dates": dates}).df()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame


def level_matrix(frame: pd.DataFrame, as_of: date, counties: Mapping[str, str],
                 unreported: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """Counties (code → name, in order) × branch levels on one date, with totals (a 全市 row when the table holds
    more than one county: one county's row is its own total); the counts of a county that has not reported its
    branches for the period read 未报送 (rcdash.reporting). The city's total keeps its sum (the page says which
    counties it holds that have not reported)."""
    now = frame[frame["as_of"] == as_of]
    table = now.pivot_table(index="county_name", columns="level", values="branches", aggfunc="sum", fill_value=0)
    table = table.reindex(index=list(counties.values()), columns=LEVEL_ORDER, fill_value=0)
    table["合计"] = table.sum(axis=1)
    city_row = [CITY_CODE] if len(counties) > 1 else []
    if city_row:
        table.loc["全市"] = table.sum(axis=0)
    table = table.reset_index(names="区县").astype({c: int for c in [*LEVEL_ORDER, "合计"]})
    if not unreported:
        return table
    codes = pd.Series([*counties, *city_row])
    return mark_unreported(table, codes, dict.fromkeys([*LEVEL_ORDER, "合计"], METRIC_KINDS["villages_with_branch"]),
                           unreported)


def chart_frame(by_level: pd.DataFrame, since: date, county: str | None,
                unreported: Mapping[str, list[str]]) -> pd.DataFrame:
    """The branches the chart draws: one county's (or all); a county that has not reported its branches for the
    period (from `since`) loses its points there (earlier half-year ends stay, as on 总览's cards), the city's sum
    keeps them."""
    if county is None:
        return by_level
    mine = by_level[by_level["county"] == county]
    return drop_unreported_points(mine, BRANCH_METRICS, unreported, since, code="county")


def branch_note(counties: Mapping[str, str], area: str, unreported: Mapping[str, list[str]],
                period_label: str) -> str | None:
    """Under the branch chart and table: a county's missing branch report, or the counties the city's sum holds
    that have not reported (DESIGN §9)."""
    return figure_note(unreported, area, dict(counties), BRANCH_METRICS, period_label)


def party_table(con: duckdb.DuckDBPyConnection, as_of: date, metrics: pd.DataFrame,
                unreported: Mapping[str, list[str]] | None = None, county: str | None = None) -> pd.DataFrame:
    """Per county (or the one county chosen): 党组 established, 党组书记 appointed (latest report), party organisations
    in teams (未报送 for a county that has not reported its teams for the period; party reports are not on the
    calendar, never owed)."""
    status = con.execute(load_sql("party_status", SQL_DIR), {"as_of": as_of, "county": county}).df()
    teams = metrics[metrics["level"] == "county"].set_index("code")
    yes_no = {True: "是", False: "否"}
    rows, codes = [], []
    for r in status.to_dict("records"):
        codes.append(r["county"])
        t = teams.loc[r["county"]] if r["county"] in teams.index else None
        reported = r["date"] is not None and not pd.isna(r["date"])
        rows.append({
            "区县": r["county_name"],
            "成立党组": yes_no.get(r["party_group_established"], "无数据") if reported else "无数据",
            "任命党组书记": yes_no.get(r["secretary_appointed"], "无数据") if reported else "无数据",
            "最近报告日期": pd.Timestamp(r["date"]).date() if reported else "无数据",
            TEAM_PARTY_COLUMN: "无数据" if t is None or pd.isna(t["rescue_teams"])
            else f"{int(t['rescue_teams_with_party'])}/{int(t['rescue_teams'])}",
        })
    table = pd.DataFrame(rows)
    if not unreported or table.empty:
        return table
    return mark_unreported(table, pd.Series(codes), {TEAM_PARTY_COLUMN: METRIC_KINDS["rescue_teams"]}, unreported)


def fund_list(con: duckdb.DuckDBPyConnection, as_of: date, area: str) -> pd.DataFrame:
    """Funds under an area as of a date, with a flag for those not disclosed in the last 12 months."""
    frame = con.execute(load_sql("funds_list", SQL_DIR), {"as_of": as_of, "area": area}).df()
    last = pd.to_datetime(frame["last_disclosed_on"]).dt.date
    established = pd.to_datetime(frame["established_on"]).dt.date
    frame = frame.assign(
        established_on=established,
        # One type in the column (text): a column mixing dates and text cannot be sent to the browser as Arrow.
        last_disclosed_on=["从未公开" if pd.isna(d) else d.isoformat() for d in last],
        overdue=[disclosure_status(e, None if pd.isna(d) else d, as_of) for e, d in zip(established, last, strict=True)],
    )
    return frame.rename(columns={
        "name": "基金名称", "county": "区县", "township": "乡镇（街道）", "village": "村（社区）",
        "established_on": "设立日期", "raised_yuan": "累计筹款（元）", "disbursed_yuan": "累计支出（元）",
        "last_disclosed_on": "最近公开日期", "overdue": "公开情况",
    })


def disclosure_status(established_on: date, last_disclosed_on: date | None, as_of: date) -> str:
    """已公开 within 12 months; overdue once 12 months have passed since the last disclosure, or since set-up."""
    cutoff = months_back(as_of, DISCLOSURE_MONTHS)
    disclosed = last_disclosed_on if last_disclosed_on is not None and last_disclosed_on <= as_of else None
    if disclosed is not None and disclosed > cutoff:
        return DISCLOSED
    return OVERDUE if (disclosed or established_on) <= cutoff else NOT_YET_DUE


def fund_totals(funds: pd.DataFrame) -> pd.DataFrame:
    """Per county: number of funds, money raised and disbursed, and how many are overdue for disclosure."""
    if funds.empty:
        return pd.DataFrame(columns=["区县", "基金数", "累计筹款（元）", "累计支出（元）", "超过 12 个月未公开"])
    grouped = funds.groupby("区县", sort=False)
    return pd.DataFrame({
        "基金数": grouped.size(),
        "累计筹款（元）": grouped["累计筹款（元）"].sum().round(2),
        "累计支出（元）": grouped["累计支出（元）"].sum().round(2),
        "超过 12 个月未公开": grouped["公开情况"].apply(lambda s: int((s == OVERDUE).sum())),
    }).reset_index()


def level_totals(by_level: pd.DataFrame) -> pd.DataFrame:
    """Open branches per half-year end and level, summed over the counties shown."""
    out = by_level.groupby(["as_of", "level"], as_index=False)["branches"].sum()
    return out.assign(半年末=out["as_of"].map(point_label))


def point_label(day: date) -> str:
    """'2021H2 末' for a half-year's last day, else the date itself (the as-of point)."""
    period = half_year_of(day)
    return f"{period.label} 末" if day == period.end else f"截至 {day:%Y-%m-%d}"


def overdue_only(funds: pd.DataFrame) -> pd.DataFrame:
    """The funds overdue for disclosure (not those set up less than 12 months ago and not yet disclosed)."""
    return funds[funds["公开情况"] == OVERDUE]
