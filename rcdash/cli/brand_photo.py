"""`rcdash brand-photo`: attach a photo to one 一地一品 project from the command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from rcdash import config
from rcdash.admin.brand_photos import SQL_DIR, BrandNotFound, attach_photo, county_code, read_image_file
from rcdash.importing.load import EXIT_UNUSABLE
from rcdash.metrics.derived import refresh
from rcdash.store.sql import first_row, load_sql


def cmd_brand_photo(args: argparse.Namespace) -> int:
    """The CLI: attach a photo to one project (published as one step, like an import)."""
    from rcdash.store.connections import connect
    from rcdash.store.publish import WriterBusy, writing

    image = Path(args.file)
    if not image.is_file():
        print(f"错误：找不到图片文件：{image}", file=sys.stderr)
        return EXIT_UNUSABLE
    path = config.db_path(args.db)
    if not path.exists():
        print(f"错误：数据库 {path} 不存在：先运行 `python -m rcdash init` 或 `python -m rcdash demo`", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        data = read_image_file(image)
        # A dry run reads a snapshot; a real one changes a staging copy that is published only when it succeeds.
        context = contextlib.closing(connect(path, read_only=True)) if args.dry_run else writing(path, refresh=refresh)
        with context as con:
            result = attach_photo(con, args.county, args.name, data, image.name, user=config.current_user(),
                                  dry_run=args.dry_run)
            stored = first_row(con.execute(load_sql("brand_row", SQL_DIR), {"county": county_code(con, args.county),
                                                                   "name": args.name.strip()}))
    except (BrandNotFound, WriterBusy, ValueError, OSError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    photo = stored[6] if stored else None
    if args.format == "json":
        print(json.dumps({**result.as_json(), "photo": photo}, ensure_ascii=False))
    elif result.exit_code == 0 and result.import_id is not None:
        print(f"已为“{args.county}·{args.name.strip()}”更换照片：{photo}（已检查、重新编码并去除元数据）；"
              f"导入编号 #{result.import_id}，可用 `python -m rcdash undo {result.import_id}` 恢复原照片")
    elif result.exit_code == 0:
        print(f"校验通过（未写入）：{image.name} 可以作为“{args.name.strip()}”的照片")
    else:
        for e in result.errors:
            print(f"错误：{e.message}", file=sys.stderr)
    return result.exit_code


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `brand-photo` subcommand to the CLI."""
    p = subparsers.add_parser("brand-photo", help="为一个一地一品项目上传（更换）照片")
    p.add_argument("--county", required=True, help="区、县（市）名称或代码，例如 柯桥区")
    p.add_argument("--name", required=True, help="项目名称（与导入时一致）")
    p.add_argument("file", metavar="FILE", help="照片文件：JPEG、PNG 或 WebP（按内容检查，重新编码并缩小后保存）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_brand_photo)
