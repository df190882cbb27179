"""One declarative entry per metric: its name (the JSON key), Chinese label, unit and definition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rcdash.labels import MEMBER_RATIO_DIGITS, RATE_DIGITS, fmt_count, fmt_rate


@dataclass(frozen=True)
class Metric:
    """A metric of DESIGN §5."""

    name: str
    zh: str
    unit: str  # 'rate' (a fraction), 'count', 'people'
    definition: str  # without the plan's target, which target_note adds (described)
    county_level_only: bool = False  # not defined below county level (brands are registered per county)
    target_note: str = ""  # how the plan's target reads in the definition; {target} is its end value
    target_metric: str | None = None  # the metric whose target the note names (default: this one)

    def described(self, targets: Mapping[str, float]) -> str:
        """The definition with the plan's end target of this metric (without it when the plan sets none)."""
        target = targets.get(self.target_metric or self.name)
        if not self.target_note or target is None:
            return self.definition
        metric = METRIC_BY_NAME[self.target_metric or self.name]
        return self.definition.removesuffix("。") + self.target_note.format(target=target_words(metric, target)) + "。"


METRICS: tuple[Metric, ...] = (
    Metric("villages_total", "村（社区）总数", "count", "区域内统计用区划代码中的村委会和居委会数。"),
    Metric("villages_with_branch", "已建会村（社区）数", "count",
           "截至统计日，至少有 1 个“村社区”层级红十字会（已成立且未撤销）的村（社区）数，同一村多个组织只计 1 次。"),
    Metric("village_branch_rate", "村（社区）建会率", "rate", "已建会村（社区）数 ÷ 村（社区）总数。",
           target_note="；计划目标 ≥ {target}"),
    Metric("population", "常住人口", "people",
           "区域本身最近一个不晚于统计年份的常住人口；没有时为下级区划之和。"),
    Metric("adult_members", "成人会员数", "people", "区域内每个区划截至统计日最近一次会员快照之和。"),
    Metric("youth_members", "青少年会员数", "people", "同成人会员，按青少年会员数计。"),
    Metric("member_ratio", "成人会员占常住人口比例", "rate", "成人会员数 ÷ 常住人口。", target_note="；计划目标 ≥ {target}"),
    Metric("sites_center", "区域性服务中心", "count", "统计日在用的区域性红十字服务中心数。",
           target_note="（全市目标 {target} 个）"),
    Metric("sites_base", "县级服务基地", "count", "统计日在用的县级红十字服务基地数。",
           target_note="（每个区、县（市）{target} 个）"),
    Metric("sites_station", "乡镇（街道）服务站", "count", "统计日在用的乡镇（街道）红十字服务站数。"),
    Metric("sites_point", "村（社区）服务点", "count", "统计日在用的村（社区）红十字服务点数。"),
    Metric("rescue_teams", "应急救援队", "count", "统计日在册的红十字应急救援队数。",
           target_note="（每个区、县（市）{target} 支）", target_metric="rescue_teams_with_party"),
    Metric("rescue_teams_with_party", "建立党组织的应急救援队", "count", "已建立党组织的应急救援队数。"),
    Metric("volunteer_teams", "志愿服务队", "count", "统计日在册的红十字志愿服务队数。"),
    Metric("volunteer_teams_20plus", "20 人以上志愿服务队", "count",
           "注册志愿者 ≥ 20 名的志愿服务队数。", target_note="（每个区、县（市）≥ {target} 支）"),
    Metric("brand_projects", "一地一品项目", "count", "截至统计日已启动的“一地一品”品牌项目数。",
           county_level_only=True, target_note="（每个区、县（市）≥ {target} 个）"),
    Metric("funds", "博爱基金", "count", "截至统计日已设立的村级博爱基金数。"),
    Metric("funds_disclosed", "近 12 个月公开的博爱基金", "count", "统计日前 12 个月内公开过收支的博爱基金数。"),
    Metric("weekly_voice_rate", "周周有声音", "rate",
           "报告期（默认统计日所在半年，截至统计日）内周一落在期内的自然周中，至少有 1 次活动的周所占比例；"
           "只计到活动数据的最新日期，期内没有可计的周时为无数据。"),
    Metric("monthly_theme_rate", "月月有主题", "rate",
           "报告期内已开始的月份中，至少有 1 次月度主题活动的月份所占比例；只计到活动数据的最新日期，没有可计的月份时为无数据。"),
)
METRIC_BY_NAME = {m.name: m for m in METRICS}


def target_words(metric: Metric, target: float) -> str:
    """A target inside a sentence: rates as plain percents (40%, 2.5%), counts as numbers (3)."""
    if metric.unit == "rate":
        return f"{round(target * 100, 4):g}%"
    return f"{target:g}"
# Columns the engine returns besides the metrics: the denominators behind the activity rates.
SUPPORT_COLUMNS = ("weeks_in_period", "voiced_weeks", "months_in_period", "themed_months")


def format_value(metric: Metric, value: float | int | None) -> str:
    """A value as shown to users: percentages for rates, thousands separators for counts, 无数据 for None."""
    if metric.unit == "rate":
        return fmt_rate(value, MEMBER_RATIO_DIGITS if metric.name == "member_ratio" else RATE_DIGITS)
    return fmt_count(value)
