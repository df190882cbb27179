"""AppTest of 总览: default filters, a county, a date inside the plan, and an empty database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.app.pages import run_page, texts
from tests.unit.reports.test_wording import developer_wording


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


def _chart_specs(at) -> list[dict]:
    """The plotly figures of a run, as their JSON specs."""
    import json

    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_date_after_the_data_reads_no_data(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    # The demo's data ends on 2025-12-31: 2026H1 holds no countable week or month.
    at = run_page(monkeypatch, "overview", demo_db, as_of=date(2026, 6, 30))
    cards = {m.label: m for m in at.metric}
    for label in ("周周有声音", "月月有主题"):
        assert cards[label].value == "无数据", label
    assert "0.0%" not in [m.value for m in at.metric]
    assert "数据截至 2025-12-31" in texts(at)
    ranking = at.dataframe[-1].value
    # 2026H1's activities were due long before today and never came: 未报送 (DESIGN §9), not scored, never 0.
    assert ranking["未计入得分（无数据）"].str.contains("周周有声音（未报送）").all()
    assert (ranking["周周有声音"] == "未报送").all()
    assert ranking["得分"].max() == 100  # the counties that met every target with data are not pulled down to 80
    # No county has sent its 2026H1 members: the member-ratio lines of the counties stop at 2025's last report, no
    # projection starts from their old figure; the city's sum goes on to the chosen date.
    members = next(s for s in _chart_specs(at) if "成人会员占" in str(s["layout"].get("title")))
    lines = {t["name"]: max(t["x"]) for t in members["data"] if t.get("x") and "lines" in t.get("mode", "lines")}
    assert lines.pop("绍兴市") >= "2026-06-30" and lines and all(x < "2026-01-01" for x in lines.values()), lines
    assert "其走势线停在最近一次报送的数据" in texts(at)


def test_trend_draws_the_plan_end_target_and_marks_stage_targets(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    # 2021H1, 新昌县: the demo imports stage targets 20 % (2020) and 30 % (2021); the plan's end is 40 %.
    at = run_page(monkeypatch, "overview", demo_db, county="330624", as_of=date(2021, 6, 30))
    branch = next(s for s in _chart_specs(at) if s["layout"].get("title", {}).get("text") == "村（社区）建会率")
    assert [a["text"] for a in branch["layout"]["annotations"]] == ["计划末目标 40.0%"]
    stages = next(t for t in branch["data"] if t.get("name") == "阶段目标")
    assert stages["text"] == ["2020 年阶段目标 20.0%", "2021 年阶段目标 30.0%"]
    assert "按计划末（2022-12-31）目标：村（社区）建会率 40.0%" in texts(at)
    outlook = next(d.value for d in at.dataframe if "村（社区）建会率·每月还需提高" in d.value.columns)
    assert (outlook["村（社区）建会率·计划末目标"] == "40.0%").all()


def test_figures_are_built_once_and_shared_by_sessions(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    """Issue #22: a second visitor of the same view gets the figures built for the first (no Plotly building)."""
    import functools

    from rcdash.charts import overview as charts
    from rcdash.ui import cached

    built: list[str] = []
    real = charts.rate_trend

    @functools.wraps(real)  # the same name: the cache is keyed on it
    def counting(*args: object, **kwargs: object) -> object:
        built.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "rate_trend", counting)
    cached._figure.clear()
    first = _chart_specs(run_page(monkeypatch, "overview", demo_db))
    assert len(built) == 2  # the two rate trends
    second = _chart_specs(run_page(monkeypatch, "overview", demo_db))  # another session, same snapshot and filters
    assert len(built) == 2 and second == first
    run_page(monkeypatch, "overview", demo_db, county="330624")  # another view: its own figures
    assert len(built) == 4
