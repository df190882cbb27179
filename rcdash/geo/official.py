"""Import official township boundaries (GeoJSON, Shapefile, GeoPackage; any CRS) in place of the approximation.

The file must name all 103 townships (by a code or a name column), with valid polygons; it is converted to
WGS-84 and checked (inside its county, no overlaps, not GCJ-02 in disguise) before anything is written. The
rows replace the table `township_boundaries` in one transaction: a bad file changes nothing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb
import geopandas
import numpy as np
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from rcdash.geo import checks
from rcdash.geo.boundaries import city_shape, county_shapes
from rcdash.geo.crs import to_wgs84
from rcdash.geo.townships import sql

SUFFIXES = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "Shapefile", ".zip": "Shapefile（zip）",
            ".gpkg": "GeoPackage"}
# Columns recognised without --code-column / --name-column / --county-column (compared case-insensitively).
CODE_COLUMNS = ("code", "区划代码", "代码", "乡镇代码", "行政区划代码", "统计用区划代码", "xzqdm", "xzqhdm", "adcode", "gb",
                "dm", "township_code", "xzq_code")
NAME_COLUMNS = ("name", "名称", "乡镇名称", "乡镇（街道）", "乡镇(街道)", "乡镇街道", "乡镇", "街道", "xzqmc", "xzqhmc", "mc",
                "township", "township_name")
COUNTY_COLUMNS = ("county", "区县", "区、县（市）", "县区", "所属区县", "county_name", "qxmc")
# Without a CRS in the file: GeoJSON is WGS-84 by definition (RFC 7946); anything else must say.
CRS_ALIASES = {"WGS84": "EPSG:4326", "CGCS2000": "EPSG:4490", "GCJ02": "GCJ02", "BD09": "BD09"}
MAX_LISTED = 12  # townships named in one message; more is noise


class BoundaryFileError(Exception):
    """The file cannot replace the township boundaries; each message says what to fix (Chinese)."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass
class BoundaryImport:
    """What an import did (or, with dry_run, would do)."""

    file: str
    features: int
    townships: int
    merged: dict[str, int]  # code → parts, for townships drawn as several features
    source_crs: str
    dry_run: bool
    warnings: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    """Column names compared loosely: NFKC, lower case, no spaces."""
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


def _pick_column(columns: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str) -> str | None:
    """The column to use: the one asked for (must exist), else the first recognised one."""
    by_norm = {_norm(c): c for c in columns}
    if wanted is not None:
        found = by_norm.get(_norm(wanted))
        if found is None:
            raise BoundaryFileError([f"文件里没有“{wanted}”列（{what}）。现有的列：{'、'.join(columns) or '无'}"])
        return found
    for cand in candidates:
        if _norm(cand) in by_norm:
            return by_norm[_norm(cand)]
    return None


def _read(path: Path, layer: str | None) -> geopandas.GeoDataFrame:
    """One layer of the file, with its declared CRS."""
    try:
        layers = geopandas.list_layers(path)["name"].tolist()
        if layer is None and len(layers) > 1:
            raise BoundaryFileError([f"文件有 {len(layers)} 个图层：{'、'.join(layers)}。请用 --layer 指定乡镇边界所在的图层"])
        frame = geopandas.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError) as exc:
        raise BoundaryFileError([f"无法读取 {path.name}：{exc}。请确认它是完整的 GeoJSON、Shapefile（含 .shp/.shx/.dbf，"
                                 "最好也有 .prj）或 GeoPackage 文件"]) from None
    if not isinstance(frame, geopandas.GeoDataFrame):  # a table without geometry (e.g. a GeoPackage attribute table)
        name = layers[0] if layer is None else layer
        raise BoundaryFileError([f"{path.name} 的图层“{name}”没有几何（只是属性表）：请指定含乡镇边界的图层（--layer）或换用含边界的文件"])
    return frame


def _crs_label(crs: CRS | str) -> str:
    """A short name of a CRS for messages: EPSG:4549 or the WKT's name."""
    if isinstance(crs, str):  # GCJ02 / BD09
        return crs
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}（{crs.name}）" if epsg else crs.name


def _source_crs(declared: CRS | None, override: str | None, suffix: str) -> CRS | str:
    """The CRS to convert from: --crs, else what the file declares, else WGS-84 for GeoJSON; GCJ02/BD09 by name."""
    if override:
        key = override.strip().upper().replace("-", "").replace("_", "")
        crs = CRS_ALIASES.get(key, override.strip())
    elif declared is not None:
        return declared
    elif suffix in (".geojson", ".json"):
        crs = "EPSG:4326"
    else:
        raise BoundaryFileError(["文件没有说明坐标系（Shapefile 缺少 .prj）。请用 --crs 指定，例如 --crs EPSG:4490（CGCS2000 经纬度）、"
                                 "--crs EPSG:4549（CGCS2000 3 度带 120°E）或 --crs GCJ02（高德/腾讯坐标）"])
    if crs in ("GCJ02", "BD09"):
        return crs
    try:
        return CRS.from_user_input(crs)
    except CRSError:
        raise BoundaryFileError([f"不认识的坐标系“{crs}”：请写 EPSG 代码（如 EPSG:4490）、WGS84、CGCS2000、GCJ02 或 BD09"]) from None


def _to_wgs84(geometry: geopandas.GeoSeries, crs: CRS | str) -> geopandas.GeoSeries:
    """The geometries in WGS-84 lon/lat (2-D): pyproj through to_crs; GCJ-02/BD-09, which PROJ lacks, via coord-convert."""
    flat = geometry.force_2d()
    if isinstance(crs, str):
        return flat.transform(lambda a: np.array([to_wgs84(x, y, crs) for x, y in a]).reshape(-1, 2))
    return flat.set_crs(crs, allow_override=True).to_crs("EPSG:4326")


@cache
def _division_index() -> object:
    """The reference divisions indexed for name and code lookups."""
    from rcdash.reference.divisions import DivisionIndex, load_reference_divisions

    return DivisionIndex(load_reference_divisions())


def _text(value: object) -> str:
    """A cell as text ('' for missing; 330603006.0 → 330603006)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _match(frame: geopandas.GeoDataFrame, code_col: str | None, name_col: str | None,
           county_col: str | None) -> tuple[list[str | None], list[str]]:
    """Each feature's township code, and an error for every feature that names none."""
    index = _division_index()
    township = frozenset({"township"})
    codes: list[str | None] = []
    errors: list[str] = []
    blank = [""] * len(frame)
    texts = ([_text(v) for v in frame[col]] if col else blank for col in (code_col, name_col, county_col))
    for i, (code_text, name_text, county_text) in enumerate(zip(*texts, strict=True)):
        attempts = []
        if code_text:
            attempts.append(code_text)
        if name_text:
            attempts.append(f"{county_text}/{name_text}" if county_text else name_text)
        found = None
        messages = []
        for text in attempts:
            result = index.resolve(text, levels=township)  # type: ignore[attr-defined]
            if result.code is not None:
                found = result.code
                break
            messages.append(result.error)
        if found is None:
            what = "、".join(f"“{t}”" for t in attempts) or "（代码和名称都为空）"
            errors.append(f"第 {i + 1} 个要素 {what}：{'；'.join(m for m in messages if m) or '没有代码也没有名称'}")
        codes.append(found)
    return codes, errors


def _listed(names: Sequence[str]) -> str:
    """A list of names for a message, cut after MAX_LISTED."""
    shown = "、".join(names[:MAX_LISTED])
    return shown + (f" 等 {len(names)} 个" if len(names) > MAX_LISTED else "")


def _reference_townships(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """code → (name, county code) of the real townships in the database."""
    return {code: (name, county) for code, name, county in con.execute(sql("townships")).fetchall()}


def prepare(con: duckdb.DuckDBPyConnection, path: Path, *, code_column: str | None = None,
            name_column: str | None = None, county_column: str | None = None, crs: str | None = None,
            layer: str | None = None) -> tuple[dict[str, BaseGeometry], BoundaryImport]:
    """Read, match, convert and check a boundary file; raise BoundaryFileError listing every problem."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise BoundaryFileError([f"找不到文件：{path}"])
    if suffix not in SUFFIXES:
        raise BoundaryFileError([f"不支持 {suffix or '无扩展名'} 文件：请提供 GeoJSON（.geojson/.json）、Shapefile（.shp 或打包的 .zip）"
                                 "或 GeoPackage（.gpkg）"])
    frame = _read(path, layer)
    if frame.empty:
        raise BoundaryFileError([f"{path.name} 里没有任何要素"])
    names_in_file = [str(c) for c in frame.columns if c != frame.geometry.name]
    code_col = _pick_column(names_in_file, code_column, CODE_COLUMNS, "乡镇代码")
    name_col = _pick_column(names_in_file, name_column, NAME_COLUMNS, "乡镇名称")
    county_col = _pick_column(names_in_file, county_column, COUNTY_COLUMNS, "区县")
    if code_col is None and name_col is None:
        raise BoundaryFileError([f"找不到乡镇代码列或名称列（现有的列：{'、'.join(names_in_file) or '无'}）。"
                                 "请用 --code-column 或 --name-column 指明"])
    source = _source_crs(frame.crs, crs, suffix)
    codes, errors = _match(frame, code_col, name_col, county_col)

    reference = _reference_townships(con)
    names = {c: n for c, (n, _) in reference.items()}
    county_of = {c: k for c, (_, k) in reference.items()}
    labels = {str(i): f"第 {i + 1} 个要素（{names.get(code or '', '未匹配')}）" for i, code in enumerate(codes)}
    errors += [p.message for p in checks.geometry_problems(dict(zip(labels, frame.geometry, strict=True)), labels)]
    found = {c for c in codes if c}
    missing = [f"{names[c]}（{c}）" for c in reference if c not in found]
    if missing:
        errors.append(f"文件缺少 {len(missing)} 个乡镇（街道）：{_listed(missing)}。需要全部 {len(reference)} 个才能替换近似范围")
    if errors:
        raise BoundaryFileError(errors)

    parts = geopandas.GeoDataFrame({"township": codes}, geometry=_to_wgs84(frame.geometry, source))
    several = parts["township"].duplicated(keep=False)
    # Only townships drawn as several features are dissolved: a union would rewrite every other outline too
    # (ring order, MultiPolygon → Polygon), and the stored geometry should be the file's.
    merged = parts[several].dissolve(by="township").geometry
    shapes = dict(sorted([*zip(parts["township"][~several], parts.geometry[~several], strict=True), *merged.items()]))
    # A merge must still give a valid area.
    problems = checks.geometry_problems(shapes, names)
    lonlat = checks.lonlat_problem(shapes, city_shape())
    if lonlat is not None:
        raise BoundaryFileError([f"换算成 WGS-84 后{lonlat.message}"])
    counties = county_shapes()
    problems += checks.outside_own_county(shapes, counties, county_of, names)
    problems += checks.overlaps(shapes, names)
    if crs is None:
        gcj = checks.gcj02_problem(shapes, city_shape())
        if gcj is not None:
            problems.append(gcj)
    if problems:
        raise BoundaryFileError([p.message for p in problems])

    county_names = dict(con.execute("SELECT code, name FROM divisions WHERE level = 'county'").fetchall())
    gaps = checks.coverage_gaps(shapes, counties, county_of, county_names)
    warnings = [f"{g.message}（与内置的区县边界比较；内置区县边界本身有约 100 米误差，仅供参考）" for g in gaps]
    summary = BoundaryImport(
        file=path.name, features=len(frame), townships=len(shapes),
        merged={str(c): int(n) for c, n in parts["township"][several].value_counts().items()},
        source_crs=_crs_label(source), dry_run=False, warnings=warnings,
    )
    return shapes, summary


def import_townships(con: duckdb.DuckDBPyConnection, path: Path, *, user: str, dry_run: bool = False,
                     **options: str | None) -> BoundaryImport:
    """Check a boundary file and (unless dry_run) replace the township boundaries with it, all or nothing."""
    shapes, summary = prepare(con, path, **options)
    summary.dry_run = dry_run
    if dry_run:
        return summary
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    reference = _reference_townships(con)
    now = datetime.now().replace(microsecond=0)
    parts = {c: summary.merged.get(c, 1) for c in shapes}
    con.execute("BEGIN")
    try:
        con.execute(sql("create"))
        con.execute(sql("delete_all"))
        con.executemany(sql("insert"), [
            [code, reference[code][0], reference[code][1], shapely.to_wkb(geom), parts[code], path.name, digest,
             summary.source_crs, now, user]
            for code, geom in shapes.items()
        ])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return summary


def reset_townships(con: duckdb.DuckDBPyConnection) -> int:
    """Remove imported official boundaries (the map falls back to the approximation); rows removed."""
    from rcdash.geo.townships import has_official

    if not has_official(con):
        return 0
    count = con.execute("SELECT count(*) FROM township_boundaries").fetchall()[0][0]
    con.execute(sql("delete_all"))
    return int(count)
