"""Shipped boundaries (WGS-84): real county polygons and approximate township areas."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

GEO_DIR = Path(__file__).resolve().parent.parent.parent / "geo"
COUNTIES_FILE = GEO_DIR / "counties.geojson"
TOWNSHIPS_FILE = GEO_DIR / "townships_approx.geojson"

# Rejection sampling in a township's bounding box hits within a few tries (the cells are
# compact); the cap only guards against a degenerate sliver geometry.
MAX_SAMPLE_TRIES = 10_000


def _load(path: Path) -> dict[str, BaseGeometry]:
    """Read a FeatureCollection into {code: geometry}, prepared for fast point tests."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, BaseGeometry] = {}
    for feature in data["features"]:
        geom = shape(feature["geometry"])
        shapely.prepare(geom)
        out[str(feature["properties"]["code"])] = geom
    return out


@cache
def county_shapes() -> dict[str, BaseGeometry]:
    """The six county polygons keyed by 6-digit code, in code order."""
    return dict(sorted(_load(COUNTIES_FILE).items()))


@cache
def city_shape() -> BaseGeometry:
    """The whole city: the union of the county polygons."""
    geom = shapely.union_all(list(county_shapes().values()))
    shapely.prepare(geom)
    return geom


@cache
def township_shapes() -> dict[str, BaseGeometry]:
    """APPROXIMATE township areas keyed by 9-digit code (Voronoi cells, not official borders)."""
    return dict(sorted(_load(TOWNSHIPS_FILE).items()))


@cache
def township_properties() -> dict[str, dict[str, object]]:
    """Township feature properties keyed by code: name, county_code, seat and its source."""
    data = json.loads(TOWNSHIPS_FILE.read_text(encoding="utf-8"))
    return {str(f["properties"]["code"]): f["properties"] for f in data["features"]}


@cache
def _county_index() -> tuple[tuple[str, ...], tuple[BaseGeometry, ...], np.ndarray]:
    """Codes, prepared geometries and bounding boxes, for cheap per-point tests."""
    shapes = county_shapes()
    geoms = tuple(shapes.values())
    return tuple(shapes), geoms, np.array([g.bounds for g in geoms])


def county_at(lon: float, lat: float) -> str | None:
    """The code of the county containing the point, or None outside the city.

    A point exactly on a shared border goes to the lower code, so every point has one answer.
    """
    codes, geoms, boxes = _county_index()
    for code, geom, (minx, miny, maxx, maxy) in zip(codes, geoms, boxes, strict=True):
        # The bounding-box test rejects most counties without touching GEOS.
        if minx <= lon <= maxx and miny <= lat <= maxy and shapely.intersects_xy(geom, lon, lat):
            return code
    return None


def counties_at(lons: Sequence[float], lats: Sequence[float]) -> list[str | None]:
    """county_at for many points at once (vectorised: for whole imported tables)."""
    codes, geoms, _ = _county_index()
    x = np.asarray(lons, dtype=float)
    y = np.asarray(lats, dtype=float)
    out: list[str | None] = [None] * len(x)
    todo = np.ones(len(x), dtype=bool)
    for code, geom in zip(codes, geoms, strict=True):
        hit = todo & shapely.intersects_xy(geom, x, y)
        for i in np.flatnonzero(hit):
            out[i] = code
        todo &= ~hit
    return out


def inside_city(lon: float, lat: float) -> bool:
    """Whether the point lies inside (or on the border of) Shaoxing."""
    return bool(shapely.intersects_xy(city_shape(), lon, lat))


def random_point_in(geometry: BaseGeometry, rng: random.Random) -> tuple[float, float]:
    """A uniformly random (lon, lat) inside the geometry; the same rng state gives the same point."""
    if not shapely.is_prepared(geometry):
        shapely.prepare(geometry)
    minx, miny, maxx, maxy = geometry.bounds
    for _ in range(MAX_SAMPLE_TRIES):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(geometry, lon, lat):
            return (lon, lat)
    point = geometry.point_on_surface()
    return (point.x, point.y)
