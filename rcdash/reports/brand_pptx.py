"""The 一地一品 slides: a cover, then one slide per project with its photo and text, in a Chinese font."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from rcdash.store import media
from rcdash.topics.brands import clean_text, detail_fields

FONT = "微软雅黑"  # on every Chinese Windows (PowerPoint, WPS); LibreOffice substitutes a CJK font elsewhere
SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
RED = RGBColor(0xC8, 0x10, 0x2E)
INK = RGBColor(0x21, 0x21, 0x21)
MUTED = RGBColor(0x61, 0x61, 0x61)
DEMO_NOTE = "示例数据（自动生成的演示数据，不是真实统计）"
ORGANISATION = "绍兴市红十字会"
MAX_DESCRIPTION_CHARS = 180  # what fits beside the photo at 14 pt; the full text stays in the gallery
BLANK_LAYOUT = 6
MARGIN = Inches(0.6)
PHOTO_BOX = (MARGIN, Inches(1.7), Inches(7.2), Inches(4.5))  # left, top, width, height
TEXT_LEFT = Inches(8.1)


def _font(run: object, size: float, bold: bool = False, colour: RGBColor = INK) -> None:
    """Size, weight, colour and the Latin and East Asian typefaces of one run."""
    font = run.font  # type: ignore[attr-defined]
    font.size, font.bold = Pt(size), bold
    font.color.rgb = colour
    font.name = FONT  # the Latin typeface (a:latin)
    rpr = run._r.get_or_add_rPr()  # type: ignore[attr-defined]
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:cs", "a:ea"):  # schema order: latin, ea, cs — each inserted right after latin
        element = rpr.find(qn(tag))
        if element is None:
            element = rpr.makeelement(qn(tag), {})
            latin.addnext(element)
        element.set("typeface", FONT)


def _text(slide: object, box: tuple[int, int, int, int], lines: list[tuple[str, float, bool, RGBColor]],
          align: PP_ALIGN = PP_ALIGN.LEFT, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP) -> None:
    """A text box of (text, size, bold, colour) paragraphs, wrapped."""
    shape = slide.shapes.add_textbox(*box)  # type: ignore[attr-defined]
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.space_after = Pt(6)
        run = paragraph.add_run()
        run.text = text
        _font(run, size, bold, colour)


def _picture(slide: object, jpeg: bytes, box: tuple[int, int, int, int]) -> None:
    """The photo fitted inside the box, centred, aspect kept."""
    left, top, width, height = box
    with Image.open(io.BytesIO(jpeg)) as image:
        w, h = image.size
    scale = min(width / w, height / h)
    pw, ph = int(w * scale), int(h * scale)
    slide.shapes.add_picture(io.BytesIO(jpeg), Emu(left + (width - pw) // 2), Emu(top + (height - ph) // 2),  # type: ignore[attr-defined]
                             Emu(pw), Emu(ph))


def _footer(slide: object, text: str, demo: bool) -> None:
    """The organisation, and the demo label on every slide of demo data."""
    lines = [(text + ("　·　" + DEMO_NOTE if demo else ""), 11, demo, RED if demo else MUTED)]
    _text(slide, (MARGIN, Inches(6.85), SLIDE_WIDTH - 2 * MARGIN, Inches(0.45)), lines)


def _band(slide: object) -> None:
    """A thin red band across the top."""
    band = slide.shapes.add_shape(1, 0, 0, SLIDE_WIDTH, Inches(0.18))  # type: ignore[attr-defined]  # 1 = rectangle
    band.fill.solid()
    band.fill.fore_color.rgb = RED
    band.line.fill.background()


def brands_pptx(frame: pd.DataFrame, area_name: str, as_of: date, demo: bool = False) -> bytes:
    """A cover slide and one slide per project (rows of rcdash.topics.brands.gallery), as .pptx bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    layout = deck.slide_layouts[BLANK_LAYOUT]

    cover = deck.slides.add_slide(layout)
    _band(cover)
    _text(cover, (MARGIN, Inches(2.2), SLIDE_WIDTH - 2 * MARGIN, Inches(2.6)), [
        (f"{ORGANISATION}“一地一品”品牌项目", 40, True, RED),
        (f"{area_name} · 截至 {as_of:%Y-%m-%d} · 共 {len(frame)} 个项目", 20, False, INK),
        *([(DEMO_NOTE, 16, True, RED)] if demo else []),
    ], align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE)

    for number, (_, row) in enumerate(frame.iterrows(), start=1):
        slide = deck.slides.add_slide(layout)
        _band(slide)
        _text(slide, (MARGIN, Inches(0.45), SLIDE_WIDTH - 2 * MARGIN, Inches(1.1)), [
            (clean_text(row["name"]), 30, True, RED),
            (f"{clean_text(row['county_name'])} · {clean_text(row['category']) or '类别未填'}", 16, False, MUTED),
        ])
        photo = media.photo_jpeg(media.resolve(row["photo"]))
        _picture(slide, photo or media.placeholder_jpeg((1280, 800)), PHOTO_BOX)
        facts = [(f"{label}：{value}", 16, False, INK) for label, value in detail_fields(row) if label != "区、县（市）"]
        description = clean_text(row["description"])
        if len(description) > MAX_DESCRIPTION_CHARS:
            description = description[:MAX_DESCRIPTION_CHARS] + "……"
        _text(slide, (TEXT_LEFT, PHOTO_BOX[1], SLIDE_WIDTH - TEXT_LEFT - MARGIN, PHOTO_BOX[3]), [
            *facts, ("项目简介", 16, True, RED), (description or "（未填写）", 14, False, INK),
        ])
        _footer(slide, f"{ORGANISATION} · 一地一品 · {number} / {len(frame)}", demo)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
