"""AppTests of 会员与人口, 队伍与志愿者, 三救三献, 基层组织与博爱基金: default filters, a county, an empty database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.pages import run_page, texts

PAGES = ("members", "teams", "rescue", "organisation")


@pytest.mark.parametrize("name", PAGES)
def test_default_filters(monkeypatch: pytest.MonkeyPatch, demo_db: Path, name: str) -> None:
    at = run_page(monkeypatch, name, demo_db)
    assert "示例数据" in at.warning[0].value
    assert at.dataframe, "every page shows at least one table"
    assert len(at.get("download_button")) >= 2 * len(at.dataframe)  # every table downloadable


@pytest.mark.parametrize("name", PAGES)
def test_county_filter(monkeypatch: pytest.MonkeyPatch, demo_db: Path, name: str) -> None:
    at = run_page(monkeypatch, name, demo_db, county="330624")
    assert "新昌县" in texts(at)


@pytest.mark.parametrize("name", PAGES)
def test_empty_database(monkeypatch: pytest.MonkeyPatch, db_file: Path, name: str) -> None:
    at = run_page(monkeypatch, name, db_file)
    assert "还没有" in at.info[0].value and "“数据管理”页导入" in at.info[0].value and "python" not in at.info[0].value
    assert not at.dataframe


def test_members_figures_match_metrics(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    from datetime import date

    from rcdash.db import connect
    from rcdash.metrics.engine import at as metrics_at

    page = run_page(monkeypatch, "members", demo_db)
    table = page.dataframe[0].value.set_index("区域")
    con = connect(demo_db, read_only=True)
    try:
        xinchang = metrics_at(con, date(2022, 12, 31), "county").set_index("name").loc["新昌县"]
    finally:
        con.close()
    assert table.loc["新昌县", "成人会员"] == f"{int(xinchang['adult_members']):,}"
    assert table.loc["新昌县", "状态"] == "未达标"  # the demo's story: 新昌 ends below 2 %


def test_teams_rule_column(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    page = run_page(monkeypatch, "teams", demo_db)
    rule = page.dataframe[0].value.set_index("区县").iloc[:, -1]
    assert rule.str.startswith("未达标").any() and rule.str.startswith("达标").any()


def test_funds_overdue_flagged(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    page = run_page(monkeypatch, "organisation", demo_db)
    funds = page.dataframe[-1].value
    assert len(funds) and (funds["公开情况"] != "已公开").all()  # the toggle starts on "only overdue"
