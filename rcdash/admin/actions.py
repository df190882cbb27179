"""Data management: dry runs, imports and undo on behalf of the admin page (no Streamlit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.config import max_upload_bytes
from rcdash.db import load_sql, writing
from rcdash.importing.load import ImportResult, import_file, undo_import

SQL_DIR = Path(__file__).resolve().parent / "sql"

ERROR_COLUMNS = {"row": "行号", "column": "列", "value": "值", "message": "问题与修改方法"}


class UploadRefused(Exception):
    """An upload refused before reading it; the message says why in Chinese."""


def check_upload(data: bytes) -> None:
    """Refuse uploads over the size limit (the reader has its own limits for rows and zip bombs)."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise UploadRefused(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限 {limit // 1024 // 1024} MB；请拆分后分批导入")
    if not data.strip():
        raise UploadRefused("文件是空的，请使用模板填写后再上传")


def dry_run(con: duckdb.DuckDBPyConnection, kind: str, file_name: str, data: bytes) -> ImportResult:
    """Validate an uploaded file against the current snapshot without writing anything."""
    check_upload(data)
    return import_file(con, kind, Path(file_name), dry_run=True, data=data, file_name=file_name)


def apply_import(db: Path, kind: str, file_name: str, data: bytes, user: str,
                 progress: Callable[[float, str], None] | None = None) -> ImportResult:
    """Import for real, publishing a new snapshot when the file is accepted (nothing changes otherwise)."""
    check_upload(data)
    with writing(db) as con:
        return import_file(con, kind, Path(file_name), data=data, file_name=file_name, user=user, progress=progress)


def apply_undo(db: Path, import_id: int, user: str) -> dict[str, object]:
    """Undo one import as a new snapshot."""
    with writing(db) as con:
        return undo_import(con, import_id, user=user)


def errors_frame(result: ImportResult) -> pd.DataFrame:
    """The rejected cells as a table with Chinese headers (row 0 means the whole file)."""
    rows = [e.as_dict() for e in result.errors]
    return pd.DataFrame(rows, columns=list(ERROR_COLUMNS)).rename(columns=ERROR_COLUMNS)


def brand_choices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(county_name, name, photo) of every brand project."""
    return con.execute(load_sql("brand_choices", SQL_DIR)).df()


def attach_brand_photo(db: Path, county_name: str, project: str, image: bytes, image_name: str, user: str) -> ImportResult:
    """Give one project a new photo, published as one step and undoable like an import."""
    from rcdash.admin.brand_photos import attach_photo
    from rcdash.store.media import MAX_IMAGE_BYTES

    if len(image) > MAX_IMAGE_BYTES:
        raise UploadRefused(f"图片过大（{len(image) / 1024 / 1024:.1f} MB），上限 {MAX_IMAGE_BYTES // 1024 // 1024} MB，请压缩后再上传")
    with writing(db) as con:
        return attach_photo(con, county_name, project, image, image_name, user=user)
