"""AppTest of 报告: the default half-year, a year, a mid-plan date from the sidebar, and an empty database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.app.pages import run_page, texts
from tests.unit.reports.test_wording import developer_wording


def test_default_is_the_half_year_of_the_as_of_date(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "report", demo_db)  # the demo's latest data date: 2025-12-31
    assert at.radio(key="report_kind").value == "half_year"
    assert at.selectbox(key="report_period_half_year_2025H2").value == "2025H2"
    shown = texts(at)
    assert "绍兴市红十字会 2025 年下半年工作进度通报" in shown and "统计截至：2025-12-31" in shown
    assert "个建立红十字组织" in shown and "年度工作评价得分领先的是" in shown  # the generated summary
    assert not at.get("download_button")  # generated on request only
    assert "文档中的图表在生成文档后显示。" in shown and not at.get("image")  # charts are drawn with the documents

    at.button(key="report_generate").click().run()
    assert not at.exception, at.exception
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == ["下载 Word（.docx）", "下载 Excel（.xlsx）", "下载 PDF（.pdf）"] or (
        len(labels) == 2 and at.error and "fonts-noto-cjk" in at.error[0].value)
    assert not at.button  # the generate button is gone once the documents exist
    assert at.expander and at.expander[0].label.startswith("文档中的图表")
    assert len(at.get("image")) >= 3  # the documents' charts, shown once they exist

    at.selectbox(key="report_period_half_year_2025H2").set_value("2021H2").run()
    assert "2021 年下半年工作进度通报" in texts(at) and at.button(key="report_generate")  # new period, new documents


def test_page_speaks_of_the_dashboard_not_of_commands(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    """Issue #16 point 8: no command line, file or setting on the leadership's report page."""
    at = run_page(monkeypatch, "report", demo_db)
    shown = texts(at)
    assert "数据口径：与看板“总览”页一致，统计截至 2025-12-31" in shown
    assert developer_wording(shown) == [], developer_wording(shown)


def test_annual_evaluation(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "report", demo_db)
    at.radio(key="report_kind").set_value("year").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="report_period_year_2025").value == "2025"
    assert at.selectbox(key="report_period_year_2025").options == [f"{y} 年（全年）" for y in range(2025, 2019, -1)]
    shown = texts(at)
    assert "绍兴市红十字会 2025 年度工作评价" in shown and "对比基准：2024 年末（2024-12-31）" in shown
    assert "2025 年度工作评价得分领先的是" in shown


def test_sidebar_date_picks_the_mid_plan_half_year(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "report", demo_db, as_of=date(2021, 5, 20))
    assert at.selectbox(key="report_period_half_year_2021H1").value == "2021H1"
    assert "2021 年上半年工作进度通报" in texts(at) and "统计截至：2021-06-30" in texts(at)


def test_empty_database_explains(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run_page(monkeypatch, "report", db_file)
    assert "还没有计划进展数据" in at.info[0].value
    assert not at.button and not at.get("download_button")


def test_without_a_cjk_font_pdf_says_what_to_install(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    from rcdash.reports import charts, fonts

    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(charts, "find_cjk_font", lambda: None)
    at = run_page(monkeypatch, "report", demo_db)
    at.selectbox(key="report_period_half_year_2025H2").set_value("2020H2").run()  # a period no other test renders
    at.button(key="report_generate").click().run()
    assert not at.exception, at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["下载 Word（.docx）", "下载 Excel（.xlsx）"]
    assert "apt-get install fonts-noto-cjk" in at.error[0].value
