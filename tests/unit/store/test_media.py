"""Photos: checked by content, re-encoded without metadata, size-limited, stored by hash, resolved only inside media."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from rcdash import config
from rcdash.store import media
from tests import samples


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(("data", "fmt"), [(samples.jpeg(), "JPEG"), (samples.png(), "PNG"), (samples.webp(), "WEBP"),
                                           (samples.gif(), None), (samples.TEXT, None), (samples.EXECUTABLE, None)])
def test_type_is_read_from_content(data: bytes, fmt: str | None) -> None:
    assert media.sniff(data) == fmt


@pytest.mark.parametrize("data", [samples.jpeg(), samples.png(), samples.webp(), samples.png(alpha=True)])
def test_accepted_images_become_rgb_jpeg(data: bytes) -> None:
    out = decoded(media.normalise_image(data))
    assert out.format == "JPEG" and out.mode == "RGB"


def test_metadata_is_stripped_and_orientation_applied() -> None:
    original = samples.jpeg((400, 300), exif=True, orientation=6)  # 6: the camera was turned; show rotated
    assert b"SecretCam" in original
    out = media.normalise_image(original)
    assert b"SecretCam" not in out and b"GPS" not in out and b"Exif" not in out
    assert decoded(out).size == (300, 400)


def test_large_photos_are_downscaled() -> None:
    out = decoded(media.normalise_image(samples.jpeg((4000, 3000))))
    assert max(out.size) == media.STORED_MAX_SIDE and out.size == (1600, 1200)


def test_transparency_is_flattened_onto_white() -> None:
    out = decoded(media.normalise_image(samples.png(alpha=True)))
    assert out.getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize(("data", "words"), [
    (samples.TEXT, "不是 JPEG、PNG 或 WebP"),  # an HTML/script file renamed .jpg
    (samples.EXECUTABLE, "不是 JPEG、PNG 或 WebP"),  # a Windows executable renamed .jpg
    (samples.ELF, "不是 JPEG、PNG 或 WebP"),
    (samples.gif(), "不是 JPEG、PNG 或 WebP"),
    (b"\xff\xd8\xff\xe0" + b"garbage" * 50, "已损坏"),  # a JPEG signature and nothing else
    (samples.truncated_jpeg(), "已损坏"),
])
def test_fake_or_broken_images_are_refused(data: bytes, words: str) -> None:
    with pytest.raises(media.ImageProblem, match=words):
        media.normalise_image(data)


def test_image_bomb_is_refused_from_its_header_without_decoding() -> None:
    started = time.perf_counter()
    with pytest.raises(media.ImageProblem, match="尺寸异常"):
        media.normalise_image(samples.png_bomb())
    assert time.perf_counter() - started < 2  # refused before 3.6 gigapixels are allocated


def test_long_strip_is_refused() -> None:
    with pytest.raises(media.ImageProblem, match="尺寸异常"):
        media.normalise_image(samples.png_bomb(width=media.MAX_IMAGE_SIDE + 1, height=10))


def test_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "MAX_IMAGE_BYTES", 1000)
    with pytest.raises(media.ImageProblem, match="图片过大"):
        media.normalise_image(samples.jpeg((600, 600)))


def test_polyglot_payload_does_not_survive_re_encoding() -> None:
    data = samples.polyglot()
    assert samples.SECRET in data
    out = media.normalise_image(data)
    assert samples.SECRET not in out and b"payload.html" not in out and b"PK\x03\x04" not in out
    assert decoded(out).format == "JPEG"


def test_store_is_content_addressed_and_idempotent(media_root: Path) -> None:
    jpeg = media.normalise_image(samples.jpeg())
    reference, new = media.store(jpeg)
    assert new and reference.startswith("photos/") and reference.endswith(".jpg") and len(Path(reference).stem) == 64
    assert (media_root / reference).read_bytes() == jpeg
    assert media.store(jpeg) == (reference, False)
    assert [p.name for p in (media_root / "photos").iterdir()] == [Path(reference).name]  # no temporary files left
    media.remove([reference])
    assert not (media_root / reference).exists()


def test_resolve_stays_inside_the_media_folders(media_root: Path, tmp_path: Path) -> None:
    reference, _ = media.store(media.normalise_image(samples.jpeg()))
    assert media.resolve(reference) == (media_root / reference).resolve()
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(samples.jpeg())
    (media_root / "photos" / "link.jpg").symlink_to(outside)
    for bad in ("../secret.jpg", str(outside), "/etc/passwd", "photos/../../secret.jpg", "C:\\x.jpg", "photos\\a.jpg",
                "photos/link.jpg", "photos/missing.jpg", "photos/x.txt", "", None, 42, "photos/a.jpg\x00.png"):
        assert media.resolve(bad) is None, bad


def test_demo_pictures_resolve_from_the_project_folder(media_root: Path, tmp_path: Path) -> None:
    demo = config.DEFAULT_MEDIA_DIR / "demo"
    demo.mkdir(parents=True, exist_ok=True)
    picture = demo / f"test-m6-{os.getpid()}.png"
    picture.write_bytes(samples.png())
    try:
        assert media.resolve(f"data/media/demo/{picture.name}") == picture.resolve()
        assert media.resolve("data/media/../rcdash.duckdb") is None
    finally:
        picture.unlink()


def test_placeholder_and_cards() -> None:
    placeholder = decoded(media.placeholder_jpeg())
    assert placeholder.format == "JPEG" and placeholder.size == media.CARD_SIZE
    assert media.card_jpeg(None) == media.placeholder_jpeg()
    assert decoded(media.card_jpeg(None, (320, 200))).size == (320, 200)


def test_card_of_a_broken_file_is_the_placeholder(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(samples.TEXT)
    assert media.card_jpeg(broken) == media.placeholder_jpeg()
    good = tmp_path / "good.png"
    good.write_bytes(samples.png((1000, 300)))
    assert decoded(media.card_jpeg(good)).size == media.CARD_SIZE  # cropped to the card's shape
    assert media.photo_jpeg(broken) is None and media.photo_jpeg(None) is None
