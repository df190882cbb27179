"""The briefing as an Excel workbook (openpyxl): the text on 报告, one sheet per table (numbers as numbers), charts."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rcdash.labels import RATE, excel_format
from rcdash.reports.model import (
    DEMO_NOTE,
    NO_SHORTFALL,
    Briefing,
    Figure,
    Num,
    Paragraph,
    Shortfalls,
    Table,
)
from rcdash.reports.style import HEADER_HEX, NOTE_HEX, RED_HEX, STATUS_FILL_HEX, STATUS_TEXT_HEX

SUMMARY_SHEET, FIGURE_SHEET = "报告", "图表"
MAX_SHEET_NAME = 31  # Excel's limit
HEADER_ROW = 3  # row 1: title, row 2: note, row 3: column headers, data below
NUMBER_FORMATS = {"count": "#,##0", "people": "#,##0", "score": "0.0"}  # rates and shares: excel_format(RATE, digits)
MAX_COLUMN_WIDTH = 60  # characters; longer texts wrap
SUMMARY_WIDTH = 110  # characters: the prose column of the 报告 sheet
FIGURE_WIDTH_PX = 900
ROW_HEIGHT_PX = 20  # Excel's default row height (15 pt)


def _width(value: object) -> int:
    """Display width of a cell: Chinese characters count double."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _header(sheet: Worksheet, columns: tuple[str, ...] | list[str]) -> None:
    """Bold shaded header row, frozen above the data."""
    fill = PatternFill("solid", fgColor=HEADER_HEX)
    for c, name in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=c, value=name)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)


def _title(sheet: Worksheet, title: str, note: str) -> None:
    """Title and note above the table."""
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    if note:
        sheet.cell(row=2, column=1, value=note).font = Font(italic=True, color=NOTE_HEX)


def _fit(sheet: Worksheet, columns: int) -> None:
    """Column widths from the longest header or value (the title and note rows do not count)."""
    for c in range(1, columns + 1):
        values = [sheet.cell(row=r, column=c).value for r in range(HEADER_ROW, sheet.max_row + 1)]
        longest = max((_width(v) for v in values), default=8)
        sheet.column_dimensions[get_column_letter(c)].width = min(max(8, longest + 2), MAX_COLUMN_WIDTH)


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    """A table: numbers stay numbers (with the product's display format), status cells coloured."""
    _title(sheet, table.title, table.note)
    _header(sheet, table.columns)
    for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, Num):
                if value.missing:
                    cell.value = value.text
                    cell.alignment = Alignment(horizontal="right")
                else:
                    cell.value = value.value
                    cell.number_format = (excel_format(RATE, value.digits) if value.unit in ("rate", "share")
                                          else NUMBER_FORMATS[value.unit])
            else:
                cell.value = value
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if table.status_colours and value in STATUS_FILL_HEX:
                    cell.fill = PatternFill("solid", fgColor=STATUS_FILL_HEX[value])
                    cell.font = Font(color=STATUS_TEXT_HEX[value])
    _fit(sheet, len(table.columns))


def _shortfall_sheet(sheet: Worksheet, block: Shortfalls) -> None:
    """One row per unmet requirement: area, requirement, status, how many are still needed, the reason."""
    _title(sheet, block.title, "“还需”为达到目标还需增加的数量：村（社区）、成人会员（人）、队伍（支）、阵地或项目（个）。")
    _header(sheet, ("区域", "事项", "状态", "还需", "说明"))
    r = HEADER_ROW + 1
    for area in block.areas:
        rows = [(i.label, i.status, i.shortfall, i.reason) for i in area.items] or [("—", "达标", None, NO_SHORTFALL)]
        for label, state, short, reason in rows:
            for c, value in enumerate((area.name, label, state, short, reason), start=1):
                cell = sheet.cell(row=r, column=c, value=value)
                if c == 4 and value is not None:
                    cell.number_format = NUMBER_FORMATS["count"]
                if c == 3 and value in STATUS_FILL_HEX:
                    cell.fill = PatternFill("solid", fgColor=STATUS_FILL_HEX[value])
                    cell.font = Font(color=STATUS_TEXT_HEX[value])
            r += 1
    _fit(sheet, 5)


def _summary_sheet(sheet: Worksheet, briefing: Briefing, sheet_of: dict[int, str]) -> None:
    """Title, facts and the prose; tables and charts are referred to by their sheet."""
    sheet.column_dimensions["A"].width = SUMMARY_WIDTH
    wrap = Alignment(wrap_text=True, vertical="top")
    lines: list[tuple[str, Font | None]] = [
        (briefing.full_title, Font(bold=True, size=16)), (briefing.plan_title, None),
        *((f"{label}：{value}", None) for label, value in briefing.facts),
    ]
    if briefing.demo:
        lines.append((DEMO_NOTE, Font(bold=True, color=RED_HEX)))
    for part in briefing.sections:
        lines.append(("", None))
        lines.append((part.heading, Font(bold=True, size=12)))
        for block in part.blocks:
            if isinstance(block, Paragraph):
                lines.append((block.text, Font(italic=True, color=NOTE_HEX) if block.note else None))
            elif isinstance(block, (Table, Shortfalls)):
                lines.append((f"{block.title}：见工作表“{sheet_of[id(block)]}”", Font(color=NOTE_HEX)))
            elif isinstance(block, Figure):
                lines.append((f"{block.title}：见工作表“{FIGURE_SHEET}”", Font(color=NOTE_HEX)))
    for r, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=r, column=1, value=text)
        cell.alignment = wrap
        if font is not None:
            cell.font = font


def _figure_sheet(sheet: Worksheet, figures: list[Figure]) -> None:
    """The charts one below the other, each with its title and caption."""
    row = 1
    for figure in figures:
        sheet.cell(row=row, column=1, value=figure.title).font = Font(bold=True, size=12)
        sheet.cell(row=row + 1, column=1, value=figure.caption).font = Font(italic=True, color=NOTE_HEX)
        image = Image(io.BytesIO(figure.png))
        scale = FIGURE_WIDTH_PX / image.width
        image.width, image.height = FIGURE_WIDTH_PX, int(image.height * scale)
        sheet.add_image(image, f"A{row + 2}")
        row += 4 + image.height // ROW_HEIGHT_PX


def _sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name."""
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:MAX_SHEET_NAME] or "表"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:MAX_SHEET_NAME - 3]}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


def briefing_xlsx(briefing: Briefing) -> bytes:
    """The whole briefing as .xlsx bytes."""
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    taken = {SUMMARY_SHEET, FIGURE_SHEET}
    sheet_of: dict[int, str] = {}
    for block in briefing.blocks():
        if isinstance(block, Table | Shortfalls):
            name = _sheet_name(block.key, taken)
            sheet_of[id(block)] = name
            sheet = book.create_sheet(name)
            if isinstance(block, Table):
                _table_sheet(sheet, block)
            else:
                _shortfall_sheet(sheet, block)
    figures = briefing.figures()
    if figures:
        _figure_sheet(book.create_sheet(FIGURE_SHEET), figures)
    _summary_sheet(summary, briefing, sheet_of)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
