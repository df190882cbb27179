"""Folium builders for the planners' maps (pure: data in, folium objects out; every asset vendored, see assets.py).

Large point sets (sites, labels, circles) are sent as compact JSON rows that one small JS function turns into
markers in the browser, instead of one folium element (≈1 KB of script) per point: the page stays small at
province scale. Polygons are simplified as a coverage, so neighbouring townships keep sharing their borders.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import HeatMap, MarkerCluster
from folium.template import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from rcdash.geo.townships import TownshipAreas
from rcdash.labels import fmt_target
from rcdash.maps import classes, fast_render
from rcdash.maps.assets import localize
from rcdash.maps.basemaps import NO_BASEMAP, Basemap, Projector, projector_for
from rcdash.topics.gaps import Pick
from rcdash.topics.map_view import TIER_LABELS, TIER_ORDER, MapView

# ≈ 200 m: below what a city-wide view can show (1 px ≈ 150 m at zoom 10); cuts the polygons' vertices by a third.
SIMPLIFY_TOLERANCE_DEG = 0.002
COORD_DECIMALS = 5  # ≈ 1 m: more digits only add bytes to the page
TOWNSHIP_LABEL_MIN_ZOOM = 10  # below it the 103 township names overlap: only county names are shown
MAP_HEIGHT_PX = 680
MIN_ZOOM = 7
# Below this map width (a phone) the legend starts collapsed: open, it would cover half the map.
NARROW_MAP_PX = 480
# Names get their own pane: above the site markers (600), below tooltips (650) and popups (700).
LABEL_PANE, LABEL_PANE_Z = "rcLabels", 640
HEAT_RADIUS_PX, HEAT_BLUR_PX = 28, 22
# Distinct colour, letter and size for each tier of the "1+6+N" positions (blues/purples: apart from the
# red-to-green choropleth underneath).
TIER_STYLE: dict[str, tuple[str, str, int]] = {
    "center": ("#4a148c", "中", 30),
    "base": ("#283593", "基", 26),
    "station": ("#1565c0", "站", 22),
    "point": ("#00838f", "点", 16),
}
SELECTED_COLOUR = "#111111"
PICK_COLOUR = "#6a1b9a"

CSS = """
<style>
.leaflet-container { background: #eef2f5; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  "PingFang SC", sans-serif; }
.rc-label { background: none; border: none; }
.leaflet-rcLabels-pane { pointer-events: none; }
.rc-label span { position: absolute; transform: translate(-50%, -50%); white-space: nowrap; font-size: 11px;
  color: #263238; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none; }
.rc-county-label span { font-size: 15px; font-weight: 700; color: #1a237e; letter-spacing: 1px; }
.rc-pick-label span { font-size: 13px; font-weight: 700; color: #fff; background: #6a1b9a; border-radius: 10px;
  padding: 1px 7px; text-shadow: none; }
.rc-zoom-low .rc-township-label { display: none; }
.rc-badge { display: flex; align-items: center; justify-content: center; color: #fff; font-weight: 700;
  border: 2px solid #fff; box-shadow: 0 1px 3px rgba(0,0,0,.55); box-sizing: border-box; line-height: 1; }
.rc-cluster { display: flex; align-items: center; justify-content: center; color: #fff; font-weight: 700;
  font-size: 12px; width: 34px; height: 34px; border-radius: 17px; border: 3px solid rgba(255,255,255,.85);
  box-shadow: 0 1px 4px rgba(0,0,0,.5); box-sizing: border-box; }
.rc-panel { background: rgba(255,255,255,.93); padding: 6px 8px; border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,.3); font-size: 11px; line-height: 1.45; color: #222; max-width: 170px; }
.rc-panel b { font-size: 12px; }
.rc-legend { padding: 0; }
.rc-legend-toggle { display: block; width: 100%; border: none; background: none; padding: 5px 8px; cursor: pointer;
  font: inherit; font-size: 12px; font-weight: 700; color: #222; text-align: left; white-space: nowrap; }
.rc-legend-body { padding: 0 8px 6px; }
.rc-legend.rc-collapsed .rc-legend-body { display: none; }
.rc-panel .row { display: inline-block; width: 49%; white-space: nowrap; }
.rc-panel .sw { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -2px;
  border: 1px solid #888; }
.rc-panel .mk { display: inline-flex; width: 16px; height: 16px; margin-right: 6px; vertical-align: -3px;
  font-size: 10px; border-width: 1px; }
.rc-note { background: #fff8e1; border-left: 4px solid #f9a825; }
.leaflet-popup-content { font-size: 12px; line-height: 1.6; }
</style>
"""


fast_render.install()  # the maps below render to the same HTML, several times faster

# ---------------------------------------------------------------------------- custom elements


class DataLayer(Layer):
    """A layer built in the browser from JSON rows by one JS function `make(row) → layer`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var layer = {{ this.group }};
            var make = {{ this.make }};
            var rows = {{ this.rows|tojson }};
            for (var i = 0; i < rows.length; i++) { layer.addLayer(make(rows[i])); }
            return layer;
        })();
        {% endmacro %}
    """)

    def __init__(self, rows: list[list[object]], make: str, name: str, show: bool = True, control: bool = True,
                 group: str = "L.layerGroup()") -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "DataLayer"
        self.rows, self.make, self.group = rows, make, group


class ClusterLayer(JSCSSMixin, DataLayer):
    """A DataLayer whose markers are clustered (Leaflet.markercluster, vendored)."""

    default_js = MarkerCluster.default_js
    default_css = MarkerCluster.default_css

    def __init__(self, rows: list[list[object]], make: str, name: str, colour: str, show: bool = True) -> None:
        icon = ("function(c) { return L.divIcon({html: '<div class=\"rc-cluster\" style=\"background:" + colour
                + "\">' + c.getChildCount() + '</div>', className: 'rc-cluster-icon', iconSize: L.point(34, 34)}); }")
        super().__init__(rows, make, name, show, group=f"L.markerClusterGroup({{iconCreateFunction: {icon}, "
                                                          "showCoverageOnHover: false, maxClusterRadius: 45})")
        self._name = "ClusterLayer"


class Panel(folium.MacroElement):
    """A fixed box on the map (legend, notes) with HTML content."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var box = L.control({position: {{ this.position|tojson }}});
            var map = {{ this._parent.get_name() }};
            box.onAdd = function() {
                var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
                {%- if this.collapsible %}
                div.classList.add('rc-legend');
                var button = L.DomUtil.create('button', 'rc-legend-toggle', div);
                button.type = 'button';
                var body = L.DomUtil.create('div', 'rc-legend-body', div);
                body.innerHTML = {{ this.content|tojson }};
                var show = function(open) {
                    div.classList.toggle('rc-collapsed', !open);
                    button.textContent = (open ? '▾ ' : '▸ ') + {{ this.title|tojson }};
                    button.title = open ? '收起图例' : '展开图例';
                    button.setAttribute('aria-expanded', String(open));
                    map.fire('rclegend');
                };
                L.DomEvent.on(button, 'click', function() { show(div.classList.contains('rc-collapsed')); });
                map.rcLegend = div;
                map.rcShowLegend = show;
                show(map.getSize().x >= {{ this.narrow_px }});
                {%- else %}
                div.innerHTML = {{ this.content|tojson }};
                {%- endif %}
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            box.addTo(map);
            {%- if this.collapsible %}
            map.fire('rclegend', {initial: true});
            {%- endif %}
        })();
        {% endmacro %}
    """)

    def __init__(self, content: str, position: str = "bottomright", css_class: str = "rc-panel",
                 collapsible: bool = False, title: str = "图例") -> None:
        super().__init__()
        self._name = "Panel"
        self.content, self.position, self.css_class = content, position, css_class
        # A collapsible panel is the map's legend: a toggle titled `title`, closed at first on narrow maps.
        self.collapsible, self.title, self.narrow_px = collapsible, title, NARROW_MAP_PX


class MapSetup(folium.MacroElement):
    """Page style, map behaviour that folium does not set, and what keeps labels, tooltips and popups readable.

    - township names hidden when zoomed out (a zoom class), a plain attribution prefix;
    - focusing the map does not scroll the page (Leaflet's keyboard handler focuses the map on the first click, and
      the browser then scrolled the whole map into view: the click landed elsewhere and selected nothing);
    - a metric scale bar (folium's `control_scale` adds Leaflet's default, with miles);
    - a pane for names; names step aside from site markers, earlier names and the controls;
    - tooltips are kept inside the map and off the controls, popups pan clear of them;
    - with a legend on the left, the first view is fitted beside it, not under it.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}""" + CSS + """{% endmacro %}
        {% macro script(this, kwargs) %}
        (function(map) {
            var container = map.getContainer(), PAD = 6;
            function zoomClass() {
                if (map.getZoom() < {{ this.label_zoom }}) { container.classList.add('rc-zoom-low'); }
                else { container.classList.remove('rc-zoom-low'); }
            }
            map.on('zoomend', zoomClass);
            zoomClass();
            if (map.attributionControl) { map.attributionControl.setPrefix('Leaflet'); }

            var focus = container.focus;
            container.focus = function(options) {
                focus.call(container, Object.assign({}, options, {preventScroll: true}));
            };

            L.control.scale({imperial: false, metric: true}).addTo(map);
            map.createPane({{ this.label_pane|tojson }}).style.zIndex = {{ this.label_pane_z }};

            function rect(el) { return el.getBoundingClientRect(); }
            function visible(r) { return r.width > 0 && r.height > 0; }
            function overlaps(a, b) {
                return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
            }
            function moved(r, dx, dy) {
                return {left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy};
            }
            function controlBoxes() {
                var corners = map._controlCorners, out = [];
                ['topleft', 'topright', 'bottomleft', 'bottomright'].forEach(function(k) {
                    if (corners[k]) {
                        [].forEach.call(corners[k].children, function(c) {
                            var r = rect(c); if (visible(r)) { out.push(r); }
                        });
                    }
                });
                return out;
            }
            function legendOpen() { return map.rcLegend && !map.rcLegend.classList.contains('rc-collapsed'); }

            // Tooltips: inside the map, then below (or beside) any control they would slide under.
            function clear(r) {
                var m = rect(container), dx = 0, dy = 0, boxes = controlBoxes();
                for (var pass = 0; pass < 2; pass++) {
                    var b = moved(r, dx, dy);
                    if (b.right > m.right - PAD) { dx += m.right - PAD - b.right; }
                    b = moved(r, dx, dy);
                    if (b.left < m.left + PAD) { dx += m.left + PAD - b.left; }
                    b = moved(r, dx, dy);
                    if (b.bottom > m.bottom - PAD) { dy += m.bottom - PAD - b.bottom; }
                    b = moved(r, dx, dy);
                    if (b.top < m.top + PAD) { dy += m.top + PAD - b.top; }
                    boxes.forEach(function(c) {
                        b = moved(r, dx, dy);
                        if (!overlaps(b, c)) { return; }
                        var below = c.bottom + PAD - b.top, right = c.right + PAD - b.left, left = c.left - PAD - b.right;
                        if (b.bottom + below <= m.bottom - PAD) { dy += below; }
                        else if (c.left - m.left < m.right - c.right && b.right + right <= m.right - PAD) { dx += right; }
                        else { dx += left; }
                    });
                }
                return [dx, dy];
            }
            if (!L.Tooltip.prototype.rcClear) {
                var place = L.Tooltip.prototype._setPosition;
                L.Tooltip.prototype._setPosition = function(pos) {
                    place.call(this, pos);
                    if (this._map && this._map.rcClear) {
                        var d = this._map.rcClear(rect(this._container));
                        if (d[0] || d[1]) {
                            L.DomUtil.setPosition(this._container, L.DomUtil.getPosition(this._container).add(d));
                        }
                    }
                };
                L.Tooltip.prototype.rcClear = true;
            }
            map.rcClear = clear;

            // Popups: Leaflet pans the map so a popup stays inside these paddings, clear of the controls.
            function popupRoom() {
                // On a phone an open legend leaves no room beside it: a popup closes it.
                if (legendOpen() && map.getSize().x < {{ this.narrow_px }}) { map.rcShowLegend(false); }
                var m = rect(container), corners = map._controlCorners, o = L.Popup.prototype.options;
                var tl = rect(corners.topleft), tr = rect(corners.topright);
                var bottom = Math.max(rect(corners.bottomleft).height, rect(corners.bottomright).height);
                if (legendOpen()) {
                    o.autoPanPaddingTopLeft = L.point(rect(map.rcLegend).right - m.left + PAD, tr.bottom - m.top + PAD);
                } else {
                    o.autoPanPaddingTopLeft = L.point(PAD, Math.max(tl.bottom, tr.bottom) - m.top + PAD);
                }
                o.autoPanPaddingBottomRight = L.point(PAD, bottom + PAD);
                o.maxWidth = Math.max(150, Math.min(300, m.width - 2 * PAD - 50));
            }
            map.rcPopupRoom = popupRoom;
            if (!L.Popup.prototype.rcRoom) {
                var update = L.Popup.prototype.update;
                L.Popup.prototype.update = function() {
                    if (this._map && this._map.rcPopupRoom) { this._map.rcPopupRoom(); }
                    return update.call(this);
                };
                L.Popup.prototype.rcRoom = true;
            }
            map.on('rclegend', function(e) {
                if (e.initial && legendOpen()) {
                    var m = rect(container);
                    map.fitBounds({{ this.bounds|tojson }}, {paddingTopLeft: [rect(map.rcLegend).right - m.left + PAD, 12],
                                                           paddingBottomRight: [12, 12]});
                }
                arrange();
            });

            // Names: each tries its place, then spots ever further from it (half a name's height or width at a
            // time, up to two heights and one and a half widths), and takes the first clear of site markers, of names
            // placed before it and of the controls; where none is clear, the one covering least (a name over a name
            // counts four times: a name over a marker stays readable).
            // County names are placed first, then the suggested stations, then township names.
            function area(a, b) {
                var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                return w > 0 && h > 0 ? w * h : 0;
            }
            var STEPS = [];
            for (var i = -4; i <= 4; i++) { for (var j = -3; j <= 3; j++) { STEPS.push([j / 2, i / 2]); } }
            STEPS.sort(function(a, b) { return (a[0] * a[0] + a[1] * a[1]) - (b[0] * b[0] + b[1] * b[1]); });
            function arrange() {
                var pane = map.getPane({{ this.label_pane|tojson }});
                if (!pane) { return; }
                var marks = controlBoxes(), names = [];
                [].forEach.call(map.getPane('markerPane').querySelectorAll('.leaflet-marker-icon'), function(el) {
                    var r = rect(el); if (visible(r)) { marks.push(r); }
                });
                var spans = [].slice.call(pane.querySelectorAll('.rc-label span'));
                spans.forEach(function(span) { span.style.transform = ''; });
                spans.sort(function(a, b) { return (b.parentNode.dataset.rank || 0) - (a.parentNode.dataset.rank || 0); });
                spans.forEach(function(span) {
                    var r = rect(span);
                    if (!visible(r)) { return; }
                    var h = r.height + 2, w = r.width + 4, best = null, least = Infinity;
                    STEPS.some(function(step) {
                        var d = [Math.round(step[0] * w), Math.round(step[1] * h)], b = moved(r, d[0], d[1]), cost = 0;
                        marks.forEach(function(t) { cost += area(b, t); });
                        names.forEach(function(t) { cost += 4 * area(b, t); });
                        if (cost < least) { least = cost; best = d; }
                        return cost === 0;
                    });
                    if (best[0] || best[1]) {
                        span.style.transform = 'translate(calc(-50% + ' + best[0] + 'px), calc(-50% + ' + best[1] + 'px))';
                    }
                    names.push(moved(r, best[0], best[1]));
                });
            }
            map.rcArrange = arrange;
            var pending = null;
            function later() { clearTimeout(pending); pending = setTimeout(arrange, 400); }
            map.on('zoomend moveend layeradd layerremove overlayadd overlayremove resize', later);
            later();
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], label_zoom: int = TOWNSHIP_LABEL_MIN_ZOOM) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.bounds, self.label_zoom = bounds, label_zoom
        self.label_pane, self.label_pane_z, self.narrow_px = LABEL_PANE, LABEL_PANE_Z, NARROW_MAP_PX


# ---------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class DisplayShapes:
    """Simplified township and county outlines (WGS-84) for drawing."""

    townships: dict[str, BaseGeometry]
    counties: dict[str, BaseGeometry]


def _rounded(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda a: np.round(a, COORD_DECIMALS))


def display_shapes(areas: TownshipAreas, tolerance: float = SIMPLIFY_TOLERANCE_DEG) -> DisplayShapes:
    """Townships simplified as one coverage (shared borders stay shared) and counties as their union."""
    codes = list(areas.shapes)
    geoms = np.array([areas.shapes[c] for c in codes], dtype=object)
    simple = shapely.coverage_simplify(geoms, tolerance)
    if not all(shapely.is_valid(simple)):  # not a clean coverage (e.g. slivers in imported data): one by one
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    townships = {c: _rounded(g) for c, g in zip(codes, simple, strict=True)}
    by_county: dict[str, list[BaseGeometry]] = {}
    for code, geom in zip(codes, simple, strict=True):
        by_county.setdefault(areas.county_of[code], []).append(geom)
    counties = {c: _rounded(shapely.coverage_union_all(np.array(gs, dtype=object)))
                for c, gs in sorted(by_county.items())}
    return DisplayShapes(townships, counties)


def _latlng(p: Projector, lon: float, lat: float) -> list[float]:
    x, y = p.point(lon, lat)
    return [round(y, COORD_DECIMALS), round(x, COORD_DECIMALS)]


def _bounds(geoms: Sequence[BaseGeometry], p: Projector) -> list[list[float]]:
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(list(geoms), dtype=object))
    sw, ne = _latlng(p, minx, miny), _latlng(p, maxx, maxy)
    return [sw, ne]


# ---------------------------------------------------------------------------- layers


def base_map(basemap: Basemap, bounds: list[list[float]]) -> folium.Map:
    """An empty map fitted to bounds, with the chosen basemap (none by default) and our page style."""
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = folium.Map(location=centre, zoom_start=9, tiles=None, zoom_snap=0.25)  # MapSetup adds a metric scale
    # Leaflet.markercluster needs the map's maxZoom, which folium only sets through a tile layer.
    m.options["maxZoom"] = basemap.max_zoom
    m.options["minZoom"] = MIN_ZOOM
    if basemap.url:
        folium.TileLayer(basemap.url, attr=basemap.attribution or basemap.label, name=basemap.label,
                         subdomains=basemap.subdomains, max_zoom=basemap.max_zoom, control=False).add_to(m)
        if basemap.label_url:
            folium.TileLayer(basemap.label_url, attr=basemap.attribution or basemap.label, name="注记",
                             subdomains=basemap.subdomains, max_zoom=basemap.max_zoom, overlay=True,
                             control=False).add_to(m)
    MapSetup(bounds).add_to(m)
    m.fit_bounds(bounds, padding=(12, 12))
    return m


def _feature(geom: BaseGeometry, properties: dict[str, object]) -> dict[str, object]:
    return {"type": "Feature", "properties": properties, "geometry": mapping(geom)}


def _value_text(metric: str, row: Mapping[str, Any]) -> str:
    """How a township's value reads in its tooltip."""
    def missing(v: object) -> bool:
        return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))

    if metric == "village_branch_rate":
        if missing(row["village_branch_rate"]):
            return "无数据"
        return f"{row['village_branch_rate'] * 100:.1f}%（{int(row['villages_with_branch'])}/{int(row['villages_total'])} 个村社区）"
    if metric == "member_ratio":
        if missing(row["member_ratio"]):
            return "无数据"
        return f"{row['member_ratio'] * 100:.2f}%（成人会员 {int(row['adult_members']):,} / 常住人口 {int(row['population']):,}）"
    if missing(row["villages_without_branch"]):
        return "无数据"
    needed = row["villages_needed"]
    tail = "" if missing(needed) else ("，已达目标" if needed == 0 else f"，距目标还需 {int(needed)} 个")
    return f"{int(row['villages_without_branch'])} 个{tail}"


def _target_text(metric: str, row: Mapping[str, Any], year: int) -> str:
    target = row[f"{classes.METRIC_BY_KEY[metric].target_metric}_target"]
    return "无" if target is None or pd.isna(target) else f"{year} 年目标 {fmt_target(target)}"


def choropleth(view: MapView, shapes: DisplayShapes, metric: str, approximate: bool, p: Projector) -> folium.GeoJson:
    """Township areas coloured by the metric's class, with a tooltip naming the township and its value."""
    legend = dict(classes.legend_labels(metric, list(view.townships[f"{classes.METRIC_BY_KEY[metric].target_metric}_target"]),
                                        classes.any_unreported(metric, view.townships)))
    boundary = "近似范围（非正式边界）" if approximate else "正式边界"
    features = []
    for row in view.townships.to_dict("records"):
        geom = shapes.townships.get(row["code"])
        if geom is None:
            continue
        cls = classes.township_class(metric, row)
        features.append(_feature(p.geom(geom), {
            "code": row["code"],
            "name": html.escape(str(row["name"])),
            "county": html.escape(str(row["county_name"])),
            "value": classes.unreported_text(metric, row) if cls == classes.UNREPORTED_CLASS else _value_text(metric, row),
            "klass": legend[cls],
            "target": _target_text(metric, row, view.year),
            "boundary": boundary,
            "fill": classes.colour(cls),
        }))
    label = classes.METRIC_BY_KEY[metric].label
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"乡镇（街道）：{label}",
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#ffffff", "weight": 1,
                                  "fillOpacity": 0.78},
        highlight_function=lambda f: {"weight": 3, "color": "#212121", "fillOpacity": 0.9},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "county", "value", "klass", "target", "boundary"],
            aliases=["乡镇（街道）", "区、县（市）", label, "分级", "目标", "边界"],
            sticky=True, localize=False,
        ),
    )


def county_outlines(shapes: DisplayShapes, names: Mapping[str, str], p: Projector,
                    only: str | None = None) -> folium.GeoJson:
    """County borders (no fill, clicks pass through to the townships)."""
    features = [_feature(p.geom(g), {"code": c, "name": html.escape(names.get(c, c))})
                for c, g in shapes.counties.items() if only is None or c == only]
    return folium.GeoJson({"type": "FeatureCollection", "features": features}, name="区、县（市）边界",
                          style_function=lambda f: {"color": "#37474f", "weight": 2.5, "fillOpacity": 0, "opacity": 0.9},
                          interactive=False)


# Names sit in their own pane (see MapSetup): above the site markers, under tooltips, never catching a click.
# r[4], the rank, orders who steps aside: county names keep their place before township names.
LABEL_MAKER = ("function(r) { var m = L.marker([r[0], r[1]], {icon: L.divIcon({className: 'rc-label ' + r[3], "
               "html: '<span>' + r[2] + '</span>', iconSize: null}), interactive: false, keyboard: false, "
               f"pane: '{LABEL_PANE}'}}); m.on('add', function() {{ m.getElement().dataset.rank = r[4]; }}); "
               "return m; }")
LABEL_RANK = {"rc-county-label": 2, "rc-pick-label": 1, "rc-township-label": 0}


def labels(points: Sequence[tuple[float, float, str]], css: str, name: str, p: Projector,
           control: bool = True) -> DataLayer:
    """Names drawn at points (lon, lat, text), centred."""
    rank = LABEL_RANK.get(css, 0)
    rows: list[list[object]] = [[*_latlng(p, lon, lat), html.escape(text), css, rank] for lon, lat, text in points]
    return DataLayer(rows, LABEL_MAKER, name, control=control)


def county_labels(shapes: DisplayShapes, names: Mapping[str, str], p: Projector, only: str | None = None) -> DataLayer:
    """County names at a point inside each county."""
    points = []
    for code, geom in shapes.counties.items():
        if only is None or code == only:
            inner = geom.point_on_surface()
            points.append((inner.x, inner.y, names.get(code, code)))
    return labels(points, "rc-county-label", "区、县（市）名称", p)


def township_labels(view: MapView, p: Projector) -> DataLayer:
    """Township names at their seats (shown from zoom TOWNSHIP_LABEL_MIN_ZOOM on)."""
    rows = view.townships.dropna(subset=["seat_lon", "seat_lat"])
    points = [(float(r.seat_lon), float(r.seat_lat), str(r.name)) for r in rows.itertuples()]
    return labels(points, "rc-township-label", "乡镇（街道）名称", p)


def _badge(tier: str, size: int | None = None) -> str:
    colour, letter, px = TIER_STYLE[tier]
    px = size or px
    radius = "4px" if tier in ("center", "base") else "50%"
    return (f'<div class="rc-badge" style="background:{colour};width:{px}px;height:{px}px;border-radius:{radius};'
            f'font-size:{max(9, px // 2)}px">{letter}</div>')


def _site_popup(row: Mapping[str, Any]) -> str:
    def esc(v: object) -> str:
        return "—" if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else html.escape(str(v))

    opened = row["opened_on"].isoformat() if row["opened_on"] is not None else "—"
    return (f"<b>{esc(row['name'])}</b><br>类型：{TIER_LABELS[row['tier']]}<br>依托场所：{esc(row['host'])}"
            f"<br>服务功能：{esc(row['functions'])}<br>启用日期：{opened}<br>所在区划：{esc(row['division_name'])}")


def site_layers(sites: pd.DataFrame, p: Projector) -> list[ClusterLayer]:
    """One clustered layer per tier, each marker a coloured badge with a popup (name, host, functions, opened)."""
    layers = []
    for tier in TIER_ORDER:
        mine = sites[sites["tier"] == tier]
        if mine.empty:
            continue
        colour, _, px = TIER_STYLE[tier]
        shown = mine[["lon", "lat", "name", "tier", "host", "functions", "opened_on", "division_name"]]
        rows: list[list[object]] = [[*_latlng(p, float(r["lon"]), float(r["lat"])), _site_popup(r), html.escape(str(r["name"]))]
                                    for r in shown.to_dict("records")]
        make = ("function(r) { var m = L.marker([r[0], r[1]], {title: r[3], icon: L.divIcon({className: 'rc-site', "
                f"html: {json.dumps(_badge(tier))}, iconSize: [{px}, {px}], iconAnchor: [{px // 2}, {px // 2}], "
                f"popupAnchor: [0, -{px // 2}]}})}}); m.bindPopup(r[2]); return m; }}")
        # Village points are many and small: off at first, one tick away in the layer control.
        layers.append(ClusterLayer(rows, make, f"{TIER_LABELS[tier]}（{len(mine)}）", colour, show=tier != "point"))
    return layers


def branch_heat(view: MapView, p: Projector, show: bool = False) -> HeatMap | None:
    """Where the organisations are: each township's count at its seat (no organisation has coordinates)."""
    rows = view.townships.dropna(subset=["seat_lon", "seat_lat"])
    if "branches" not in rows or rows["branches"].isna().all():
        return None
    rows = rows[rows["branches"].fillna(0) > 0]
    if rows.empty:
        return None
    top = float(rows["branches"].max())
    data = [[*_latlng(p, float(r.seat_lon), float(r.seat_lat)), round(float(r.branches) / top, 3)] for r in rows.itertuples()]
    return HeatMap(data, name="基层组织分布热力（按乡镇汇总）", show=show, radius=HEAT_RADIUS_PX, blur=HEAT_BLUR_PX,
                   min_opacity=0.25, max_zoom=12)


def radius_circles(sites: pd.DataFrame, radius_km: float, p: Projector, show: bool = True) -> DataLayer | None:
    """A circle of the service radius around every open service station."""
    stations = sites[sites["tier"] == "station"]
    if stations.empty:
        return None
    rows: list[list[object]] = [_latlng(p, float(lon), float(lat)) for lon, lat in zip(stations["lon"], stations["lat"], strict=True)]
    make = (f"function(r) {{ return L.circle([r[0], r[1]], {{radius: {radius_km * 1000:.0f}, color: '#1565c0', "
            "weight: 1, opacity: 0.6, fillColor: '#1565c0', fillOpacity: 0.07, interactive: false}); }")
    return DataLayer(rows, make, f"服务站服务半径（{radius_km:g} 公里）", show=show)


def legend_html(metric: str, view: MapView, approximate: bool, tiers: Sequence[str]) -> str:
    """The legend: choropleth classes (worst first, then 无数据 and any 未报送), site badges, and the boundary note."""
    spec = classes.METRIC_BY_KEY[metric]
    entries = classes.legend_labels(metric, list(view.townships[f"{spec.target_metric}_target"]),
                                    classes.any_unreported(metric, view.townships))
    parts = [f"<b>{spec.label}</b><br>"]
    parts += [f'<span class="sw" style="background:{classes.colour(c)}"></span>{html.escape(t)}<br>' for c, t in entries]
    if tiers:
        parts.append("<b>服务阵地</b><br>")
        parts += [f'<span class="row">{_badge(t, 16).replace("rc-badge", "rc-badge mk")}{TIER_LABELS[t]}</span>'
                  for t in tiers]
        parts.append("<br>")
    if approximate:
        parts.append('<span style="color:#8d6e00">乡镇范围为<b>近似</b>，非正式行政界线</span>')
    return "".join(parts)


@dataclass(frozen=True)
class MapOptions:
    """What the user chose above the map."""

    metric: str = "village_branch_rate"
    basemap: Basemap = NO_BASEMAP
    radius_km: float = 5.0
    show_radius: bool = False


def planner_map(view: MapView, shapes: DisplayShapes, approximate: bool, options: MapOptions) -> folium.Map:
    """The 地图 page's map: choropleth, borders, names, sites by tier, heat, radius circles, legend, layer control."""
    p = projector_for(options.basemap)
    in_scope = [shapes.townships[c] for c in view.townships["code"] if c in shapes.townships]
    if view.county in shapes.counties:
        in_scope = [shapes.counties[view.county]]
    m = base_map(options.basemap, _bounds(in_scope or list(shapes.counties.values()), p))
    choropleth(view, shapes, options.metric, approximate, p).add_to(m)
    county_outlines(shapes, view.county_names, p, view.county).add_to(m)
    township_labels(view, p).add_to(m)
    county_labels(shapes, view.county_names, p, view.county).add_to(m)
    heat = branch_heat(view, p)
    if heat is not None:
        heat.add_to(m)
    if options.show_radius:
        circles = radius_circles(view.sites, options.radius_km, p)
        if circles is not None:
            circles.add_to(m)
    for layer in site_layers(view.sites, p):
        layer.add_to(m)
    tiers = [t for t in TIER_ORDER if (view.sites["tier"] == t).any()]
    # Top left, under the zoom buttons, a toggle away: the first view is fitted beside it (MapSetup); phones start closed.
    Panel(legend_html(options.metric, view, approximate, tiers), position="topleft", collapsible=True).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return localize(m)


def highlight(shapes: DisplayShapes, codes: Sequence[str], basemap: Basemap = NO_BASEMAP,
              colour: str = SELECTED_COLOUR, name: str = "选中的乡镇（街道）") -> folium.FeatureGroup:
    """Thick outlines of some townships, drawn above the map without redrawing it (st_folium feature group)."""
    p = projector_for(basemap)
    group = folium.FeatureGroup(name=name, control=False)
    features = [_feature(p.geom(shapes.townships[c]), {"code": c}) for c in codes if c in shapes.townships]
    if features:
        folium.GeoJson({"type": "FeatureCollection", "features": features}, interactive=False,
                       style_function=lambda f: {"color": colour, "weight": 4, "fillOpacity": 0, "dashArray": None},
                       ).add_to(group)
    return group


def picks_map(view: MapView, shapes: DisplayShapes, approximate: bool, picks: Sequence[Pick], covered: set[str],
              radius_km: float, basemap: Basemap = NO_BASEMAP) -> folium.Map:
    """The 覆盖缺口 page's map: townships by station coverage, the suggested new stations numbered, existing stations.

    covered: townships already covered by an existing station (inside, or seat within its radius).
    """
    p = projector_for(basemap)
    in_scope = [shapes.townships[c] for c in view.townships["code"] if c in shapes.townships]
    m = base_map(basemap, _bounds(in_scope or list(shapes.counties.values()), p))
    covered_by_pick = {c: pick.rank for pick in picks for c in pick.covers}
    reasons = {pick.code: f"建议第 {pick.rank} 个：{pick.reason}" for pick in picks}
    has_station = set(view.townships.loc[view.townships["sites_station"].fillna(0) > 0, "code"])
    fills = {"station": "#2e9e5b", "near": "#a5d6a7", "pick": "#ce93d8", "none": "#f4845f",
             "nodata": classes.NO_DATA_COLOUR}
    features = []
    for row in view.townships.to_dict("records"):
        geom = shapes.townships.get(row["code"])
        if geom is None:
            continue
        if row["code"] in has_station:
            state, text = "station", "已有服务站"
        elif row["code"] in covered:
            state, text = "near", f"在现有服务站 {radius_km:g} 公里半径内"
        elif row["code"] in covered_by_pick:
            state, text = "pick", f"建议第 {covered_by_pick[row['code']]} 个新站覆盖"
        elif pd.isna(row["sites_station"]):
            state, text = "nodata", "无数据"
        else:
            state, text = "none", "尚无服务站"
        pop = row["population"]
        features.append(_feature(p.geom(geom), {
            "name": html.escape(str(row["name"])), "county": html.escape(str(row["county_name"])), "state": text,
            "pop": "无数据" if pd.isna(pop) else f"{int(pop):,}", "fill": fills[state],
            "boundary": "近似范围（非正式边界）" if approximate else "正式边界",
            "reason": reasons.get(row["code"], "—"),
        }))
    folium.GeoJson({"type": "FeatureCollection", "features": features}, name="乡镇（街道）服务站覆盖",
                   style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#ffffff", "weight": 1,
                                             "fillOpacity": 0.75},
                   tooltip=folium.GeoJsonTooltip(fields=["name", "county", "state", "pop", "reason", "boundary"],
                                                 aliases=["乡镇（街道）", "区、县（市）", "服务站", "常住人口", "建站建议", "边界"],
                                                 sticky=True, localize=False)).add_to(m)
    county_outlines(shapes, view.county_names, p, view.county).add_to(m)
    circles = radius_circles(view.sites, radius_km, p)
    if circles is not None:
        circles.add_to(m)
    for layer in site_layers(view.sites[view.sites["tier"] == "station"], p):
        layer.add_to(m)
    rows = {r.code: r for r in view.townships.itertuples()}
    pick_points = [(float(rows[pk.code].seat_lon), float(rows[pk.code].seat_lat), f"{pk.rank} {pk.name}")
                   for pk in picks if pk.code in rows and not pd.isna(rows[pk.code].seat_lon)]
    labels(pick_points, "rc-pick-label", "建议新建服务站", p).add_to(m)
    highlight(shapes, [pk.code for pk in picks], basemap, PICK_COLOUR, "建议新建服务站的乡镇").add_to(m)
    legend = ("<b>服务站覆盖</b><br>"
              + "".join(f'<span class="sw" style="background:{fills[k]}"></span>{t}<br>' for k, t in (
                  ("station", "已有服务站"), ("near", "在现有服务站半径内"), ("pick", "建议新站可覆盖"),
                  ("none", "未覆盖"), ("nodata", "无数据")))
              + f'<span class="sw" style="background:#fff;border:3px solid {PICK_COLOUR}"></span>建议建站的乡镇（编号为顺序）<br>'
              + f"蓝圈：现有服务站 {radius_km:g} 公里服务半径")
    if approximate:
        legend += '<br><span style="color:#8d6e00">乡镇范围为<b>近似</b>，非正式行政界线</span>'
    Panel(legend, position="topleft", collapsible=True).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return localize(m)
