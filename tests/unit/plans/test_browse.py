"""Browsing under a chosen plan: the periods and dates offered, where a page opens, the outside-the-plan line."""

from __future__ import annotations

from datetime import date

import pandas as pd

from rcdash import plans
from rcdash.labels import fmt_target
from rcdash.metrics.period import parse_period
from rcdash.metrics.targets import TargetBook
from rcdash.plans import browse
from rcdash.topics import members, overview, teams

SEED = plans.seed_plan()
LATER = plans.parse("""
id = "later-2023-2025"
name = "延续计划"
start = 2023-01-01
end = 2025-12-31
[targets]
village_branch_rate = 0.5
volunteer_teams_20plus = 4
""")


def test_picker_lists_name_and_period() -> None:
    assert browse.plan_label(LATER) == "2023—2025 · 延续计划"
    assert browse.plan_title(SEED).startswith("《新时代红十字基层组织建设三年行动计划（2020—2022）》（2020-01-01 至")


def test_periods_are_the_plans_widened_to_the_data() -> None:
    # The later plan, data only up to 2022: its own half-years and the data's history, nothing before the data.
    labels = [p.label for p in browse.half_years(LATER, date(2020, 1, 1), date(2022, 12, 31))]
    assert labels[0] == "2025H2" and labels[-1] == "2020H1" and len(labels) == 12
    # The seed plan with data running on to 2025: the plan's start bounds nothing once data is older (2019).
    assert browse.browse_span(SEED, date(2019, 3, 1), date(2025, 12, 31)) == (date(2019, 3, 1), date(2025, 12, 31))
    assert browse.browse_span(LATER, None, date(2022, 12, 31)) == (date(2022, 12, 31), date(2025, 12, 31))


def test_a_page_opens_inside_the_chosen_plan() -> None:
    assert browse.opening_date(SEED, date(2025, 12, 31)) == date(2022, 12, 31)
    assert browse.opening_date(LATER, date(2022, 12, 31)) == date(2023, 1, 1)
    assert browse.opening_date(LATER, date(2024, 5, 6)) == date(2024, 5, 6)
    assert browse.default_period(LATER, date(2022, 12, 31)).label == "2023H1"


def test_half_year_as_of_after_the_data_is_its_last_day() -> None:
    assert browse.half_year_as_of(parse_period("2023H1"), date(2022, 12, 31)) == date(2023, 6, 30)
    assert browse.half_year_as_of(parse_period("2022H2"), date(2022, 10, 1)) == date(2022, 10, 1)
    assert browse.half_year_as_of(parse_period("2021H1"), date(2022, 10, 1)) == date(2021, 6, 30)


def test_trends_start_at_the_plans_start() -> None:
    assert browse.trend_start(LATER, date(2024, 3, 1)) == date(2023, 1, 1)
    assert browse.trend_start(LATER, date(2021, 8, 1)) == date(2021, 1, 1)  # history before the plan
    assert overview.half_year_points(date(2024, 3, 1), browse.trend_start(LATER, date(2024, 3, 1))) == [
        date(2023, 6, 30), date(2023, 12, 31), date(2024, 3, 1)]
    assert overview.month_points(date(2023, 3, 15), LATER.start) == [date(2023, 1, 31), date(2023, 2, 28),
                                                                     date(2023, 3, 15)]


def test_a_date_outside_the_plan_is_said_in_one_line() -> None:
    both = [SEED, LATER]
    assert browse.outside_note(both, LATER, date(2024, 1, 1)) is None
    outside_all = browse.outside_note(both, LATER, date(2026, 6, 30))
    assert outside_all is not None and "不在任何计划期内" in outside_all and "《延续计划》" in outside_all
    other = browse.outside_note(both, LATER, date(2021, 6, 30))
    assert other is not None and "不在所选计划《延续计划》" in other and "属于《新时代" in other
    assert "\n" not in outside_all + other


def test_rate_targets_keep_the_plans_digits() -> None:
    assert fmt_target(0.0225) == "2.25%" and fmt_target(0.4) == "40.0%" and fmt_target(0.02) == "2.0%"


COUNTY_ROW = {"code": "330602", "name": "越城区", "level": "county", "population": 100_000.0, "adult_members": 2100.0,
              "youth_members": 10.0, "rescue_teams": 1, "rescue_teams_with_party": 1, "volunteer_teams": 3,
              "volunteer_teams_20plus": 3}


def test_members_still_needed_follow_the_plan() -> None:
    frame = pd.DataFrame([COUNTY_ROW])
    seed = members.member_table(frame, TargetBook({}, SEED), 2022).iloc[0]
    assert seed["目标"] == 0.02 and seed["还需发展会员"] == 0 and seed["状态"] == "达标"
    demo = members.member_table(frame, TargetBook({}, plans.parse(SEED.toml.replace("member_ratio = 0.02 ",
                                                                                     "member_ratio = 0.025 ")
                                                                  .replace("shaoxing-2020-2022", "x"))), 2022).iloc[0]
    assert demo["目标"] == 0.025 and demo["还需发展会员"] == 400 and demo["状态"] == "未达标"
    # A plan without a member-ratio target: nothing is "still needed" and no 达标 is claimed (it was 2 % before).
    none = members.member_table(frame, TargetBook({}, LATER), 2024).iloc[0]
    assert none["目标"] is None and none["还需发展会员"] is None and none["状态"] == members.NO_TARGET
    assert "没有成人会员占比目标" in members.target_text(None, "")


def test_team_rule_follows_the_plan() -> None:
    frame = pd.DataFrame([COUNTY_ROW])
    team_rows = pd.DataFrame({"区县": ["越城区"], "注册志愿者": [20], "建立党组织": ["是"]})
    seed = teams.county_team_table(frame, team_rows, TargetBook({}, SEED), 2022)
    assert seed.iloc[0]["计划要求（1 支救援队建党组织 + 3 支 ≥ 20 人志愿队）"] == "达标"
    later = teams.county_team_table(frame, team_rows, TargetBook({}, LATER), 2024)
    assert later.iloc[0]["计划要求（— 支救援队建党组织 + 4 支 ≥ 20 人志愿队）"] == "未达标：20 人以上志愿队不足 4 支"
    assert "4 支以上" in teams.requirement_text(TargetBook({}, LATER), 2024)
