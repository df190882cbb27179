"""Test material for photos and the monthly/brand features: real and hostile images, bundles, the demo database."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

SECRET = b"<script>alert('polyglot')</script>"


def jpeg(size: tuple[int, int] = (400, 300), colour: tuple[int, int, int] = (200, 30, 30), exif: bool = False,
         orientation: int | None = None) -> bytes:
    """A real JPEG; optionally with EXIF metadata (camera, GPS) and an orientation tag."""
    image = Image.new("RGB", size, colour)
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1] // 4))  # a mark to see rotations by
    out = io.BytesIO()
    kwargs: dict[str, object] = {}
    if exif or orientation:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x9286] = "GPS 30.0N 120.5E"  # UserComment, standing in for personal metadata
        if orientation:
            data[0x0112] = orientation
        kwargs["exif"] = data.tobytes()
    image.save(out, format="JPEG", quality=90, **kwargs)
    return out.getvalue()


def png(size: tuple[int, int] = (300, 200), alpha: bool = False) -> bytes:
    """A real PNG, optionally with transparency."""
    image = Image.new("RGBA" if alpha else "RGB", size, (0, 128, 0, 0) if alpha else (0, 128, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def webp(size: tuple[int, int] = (320, 200)) -> bytes:
    """A real WebP."""
    out = io.BytesIO()
    Image.new("RGB", size, (10, 90, 160)).save(out, format="WEBP")
    return out.getvalue()


def gif() -> bytes:
    """A real GIF: an image, but not one of the accepted formats."""
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG whose header claims absurd dimensions (3.6 gigapixels): a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
TEXT = b"<html><script>alert(1)</script></html>"


def polyglot() -> bytes:
    """A valid JPEG with a script and a ZIP appended: viewers show the picture, other tools find the payload."""
    appended = io.BytesIO()
    with zipfile.ZipFile(appended, "w") as archive:
        archive.writestr("payload.html", SECRET)
    return jpeg() + SECRET + appended.getvalue()


def truncated_jpeg() -> bytes:
    """A JPEG cut off half way."""
    data = jpeg((800, 600))
    return data[: len(data) // 2]


class _GbkInfo(zipfile.ZipInfo):
    """An entry whose name is written in GBK without the UTF-8 flag, as Chinese Windows archivers do."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def bundle(sheet_name: str, sheet: bytes, files: dict[str, bytes], gbk_names: bool = False) -> bytes:
    """A ZIP of one sheet and files; gbk_names writes names as Chinese Windows archivers do (GBK, no UTF-8 flag)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {sheet_name: sheet, **files}.items():
            info = (_GbkInfo if gbk_names else zipfile.ZipInfo)(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


BRAND_HEADER = "name,county,description,started_on,category,beneficiaries,photo,tags\n"


def brands_csv(*rows: str) -> bytes:
    """A brands CSV with English headers."""
    return (BRAND_HEADER + "".join(r + "\n" for r in rows)).encode()
