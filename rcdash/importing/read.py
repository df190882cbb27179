"""Readers: a spreadsheet file (CSV in UTF-8/GBK, XLSX, XLS) to a header and rows of cells."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

# Limits that keep a careless or hostile file from exhausting the machine.
MAX_FILE_BYTES = 50 * 1024 * 1024  # the upload limit of the admin page as well
MAX_ROWS = 1_000_000  # a township file never has more; a bigger one is a mistake
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # refuses zip bombs before they are expanded (1M rows fit)
MAX_COMPRESSION_RATIO = 500  # spreadsheet XML compresses 5–50×; a member squeezed 500× is a bomb, not data
BOMB_MIN_MEMBER_BYTES = 10 * 1024 * 1024  # small members may compress oddly well without harm
MAX_COLUMNS = 200

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312


class FileProblem(Exception):
    """The file cannot be used at all; the message says why in Chinese."""


@dataclass(frozen=True)
class Table:
    """A sheet as read: its header cells and its non-empty data rows, numbered as in the spreadsheet (header = 1)."""

    header: list[str]
    rows: list[tuple[int, list[object]]]
    source_format: str

    def __len__(self) -> int:
        return len(self.rows)


def read_table(path: Path, data: bytes | None = None) -> Table:
    """Read a CSV or Excel file, choosing the reader by the file's content, not its name."""
    if data is None:
        data = read_file(path)
    if not data or data.isspace():
        raise FileProblem("文件是空的，请使用模板填写后再导入")
    if data.startswith(XLSX_MAGIC):
        return _to_table(_read_xlsx(data), "xlsx")
    if data.startswith(XLS_MAGIC):
        return _to_table(_read_workbook(data, "xls"), "xls")
    return _read_csv(data)


def read_file(path: Path) -> bytes:
    """A file's bytes, refused when it is over the size limit (before reading it)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileProblem(f"无法打开文件：{exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise FileProblem(f"文件过大（{size / 1e6:.0f} MB），上限 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后导入")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"无法打开文件：{exc.strerror or exc}") from None


def _read_xlsx(data: bytes) -> list[list[object]]:
    """An .xlsx workbook's first sheet, after checking it is a sane zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            expanded = sum(info.file_size for info in members)
            squeezed = max((i.file_size / max(i.compress_size, 1) for i in members
                            if i.file_size > BOMB_MIN_MEMBER_BYTES), default=0)
            if "[Content_Types].xml" not in archive.namelist():
                raise FileProblem("文件不是有效的 Excel（.xlsx）工作簿，请用 Excel 另存为 .xlsx 或 .csv")
    except zipfile.BadZipFile:
        raise FileProblem("文件已损坏或不是 Excel 工作簿，请重新导出为 .xlsx 或 .csv") from None
    if expanded > MAX_XLSX_UNCOMPRESSED_BYTES or squeezed > MAX_COMPRESSION_RATIO:
        raise FileProblem("Excel 文件解压后体积异常（疑似压缩炸弹），已拒绝；请另存为普通 .xlsx 或 .csv")
    return _read_workbook(data, "xlsx")


def _read_workbook(data: bytes, fmt: str) -> list[list[object]]:
    """The first sheet of a workbook through calamine (fast, typed cells)."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise FileProblem("Excel 文件中没有工作表")
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except FileProblem:
        raise
    except Exception:  # calamine raises several error types for damaged files
        raise FileProblem(f"无法读取该 Excel（.{fmt}）文件：文件已损坏或格式不对，请重新导出") from None


def _decode(data: bytes) -> tuple[str, str]:
    """Text in UTF-8 (with or without BOM) or GBK/GB18030, and the encoding it was in."""
    if b"\x00" in data[:4096]:
        raise FileProblem("文件不是文本 CSV，也不是 Excel 工作簿；请上传 .csv 或 .xlsx")
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileProblem("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV")


def _read_csv(data: bytes) -> Table:
    """A CSV file; the delimiter is a comma, or a tab/semicolon when the header uses one."""
    text, _ = _decode(data)
    return _read_csv_rows(text, _delimiter(text))


def _delimiter(text: str) -> str:
    """A comma, or a tab or semicolon when the first line has more of those."""
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    return max((",", "\t", ";"), key=first_line.count)


def _read_csv_rows(text: str, delimiter: str) -> Table:
    """A CSV through the csv module: any file, row by row."""
    try:
        cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileProblem(f"CSV 格式错误：{exc}") from None
    return _to_table(cells, "csv", _blank_text)


def _header(cells: list[object]) -> list[str]:
    """Header texts, trailing empty ones dropped; too many columns is refused."""
    header = [str(c).strip() if not _empty(c) else "" for c in cells]
    while header and header[-1] == "":
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise FileProblem(f"列数过多（{len(header)} 列），上限 {MAX_COLUMNS} 列，请检查文件")
    return header


def _to_table(cells: list[list[object]], fmt: str, blank: Callable[[list[object]], bool] | None = None) -> Table:
    """Header and numbered non-empty rows (blank tells empty rows); leading empty rows are skipped."""
    blank = blank or _blank_cells
    # Row numbers stay the spreadsheet's own (header = 1 unless blank rows lead), so users find the row.
    numbered = [(i + 1, row) for i, row in enumerate(cells) if not blank(row)]
    if not numbered:
        raise FileProblem("文件中没有表头，请使用模板填写后再导入")
    header, rows = _header(numbered[0][1]), numbered[1:]
    if len(rows) > MAX_ROWS:
        raise FileProblem(f"行数过多（{len(rows)} 行），上限 {MAX_ROWS} 行，请拆分后导入")
    return Table(header, rows, fmt)


def _blank_cells(row: list[object]) -> bool:
    """Whether a row of cells of any type holds nothing."""
    return all(map(_empty, row))


def _blank_text(row: list[str]) -> bool:
    """Whether a row of text cells (the csv module's) holds nothing: as _blank_cells, in one step."""
    return not "".join(row).strip()


def _empty(cell: object) -> bool:
    """Whether a cell holds nothing."""
    return cell is None or (isinstance(cell, str) and not cell.strip())
