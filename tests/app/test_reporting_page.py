"""AppTest of the 报送情况 page: the demo, an empty database, a period given by the URL, a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.config import REPO_ROOT
from tests.app.pages import PAGE_TIMEOUT_S, run_page, texts
from tests.unit.reports.test_wording import developer_wording


def _with_period(monkeypatch: pytest.MonkeyPatch, db: Path, period: str) -> AppTest:
    """The page opened as ?period=… (a link, or the words of `rcdash reporting --period`)."""
    monkeypatch.setenv("RCDASH_DB", str(db))
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "reporting.py"), default_timeout=PAGE_TIMEOUT_S)
    at.query_params["period"] = period
    at.run()
    assert not at.exception, at.exception
    return at


def test_demo_half_year_grid_rates_and_rules(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "reporting", demo_db)
    assert at.selectbox(key="reporting_period_half_year").value.label == "2025H2"  # the latest due with data
    grid = at.dataframe[0].value
    registers = [f"{k}（截止 01-10）" for k in ("会员", "基层组织", "队伍", "服务阵地")]
    assert list(grid.columns) == ["区县", "活动（6 个月）", *registers]
    assert len(grid) == 6
    # The demo's last half-year came in as county submissions (rcdash/demo/submissions.py): most on time, some late,
    # and one county never sent one month of activities.
    rows = grid.set_index("区县")
    assert rows.loc["柯桥区"].str.startswith("✓ 按时").all()
    assert rows.loc["新昌县", "活动（6 个月）"] == "✗ 未报送：缺 10 月"
    assert rows.loc["越城区", "队伍（截止 01-10）"].startswith("⚠ 逾期")
    rates = at.dataframe[1].value
    city = rates.iloc[-1]
    assert city["区县"] == "全市" and (city["应报期数"], city["按时"], city["逾期"], city["未报送"]) == (60, 49, 10, 1)
    overdue = at.dataframe[2].value
    assert overdue[["区县", "数据类型", "报送期"]].values.tolist() == [["新昌县", "活动", "2025-10"]]
    assert [m.label for m in at.metric] == ["全市及时率", "全市完整率", "待催报"]
    shown = texts(at)
    assert "次月 5 日前" in shown and "示例数据" in at.warning[0].value
    assert developer_wording(shown) == [], developer_wording(shown)
    at.radio(key="reporting_unit").set_value("month").run()
    assert at.selectbox(key="reporting_period_month").value.label == "2025-12"
    assert "2025 年 12 月各区县报送状态" in texts(at)


def test_empty_database_explains_and_lists_everything_to_chase(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run_page(monkeypatch, "reporting", db_file)
    assert any("还没有导入任何数据" in i.value for i in at.info)
    overdue = at.dataframe[2].value
    assert len(overdue) == 6 * (6 + 4) and set(overdue["数据类型"]) == {"活动", "会员", "基层组织", "队伍", "服务阵地"}
    assert at.expander[0].label == "规则说明"


def test_period_from_the_url_and_a_bad_one(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = _with_period(monkeypatch, demo_db, "2021-11")
    assert at.radio(key="reporting_unit").value == "month"
    assert at.selectbox(key="reporting_period_month").value.label == "2021-11"
    assert list(at.dataframe[0].value.columns) == ["区县", "活动（截止 12-05）"]  # November owes no half-yearly register
    bad = _with_period(monkeypatch, demo_db, "2022-13")
    assert "无法识别的报送期“2022-13”" in bad.error[0].value and "2022H2" in bad.error[0].value
    assert bad.selectbox(key="reporting_period_half_year").value.label == "2025H2"  # the default instead
