"""Placeholder photos for the demo's brand projects, clearly marked as placeholders."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from rcdash.demo import story

BACKGROUND_LIGHTNESS = 225  # pale backgrounds keep the dark text readable
RED_CROSS_RED = (204, 0, 0)
TEXT_COLOUR = (40, 40, 40)
FRAME_WIDTH = 12
LABEL_SIZE, NAME_SIZE, CAPTION_SIZE = 44, 36, 24
FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def cjk_font_path() -> Path | None:
    """A Noto Sans CJK (or other CJK) font under /usr/share/fonts, or None when none is installed."""
    for folder in map(Path, story.FONT_DIRS):
        if not folder.is_dir():
            continue
        for pattern in story.FONT_PATTERNS:
            found = sorted(folder.rglob(pattern))  # sorted: the same font on every run
            if found:
                return found[0]
    return None


def _font(size: int) -> tuple[FontType, bool]:
    """A font of about `size` pixels and whether it can draw Chinese."""
    path = cjk_font_path()
    if path is not None:
        # A .ttc holds several faces; prefer the simplified-Chinese one (its name ends in SC).
        for index in range(10):
            try:
                face = ImageFont.truetype(str(path), size, index=index)
            except OSError:
                break
            if face.getname()[0].endswith(" SC"):
                return face, True
        return ImageFont.truetype(str(path), size), True
    return ImageFont.load_default(size), False


def photo_name(county_code: str, project: str) -> str:
    """The file name of a project's placeholder: reproducible and unique per county and project."""
    digest = hashlib.sha256(f"{county_code}/{project}".encode()).hexdigest()[:12]
    return f"brand-{county_code}-{digest}.png"


def placeholder_png(project: str, county: str, category: str) -> bytes:
    """A PNG that says plainly it is a placeholder, with the project's name on it."""
    digest = hashlib.sha256(project.encode()).digest()
    # A pale tint derived from the name, so cards differ but stay calm.
    background = tuple(BACKGROUND_LIGHTNESS + b % (256 - BACKGROUND_LIGHTNESS) for b in digest[:3])
    width, height = story.PLACEHOLDER_SIZE
    image = Image.new("RGB", (width, height), background)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=RED_CROSS_RED, width=FRAME_WIDTH)
    # The red cross emblem, drawn as two bars.
    cx, cy, arm, thick = width // 2, 130, 48, 16
    draw.rectangle((cx - thick, cy - arm, cx + thick, cy + arm), fill=RED_CROSS_RED)
    draw.rectangle((cx - arm, cy - thick, cx + arm, cy + thick), fill=RED_CROSS_RED)
    label_font, chinese = _font(LABEL_SIZE)
    name_font, _ = _font(NAME_SIZE)
    caption_font, _ = _font(CAPTION_SIZE)
    if chinese:
        lines = [(story.PLACEHOLDER_LABEL, label_font, RED_CROSS_RED), (project, name_font, TEXT_COLOUR),
                 (f"{county} · {category}", caption_font, TEXT_COLOUR)]
    else:
        lines = [(story.PLACEHOLDER_LABEL_ASCII, label_font, RED_CROSS_RED)]
    y = 230
    for text, font, colour in lines:
        box = draw.textbbox((0, 0), text, font=font)
        draw.text(((width - (box[2] - box[0])) // 2, y), text, font=font, fill=colour)
        y += (box[3] - box[1]) + 36
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
