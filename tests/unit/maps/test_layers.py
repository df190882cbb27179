"""Map builders: choropleth classes, vendored assets (nothing from a CDN), layers, basemaps, the township profile."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import folium
import pytest
import shapely
from folium.plugins import Fullscreen

from rcdash.geo.boundaries import township_shapes
from rcdash.geo.crs import from_wgs84
from rcdash.geo.townships import approximate_areas, township_areas
from rcdash.maps import assets, classes, layers
from rcdash.maps.basemaps import NO_BASEMAP, OPENSTREETMAP, Projector, SettingsError, basemaps
from rcdash.maps.profile import township_profile
from rcdash.metrics.rules import villages_needed
from rcdash.store.connections import connect
from rcdash.topics.map_view import MapView, load_view

AS_OF = date(2022, 12, 31)
CITY_PAYLOAD_LIMIT = 3_000_000  # issue #4: ≤ 3 MB of map HTML at city scale
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""")


# ---------------------------------------------------------------------------- classes


@pytest.mark.parametrize(("value", "target", "expected"), [
    (None, 0.4, classes.NO_DATA), (float("nan"), 0.4, classes.NO_DATA), (0.3, None, classes.NO_DATA),
    (0.0, 0.4, 1), (0.199, 0.4, 1), (0.2, 0.4, 2), (0.319, 0.4, 2), (0.32, 0.4, 3), (0.399, 0.4, 3), (0.4, 0.4, 4),
    (0.9, 0.4, 4),
])
def test_rate_class_is_attainment_of_the_target(value: float | None, target: float | None, expected: int) -> None:
    assert classes.rate_class(value, target) == expected


@pytest.mark.parametrize(("needed", "expected"), [(None, 0), (0, 4), (1, 3), (2, 3), (3, 2), (5, 2), (6, 1), (30, 1)])
def test_needed_class(needed: int | None, expected: int) -> None:
    assert classes.needed_class(needed) == expected


def test_villages_needed() -> None:
    assert villages_needed(10, 4, 0.4) == 0  # 0.4 × 10 is exactly 4
    assert villages_needed(11, 4, 0.4) == 1  # 4.4 → 5
    assert villages_needed(10, None, 0.4) is None
    assert villages_needed(0, 0, 0.4) is None


def test_legend_labels_show_thresholds_and_no_data() -> None:
    labels = classes.legend_labels("village_branch_rate", [0.4, 0.4])
    assert labels == [(1, "< 20%（不到目标一半）"), (2, "20% – 32%"), (3, "32% – 40%"), (4, "≥ 40%（达到目标）"), (0, "无数据")]
    mixed = classes.legend_labels("member_ratio", [0.016, 0.02])
    assert mixed[-2] == (4, "达到目标") and mixed[-1] == (0, "无数据")
    needed = classes.legend_labels("villages_without_branch", [0.3])
    assert needed[0] == (1, "还需建会 ≥ 6 个") and "30%" in needed[3][1]
    assert classes.colour(classes.NO_DATA) == classes.NO_DATA_COLOUR


# ---------------------------------------------------------------------------- assets


def test_every_vendored_file_exists() -> None:
    missing = [str(p) for p in assets.vendored_files() if not p.is_file()]
    assert not missing, f"run scripts/vendor_static.py: {missing}"
    assert (assets.VENDOR_DIR / "PROVENANCE.md").is_file()


def test_localize_points_folium_defaults_at_vendored_copies() -> None:
    m = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(m)
    folium.plugins.HeatMap([[30.0, 120.5]]).add_to(m)
    assets.localize(m)
    js, css = assets.asset_links(m)
    assert js and css
    for url in js + css:
        assert url.startswith(assets.VENDOR_URL)
        assert (assets.VENDOR_DIR / url.removeprefix(assets.VENDOR_URL + "/")).is_file(), url
    assert not EXTERNAL.search(m.get_root().render())


def test_localize_refuses_unknown_outside_files() -> None:
    m = folium.Map(tiles=None)
    Fullscreen().add_to(m)
    with pytest.raises(assets.ExternalAssetError, match="not vendored"):
        assets.localize(m)


def test_localize_refuses_branca_colormaps() -> None:
    import branca

    m = folium.Map(tiles=None)
    branca.colormap.LinearColormap(["red", "green"]).add_to(m)
    with pytest.raises(assets.ExternalAssetError, match="d3"):
        assets.localize(m)


def test_css_of_vendored_leaflet_refers_only_to_vendored_images() -> None:
    css_dir = assets.VENDOR_DIR / "leaflet@1.9.3" / "dist"
    for ref in re.findall(r"url\(([^)#]+)\)", (css_dir / "leaflet.css").read_text()):
        assert (css_dir / ref.strip("'\"")).is_file(), ref


# ---------------------------------------------------------------------------- basemaps


def test_basemaps_from_settings() -> None:
    assert basemaps({}) == [NO_BASEMAP, OPENSTREETMAP]
    assert not NO_BASEMAP.online
    custom = basemaps({"map": {"tile_url": "http://t{s}.example/{z}/{x}/{y}", "tile_name": "天地图", "tile_crs": "gcj-02",
                               "tile_subdomains": "01234567"}})[-1]
    assert (custom.label, custom.crs, custom.subdomains) == ("天地图（需联网）", "GCJ02", "01234567")
    with pytest.raises(SettingsError, match="tile_crs"):
        basemaps({"map": {"tile_url": "http://x/{z}/{x}/{y}", "tile_crs": "BD09"}})


def test_projector_shifts_for_gcj02_and_back() -> None:
    p = Projector("GCJ02")
    x, y = p.point(120.58, 30.0)
    assert (x, y) == pytest.approx(from_wgs84(120.58, 30.0, "GCJ02"))
    assert p.back(x, y) == pytest.approx((120.58, 30.0), abs=1e-6)
    geom = township_shapes()["330602001"]
    moved = p.geom(geom)
    dx = moved.centroid.x - geom.centroid.x
    assert 0.003 < dx < 0.005  # ≈ +0.004° east
    assert Projector().geom(geom) is geom


# ---------------------------------------------------------------------------- layers on the demo


@pytest.fixture(scope="session")
def view(demo_db: Path) -> Iterator[MapView]:
    con = connect(demo_db, read_only=True)
    try:
        yield load_view(con, AS_OF, None, township_areas(con))
    finally:
        con.close()


@pytest.fixture(scope="session")
def shapes() -> layers.DisplayShapes:
    return layers.display_shapes(approximate_areas())


def test_display_shapes_simplify_but_keep_the_tiling(shapes: layers.DisplayShapes) -> None:
    raw = township_shapes()
    assert set(shapes.townships) == set(raw)
    assert sum(len(shapely.get_coordinates(g)) for g in shapes.townships.values()) < 0.85 * sum(
        len(shapely.get_coordinates(g)) for g in raw.values())
    for code, geom in shapes.townships.items():
        assert geom.is_valid, code
        assert geom.symmetric_difference(raw[code]).area < 0.1 * raw[code].area
    union = shapely.union_all(list(shapes.townships.values()))
    assert union.area == pytest.approx(sum(g.area for g in shapes.townships.values()), rel=1e-3)  # no overlaps
    assert set(shapes.counties) == {"330602", "330603", "330604", "330624", "330681", "330683"}


def test_view_has_every_township_with_targets(view: MapView) -> None:
    t = view.townships
    assert len(t) == 103 and t["has_area"].all()
    assert set(t["village_branch_rate_target"]) == {0.4} and set(t["member_ratio_target"]) == {0.02}
    assert {"sites", "branches", "members"} <= view.kinds
    assert set(view.sites["tier"]) == {"center", "base", "station", "point"}
    assert t["branches"].sum() + view.branches_unplaced > 0


def _features(m: folium.Map, layer_name: str) -> list[dict]:
    for child in m._children.values():
        if isinstance(child, folium.GeoJson) and child.layer_name == layer_name:
            return child.data["features"]
    raise AssertionError(f"no layer {layer_name}")


def test_planner_map_draws_everything_offline(view: MapView, shapes: layers.DisplayShapes) -> None:
    m = layers.planner_map(view, shapes, True, layers.MapOptions(show_radius=True))
    html = m.get_root().render()
    assert not EXTERNAL.search(html), "a JS/CSS file would be fetched from outside"
    assert len(html.encode()) < CITY_PAYLOAD_LIMIT
    names = [getattr(c, "layer_name", None) for c in m._children.values()]
    for expected in ("乡镇（街道）：村（社区）建会率", "区、县（市）边界", "乡镇（街道）名称", "区、县（市）名称",
                     "基层组织分布热力（按乡镇汇总）", "服务站服务半径（5 公里）"):
        assert expected in names
    assert [n for n in names if n and n.startswith("服务")][:4] == [
        "服务站服务半径（5 公里）", f"服务中心（{(view.sites.tier == 'center').sum()}）",
        f"服务基地（{(view.sites.tier == 'base').sum()}）", f"服务站（{(view.sites.tier == 'station').sum()}）"]
    features = _features(m, "乡镇（街道）：村（社区）建会率")
    assert len(features) == 103
    assert all(f["properties"]["boundary"] == "近似范围（非正式边界）" for f in features)
    legend = next(c for c in m._children.values() if isinstance(c, layers.Panel)).content
    assert "无数据" in legend and "近似" in legend  # the explicit no-data class and the approximation note
    assert json.dumps("无数据")[1:-1] in html
    assert "LayerControl" in html or "L.control.layers" in html


def test_map_scale_is_metric_only(view: MapView, shapes: layers.DisplayShapes) -> None:
    """Issue 16.6: the scale bar showed miles under the kilometres."""
    for m in (layers.planner_map(view, shapes, True, layers.MapOptions()), layers.picks_map(view, shapes, True, [], set(), 5)):
        html = m.get_root().render()
        assert html.count("L.control.scale(") == 1
        assert "L.control.scale({imperial: false, metric: true})" in html


def test_map_focus_does_not_scroll_the_page(view: MapView, shapes: layers.DisplayShapes) -> None:
    """Issue 16.5: Leaflet focuses the map on the first click; plain focus() scrolled the page under the mouse."""
    html = layers.planner_map(view, shapes, True, layers.MapOptions()).get_root().render()
    assert "container.focus = function(options)" in html and "preventScroll: true" in html


def test_legends_are_collapsible_and_names_have_their_own_pane(view: MapView, shapes: layers.DisplayShapes) -> None:
    """Issue 16.5/16.6: a legend toggle (closed on narrow maps); names below tooltips, popups clear of the legend."""
    for m in (layers.planner_map(view, shapes, True, layers.MapOptions()), layers.picks_map(view, shapes, True, [], set(), 5)):
        panel = next(c for c in m._children.values() if isinstance(c, layers.Panel))
        assert panel.collapsible and panel.title == "图例"
        html = m.get_root().render()
        assert "rc-legend-toggle" in html and f"map.getSize().x >= {layers.NARROW_MAP_PX}" in html
        assert f"createPane({json.dumps(layers.LABEL_PANE)}).style.zIndex = {layers.LABEL_PANE_Z}" in html
        assert "pane: 'tooltipPane'" not in html and f"pane: '{layers.LABEL_PANE}'" in html
        assert "autoPanPaddingTopLeft" in html
    assert 600 < layers.LABEL_PANE_Z < 650  # above the markers, below tooltips (and popups at 700)


def test_choropleth_classes_follow_the_metric(view: MapView, shapes: layers.DisplayShapes) -> None:
    m = layers.planner_map(view, shapes, False, layers.MapOptions(metric="villages_without_branch"))
    features = {f["properties"]["code"]: f["properties"] for f in _features(m, "乡镇（街道）：未建会村（社区）数")}
    row = view.townships.set_index("code").loc["330602002"]
    props = features["330602002"]
    assert props["value"].startswith(f"{int(row['villages_without_branch'])} 个")
    assert props["fill"] == classes.colour(classes.needed_class(int(row["villages_needed"])))
    assert props["boundary"] == "正式边界"


def test_no_data_class_when_members_are_missing(view: MapView, shapes: layers.DisplayShapes) -> None:
    blank = view.townships.assign(member_ratio=None, adult_members=None)
    m = layers.planner_map(MapView(view.as_of, None, blank, view.sites, 0, view.county_names, view.kinds), shapes, True,
                           layers.MapOptions(metric="member_ratio"))
    props = [f["properties"] for f in _features(m, "乡镇（街道）：成人会员占常住人口比例")]
    assert {p["fill"] for p in props} == {classes.NO_DATA_COLOUR}
    assert {p["value"] for p in props} == {"无数据"} and {p["klass"] for p in props} == {"无数据"}


def test_sites_are_sent_as_compact_rows_with_escaped_popups(view: MapView) -> None:
    sites = view.sites.head(3).copy()
    sites.loc[sites.index[0], "name"] = "<script>alert(1)</script>站"
    cluster = layers.site_layers(sites, Projector())
    rows = [r for layer in cluster for r in layer.rows]
    assert len(rows) == 3
    assert "&lt;script&gt;" in rows[0][2] and "<script>" not in rows[0][2]
    assert {"类型", "依托场所", "服务功能", "启用日期"} <= set(re.findall(r"<br>(\S+?)：", " ".join(str(r[2]) for r in rows)))


def test_gcj02_basemap_shifts_what_is_drawn(view: MapView, shapes: layers.DisplayShapes) -> None:
    from rcdash.maps.basemaps import Basemap

    amap = Basemap("custom", "高德", "http://example/{z}/{x}/{y}", crs="GCJ02")
    wgs = layers.planner_map(view, shapes, True, layers.MapOptions(basemap=OPENSTREETMAP))
    gcj = layers.planner_map(view, shapes, True, layers.MapOptions(basemap=amap))
    a = shapely.geometry.shape(_features(wgs, "乡镇（街道）：村（社区）建会率")[0]["geometry"])
    b = shapely.geometry.shape(_features(gcj, "乡镇（街道）：村（社区）建会率")[0]["geometry"])
    assert 0.003 < b.centroid.x - a.centroid.x < 0.005


def test_highlight_and_picks_map(view: MapView, shapes: layers.DisplayShapes) -> None:
    from rcdash.topics import gaps

    group = layers.highlight(shapes, ["330602001"])
    assert json.dumps(next(iter(group._children.values())).data).count("Feature") >= 1
    picks = gaps.greedy_new_stations(view.townships, [], 5, 3)
    m = layers.picks_map(view, shapes, True, picks, set(), 5)
    html = m.get_root().render()
    assert not EXTERNAL.search(html)
    assert json.dumps(f"1 {picks[0].name}")[1:-1] in html and json.dumps("建议新建服务站")[1:-1] in html


def test_township_profile(view: MapView) -> None:
    row = view.townships.sort_values("villages_needed", ascending=False).iloc[0]
    profile = township_profile(view, row["code"], approximate=True)
    assert profile is not None and profile.title == row["name"]
    assert dict(profile.figures)["村（社区）建会率"].startswith(f"{row['village_branch_rate'] * 100:.1f}%")
    assert any("还需建会" in g for g in profile.gaps)
    assert profile.notes and "近似" in profile.notes[0]
    assert list(profile.sites.columns) == ["阵地名称", "类型", "依托场所", "启用日期"]
    assert township_profile(view, "000000000", True) is None



def test_fast_render_gives_exactly_the_html_branca_gives(view: MapView, shapes: layers.DisplayShapes) -> None:
    import itertools
    from unittest.mock import patch

    from branca.element import MacroElement

    from rcdash.maps import fast_render

    def draw(options: layers.MapOptions) -> folium.Map:  # element ids from a counter, so two drawings match
        counter = itertools.count()
        with patch("branca.element.urandom", lambda n: next(counter).to_bytes(n, "big")):
            return layers.planner_map(view, shapes, True, options)

    assert MacroElement.render is fast_render._render  # installed by rcdash.maps.layers
    for options in (layers.MapOptions(show_radius=True), layers.MapOptions(metric="villages_without_branch")):
        fast = draw(options).get_root().render()
        with patch.object(MacroElement, "render", fast_render.BRANCA_RENDER):
            slow = draw(options).get_root().render()
        assert len(fast) > 100_000 and fast == slow
