"""The briefing as a Word document (python-docx): A4, headings, tables, charts, the shortfall lists."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

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
from rcdash.reports.style import (
    FIGURE_WIDTH_CM,
    HEADER_HEX,
    NOTE_HEX,
    RED_HEX,
    STATUS_FILL_HEX,
    STATUS_TEXT_HEX,
    TEXT_WIDTH_CM,
    rgb,
)

DOC_FONT = "微软雅黑"  # on every Chinese Windows; LibreOffice and WPS substitute a CJK font elsewhere
BODY_PT, TABLE_PT, NOTE_PT = 10.5, 8.5, 8.5
CELL_SPACE_PT = 1.5  # breathing room above and below the text of a table cell
STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "Caption")


def set_font(style: object, name: str = DOC_FONT) -> None:
    """Chinese text needs the eastAsia font set explicitly, and theme fonts removed (they override it)."""
    style.font.name = name  # type: ignore[attr-defined]
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def shade(cell: object, hex_colour: str) -> None:
    """A table cell's background colour."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), hex_colour)
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _page_number_footer(section: object) -> None:
    """'第 N 页' centred in the footer (a PAGE field, so Word numbers the pages)."""
    paragraph = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" 页")
    for r in paragraph.runs:
        r.font.size = Pt(NOTE_PT)


def _note(document: object, text: str) -> None:
    """A small grey explanatory paragraph."""
    run = document.add_paragraph().add_run(text)  # type: ignore[attr-defined]
    run.font.size = Pt(NOTE_PT)
    run.font.color.rgb = RGBColor(*rgb(NOTE_HEX))


def _caption(document: object, text: str) -> None:
    """A bold centred title above a table or chart."""
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(6)
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(BODY_PT)


def _table(document: object, table: Table) -> None:
    """A table with a shaded header row, widths from the model, status cells coloured."""
    _caption(document, table.title)
    grid = document.add_table(rows=1, cols=len(table.columns))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    weights = table.widths or (1.0,) * len(table.columns)
    widths = [Cm(TEXT_WIDTH_CM * w / sum(weights)) for w in weights]
    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = name
        cell.paragraphs[0].runs[0].font.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        shade(cell, HEADER_HEX)
    for row in table.rows:
        cells = grid.add_row().cells
        for c, value in enumerate(row):
            text = value.text if isinstance(value, Num) else value
            cells[c].text = text
            if table.status_colours and text in STATUS_FILL_HEX:
                shade(cells[c], STATUS_FILL_HEX[text])
                cells[c].paragraphs[0].runs[0].font.color.rgb = RGBColor(*rgb(STATUS_TEXT_HEX[text]))
            if isinstance(value, Num):
                cells[c].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width  # the grid (LibreOffice reads it) …
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # … and each cell (Word reads these)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(CELL_SPACE_PT)
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_PT)
    # The header row repeats on every page the table spans.
    header_props = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    if table.note:
        _note(document, table.note)


def _figure(document: object, figure: Figure) -> None:
    """A chart with its title above and its caption below."""
    _caption(document, figure.title)
    document.add_picture(io.BytesIO(figure.png), width=Cm(FIGURE_WIDTH_CM))  # type: ignore[attr-defined]
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    _note(document, figure.caption)


def _shortfalls(document: object, block: Shortfalls) -> None:
    """Per area a bold name, then one bullet per unmet requirement with the numbers still needed."""
    for area in block.areas:
        heading = document.add_paragraph()  # type: ignore[attr-defined]
        heading.paragraph_format.keep_with_next = bool(area.items)
        name = heading.add_run(area.name + ("：" if not area.items else ""))
        name.bold = True
        if not area.items:
            heading.add_run(NO_SHORTFALL)
            continue
        for item in area.items:
            bullet = document.add_paragraph(style="List Bullet")  # type: ignore[attr-defined]
            label = bullet.add_run(f"{item.label}（{item.status}）：")
            label.bold = True
            bullet.add_run(item.reason)


def briefing_docx(briefing: Briefing) -> bytes:
    """The whole briefing as .docx bytes."""
    document = Document()
    for name in STYLES:
        set_font(document.styles[name])
    document.styles["Normal"].font.size = Pt(BODY_PT)
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].font.color.rgb = RGBColor(0x21, 0x21, 0x21)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.2)
    _page_number_footer(section)

    org = document.add_paragraph()
    org.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = org.add_run(briefing.organisation)
    run.bold, run.font.size = True, Pt(16)
    run.font.color.rgb = RGBColor(*rgb(RED_HEX))
    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(briefing.title).font.size = Pt(22)
    plan = document.add_paragraph()
    plan.alignment = WD_ALIGN_PARAGRAPH.CENTER
    plan.add_run(briefing.plan_title).font.size = Pt(11)
    for label, value in briefing.facts:
        line = document.add_paragraph()
        line.paragraph_format.space_after = Pt(0)
        line.add_run(f"{label}：").bold = True
        line.add_run(value)
    if briefing.demo:
        note = document.add_paragraph().add_run(DEMO_NOTE)
        note.bold = True
        note.font.color.rgb = RGBColor(*rgb(RED_HEX))

    for part in briefing.sections:
        if part.heading.startswith("附"):
            document.add_section(WD_SECTION.NEW_PAGE)
        document.add_heading(part.heading, level=1)
        for block in part.blocks:
            if isinstance(block, Paragraph):
                if block.note:
                    _note(document, block.text)
                else:
                    document.add_paragraph(block.text).paragraph_format.first_line_indent = Pt(BODY_PT * 2)
            elif isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, Figure):
                _figure(document, block)
            else:
                _shortfalls(document, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
