"""The overview's pure parts: the annual evaluation with missing data, and the targets the trend measures against."""

from __future__ import annotations

import pandas as pd
import pytest

from rcdash.metrics.targets import TargetBook
from rcdash.plans import seed_plan
from rcdash.topics import overview

WEIGHTS = {"village_branch_rate": 20, "weekly_voice_rate": 10}


def test_an_indicator_without_data_is_left_out_of_the_score_not_counted_as_zero() -> None:
    counties = pd.DataFrame([
        {"code": "330602", "name": "越城区", "level": "county", "village_branch_rate": 0.4, "weekly_voice_rate": None},
        {"code": "330603", "name": "柯桥区", "level": "county", "village_branch_rate": 0.2, "weekly_voice_rate": 1.0},
        {"code": "330604", "name": "上虞区", "level": "county", "village_branch_rate": None, "weekly_voice_rate": None},
    ])
    ranking = overview.evaluation_ranking(counties, TargetBook({}, seed_plan()), 2023, WEIGHTS).set_index("区县")
    assert ranking.loc["越城区", "得分"] == 100.0  # 0 for 周周有声音 would give 66.7
    assert pd.isna(ranking.loc["越城区", "周周有声音"]) and ranking.loc["越城区", overview.UNSCORED_COLUMN] == "周周有声音"
    assert ranking.loc["柯桥区", "得分"] == pytest.approx((20 * 0.5 + 10 * 1.0) / 30 * 100, abs=0.05)
    assert pd.isna(ranking.loc["上虞区", "得分"]) and pd.isna(ranking.loc["上虞区", "排名"])  # nothing to score
    assert list(ranking.index) == ["越城区", "柯桥区", "上虞区"]


def test_stage_targets_are_the_interim_years_and_the_caption_names_the_plan_end_target() -> None:
    book = TargetBook({("village_branch_rate", "*", 2020): 0.2, ("village_branch_rate", "*", 2021): 0.3,
                       ("village_branch_rate", "330624", 2021): 0.25, ("village_branch_rate", "*", 2022): 0.4}, seed_plan())
    assert book.stage_targets("village_branch_rate", "330624") == [(2020, 0.2), (2021, 0.25)]
    marks = overview.stage_marks(book, "village_branch_rate", "3306")
    assert list(marks["label"]) == ["2020 年阶段目标 20.0%", "2021 年阶段目标 30.0%"]
    assert [d.isoformat() for d in marks["as_of"]] == ["2020-12-31", "2021-12-31"]
    assert overview.plan_end_target(book, "village_branch_rate", "3306") == 0.4
    caption = overview.target_caption(book, "3306")
    assert "按计划末（2022-12-31）目标：村（社区）建会率 40.0%" in caption and "2021 年末 30.0%" in caption


def test_an_indicator_the_county_has_not_reported_reads_unreported_and_is_not_scored() -> None:
    counties = pd.DataFrame([
        {"code": "330602", "name": "越城区", "level": "county", "village_branch_rate": 0.4, "weekly_voice_rate": 0.2},
        {"code": "330603", "name": "柯桥区", "level": "county", "village_branch_rate": 0.4, "weekly_voice_rate": 0.2},
    ])
    ranking = overview.evaluation_ranking(counties, TargetBook({}, seed_plan()), 2022, WEIGHTS,
                                          unreported={"330602": ["activities"]}).set_index("区县")
    # 越城区 has not sent its activities: 周周有声音 is not scored from older rows, the rest is.
    assert ranking.loc["越城区", "周周有声音"] == "未报送" and ranking.loc["越城区", "得分"] == 100.0
    assert ranking.loc["越城区", overview.UNSCORED_COLUMN] == "周周有声音（未报送）"
    assert ranking.loc["柯桥区", "得分"] == pytest.approx((20 * 1.0 + 10 * 0.2) / 30 * 100, abs=0.05)


def test_no_projection_starts_from_the_old_figure_of_a_county_that_has_not_reported() -> None:
    outlook = {"member_ratio": {"projected_at_plan_end": 0.05}}
    report = {"as_of": "2021-06-30", "plan": {"end": "2022-12-31"}, "areas": [
        {"code": "330602", "name": "越城区", "member_ratio": 0.03, "outlook": outlook},
        {"code": "330624", "name": "新昌县", "member_ratio": 0.02, "outlook": outlook},
    ]}
    assert set(overview.projection_frame(report, "member_ratio")["name"]) == {"越城区", "新昌县"}
    drawn = overview.projection_frame(report, "member_ratio", {"330624": ["members"]})
    assert set(drawn["name"]) == {"越城区"}
    assert set(overview.projection_frame(report, "member_ratio", {"330624": ["activities"]})["name"]) == {"越城区", "新昌县"}
