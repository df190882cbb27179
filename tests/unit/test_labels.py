"""Issue 16 points 9–10: one number rule in tables, downloads and documents; labels that do not collide."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from rcdash import labels
from rcdash.charts.style import FAIL_COLOUR, NO_DATA_COLOUR, PASS_COLOUR
from rcdash.charts.topics import ratio_bars
from rcdash.config import evaluation_weights
from rcdash.metrics.definitions import METRIC_BY_NAME, format_value
from rcdash.plans import seed_plan
from rcdash.reports import content, fonts
from rcdash.reports.tables import csv_bytes, xlsx_bytes
from rcdash.reports.xlsx_writer import briefing_xlsx
from rcdash.store.connections import connect
from rcdash.topics import members, organisation, overview, teams

needs_font = pytest.mark.skipif(fonts.find_cjk_font() is None, reason="no CJK font: apt-get install fonts-noto-cjk")


# ---- the rule -----------------------------------------------------------------------------------------------------

def test_rates_one_decimal_member_ratio_two() -> None:
    assert format_value(METRIC_BY_NAME["village_branch_rate"], 0.48849) == "48.8%"  # not "49"
    assert format_value(METRIC_BY_NAME["member_ratio"], 0.0195) == "1.95%"  # one decimal would read "2.0%" (target 2 %)
    assert format_value(METRIC_BY_NAME["population"], 108234) == "108,234"
    assert labels.fmt_money(61124.85) == "61,124.85 元" and labels.fmt_money(2025080) == "202.51 万元"
    assert labels.fmt_plain(30745) == "30,745" and labels.fmt_plain("3 / 6") == "3 / 6"


def test_column_kinds_give_grid_and_excel_formats() -> None:
    frame = pd.DataFrame({"区县": ["甲"], "常住人口": [108234.0], "累计筹款（元）": [61124.85], "成人会员占比": [0.0195],
                          "队伍党组织覆盖率": [0.5], "得分": [87.5], "排名": [1], "编号": [1024]})
    kinds = labels.column_kinds(frame)
    assert "区县" not in kinds and "编号" not in kinds  # an import's number is a name: 1024, not 1,024
    assert {name: labels.grid_format(*kind) for name, kind in kinds.items()} == {
        "常住人口": ("%,d", 1.0), "累计筹款（元）": ("%,.2f", 1.0), "成人会员占比": ("%.2f%%", 100.0),
        "队伍党组织覆盖率": ("%.1f%%", 100.0), "得分": ("%,.1f", 1.0), "排名": ("%,d", 1.0)}
    assert {name: labels.excel_format(*kind) for name, kind in kinds.items()} == {
        "常住人口": "#,##0", "累计筹款（元）": "#,##0.00", "成人会员占比": "0.00%", "队伍党组织覆盖率": "0.0%",
        "得分": "#,##0.0", "排名": "#,##0"}


def test_xlsx_download_keeps_numbers_with_number_formats() -> None:
    frame = pd.DataFrame({"区县": ["=甲"], "常住人口": [108234.0], "累计筹款（元）": [61124.85], "成人会员占比": [0.0195]})
    sheet = load_workbook(io.BytesIO(xlsx_bytes(frame, "表"))).active
    cells = {sheet.cell(row=1, column=c).value: sheet.cell(row=2, column=c) for c in range(1, 5)}
    assert cells["区县"].value == "=甲" and cells["区县"].data_type == "s"  # text stays text
    assert (cells["常住人口"].value, cells["常住人口"].number_format) == (108234, "#,##0")
    assert (cells["累计筹款（元）"].value, cells["累计筹款（元）"].number_format) == (61124.85, "#,##0.00")
    assert (cells["成人会员占比"].value, cells["成人会员占比"].number_format) == (0.0195, "0.00%")
    assert "61124.85" in csv_bytes(frame).decode("utf-8-sig")  # CSV: plain full values, computable


# ---- topic tables keep numbers, money keeps its cents -------------------------------------------------------------

def test_member_table_keeps_numbers() -> None:
    from rcdash.metrics.targets import TargetBook

    frame = pd.DataFrame([{"name": "嵊州市", "code": "330683", "level": "county", "population": 679283,
                           "adult_members": 13246, "youth_members": None}])
    shown = members.display_table(members.member_table(frame, TargetBook({}, seed_plan()), 2022))
    row = shown.iloc[0]
    assert row["常住人口"] == 679283 and row["成人会员"] == 13246 and pd.isna(row["青少年会员"])
    assert row["成人会员占比"] == pytest.approx(13246 / 679283)


def test_fund_totals_keep_cents() -> None:
    funds = pd.DataFrame({"区县": ["越城区", "越城区"], "累计筹款（元）": [61124.85, 59445.6],
                          "累计支出（元）": [100.5, 0.25], "公开情况": ["已公开", "已公开"]})
    totals = organisation.fund_totals(funds).iloc[0]
    assert totals["累计筹款（元）"] == pytest.approx(120570.45) and totals["累计支出（元）"] == pytest.approx(100.75)


def test_team_party_coverage_is_a_rate() -> None:
    metrics = pd.DataFrame([{"name": "越城区", "level": "county", "rescue_teams": 1, "rescue_teams_with_party": 1,
                             "volunteer_teams": 3, "volunteer_teams_20plus": 3}])
    team_rows = pd.DataFrame({"区县": ["越城区"] * 3, "注册志愿者": [20, 30, 40], "建立党组织": ["是", "否", "否"]})
    from rcdash.metrics.targets import TargetBook
    from rcdash.plans import seed_plan

    row = teams.county_team_table(metrics, team_rows, TargetBook({}, seed_plan()), 2022).iloc[0]
    assert row["队伍党组织覆盖率"] == pytest.approx(1 / 3)  # shown 33.3% by the rule, not "33%"


# ---- progress bars by status --------------------------------------------------------------------------------------

def test_progress_bar_colour_by_status() -> None:
    from rcdash.charts.style import STATUS_COLOURS

    assert STATUS_COLOURS[overview.progress_status(1.06)] == PASS_COLOUR  # 106 %: green, not red
    assert STATUS_COLOURS[overview.progress_status(1.0)] == PASS_COLOUR
    assert STATUS_COLOURS[overview.progress_status(0.833)] == FAIL_COLOUR
    assert STATUS_COLOURS[overview.progress_status(None)] == NO_DATA_COLOUR


# ---- the member chart's target label ------------------------------------------------------------------------------

def test_member_chart_target_named_in_the_legend() -> None:
    table = pd.DataFrame({"区域": ["越城区", "嵊州市", "某县"], "成人会员占比": [0.0245, 0.0195, None]})
    fig = ratio_bars(table, 0.02, "成人会员占常住人口比例")
    assert not [a for a in fig.layout.annotations if "目标" in (a.text or "")]  # nothing written over the bars
    legend = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in legend] == ["目标 2.0%"]
    bars = fig.data[0]
    assert list(bars.text) == ["2.45%", "1.95%", "无数据"]
    assert list(bars.textposition) == ["inside", "inside", "outside"]  # labels inside the bars: the line cannot cross
    assert fig.layout.shapes[0].layer == "below"


# ---- documents ----------------------------------------------------------------------------------------------------

def test_document_numbers() -> None:
    assert content.Num(1.06, "share").text == "106.0%"  # not "106%"
    assert content.Num(0.0195, "rate", labels.MEMBER_RATIO_DIGITS).text == "1.95%"
    assert content.Num(0.48849, "rate").text == "48.8%"
    assert content.Num(1038480, "people").text == "1,038,480"


def test_monthly_brief_word_table_separators() -> None:
    from rcdash.reports.monthly_brief import _table

    document = Document()
    _table(document, pd.DataFrame({"指标": ["参与人次", "开展月度主题的区县"], "本月": [30745, "3 / 6"]}))
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[1] == ["参与人次", "30,745"] and cells[2] == ["开展月度主题的区县", "3 / 6"]


@pytest.fixture(scope="session")
def briefing(demo_db: Path) -> content.Briefing:
    con = connect(demo_db, read_only=True)
    try:  # as the 报告 page makes it: the plan's weights, overridden by the settings file
        return content.build_briefing(con, "2022")
    finally:
        con.close()


def test_ranking_columns_in_the_overview_order(briefing: content.Briefing, demo_db: Path) -> None:
    from rcdash.metrics.engine import at
    from rcdash.metrics.targets import TargetBook

    con = connect(demo_db, read_only=True)
    try:
        targets, now = TargetBook.load(con, seed_plan()), at(con, date(2022, 12, 31), "county")
    finally:
        con.close()
    weights = evaluation_weights(seed_plan().weights)
    page = overview.evaluation_ranking(now, targets, 2022, weights).drop(columns=["代码", overview.UNSCORED_COLUMN])
    page_order = [next((m for m in weights if METRIC_BY_NAME[m].zh == c), c) for c in page.columns]
    table = next(b for b in briefing.blocks() if isinstance(b, content.Table) and b.key == "年度评价")
    short_to_metric = {content.SHORT[m]: m for m in weights}
    document_order = [short_to_metric.get(c, c) for c in table.columns]
    assert document_order == page_order  # 建会率 first, as on 总览 (not 一地一品 first)
    sheet = load_workbook(io.BytesIO(briefing_xlsx(briefing)))["年度评价"]
    xlsx_columns = [c.value for c in sheet[3] if c.value]
    assert [short_to_metric.get(c, c) for c in xlsx_columns] == page_order


@needs_font
def test_pdf_table_note_stays_with_its_table(tmp_path: Path) -> None:
    from rcdash.reports import pdf_writer

    rows = tuple((f"区县{i}", content.Num(1000 * i, "count")) for i in range(12))
    table = content.Table("表", "测试表", ("区县", "数"), rows, note="表注：这一句必须与表格在同一页。")
    font = fonts.find_cjk_font()
    assert font is not None
    subset = tmp_path / "f.ttf"
    subset.write_bytes(fonts.truetype_subset(font.regular, "".join(set(
        "区县数测试表注：这一句必须与表格在同一页。0123456789,第页共/ ·"))))

    def pages(start_from_bottom_mm: float) -> list[str]:
        pdf = pdf_writer._BriefingPDF(orientation="P", unit="mm", format="A4")
        pdf.set_margins(pdf_writer.MARGIN_MM, 18, pdf_writer.MARGIN_MM)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(pdf_writer.FAMILY, "", str(subset))
        pdf.add_font(pdf_writer.FAMILY, "B", str(subset))
        pdf.add_page()
        pdf.set_y(pdf.page_break_trigger - start_from_bottom_mm)
        pdf_writer._table(pdf, table)
        return [page.extract_text() for page in PdfReader(io.BytesIO(bytes(pdf.output()))).pages]

    for room in range(40, 140, 4):  # wherever the table starts, its last row and its note share a page
        texts = pages(room)
        note_page = next(i for i, t in enumerate(texts) if "表注" in t)
        assert "区县11" in texts[note_page], room


def test_document_rate_chart_labels_member_ratio_two_decimals(monkeypatch: pytest.MonkeyPatch) -> None:
    from rcdash.metrics.targets import TargetBook
    from rcdash.reports import charts

    written: list[str] = []  # the labels the chart writes beside its bars
    monkeypatch.setattr("matplotlib.axes.Axes.text", lambda self, x, y, s, **kw: written.append(s))
    areas = [{"name": "嵊州市", "code": "330683", "village_branch_rate": 0.41118, "member_ratio": 0.0195,
              "rules": []}]
    charts.area_rates_figure({"areas": areas}, TargetBook({}, seed_plan()), 2022)
    assert " 41.1%" in written and " 1.95%" in written  # not " 2.0%" beside the 2 % target
