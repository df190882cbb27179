"""AppTest of 总览: default filters, a county, a date inside the plan, and an empty database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.app.pages import run_page, texts
from tests.unit.test_report_wording import developer_wording


def test_default_city_view(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "overview", demo_db)
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["村（社区）建会率", "成人会员占常住人口比例", "区域性服务中心"]
    assert at.metric[0].value.endswith("%") and "示例数据" in at.warning[0].value
    assert "年度工作评价" in texts(at) and "权重：" in texts(at)
    assert developer_wording(texts(at)) == [], developer_wording(texts(at))  # issue #16: no settings file named
    ranking = at.dataframe[-1].value
    assert ranking["排名"].iloc[0] == 1 and len(ranking) == 6


def test_county_view_has_no_city_card(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "overview", demo_db, county="330624")
    labels = [m.label for m in at.metric]
    assert "区域性服务中心" not in labels and labels[0] == "村（社区）建会率"
    assert "新昌县 · 计划目标" in texts(at)


def test_mid_plan_date_shows_needed_increase(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "overview", demo_db, as_of=date(2021, 12, 31))
    outlook = next(d.value for d in at.dataframe if "村（社区）建会率·每月还需提高" in d.value.columns)
    assert outlook["村（社区）建会率·每月还需提高"].str.endswith("个百分点").all()


def test_empty_database_explains(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run_page(monkeypatch, "overview", db_file)
    assert "还没有计划进展数据" in at.info[0].value and not at.metric
