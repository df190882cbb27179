"""Validation: a read table and a kind to typed records, or row-level errors in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Protocol

import pyarrow as pa

from rcdash.importing import parse
from rcdash.importing.parse import CellError
from rcdash.importing.read import Table
from rcdash.importing.template import EXAMPLE_ROW, is_example_row
from rcdash.records.spec import Field, FieldType, Kind

MAX_TEXT_CHARS = 2000  # longer cells are pasted by mistake; descriptions fit easily
MAX_VALUE_ECHO = 80  # how much of a bad value an error message repeats
MAX_ERRORS = 1000  # beyond this a file is plainly the wrong one; more would only flood the screen

TOWNSHIP_HEADERS = ("township", "乡镇（街道）", "乡镇(街道)", "乡镇", "街道", "所属乡镇", "所属乡镇（街道）", "所属乡镇(街道)")
# Columns that would hold personal data of individuals: never stored (DESIGN §4).
PERSONAL_DATA_MARKERS = ("姓名", "身份证", "证件号", "手机", "电话", "联系方式", "联系人", "phone", "mobile", "id_number", "id_card")


class Resolver(Protocol):
    """What validation needs from the division index."""

    def resolve(self, text: str, township: str | None = None, levels: frozenset[str] | None = None) -> object:
        """A resolution with `code`, `error` and `candidates`."""


@dataclass(frozen=True)
class RowError:
    """One rejected cell: spreadsheet row, column as written in the file, the value and how to fix it."""

    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, object]:
        """The JSON form of DESIGN §6."""
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


class HeaderProblem(Exception):
    """The header cannot be used (a required column missing, a column given twice)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}


@dataclass
class Validated:
    """The outcome of validating one file: the accepted rows typed like the record table, or the errors."""

    table: pa.Table
    errors: list[RowError]
    warnings: list[str]
    rows: int
    rejected: int
    truncated: bool = False

    @property
    def accepted(self) -> int:
        """Rows without an error."""
        return self.rows - self.rejected

    @property
    def records(self) -> list[dict[str, object]]:
        """The accepted rows as dicts (field name → value)."""
        return self.table.to_pylist()


def records_table(kind: Kind, records: list[dict[str, object]]) -> pa.Table:
    """Validated records as an Arrow table typed like the record table."""
    return pa.table({f.name: pa.array([r[f.name] for r in records], type=ARROW_TYPES[f.sql_type])
                     for f in kind.fields})


def _fold_header(text: str) -> str:
    """A header folded for matching: NFKC, no spaces, no required-marker '*', lower case."""
    return parse.normalize(text).replace(" ", "").rstrip("*").lower()


@dataclass
class ColumnMap:
    """Which file column feeds which field."""

    fields: dict[str, int] = field(default_factory=dict)  # field name → column index
    written: dict[str, str] = field(default_factory=dict)  # field name → header as written
    township: int | None = None
    township_written: str = ""


def map_header(kind: Kind, header: list[str], warnings: list[str]) -> ColumnMap:
    """Match the file's header cells to the kind's fields (Chinese or English headers)."""
    by_header: dict[str, str] = {}
    for f in kind.fields:
        for spelling in (f.name, f.zh, *f.aliases):
            by_header.setdefault(_fold_header(spelling), f.name)
    township_names = {_fold_header(h) for h in TOWNSHIP_HEADERS}
    cmap = ColumnMap()
    errors: list[RowError] = []
    unknown: list[str] = []
    personal: list[str] = []
    for index, written in enumerate(header):
        folded = _fold_header(written)
        if not folded:
            continue
        name = by_header.get(folded)
        if name is not None:
            if name in cmap.fields:
                errors.append(RowError(1, written, written, f"与“{cmap.written[name]}”是同一列（{kind.field(name).zh}），请删除其中一列"))
            cmap.fields[name] = index
            cmap.written[name] = written
        elif kind.has_division and folded in township_names:
            cmap.township, cmap.township_written = index, written
        elif any(marker in folded for marker in PERSONAL_DATA_MARKERS):
            personal.append(written)
        else:
            unknown.append(written)
    stray = f"；文件中有未识别的列：{'、'.join(unknown)}，是否写错了表头？" if unknown else ""
    for f in kind.fields:
        if f.required and f.name not in cmap.fields:
            errors.append(RowError(1, f.zh, "", f"缺少必填列“{f.zh}”（英文表头 {f.name}），请使用模板的表头{stray}"))
    if errors:
        raise HeaderProblem(errors)
    if personal:
        warnings.append(f"已删除含个人信息的列：{'、'.join(personal)}（个人信息不入库）")
    if unknown:
        known = "、".join(f.zh for f in kind.fields)
        warnings.append(f"未识别的列已忽略：{'、'.join(unknown)}（本类数据的列：{known}）")
    return cmap


def _echo(value: object) -> str:
    """A cell as the user wrote it, shortened for messages."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE_ECHO else text[:MAX_VALUE_ECHO] + "…"


def _text(value: object) -> str:
    """Free text with a length limit."""
    text = parse.parse_text(value)
    if len(text) > MAX_TEXT_CHARS:
        raise CellError(f"内容过长（{len(text)} 字），上限 {MAX_TEXT_CHARS} 字")
    return text


def _parser(f: Field) -> Callable[[object], object]:
    """The cell parser for one non-division field."""
    simple: dict[FieldType, Callable[[object], object]] = {
        FieldType.TEXT: _text,
        FieldType.INT: parse.parse_int,
        FieldType.MONEY: parse.parse_number,
        FieldType.FLOAT: parse.parse_number,
        FieldType.DATE: parse.parse_date,
        FieldType.MONTH: parse.parse_month,
        FieldType.YEAR: parse.parse_year,
        FieldType.BOOL: parse.parse_bool,
        FieldType.RATIO: parse.parse_ratio,
    }
    if f.type is FieldType.ENUM:
        lookup = parse.choice_lookup(f.choices)
        return lambda v: parse.parse_enum(v, lookup, f.choices)
    base = simple[f.type]
    if f.minimum is None:
        return base

    def bounded(value: object) -> object:
        number = base(value)
        if number < f.minimum:  # type: ignore[operator]
            raise CellError(f"不能小于 {f.minimum:g}" if f.minimum else "不能为负数")
        return number

    return bounded


UNREAD = object()  # a cell not read yet (None is the outcome of a blank one)


class RowValidator:
    """Validates rows of one kind against a header mapping and the division index."""

    def __init__(self, kind: Kind, cmap: ColumnMap, divisions: Resolver,
                 photos: Callable[[str], str] | None = None) -> None:
        self.kind = kind
        self.cmap = cmap
        self.divisions = divisions
        self.parsers = {f.name: _parser(f) for f in kind.fields if f.type is not FieldType.DIVISION}
        if photos is not None:  # a photo cell becomes the stored photo's reference (see importing/bundle.py)
            self.parsers.update({f.name: (lambda v: photos(_text(v))) for f in kind.fields if f.media})
        self._division_cache: dict[tuple[str, str | None, frozenset[str]], object] = {}
        # Each field with its column, and what each distinct cell of it reads as: a file repeats its dates,
        # numbers and divisions many times, and each is read once.
        self._slots = [(f, cmap.fields.get(f.name), f.type is FieldType.DIVISION, {}) for f in kind.fields]
        self.notes: list[str] = []  # how cells were understood, worth a warning (in order, each once)

    def _division(self, f: Field, raw: object, township: str | None) -> str:
        """A division code from a code or name; ambiguity and typos are errors with candidates."""
        text = parse.normalize(raw)
        if f.wildcard is not None and text == f.wildcard:
            return text
        cache_key = (text, township, f.levels)
        res = self._division_cache.get(cache_key)
        if res is None:
            res = self.divisions.resolve(text, township=township, levels=f.levels or None)
            self._division_cache[cache_key] = res
            note = getattr(res, "note", None)
            if note and note not in self.notes:
                self.notes.append(note)
        if res.code is None:  # type: ignore[attr-defined]
            raise CellError(res.error)  # type: ignore[attr-defined]
        return res.code  # type: ignore[attr-defined]

    def _read(self, f: Field, raw: object, township: str | None) -> tuple[bool, object] | None:
        """None for a blank cell, else (True, value) or (False, error message)."""
        if parse.is_blank(raw):
            return None
        try:
            if f.type is FieldType.DIVISION:
                return True, self._division(f, raw, township)
            return True, self.parsers[f.name](raw)
        except CellError as exc:
            return False, str(exc)

    def validate(self, row_no: int, cells: list[object]) -> tuple[dict[str, object] | None, list[RowError]]:
        """One row: its typed record, or its errors."""
        record: dict[str, object] = {}
        errors: list[RowError] = []
        township = None
        if self.cmap.township is not None and self.cmap.township < len(cells):
            tcell = cells[self.cmap.township]
            township = None if parse.is_blank(tcell) else parse.normalize(tcell)
        width = len(cells)
        for f, index, division, outcomes in self._slots:
            raw = cells[index] if index is not None and index < width else None
            # Text is its own key; other cells take their class along (1, 1.0 and True are equal to Python but
            # read differently); a division depends on the township.
            key = raw if raw.__class__ is str else (raw.__class__, raw)
            if division and township is not None:
                key = (key, township)
            outcome = outcomes.get(key, UNREAD)
            if outcome is UNREAD:
                outcome = self._read(f, raw, township)
                if not f.media:  # a photo cell stores its photo as it is read: read every time
                    outcomes[key] = outcome
            if outcome is None:
                if f.required:
                    errors.append(RowError(row_no, self.cmap.written.get(f.name, f.zh), "", f"“{f.zh}”为必填项，不能为空"))
                record[f.name] = f.default
            elif outcome[0]:
                record[f.name] = outcome[1]
            else:
                errors.append(RowError(row_no, self.cmap.written.get(f.name, f.zh), _echo(raw), str(outcome[1])))
        if errors:
            return None, errors
        for check in self.kind.checks:
            if check.fails(record):
                first = check.fields[0]
                column = self.cmap.written.get(first, self.kind.field(first).zh)
                errors.append(RowError(row_no, column, _echo(record[first]), check.message))
        if self.kind.coordinates and not errors:
            errors.extend(self._coordinates(row_no, record))
        return (None, errors) if errors else (record, [])

    def _coordinates(self, row_no: int, record: dict[str, object]) -> list[RowError]:
        """Convert lon/lat to WGS-84 in place; they must fall inside the city."""
        from rcdash.geo.boundaries import inside_city  # geometry loads lazily: most kinds need none
        from rcdash.geo.crs import to_wgs84

        lon_f, lat_f, crs_f = self.kind.coordinates  # type: ignore[misc]
        lon, lat = float(record[lon_f]), float(record[lat_f])  # type: ignore[arg-type]
        column = self.cmap.written.get(lon_f, self.kind.field(lon_f).zh)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return [RowError(row_no, column, f"{lon:g}, {lat:g}", "经纬度超出范围，请检查是否填反了经度和纬度")]
        wlon, wlat = to_wgs84(lon, lat, str(record[crs_f]))
        if not inside_city(wlon, wlat):
            hint = "（看起来经度和纬度填反了）" if inside_city(*to_wgs84(lat, lon, str(record[crs_f]))) else ""
            return [RowError(row_no, column, f"{lon:g}, {lat:g}",
                             f"坐标不在绍兴市范围内{hint}，请核对经纬度和坐标系（WGS84/GCJ02/BD09）")]
        record[lon_f], record[lat_f] = round(wlon, 7), round(wlat, 7)
        return []


Progress = Callable[[float, str], None]  # (share done 0…1, what is happening) for progress bars
PROGRESS_EVERY_ROWS = 5000  # often enough for a smooth bar, rare enough to cost nothing
VALIDATION_SHARE = 0.85  # of an import's time, roughly; loading takes the rest


def validate_table(kind: Kind, table: Table, divisions: Resolver,
                   photos: Callable[[str], str] | None = None, progress: Progress | None = None) -> Validated:
    """Validate every row; a duplicate natural key inside the file is an error too."""
    warnings: list[str] = []
    cmap = map_header(kind, table.header, warnings)
    return validate_rows(kind, table, cmap, RowValidator(kind, cmap, divisions, photos), warnings, progress)


def validate_rows(kind: Kind, table: Table, cmap: ColumnMap, validator: RowValidator, warnings: list[str],
                  progress: Progress | None = None) -> Validated:
    """Validate row by row, in order."""
    records: list[dict[str, object]] = []
    errors: list[RowError] = []
    seen: dict[object, int] = {}
    rejected = 0
    key_label = "+".join(kind.field(k).zh for k in kind.key)
    key_of = itemgetter(*kind.key)  # a kind's key values (a single value for a key of one field)
    total = len(table)
    for done, (row_no, cells) in enumerate(table.rows):
        if progress is not None and done % PROGRESS_EVERY_ROWS == 0:
            progress(VALIDATION_SHARE * done / max(total, 1), f"正在校验：{done:,} / {total:,} 行")
        if row_no == EXAMPLE_ROW and is_example_row(kind, table.header, cells):
            warnings.append(EXAMPLE_WARNING)
            continue
        record, row_errors = validator.validate(row_no, cells)
        if record is not None:
            key = key_of(record)
            first = seen.get(key)
            if first is not None:
                row_errors = [duplicate_error(kind, cmap, row_no, cells, first, key_label)]
            else:
                seen[key] = row_no
        if row_errors:
            rejected += 1
            errors.extend(row_errors)
        elif record is not None:
            records.append(record)
    warnings.extend(validator.notes)
    truncated = len(errors) > MAX_ERRORS
    rows = len(records) + rejected
    return Validated(records_table(kind, records), errors[:MAX_ERRORS], warnings, rows, rejected, truncated)


EXAMPLE_WARNING = f"第 {EXAMPLE_ROW} 行是模板示例行，未改动，已跳过"


def duplicate_error(kind: Kind, cmap: ColumnMap, row_no: int, cells: list[object], first: int,
                    key_label: str) -> RowError:
    """The error of a row whose natural key an earlier row of the file already has."""
    column = cmap.written.get(kind.key[0], kind.field(kind.key[0]).zh)
    return RowError(row_no, column, _echo(cells[cmap.fields[kind.key[0]]]),
                    f"与第 {first} 行重复（同一{key_label}），请删除或合并重复行")


def iso(value: object) -> object:
    """Dates as ISO strings for JSON; everything else unchanged."""
    return value.isoformat() if isinstance(value, date) else value
