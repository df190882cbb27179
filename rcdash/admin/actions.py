"""Data management: dry runs, imports and undo on behalf of the admin page (no Streamlit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.config import max_upload_bytes
from rcdash.importing.load import EXIT_UNUSABLE, ImportResult, import_file, undo_import
from rcdash.metrics.derived import refresh
from rcdash.quality import mark_verified, preview
from rcdash.records.kinds import KINDS
from rcdash.store.publish import writing
from rcdash.store.sql import load_sql

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
    return import_file(con, kind, Path(file_name), dry_run=True, data=data, file_name=file_name, inspect=preview)


def apply_import(db: Path, kind: str, file_name: str, data: bytes, user: str,
                 progress: Callable[[float, str], None] | None = None) -> ImportResult:
    """Import for real, publishing a new snapshot when the file is accepted (nothing changes otherwise)."""
    check_upload(data)
    with writing(db, refresh=refresh) as con:
        return import_file(con, kind, Path(file_name), data=data, file_name=file_name, user=user, progress=progress,
                           inspect=preview)


def verify_flag(db: Path, check: str, kind: str, row_key: str, note: str, user: str) -> None:
    """Mark a data-quality flag verified, with its note, as a new snapshot (QualityInputError: nothing stored)."""
    with writing(db, refresh=refresh) as con:
        mark_verified(con, check, kind, row_key, note, user)


def apply_undo(db: Path, import_id: int, user: str) -> dict[str, object]:
    """Undo one import as a new snapshot."""
    with writing(db, refresh=refresh) as con:
        return undo_import(con, import_id, user=user)


def errors_frame(result: ImportResult) -> pd.DataFrame:
    """The rejected cells as a table with Chinese headers (row 0 means the whole file)."""
    rows = [e.as_dict() for e in result.errors]
    return pd.DataFrame(rows, columns=list(ERROR_COLUMNS)).rename(columns=ERROR_COLUMNS)


def file_problems(result: ImportResult) -> list[str]:
    """Why a file cannot be imported at all, one line per distinct problem (empty when it can)."""
    if result.exit_code != EXIT_UNUSABLE:
        return []
    return list(dict.fromkeys(e.message for e in result.errors))


def expected_header(result: ImportResult) -> str | None:
    """The header the kind expects, when the file's header was refused (header problems are row 1)."""
    kind = KINDS.get(result.kind)
    if kind is None or result.exit_code != EXIT_UNUSABLE or not any(e.row == 1 for e in result.errors):
        return None
    columns = "、".join(f.zh + ("*" if f.required else "") for f in kind.fields)
    return f"“{kind.zh}”的表头应为：{columns}（带 * 的为必填；也可用英文字段名）。可在“模板下载”中下载模板。"


def imported_message(result: ImportResult) -> str:
    """What a successful import says (kept on the page after it)."""
    return f"已导入 #{result.import_id}（{result.file}）：{result.counts_text()}。各页面已显示新数据。"


def undone_message(outcome: dict[str, object], file_name: str) -> str:
    """What an undo says, and why the picker no longer offers that import."""
    kind = KINDS[str(outcome["kind"])].zh
    return (f"已撤销导入 #{outcome['import_id']}（{kind} · {file_name}）：删除 {outcome['removed']} 行，"
            f"恢复被覆盖的 {outcome['restored']} 行。它已不在可撤销的列表中；如需继续撤销，请在下方重新选择。")


def brand_choices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(county_name, name, photo) of every brand project."""
    return con.execute(load_sql("brand_choices", SQL_DIR)).df()


def attach_brand_photo(db: Path, county_name: str, project: str, image: bytes, image_name: str, user: str) -> ImportResult:
    """Give one project a new photo, published as one step and undoable like an import."""
    from rcdash.admin.brand_photos import attach_photo
    from rcdash.store.media import MAX_IMAGE_BYTES

    if len(image) > MAX_IMAGE_BYTES:
        raise UploadRefused(f"图片过大（{len(image) / 1024 / 1024:.1f} MB），上限 {MAX_IMAGE_BYTES // 1024 // 1024} MB，请压缩后再上传")
    with writing(db, refresh=refresh) as con:
        return attach_photo(con, county_name, project, image, image_name, user=user)
