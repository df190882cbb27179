"""Plans as data: the seed plan file reproduces the targets the code held, bad plans are refused whole by key."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from rcdash import plans
from rcdash.metrics.definitions import METRIC_BY_NAME
from rcdash.metrics.rules import plan_rules
from rcdash.metrics.targets import TargetBook

# What rcdash/metrics/targets.py, rules.py and config.py encoded before the plan became data.
OLD_PLAN_END_TARGETS = {
    "village_branch_rate": 0.40, "member_ratio": 0.02, "sites_center": 1, "sites_base": 1, "rescue_teams_with_party": 1,
    "volunteer_teams_20plus": 3, "brand_projects": 1, "weekly_voice_rate": 1.0, "monthly_theme_rate": 1.0,
}
OLD_RULE_LABELS = {
    "center_built": ("区域性服务中心建成", ("city",), "服务中心"),
    "base_built": ("县级服务基地建成", ("county",), "服务基地"),
    "rescue_team_party": ("应急救援队建立党组织", ("county",), "救援队党组织"),
    "volunteer_teams": ("特色志愿队 ≥ 3 支（每支 ≥ 20 人）", ("county",), "志愿队 ≥ 3 支"),
    "village_branch_rate": ("村（社区）建会率 ≥ 40%", ("city", "county"), "建会率达标"),
    "member_ratio": ("成人会员 ≥ 常住人口 2%", ("city", "county"), "会员占比达标"),
    "brand_project": ("一地一品项目", ("county",), "一地一品"),
}
OLD_DEFINITIONS = {  # the definitions that named the seed plan's targets in rcdash/metrics/definitions.py
    "village_branch_rate": "已建会村（社区）数 ÷ 村（社区）总数；计划目标 ≥ 40%。",
    "member_ratio": "成人会员数 ÷ 常住人口；计划目标 ≥ 2%。",
    "sites_center": "统计日在用的区域性红十字服务中心数（全市目标 1 个）。",
    "sites_base": "统计日在用的县级红十字服务基地数（每个区、县（市）1 个）。",
    "rescue_teams": "统计日在册的红十字应急救援队数（每个区、县（市）1 支）。",
    "volunteer_teams_20plus": "注册志愿者 ≥ 20 名的志愿服务队数（每个区、县（市）≥ 3 支）。",
    "brand_projects": "截至统计日已启动的“一地一品”品牌项目数（每个区、县（市）≥ 1 个）。",
}
OLD_WEIGHTS = {"village_branch_rate": 20, "member_ratio": 20, "sites_base": 10, "rescue_teams_with_party": 10,
               "volunteer_teams_20plus": 10, "brand_projects": 10, "weekly_voice_rate": 10, "monthly_theme_rate": 10}

MINIMAL = """id = "shaoxing-2023-2025"
name = "示例：2023—2025 年延续计划"
start = 2023-01-01
end = 2025-12-31
[targets]
village_branch_rate = 0.5
member_ratio = 0.025
brand_projects = 2
"""


def test_the_seed_plan_reproduces_the_targets_rules_and_weights_the_code_had() -> None:
    seed = plans.seed_plan()
    assert (seed.id, seed.start, seed.end, seed.region) == ("shaoxing-2020-2022", date(2020, 1, 1), date(2022, 12, 31), "3306")
    assert seed.name == "新时代红十字基层组织建设三年行动计划（2020—2022）"
    assert dict(seed.targets) == OLD_PLAN_END_TARGETS and dict(seed.interim) == {}
    assert dict(seed.weights) == OLD_WEIGHTS
    rules = plan_rules(TargetBook({}, seed))
    assert {r.key: (r.label, r.levels, r.short) for r in rules} == OLD_RULE_LABELS
    assert [r.key for r in rules] == list(OLD_RULE_LABELS)  # the compliance matrix keeps its column order
    book = TargetBook({}, seed)
    assert book.source("member_ratio", "330602", 2022) == "2022 年末计划目标"


def test_definitions_name_the_plans_targets() -> None:
    seed, plan = plans.seed_plan(), plans.parse(MINIMAL)
    for name, text in OLD_DEFINITIONS.items():
        assert METRIC_BY_NAME[name].described(seed.targets) == text
    assert METRIC_BY_NAME["member_ratio"].described(plan.targets) == "成人会员数 ÷ 常住人口；计划目标 ≥ 2.5%。"
    assert METRIC_BY_NAME["brand_projects"].described(plan.targets).endswith("（每个区、县（市）≥ 2 个）。")
    assert METRIC_BY_NAME["sites_base"].described(plan.targets) == "统计日在用的县级红十字服务基地数。"  # no target


def test_a_minimal_plan_has_only_its_rules_and_its_own_end() -> None:
    plan = plans.parse(MINIMAL)
    book = TargetBook({}, plan)
    rules = plan_rules(book)
    assert [r.label for r in rules] == ["村（社区）建会率 ≥ 50%", "成人会员 ≥ 常住人口 2.5%", "一地一品项目"]
    assert book.end_value("member_ratio", "3306") == 0.025 and book.value("sites_base", "330602", 2024) is None
    assert book.source("member_ratio", "3306", 2024) == "2025 年末计划目标"
    assert set(plan.weights) == {"village_branch_rate", "member_ratio", "brand_projects"}


def test_interim_targets_and_imported_targets_belong_to_the_plan_whose_period_holds_their_year(
        con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO targets (metric, area, year, value) VALUES ('village_branch_rate', '*', 2021, 0.3), "
                "('village_branch_rate', '*', 2024, 0.45)")
    plan = plans.parse(MINIMAL + "[targets.2024]\nmember_ratio = 0.022\n")
    book = TargetBook.load(con, plan)
    assert book.value("member_ratio", "330602", 2024) == 0.022
    assert book.value("village_branch_rate", "330602", 2024) == 0.45
    assert book.stage_targets("village_branch_rate", "3306") == [(2024, 0.45)]  # 2021 lies in the seed plan
    seed_book = TargetBook.load(con, plans.seed_plan())
    assert seed_book.stage_targets("village_branch_rate", "3306") == [(2021, 0.3)]


def test_an_imported_target_for_the_plans_last_year_is_named_the_plan_target(con: duckdb.DuckDBPyConnection) -> None:
    """The demo imports 2025 targets under a plan ending 2025: pages called them "2025 年阶段目标"."""
    con.execute("INSERT INTO targets (metric, area, year, value) VALUES ('member_ratio', '*', 2024, 0.022), "
                "('member_ratio', '330602', 2025, 0.03)")
    book = TargetBook.load(con, plans.parse(MINIMAL))
    assert book.source("member_ratio", "330602", 2024) == "2024 年阶段目标"
    assert book.source("member_ratio", "330602", 2025) == "2025 年末计划目标"
    assert book.end_value("member_ratio", "330602") == 0.03 and book.end_value("member_ratio", "330603") == 0.025


@pytest.mark.parametrize(("text", "key"), [
    (MINIMAL.replace("brand_projects = 2", "members_ratio = 2"), "targets.members_ratio"),
    (MINIMAL.replace("brand_projects = 2", "brand_projects = -1"), "targets.brand_projects"),
    (MINIMAL.replace("brand_projects = 2", 'brand_projects = "两个"'), "targets.brand_projects"),
    (MINIMAL.replace("member_ratio = 0.025", "member_ratio = 2.5"), "targets.member_ratio"),
    (MINIMAL.replace("end = 2025-12-31", "end = 2022-12-31"), "end"),
    (MINIMAL + "[targets.2026]\nmember_ratio = 0.03\n", "targets.2026"),
    (MINIMAL.replace('id = "shaoxing-2023-2025"', 'id = "Shaoxing 2023"'), "id"),
    (MINIMAL.replace('id = "shaoxing-2023-2025"\n', ""), "id"),
    (MINIMAL + "[evaluation.weights]\nmember_ratio = -5\n", "evaluation.weights.member_ratio"),
    (MINIMAL + "[rules.member_ratio]\nlevels = [\"province\"]\n", "rules.member_ratio.levels"),
    (MINIMAL + "[rules.funds]\nlevels = [\"county\"]\n", "rules.funds"),
    (MINIMAL + "[evaluation]\nweights = \"equal\"\n", "evaluation.weights"),
    (MINIMAL.replace("start = 2023-01-01", 'start = "2023-01-01"'), "start"),
])
def test_a_bad_plan_is_refused_with_a_message_naming_the_key(text: str, key: str) -> None:
    with pytest.raises(plans.PlanRefused) as refused:
        plans.parse(text)
    assert any(f"“{key}”" in p for p in refused.value.problems), refused.value.problems


def test_a_rule_override_changes_where_the_rule_applies() -> None:
    plan = plans.parse(MINIMAL + "[rules.member_ratio]\nlevels = [\"city\"]\n")
    rules = {r.key: r.levels for r in plan_rules(TargetBook({}, plan))}
    assert rules == {"village_branch_rate": ("city", "county"), "member_ratio": ("city",), "brand_project": ("county",)}


def test_not_toml_is_unreadable() -> None:
    with pytest.raises(plans.PlanUnreadable):
        plans.parse("id = shaoxing\n[targets\n")


def test_default_plan_is_the_plan_of_the_date_else_the_latest(con: duckdb.DuckDBPyConnection) -> None:
    seed = plans.seed_plan()
    assert plans.default_plan(con, date(2023, 6, 30)) == seed  # only the seed plan: the latest
    assert plans.store(con, plans.parse(MINIMAL)) is True
    assert [p.id for p in plans.all_plans(con)] == ["shaoxing-2020-2022", "shaoxing-2023-2025"]
    assert plans.default_plan(con, date(2022, 12, 31)).id == "shaoxing-2020-2022"
    assert plans.default_plan(con, date(2023, 1, 1)).id == "shaoxing-2023-2025"
    assert plans.default_plan(con, date(2019, 6, 30)).id == "shaoxing-2023-2025"  # none holds it: the latest
    assert plans.default_plan(con, date(2027, 1, 1)).id == "shaoxing-2023-2025"


def test_reimporting_the_same_plan_is_fine_and_another_plan_of_the_same_id_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    assert plans.store(con, plans.parse(MINIMAL)) is True
    assert plans.store(con, plans.parse("# the same plan, other layout\n" + MINIMAL)) is False
    with pytest.raises(plans.PlanRefused) as refused:
        plans.store(con, plans.parse(MINIMAL.replace("brand_projects = 2", "brand_projects = 3")))
    assert "“id”" in refused.value.problems[0]
    with pytest.raises(plans.PlanRefused):  # the seed plan's id is taken even when it is not stored
        plans.store(con, plans.parse(MINIMAL.replace("shaoxing-2023-2025", "shaoxing-2020-2022")))
    assert con.execute("SELECT count(*) FROM plans").fetchone() == (1,)
