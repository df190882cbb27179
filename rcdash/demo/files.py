"""Import files and placeholder images, written byte-for-byte reproducibly."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from rcdash.demo import story
from rcdash.records.spec import FieldType, Kind

Row = tuple[object, ...]
# Rows per CSV file: well under the importer's 1,000,000-row and 50 MB limits, so national files still load.
CHUNK_ROWS = 200_000
XLSX_DATE_FORMAT = "yyyy-mm-dd"
ZIP_TIMESTAMP = (story.FILES_AS_OF.year, story.FILES_AS_OF.month, story.FILES_AS_OF.day, 0, 0, 0)
YES, NO = "是", "否"


def _csv_cell(field_type: FieldType, value: object, chinese: bool) -> str:
    """One value as written in a CSV cell (dates ISO, months 2021-03 or 2021年3月, booleans 是/否)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, date):
        if field_type is FieldType.MONTH:
            return f"{value.year}年{value.month}月" if chinese else f"{value:%Y-%m}"
        return value.isoformat()
    if field_type is FieldType.MONEY and isinstance(value, float):
        return f"{value:,.2f}"  # thousands separators, as finance staff write them
    return str(value)


def _replace_atomically(path: Path, data: bytes) -> None:
    """Write a file through a temporary sibling, so no reader ever sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def csv_bytes(kind: Kind, rows: Iterable[Row], *, chinese: bool = False, encoding: str = "utf-8") -> bytes:
    """A CSV file of rows: English headers (the field names), or the template's Chinese ones."""
    types = [f.type for f in kind.fields]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([f.zh if chinese else f.name for f in kind.fields])
    for row in rows:
        writer.writerow([_csv_cell(t, v, chinese) for t, v in zip(types, row, strict=True)])
    return buf.getvalue().encode(encoding)


def write_csv_chunks(kind: Kind, rows: Iterable[Row], folder: Path, stem: str) -> list[tuple[Path, int]]:
    """CSV files of at most CHUNK_ROWS rows each: stem.csv, or stem-01.csv, stem-02.csv … when more are needed."""
    written: list[tuple[Path, int]] = []
    chunk: list[Row] = []

    def flush() -> None:
        path = folder / f"{stem}-{len(written) + 1:02d}.csv"
        _replace_atomically(path, csv_bytes(kind, chunk))
        written.append((path, len(chunk)))
        chunk.clear()

    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            flush()
    if chunk or not written:
        flush()
    if len(written) == 1:
        single = folder / f"{stem}.csv"
        os.replace(written[0][0], single)
        return [(single, written[0][1])]
    return written


def xlsx_bytes(kind: Kind, rows: Iterable[Row]) -> bytes:
    """An XLSX workbook with English headers and typed cells (dates as Excel dates), reproducible to the byte."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.zh)
    sheet.append([f.name for f in kind.fields])
    for row in rows:
        sheet.append(list(row))
    # openpyxl stamps the wall clock into the document properties and each zip entry: both are fixed here.
    fixed = datetime(*ZIP_TIMESTAMP)
    workbook.properties.creator = "rcdash demo"
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(workbook, archive).save()
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """The same archive with every entry's timestamp fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_file(path: Path, data: bytes) -> Path:
    """Write an import file atomically; returns its path."""
    _replace_atomically(path, data)
    return path


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
