"""Geometry checks (validity, overlaps, coverage, CRS) and `geo import-townships` of official boundaries."""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pyogrio import raw
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from rcdash.cli.main import main
from rcdash.geo import checks
from rcdash.geo.boundaries import city_shape, county_shapes, township_properties, township_shapes
from rcdash.geo.crs import from_wgs84
from rcdash.geo.official import BoundaryFileError, import_townships, reset_townships
from rcdash.geo.townships import has_official, township_areas
from rcdash.store.connections import connect

NAMES = {c: str(p["name"]) for c, p in township_properties().items()}
COUNTY_OF = {c: str(p["county_code"]) for c, p in township_properties().items()}


# ---------------------------------------------------------------------------- checks


def test_shipped_approximation_passes_every_check() -> None:
    shapes = township_shapes()
    assert checks.geometry_problems(shapes, NAMES) == []
    assert checks.overlaps(shapes, NAMES) == []
    assert checks.coverage_gaps(shapes, county_shapes(), COUNTY_OF) == []
    assert checks.outside_own_county(shapes, county_shapes(), COUNTY_OF, NAMES) == []
    assert checks.lonlat_problem(shapes, city_shape()) is None
    assert checks.gcj02_problem(shapes, city_shape()) is None


def test_overlap_is_found_and_measured() -> None:
    a, b = box(120.0, 30.0, 120.1, 30.1), box(120.05, 30.0, 120.15, 30.1)  # overlap: half of each
    problems = checks.overlaps({"A": a, "B": b}, {"A": "甲镇", "B": "乙镇"})
    assert [p.kind for p in problems] == ["overlap"] and problems[0].codes == ("A", "B")
    assert problems[0].area_km2 == pytest.approx(0.005 * checks.KM2_PER_DEG2)
    assert "甲镇 与 乙镇 重叠" in problems[0].message
    touching = checks.overlaps({"A": a, "B": box(120.1, 30.0, 120.2, 30.1)}, {})
    assert touching == []  # sharing a border is not overlapping


def test_coverage_gap_is_found() -> None:
    county = box(120.0, 30.0, 120.2, 30.1)
    towns = {"A": box(120.0, 30.0, 120.1, 30.1), "B": box(120.1, 30.0, 120.19, 30.1)}  # a 0.01° strip missing
    problems = checks.coverage_gaps(towns, {"K": county}, {"A": "K", "B": "K"}, {"K": "测试县"})
    assert [p.kind for p in problems] == ["gap"] and "测试县" in problems[0].message and "5.0%" in problems[0].message
    whole = {"A": towns["A"], "B": box(120.1, 30.0, 120.2, 30.1)}
    assert checks.coverage_gaps(whole, {"K": county}, {"A": "K", "B": "K"}) == []


def test_invalid_and_wrong_type_geometries() -> None:
    bowtie = Polygon([(120.0, 30.0), (120.1, 30.1), (120.1, 30.0), (120.0, 30.1)])
    problems = checks.geometry_problems({"A": bowtie, "B": shapely.Point(120, 30), "C": Polygon()}, {"A": "甲"})
    assert [p.kind for p in problems] == ["invalid", "not_polygon", "empty"]
    assert "Self-intersection" in problems[0].message and "修复几何" in problems[0].message


def test_township_outside_its_county() -> None:
    shapes = {"330602001": township_shapes()["330681001"]}  # a Zhuji township under a Yuecheng code
    problems = checks.outside_own_county(shapes, county_shapes(), COUNTY_OF, NAMES)
    assert [p.kind for p in problems] == ["outside_county"]


def test_projected_and_swapped_coordinates_are_recognised() -> None:
    city = city_shape()
    metres = {"A": box(500_000, 3_300_000, 510_000, 3_310_000)}
    assert "投影坐标" in checks.lonlat_problem(metres, city).message
    swapped = {"A": box(29.9, 120.5, 30.0, 120.6)}
    assert "写反" in checks.lonlat_problem(swapped, city).message
    hangzhou = {"A": box(119.0, 31.5, 119.1, 31.6)}
    assert "不在绍兴市范围内" in checks.lonlat_problem(hangzhou, city).message


def gcj(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda a: np.array([from_wgs84(x, y, "GCJ02") for x, y in a]))


def test_gcj02_disguised_as_wgs84_is_detected() -> None:
    shifted = {c: gcj(g) for c, g in township_shapes().items()}
    problem = checks.gcj02_problem(shifted, city_shape())
    assert problem is not None and "--crs GCJ02" in problem.message
    # A small genuine difference (≈ 50 m) is not mistaken for GCJ-02.
    nudged = {c: shapely.affinity.translate(g, 0.0005, 0.0) for c, g in township_shapes().items()}
    assert checks.gcj02_problem(nudged, city_shape()) is None


# ---------------------------------------------------------------------------- files


def geojson(path: Path, shapes: dict[str, shapely.Geometry], props: dict[str, dict[str, object]]) -> Path:
    features = [{"type": "Feature", "properties": props[c], "geometry": mapping(g)} for c, g in shapes.items()]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8")
    return path


def official_geojson(tmp_path: Path, drop: str | None = None, name: str = "towns.geojson") -> Path:
    """The approximation written as an 'official' file with 12-digit codes (the NBS 12-digit form)."""
    shapes = {c: g for c, g in township_shapes().items() if c != drop}
    return geojson(tmp_path / name, shapes, {c: {"XZQDM": c + "000", "XZQMC": NAMES[c]} for c in shapes})


@cache
def transformer(crs: str) -> Transformer:
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def projected(geom: shapely.Geometry, crs: str) -> bytes:
    t = transformer(crs)

    def fwd(a: np.ndarray) -> np.ndarray:
        x, y = t.transform(a[:, 0], a[:, 1])
        return np.column_stack([x, y])

    out = shapely.transform(geom, fwd)
    return shapely.to_wkb(out if out.geom_type == "MultiPolygon" else MultiPolygon([out]))


def write_layer(path: Path, crs: str | None, columns: dict[str, list[str]], driver: str, parts: int = 1) -> Path:
    """Townships in a projected CRS (or unprojected lon/lat when crs is None), by name only."""
    shapes = township_shapes()
    geoms = [projected(g, crs) if crs else shapely.to_wkb(MultiPolygon(list(shapely.get_parts(g))))
             for g in shapes.values()]
    with warnings.catch_warnings():  # pyogrio warns about a layer without CRS: that is the point of some tests
        warnings.simplefilter("ignore", UserWarning)
        raw.write(str(path), np.array(geoms, dtype=object), [np.array(v, dtype=object) for v in columns.values()],
                  list(columns), geometry_type="MultiPolygon", crs=crs, driver=driver, encoding="UTF-8")
    return path


def snapshot(db: Path) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'township_boundaries'"
                           ).fetchall()[0][0]:
            return []
        return con.execute("SELECT code, geometry FROM township_boundaries ORDER BY code").fetchall()
    finally:
        con.close()


def test_geojson_with_12_digit_codes_imports_and_replaces_the_approximation(con: duckdb.DuckDBPyConnection,
                                                                            tmp_path: Path) -> None:
    assert not has_official(con)
    result = import_townships(con, official_geojson(tmp_path), user="tester")
    assert (result.townships, result.features, result.merged, result.warnings) == (103, 103, {}, [])
    assert result.source_crs.startswith("EPSG:4326")
    areas = township_areas(con)
    assert not areas.approximate and len(areas.shapes) == 103
    assert "towns.geojson" in areas.source and "tester" in areas.source
    assert areas.shapes["330602001"].equals_exact(township_shapes()["330602001"], 1e-9)
    assert areas.township_at(*areas.seats["330603006"]) == "330603006"
    assert reset_townships(con) == 103 and township_areas(con).approximate


def test_geopackage_in_a_projected_crs_by_name(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """CGCS2000 3-degree Gauss-Krüger (EPSG:4549), township names only: reprojected to WGS-84 within a metre."""
    path = write_layer(tmp_path / "towns.gpkg", "EPSG:4549", {"乡镇名称": list(NAMES.values())}, "GPKG")
    result = import_townships(con, path, user="t")
    assert "EPSG:4549" in result.source_crs
    back = township_areas(con).shapes["330683101"]
    assert back.symmetric_difference(township_shapes()["330683101"]).area < 1e-9
    assert shapely.hausdorff_distance(back, township_shapes()["330683101"]) < 1e-5  # ≈ 1 m


def test_shapefile_without_prj_needs_crs(db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_layer(tmp_path / "towns.shp", None, {"NAME": list(NAMES.values())}, "ESRI Shapefile")
    code = main(["--db", str(db_file), "geo", "import-townships", str(path)])
    assert code == 2 and "--crs" in capsys.readouterr().err
    assert snapshot(db_file) == []
    assert main(["--db", str(db_file), "geo", "import-townships", str(path), "--crs", "WGS84"]) == 0
    assert len(snapshot(db_file)) == 103
    assert "已导入正式乡镇（街道）边界：103 个" in capsys.readouterr().out


def test_missing_township_is_refused_and_changes_nothing(db_file: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_file), "geo", "import-townships", str(official_geojson(tmp_path))]) == 0
    before = snapshot(db_file)
    bad = official_geojson(tmp_path, drop="330604101", name="short.geojson")
    assert main(["--db", str(db_file), "geo", "import-townships", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "数据库未作任何改动" in err and "缺少 1 个乡镇（街道）" in err and NAMES["330604101"] in err
    assert snapshot(db_file) == before


def test_unknown_names_list_candidates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    shapes = township_shapes()
    props = {c: {"name": NAMES[c]} for c in shapes}
    props["330602001"] = {"name": "塔山镇街"}
    with pytest.raises(BoundaryFileError) as exc:
        import_townships(con, geojson(tmp_path / "t.geojson", shapes, props), user="t")
    text = "\n".join(exc.value.messages)
    assert "“塔山镇街”" in text and "塔山街道" in text  # the closest name is offered
    assert "缺少 1 个" in text


def test_invalid_geometry_and_overlap_are_refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    shapes = dict(township_shapes())
    x0, y0, *_ = shapes["330602001"].bounds
    shapes["330602001"] = Polygon([(x0, y0), (x0 + 0.05, y0 + 0.05), (x0 + 0.05, y0), (x0, y0 + 0.05)])
    props = {c: {"code": c} for c in shapes}
    with pytest.raises(BoundaryFileError, match="几何无效"):
        import_townships(con, geojson(tmp_path / "bowtie.geojson", shapes, props), user="t")
    shapes = dict(township_shapes())
    shapes["330602001"] = shapes["330602001"].union(shapes["330602002"])  # swallows its neighbour
    with pytest.raises(BoundaryFileError, match="重叠"):
        import_townships(con, geojson(tmp_path / "overlap.geojson", shapes, props), user="t")
    assert not has_official(con)


def test_gcj02_file_is_refused_then_converted_with_crs(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    shapes = {c: gcj(g) for c, g in township_shapes().items()}
    path = geojson(tmp_path / "amap.geojson", shapes, {c: {"adcode": c} for c in shapes})
    with pytest.raises(BoundaryFileError, match="GCJ-02"):
        import_townships(con, path, user="t")
    result = import_townships(con, path, user="t", crs="GCJ02")
    assert result.source_crs == "GCJ02"
    code = next(c for c in NAMES if c.startswith("330624"))
    back = township_areas(con).shapes[code]
    assert shapely.hausdorff_distance(back, township_shapes()[code]) < 2e-5


def test_townships_split_into_several_features_are_merged(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    shapes = township_shapes()
    code = "330603006"
    minx, miny, maxx, maxy = shapes[code].bounds
    mid = (minx + maxx) / 2
    west, east = shapes[code].intersection(box(minx, miny, mid, maxy)), shapes[code].intersection(box(mid, miny, maxx, maxy))
    features = [{"type": "Feature", "properties": {"code": c}, "geometry": mapping(g)} for c, g in shapes.items() if c != code]
    features += [{"type": "Feature", "properties": {"code": code}, "geometry": mapping(g)} for g in (west, east)]
    path = tmp_path / "split.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    result = import_townships(con, path, user="t")
    assert result.features == 104 and result.merged == {code: 2}
    assert township_areas(con).shapes[code].symmetric_difference(shapes[code]).area < 1e-10


@pytest.mark.parametrize(("name", "content", "message"), [
    ("towns.csv", "code\n1\n", "不支持"),
    ("towns.geojson", "{not json", "无法读取"),
    ("empty.geojson", '{"type": "FeatureCollection", "features": []}', "没有任何要素"),
])
def test_unusable_files(db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str,
                        message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["--db", str(db_file), "geo", "import-townships", str(path)]) == 2
    assert message in capsys.readouterr().err
    assert snapshot(db_file) == []


def test_layer_without_geometry_is_refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """A GeoPackage attribute table (codes, no shapes) gets a clear message, not a crash."""
    path = tmp_path / "table.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"code": list(NAMES)}), path, driver="GPKG", layer="乡镇表")
    with pytest.raises(BoundaryFileError, match="图层“乡镇表”没有几何"):
        import_townships(con, path, user="t")
    assert not has_official(con)


def test_columns_can_be_named_and_missing_ones_are_reported(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    shapes = township_shapes()
    path = geojson(tmp_path / "odd.geojson", shapes, {c: {"乡镇标识": c, "备注": ""} for c in shapes})
    with pytest.raises(BoundaryFileError, match="找不到乡镇代码列或名称列"):
        import_townships(con, path, user="t")
    with pytest.raises(BoundaryFileError, match="没有“XZQDM”列"):
        import_townships(con, path, user="t", code_column="XZQDM")
    assert import_townships(con, path, user="t", code_column="乡镇标识").townships == 103


def test_dry_run_and_status_and_reset_commands(db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = official_geojson(tmp_path)
    assert main(["--db", str(db_file), "geo", "import-townships", str(path), "--dry-run"]) == 0
    assert "校验通过（未写入）" in capsys.readouterr().out and snapshot(db_file) == []
    assert main(["--db", str(db_file), "geo", "status"]) == 0
    assert "近似范围" in capsys.readouterr().out
    assert main(["--db", str(db_file), "geo", "import-townships", str(path)]) == 0
    assert main(["--db", str(db_file), "geo", "status"]) == 0
    assert "正式边界：towns.geojson" in capsys.readouterr().out
    assert main(["--db", str(db_file), "geo", "reset-townships"]) == 0
    assert "已删除 103 个" in capsys.readouterr().out and snapshot(db_file) == []
    assert main(["--db", str(tmp_path / "absent.duckdb"), "geo", "status"]) == 2
