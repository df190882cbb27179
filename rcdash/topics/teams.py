"""队伍与志愿者: the plan's rule per county (1 rescue team with a party organisation + 3 teams of ≥ 20 volunteers in
the seed plan), party coverage, team lists (pure + SQL)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.labels import UNREPORTED, county_names, is_missing
from rcdash.metrics.targets import TargetBook
from rcdash.reporting import figure_note, mark_unreported, metric_unreported
from rcdash.reporting.status import METRIC_KINDS
from rcdash.store.sql import load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"
TYPE_LABELS = {"应急救援队": "应急救援队", "志愿服务队": "志愿服务队"}
TEAM_METRICS = ("rescue_teams",)  # every figure of the page rests on the teams register (METRIC_KINDS)


def team_list(con: duckdb.DuckDBPyConnection, as_of: date, area: str) -> pd.DataFrame:
    """Teams active on a date in an area, with Chinese column names."""
    frame = con.execute(load_sql("teams_list", SQL_DIR), {"as_of": as_of, "area": area}).df()
    frame["has_party_org"] = frame["has_party_org"].map({True: "是", False: "否"})
    frame["founded_on"] = pd.to_datetime(frame["founded_on"]).dt.date
    return frame.rename(columns={
        "name": "队伍名称", "type": "类型", "specialty": "专业特长", "county": "区县", "division_name": "所属区划",
        "founded_on": "成立日期", "registered_volunteers": "注册志愿者", "has_party_org": "建立党组织",
    })


def _count(value: float | None) -> str:
    """A per-county count target as the rule's wording writes it."""
    return "—" if value is None else f"{value:g}"


def _have(value: object) -> float:
    """A count, 0 when missing."""
    return 0.0 if is_missing(value) else float(value)  # type: ignore[arg-type]


def rule_column(targets: TargetBook, year: int) -> str:
    """The compliance column's header: '计划要求（1 支救援队建党组织 + 3 支 ≥ 20 人志愿队）' under the plan."""
    rescue = targets.value("rescue_teams_with_party", "*", year)
    volunteer = targets.value("volunteer_teams_20plus", "*", year)
    return f"计划要求（{_count(rescue)} 支救援队建党组织 + {_count(volunteer)} 支 ≥ 20 人志愿队）"


def requirement_text(targets: TargetBook, year: int) -> str:
    """'每个区、县（市）1 支应急救援队并建立党组织、3 支以上注册志愿者 20 名以上的特色志愿队' under the plan."""
    rescue = targets.value("rescue_teams_with_party", "*", year)
    volunteer = targets.value("volunteer_teams_20plus", "*", year)
    return (f"计划要求：每个区、县（市）{_count(rescue)} 支应急救援队并建立党组织、{_count(volunteer)} 支以上注册志愿者 20 名以上的"
            f"特色志愿队；{targets.source('volunteer_teams_20plus', '*', year)}。")


def county_team_table(frame: pd.DataFrame, teams: pd.DataFrame, targets: TargetBook, year: int,
                      unreported: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """Per county: teams against the plan's rule (its per-county targets of the year), party coverage and
    volunteer numbers; every figure of a county that has not reported its teams for the period reads 未报送
    (rcdash.reporting) rather than the older register's."""
    rows, codes = [], []
    for r in frame[frame["level"] == "county"].to_dict("records"):
        mine = teams[teams["区县"] == r["name"]]
        code = r.get("code", "*")
        rescue_need = targets.value("rescue_teams_with_party", code, year)
        volunteer_need = targets.value("volunteer_teams_20plus", code, year)
        # A target the plan does not set is no requirement.
        rescue_ok = rescue_need is None or _have(r["rescue_teams_with_party"]) >= rescue_need
        volunteer_ok = volunteer_need is None or _have(r["volunteer_teams_20plus"]) >= volunteer_need
        missing = pd.isna(r["rescue_teams"])
        codes.append(code)
        rows.append({
            "区县": r["name"],
            "应急救援队": r["rescue_teams"], "其中建立党组织": r["rescue_teams_with_party"],
            "志愿服务队": r["volunteer_teams"], "其中 ≥ 20 人": r["volunteer_teams_20plus"],
            "注册志愿者合计": int(mine["注册志愿者"].sum()) if len(mine) else 0,
            "队伍党组织覆盖率": float((mine["建立党组织"] == "是").mean()) if len(mine) else None,
            rule_column(targets, year): "无数据" if missing else (
                "达标" if rescue_ok and volunteer_ok else "未达标：" + "、".join(
                    x for x, ok in (("救援队未建党组织", rescue_ok),
                                    (f"20 人以上志愿队不足 {_count(volunteer_need)} 支", volunteer_ok)) if not ok)),
        })
    table = pd.DataFrame(rows)
    if not unreported or table.empty:
        return table
    figures = [c for c in table.columns if c != "区县"]  # all rest on the teams register
    return mark_unreported(table, pd.Series(codes), dict.fromkeys(figures, METRIC_KINDS["rescue_teams"]), unreported)


def owing_names(frame: pd.DataFrame, unreported: Mapping[str, list[str]]) -> list[str]:
    """The counties (names, of the metrics frame) that have not reported their teams for the period."""
    return [n for c, n in county_names(frame).items() if metric_unreported(unreported, c, TEAM_METRICS)]


def reported_only(teams: pd.DataFrame, owing: list[str]) -> pd.DataFrame:
    """The teams of counties that have reported them (what the per-county charts draw; an older register is no
    figure of the period)."""
    return teams[~teams["区县"].isin(owing)]


def chart_note(owing: list[str], period_label: str) -> str | None:
    """Under the per-county charts: which counties they leave out, and why."""
    if not owing:
        return None
    return f"{UNREPORTED}：{'、'.join(owing)}尚未报送队伍数据（{period_label}），图中不按旧数据画出。"


def list_note(frame: pd.DataFrame, area: str, unreported: Mapping[str, list[str]], period_label: str) -> str | None:
    """Above the team list: a county's (or the city's counties') missing team report — the list is the register as
    last sent, not this period's."""
    note = figure_note(unreported, area, county_names(frame), TEAM_METRICS, period_label)
    return None if note is None else f"{note.removesuffix('，不按旧数据计算')}；名单为此前报送的在册队伍。"


def filter_teams(teams: pd.DataFrame, kinds: list[str], party_only: bool, text: str) -> pd.DataFrame:
    """The team list filtered by type, party organisation and a search text (name or specialty)."""
    out = teams[teams["类型"].isin(kinds)] if kinds else teams
    if party_only:
        out = out[out["建立党组织"] == "是"]
    if text.strip():
        needle = text.strip()
        out = out[out["队伍名称"].str.contains(needle, regex=False) | out["专业特长"].fillna("").str.contains(needle, regex=False)]
    return out


def team_counts(teams: pd.DataFrame) -> pd.DataFrame:
    """Active teams per county and type (county, type, size)."""
    return teams.groupby(["区县", "类型"], as_index=False, sort=False).size()


def volunteers_by_party(teams: pd.DataFrame) -> pd.DataFrame:
    """Registered volunteers per county, split by whether their team has a party organisation."""
    out = teams.groupby(["区县", "建立党组织"], as_index=False, sort=False)["注册志愿者"].sum()
    return out.assign(队伍=out["建立党组织"].map({"是": "有党组织的队伍", "否": "未建党组织的队伍"}))


def teams_in(teams: pd.DataFrame, county_name: str | None) -> pd.DataFrame:
    """The teams of one county, or all."""
    return teams if county_name is None else teams[teams["区县"] == county_name]
