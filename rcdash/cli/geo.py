"""`python -m rcdash geo …`: official township boundaries — import, status, back to the approximation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rcdash import config

EXIT_OK, EXIT_UNUSABLE = 0, 2


def cmd_import_townships(args: argparse.Namespace) -> int:
    """Replace the approximate township areas with official boundaries from a file."""
    from rcdash.geo.official import BoundaryFileError, import_townships

    path = Path(args.file)
    if not path.is_file():
        print(f"错误：找不到文件：{path}", file=sys.stderr)
        return EXIT_UNUSABLE
    from rcdash.cli.common import open_writer

    try:
        # Published as a new snapshot only when the whole file is accepted (the app keeps serving meanwhile).
        with open_writer(args) as con:
            result = import_townships(con, path, user=config.current_user(), dry_run=args.dry_run,
                                      code_column=args.code_column, name_column=args.name_column,
                                      county_column=args.county_column, crs=args.crs, layer=args.layer)
    except BoundaryFileError as exc:
        print(f"无法导入 {path.name}，数据库未作任何改动。请修正后重新导入：", file=sys.stderr)
        for message in exc.messages:
            print(f"  - {message}", file=sys.stderr)
        return EXIT_UNUSABLE
    merged = f"，其中 {len(result.merged)} 个由多个要素合并" if result.merged else ""
    verb = "校验通过（未写入）" if result.dry_run else "已导入正式乡镇（街道）边界"
    print(f"{verb}：{result.townships} 个乡镇（街道），来自 {result.file} 的 {result.features} 个要素{merged}；"
          f"坐标系 {result.source_crs} → WGS-84。")
    if not result.dry_run:
        print("地图和覆盖缺口页面将使用这些边界，不再标注“近似范围”。恢复近似范围：python -m rcdash geo reset-townships")
    for warning in result.warnings:
        print(f"  提示：{warning}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """Say which township areas the app uses."""
    from rcdash.cli.common import open_reader
    from rcdash.geo.townships import approximate_areas, official_areas
    from rcdash.geo.townships import has_official as _has

    con = open_reader(args)
    try:
        areas = official_areas(con) if _has(con) else approximate_areas()
    finally:
        con.close()
    print(f"乡镇（街道）范围：{len(areas.shapes)} 个，{areas.source}")
    return EXIT_OK


def cmd_reset(args: argparse.Namespace) -> int:
    """Drop imported official boundaries; the app goes back to the approximation."""
    from rcdash.cli.common import open_reader, open_writer
    from rcdash.geo.official import reset_townships

    open_reader(args).close()  # a missing database is an error here, not something to create
    with open_writer(args) as con:
        removed = reset_townships(con)
    print(f"已删除 {removed} 个正式乡镇边界，地图改用近似范围。" if removed else "数据库里没有导入过正式乡镇边界，无需恢复。")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `geo` and its subcommands to the CLI."""
    geo = subparsers.add_parser("geo", help="乡镇（街道）边界：导入正式边界、查看、恢复近似范围")
    sub = geo.add_subparsers(dest="geo_command", required=True, metavar="GEO_COMMAND")

    p = sub.add_parser("import-townships", help="导入正式乡镇边界（GeoJSON/Shapefile/GeoPackage，任意坐标系），替换近似范围",
                       description="文件须包含全部 103 个乡镇（街道），有代码列或名称列；几何须有效；换算为 WGS-84 后存入数据库。"
                                   "文件有问题时不做任何改动，退出码 2。")
    p.add_argument("file", help=".geojson/.json、.shp（或打包的 .zip）、.gpkg")
    p.add_argument("--code-column", help="乡镇代码所在列（默认自动识别：code、区划代码、XZQDM……）")
    p.add_argument("--name-column", help="乡镇名称所在列（默认自动识别：name、名称、XZQMC……）")
    p.add_argument("--county-column", help="区县名称所在列（可选，名称有重名时用）")
    p.add_argument("--crs", help="文件的坐标系，文件未说明或说明有误时用：EPSG:4490、EPSG:4549、WGS84、CGCS2000、GCJ02、BD09")
    p.add_argument("--layer", help="GeoPackage 有多个图层时，乡镇边界所在的图层")
    p.add_argument("--dry-run", action="store_true", help="只校验，不写入")
    p.set_defaults(run=cmd_import_townships)

    p = sub.add_parser("status", help="当前使用的乡镇范围：近似还是正式，来源")
    p.set_defaults(run=cmd_status)

    p = sub.add_parser("reset-townships", help="删除导入的正式边界，恢复近似范围")
    p.set_defaults(run=cmd_reset)
