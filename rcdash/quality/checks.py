"""The data-quality checks of DESIGN §10: one declarative entry each (id, severity, kinds, SQL file, message)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import shapely

from rcdash.geo.boundaries import county_at, county_shapes

# Thresholds (DESIGN §10), each with the reason it is where it is.
MEMBER_DROP_SHARE = 0.5  # members do leave, but half of a division's members gone in one reporting step is a lost row
MEMBER_DROP_MIN_PREVIOUS = 10  # below ten members a drop of half is a handful of people, not a reporting error
MEMBER_MAX_SHARE = 0.10  # the plan aims at 2 %; five times that in one division is a digit too many or a wrong division
STALE_MONTHS = 12  # divisions report at least yearly; an older snapshot is carried forward as if it were current
PARTICIPANTS_FACTOR = 20  # twenty times the county's usual activity is no longer the same kind of event
PARTICIPANTS_FLOOR = 1_000  # below a thousand a large activity is plausible whatever the county's median

SEVERITY_LABELS = {"error": "错误", "warning": "存疑"}  # error: cannot be right; warning: looks wrong, verify


@dataclass(frozen=True)
class Check:
    """One data-quality check: its SQL returns the flagged rows; the message says what to verify."""

    id: str
    zh: str  # short Chinese name, for counts and filters
    severity: str  # a key of SEVERITY_LABELS
    kinds: tuple[str, ...]  # the record kinds it reads (an import of one of them is previewed with it)
    sql: str  # rcdash/quality/sql/<sql>.sql
    message: str  # Chinese template over the row's fields (see rcdash.quality.engine.message_fields)
    params: Mapping[str, object] = field(default_factory=dict)
    # Rows the SQL cannot judge alone (geometry): a function from the SQL's rows to the flagged ones.
    refine: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    # The metrics a flagged row of each kind feeds (the cards and map areas that say "rests on flagged data").
    metrics: Mapping[str, tuple[str, ...]] | None = None  # None: the kind's metrics (KIND_METRICS)


# The §5 metrics each record kind feeds: a flagged row of a kind puts a warning on these figures.
KIND_METRICS: dict[str, tuple[str, ...]] = {
    "members": ("member_ratio", "adult_members"),
    "population": ("member_ratio", "population"),
    "branches": ("village_branch_rate", "villages_with_branch"),
    "sites": ("sites_center", "sites_base", "sites_station", "sites_point"),
    "teams": ("rescue_teams", "rescue_teams_with_party", "volunteer_teams", "volunteer_teams_20plus"),
    "activities": ("weekly_voice_rate", "monthly_theme_rate"),
    "brands": ("brand_projects",),
    "funds": ("funds", "funds_disclosed"),
}


def outside_own_county(rows: pd.DataFrame) -> pd.DataFrame:
    """The sites whose point lies outside their division's county polygon (counties without a polygon: not judged)."""
    shapes = county_shapes()
    if rows.empty:
        return rows.assign(found=pd.Series(dtype=object), value=pd.Series(dtype=object))
    judged = rows[rows["county_code"].isin(list(shapes))]
    inside = [bool(shapely.contains_xy(shapes[c], x, y))
              for c, x, y in zip(judged["county_code"], judged["lon"], judged["lat"], strict=True)]
    out = judged[[not i for i in inside]].copy()
    out["found"] = [county_at(x, y) for x, y in zip(out["lon"], out["lat"], strict=True)]
    out["value"] = [f"{x:.5f}, {y:.5f}" for x, y in zip(out["lon"], out["lat"], strict=True)]
    return out


CHECKS: dict[str, Check] = {
    c.id: c
    for c in (
        Check(
            "member_drop", "会员数骤降", "warning", ("members",), "member_drop",
            "{name}的成人会员从 {previous}（{previous_date}）降到 {value}（{date}），降幅超过一半。"
            "请核实是否漏报了下辖村（社区）、报成了另一口径，或是录入时少打了数字。",
            {"drop_share": MEMBER_DROP_SHARE, "min_previous": MEMBER_DROP_MIN_PREVIOUS},
        ),
        Check(
            "member_over_population", "会员超过人口一成", "warning", ("members", "population"),
            "member_over_population",
            "{name} {date} 的成人会员 {value} 人，超过该地常住人口 {population} 人（{population_year} 年）的 10%。"
            "请核实会员数是否多打了一位、是否填错了区划，或该地常住人口是否偏低。",
            {"max_share": MEMBER_MAX_SHARE}, metrics={"members": KIND_METRICS["members"],
                                                      "population": KIND_METRICS["members"]},
        ),
        Check(
            "stale_members", "会员数据过期", "warning", ("members",), "stale_members",
            "{name}最近一次会员快照是 {date}，到统计日已 {value} 个月未更新，指标仍按这个旧数计算。"
            "请核实该地是否停止报送，并补报最新的会员数。",
            {"stale_months": STALE_MONTHS},
        ),
        Check(
            "participants_outlier", "参与人数异常", "warning", ("activities",), "participants_outlier",
            "{date} {name}的活动“{title}”参与人数 {value}，是本区县活动参与人数中位数（{median}）的 20 倍以上。"
            "请核实是否多打了数字，或把全年、全区的人次记在了一次活动上。",
            {"factor": PARTICIPANTS_FACTOR, "floor": PARTICIPANTS_FLOOR},
            metrics={"activities": ()},  # participant counts feed no §5 figure
        ),
        Check(
            "site_outside_division", "阵地不在所属区县", "error", ("sites",), "site_outside_division",
            "服务阵地“{site_name}”的坐标（{value}）落在{found}，不在所属的{county}范围内。"
            "请核实经纬度（是否填反，是否用了高德或百度地图的坐标却未注明坐标系）或所属区划。",
            refine=outside_own_county,
        ),
        Check(
            "future_date", "日期晚于报送日", "error",
            ("population", "branches", "sites", "members", "teams", "activities", "brands", "funds", "rescue_stats",
             "party"),
            "future_date",
            "{name}的一条{kind_zh}记录，{field}是 {value}，晚于这份数据报送的日期 {expected_max}。"
            "请核实年份或月、日是否填错。",
        ),
        Check(
            "duplicate_name", "名称疑似重复", "warning", ("branches", "teams"), "duplicate_name",
            "{name}有名称只差空格或全角/半角字符的{kind_zh}：“{value}”与“{others}”。"
            "请核实是否为同一组织重复登记；如是，请删去多余的一条后重新导入。",
            # A village counts once however many branches it has; a team registered twice is counted twice.
            metrics={"branches": (), "teams": KIND_METRICS["teams"]},
        ),
    )
}
