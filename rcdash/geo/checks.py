"""Geometry checks for township areas: validity, overlaps, coverage of the counties, and a CRS sanity test.

Used by the import of official township boundaries (a bad file is refused with these messages) and by the
tests of the shipped approximation. Areas are reported in km² (equirectangular at Shaoxing's latitude).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from rcdash.geo.crs import to_wgs84

LAT0 = 29.8  # Shaoxing's mid latitude
KM_PER_DEG = 111.32
KM2_PER_DEG2 = KM_PER_DEG**2 * math.cos(math.radians(LAT0))
# Overlaps and gaps below this share of a township's (county's) area are digitising noise, not errors.
TILING_TOLERANCE_SHARE = 0.001
# A township with less than this share of its area inside its own county has the wrong code or CRS.
MIN_SHARE_IN_COUNTY = 0.5
# Margin around the city's extent (degrees, ~10 km): boundaries beyond it are not Shaoxing in lon/lat.
BBOX_MARGIN_DEG = 0.1
# A whole-city misfit of at least this many metres that a GCJ-02 → WGS-84 conversion halves means the file is
# GCJ-02 (高德/腾讯) labelled as WGS-84: the GCJ-02 offset here is ≈ 480 m, official borders differ from ours by
# ~100 m on average, so 250 m separates the two.
GCJ_MISFIT_M = 250.0


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a set of township areas."""

    kind: str  # invalid / empty / not_polygon / overlap / gap / outside_county / not_lonlat / gcj02
    codes: tuple[str, ...]
    message: str  # Chinese, says what to fix
    area_km2: float = 0.0


def km2(geom: BaseGeometry) -> float:
    """Approximate area in km² of a lon/lat geometry around Shaoxing."""
    return float(geom.area) * KM2_PER_DEG2


def _series(shapes: Mapping[str, BaseGeometry]) -> geopandas.GeoSeries:
    """Areas by code as a GeoSeries (lon/lat)."""
    return geopandas.GeoSeries(list(shapes.values()), index=list(shapes))


def geometry_problems(shapes: Mapping[str, BaseGeometry], names: Mapping[str, str]) -> list[Problem]:
    """Empty, non-polygonal or invalid geometries (with GEOS's reason and where)."""
    out = []
    for code, geom in shapes.items():
        label = f"{names.get(code, '')}（{code}）"
        if geom is None or geom.is_empty:
            out.append(Problem("empty", (code,), f"{label} 的几何为空"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            out.append(Problem("not_polygon", (code,), f"{label} 的几何是 {geom.geom_type}，应为面（Polygon/MultiPolygon）"))
        elif not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            out.append(Problem("invalid", (code,), f"{label} 的几何无效：{reason}；请在 GIS 软件中修复（如 QGIS“修复几何”）后重新导出"))
    return out


def overlaps(shapes: Mapping[str, BaseGeometry], names: Mapping[str, str]) -> list[Problem]:
    """Pairs of townships that overlap by more than the tolerance share of the smaller one."""
    towns = _series(shapes)
    i, j = towns.sindex.query(towns, predicate="intersects")
    i, j = i[i < j], j[i < j]
    shared = towns.iloc[i].intersection(towns.iloc[j], align=False).area.to_numpy()
    area = towns.area.to_numpy()
    over = shared > TILING_TOLERANCE_SHARE * np.minimum(area[i], area[j])
    return [Problem("overlap", (a, b), f"{names.get(a, a)} 与 {names.get(b, b)} 重叠约 {km:.2f} km²", float(km))
            for a, b, km in zip(towns.index[i[over]], towns.index[j[over]], shared[over] * KM2_PER_DEG2, strict=True)]


def coverage_gaps(
    shapes: Mapping[str, BaseGeometry], counties: Mapping[str, BaseGeometry], county_of: Mapping[str, str],
    county_names: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Counties whose townships leave more than the tolerance share of the county uncovered."""
    county = _series(counties)
    towns = geopandas.GeoDataFrame({"county": [county_of.get(c) for c in shapes]}, geometry=list(shapes.values()))
    covered = towns.dissolve(by="county").geometry.reindex(county.index, fill_value=shapely.Polygon())
    gap = county.difference(covered).area
    out = []
    for code in county.index[gap > TILING_TOLERANCE_SHARE * county.area]:
        area, name = float(gap[code]) * KM2_PER_DEG2, (county_names or {}).get(code, code)
        out.append(Problem("gap", (code,), f"{name} 约 {area:.1f} km²（{gap[code] / county.area[code]:.1%}）不属于任何乡镇（街道）", area))
    return out


def outside_own_county(
    shapes: Mapping[str, BaseGeometry], counties: Mapping[str, BaseGeometry], county_of: Mapping[str, str],
    names: Mapping[str, str],
) -> list[Problem]:
    """Townships lying mostly outside their own county: a wrong code, a wrong name or a wrong CRS."""
    towns = _series(shapes)
    county = _series(counties).reindex([county_of.get(c, "") for c in shapes]).set_axis(towns.index)
    towns = towns[county.notna() & ~towns.is_empty & towns.is_valid]
    share = towns.intersection(county[towns.index]).area / towns.area
    return [Problem("outside_county", (code,), f"{names.get(code, code)} 只有 {s:.0%} 的面积在所属区县内：请检查代码/名称列或坐标系")
            for code, s in share[share < MIN_SHARE_IN_COUNTY].items()]


def lonlat_problem(shapes: Mapping[str, BaseGeometry], city: BaseGeometry) -> Problem | None:
    """Coordinates that cannot be longitude/latitude around the city (projected metres, swapped axes)."""
    minx, miny, maxx, maxy = (float(v) for v in _series(shapes).total_bounds)
    cx0, cy0, cx1, cy1 = city.bounds
    x0, y0, x1, y1 = cx0 - BBOX_MARGIN_DEG, cy0 - BBOX_MARGIN_DEG, cx1 + BBOX_MARGIN_DEG, cy1 + BBOX_MARGIN_DEG
    if x0 <= minx and maxx <= x1 and y0 <= miny and maxy <= y1:
        return None
    if x0 <= miny and maxy <= x1 and y0 <= minx and maxx <= y1:
        hint = "经纬度似乎写反了（纬度在前）"
    elif max(abs(minx), abs(maxx), abs(miny), abs(maxy)) > 360:
        hint = "坐标像是以米为单位的投影坐标，但文件没有说明坐标系：请用 --crs 指定（如 EPSG:4549，CGCS2000 3 度带 120°E）"
    else:
        hint = "坐标不在绍兴市范围内：请检查坐标系（--crs）"
    return Problem("not_lonlat", (), f"坐标范围 {minx:.4f}, {miny:.4f} – {maxx:.4f}, {maxy:.4f}：{hint}")


def _misfit_m(geom: BaseGeometry, reference: BaseGeometry) -> float:
    """How far apart two outlines of the same area are: the area of their difference over the perimeter, in m."""
    return float(geom.symmetric_difference(reference).area / max(reference.length, 1e-12)) * KM_PER_DEG * 1000


def gcj02_problem(shapes: Mapping[str, BaseGeometry], city: BaseGeometry) -> Problem | None:
    """Flag GCJ-02 (Amap/Tencent) coordinates presented as WGS-84: they sit ≈ 480 m off the real city."""
    union = _series(shapes).union_all()
    raw = _misfit_m(union, city)
    if raw < GCJ_MISFIT_M:
        return None
    converted = shapely.transform(union, lambda a: np.array([to_wgs84(x, y, "GCJ02") for x, y in a]))
    fixed = _misfit_m(converted, city)
    if fixed > raw / 2:
        return None
    return Problem("gcj02", (), f"边界整体偏离绍兴市界约 {raw:.0f} 米，按 GCJ-02（高德/腾讯坐标）换算后只差约 {fixed:.0f} 米："
                                "文件很可能是 GCJ-02 坐标。请加 --crs GCJ02 重新导入（确认是 WGS-84 时加 --crs WGS84）")
