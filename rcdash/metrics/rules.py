"""The plan's rules per county (and for the city): pass, fail or no data, with the reason in Chinese."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from rcdash.labels import fmt_target, is_missing
from rcdash.metrics.definitions import METRIC_BY_NAME, format_value, target_words
from rcdash.metrics.targets import TargetBook

PASS, FAIL, NO_DATA = "pass", "fail", "no_data"
STATUS_LABELS = {PASS: "达标", FAIL: "未达标", NO_DATA: "无数据"}


@dataclass(frozen=True)
class PlanRule:
    """One rule: an area of the given levels passes when the metric reaches its target."""

    key: str
    label: str  # a template: {target} is the plan's end target of the metric
    metric: str
    levels: tuple[str, ...]
    unit_word: str  # what is counted, for the shortfall sentence
    short: str  # a column header; without the number, since interim years have their own targets


# Every rule the code knows; a plan applies those of the metrics it sets a target for (plan_rules).
RULES: tuple[PlanRule, ...] = (
    PlanRule("center_built", "区域性服务中心建成", "sites_center", ("city",), "个", "服务中心"),
    PlanRule("base_built", "县级服务基地建成", "sites_base", ("county",), "个", "服务基地"),
    PlanRule("rescue_team_party", "应急救援队建立党组织", "rescue_teams_with_party", ("county",), "支", "救援队党组织"),
    PlanRule("volunteer_teams", "特色志愿队 ≥ {target} 支（每支 ≥ 20 人）", "volunteer_teams_20plus", ("county",), "支",
             "志愿队 ≥ {target} 支"),
    PlanRule("village_branch_rate", "村（社区）建会率 ≥ {target}", "village_branch_rate", ("city", "county"), "", "建会率达标"),
    PlanRule("member_ratio", "成人会员 ≥ 常住人口 {target}", "member_ratio", ("city", "county"), "", "会员占比达标"),
    PlanRule("brand_project", "一地一品项目", "brand_projects", ("county",), "个", "一地一品"),
)


def plan_rules(targets: TargetBook) -> tuple[PlanRule, ...]:
    """The rules of a plan: those of the metrics it sets an end target for, at its levels, named with its numbers."""
    rules = []
    for rule in RULES:
        target = targets.plan.targets.get(rule.metric)
        if target is None:
            continue
        words = target_words(METRIC_BY_NAME[rule.metric], target)
        levels = tuple(targets.plan.rules.get(rule.metric, {}).get("levels", rule.levels))  # type: ignore[arg-type]
        rules.append(replace(rule, label=rule.label.format(target=words), short=rule.short.format(target=words),
                             levels=levels))
    return tuple(rules)


# What the missing data is, for the 无数据 reason.
NO_DATA_HINTS = {
    "sites_center": "尚未导入服务阵地", "sites_base": "尚未导入服务阵地",
    "rescue_teams_with_party": "尚未导入队伍", "volunteer_teams_20plus": "尚未导入队伍",
    "village_branch_rate": "尚未导入基层组织", "member_ratio": "缺少会员或常住人口数据",
    "brand_projects": "尚未导入一地一品项目",
}


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule for one area."""

    rule: str
    label: str
    status: str
    value: float | None
    target: float | None
    reason: str
    shortfall: int | None  # how many villages/members/teams/sites are still needed (None when passed or unknown)
    short: str  # the rule's column header (the compliance matrix)

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return asdict(self)



def shortfall(metric: str, row: dict[str, object], target: float) -> int:
    """How many more are needed to reach the target (villages to organise, members to recruit, …)."""
    if metric == "village_branch_rate":
        return max(0, math.ceil(target * float(row["villages_total"]) - float(row["villages_with_branch"]) - 1e-9))
    if metric == "member_ratio":
        return max(0, math.ceil(target * float(row["population"]) - float(row["adult_members"]) - 1e-9))
    return max(0, math.ceil(target - float(row[metric])))


def _reason(rule: PlanRule, row: dict[str, object], value: float, target: float, short: int, source: str) -> str:
    """The sentence that explains a pass or a fail with numbers."""
    metric = METRIC_BY_NAME[rule.metric]
    shown, goal = format_value(metric, value), format_value(metric, target)
    if metric.unit == "rate":
        goal = fmt_target(target)  # targets with the rule's one decimal (the member ratio's values have two)
    if short == 0:
        return f"{metric.zh} {shown}，已达到目标 {goal}（{source}）"
    if rule.metric == "village_branch_rate":
        need = f"还需建会 {short:,} 个村（社区）"
    elif rule.metric == "member_ratio":
        need = f"还需发展成人会员 {short:,} 人"
    else:
        need = f"还需 {short:,} {rule.unit_word}"
    return f"{metric.zh} {shown}，目标 {goal}（{source}），{need}"


def evaluate(row: dict[str, object], targets: TargetBook, year: int) -> list[RuleResult]:
    """Every rule of the plan that applies to this area's level."""
    results = []
    for rule in plan_rules(targets):
        if row["level"] not in rule.levels:
            continue
        target = targets.value(rule.metric, str(row["code"]), year)
        value = row.get(rule.metric)
        source = targets.source(rule.metric, str(row["code"]), year)
        if is_missing(value) or target is None:
            results.append(RuleResult(rule.key, rule.label, NO_DATA, None, target,
                                      f"无数据：{NO_DATA_HINTS.get(rule.metric, '缺少数据')}", None, rule.short))
            continue
        short = shortfall(rule.metric, row, target)
        status = PASS if short == 0 and float(value) >= target - 1e-12 else FAIL
        results.append(RuleResult(rule.key, rule.label, status, float(value), target,
                                  _reason(rule, row, float(value), target, short, source), short or None, rule.short))
    return results


def villages_needed(total: float | None, with_branch: float | None, target: float | None) -> int | None:
    """Villages that still need a branch for the township to reach the target rate (0 when reached)."""
    if is_missing(total) or is_missing(with_branch) or is_missing(target) or not total:
        return None
    # A tiny epsilon keeps 0.4 × 10 = 4.000000000000001 from asking for a fifth village.
    return max(0, math.ceil(float(target) * float(total) - 1e-9) - int(with_branch))  # type: ignore[arg-type]
