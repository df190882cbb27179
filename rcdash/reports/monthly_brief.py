"""The monthly theme meeting's brief (月度主题例会简报) as XLSX and DOCX, from one MonthlyView."""

from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from rcdash.labels import COUNT, excel_format, fmt_plain
from rcdash.reports.docx_writer import set_font, shade
from rcdash.topics.monthly import (
    MonthlyView,
    activities_table,
    comparison_table,
    grid_table,
    headline,
    themes_table,
    week_label,
)

TITLE = "月度主题例会简报"
ORGANISATION = "绍兴市红十字会"
DEMO_NOTE = "示例数据：本简报由自动生成的演示数据得出，不是真实统计。"
SILENT_HEX = "F4C7CB"  # the page's pale red for weeks without activity
MISSED_HEX = "FDE2E1"
HEADER_HEX = "EEF2F7"
SHEETS = ("概况", "每周活动", "月度主题", "与上月比较", "活动清单")
MAX_COLUMN_WIDTH = 60  # characters; long titles wrap instead of widening the sheet
THEME_ROWS_IN_DOCX = 40  # the document lists theme activities; the workbook has every activity


def file_stem(view: MonthlyView) -> str:
    """'月度主题简报_绍兴市_2022-11'."""
    return f"月度主题简报_{view.area_name}_{view.window.start:%Y-%m}"


def subtitle(view: MonthlyView) -> str:
    """'2022 年 11 月 · 绍兴市 · 统计日 2022-12-31'."""
    return f"{view.window.label} · {view.area_name} · 统计日 {view.window.as_of:%Y-%m-%d}"


def key_figures(view: MonthlyView) -> pd.DataFrame:
    """The area's headline figures, this month beside the previous one."""
    c = view.comparison[view.comparison["total"]].iloc[0]
    if len(view.themes) == 1:  # one county: whether it held a theme
        themed_now, themed_before = ("有" if c["themed_now"] else "无"), ("有" if c["themed_before"] else "无")
    else:
        rows = view.comparison[~view.comparison["total"]]
        themed_now = f"{int(rows['themed_now'].sum())} / {len(rows)}"
        themed_before = f"{int(rows['themed_before'].sum())} / {len(rows)}"
    return pd.DataFrame({
        "指标": ["活动数", "参与人次", "有活动的周（周一在本月）", "本月周数", "开展月度主题的区县"],
        view.window.label: [int(c["activities_now"]), int(c["participants_now"]), int(c["voiced_weeks_now"]),
                            int(c["weeks_now"]), themed_now],
        view.previous.label: [int(c["activities_before"]), int(c["participants_before"]), int(c["voiced_weeks_before"]),
                              int(c["weeks_before"]), themed_before],
    })


# ---- XLSX ---------------------------------------------------------------------------------------------------------

def brief_xlsx(view: MonthlyView, demo: bool = False) -> bytes:
    """The brief as a workbook: summary, weekly grid, themes, comparison and the full activity list."""
    out = io.BytesIO()
    grid = grid_table(view)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        intro = [f"{ORGANISATION} {TITLE}", subtitle(view), *([DEMO_NOTE] if demo else []), "", *headline(view), ""]
        pd.DataFrame({"text": intro}).to_excel(writer, sheet_name=SHEETS[0], index=False, header=False)
        key_figures(view).to_excel(writer, sheet_name=SHEETS[0], index=False, startrow=len(intro))
        grid.to_excel(writer, sheet_name=SHEETS[1], index=False)
        themes_table(view).to_excel(writer, sheet_name=SHEETS[2], index=False)
        comparison_table(view).to_excel(writer, sheet_name=SHEETS[3], index=False)
        activities_table(view.activities).to_excel(writer, sheet_name=SHEETS[4], index=False)
        book = writer.book
        summary = book[SHEETS[0]]
        summary["A1"].font = Font(bold=True, size=14)
        if demo:
            summary["A3"].font = Font(bold=True, color="C62828")
        for name in SHEETS[1:]:
            _style_table(book[name])
        for sheet in book.worksheets:
            _no_formulas(sheet)
        _mark_silent(book[SHEETS[1]], grid, [week_label(m) for m in view.weeks])
        _mark_missed(book[SHEETS[2]], themes_table(view))
        summary.column_dimensions["A"].width = 28
        for col in "BC":
            summary.column_dimensions[col].width = 16
    return out.getvalue()


def _style_table(sheet: object) -> None:
    """Bold shaded header, frozen, sensible widths."""
    header_fill = PatternFill("solid", fgColor=HEADER_HEX)
    for cell in sheet[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"  # type: ignore[attr-defined]
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):  # type: ignore[attr-defined]
        longest = max((_width(v) for v in column), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(8, longest + 2), MAX_COLUMN_WIDTH)  # type: ignore[attr-defined]


def _no_formulas(sheet: object) -> None:
    """Text that starts with '=' stays text: an activity title must never run as a formula in Excel; whole numbers
    read with thousands separators (30,745), as on the page."""
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                cell.number_format = excel_format(COUNT, 0)


def _width(value: object) -> int:
    """Display width of a cell: Chinese characters count double."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _mark_silent(sheet: object, grid: pd.DataFrame, week_columns: list[str]) -> None:
    """Weeks without activity in pale red, as on the page."""
    fill = PatternFill("solid", fgColor=SILENT_HEX)
    columns = list(grid.columns)
    for r, (_, row) in enumerate(grid.iterrows(), start=2):
        for label in week_columns:
            if row[label] == 0:
                sheet.cell(row=r, column=columns.index(label) + 1).fill = fill  # type: ignore[attr-defined]


def _mark_missed(sheet: object, themes: pd.DataFrame) -> None:
    """Counties without a monthly theme flagged."""
    fill = PatternFill("solid", fgColor=MISSED_HEX)
    column = list(themes.columns).index("月度主题") + 1
    for r, status in enumerate(themes["月度主题"], start=2):
        if status != "已开展":
            sheet.cell(row=r, column=column).fill = fill  # type: ignore[attr-defined]


# ---- DOCX ---------------------------------------------------------------------------------------------------------

def _table(document: object, frame: pd.DataFrame, fills: dict[tuple[int, int], str] | None = None) -> None:
    """A frame as a Word table with a shaded header row; `fills` colours cells by (row, column)."""
    table = document.add_table(rows=1, cols=len(frame.columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.text = str(name)
        cell.paragraphs[0].runs[0].font.bold = True
        shade(cell, HEADER_HEX)
    for r, row in enumerate(frame.itertuples(index=False)):
        cells = table.add_row().cells
        for c, value in enumerate(row):
            cells[c].text = fmt_plain(value)
            if fills and (r, c) in fills:
                shade(cells[c], fills[(r, c)])
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)


def brief_docx(view: MonthlyView, demo: bool = False) -> bytes:
    """The brief as a Word document: summary, weekly grid, themes, comparison and the theme activities."""
    document = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        set_font(document.styles[style_name])
    document.styles["Normal"].font.size = Pt(10.5)
    section = document.sections[0]
    grid = grid_table(view)
    if len(view.weeks) > 4 or len(grid.columns) > 8:  # wide grids read better across the page
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))

    document.add_heading(f"{ORGANISATION} {TITLE}", level=0)
    document.add_paragraph(subtitle(view))
    if demo:
        note = document.add_paragraph().add_run(DEMO_NOTE)
        note.bold = True
        note.font.color.rgb = RGBColor(0xC6, 0x28, 0x28)

    document.add_heading("一、本月概况", level=1)
    for line in headline(view):
        document.add_paragraph(line)
    _table(document, key_figures(view).astype(str))

    document.add_heading("二、周周有声音：每周活动数", level=1)
    document.add_paragraph("每周从周一到周日计（周一落在本月的周；末周可跨入下月，统计截至数据日期）；红色为无活动的周。")
    week_columns = [week_label(m) for m in view.weeks]
    shown = grid.drop(columns=["代码", "无活动的周"])
    silent = {(r, shown.columns.get_loc(w)): SILENT_HEX for r, (_, row) in enumerate(shown.iterrows())
              for w in week_columns if row[w] == 0}
    _table(document, shown, silent)

    document.add_heading("三、月月有主题：各区县月度主题活动", level=1)
    themes = themes_table(view).drop(columns=["代码"])
    missed = {(r, themes.columns.get_loc("月度主题")): MISSED_HEX for r, s in enumerate(themes["月度主题"]) if s != "已开展"}
    _table(document, themes, missed)

    document.add_heading("四、与上月比较", level=1)
    comparison = comparison_table(view, short=True).drop(columns=["代码"])
    _table(document, comparison[[c for c in comparison.columns if not c.startswith("参与人次")]])

    document.add_heading("五、本月月度主题活动", level=1)
    acts = activities_table(view.activities)
    themed = acts[acts["月度主题活动"] == "是"][["日期", "区县", "区划", "活动名称", "主题", "参与人数"]]
    if themed.empty:
        document.add_paragraph("本月没有标记为月度主题的活动。")
    else:
        _table(document, themed.head(THEME_ROWS_IN_DOCX))
    document.add_paragraph(f"本月共 {len(acts)} 项活动，完整清单见同名 Excel 简报的“活动清单”表。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
