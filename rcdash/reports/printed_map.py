"""Print-ready township maps (DESIGN §11): the 地图 page's classes drawn with geopandas + matplotlib, never tiles.

A4 landscape for the wall and the briefing: title (metric, area, as-of date), the same classes, colours and
无数据 and 未报送 classes as the 地图 page (rcdash.maps.classes), county borders and names (township names when one county is
drawn), sites by tier, a scale bar in km, a north arrow, the source line and the approximation note.
Text stays text in PDF and SVG: every string on the map is set in a TrueType subset of the CJK font
(rcdash.reports.fonts converts Noto's CFF outlines), which PDF embeds as CIDFontType2 (fonttype 42) and SVG
carries as an @font-face data URL, so the map reads, prints and searches the same on any machine.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import geopandas as gpd
import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from shapely.geometry import Point

from rcdash.geo.townships import TownshipAreas, township_areas
from rcdash.labels import MEMBER_RATIO_DIGITS, NO_DATA, RATE_DIGITS, UNREPORTED, county_names, fmt_count, fmt_rate, is_missing
from rcdash.maps import classes
from rcdash.maps.layers import TIER_STYLE
from rcdash.metrics.engine import default_as_of
from rcdash.metrics.period import half_year_of
from rcdash.plans import Plan, default_plan
from rcdash.reporting import unreported_in
from rcdash.reports.fonts import CjkFont, FontFace, require_cjk_font, truetype_subset
from rcdash.reports.model import Figure
from rcdash.topics import status
from rcdash.topics.map_view import TIER_LABELS, TIER_ORDER, MapView, divisions_named, load_view

WGS84 = "EPSG:4326"
# UTM zone 51N: a metric, conformal projection whose central meridian (123°E) lies 2–3° east of Shaoxing
# (119.9–121.2°E): scale error below 0.1 %, so the scale bar holds across the sheet.
METRIC_CRS = "EPSG:32651"
A4_LANDSCAPE_IN = (297 / 25.4, 210 / 25.4)
PRINT_DPI = 300  # the wall and the printer: 3,508 × 2,480 px
FORMATS = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}
BRIEFING_METRIC = "village_branch_rate"
BRIEFING_DPI = 150  # 1,754 px across the 17 cm text width: sharper than the printer needs, small in the DOCX
FONT_FAMILY = "rcdash-cjk"  # the family name the SVG's @font-face declares
MAP_BOX = (0.035, 0.085, 0.66, 0.79)  # left, bottom, width, height of the map on the sheet (figure fractions)
LEGEND_BOX = (0.72, 0.12, 0.26, 0.75)
PAD_SHARE = 0.03  # blank margin around the drawn area, share of its larger side
SCALE_STEPS_KM = (1, 2, 5, 10, 20, 25, 50)  # a scale bar reads best at a round length
SCALE_SHARE = 0.22  # the bar spans at most this share of the map's width
# Where the county lines come from (geo/PROVENANCE.md): shipped with the repo, or merged from official townships.
COUNTY_SOURCE = "区县界：DataV.GeoAtlas（高德开放平台数据），仅供示意"
OFFICIAL_COUNTY_SOURCE = "区县界：由导入的正式乡镇边界合并"
APPROX_COLOUR = "#8d6e00"  # the 地图 page's colour for the approximation note
BORDER_COLOUR, TOWNSHIP_EDGE = "#263238", "#ffffff"
HALO_WIDTH = 2.6  # points of white around a label, so it reads over any class colour
# Site markers: the 地图 page's tier colours, shapes that stay apart in black-and-white print.
TIER_MARKERS = {"center": ("*", 150), "base": ("s", 46), "station": ("^", 30), "point": ("o", 9)}
# Characters matplotlib measures besides the text itself: legends size their rows by "lp"; the digits keep
# one subset for maps that differ only in numbers.
MEASURED_CHARS = "lp0123456789"
# matplotlib's rc_context changes process-wide settings: the 地图 page draws on download threads, so one at a time.
_RC_LOCK = threading.Lock()
FONT_CACHE_DIR = Path(tempfile.gettempdir()) / "rcdash-map-fonts"


class MapProblem(ValueError):
    """A map that cannot be drawn (unknown metric or county, no township areas); message in Chinese."""


@dataclass(frozen=True)
class PrintMap:
    """Everything one printed map shows, with geometries in WGS-84."""

    metric: str
    as_of: date
    area_name: str  # 绍兴市 or the county's name
    county: str | None
    townships: gpd.GeoDataFrame  # code, name, value, target, cls, seat (Point), geometry of the townships in scope
    counties: gpd.GeoDataFrame  # code, name, geometry of every county (those outside the scope give context)
    sites: gpd.GeoDataFrame | None  # tier and geometry of the open sites in scope; None: not asked for
    legend: tuple[tuple[int, str], ...]  # (class, label), worst first, then 无数据
    target_year: int
    plan_name: str
    approximate: bool
    boundary_source: str
    demo: bool

    @property
    def title(self) -> str:
        """'绍兴市各乡镇（街道）村（社区）建会率'."""
        return f"{self.area_name}各乡镇（街道）{classes.METRIC_BY_KEY[self.metric].label}"

    @property
    def file_stem(self) -> str:
        """'地图_绍兴市_建会率_2022-12-31'."""
        return f"地图_{self.area_name}_{classes.METRIC_BY_KEY[self.metric].short}_{self.as_of:%Y-%m-%d}"


def check_metric(metric: str) -> str:
    """The metric key, or MapProblem naming the choices."""
    if metric not in classes.METRIC_BY_KEY:
        choices = "、".join(f"{m.key}（{m.short}）" for m in classes.CHOROPLETH_METRICS)
        raise MapProblem(f"不支持的地图指标“{metric}”：可选 {choices}")
    return metric


def print_map(view: MapView, areas: TownshipAreas, metric: str, plan_name: str, sites: bool = False,
              demo: bool = False) -> PrintMap:
    """The printed map of a map view (rcdash.topics.map_view: the 地图 page's data) for one metric."""
    spec = classes.METRIC_BY_KEY[check_metric(metric)]
    rows = view.townships[view.townships["code"].isin(list(areas.shapes))]
    if rows.empty:
        raise MapProblem("所选区域没有乡镇边界（示例数据里的合成区县只有表格数据），无法绘制地图：请选择全市或真实区县。")
    records = rows.to_dict("records")
    townships = gpd.GeoDataFrame({
        "code": [r["code"] for r in records],
        "name": [r["name"] for r in records],
        # A township whose county has not reported the metric's data shows no value from older rows (DESIGN §9).
        "value": [None if is_missing(r[metric]) or classes.unreported_kinds(metric, r) else float(r[metric])
                  for r in records],
        "target": [None if is_missing(t := r[f"{spec.target_metric}_target"]) else float(t) for r in records],
        "cls": [classes.township_class(metric, r) for r in records],
        "seat": [Point(areas.seats[r["code"]]) if r["code"] in areas.seats else None for r in records],
    }, geometry=[areas.shapes[r["code"]] for r in records], crs=WGS84)
    outlines = areas.counties()
    counties = gpd.GeoDataFrame({"code": list(outlines), "name": [view.county_names.get(c, c) for c in outlines]},
                                geometry=list(outlines.values()), crs=WGS84)
    placed = None
    if sites:
        frame = view.sites.dropna(subset=["lon", "lat"])
        placed = gpd.GeoDataFrame({"tier": list(frame["tier"])},
                                  geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=WGS84)
    targets = list(view.townships[f"{spec.target_metric}_target"])
    area_name = view.county_names.get(view.county, view.county) if view.county else "绍兴市"
    return PrintMap(metric, view.as_of, str(area_name), view.county, townships, counties, placed,
                    tuple(classes.legend_labels(metric, targets, classes.any_unreported(metric, rows))), view.year,
                    plan_name, areas.approximate,
                    areas.source, demo)


def county_code(con: duckdb.DuckDBPyConnection, county: str) -> str:
    """A county given by code (330603) or name (柯桥区) as its code; MapProblem naming the counties otherwise."""
    names = county_names(divisions_named(con))
    wanted = county.strip()
    for code, name in names.items():
        if wanted in (code, name):
            return str(code)
    listed = "、".join(f"{c} {n}" for c, n in names.items())
    raise MapProblem(f"没有区、县（市）“{county}”：请用代码或名称，可选 {listed}")


def load_print_map(con: duckdb.DuckDBPyConnection, metric: str, as_of: date | None = None, county: str | None = None,
                   sites: bool = False, plan: Plan | None = None, today: date | None = None) -> PrintMap:
    """The printed map from the database: the 地图 page's view of an area on a date (default: the latest data), with
    未报送 for the counties that have not reported the half-year holding it (as seen on `today`, default today)."""
    check_metric(metric)
    code = None if county is None else county_code(con, county)
    as_of = as_of or default_as_of(con)
    plan = plan or default_plan(con, as_of)
    areas = township_areas(con)
    unreported = unreported_in(con, plan, half_year_of(as_of).start, as_of, today)
    view = load_view(con, as_of, code, areas, plan=plan, unreported=unreported)
    return print_map(view, areas, metric, plan.name, sites=sites, demo=status.demo_seed(con) is not None)


def briefing_figure(con: duckdb.DuckDBPyConnection, as_of: date, plan: Plan, today: date | None = None) -> Figure:
    """The half-year briefing's township map of 建会率 (the whole city, no sites), with its caption."""
    printed = load_print_map(con, BRIEFING_METRIC, as_of, plan=plan, today=today)
    unreported = "深灰为所属区县本期未报送；" if classes.UNREPORTED_CLASS in set(printed.townships["cls"]) else ""
    png = render(draw(printed), "png", dpi=BRIEFING_DPI)
    approx = "乡镇范围为近似（以乡镇驻地为中心划分），不是正式行政界线。" if printed.approximate else ""
    return Figure("乡镇建会率地图", f"各乡镇（街道）村（社区）建会率（截至 {as_of:%Y-%m-%d}）", png,
                  f"按建会率达到 {printed.target_year} 年目标的程度分四级（红：不到一半 … 绿：达到目标），"
                  f"灰色为无数据；{unreported}粗线为区、县（市）界。{approx}")


# ---- drawing ------------------------------------------------------------------------------------------------------

def _frame(ax: Axes, bounds: tuple[float, float, float, float]) -> None:
    """Limits around the drawn area, widened to the map box's shape so that one metre is as long both ways."""
    minx, miny, maxx, maxy = bounds
    pad = PAD_SHARE * max(maxx - minx, maxy - miny)
    width, height = maxx - minx + 2 * pad, maxy - miny + 2 * pad
    box = (MAP_BOX[2] * A4_LANDSCAPE_IN[0]) / (MAP_BOX[3] * A4_LANDSCAPE_IN[1])
    width, height = max(width, height * box), max(height, width / box)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")


def _nice_km(width_m: float) -> float:
    """The longest round length (km) that fits SCALE_SHARE of the map's width."""
    fitting = [s for s in SCALE_STEPS_KM if s * 1000 <= width_m * SCALE_SHARE]
    return float(fitting[-1] if fitting else SCALE_STEPS_KM[0])


def _scale_bar(ax: Axes) -> None:
    """A two-part black-and-white bar in km at the lower left, measured in the metric projection."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    km = _nice_km(x1 - x0)
    left, bottom, height = x0 + 0.04 * (x1 - x0), y0 + 0.045 * (y1 - y0), 0.012 * (y1 - y0)
    half = km * 500
    for i, fill in enumerate(("black", "white")):
        ax.add_patch(Rectangle((left + i * half, bottom), half, height, facecolor=fill, edgecolor="black",
                               linewidth=0.8, zorder=6))
    for x, label in ((left, "0"), (left + half, f"{km / 2:g}"), (left + 2 * half, f"{km:g} 公里")):
        _label(ax, x, bottom + height * 1.8, label, ha="center", va="bottom", fontsize=8, zorder=6)


def _north_arrow(ax: Axes) -> None:
    """An arrow with 北 at the upper right (UTM grid north is within 2° of true north here)."""
    ax.annotate("北", xy=(0.95, 0.965), xytext=(0.95, 0.86), xycoords="axes fraction",
                ha="center", va="top", fontsize=11, fontweight="bold", zorder=7,
                arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3.5, "headwidth": 11,
                            "headlength": 12})


def _legend(fig: MplFigure, pm: PrintMap) -> None:
    """The classes (with their count of townships) and the site tiers, in a panel right of the map."""
    spec = classes.METRIC_BY_KEY[pm.metric]
    ax = fig.add_axes(LEGEND_BOX)
    ax.set_axis_off()
    counts = pm.townships["cls"].value_counts()
    handles = [Patch(facecolor=classes.colour(c), edgecolor="#9e9e9e", linewidth=0.5,
                     label=f"{label}（{int(counts.get(c, 0))} 个）") for c, label in pm.legend]
    first = ax.legend(handles=handles, loc="upper left", title=spec.label,
                      frameon=False, fontsize=9, title_fontsize=10, alignment="left", handlelength=1.6,
                      handleheight=1.1, labelspacing=0.7)
    first.get_title().set_fontweight("bold")
    if pm.sites is not None:
        ax.add_artist(first)
        tiers = pm.sites["tier"].value_counts()
        site_handles = [Line2D([], [], linestyle="", marker=TIER_MARKERS[t][0], markersize=TIER_MARKERS[t][1] ** 0.5,
                               markerfacecolor=TIER_STYLE[t][0], markeredgecolor="white", markeredgewidth=0.5,
                               label=f"{TIER_LABELS[t]}（{int(tiers.get(t, 0))} 个）") for t in TIER_ORDER]
        second = ax.legend(handles=site_handles, loc="lower left", bbox_to_anchor=(0, 0.12), title="服务阵地",
                           frameon=False, fontsize=9, title_fontsize=10, alignment="left")
        second.get_title().set_fontweight("bold")
    ax.text(0, 0.04, spec.note, fontsize=7.5, color="#555555", wrap=True, va="bottom")


def _label(ax: Axes, x: float, y: float, text: str, halo: float = HALO_WIDTH, **style: object) -> None:
    """A text with a white halo: the halo is a stroked copy underneath (path effects turn a text into outlines in
    PDF and SVG), so the label itself stays text that can be searched and copied."""
    under = {**style, "color": "white", "zorder": float(style.get("zorder", 5)) - 0.1}  # type: ignore[arg-type]
    ax.text(x, y, text, path_effects=[withStroke(linewidth=halo, foreground="white")], **under)
    ax.text(x, y, text, **style)


def _names(ax: Axes, pm: PrintMap, counties: gpd.GeoDataFrame, townships: gpd.GeoDataFrame) -> None:
    """County names for the city; township names (at their seats) and values when one county is drawn."""
    if pm.county is None:
        for name, point in zip(counties["name"], counties.geometry.representative_point(), strict=True):
            _label(ax, point.x, point.y, name, halo=3.5, ha="center", va="center", fontsize=13, fontweight="bold",
                   color="#212121", zorder=5)
        return
    seats = gpd.GeoSeries(townships["seat"], crs=WGS84).to_crs(METRIC_CRS)
    inner = townships.geometry.representative_point()
    for name, value, cls, seat, point in zip(townships["name"], townships["value"], townships["cls"], seats, inner,
                                             strict=True):
        at = seat if seat is not None and not seat.is_empty else point
        text = UNREPORTED if cls == classes.UNREPORTED_CLASS else _value_text(pm.metric, value)
        _label(ax, at.x, at.y, f"{name}\n{text}", ha="center", va="center", fontsize=7.5,
               color="#212121", zorder=5, linespacing=1.15)


def _value_text(metric: str, value: float | None) -> str:
    """A township's value under its name, by the product's number rule: 42.5%, 1.95%, 3 个, 无数据."""
    if value is None:
        return NO_DATA
    if metric == "villages_without_branch":
        return f"未建 {fmt_count(value)} 个"
    return fmt_rate(value, MEMBER_RATIO_DIGITS if metric == "member_ratio" else RATE_DIGITS)


def draw(pm: PrintMap) -> MplFigure:
    """The map as an A4-landscape matplotlib figure with every text set in an embeddable CJK subset."""
    font = require_cjk_font()
    with _RC_LOCK, matplotlib.rc_context({"font.family": [font.family, "DejaVu Sans"], "axes.unicode_minus": False}):
        fig = MplFigure(figsize=A4_LANDSCAPE_IN)
        ax = fig.add_axes(MAP_BOX)
        ax.set_axis_off()
        townships = pm.townships.to_crs(METRIC_CRS)
        counties = pm.counties.to_crs(METRIC_CRS)
        townships.plot(ax=ax, color=[classes.colour(c) for c in townships["cls"]], edgecolor=TOWNSHIP_EDGE,
                       linewidth=0.5 if pm.county else 0.3, zorder=1)
        inside = counties[counties["code"] == pm.county] if pm.county else counties
        if pm.county:  # the neighbours, faint, so the county sits in its place
            counties.boundary.plot(ax=ax, color="#9e9e9e", linewidth=0.6, zorder=2)
        inside.boundary.plot(ax=ax, color=BORDER_COLOUR, linewidth=1.4, zorder=3)
        if pm.sites is not None and len(pm.sites):
            sites = pm.sites.to_crs(METRIC_CRS)
            for tier in reversed(TIER_ORDER):  # the few big tiers on top of the many points
                mine = sites[sites["tier"] == tier]
                marker, size = TIER_MARKERS[tier]
                ax.scatter(mine.geometry.x, mine.geometry.y, marker=marker, s=size, c=TIER_STYLE[tier][0],
                           edgecolors="white", linewidths=0.4, zorder=4)
        _frame(ax, (inside if pm.county else townships).total_bounds)
        _names(ax, pm, inside, townships)
        _scale_bar(ax)
        _north_arrow(ax)
        _legend(fig, pm)
        fig.text(0.035, 0.955, pm.title, fontsize=18, fontweight="bold", va="top")
        fig.text(0.035, 0.905, f"统计截至 {pm.as_of:%Y-%m-%d}　·　按 {pm.target_year} 年目标分级　·　对照计划：{pm.plan_name}",
                 fontsize=10, color="#424242", va="top")
        if pm.demo:
            fig.text(0.975, 0.955, "示例数据", fontsize=12, fontweight="bold", color="#c8102e", ha="right", va="top")
        if pm.approximate:
            fig.text(0.035, 0.066, "乡镇范围为近似：以乡镇（街道）驻地为中心划分，不是正式行政界线，仅供示意。",
                     fontsize=9, fontweight="bold", color=APPROX_COLOUR)
        demo = "；示例数据，非真实统计" if pm.demo else ""
        # Two lines: one would run off the sheet.
        fig.text(0.035, 0.018, f"数据来源：绍兴市红十字会基层组织建设数据看板，统计截至 {pm.as_of:%Y-%m-%d}{demo}。"
                 "投影：UTM 第 51 带（WGS 84）。\n"
                 f"{COUNTY_SOURCE if pm.approximate else OFFICIAL_COUNTY_SOURCE}；乡镇{pm.boundary_source}。",
                 fontsize=7, color="#616161", va="bottom", linespacing=1.5)
    _set_in_subsets(fig, font)
    return fig


# ---- fonts --------------------------------------------------------------------------------------------------------

def _subset_file(face: FontFace, characters: str) -> Path:
    """A TrueType subset of a face with these characters, as a file matplotlib can open (cached by content)."""
    data = truetype_subset(face, characters)
    path = FONT_CACHE_DIR / f"{hashlib.sha256(data).hexdigest()[:24]}.ttf"
    # A file of that name is used only if it holds these very bytes (the folder is shared, e.g. /tmp).
    if not path.is_file() or path.read_bytes() != data:
        FONT_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=FONT_CACHE_DIR, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)  # atomic: two processes drawing at once never read half a font
    return path


def _is_bold(text: Text) -> bool:
    """Whether a text asks for a bold weight."""
    weight = text.get_fontweight()
    return weight in ("bold", "heavy", "extra bold", "black", "semibold", "demibold") or (
        isinstance(weight, int | float) and weight >= 600)


def _set_in_subsets(fig: MplFigure, font: CjkFont) -> None:
    """Set every text of the figure in a subset of the CJK font holding exactly the characters drawn."""
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    files = {}
    for bold, face in ((False, font.regular), (True, font.bold)):
        chars = "".join(sorted({ch for t in texts if _is_bold(t) == bold for ch in t.get_text()} | set(MEASURED_CHARS)))
        files[bold] = _subset_file(face, chars)
    for t in texts:
        bold = _is_bold(t)
        t.set_fontproperties(FontProperties(family=[FONT_FAMILY, "sans-serif"], fname=str(files[bold]),
                                            size=t.get_fontsize(), weight="bold" if bold else "normal"))
    fig._rcdash_fonts = files  # type: ignore[attr-defined]  # the SVG embeds these


def _svg_with_fonts(svg: bytes, files: dict[bool, Path]) -> bytes:
    """The SVG with its font subsets as @font-face data URLs, so text stays text and looks the same anywhere."""
    faces = "".join(
        f"@font-face{{font-family:'{FONT_FAMILY}';font-weight:{700 if bold else 400};"
        f"src:url(data:font/ttf;base64,{base64.b64encode(path.read_bytes()).decode()}) format('truetype');}}"
        for bold, path in files.items())
    text = svg.decode("utf-8")
    text, count = re.subn(r"(<svg\b[^>]*>)", lambda m: f"{m.group(1)}\n<style>{faces}</style>", text, count=1)
    if count != 1:
        raise RuntimeError("matplotlib wrote an SVG without an <svg> element")
    return text.encode("utf-8")


def render(fig: MplFigure, fmt: str, dpi: int = PRINT_DPI) -> bytes:
    """The figure as PNG (at dpi), PDF (TrueType font embedded) or SVG (text as text, font embedded) bytes."""
    if fmt not in FORMATS:
        raise MapProblem(f"不支持的地图格式“{fmt}”：可选 {'、'.join(FORMATS)}")
    out = io.BytesIO()
    # No timestamps: the same data gives the same file.
    metadata = {"png": {"Software": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "svg": {"Date": None}}[fmt]
    with _RC_LOCK, matplotlib.rc_context({"pdf.fonttype": 42, "svg.fonttype": "none", "svg.hashsalt": "rcdash"}):
        fig.savefig(out, format=fmt, dpi=dpi, metadata=metadata)
    data = out.getvalue()
    return _svg_with_fonts(data, fig._rcdash_fonts) if fmt == "svg" else data  # type: ignore[attr-defined]


def format_of(path: str | Path) -> str:
    """The format a file name's extension names; MapProblem (in Chinese) for any other."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        shown = Path(path).suffix or "（没有扩展名）"
        raise MapProblem(f"不支持的文件类型 {shown}：地图文件名应以 .png、.pdf 或 .svg 结尾，例如 --out 建会率地图.pdf")
    return suffix
