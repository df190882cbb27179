"""Issue #16 point 8: leadership documents speak of 看板 and data, never of commands, files or settings.

Every briefing (half-year and annual, Word, Excel, PDF) and the monthly brief (Word, Excel) is rendered on the demo
database and its text extracted with the format's own library; none may name a command, a file or a setting.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from rcdash.reports import content, monthly_brief
from rcdash.reports.model import Briefing
from rcdash.store.connections import connect
from rcdash.topics import monthly

PERIODS = ("2022H2", "2022", "2021H1")  # a half-year briefing, an annual evaluation, a mid-plan half-year
# What a reader of a leadership document must never meet: a command, the package, a settings or docs file, a path.
DEVELOPER_WORDING = {
    "a command": re.compile(r"python\s*-m|rcdash\s|--[a-z]"),
    "a settings file": re.compile(r"\.toml|settings"),
    "a documentation file": re.compile(r"\.md\b|README|PROVENANCE", re.IGNORECASE),
    "a file path": re.compile(r"[A-Za-z_][\w.-]*/[\w.-]+"),
}


def developer_wording(text: str) -> list[str]:
    """Each kind of developer wording found in a text, with what matched."""
    return [f"{what}: {m.group(0)!r}" for what, pattern in DEVELOPER_WORDING.items() if (m := pattern.search(text))]


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a Word document."""
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def xlsx_text(data: bytes) -> str:
    """Every cell value of every sheet of a workbook."""
    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def pdf_text(data: bytes) -> str:
    """All text of a PDF, as pypdf extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


EXTRACT = {"docx": docx_text, "xlsx": xlsx_text, "pdf": pdf_text}


def test_the_patterns_catch_what_the_documents_used_to_say() -> None:
    old = "数据口径：与看板“总览”页及 python -m rcdash kpi --as-of 2022-12-31 一致（可在 settings.toml 中调整，见 geo/PROVENANCE.md）"
    assert len(developer_wording(old)) == 4
    assert developer_wording("数据口径：与看板“总览”页一致，统计截至 2022-12-31；每周 3 / 4 周有活动") == []


@pytest.mark.parametrize("period", PERIODS)
def test_briefings_speak_of_the_dashboard_not_of_commands(
        demo_briefing: Callable[[str], tuple[Briefing, dict[str, bytes]]], period: str) -> None:
    briefing, rendered = demo_briefing(period)  # the PDF is left out without a CJK font (test_reports covers that)
    facts = dict(briefing.facts)
    assert facts["数据口径"] == f"与看板“总览”页一致，统计截至 {briefing.as_of:%Y-%m-%d}"
    assert set(rendered) >= {"docx", "xlsx"}
    for fmt, data in rendered.items():
        text = EXTRACT[fmt](data)
        assert "数据口径" in text, fmt
        assert developer_wording(text) == [], (period, fmt, developer_wording(text))


def test_monthly_briefs_speak_of_the_dashboard_not_of_commands(demo_db: Path) -> None:
    con = connect(demo_db, read_only=True)
    try:
        view = monthly.month_view(con, date(2022, 11, 1), date(2022, 12, 31))
    finally:
        con.close()
    for build, extract in ((monthly_brief.brief_docx, docx_text), (monthly_brief.brief_xlsx, xlsx_text)):
        text = extract(build(view, demo=True))
        assert developer_wording(text) == [], (build.__name__, developer_wording(text))


def test_report_problems_name_the_data_management_page(con: object) -> None:
    with pytest.raises(content.ReportProblem) as caught:
        content.build_briefing(con, "2022H2")  # type: ignore[arg-type]
    assert "数据管理" in str(caught.value) and developer_wording(str(caught.value)) == []
