"""CRS conversion, county lookups and the approximate township tiling."""

from __future__ import annotations

import itertools
import json
import random

import pytest
import shapely
from shapely.geometry import Point

from rcdash.geo import boundaries
from rcdash.geo.boundaries import (
    GEO_DIR,
    city_shape,
    counties_at,
    county_at,
    county_shapes,
    inside_city,
    random_point_in,
    township_properties,
    township_shapes,
)
from rcdash.geo.crs import CRS_CHOICES, from_wgs84, to_wgs84

COUNTY_CODES = {"330602", "330603", "330604", "330624", "330681", "330683"}
# 1e-7 deg² is about 1,000 m²: the township cells are rounded to 1e-6° (~0.1 m) vertices.
AREA_TOLERANCE = 1e-7
SAMPLE_POINTS = [
    (120.4, 30.1),
    (120.58, 30.0),
    (120.9, 29.5),
    (121.3, 30.0),
    (119.0, 29.0),
    (120.24, 29.71),
]


@pytest.mark.parametrize("crs", ["GCJ02", "BD09"])
@pytest.mark.parametrize("point", [(120.58, 30.00), (120.24, 29.71), (121.2, 29.25)])
def test_round_trip_through_other_crs(crs: str, point: tuple[float, float]) -> None:
    """WGS84 → GCJ02/BD09 → WGS84 comes back within 1e-5°, after a real (≈500 m) shift."""
    shifted = from_wgs84(*point, crs)
    assert abs(shifted[0] - point[0]) + abs(shifted[1] - point[1]) > 1e-3
    back = to_wgs84(*shifted, crs)
    assert back == pytest.approx(point, abs=1e-5)


def test_gcj02_offset_has_the_known_size_and_direction() -> None:
    """Around Shaoxing GCJ-02 lies about +0.004° lon and -0.0026° lat from WGS-84."""
    lon, lat = from_wgs84(120.58, 30.0, "GCJ02")
    assert lon - 120.58 == pytest.approx(0.0041, abs=5e-4)
    assert lat - 30.0 == pytest.approx(-0.0026, abs=5e-4)


def test_wgs84_passes_through_and_names_are_forgiving() -> None:
    """WGS84 is the identity; case and separators in the CRS name do not matter."""
    assert to_wgs84(120.5, 30.1, "WGS84") == (120.5, 30.1)
    assert to_wgs84(120.5, 30.1, "wgs-84") == (120.5, 30.1)
    assert to_wgs84(120.5, 30.1, "gcj_02") == to_wgs84(120.5, 30.1, "GCJ02")
    assert set(CRS_CHOICES) == {"WGS84", "GCJ02", "BD09"}


@pytest.mark.parametrize("crs", ["EPSG:3857", "", "UTM"])
def test_unknown_crs_raises(crs: str) -> None:
    """An unknown CRS is an error, not a silent pass-through."""
    with pytest.raises(ValueError, match="unknown CRS"):
        to_wgs84(120.0, 30.0, crs)
    with pytest.raises(ValueError):
        from_wgs84(120.0, 30.0, crs)


def test_geo_dir_holds_the_shipped_files() -> None:
    """GEO_DIR is the repo's geo/ folder, with both files and their provenance note."""
    for name in ("counties.geojson", "townships_approx.geojson", "PROVENANCE.md"):
        assert (GEO_DIR / name).is_file()


def test_counties_are_the_six_valid_polygons() -> None:
    """Six valid county polygons, neighbours meeting without overlap, no hole between them."""
    shapes = county_shapes()
    assert set(shapes) == COUNTY_CODES
    assert all(g.is_valid and not g.is_empty for g in shapes.values())
    for a, b in itertools.combinations(shapes.values(), 2):
        assert a.intersection(b).area < 1e-10
    city = city_shape()
    assert city.geom_type == "Polygon" and not city.interiors
    assert city.area == pytest.approx(sum(g.area for g in shapes.values()), rel=1e-9)


def test_county_properties_carry_names() -> None:
    """Each county feature carries its code and Chinese name."""
    data = json.loads((GEO_DIR / "counties.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["code"]: f["properties"]["name"] for f in data["features"]}
    assert names == {
        "330602": "越城区",
        "330603": "柯桥区",
        "330604": "上虞区",
        "330624": "新昌县",
        "330681": "诸暨市",
        "330683": "嵊州市",
    }


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (120.58, 30.00, "330602"),  # Shaoxing centre (GeoNames 120.579 30.002): 越城区
        (120.24, 29.71, "330681"),  # Zhuji
        (120.82, 29.59, "330683"),  # Shengzhou
        (120.90, 29.50, "330624"),  # Xinchang
        (120.87, 30.03, "330604"),  # Shangyu
        (120.49, 30.07, "330603"),  # Keqiao
        (120.15, 30.27, None),  # Hangzhou
        (121.55, 29.87, None),  # Ningbo
    ],
)
def test_known_points(lon: float, lat: float, expected: str | None) -> None:
    """Well-known places fall in the right county, and outsiders in none."""
    assert county_at(lon, lat) == expected
    assert inside_city(lon, lat) is (expected is not None)


def test_counties_at_agrees_with_county_at() -> None:
    """The vectorised lookup gives the same answers as the per-point one."""
    lons, lats = zip(*SAMPLE_POINTS, strict=True)
    assert counties_at(lons, lats) == [county_at(x, y) for x, y in SAMPLE_POINTS]


def test_border_point_gets_exactly_one_county() -> None:
    """A vertex on the 越城/柯桥 border belongs to one county (the lower code)."""
    shared = county_shapes()["330602"].intersection(county_shapes()["330603"])
    x, y = shapely.get_coordinates(shared)[0]
    assert county_at(x, y) == "330602"


def test_townships_are_103_approximate_features() -> None:
    """103 townships, each flagged approximate with a seat and where that seat came from."""
    props = township_properties()
    assert len(township_shapes()) == len(props) == 103
    for code, p in props.items():
        assert p["approximate"] is True
        assert p["county_code"] == code[:6]
        assert p["seat_source"] in {"geonames", "estimated"}
        assert isinstance(p["seat_lon"], float) and isinstance(p["seat_lat"], float)


def test_each_township_lies_in_its_own_county_around_its_seat() -> None:
    """Every township is a valid, non-empty polygon inside its county, holding its seat."""
    counties = county_shapes()
    props = township_properties()
    for code, geom in township_shapes().items():
        county = counties[code[:6]]
        assert geom.is_valid and not geom.is_empty and geom.area > 0
        assert geom.difference(county).area < AREA_TOLERANCE
        assert geom.contains(Point(props[code]["seat_lon"], props[code]["seat_lat"]))


def test_townships_tile_their_county() -> None:
    """A county's townships add up to the county polygon, within rounding."""
    shapes = township_shapes()
    for county_code, county in county_shapes().items():
        mine = [g for code, g in shapes.items() if code.startswith(county_code)]
        union = shapely.union_all(mine)
        assert union.symmetric_difference(county).area < AREA_TOLERANCE
        assert sum(g.area for g in mine) == pytest.approx(county.area, abs=AREA_TOLERANCE)


def test_townships_do_not_overlap() -> None:
    """No two townships overlap beyond rounding."""
    geoms = list(township_shapes().values())
    tree = shapely.STRtree(geoms)
    for i, j in zip(*tree.query(geoms, predicate="intersects"), strict=True):
        if i < j:
            assert geoms[i].intersection(geoms[j]).area < AREA_TOLERANCE


def test_random_point_in_is_inside_and_deterministic() -> None:
    """Sampled points fall inside the geometry and repeat for the same seed."""
    geom = township_shapes()["330602001"]
    first = [random_point_in(geom, random.Random(7)) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    rng = random.Random(11)
    points = [random_point_in(geom, rng) for _ in range(200)]
    assert all(geom.contains(Point(p)) for p in points)
    assert len(set(points)) == 200


def test_random_point_in_survives_a_degenerate_geometry() -> None:
    """A geometry with no area still yields a point on it instead of looping forever."""
    line_like = shapely.box(120.0, 30.0, 120.1, 30.0 + 1e-12)
    x, y = random_point_in(line_like, random.Random(1))
    assert 120.0 <= x <= 120.1 and 30.0 <= y <= 30.0 + 1e-6


def test_shapes_are_cached() -> None:
    """Loading happens once per process."""
    assert boundaries.county_shapes() is boundaries.county_shapes()
    assert boundaries.township_shapes() is boundaries.township_shapes()
