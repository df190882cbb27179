"""Coordinate reference systems of imported points: WGS-84, GCJ-02 (Amap/Tencent), BD-09 (Baidu)."""

from __future__ import annotations

from collections.abc import Callable

from coord_convert.transform import bd2wgs, gcj2wgs, wgs2bd, wgs2gcj

CRS_CHOICES = ("WGS84", "GCJ02", "BD09")

Converter = Callable[[float, float], tuple[float, float]]


def _same(lon: float, lat: float) -> tuple[float, float]:
    """Identity conversion."""
    return (lon, lat)


# Looked up once per imported row, so a dict of plain functions: no branching, no objects.
_TO_WGS84: dict[str, Converter] = {"WGS84": _same, "GCJ02": gcj2wgs, "BD09": bd2wgs}
_FROM_WGS84: dict[str, Converter] = {"WGS84": _same, "GCJ02": wgs2gcj, "BD09": wgs2bd}


def _converter(table: dict[str, Converter], crs: str) -> Converter:
    """The converter for a CRS name, forgiving case and '-'/'_' ('wgs-84', 'gcj_02')."""
    fn = table.get(crs)
    if fn is None:
        fn = table.get(crs.upper().replace("-", "").replace("_", "").strip())
        if fn is None:
            raise ValueError(f"unknown CRS {crs!r}; expected one of {', '.join(CRS_CHOICES)}")
    return fn


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Convert a point given in `crs` to WGS-84 (lon, lat); points outside China pass through."""
    lon2, lat2 = _converter(_TO_WGS84, crs)(lon, lat)
    return (float(lon2), float(lat2))


def from_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Convert a WGS-84 point to `crs`, e.g. for GCJ-02 basemap tiles."""
    lon2, lat2 = _converter(_FROM_WGS84, crs)(lon, lat)
    return (float(lon2), float(lat2))
