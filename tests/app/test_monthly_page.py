"""AppTest of the 月度主题 page: no database, an empty one, the demo with default filters, a county, another month."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.importing.load import import_file
from rcdash.store.connections import connect
from rcdash.topics import monthly
from tests.app.pages import run_page
from tests.conftest import write

END = date(2025, 12, 31)  # the demo's latest data date: the page's default




def expected(db: Path, month: date, county: str | None = None) -> monthly.MonthlyView:
    con = connect(db, read_only=True)
    try:
        return monthly.month_view(con, month, END, county)
    finally:
        con.close()


def table_with(at: AppTest, column: str) -> object:
    """The first data frame on the page that has a column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_no_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = run_page(monkeypatch, "monthly", tmp_path / "absent.duckdb")
    assert at.title[0].value == "月度主题" and "还没有数据库" in at.info[0].value


def test_empty_database_explains_what_to_import(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run_page(monkeypatch, "monthly", db_file)
    assert "还没有活动数据" in at.info[0].value and "“数据管理”页导入（数据类型：活动）" in at.info[0].value
    assert not at.get("plotly_chart") and not at.get("download_button")


def test_default_filters_show_the_latest_month(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "monthly", demo_db)
    view = expected(demo_db, date(2025, 12, 1))
    total = view.comparison[view.comparison["total"]].iloc[0]
    assert at.selectbox(key="monthly_month").value == date(2025, 12, 1)
    shown = metrics(at)
    assert shown["活动数"] == f"{int(total['activities_now']):,}"
    assert shown["有活动的周"] == f"{int(total['voiced_weeks_now'])} / {int(total['weeks_now'])}"
    assert shown["开展月度主题的区县"] == f"{int(view.themes['themed'].sum())} / 6"
    assert "示例数据" in at.warning[0].value
    assert [s.value for s in at.subheader] == ["周周有声音：每周活动数", "月月有主题：各区县月度主题活动",
                                               "与上月（2025 年 11 月）比较", "本月活动清单"]
    assert len(at.get("plotly_chart")) == 1
    labels = [b.label for b in at.get("download_button")]
    assert labels[:2] == ["下载简报（Word）", "下载简报（Excel）"] and len(labels) == 8
    themes = table_with(at, "月度主题")
    assert list(themes["区、县（市）"]) == ["越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"]
    assert any(f"共 {len(view.activities)} 项" in c.value for c in at.caption)


def test_county_filter_shows_its_townships(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "monthly", demo_db)
    at.selectbox(key="filter_county").set_value("330603").run()
    assert not at.exception, at.exception
    view = expected(demo_db, date(2025, 12, 1), "330603")
    grid = at.dataframe[0].value
    assert list(grid["乡镇（街道）"])[:3] == ["柯桥区", "柯桥街道", "柯岩街道"] and len(grid) == len(view.grid)
    assert metrics(at)["开展月度主题的区县"] == "1 / 1"
    assert metrics(at)["活动数"] == f"{len(view.activities):,}"
    assert set(at.dataframe[-1].value["区县"]) == {"柯桥区"}


def test_picking_another_month(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "monthly", demo_db)
    at.selectbox(key="monthly_month").set_value(date(2022, 11, 1)).run()
    assert not at.exception, at.exception
    view = expected(demo_db, date(2022, 11, 1))
    assert metrics(at)["活动数"] == f"{len(view.activities):,}"
    assert any("2022 年 10 月" in s.value for s in at.subheader)


def test_missed_themes_are_flagged_and_theme_text_is_not_markup(monkeypatch: pytest.MonkeyPatch, db_file: Path,
                                                                tmp_path: Path) -> None:
    text = ("date,division,title,category,is_monthly_theme,theme,participants\n"
            "2022-12-05,柯桥区,国际志愿者日,志愿服务,是,<script>alert(1)</script>**粗**,30\n"
            "2022-12-06,越城区,救护培训,应急救护,,,20\n")
    con = connect(db_file)
    assert import_file(con, "activities", write(tmp_path, "a.csv", text)).exit_code == 0
    con.close()
    at = run_page(monkeypatch, "monthly", db_file)
    warning = next(w.value for w in at.warning if "月度主题活动" in w.value)
    assert "越城区" in warning and "柯桥区" not in warning
    status = table_with(at, "月度主题").set_index("区、县（市）")["月度主题"]
    assert status["柯桥区"] == monthly.THEMED and status["越城区"] == monthly.NOT_YET  # December runs to 12-06
    assert all("<script>" not in m.value for m in at.markdown)
    assert not at.get("html")


def test_activity_filters_narrow_the_list(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "monthly", demo_db)
    before = len(at.dataframe[-1].value)
    at.toggle(key="monthly_themes_only").set_value(True).run()
    themed = at.dataframe[-1].value
    assert 0 < len(themed) < before and set(themed["月度主题活动"]) == {"是"}
    at.text_input(key="monthly_search").set_value("不可能出现的词").run()
    assert at.dataframe[-1].value.empty


def test_a_month_after_the_data_is_no_data_not_silent(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    # As of 2026-06-30, June 2026 can be picked; the demo's activities end on 2025-12-31.
    from tests.app.pages import run_page, texts

    at = run_page(monkeypatch, "monthly", demo_db, as_of=date(2026, 6, 30))
    at.selectbox(key="monthly_month").set_value(date(2026, 6, 1)).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "数据截至 2025-12-31" in shown and "无数据（数据截至 2025-12-31）" in shown
    themes = table_with(at, "月度主题")
    assert (themes["月度主题"] == "无数据（数据截至 2025-12-31）").all() and len(themes) == 6
    assert not any("未开展" in w.value for w in at.warning) and not at.metric  # no counts of 0
    comparison = table_with(at, "活动数增减")
    assert (comparison["活动数（2026 年 6 月）"] == "无数据").all()
    assert "没有活动记录" not in shown
