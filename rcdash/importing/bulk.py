"""Validation by column: each distinct cell of a column is parsed once, with the very parsers of the per-row path.

A file of 100,000 members has a few thousand distinct dates, numbers and division names, not 100,000 of each;
parsing those once and spreading the results over the rows with numpy keeps validation near the speed of reading.
Division codes, the bulk of a large file, are checked against the database in one query. The outcome is the same
as validating row by row (rcdash.importing.validate.validate_rows) by construction: a cell's value or failure
depends on the cell alone (and on the township cell beside a division), and every row that fails anything is
validated again on the per-row path, which words its errors exactly as before. Should that path ever accept
such a row, the whole file is validated row by row instead.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rcdash.importing import parse
from rcdash.importing.columns import Column, combine, factorize, pair_codes
from rcdash.importing.parse import CellError
from rcdash.importing.read import Table
from rcdash.importing.template import EXAMPLE_ROW, is_example_row
from rcdash.importing.validate import (
    ARROW_TYPES,
    EXAMPLE_WARNING,
    MAX_ERRORS,
    VALIDATION_SHARE,
    ColumnMap,
    Progress,
    RowError,
    RowValidator,
    Validated,
    duplicate_error,
)
from rcdash.records.spec import Field, FieldType, Kind
from rcdash.reference.divisions import resolution_key

# A division code as typed or exported (330603006, 330603006.0): looked up in bulk. Anything else — names,
# full-width digits, codes with spaces — goes through the division index one distinct cell at a time.
PLAIN_CODE = r"^[0-9]{2,12}(\.0+)?$"
PLAIN_CODE_RE = re.compile(PLAIN_CODE)


@dataclass
class Parsed:
    """One field over the distinct cells of its column: each row's cell, each cell's value and whether it is valid."""

    codes: np.ndarray  # row → distinct cell (for a division beside a township column: distinct pair)
    values: pa.Array  # the typed value of each distinct cell (NULL where it is invalid)
    ok: np.ndarray  # whether each distinct cell is valid
    cells: pa.Array | None = None  # the distinct cells as read, where their text may be their value (divisions)

    def row_values(self, rows: np.ndarray) -> pa.Array:
        """The values of these rows."""
        return self.values.take(pa.array(self.codes[rows], type=pa.int64()))


def validate_columns(kind: Kind, table: Table, cmap: ColumnMap, validator: RowValidator,
                     progress: Progress | None = None) -> Validated | None:
    """Validate a table by column; None when the per-row path must decide (see the module docstring)."""
    n = len(table)
    warnings: list[str] = []
    skip = np.zeros(n, dtype=bool)
    # Row numbers rise from 2 (the header is row 1 or later): the example row can only be among the first.
    for i, row_no in enumerate(table.row_numbers[:EXAMPLE_ROW]):
        if row_no == EXAMPLE_ROW and is_example_row(kind, table.header, table.cells(i)):
            skip[i] = True
            warnings.append(EXAMPLE_WARNING)
    bad = np.zeros(n, dtype=bool)
    parsed: dict[str, Parsed] = {}
    # Division fields last: they are checked against the database, whose staging copy an import is still opening
    # while the other columns are parsed (rcdash.importing.load.import_into).
    for step, f in enumerate(sorted(kind.fields, key=lambda f: f.type is FieldType.DIVISION)):
        if progress is not None:
            progress(VALIDATION_SHARE * step / len(kind.fields), f"正在校验：{f.zh}（{n:,} 行）")
        parsed[f.name] = _parse_field(f, table, cmap, validator)
        bad |= ~parsed[f.name].ok[parsed[f.name].codes]
    bad &= ~skip
    for check in kind.checks:
        bad |= _failing_check(check.fields, check.fails, parsed, ~bad & ~skip)
    coordinates = _coordinates(kind, table, validator, parsed, ~bad & ~skip) if kind.coordinates else None
    if coordinates is not None:
        bad |= coordinates[0]
    good = ~bad & ~skip
    duplicates, first_of = _duplicates(kind, parsed, good)
    errors: list[RowError] = []
    key_label = "+".join(kind.field(k).zh for k in kind.key)
    for i in np.flatnonzero(bad | duplicates):
        if len(errors) > MAX_ERRORS:  # enough to report; the counts below come from the masks
            break
        row_no, cells = table.row_numbers[i], table.cells(int(i))
        if duplicates[i]:
            errors.append(duplicate_error(kind, cmap, row_no, cells, table.row_numbers[first_of[i]], key_label))
            continue
        record, row_errors = validator.validate(row_no, cells)
        if record is not None or not row_errors:
            return None  # the two paths disagree: let the per-row path decide the whole file
        errors.extend(row_errors)
    accepted = np.flatnonzero(good & ~duplicates)
    columns = {f.name: parsed[f.name].row_values(accepted) for f in kind.fields}
    if coordinates is not None:
        lon, lat, _ = kind.coordinates  # type: ignore[misc]
        columns[lon] = pa.array(coordinates[1][accepted], type=pa.float64())
        columns[lat] = pa.array(coordinates[2][accepted], type=pa.float64())
    typed = pa.table({f.name: columns[f.name].cast(ARROW_TYPES[f.sql_type]) for f in kind.fields})
    rejected = int((bad | duplicates).sum())
    return Validated(typed, errors[:MAX_ERRORS], warnings, len(accepted) + rejected, rejected,
                     truncated=len(errors) > MAX_ERRORS)


def _column(table: Table, index: int | None) -> Column | None:
    """The column at a header position, or None when the file has no cells there."""
    if index is None or index >= len(table.columns):
        return None
    return table.columns[index]


def _parse_field(f: Field, table: Table, cmap: ColumnMap, validator: RowValidator) -> Parsed:
    """Every distinct cell of a field's column, parsed."""
    column = _column(table, cmap.fields.get(f.name))
    if column is None:  # no such column: every cell is blank
        return _parse_cells(f, np.zeros(len(table), dtype=np.int64), [None], None)
    if f.type is FieldType.DIVISION:
        return _parse_divisions(f, table, cmap, column, validator)
    codes, uniques = factorize(column)
    return _parse_cells(f, codes, uniques, validator.parsers[f.name])


def _pick(uniques: pa.Array | list[object], indices: Sequence[int] | np.ndarray) -> list[object]:
    """Some distinct cells as Python objects."""
    if isinstance(uniques, pa.Array):
        return uniques.take(pa.array(np.asarray(indices, dtype=np.int64))).to_pylist()
    return [uniques[k] for k in indices]


def _as_list(uniques: pa.Array | list[object]) -> list[object]:
    """Distinct cells as Python objects."""
    return uniques.to_pylist() if isinstance(uniques, pa.Array) else uniques


# Cells the per-row parser would read in the obvious way, read in bulk by Arrow instead (same values): whole
# numbers of up to 15 digits (exact as floats too) and ISO dates in the years the parser accepts.
PLAIN_INT = r"^[0-9]{1,15}$"
THOUSANDS_INT = r"^[0-9]{1,3}(,[0-9]{3}){1,4}$"  # 12,500: the commas dropped, still at most 15 digits
PLAIN_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _plain_values(f: Field, uniques: pa.Array | list[object]) -> tuple[np.ndarray, pa.Array] | None:
    """(mask, values) of the distinct cells Arrow can read as the parser would; None when there is no such reading."""
    if not isinstance(uniques, pa.Array) or not len(uniques):
        return None
    if f.type is FieldType.INT and (f.minimum is None or f.minimum <= 0):
        thousands = pc.match_substring_regex(uniques, THOUSANDS_INT)
        mask = pc.or_(pc.match_substring_regex(uniques, PLAIN_INT), thousands)
        digits = pc.if_else(thousands, pc.replace_substring(uniques, ",", ""), uniques)
        values = pc.cast(pc.if_else(mask, digits, "0"), pa.int64())
    elif f.type is FieldType.DATE:
        iso = pc.if_else(pc.match_substring_regex(uniques, PLAIN_DATE), uniques, None)
        stamps = pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True)
        years = pc.year(stamps)
        mask = pc.and_kleene(pc.greater_equal(years, parse.YEAR_RANGE[0]), pc.less_equal(years, parse.YEAR_RANGE[1]))
        # strptime rolls 2021-02-30 over to March: only dates that read back as written are real ones
        mask = pc.fill_null(pc.and_kleene(mask, pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), iso)), False)
        values = pc.cast(stamps, pa.date32())
    else:
        return None
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool), values


def _used(codes: np.ndarray, count: int) -> np.ndarray:
    """Which distinct cells some row has (a reader's dictionary may hold the header's cells too)."""
    return np.bincount(codes, minlength=count) > 0 if len(codes) else np.zeros(count, dtype=bool)


def _parse_cells(f: Field, codes: np.ndarray, uniques: pa.Array | list[object],
                 parser: Callable[[object], object] | None) -> Parsed:
    """Distinct cells of a non-division field (or the blanks of a missing column) through the per-row parser."""
    plain = _plain_values(f, uniques)
    todo = np.flatnonzero(_used(codes, len(uniques)) & (True if plain is None else ~plain[0]))
    values: list[object] = [None] * len(uniques)
    ok = np.ones(len(uniques), dtype=bool)
    for k, raw in zip(todo, _pick(uniques, todo), strict=True):
        if parse.is_blank(raw):
            ok[k] = not f.required
            values[k] = f.default
            continue
        try:
            values[k] = parser(raw)  # type: ignore[misc]  # a missing column has blank cells only
        except CellError:
            ok[k] = False
    typed = _typed(f, values, ok)
    if plain is not None:
        typed = pc.if_else(pa.array(plain[0]), pc.cast(plain[1], typed.type), typed)
    return Parsed(codes, typed, ok)


def _typed(f: Field, values: list[object], ok: np.ndarray) -> pa.Array:
    """Values as an Arrow array of the field's type (invalid cells as NULL)."""
    return pa.array(values, type=ARROW_TYPES[f.sql_type], mask=~ok)


def _parse_divisions(f: Field, table: Table, cmap: ColumnMap, column: Column, validator: RowValidator) -> Parsed:
    """A division column: plain codes checked in bulk, everything else resolved once per distinct cell."""
    codes, uniques = factorize(column)
    township = _column(table, cmap.township)
    if township is not None:
        # A township column narrows the names: each distinct (division, township) pair is one lookup.
        t_codes, t_uniques = factorize(township)
        towns = [None if parse.is_blank(t) else parse.normalize(t) for t in _as_list(t_uniques)]
        codes, pairs = pair_codes(codes, t_codes)
        cells = _as_list(uniques)
        items: list[tuple[object, str | None]] = [(cells[a], towns[b]) for a, b in pairs]
        plain = pa.nulls(len(items), pa.string())
    else:
        items = []
        plain = _plain_codes(uniques)
    used = _used(codes, len(plain))
    values: dict[int, object] = {}  # the value of each cell found otherwise than as a plain code: few
    # Names written the common ways are found in bulk (division_paths): those of the cells that are no plain code
    # while the codes are looked up, in a thread (DuckDB, Arrow and numpy work, which runs without the GIL).
    beside = getattr(validator.divisions, "beside", None)  # a DivisionIndex is plain Python: shared as it is
    with beside() if beside is not None else contextlib.nullcontext(validator.divisions) as other, \
            ThreadPoolExecutor(max_workers=1) as pool:
        leveled = pool.submit(_levels_of, other, plain)
        named = np.flatnonzero(used & np.asarray(pc.is_null(plain).to_numpy(zero_copy_only=False), dtype=bool)) \
            if township is None else np.zeros(0, dtype=np.int64)
        found = _names_found(f, validator.divisions, uniques, named)
        levels = leveled.result()
    ok_plain = pc.fill_null(pc.is_in(levels, pa.array(sorted(f.levels))) if f.levels else pc.is_valid(levels), False)
    ok = np.asarray(ok_plain.to_numpy(zero_copy_only=False), dtype=bool)
    if township is None:  # then the plain codes that are no division (as names, should one read so)
        found.update(_names_found(f, validator.divisions, uniques, np.flatnonzero(~ok & used & ~_in(named, len(ok)))))
    for k, code in found.items():
        values[k], ok[k] = code, True
    slow = np.flatnonzero(~ok & used)
    pending = [items[k] for k in slow] if township is not None else [(c, None) for c in _pick(uniques, slow)]
    prepare = getattr(validator.divisions, "prepare", None)
    if prepare is not None and pending:  # one lookup of every division these cells could name
        prepare([parse.normalize(raw) for raw, _ in pending if not parse.is_blank(raw)], [t for _, t in pending])
    for k, (raw, town) in zip(slow, pending, strict=True):
        if parse.is_blank(raw):
            ok[k] = not f.required
            values[k] = f.default
            continue
        with contextlib.suppress(CellError):  # an invalid cell stays not ok; the per-row path words its error
            values[k], ok[k] = validator._division(f, raw, town), True
    cells = uniques if township is None and isinstance(uniques, pa.Array) else None
    return Parsed(codes, pc.if_else(ok_plain, plain, _scattered(f, values, ok)), ok, cells)


def _scattered(f: Field, values: dict[int, object], ok: np.ndarray) -> pa.Array:
    """An array of the field's type as long as `ok`: these values where ok, NULL elsewhere."""
    kind = ARROW_TYPES[f.sql_type]
    at = [k for k in sorted(values) if ok[k] and values[k] is not None]
    if not at:
        return pa.nulls(len(ok), kind)
    return pc.replace_with_mask(pa.nulls(len(ok), kind), pa.array(_in(np.array(at, dtype=np.int64), len(ok))),
                                pa.array([values[k] for k in at], type=kind))


def _in(positions: np.ndarray, count: int) -> np.ndarray:
    """A mask of `count` entries, true at these positions."""
    mask = np.zeros(count, dtype=bool)
    mask[positions] = True
    return mask


def _names_found(f: Field, divisions: object, uniques: pa.Array | list[object], cells: np.ndarray) -> dict[int, str]:
    """{distinct cell: code} of these cells that _exact_names finds."""
    if not len(cells):
        return {}
    found = _exact_names(f, divisions, _pick(uniques, cells))
    return {int(cells[j]): code for j, code in found.items()}


def _exact_names(f: Field, divisions: object, cells: list[object]) -> dict[int, str]:
    """{position: code} of the cells the resolver finds in one lookup of their resolution keys, at a level the
    field takes. The key resolves to the stored code at any level, so at a level allowing that code as well
    (allowing fewer levels can only drop other matches); a cell not found there, or at another level, is left
    to the per-cell path, which words its error."""
    lookup = getattr(divisions, "exact_codes", None)
    if lookup is None:
        return {}
    positions: list[int] = []
    keys: list[str] = []
    for j, raw in enumerate(cells):
        if parse.is_blank(raw):
            continue
        text = parse.normalize(raw)  # what RowValidator._division resolves
        if f.wildcard is not None and text == f.wildcard:
            continue
        positions.append(j)
        keys.append(resolution_key(text))
    found = lookup(keys)
    return {j: hit[0] for j, hit in zip(positions, found, strict=True)
            if hit is not None and (not f.levels or hit[1] in f.levels)}


def _plain_codes(uniques: pa.Array | list[object]) -> pa.Array:
    """For each distinct cell, the code it plainly is (330603006.0 → 330603006), else NULL."""
    if isinstance(uniques, pa.Array):
        # 2 to 12 ASCII digits, the bulk of a large file, found without a regex; the regex reads the others
        length = pc.binary_length(uniques)
        simple = pc.fill_null(pc.and_(pc.ascii_is_decimal(uniques),
                                      pc.and_(pc.greater_equal(length, 2), pc.less_equal(length, 12))), False)
        codes = pc.if_else(simple, uniques, pa.scalar(None, pa.string()))
        others = pc.invert(simple)
        rest = uniques.filter(others)
        if not len(rest):
            return codes
        matched = pc.match_substring_regex(rest, PLAIN_CODE)
        read = pc.if_else(matched, pc.replace_substring_regex(rest, r"\.0+$", ""), pa.scalar(None, pa.string()))
        return pc.replace_with_mask(codes, others, read)
    out: list[str | None] = []
    for cell in uniques:
        if cell.__class__ in (int, float):  # a numeric Excel cell: the index reads it as str(cell)
            cell = str(cell)
        out.append(cell.split(".")[0] if cell.__class__ is str and PLAIN_CODE_RE.match(cell) else None)
    return pa.array(out, type=pa.string())


def _levels_of(divisions: object, codes: pa.Array) -> pa.Array:
    """The level of each code's division (NULL for NULL and for a code that is no division), in one lookup."""
    bulk = getattr(divisions, "levels_of", None)
    if bulk is None or not len(codes) or not codes.null_count < len(codes):
        return pa.nulls(len(codes), pa.string())  # without bulk lookup every cell takes the per-cell path
    found = bulk(codes)
    return found if isinstance(found, pa.Array) else pa.array(found, type=pa.string())


def _failing_check(fields: tuple[str, ...], fails: Callable[[dict[str, object]], bool],
                   parsed: dict[str, Parsed], rows: np.ndarray) -> np.ndarray:
    """Rows (among `rows`) whose values fail a cross-field check, evaluated once per distinct combination."""
    out = np.zeros(len(rows), dtype=bool)
    candidates = np.flatnonzero(rows)
    if not len(candidates):
        return out
    combos, inverse, _ = combine([parsed[name].codes[candidates] for name in fields])
    values = {name: parsed[name].values.to_pylist() for name in fields}
    failing = np.array([fails({name: values[name][c] for name, c in zip(fields, combo, strict=True)})
                        for combo in combos], dtype=bool)
    out[candidates] = failing[inverse]
    return out


def _coordinates(kind: Kind, table: Table, validator: RowValidator, parsed: dict[str, Parsed],
                 rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(failing rows, WGS-84 longitudes, latitudes): each good row's coordinates converted and checked."""
    lon_f, lat_f, crs_f = kind.coordinates  # type: ignore[misc]
    n = len(rows)
    failing = np.zeros(n, dtype=bool)
    lons, lats = np.full(n, np.nan), np.full(n, np.nan)
    values = {name: parsed[name].values.to_pylist() for name in (lon_f, lat_f, crs_f)}
    for i in np.flatnonzero(rows):
        record = {name: values[name][parsed[name].codes[i]] for name in (lon_f, lat_f, crs_f)}
        if validator._coordinates(table.row_numbers[i], record):
            failing[i] = True
        else:
            lons[i], lats[i] = record[lon_f], record[lat_f]
    return failing, lons, lats


def _value_ids(parsed: Parsed) -> np.ndarray:
    """An id for each distinct cell, equal where the cells' values are (cells written differently: a code and a
    name of the same division). Where most cells are written as their value (division codes), those keep their
    position as id and only the others are hashed: a file of 100,000 distinct codes is not hashed a second time."""
    values, cells = parsed.values, parsed.cells
    if cells is None or cells.type != values.type:
        # NULL, the value of an invalid cell (which no good row has), gets -1
        indices = pc.fill_null(values.dictionary_encode().indices, -1)
        return np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    itself = np.asarray(pc.fill_null(pc.equal(values, cells), False).to_numpy(zero_copy_only=False), dtype=bool)
    ids = np.arange(len(values), dtype=np.int64)  # distinct texts: distinct values among the cells written as such
    others = np.flatnonzero(~itself & np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool))
    if not len(others):
        return ids
    encoded = values.take(pa.array(others, type=pa.int64())).dictionary_encode()
    # the id of each other value: the position of the cell written as that value, else one of its own
    own = np.arange(len(values), len(values) + len(encoded.dictionary), dtype=np.int64)
    written = pc.index_in(cells, value_set=encoded.dictionary)  # each cell's text among those values, or NULL
    at = np.flatnonzero(itself & np.asarray(written.is_valid().to_numpy(zero_copy_only=False), dtype=bool))
    own[pc.fill_null(written, 0).to_numpy(zero_copy_only=False)[at]] = at
    ids[others] = own[encoded.indices.to_numpy(zero_copy_only=False)]
    return ids


def _duplicates(kind: Kind, parsed: dict[str, Parsed], good: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(duplicate rows, index of the earlier row each repeats): rows whose natural key a good row before has."""
    n = len(good)
    duplicate = np.zeros(n, dtype=bool)
    first_of = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(good)
    if not len(rows):
        return duplicate, first_of
    ids = [_value_ids(parsed[name])[parsed[name].codes[rows]] for name in kind.key]
    if any(np.bincount(column).max() <= 1 for column in ids):  # a key field already distinct: so is the key
        return duplicate, first_of
    _, inverse, first_index = combine(ids)
    firsts = rows[first_index[inverse]]  # the first row (in file order) of each key
    repeat = firsts != rows
    duplicate[rows[repeat]] = True
    first_of[rows[repeat]] = firsts[repeat]
    return duplicate, first_of
