"""Issue #21: print-ready maps — A4 at 300 dpi, the 地图 page's classes and colours, text as text in PDF and SVG."""

from __future__ import annotations

import base64
import io
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure as MplFigure
from matplotlib.text import Text
from pypdf import PdfReader

from rcdash.geo.townships import township_areas
from rcdash.maps import classes, layers
from rcdash.maps.basemaps import NO_BASEMAP, projector_for
from rcdash.reports import fonts, printed_map
from rcdash.store.connections import connect
from rcdash.topics.map_view import load_view

AS_OF = date(2022, 12, 31)
COUNTIES = ("越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市")
LOW_DPI = 40  # enough pixels to tell the classes apart; the size test draws at 300 dpi
needs_font = pytest.mark.skipif(fonts.find_cjk_font() is None, reason="no CJK font installed (fonts-noto-cjk)")
pytestmark = needs_font


@pytest.fixture(scope="session")
def demo_con(demo_db: Path) -> Iterator[object]:
    """A read-only connection to the shared demo database."""
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def city(demo_con: object) -> tuple[printed_map.PrintMap, MplFigure]:
    """The city's 建会率 map with sites, drawn once for the module."""
    pm = printed_map.load_print_map(demo_con, "village_branch_rate", AS_OF, sites=True)
    return pm, printed_map.draw(pm)


@pytest.fixture(scope="session")
def keqiao(demo_con: object) -> tuple[printed_map.PrintMap, MplFigure]:
    """柯桥区's 会员占比 map, the county given by name."""
    pm = printed_map.load_print_map(demo_con, "member_ratio", AS_OF, county="柯桥区")
    return pm, printed_map.draw(pm)


def drawn_texts(fig: MplFigure) -> list[str]:
    """Every non-empty text of a figure."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_is_a4_landscape_at_300_dpi(city: tuple) -> None:
    width, height = png_size(printed_map.render(city[1], "png"))
    assert width >= 2400
    # A4 landscape at 300 dpi: 3,508 × 2,480 px (matplotlib rounds down).
    assert abs(width - 297 / 25.4 * 300) < 1 and abs(height - 210 / 25.4 * 300) < 1


def test_townships_have_the_map_pages_colours(demo_con: object, city: tuple) -> None:
    pm, fig = city
    areas = township_areas(demo_con)
    view = load_view(demo_con, AS_OF, None, areas)
    page = layers.choropleth(view, layers.display_shapes(areas), "village_branch_rate", True, projector_for(NO_BASEMAP))
    page_fill = {f["properties"]["code"]: f["properties"]["fill"] for f in page.data["features"]}
    townships = fig.axes[0].collections[0]  # the first layer drawn: the township polygons
    printed = dict(zip(pm.townships["code"], (to_hex(c) for c in townships.get_facecolor()), strict=True))
    assert len(printed) == 103 and printed == page_fill
    assert len(set(printed.values())) >= 3, "the demo's townships fall into several classes"


def test_classes_drawn_and_no_others(city: tuple) -> None:
    """A golden check with a tolerance: the map area holds the colours of the classes present and no other class."""
    pm, fig = city
    pixels = matplotlib.image.imread(io.BytesIO(printed_map.render(fig, "png", dpi=LOW_DPI)))[..., :3]
    h, w, _ = pixels.shape
    left, bottom, width, height = printed_map.MAP_BOX
    box = pixels[round((1 - bottom - height) * h):round((1 - bottom) * h), round(left * w):round((left + width) * w)]
    present = set(pm.townships["cls"])
    for cls in (classes.NO_DATA, 1, 2, 3, 4):
        near = np.abs(box - np.array(to_rgb(classes.colour(cls)))).max(axis=-1) < 0.02
        # Solid areas only: a pixel and its four neighbours (anti-aliased text and borders make stray greys).
        solid = near[1:-1, 1:-1] & near[:-2, 1:-1] & near[2:, 1:-1] & near[1:-1, :-2] & near[1:-1, 2:]
        share = solid.mean()
        if cls in present:
            assert share > 0.005, (cls, share)
        else:
            assert share < 0.0002, (cls, share)


def test_title_legend_scale_north_and_notes(city: tuple) -> None:
    pm, fig = city
    texts = drawn_texts(fig)
    assert "绍兴市各乡镇（街道）村（社区）建会率" in texts
    assert any("统计截至 2022-12-31" in t and "2022 年目标" in t for t in texts)
    counts = pm.townships["cls"].value_counts()
    for cls, label in classes.legend_labels("village_branch_rate", [0.4]):
        assert f"{label}（{int(counts.get(cls, 0))} 个）" in texts
    assert set(COUNTIES) <= set(texts)  # county names at city scale
    assert "北" in texts and any(re.fullmatch(r"\d+ 公里", t) for t in texts)
    assert any(t.startswith("乡镇范围为近似") for t in texts) and any(t.startswith("数据来源") for t in texts)
    assert "示例数据" in texts
    stations = int((pm.sites["tier"] == "station").sum())
    assert stations and f"服务站（{stations} 个）" in texts


def test_scale_bar_is_a_round_length_in_km(city: tuple) -> None:
    assert printed_map._nice_km(100_000) == 20 and printed_map._nice_km(40_000) == 5
    ax = city[1].axes[0]
    bar = [p for p in ax.patches if p.get_zorder() == 6]
    km = next(float(t.split()[0]) for t in drawn_texts(city[1]) if t.endswith(" 公里"))
    assert sum(p.get_width() for p in bar) == pytest.approx(km * 1000)  # metres: the map is in UTM 51N
    width = np.diff(ax.get_xlim())[0]
    assert km * 1000 <= width * printed_map.SCALE_SHARE


def test_pdf_keeps_text_as_text_with_the_font_embedded(city: tuple) -> None:
    reader = PdfReader(io.BytesIO(printed_map.render(city[1], "pdf")))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert [round(float(v) / 72 * 25.4) for v in page.mediabox[2:]] == [297, 210]
    text = page.extract_text()
    for expected in (*COUNTIES, "绍兴市各乡镇（街道）村（社区）建会率", "乡镇范围为近似", "统计截至 2022-12-31"):
        assert expected in text
    for font in page["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert descendant["/Subtype"] == "/CIDFontType2" and "/FontFile2" in descendant["/FontDescriptor"]


def test_svg_parses_with_text_and_an_embedded_font(city: tuple) -> None:
    svg = printed_map.render(city[1], "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    texts = "".join(e.text or "" for e in root.iter() if e.tag.endswith("text"))
    assert all(name in texts for name in COUNTIES)
    style = next(e.text for e in root.iter() if e.tag.endswith("style") and "@font-face" in (e.text or ""))
    faces = re.findall(r"font-weight:(\d+);src:url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\)", style)
    cmaps = {weight: TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap() for weight, data in faces}
    assert set(cmaps) == {"400", "700"}
    assert all(ord(ch) in cmaps["700"] for ch in "越城区柯桥区")  # the bold county names
    assert all(ord(ch) in cmaps["400"] for ch in "乡镇范围为近似")


def test_one_county_shows_its_township_names(demo_con: object, keqiao: tuple, city: tuple) -> None:
    pm, fig = keqiao
    assert pm.county == "330603" and pm.area_name == "柯桥区" and len(pm.townships) == 16
    texts = drawn_texts(fig)
    assert "柯桥区各乡镇（街道）成人会员占常住人口比例" in texts
    labels = {t.split("\n")[0]: t.split("\n")[1] for t in texts if t.count("\n") == 1 and "：" not in t}
    assert set(pm.townships["name"]) <= set(labels)  # every township named, with its value by the number rule
    for name, value in zip(pm.townships["name"], pm.townships["value"], strict=True):
        assert labels[name] == ("无数据" if value is None else f"{value * 100:.2f}%"), name
    assert not set(COUNTIES) & set(texts)  # township names, not county names
    city_width, county_width = (np.diff(f.axes[0].get_xlim())[0] for f in (city[1], fig))
    assert county_width < 0.6 * city_width  # zoomed to the county


def test_official_boundaries_drop_the_approximation_note(city: tuple) -> None:
    pm = replace(city[0], approximate=False, boundary_source="正式边界：乡镇界.shp")
    texts = drawn_texts(printed_map.draw(pm))
    assert not any("近似" in t for t in texts)
    assert any("区县界：由导入的正式乡镇边界合并；乡镇正式边界：乡镇界.shp" in t for t in texts)


def test_bad_metric_county_and_format_are_refused(demo_con: object) -> None:
    with pytest.raises(printed_map.MapProblem, match="不支持的地图指标“coverage”"):
        printed_map.load_print_map(demo_con, "coverage", AS_OF)
    with pytest.raises(printed_map.MapProblem, match=r"没有区、县（市）“330699”.*330603 柯桥区"):
        printed_map.load_print_map(demo_con, "member_ratio", AS_OF, county="330699")
    with pytest.raises(printed_map.MapProblem, match=r"\.png、\.pdf 或 \.svg"):
        printed_map.format_of("map.jpg")


def test_without_a_cjk_font_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch, city: tuple) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    with pytest.raises(fonts.FontMissing, match="fonts-noto-cjk"):
        printed_map.draw(city[0])
