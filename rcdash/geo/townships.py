"""Township areas as the app uses them: official boundaries when imported into the database, else the approximation.

Where official boundaries live: in the database (table `township_boundaries`), not in geo/. They are the
deployment's data: obtained from the local natural-resources bureau under its terms, often not redistributable,
so they must not land in the repository; the import is one transaction like every other import (a bad file
changes nothing); and every page already reads that database (read-only) and re-reads when it changes. The
shipped approximation in geo/ stays the fallback for a database that holds none.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from rcdash.geo.boundaries import county_shapes, township_properties, township_shapes
from rcdash.store.sql import first_row, load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"
BOUNDARY_SQL = "township_boundaries"


@cache
def sql(name: str) -> str:
    """One named statement (`-- name: x`) of rcdash/geo/sql/township_boundaries.sql."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in load_sql(BOUNDARY_SQL, SQL_DIR).splitlines():
        if line.startswith("-- name:"):
            current = line.split(":", 1)[1].strip()
            blocks[current] = []
        elif current is not None and not line.startswith("--"):
            blocks[current].append(line)
    return "\n".join(blocks[name]).strip().rstrip(";")


@dataclass(frozen=True)
class TownshipAreas:
    """Township polygons (WGS-84) with the facts the map needs about them."""

    shapes: dict[str, BaseGeometry]  # code → polygon
    names: dict[str, str]
    county_of: dict[str, str]
    seats: dict[str, tuple[float, float]]  # code → (lon, lat): the township seat, or a point inside the area
    approximate: bool
    source: str  # one line in Chinese: where the areas come from

    def counties(self) -> dict[str, BaseGeometry]:
        """County outlines: the shipped polygons, or for official townships their union (so the lines agree)."""
        if self.approximate:
            return county_shapes()
        out: dict[str, list[BaseGeometry]] = {}
        for code, geom in self.shapes.items():
            out.setdefault(self.county_of[code], []).append(geom)
        return {c: shapely.union_all(gs) for c, gs in sorted(out.items())}

    def township_at(self, lon: float, lat: float) -> str | None:
        """The code of the township containing a point, or None."""
        codes = list(self.shapes)
        hits = shapely.intersects_xy(np.array([self.shapes[c] for c in codes], dtype=object), lon, lat)
        found = [c for c, hit in zip(codes, hits, strict=True) if hit]
        return found[0] if found else None


def has_official(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether official township boundaries have been imported into this database."""
    if not first_row(con.execute(sql("exists")))[0]:
        return False
    return bool(first_row(con.execute("SELECT count(*) FROM township_boundaries"))[0])


def approximate_areas() -> TownshipAreas:
    """The shipped approximation (Voronoi cells around township seats, clipped to the counties)."""
    props = township_properties()
    return TownshipAreas(
        shapes=dict(township_shapes()),
        names={c: str(p["name"]) for c, p in props.items()},
        county_of={c: str(p["county_code"]) for c, p in props.items()},
        seats={c: (float(p["seat_lon"]), float(p["seat_lat"])) for c, p in props.items()},
        approximate=True,
        source="近似范围：以乡镇（街道）驻地为中心的泰森多边形，裁剪到区县边界，不是正式行政界线",
    )


def seat_within(code: str, geom: BaseGeometry) -> tuple[float, float]:
    """The township's known seat if it lies in the geometry, else a point inside the geometry."""
    props = township_properties().get(code)
    if props is not None and shapely.intersects_xy(geom, float(props["seat_lon"]), float(props["seat_lat"])):
        return (float(props["seat_lon"]), float(props["seat_lat"]))
    point = geom.point_on_surface()
    return (point.x, point.y)


def official_areas(con: duckdb.DuckDBPyConnection) -> TownshipAreas:
    """The imported official boundaries."""
    rows = con.execute(sql("select")).fetchall()
    shapes = {r[0]: shapely.from_wkb(r[3]) for r in rows}
    for geom in shapes.values():
        shapely.prepare(geom)
    first = rows[0]
    return TownshipAreas(
        shapes=shapes,
        names={r[0]: r[1] for r in rows},
        county_of={r[0]: r[2] for r in rows},
        seats={code: seat_within(code, geom) for code, geom in shapes.items()},
        approximate=False,
        source=f"正式边界：{first[4]}（坐标系 {first[6]}，{first[7]:%Y-%m-%d} 由 {first[8]} 导入）",
    )


def township_areas(con: duckdb.DuckDBPyConnection) -> TownshipAreas:
    """Official boundaries when imported, else the approximation."""
    return official_areas(con) if has_official(con) else approximate_areas()
