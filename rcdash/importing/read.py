"""Readers: a spreadsheet file (CSV in UTF-8/GBK, XLSX, XLS) to a header and rows of cells."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from python_calamine import CalamineWorkbook

from rcdash.importing.columns import Column, cell, factorize

# Limits that keep a careless or hostile file from exhausting the machine.
MAX_FILE_BYTES = 50 * 1024 * 1024  # the upload limit of the admin page as well
MAX_ROWS = 1_000_000  # a township file never has more; a bigger one is a mistake
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # refuses zip bombs before they are expanded (1M rows fit)
MAX_COMPRESSION_RATIO = 500  # spreadsheet XML compresses 5–50×; a member squeezed 500× is a bomb, not data
BOMB_MIN_MEMBER_BYTES = 10 * 1024 * 1024  # small members may compress oddly well without harm
MAX_COLUMNS = 200
HEADER_PREFIX_CHARS = 1 << 16  # where the fast CSV reader looks for the header record (a longer one: the csv module reads the file)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312


class FileProblem(Exception):
    """The file cannot be used at all; the message says why in Chinese."""


@dataclass(frozen=True)
class Table:
    """A sheet as read: its header cells and its non-empty data rows, column by column.

    row_numbers are the spreadsheet's own (header = 1). Every column has one cell per data row; a row that was
    shorter in the file has None in the columns it lacked, and `widths` says how many cells each row had where
    rows differ (None when all rows are as wide as the sheet).
    """

    header: list[str]
    columns: list[Column]
    row_numbers: list[int]
    source_format: str
    widths: list[int] | None = None

    def __len__(self) -> int:
        return len(self.row_numbers)

    def cells(self, i: int) -> list[object]:
        """The i-th data row's cells as in the file (for the per-row path and its messages)."""
        width = len(self.columns) if self.widths is None else self.widths[i]
        return [cell(c, i) for c in self.columns[:width]]

    @property
    def rows(self) -> list[tuple[int, list[object]]]:
        """(row number, cells) of every data row."""
        return [(n, self.cells(i)) for i, n in enumerate(self.row_numbers)]


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
    if b"\x00" in data[:4096]:
        raise FileProblem("文件不是文本 CSV，也不是 Excel 工作簿；请上传 .csv 或 .xlsx")
    # Most files are UTF-8: Arrow reads the bytes as they are and checks that every cell is UTF-8, so the file is
    # decoded in Python only when that fails (GBK) or when the csv module must read it. The header's prefix,
    # decoded leniently, only picks the delimiter and the header record for Arrow (which would refuse bad bytes).
    prefix = data[:HEADER_PREFIX_CHARS].decode(TEXT_ENCODINGS[0], "ignore")
    table = _read_csv_fast(data, prefix, _delimiter(prefix))
    if table is not None:
        return table
    text, encoding = _decode(data)
    delimiter = _delimiter(text)
    if encoding != TEXT_ENCODINGS[0]:  # re-encoded to UTF-8 for Arrow
        table = _read_csv_fast(data, text, delimiter, utf8=False)
    return table if table is not None else _read_csv_rows(text, delimiter)


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
    return _to_table(cells, "csv")


def _read_csv_fast(data: bytes, text: str, delimiter: str, utf8: bool = True) -> Table | None:
    """The CSV through Arrow's parser (many times faster), or None where it might read the file differently.

    Arrow and the csv module agree on every file of equally wide rows (rows of other widths, Arrow refuses,
    and blank lines, which Arrow reads as empty rows: dropped either way, numbering kept). A NUL byte, which the
    csv module reports, is left to it.
    """
    if b"\x00" in data:
        return None
    try:  # the header record (a prefix of the text holds it; a header is never a megabyte long)
        first = next(csv.reader(io.StringIO(text[:HEADER_PREFIX_CHARS], newline=""), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return None
    width = max(len(first), 1)
    if width > MAX_COLUMNS:
        return None
    # Arrow reads UTF-8: the file's own bytes (after a BOM), or the decoded GBK text re-encoded
    raw = (data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data) if utf8 else text.encode("utf-8")
    names = [f"c{i}" for i in range(width)]
    try:
        parsed = pa_csv.read_csv(
            io.BytesIO(raw),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), check_utf8=True,
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    # Dictionary-encoded: validation then parses each distinct cell once (rcdash/importing/bulk.py).
    columns = [parsed.column(i).combine_chunks().dictionary_encode() for i in range(width)]
    kept = np.flatnonzero(~_blank_rows(columns, parsed.num_rows, _blank_cells))
    if not len(kept):
        raise FileProblem("文件中没有表头，请使用模板填写后再导入")
    header_at, data_rows = int(kept[0]), kept[1:]
    header = _header([c[header_at].as_py() for c in columns])
    if len(data_rows) > MAX_ROWS:
        raise FileProblem(f"行数过多（{len(data_rows)} 行），上限 {MAX_ROWS} 行，请拆分后导入")
    return Table(header=header, columns=[_rows_of(c, data_rows) for c in columns],
                 row_numbers=(data_rows + 1).tolist(), source_format="csv")


# A cell holding any letter, digit, punctuation, symbol or mark is not blank: none of those is white space to
# str.strip(). Only the rest (empty cells, white space, control and format characters) are checked one by one.
VISIBLE_CHARACTER = r"[\p{L}\p{N}\p{P}\p{S}\p{M}]"
# The first byte of a cell's UTF-8 already shows most cells visible: a printable ASCII character other than the
# space, or the lead byte of a character from U+00C0 up, except U+1000–U+3FFF. The white space str.strip()
# removes beyond ASCII is U+0085 and U+00A0 (lead byte C2), U+1680, U+2000–U+205F and U+3000 (E1–E3); none lies
# in the other ranges (a test checks every character of the BMP).
VISIBLE_FIRST_BYTES = np.zeros(256, dtype=bool)
for _low, _high in ((0x21, 0x7E), (0xC3, 0xE0), (0xE4, 0xF4)):
    VISIBLE_FIRST_BYTES[_low:_high + 1] = True


def _first_bytes(strings: pa.Array) -> np.ndarray:
    """The first byte of each string (0 for an empty one), read from Arrow's buffers without copying them."""
    if not len(strings):
        return np.zeros(0, dtype=np.uint8)
    if not (pa.types.is_string(strings.type) or pa.types.is_large_string(strings.type)):
        strings = strings.cast(pa.string())
    offset_type = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    _, offsets_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type, count=len(strings) + 1, offset=strings.offset *
                            np.dtype(offset_type).itemsize)
    starts, filled = offsets[:-1], offsets[1:] > offsets[:-1]
    first = np.zeros(len(strings), dtype=np.uint8)
    if filled.any():
        first[filled] = np.frombuffer(data_buffer, dtype=np.uint8)[starts[filled]]
    return first


def _blank_cells(uniques: pa.Array) -> np.ndarray:
    """For each distinct cell, whether it is blank (as _empty says), testing in Python only the few that may be."""
    # Most cells (codes, numbers, dates, Chinese names) show a visible character by their first byte; the regex
    # looks at the others.
    visible = VISIBLE_FIRST_BYTES[_first_bytes(uniques)]
    others = np.flatnonzero(~visible)
    if len(others):
        picked = uniques.take(pa.array(others, type=pa.int64()))
        visible[others] = np.asarray(pc.match_substring_regex(picked, VISIBLE_CHARACTER).to_numpy(zero_copy_only=False),
                                     dtype=bool)
    blank = np.zeros(len(uniques), dtype=bool)
    maybe = np.flatnonzero(~visible)
    for k, text in zip(maybe, uniques.take(pa.array(maybe, type=pa.int64())).to_pylist(), strict=True):
        blank[k] = _empty(text)
    return blank


def _empty_cells(uniques: pa.Array | list[object]) -> np.ndarray:
    """For each distinct cell of a workbook or csv-module column, whether it is blank."""
    return np.array([_empty(u) for u in uniques], dtype=bool)


def _blank_rows(columns: list[Column], rows: int, blank_cells: Callable[..., np.ndarray]) -> np.ndarray:
    """The rows without a visible cell, each column's distinct cells tested once (blank_cells)."""
    blank = np.ones(rows, dtype=bool)
    for column in columns:
        if not blank.any():  # a visible cell in every row already: the other columns cannot change that
            break
        codes, uniques = factorize(column)
        if len(uniques):
            blank &= blank_cells(uniques)[codes]
    return blank


def _rows_of(column: pa.DictionaryArray, rows: np.ndarray) -> pa.DictionaryArray:
    """Some rows of a dictionary column (its dictionary may keep cells only the header or blank rows have)."""
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):  # no blank rows between: a zero-copy slice
        return column.slice(int(rows[0]), len(rows))
    return column.take(pa.array(rows, type=pa.int64()))


def _header(cells: list[object]) -> list[str]:
    """Header texts, trailing empty ones dropped; too many columns is refused."""
    header = [str(c).strip() if not _empty(c) else "" for c in cells]
    while header and header[-1] == "":
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise FileProblem(f"列数过多（{len(header)} 列），上限 {MAX_COLUMNS} 列，请检查文件")
    return header


def _to_table(cells: list[list[object]], fmt: str) -> Table:
    """Header and numbered non-empty rows, by column; leading empty rows are skipped.

    Blank rows are found column by column on each column's distinct cells, as the fast CSV reader does: a
    workbook of 100,000 rows has a few thousand distinct cells per column.
    """
    widths = list(map(len, cells))
    width = max(widths, default=0)
    even = all(w == width for w in widths)
    padded = cells if even else [r + [None] * (width - len(r)) for r in cells]
    all_columns = [list(c) for c in zip(*padded, strict=True)] if width else []
    kept = np.flatnonzero(~_blank_rows(all_columns, len(cells), _empty_cells))
    if not len(kept):
        raise FileProblem("文件中没有表头，请使用模板填写后再导入")
    # Row numbers stay the spreadsheet's own (header = 1 unless blank rows lead), so users find the row.
    header = _header(cells[int(kept[0])])
    data_rows = kept[1:]
    if len(data_rows) > MAX_ROWS:
        raise FileProblem(f"行数过多（{len(data_rows)} 行），上限 {MAX_ROWS} 行，请拆分后导入")
    row_widths = [widths[i] for i in data_rows]
    data_width = max(row_widths, default=len(header))
    picked = _picker(data_rows)
    columns: list[Column] = [picked(c) for c in all_columns[:data_width]]
    row_numbers = (data_rows + 1).tolist()
    if all(w == data_width for w in row_widths):
        return Table(header, columns, row_numbers, fmt)
    return Table(header, columns, row_numbers, fmt, row_widths)


def _picker(rows: np.ndarray) -> Callable[[list[object]], list[object]]:
    """Takes these rows of a list column (a slice when they follow one another)."""
    if not len(rows):
        return lambda column: []
    first, last = int(rows[0]), int(rows[-1])
    if last - first + 1 == len(rows):
        return lambda column: column[first:last + 1]
    wanted = rows.tolist()
    return lambda column: [column[i] for i in wanted]


def _empty(cell: object) -> bool:
    """Whether a cell holds nothing."""
    return cell is None or (isinstance(cell, str) and not cell.strip())
