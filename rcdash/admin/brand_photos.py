"""Attaching a photo to one 一地一品 project: a one-row import bundle, so it is checked, logged and undoable."""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from datetime import date
from pathlib import Path, PurePath

import duckdb

from rcdash.importing.load import ImportResult, division_index, import_file
from rcdash.records.kinds import KINDS
from rcdash.store import media
from rcdash.store.sql import first_row, load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"

SHEET_NAME = "brand.csv"
SUGGESTIONS = 5  # project names suggested when the given one does not exist
COUNTY_LEVEL = frozenset({"county"})


class BrandNotFound(LookupError):
    """No such county or project; the message says which names exist."""


def county_code(con: duckdb.DuckDBPyConnection, county: str) -> str:
    """A county's code from its name or code."""
    resolution = division_index(con).resolve(county.strip(), levels=COUNTY_LEVEL)  # type: ignore[attr-defined]
    if resolution.code is None:
        raise BrandNotFound(resolution.error)
    return str(resolution.code)


def find_brand(con: duckdb.DuckDBPyConnection, county: str, name: str) -> dict[str, object]:
    """The project's current row; BrandNotFound (with the closest names) when it does not exist."""
    code = county_code(con, county)
    cur = con.execute(load_sql("brand_row", SQL_DIR), {"county": code, "name": name.strip()})
    row = first_row(cur)
    if row is None:
        names = [r[0] for r in con.execute(load_sql("brand_names", SQL_DIR), {"county": code}).fetchall()]
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
