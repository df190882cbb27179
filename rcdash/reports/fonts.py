"""The CJK font the charts and the PDF are set in: found at run time, never shipped with the repo.

Debian's fonts-noto-cjk (installed by `.ci/run`; `apt-get install fonts-noto-cjk`) provides Noto Sans CJK SC as
CFF outlines inside a TrueType collection. Matplotlib renders it directly. For the PDF a per-document subset is
converted to TrueType outlines, which fpdf2 embeds as a CIDFontType2 with Identity-H: the form every PDF viewer
and text extractor reads (fpdf2 embeds CID-keyed CFF with an embedded CMap that pypdf and pdfminer cannot decode).
Noto CJK is under the SIL Open Font License 1.1, which allows embedding subsets in documents.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CJK_FONT_ENV_VAR = "RCDASH_CJK_FONT"  # a .ttf/.otf/.ttc file to use instead of searching
# Families to look for, best first: Noto Sans CJK SC (Debian fonts-noto-cjk), then other common Chinese fonts.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei", "Droid Sans Fallback", "Noto Sans CJK JP",
)
# Where Debian's packages put the preferred fonts (fonts-noto-cjk, fonts-wqy-zenhei, fonts-wqy-microhei).
KNOWN_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
PROBE_TEXT = "绍兴红十字会建会率达标"  # a font that lacks these is no Chinese font
INSTALL_HINT = (
    "未找到中文字体，无法生成 PDF 和图表。请安装 Noto CJK 字体：Debian/Ubuntu 运行 `sudo apt-get install fonts-noto-cjk`"
    f"（其他系统安装任一中文字体即可），或用环境变量 {CJK_FONT_ENV_VAR} 指定一个中文字体文件（.ttf、.otf 或 .ttc）。"
)
# Tables a PDF does not use: layout (the PDF places each glyph itself), vertical metrics, signatures.
UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG", "hdmx", "LTSH")
CURVE_TOLERANCE = 1.0  # font units (of 1000): cubic → quadratic conversion error, far below one pixel


class FontMissing(RuntimeError):
    """No usable CJK font on this machine."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


@dataclass(frozen=True)
class FontFace:
    """One face of a font file (collections hold several)."""

    path: str
    index: int = 0


@dataclass(frozen=True)
class CjkFont:
    """The family name matplotlib knows it by, and the regular and bold faces."""

    family: str
    regular: FontFace
    bold: FontFace


def _covers(face: FontFace, text: str = PROBE_TEXT) -> bool:
    """Whether the face has glyphs for every character of the text."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(face.path, fontNumber=face.index, lazy=True)
        cmap = font.getBestCmap() or {}
        font.close()
    except Exception:  # an unreadable or unsupported file is simply not a candidate
        return False
    return all(ord(ch) in cmap for ch in text)


def _preference(name: str) -> int:
    """Rank of a family: PREFERRED_FAMILIES in order, then simplified-Chinese faces (… SC, … CN), then the rest."""
    if name in PREFERRED_FAMILIES:
        return PREFERRED_FAMILIES.index(name)
    return len(PREFERRED_FAMILIES) + (0 if name.endswith((" SC", " CN")) else 1)


def _from_environment() -> CjkFont | None:
    """The font file named by $RCDASH_CJK_FONT (its best face, e.g. SC in a CJK collection), registered with matplotlib."""
    from matplotlib import font_manager

    value = os.environ.get(CJK_FONT_ENV_VAR)
    if not value or not Path(value).is_file():
        return None
    font_manager.fontManager.addfont(value)
    entries = [e for e in font_manager.fontManager.ttflist if Path(e.fname) == Path(value)]
    for entry in sorted(entries, key=lambda e: (_preference(e.name), getattr(e, "index", 0))):
        face = FontFace(entry.fname, getattr(entry, "index", 0))
        if _covers(face):
            return CjkFont(entry.name, face, face)
    return None


def _from_font_manager() -> CjkFont | None:
    """The first family of PREFERRED_FAMILIES that matplotlib knows and that covers Chinese."""
    from matplotlib import font_manager

    entries = font_manager.fontManager.ttflist
    for family in PREFERRED_FAMILIES:
        faces = [e for e in entries if e.name == family and e.style == "normal"]
        regular = [e for e in faces if e.weight in (400, "normal", "regular")] or faces
        if not regular:
            continue
        reg = FontFace(regular[0].fname, getattr(regular[0], "index", 0))
        if not _covers(reg):
            continue
        bold_entries = [e for e in faces if e.weight in (700, "bold")]
        bold = FontFace(bold_entries[0].fname, getattr(bold_entries[0], "index", 0)) if bold_entries else reg
        return CjkFont(family, reg, bold)
    return None


@cache
def find_cjk_font() -> CjkFont | None:
    """The CJK font to use: $RCDASH_CJK_FONT, else the first installed of PREFERRED_FAMILIES; None if there is none."""
    from matplotlib import font_manager

    found = _from_environment() or _from_font_manager()
    if found:
        return found
    # matplotlib caches its font list: a font installed after that cache was written is found by its path.
    for path in KNOWN_FILES:
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
    return _from_font_manager()


def require_cjk_font() -> CjkFont:
    """The CJK font, or FontMissing with what to install."""
    font = find_cjk_font()
    if font is None:
        raise FontMissing()
    return font


def _to_truetype_outlines(font: object) -> None:
    """Replace a font's CFF outlines by quadratic TrueType ones, in place (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()  # type: ignore[attr-defined]
    glyph_set = font.getGlyphSet()  # type: ignore[attr-defined]
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, CURVE_TOLERANCE, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")  # type: ignore[index]
    font["glyf"] = glyf  # type: ignore[index]
    del font["CFF "]  # type: ignore[attr-defined]
    if "VORG" in font:  # type: ignore[operator]
        del font["VORG"]  # type: ignore[attr-defined]
    glyf.compile(font)
    hmtx = font["hmtx"]  # type: ignore[index]
    for name, glyph in glyf.glyphs.items():
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                  "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    font["maxp"] = maxp  # type: ignore[index]
    post = font["post"]  # type: ignore[index]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"  # type: ignore[attr-defined]


@cache
def truetype_subset(face: FontFace, characters: str) -> bytes:
    """A TrueType (glyf) font holding just these characters of the face, ready for fpdf2 to embed."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    for tag in UNUSED_TABLES:  # dropped before subsetting: decompiling CJK layout tables costs seconds
        if tag in font:
            del font[tag]
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, layout_features=[], desubroutinize=True,
                             name_IDs=["*"])
    options.drop_tables += list(UNUSED_TABLES)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    if "CFF2" in font:  # a variable CFF2 font: fpdf2 cannot embed it
        raise FontMissing()
    if "CFF " in font:
        _to_truetype_outlines(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
