"""The briefing as a PDF (fpdf2) with an embedded subset of the CJK font, so it reads the same on any machine."""

from __future__ import annotations

import io
import string
import tempfile
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import Align, WrapMode, XPos, YPos

from rcdash.reports.fonts import require_cjk_font, truetype_subset
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
    RULE_HEX,
    STATUS_FILL_HEX,
    STATUS_TEXT_HEX,
    TEXT_WIDTH_CM,
    rgb,
)

FAMILY = "cjk"
MARGIN_MM = (210 - TEXT_WIDTH_CM * 10) / 2
BODY_PT, TABLE_PT, NOTE_PT = 10, 7.5, 8
LINE_MM = 6.0  # body line height
TABLE_LINE_MM = 4.2
CELL_PADDING_MM = 1.0
PAGE_LABEL = "第 {page} 页 / 共 {{nb}} 页"
BULLET = "•"
CAPTION_MM = 8  # a table's or figure's title with the space above it
RUNNING_HEADER_MM = 10  # the running header at the top of pages after the first
MIN_TABLE_ROOM_MM = 20  # a table longer than a page starts where at least its header and a row fit
BULLET_INDENT_MM = 4.0
# Characters the layout adds besides the briefing's own text (numbers of pages, punctuation, bullets).
LAYOUT_CHARS = string.printable + "第页共·：（）“”、，。；—" + BULLET + PAGE_LABEL


class _BriefingPDF(FPDF):
    """A4 pages with a running header (from page 2) and page numbers."""

    running_title = ""

    def header(self) -> None:
        """Organisation and title, small and grey, above a thin rule."""
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, size=NOTE_PT)
        self.set_text_color(*rgb(NOTE_HEX))
        self.cell(0, 5, self.running_title, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*rgb(NOTE_HEX))
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        """'第 N 页 / 共 M 页'."""
        self.set_y(-14)
        self.set_font(FAMILY, size=NOTE_PT)
        self.set_text_color(*rgb(NOTE_HEX))
        self.cell(0, 6, PAGE_LABEL.format(page=self.page_no()), align=Align.C)
        self.set_text_color(0, 0, 0)


# Line breaking of Chinese text: between any two Chinese characters, but never inside a number or a Latin word,
# never before closing punctuation and never after opening punctuation (the basic rules of CJK typesetting).
NO_LINE_START = frozenset("，。、；：？！）》」』”’%％,.;:!?)]…")
NO_LINE_END = frozenset("（《「『“‘([")
WIDE_FROM = 0x2E80  # CJK characters and full-width punctuation start here


def _units(text: str) -> list[str]:
    """The pieces a line may break between."""
    pieces: list[str] = []
    run = ""
    for ch in text:
        if ch == " " or ord(ch) >= WIDE_FROM:
            if run:
                pieces.append(run)
                run = ""
            pieces.append(ch)
        else:
            run += ch
    if run:
        pieces.append(run)
    units: list[str] = []
    for piece in pieces:
        if units and units[-1] != " " and (piece[0] in NO_LINE_START or units[-1][-1] in NO_LINE_END):
            units[-1] += piece
        else:
            units.append(piece)
    return units


def wrap_lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """The text broken into lines no wider than `width` (mm) in the current font."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in _units(paragraph):
            if pdf.get_string_width((line + unit).rstrip()) <= width:
                line += unit
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = "" if unit == " " else unit
            while pdf.get_string_width(line) > width and len(line) > 1:  # a piece wider than a line: split it
                cut = len(line) - 1
                while cut > 1 and pdf.get_string_width(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _text(pdf: FPDF, text: str, size: float = BODY_PT, bold: bool = False, colour: str | None = None,
          align: Align = Align.L, indent: float = 0.0, hanging: float = 0.0, line: float = LINE_MM) -> None:
    """A wrapped paragraph; `indent` moves its first line right, `hanging` every further line (mm)."""
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*(rgb(colour) if colour else (0, 0, 0)))
    first = True
    width = pdf.epw
    for piece in wrap_lines(pdf, text, width - max(indent, hanging)):
        shift = indent if first else hanging
        pdf.set_x(pdf.l_margin + shift)
        pdf.cell(width - shift, line, piece, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        first = False
    pdf.set_text_color(0, 0, 0)


def _caption(pdf: FPDF, text: str, room_mm: float) -> None:
    """A bold centred title; starts a new page when what follows would not fit under it."""
    if pdf.get_y() + CAPTION_MM + room_mm > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    _text(pdf, text, size=BODY_PT, bold=True, align=Align.C)


def _table(pdf: FPDF, table: Table) -> None:
    """A table with its title and note kept on one page with it when it fits on one (else the title needs 20 mm)."""
    start = pdf.get_y()
    with pdf.offset_rendering() as trial:  # a dry run, to measure the table and its note
        _table_and_note(trial, table)  # type: ignore[arg-type]
        height = trial.get_y() - start
    page_room = pdf.page_break_trigger - pdf.t_margin - RUNNING_HEADER_MM - CAPTION_MM
    _caption(pdf, table.title, room_mm=height if height <= page_room else MIN_TABLE_ROOM_MM)
    _table_and_note(pdf, table)


def _table_and_note(pdf: FPDF, table: Table) -> None:
    """A table: shaded repeated header, numbers right-aligned, status cells coloured; its note beneath."""
    pdf.set_font(FAMILY, size=TABLE_PT)
    pdf.set_draw_color(*rgb(RULE_HEX))
    pdf.set_line_width(0.2)
    heading = FontFace(emphasis="BOLD", fill_color=rgb(HEADER_HEX))
    weights = table.widths or (1.0,) * len(table.columns)
    inner = [pdf.epw * w / sum(weights) - 2 * CELL_PADDING_MM - 0.5 for w in weights]

    def fit(text: str, column: int, bold: bool = False) -> str:
        pdf.set_font(FAMILY, "B" if bold else "", TABLE_PT)
        lines = wrap_lines(pdf, text, inner[column])
        pdf.set_font(FAMILY, "", TABLE_PT)
        return "\n".join(lines)

    with pdf.table(col_widths=weights, width=pdf.epw, line_height=TABLE_LINE_MM, headings_style=heading,
                   text_align="CENTER", wrapmode=WrapMode.CHAR, padding=CELL_PADDING_MM, repeat_headings=1) as grid:
        header = grid.row()
        for c, name in enumerate(table.columns):
            header.cell(fit(name, c, bold=True))
        for values in table.rows:
            row = grid.row()
            for c, value in enumerate(values):
                if isinstance(value, Num):
                    row.cell(value.text, align=Align.R)
                elif table.status_colours and value in STATUS_FILL_HEX:
                    row.cell(value, style=FontFace(color=rgb(STATUS_TEXT_HEX[value]), fill_color=rgb(STATUS_FILL_HEX[value])))
                else:
                    row.cell(fit(value, c), align=Align.L if len(value) > 12 else Align.C)
    if table.note:
        pdf.ln(1)
        _text(pdf, table.note, size=NOTE_PT, colour=NOTE_HEX, line=4.5)
    pdf.ln(2)


def _figure(pdf: FPDF, figure: Figure) -> None:
    """A chart, kept on one page with its title, and its caption."""
    from PIL import Image as PILImage  # pillow comes with streamlit and matplotlib

    width = FIGURE_WIDTH_CM * 10
    with PILImage.open(io.BytesIO(figure.png)) as image:
        height = width * image.height / image.width
    _caption(pdf, figure.title, room_mm=height)
    pdf.image(io.BytesIO(figure.png), x=(pdf.w - width) / 2, w=width, h=height)
    _text(pdf, figure.caption, size=NOTE_PT, colour=NOTE_HEX, line=4.5)
    pdf.ln(2)


def _shortfalls(pdf: FPDF, block: Shortfalls) -> None:
    """Per area its name, then a bullet per unmet requirement with the numbers still needed."""
    for area in block.areas:
        if not area.items:
            _text(pdf, f"{area.name}：{NO_SHORTFALL}", bold=False)
            continue
        if pdf.get_y() + LINE_MM * 3 > pdf.page_break_trigger:
            pdf.add_page()
        _text(pdf, area.name, bold=True)
        for item in area.items:
            _text(pdf, f"{BULLET} {item.label}（{item.status}）：{item.reason}", indent=BULLET_INDENT_MM,
                  hanging=BULLET_INDENT_MM + 3)
        pdf.ln(1)


def briefing_pdf(briefing: Briefing) -> bytes:
    """The whole briefing as PDF bytes; FontMissing (with what to install) when there is no CJK font."""
    font = require_cjk_font()
    characters = "".join(sorted(set(briefing.text() + LAYOUT_CHARS) - set("\t\n\r\x0b\x0c")))
    with tempfile.TemporaryDirectory(prefix="rcdash-pdf-") as folder:
        regular, bold = Path(folder) / "regular.ttf", Path(folder) / "bold.ttf"
        regular.write_bytes(truetype_subset(font.regular, characters))
        bold.write_bytes(truetype_subset(font.bold, characters))
        pdf = _BriefingPDF(orientation="P", unit="mm", format="A4")
        pdf.set_margins(MARGIN_MM, 18, MARGIN_MM)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(FAMILY, "", str(regular))
        pdf.add_font(FAMILY, "B", str(bold))
        pdf.set_title(briefing.full_title)
        pdf.set_author(briefing.organisation)
        pdf.set_lang("zh-CN")
        pdf.running_title = f"{briefing.organisation} · {briefing.title}"
        pdf.add_page()

        _text(pdf, briefing.organisation, size=16, bold=True, colour=RED_HEX, align=Align.C, line=9)
        _text(pdf, briefing.title, size=22, bold=True, align=Align.C, line=12)
        _text(pdf, briefing.plan_title, size=11, align=Align.C, line=7)
        pdf.set_draw_color(*rgb(RED_HEX))
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
        pdf.set_line_width(0.2)
        pdf.ln(5)
        for label, value in briefing.facts:
            _text(pdf, f"{label}：{value}", line=5.5, align=Align.L)
        if briefing.demo:
            _text(pdf, DEMO_NOTE, bold=True, colour=RED_HEX, align=Align.L)

        for part in briefing.sections:
            if part.heading.startswith("附") or pdf.get_y() + 30 > pdf.page_break_trigger:
                pdf.add_page()  # the appendix on its own page; no heading alone at a page's foot
            pdf.ln(3)
            _text(pdf, part.heading, size=13, bold=True, align=Align.L, line=8)
            for block in part.blocks:
                if isinstance(block, Paragraph):
                    if block.note:
                        _text(pdf, block.text, size=NOTE_PT, colour=NOTE_HEX, line=4.5)
                    else:
                        _text(pdf, block.text, indent=BODY_PT * 2 * 0.3528)  # two characters' width
                elif isinstance(block, Table):
                    _table(pdf, block)
                elif isinstance(block, Figure):
                    _figure(pdf, block)
                else:
                    _shortfalls(pdf, block)
        return bytes(pdf.output())
