"""Photos of brand projects: checked by content, re-encoded, stored under generated names, resolved safely."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path, PurePosixPath

from PIL import Image, ImageDraw, ImageFont, ImageOps

from rcdash import config

# Limits that keep a careless or hostile file from exhausting the machine.
MAX_IMAGE_BYTES = 20 * 1024 * 1024  # a phone photo is 3–8 MB; bigger files are scans or mistakes
MAX_IMAGE_PIXELS = 60_000_000  # beyond any phone camera (48 MP); a bigger header is a decompression bomb
MAX_IMAGE_SIDE = 16_000  # absurdly long strips are bombs too, whatever their pixel count
STORED_MAX_SIDE = 1600  # enough for a slide or a gallery card, and keeps the media folder small
JPEG_QUALITY = 85
PHOTOS_DIR = "photos"  # imported photos live in <media dir>/photos/<sha256>.jpg
DISPLAY_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})  # the only files a reference may name
# References written by the demo generator are relative to the project: data/media/…
PROJECT_MEDIA_PREFIX = "data/media/"

# Content signatures: the file's own bytes decide its type, never its name.
_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)
CARD_SIZE = (640, 400)  # the gallery's 16:10 cards (the demo placeholders are 800×500)
PLACEHOLDER_BACKGROUND = (241, 243, 246)
PLACEHOLDER_INK = (150, 156, 166)
RED_CROSS_RED = (204, 0, 0)
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
FONT_PATTERNS = ("NotoSansCJK*-Regular.ttc", "NotoSansCJK*.ttc", "NotoSansSC*.otf", "*CJK*.ttc", "*CJK*.otf")


class ImageProblem(ValueError):
    """An unusable image; the message says, in Chinese, what to do."""


def sniff(data: bytes) -> str | None:
    """The image format the bytes begin with (JPEG, PNG or WEBP), or None."""
    for magic, fmt in _SIGNATURES:
        if data.startswith(magic):
            return fmt
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def normalise_image(data: bytes) -> bytes:
    """A JPEG, RGB, at most STORED_MAX_SIDE pixels a side, without metadata; ImageProblem when unusable."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageProblem(f"图片过大（{len(data) / 1024 / 1024:.1f} MB），上限 {MAX_IMAGE_BYTES // 1024 // 1024} MB，请压缩后再上传")
    fmt = sniff(data)
    if fmt is None:
        raise ImageProblem("不是 JPEG、PNG 或 WebP 图片（按文件内容判断，与扩展名无关），请上传照片原图或另存为 JPEG")
    try:
        image = Image.open(io.BytesIO(data), formats=[fmt])
        width, height = image.size  # read from the header, before any pixel is decoded
        if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE or min(width, height) < 1:
            raise ImageProblem(_size_problem(f"{width}×{height} 像素"))
        if fmt == "JPEG":
            image.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))  # decode big JPEGs at a reduced scale
        image.load()
        image = ImageOps.exif_transpose(image)  # phone photos stand the right way up once metadata is gone
        image = _flatten(image)
        image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif/icc/comments are passed on
    except ImageProblem:
        raise
    except Image.DecompressionBombError:  # Pillow's own, larger limit tripped while reading the header
        raise ImageProblem(_size_problem("像素数远超上限")) from None
    except Exception:  # Pillow raises many error types for damaged or hostile files; all mean "unusable"
        raise ImageProblem(f"无法读取该图片：文件已损坏或不是有效的 {fmt} 图片，请重新导出后上传") from None
    return out.getvalue()


def _size_problem(found: str) -> str:
    """The message for an image of absurd dimensions."""
    return (f"图片尺寸异常（{found}），上限 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素、单边 {MAX_IMAGE_SIDE} 像素，"
            "疑似恶意构造的图片；请用原图或缩小后再上传")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels: transparency composited onto white, other modes converted."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def stored_reference(jpeg: bytes) -> str:
    """The generated name of a normalised image: its sha256, so equal photos are stored once."""
    return f"{PHOTOS_DIR}/{hashlib.sha256(jpeg).hexdigest()}.jpg"


def store(jpeg: bytes, media_root: Path | None = None) -> tuple[str, bool]:
    """Write a normalised image under its generated name; returns (reference, whether the file is new)."""
    reference = stored_reference(jpeg)
    path = (media_root or config.media_dir()) / reference
    if path.exists():
        return reference, False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(jpeg)
    os.replace(tmp, path)  # readers never see half a file
    return reference, True


def remove(references: Iterable[str], media_root: Path | None = None) -> None:
    """Delete stored images (those an import wrote before it failed)."""
    root = media_root or config.media_dir()
    for reference in references:
        with contextlib.suppress(FileNotFoundError):
            (root / reference).unlink()


def reference_is_well_formed(reference: str) -> bool:
    """A relative POSIX path to an image file, without traversal, drive letters or control characters."""
    if not reference or len(reference) > 300 or "\\" in reference or any(ord(ch) < 32 for ch in reference):
        return False
    path = PurePosixPath(reference)
    return (not path.is_absolute() and ".." not in path.parts and ":" not in reference
            and path.suffix.lower() in DISPLAY_SUFFIXES)


def resolve(reference: object, media_root: Path | None = None) -> Path | None:
    """The image file a photo reference names, confined to the media folders; None when absent or unsafe."""
    if not isinstance(reference, str) or not reference_is_well_formed(reference.strip()):
        return None
    reference = reference.strip()
    candidates = [(media_root or config.media_dir(), reference)]
    if reference.startswith(PROJECT_MEDIA_PREFIX):
        candidates.append((config.DEFAULT_MEDIA_DIR, reference[len(PROJECT_MEDIA_PREFIX):]))
    for root, relative in candidates:
        try:
            base = root.resolve()
            path = (base / relative).resolve()
        except (OSError, RuntimeError):
            continue
        if path.is_relative_to(base) and path.is_file():  # symlinks out of the folder are refused
            return path
    return None


@cache
def cjk_font_path() -> Path | None:
    """A CJK font (Noto Sans CJK when installed), or None."""
    for folder in FONT_DIRS:
        if not folder.is_dir():
            continue
        for pattern in FONT_PATTERNS:
            found = sorted(folder.rglob(pattern))
            if found:
                return found[0]
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont | None:
    """The simplified-Chinese face of the CJK font at `size` pixels, or None without one."""
    path = cjk_font_path()
    if path is None:
        return None
    for index in range(10):  # a .ttc holds several faces; the SC one draws simplified Chinese best
        try:
            face = ImageFont.truetype(str(path), size, index=index)
        except OSError:
            break
        if face.getname()[0].endswith(" SC"):
            return face
    return ImageFont.truetype(str(path), size)


@cache
def placeholder_jpeg(size: tuple[int, int] = CARD_SIZE, label: str = "暂无照片") -> bytes:
    """A calm grey card with a red-cross outline and a label, for projects without a usable photo."""
    width, height = size
    image = Image.new("RGB", size, PLACEHOLDER_BACKGROUND)
    draw = ImageDraw.Draw(image)
    cx, cy = width // 2, int(height * 0.42)
    arm, thick = height // 9, height // 30
    draw.rectangle((cx - thick, cy - arm, cx + thick, cy + arm), outline=RED_CROSS_RED, width=3)
    draw.rectangle((cx - arm, cy - thick, cx + arm, cy + thick), outline=RED_CROSS_RED, width=3)
    draw.rectangle((cx - thick + 3, cy - thick + 3, cx + thick - 3, cy + thick - 3), fill=PLACEHOLDER_BACKGROUND)
    font = _font(max(16, height // 14))
    if font is not None:
        box = draw.textbbox((0, 0), label, font=font)
        draw.text(((width - (box[2] - box[0])) // 2, cy + arm + height // 14), label, font=font, fill=PLACEHOLDER_INK)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def card_jpeg(path: Path | None, size: tuple[int, int] = CARD_SIZE) -> bytes:
    """A stored photo cropped to the card's shape, re-encoded; the placeholder when missing or unreadable."""
    if path is None:
        return placeholder_jpeg(size)
    try:
        data = path.read_bytes()
        if len(data) > MAX_IMAGE_BYTES or sniff(data) is None:
            return placeholder_jpeg(size)
        image = Image.open(io.BytesIO(data), formats=[sniff(data)])
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            return placeholder_jpeg(size)
        image = ImageOps.fit(_flatten(ImageOps.exif_transpose(image)), size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=JPEG_QUALITY)
        return out.getvalue()
    except Exception:  # a damaged file in the media folder shows the placeholder rather than an error
        return placeholder_jpeg(size)


def photo_jpeg(path: Path | None) -> bytes | None:
    """A stored photo as a metadata-free JPEG for documents (slides, ZIP exports); None when unusable."""
    if path is None:
        return None
    try:
        return normalise_image(path.read_bytes())
    except (ImageProblem, OSError):
        return None
