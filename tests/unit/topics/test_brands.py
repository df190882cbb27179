"""品牌展示: the gallery counts as the metric does; filters; the PPTX and the photos ZIP opened and checked."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn

from rcdash.importing.load import import_file
from rcdash.metrics import engine
from rcdash.reports import brand_pptx
from rcdash.store import media
from rcdash.store.connections import connect
from rcdash.topics import brands

END = date(2022, 12, 31)
MALICIOUS = "<script>alert('x')</script><img src=x onerror=alert(1)> **粗体** [链接](javascript:alert(1)) \x07"


pytestmark = pytest.mark.usefixtures("media_root")  # photos go to a media folder of the test's own


@pytest.fixture(scope="session")
def demo(demo_db: Path) -> duckdb.DuckDBPyConnection:
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("as_of", [date(2020, 12, 31), date(2021, 6, 30), END])
def test_gallery_counts_as_the_brand_projects_metric(demo, as_of: date) -> None:
    metrics = engine.at(demo, as_of, "county")
    for _, metric in metrics.iterrows():
        county = None if metric["level"] == "city" else metric["code"]
        assert len(brands.gallery(demo, as_of, county)) == metric["brand_projects"], metric["name"]


def test_gallery_rows_carry_resolved_demo_photos(demo) -> None:
    frame = brands.gallery(demo, END)
    assert len(frame) == 14 and frame["photo_path"].notna().all()  # the demo's placeholder PNGs, under data/media/demo
    first = frame.iloc[0]
    assert first["years"] == "2020 年 6 月启动 · 第 3 年" and first["tag_list"] == ["应急救护", "AED", "博爱家园"]


def test_filters_and_search(demo) -> None:
    frame = brands.gallery(demo, END)
    assert set(brands.filter_brands(frame, chosen_categories=["应急救援"])["category"]) == {"应急救援"}
    tagged = brands.filter_brands(frame, chosen_tags=["博爱家园", "人道救助"])
    assert all({"博爱家园", "人道救助"} <= set(t) for t in tagged["tag_list"]) and len(tagged) >= 1
    assert list(brands.filter_brands(frame, text="枫桥")["name"]) == ["枫桥经验·博爱e家"]
    assert len(brands.filter_brands(frame, text="诸暨 救护")) == 1  # every word must match
    assert brands.filter_brands(frame, text="不存在的词").empty
    assert brands.tags(frame)[0] == "博爱家园" and "应急救护" in brands.categories(frame)


def test_small_helpers() -> None:
    assert brands.split_tags("博爱家园；水上救援, AED、AED") == ["博爱家园", "水上救援", "AED"]
    assert brands.years_label(None, END) == brands.NO_START
    assert brands.years_label(date(2022, 5, 12), END) == "2022 年 5 月启动 · 第 1 年"
    assert brands.clean_text("a\x07b\x00") == "ab" and brands.clean_text(None) == ""
    assert brands.csv_safe("=1+2") == "'=1+2" and brands.csv_safe("正常") == "正常"


def run_texts(shape_tree: object) -> list[object]:
    texts = [shape.text_frame for shape in shape_tree if shape.has_text_frame]
    return [run for frame in texts for p in frame.paragraphs for run in p.runs]


def test_pptx_one_slide_per_project_with_photo_text_and_chinese_font(demo) -> None:
    frame = brands.gallery(demo, END, "330603")
    deck = Presentation(io.BytesIO(brand_pptx.brands_pptx(frame, "柯桥区", END, demo=True)))
    slides = list(deck.slides)
    metric = engine.at(demo, END, "county").set_index("code").loc["330603", "brand_projects"]
    assert len(slides) == 1 + len(frame) == 1 + metric
    cover = "\n".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert f"共 {metric} 个项目" in cover and brand_pptx.DEMO_NOTE in cover
    for slide, (_, row) in zip(slides[1:], frame.iterrows(), strict=True):
        text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert row["name"] in text and "柯桥区" in text and f"受益人数：{int(row['beneficiaries']):,} 人" in text
        assert row["description"] in text and brand_pptx.DEMO_NOTE in text
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1 and pictures[0].image.content_type == "image/jpeg"
        for run in run_texts(slide.shapes):
            rpr = run._r.find(qn("a:rPr"))
            assert rpr.find(qn("a:ea")).get("typeface") == brand_pptx.FONT
            assert rpr.find(qn("a:latin")).get("typeface") == brand_pptx.FONT


def test_pptx_placeholder_for_missing_photos_and_literal_descriptions(demo) -> None:
    frame = brands.gallery(demo, END, "330602").copy()
    frame.loc[frame.index[0], "photo"] = "data/media/demo/no-such-file.png"
    frame.loc[frame.index[0], "description"] = MALICIOUS
    deck = Presentation(io.BytesIO(brand_pptx.brands_pptx(frame, "越城区", END)))
    slide = list(deck.slides)[1]
    [picture] = [s for s in slide.shapes if s.shape_type == 13]
    assert picture.image.blob == media.placeholder_jpeg((1280, 800))
    text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "<script>alert('x')</script>" in text and "\x07" not in text  # plain text; control characters dropped
    assert brand_pptx.DEMO_NOTE not in text


def test_photos_zip_has_clean_jpegs_and_captions_that_import_again(demo, db_file: Path, tmp_path: Path,
                                                                  media_root: Path) -> None:
    frame = brands.gallery(demo, END).copy()
    frame.loc[frame.index[1], "photo"] = None  # a project without a photo: only in the captions
    frame.loc[frame.index[2], "description"] = "=HYPERLINK(\"http://example.com\")"
    data = brands.photos_zip(frame)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        captions = list(csv.DictReader(io.StringIO(archive.read(brands.CAPTIONS_NAME).decode("utf-8-sig"))))
        for name in names:
            if name.endswith(".jpg"):
                image = Image.open(io.BytesIO(archive.read(name)))
                assert image.format == "JPEG" and not image.info.get("exif")
    assert len(names) == len(frame) - 1 + 1 and names[0] == "照片/01_越城区_鉴湖救护驿站.jpg"
    assert [c["项目名称"] for c in captions] == list(frame["name"])
    assert captions[1]["照片"] == "" and captions[2]["项目简介"].startswith("'=")
    assert captions[0]["受益人数"] == str(frame.iloc[0]["beneficiaries"])
    path = tmp_path / "导出.zip"
    path.write_bytes(data)
    con = connect(db_file)
    result = import_file(con, "brands", path)
    assert result.exit_code == 0, result.errors
    again = con.execute("SELECT name, county, beneficiaries, photo FROM brands ORDER BY county, name").fetchall()
    con.close()
    assert len(again) == len(frame) and sum(p is not None for *_, p in again) == len(frame) - 1
    assert all(media.resolve(p) is not None for *_, p in again if p)
