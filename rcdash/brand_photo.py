"""Attaching a photo to one 一地一品 project: a one-row import bundle, so it is checked, logged and undoable."""

from __future__ import annotations

import argparse
import contextlib
import csv
import difflib
import io
import json
import sys
import zipfile
from datetime import date
from pathlib import Path, PurePath

import duckdb

from rcdash import config, media
from rcdash.db import first_row, load_sql
from rcdash.importing.kinds import KINDS
from rcdash.importing.load import EXIT_UNUSABLE, ImportResult, division_index, import_file

SHEET_NAME = "brand.csv"
SUGGESTIONS = 5  # project names suggested when the given one does not exist
COUNTY_LEVEL = frozenset({"county"})


class BrandNotFound(LookupError):
    """No such county or project; the message says which names exist."""


def _county_code(con: duckdb.DuckDBPyConnection, county: str) -> str:
    """A county's code from its name or code."""
    resolution = division_index(con).resolve(county.strip(), levels=COUNTY_LEVEL)  # type: ignore[attr-defined]
    if resolution.code is None:
        raise BrandNotFound(resolution.error)
    return str(resolution.code)


def find_brand(con: duckdb.DuckDBPyConnection, county: str, name: str) -> dict[str, object]:
    """The project's current row; BrandNotFound (with the closest names) when it does not exist."""
    code = _county_code(con, county)
    cur = con.execute(load_sql("brand_row"), {"county": code, "name": name.strip()})
    row = first_row(cur)
    if row is None:
        names = [r[0] for r in con.execute(load_sql("brand_names"), {"county": code}).fetchall()]
        close = difflib.get_close_matches(name.strip(), names, n=SUGGESTIONS, cutoff=0.3) or names[:SUGGESTIONS]
        hint = f"，该区县的项目有：{'、'.join(close)}" if close else "，该区县还没有一地一品项目，请先导入（数据类型 brands）"
        raise BrandNotFound(f"{county} 没有名为“{name.strip()}”的一地一品项目{hint}")
    return dict(zip(["name", "county", "description", "started_on", "category", "beneficiaries", "photo", "tags"],
                    row, strict=True))


def photo_bundle(row: dict[str, object], image_name: str, image: bytes) -> bytes:
    """A ZIP of the project's row (photo column naming the image) and the image: the importer's bundle format."""
    kind = KINDS["brands"]
    cells = {**row, "photo": image_name}
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(kind.columns)
    writer.writerow(["" if cells[c] is None else (cells[c].isoformat() if isinstance(cells[c], date) else cells[c])
                     for c in kind.columns])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(SHEET_NAME, text.getvalue().encode("utf-8"))
        archive.writestr(image_name, image)
    return out.getvalue()


def attach_photo(con: duckdb.DuckDBPyConnection, county: str, name: str, image: bytes, image_name: str,
                 *, user: str = "cli", dry_run: bool = False) -> ImportResult:
    """Give one project a new photo (checked and re-encoded like an imported one); undo restores the old one."""
    row = find_brand(con, county, name)
    safe_name = PurePath(image_name.replace("\\", "/")).name or "photo"
    if safe_name.casefold().endswith((".xlsx", ".xls", ".csv")):
        safe_name += ".img"  # a photo named like a sheet must not be taken for the bundle's sheet
    return import_file(con, "brands", Path(safe_name), data=photo_bundle(row, safe_name, image),
                       file_name=f"{safe_name}（照片：{name.strip()}）", user=user, dry_run=dry_run)


def read_image_file(path: Path) -> bytes:
    """An image file's bytes, refusing oversized files before reading them (OSError/ValueError in Chinese)."""
    size = path.stat().st_size
    if size > media.MAX_IMAGE_BYTES:
        raise ValueError(f"图片过大（{size / 1024 / 1024:.1f} MB），上限 {media.MAX_IMAGE_BYTES // 1024 // 1024} MB，请压缩后再上传")
    return path.read_bytes()


def cmd_brand_photo(args: argparse.Namespace) -> int:
    """The CLI: attach a photo to one project (published as one step, like an import)."""
    from rcdash.db import WriterBusy, connect, writing

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
        context = contextlib.closing(connect(path, read_only=True)) if args.dry_run else writing(path)
        with context as con:
            result = attach_photo(con, args.county, args.name, data, image.name, user=config.current_user(),
                                  dry_run=args.dry_run)
            stored = first_row(con.execute(load_sql("brand_row"), {"county": _county_code(con, args.county),
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
