"""The one 未报送 rule where pages show county figures: 总览's compliance matrix and 月度主题's week grid."""

from __future__ import annotations

from datetime import date

import pandas as pd

from rcdash.charts.overview import compliance_heatmap
from rcdash.charts.week_grid import week_heatmap
from rcdash.metrics.period import parse_period
from rcdash.topics import overview

REPORT = {"areas": [
    {"level": "city", "name": "绍兴市", "code": "3306", "rules": []},
    *({"level": "county", "name": name, "code": code, "rules": [
        {"rule": "member_ratio", "short": "会员占比达标", "status": "pass", "reason": "成人会员占比 2.1%"},
        {"rule": "brand_project", "short": "一地一品", "status": "pass", "reason": "一地一品项目 1"},
    ]} for name, code in (("柯桥区", "330603"), ("新昌县", "330624"))),
]}


def test_compliance_matrix_says_unreported_instead_of_judging_old_rows() -> None:
    statuses, reasons = overview.compliance_matrix(REPORT, {"330624": ["members"]}, parse_period("2022H2"))
    assert statuses.loc["新昌县", "会员占比达标"] == "未报送" and statuses.loc["柯桥区", "会员占比达标"] == "达标"
    assert statuses.loc["新昌县", "一地一品"] == "达标"  # brands are not in the calendar: never owed
    assert reasons.loc["新昌县", "会员占比达标"].startswith("未报送：本区县尚未报送会员数据（2022H2）")
    assert list(statuses.index) == ["新昌县", "柯桥区"]  # a county with an unjudged rule comes first, as 无数据 does
    figure = compliance_heatmap(statuses, reasons)
    assert "未报送" in [t for row in figure.data[0].text for t in row]
    unchanged, _ = overview.compliance_matrix(REPORT)
    assert (unchanged == "达标").all().all()


def test_overview_rules_rest_on_the_calendar_kinds() -> None:
    assert set(overview.rule_kinds()) >= {"branches", "members", "sites", "teams"}


def test_week_grid_writes_unreported_rows() -> None:
    weeks = [date(2022, 12, 5), date(2022, 12, 12)]
    grid = pd.DataFrame({"name": ["绍兴市", "柯桥区", "新昌县"], "total": [True, False, False],
                         weeks[0]: [3, 3, 0], weeks[1]: [0, 0, 0]})
    figure = week_heatmap(grid, weeks, ["w1", "w2"], {"新昌县"})
    assert list(figure.data[0].text[2]) == ["未报送", "未报送"] and list(figure.data[0].text[1]) == ["3", "无活动"]
    assert grid[weeks[0]].tolist() == [3, 3, 0]  # the page's own grid is left as it was
