"""The monthly brief: XLSX and DOCX opened by their libraries, their figures checked against the metrics engine."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from rcdash.importing.load import import_file
from rcdash.metrics import engine
from rcdash.reports import docx_writer, monthly_brief
from rcdash.store.connections import connect
from rcdash.topics import monthly
from tests.conftest import write

H2_2022 = [date(2022, m, 1) for m in range(7, 13)]
END = date(2022, 12, 31)
WEEKS = re.compile(r"^(\d+) / (\d+)$")


@pytest.fixture(scope="session")
def demo(demo_db: Path) -> duckdb.DuckDBPyConnection:
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


def xlsx_figures(data: bytes) -> dict[str, tuple[int, int, bool | None]]:
    """Per area name in the workbook: (voiced weeks, weeks, theme held or None for non-county rows)."""
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == list(monthly_brief.SHEETS)
    grid = list(book["每周活动"].iter_rows(values_only=True))
    header = grid[0]
    col, weeks_col = 1, header.index("有活动周数")
    out: dict[str, tuple[int, int, bool | None]] = {}
    for r in grid[1:]:
        voiced, weeks = map(int, WEEKS.match(r[weeks_col]).groups())
        out[r[col]] = (voiced, weeks, None)
    themes = list(book["月度主题"].iter_rows(values_only=True))
    status = themes[0].index("月度主题")
    for r in themes[1:]:
        voiced, weeks, _ = out[r[1]]
        out[r[1]] = (voiced, weeks, r[status] == monthly.THEMED)
    return out


def docx_figures(data: bytes) -> dict[str, tuple[int, int, bool | None]]:
    """The same figures read from the Word document's tables (grid = table 2, themes = table 3)."""
    document = Document(io.BytesIO(data))
    grid, themes = document.tables[1], document.tables[2]
    header = [c.text for c in grid.rows[0].cells]
    weeks_col = header.index("有活动周数")
    out: dict[str, tuple[int, int, bool | None]] = {}
    for r in grid.rows[1:]:
        cells = [c.text for c in r.cells]
        voiced, weeks = map(int, WEEKS.match(cells[weeks_col]).groups())
        out[cells[0]] = (voiced, weeks, None)
    status = [c.text for c in themes.rows[0].cells].index("月度主题")
    for r in themes.rows[1:]:
        cells = [c.text for c in r.cells]
        voiced, weeks, _ = out[cells[0]]
        out[cells[0]] = (voiced, weeks, cells[status] == monthly.THEMED)
    return out


@pytest.mark.parametrize("reader", [xlsx_figures, docx_figures], ids=["xlsx", "docx"])
def test_briefs_of_a_half_year_add_up_to_the_metrics(demo, reader) -> None:
    build = monthly_brief.brief_xlsx if reader is xlsx_figures else monthly_brief.brief_docx
    months = [reader(build(monthly.month_view(demo, m, END), demo=True)) for m in H2_2022]
    metrics = engine.at(demo, END, "county")
    for _, metric in metrics.iterrows():
        name = metric["name"]
        assert sum(m[name][0] for m in months) == metric["voiced_weeks"], name
        assert sum(m[name][1] for m in months) == metric["weeks_in_period"], name
        if metric["level"] == "county":
            assert sum(bool(m[name][2]) for m in months) == metric["themed_months"], name


def test_brief_in_progress_month_equals_the_metrics_on_that_day(demo) -> None:
    as_of = date(2022, 7, 20)
    figures = xlsx_figures(monthly_brief.brief_xlsx(monthly.month_view(demo, as_of, as_of)))
    for _, metric in engine.at(demo, as_of, "county").iterrows():
        assert figures[metric["name"]][:2] == (metric["voiced_weeks"], metric["weeks_in_period"])
        if metric["level"] == "county":
            assert figures[metric["name"]][2] == bool(metric["themed_months"])


def test_brief_content_labels_and_fonts(demo) -> None:
    view = monthly.month_view(demo, date(2022, 11, 1), END, "330603")
    document = Document(io.BytesIO(monthly_brief.brief_docx(view, demo=True)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "绍兴市红十字会 月度主题例会简报" in text and "2022 年 11 月 · 柯桥区 · 统计日 2022-12-31" in text
    assert monthly_brief.DEMO_NOTE in text
    for line in monthly.headline(view):
        assert line in text
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == docx_writer.DOC_FONT
    assert document.tables[1].rows[1].cells[0].text == "柯桥区"
    book = load_workbook(io.BytesIO(monthly_brief.brief_xlsx(view, demo=False)))
    summary = [r[0] for r in book["概况"].iter_rows(values_only=True) if r[0]]
    assert summary[0] == "绍兴市红十字会 月度主题例会简报" and monthly_brief.DEMO_NOTE not in summary
    acts = list(book["活动清单"].iter_rows(values_only=True))
    assert len(acts) - 1 == len(view.activities)
    assert monthly_brief.file_stem(view) == "月度主题简报_柯桥区_2022-11"


def test_titles_that_look_like_formulas_stay_text(con, tmp_path: Path) -> None:
    text = ("date,division,title,category,is_monthly_theme,theme,participants\n"
            '2021-03-02,柯桥区,"=HYPERLINK(""http://example.com"",""点我"")",人道传播,是,=1+2,5\n'
            "2021-03-03,越城区,<script>alert(1)</script>,人道传播,,,5\n")
    assert import_file(con, "activities", write(tmp_path, "a.csv", text)).exit_code == 0
    view = monthly.month_view(con, date(2021, 3, 1), date(2021, 6, 30))
    book = load_workbook(io.BytesIO(monthly_brief.brief_xlsx(view)))
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows() for c in r if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == '=HYPERLINK("http://example.com","点我")' for c in cells)
    document = Document(io.BytesIO(monthly_brief.brief_docx(view)))
    cells_text = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "<script>alert(1)</script>" not in cells_text  # not a theme: only theme activities are listed in Word
    assert '=HYPERLINK("http://example.com","点我")' in cells_text
