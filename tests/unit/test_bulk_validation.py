"""Validation by column (rcdash/importing/bulk.py) and the fast CSV reader give exactly what the row-by-row path
and the csv module give: the same accepted rows, the same errors (row, column, value, message), the same warnings.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest.mock import patch

import duckdb
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rcdash.db import connect, init_db, open_snapshot
from rcdash.importing.load import import_file
from rcdash.importing.read import FileProblem, _decode, _delimiter, _read_csv, _read_csv_fast, _read_csv_rows, read_table
from rcdash.importing.resolve import DivisionSource
from rcdash.importing.validate import RowValidator, map_header, validate_rows, validate_table
from rcdash.records.kinds import KINDS
from rcdash.reference.divisions import DivisionIndex, load_reference_divisions, resolution_key

# Cells of every shape the importer meets: valid and invalid values of each field type, as people write them.
CELLS = {
    "division": ["330603006", "330603006.0", "330603006234", "福全街道/峡山村", "峡山村", "三溪村", "丰惠镇/三溪村",
                 "柯桥区", "越城区", "999999999", "330603000000", "３３０６０３", "330603 柯桥区", "330602 柯桥区",
                 "福全街道 峡山村", "柯桥街道", "", " ", "3306", "*"],
    "county": ["柯桥区", "越城区", "330603", "330602", "福全街道", "诸暨", "", "新昌县", "3306"],
    "area": ["*", "柯桥区", "3306", "福全街道", ""],
    "date": ["2021-03-05", "2021/3/5", "2021年3月5日", "20210305", "2021-02-30", "44260", "2021-13-01", "", "昨天",
             "2021-03-05 10:00", "１９９９-01-01", "2020-02-29", "2021-02-29", "1949-01-01", "1948-12-31",
             "2100-12-31", "2101-01-01", "0001-01-01"],
    "int": ["0", "12", "1,200", "１２", "-5", "1.5", "abc", "", "3人", "12,34", "007", "999999999999999",
            "9999999999999999", "1e3", " 12 "],
    "float": ["120.47", "30.05", "120", "abc", "", "30.05"],
    "bool": ["是", "否", "Y", "n", "1", "0", "√", "×", "", "maybe"],
    "text": ["峡山村红十字会", "福全志愿队", "A", "  B  ", "", "x" * 2001, "同名"],
    "year": ["2021", "2021年", "1900", "", "二〇二一"],
    "ratio": ["30%", "0.4", "40％", "4", "", "abc"],
}
TYPE_POOL = {"DIVISION": "division", "DATE": "date", "MONTH": "date", "INT": "int", "MONEY": "int", "FLOAT": "float",
             "BOOL": "bool", "TEXT": "text", "YEAR": "year", "RATIO": "ratio", "ENUM": None}
KIND_NAMES = sorted(k for k, kind in KINDS.items() if not any(f.media for f in kind.fields))


def pool(kind_name: str, field_name: str) -> list[str]:
    f = KINDS[kind_name].field(field_name)
    if f.type.name == "ENUM":
        return [c.value for c in f.choices] + [a for c in f.choices for a in c.aliases[:1]] + ["不存在", ""]
    if field_name in ("county", "area"):
        return CELLS[field_name]
    if field_name in ("lon",):
        return ["120.58", "120.47", "30.0", "200", ""]
    if field_name in ("lat",):
        return ["30.0", "30.05", "120.58", ""]
    return CELLS[TYPE_POOL[f.type.name]]


@st.composite
def sheets(draw: st.DrawFn) -> tuple[str, str]:
    """A kind and a CSV of it: some header spellings, an optional township column, rows from the pools."""
    kind_name = draw(st.sampled_from(KIND_NAMES))
    kind = KINDS[kind_name]
    fields = [f for f in kind.fields if f.required or draw(st.booleans())]
    headers = [draw(st.sampled_from([f.name, f.zh])) for f in fields]
    township = kind.has_division and draw(st.booleans())
    if township:
        headers.append("乡镇（街道）")
    width = len(headers)
    base = [[draw(st.sampled_from(pool(kind_name, f.name))) for f in fields] for _ in range(draw(st.integers(1, 4)))]
    rows = []
    for _ in range(draw(st.integers(1, 25))):  # repeats make duplicate keys and repeated cells
        row = list(draw(st.sampled_from(base)))
        if draw(st.booleans()):
            i = draw(st.integers(0, len(fields) - 1))
            row[i] = draw(st.sampled_from(pool(kind_name, fields[i].name)))
        if township:
            row.append(draw(st.sampled_from(["", "福全街道", "丰惠镇", "石璜镇", "不存在镇"])))
        rows.append(row)
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), [""] * width)  # a blank row keeps the numbering
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return kind_name, buffer.getvalue()


@pytest.fixture(scope="module")
def index() -> DivisionIndex:
    return DivisionIndex(load_reference_divisions())


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    path = tmp_path_factory.mktemp("bulk") / "bulk.duckdb"
    init_db(path)
    return connect(path)


def outcome(checked: object) -> tuple:
    return (checked.rows, checked.rejected, checked.truncated, checked.warnings,  # type: ignore[attr-defined]
            [e.as_dict() for e in checked.errors], checked.table.to_pylist())  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheets())
def test_by_column_equals_by_row(index: DivisionIndex, db: duckdb.DuckDBPyConnection, sheet: tuple[str, str]) -> None:
    kind_name, text = sheet
    kind = KINDS[kind_name]
    table = _read_csv(text.encode("utf-8"))
    warnings: list[str] = []
    cmap = map_header(kind, table.header, warnings)
    by_row = validate_rows(kind, table, cmap, RowValidator(kind, cmap, index), warnings)
    assert outcome(validate_table(kind, table, index)) == outcome(by_row)
    assert outcome(validate_table(kind, table, DivisionSource(db))) == outcome(by_row)
    with patch("rcdash.importing.resolve.WHOLE_INDEX_BELOW", 0):  # names on the small exact index, as at scale
        assert outcome(validate_table(kind, table, DivisionSource(db))) == outcome(by_row)


def test_duplicates_across_ways_of_writing_a_division(index: DivisionIndex, db: duckdb.DuckDBPyConnection) -> None:
    # A code, its ".0" spelling and a name of the same division are one key: the rows repeating an earlier one
    # are reported (as by the per-row path), whether the earlier row wrote the code or the name.
    text = ("division,date,adult_members\n330603006234,2021-01-01,1\n福全街道/峡山村,2021-01-01,2\n"
            "330603006.0,2021-01-01,3\n330603006,2021-01-01,4\n丰惠镇/三溪村,2021-01-01,5\n"
            "丰惠镇/三溪村,2021-01-02,6\n330603006,2021-01-02,7\n")
    kind = KINDS["members"]
    table = _read_csv(text.encode("utf-8"))
    cmap = map_header(kind, table.header, [])
    by_row = validate_rows(kind, table, cmap, RowValidator(kind, cmap, index), [])
    assert [e.row for e in by_row.errors] == [3, 5]
    assert outcome(validate_table(kind, table, DivisionSource(db))) == outcome(by_row)
    assert outcome(validate_table(kind, table, index)) == outcome(by_row)


def test_division_paths_resolve_as_the_full_index_at_every_level_that_allows_them(db: duckdb.DuckDBPyConnection) -> None:
    # The derived table names each key's code as resolving it on the full index does; bulk validation trusts it
    # for any field whose levels include that code's level (fewer levels can only drop other matches).
    from itertools import combinations

    from rcdash.db import load_sql
    from rcdash.reference.divisions import ALL_LEVELS

    full = DivisionIndex(db.execute(load_sql("division_rows")).df())
    rows = db.execute("SELECT key, code, level FROM division_paths").fetchall()
    assert len(rows) > 2000  # paths, names, short names and township/village of the reference divisions
    level_sets = [frozenset(c) for n in range(1, 5) for c in combinations(sorted(ALL_LEVELS), n)]
    for key, code, level in rows:
        for levels in level_sets:
            if level in levels:
                assert full.resolve(key, None, levels).code == code, (key, levels)
    keys = ["柯桥区/福全街道/峡山村", "福全街道/峡山村", "峡山村", "三溪村", "不存在村"]
    found = DivisionSource(db).exact_codes([resolution_key(k) for k in keys])
    assert [hit and hit[0] for hit in found] == ["330603006234", "330603006234", "330603006234", None, None]


def test_levels_by_number_are_the_levels_by_text(db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # Plain codes are looked up by number (division_numbers); a code with a leading zero is another text than
    # the number's (0330603 is no division though 330603 is), and a database without the table looks up text.
    import pyarrow as pa

    from rcdash.db import load_sql

    full = DivisionIndex(db.execute(load_sql("division_rows")).df())
    reference = [r[0] for r in db.execute("SELECT code FROM divisions ORDER BY code").fetchall()]
    cells = [*reference, "0330603", "00330603006", "330603999", "3306030062349", "", None, "330603"]
    codes = pa.array(cells, type=pa.string())
    expected = full.levels_of(cells)
    assert expected[-7:] == [None, None, None, None, None, None, "county"]
    assert DivisionSource(db).levels_of(codes).to_pylist() == expected
    older = tmp_path / "older.duckdb"
    init_db(older)
    snapshot = open_snapshot(older)  # beside a reader's source too (its cursors start in another catalog)
    with DivisionSource(snapshot).beside() as other:
        assert other.levels_of(codes).to_pylist() == expected
    snapshot.close()
    con = connect(older)
    con.execute("DROP TABLE division_numbers")
    assert DivisionSource(con).levels_of(codes).to_pylist() == expected
    con.close()


def test_levels_by_number_in_any_stored_order() -> None:
    # A binary search needs the numbers in order: division_numbers is written so, but a table's order is not
    # promised, so numbers out of order are sorted first; none stored, or none asked, is no error.
    import pyarrow as pa

    from rcdash.importing.resolve import levels_by_number

    level = pa.array(["village", "county", "township", "village"]).dictionary_encode()
    numbered = pa.table({"number": pa.array([330603006234, 330603, 330603006, 330602001001]), "level": level})
    asked = pa.array([330603, None, 330603006234, 330602001001, 330603006, 7, 999999999999999999], type=pa.int64())
    expected = ["county", None, "village", "village", "township", None, None]
    assert levels_by_number(numbered, asked).to_pylist() == expected
    assert levels_by_number(numbered.slice(0, 0), asked).to_pylist() == [None] * len(asked)
    assert levels_by_number(numbered, asked.slice(0, 0)).to_pylist() == []


def test_division_numbers_levels_are_the_reference_levels(db: duckdb.DuckDBPyConnection) -> None:
    # division_numbers stores the level as an ENUM of the levels written into its query: they are LEVELS.
    from rcdash.reference.divisions import LEVELS

    kind = db.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'division_numbers' "
                      "AND column_name = 'level'").fetchall()
    assert kind == [("ENUM(" + ", ".join(f"'{level}'" for level in LEVELS) + ")",)]


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=["a", "中", ",", '"', "\n", "\r", " ", "\t", ";", "1"], max_size=40))
def test_fast_csv_reader_reads_as_the_csv_module(text: str) -> None:
    data = text.encode("utf-8")
    if not data.strip():
        return
    delimiter = _delimiter(text)
    try:
        expected = _read_csv_rows(text, delimiter)
    except FileProblem as exc:
        with pytest.raises(FileProblem, match=str(exc)[:8]):
            _read_csv(data)
        return
    got = _read_csv_fast(data, text, delimiter, utf8=True)
    if got is not None:  # None: left to the csv module
        assert (got.header, got.row_numbers, got.rows) == (expected.header, expected.row_numbers, expected.rows)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=["a", "中", "峡", ",", '"', "\n", " ", "\t", "1"], min_size=1, max_size=40),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
def test_csv_reads_as_the_csv_module_on_the_decoded_text_in_any_encoding(text: str, encoding: str) -> None:
    # UTF-8 is read by Arrow without decoding it in Python first; GBK must still be found and read the same.
    # (A few GBK texts are valid UTF-8 too — 峡 is CF BF, which is Ͽ — and are read as UTF-8, as they always were.)
    data = text.encode(encoding)
    if not data.strip():
        return
    decoded, _ = _decode(data)
    try:
        expected = _read_csv_rows(decoded, _delimiter(decoded))
    except FileProblem as exc:
        with pytest.raises(FileProblem, match=str(exc)[:8]):
            _read_csv(data)
        return
    got = _read_csv(data)
    assert (got.header, got.row_numbers, got.rows) == (expected.header, expected.row_numbers, expected.rows)


def test_utf8_file_with_gbk_bytes_past_the_header_prefix_is_read_as_gbk() -> None:
    from rcdash.importing.read import HEADER_PREFIX_CHARS

    text = "名称,数量\n" + "甲,1\n" * (HEADER_PREFIX_CHARS // 6 + 10) + "峡山村,2\n"
    table = _read_csv(text.encode("gb18030"))  # ASCII-only would be valid UTF-8; the Chinese cells are not
    assert table.header == ["名称", "数量"] and table.rows[-1][1] == ["峡山村", "2"]


def test_township_column_and_plain_codes_in_bulk(db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = ("组织名称,乡镇（街道）,区划,组织层级,成立日期\n"
            "一会,石璜镇,三溪村,村,2022-01-05\n二会,,330603006234,村,2022-01-05\n三会,,330603006234.0,村,2022-01-06\n"
            "四会,,三溪村,村,2022-01-05\n")
    path = tmp_path / "b.csv"
    path.write_text(text, encoding="utf-8")
    result = import_file(db, "branches", path, dry_run=True)
    assert result.rows == 4 and result.rejected == 1
    assert [(e.row, e.column, e.value) for e in result.errors] == [(5, "区划", "三溪村")]
    assert "丰惠镇/三溪村" in result.errors[0].message


def test_xlsx_cells_keep_their_types_apart(index: DivisionIndex, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    for row in (["division", "date", "adult_members"], ["330603006", 44561, True], ["330603", 44561.0, 1],
                ["越城区", "2021-12-31", 1.0], ["330602", 44561, 1.5]):
        wb.active.append(row)
    path = tmp_path / "m.xlsx"
    wb.save(path)
    kind = KINDS["members"]
    table = read_table(path)
    warnings: list[str] = []
    cmap = map_header(kind, table.header, warnings)
    by_row = validate_rows(kind, table, cmap, RowValidator(kind, cmap, index), warnings)
    assert outcome(validate_table(kind, table, index)) == outcome(by_row)
    assert [e.row for e in by_row.errors] == [2, 5]  # True is no number; 1.5 no whole number


def test_blank_cells_in_bulk_are_exactly_the_cells_str_strip_empties() -> None:
    import pyarrow as pa

    from rcdash.importing.read import _blank_cells, _empty

    characters = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]  # every character of the BMP
    cells = [*characters, *(f" {c} " for c in characters), "", " \t\u3000\u00a0 ", "\u200b", "a b"]
    assert _blank_cells(pa.array(cells, type=pa.string())).tolist() == [_empty(c) for c in cells]


def _rows_table(cells: list[list[object]]) -> tuple:
    """The sheet as the row-by-row reading gave it (the reference for rcdash.importing.read._to_table)."""
    from rcdash.importing.read import _empty, _header

    numbered = [(i + 1, row) for i, row in enumerate(cells) if not all(_empty(c) for c in row)]
    if not numbered:
        return ("FileProblem",)
    header, rows = _header(numbered[0][1]), numbered[1:]
    widths = [len(r) for _, r in rows]
    width = max(widths, default=len(header))
    padded = [r + [None] * (width - len(r)) for _, r in rows]
    columns = [list(c) for c in zip(*padded, strict=True)] if rows else [[] for _ in range(width)]
    return header, columns, [n for n, _ in rows], None if all(w == width for w in widths) else widths


SHEET_CELLS = st.one_of(st.none(), st.sampled_from(["", " ", "a", "1", "\t", "x y", "1.0"]), st.integers(-2, 2),
                        st.floats(allow_nan=True), st.booleans())


@settings(max_examples=500, deadline=None)
@given(cells=st.lists(st.lists(SHEET_CELLS, max_size=5), max_size=8))
def test_sheet_by_column_reads_as_row_by_row(cells: list[list[object]]) -> None:
    from rcdash.importing.read import _to_table

    try:
        table = _to_table([list(r) for r in cells], "xlsx")
    except FileProblem:
        got: tuple = ("FileProblem",)
    else:
        got = (table.header, [list(c) for c in table.columns], table.row_numbers, table.widths)
    assert repr(got) == repr(_rows_table(cells))


@settings(max_examples=500, deadline=None)
@given(column=st.lists(SHEET_CELLS, max_size=12))
def test_factorize_keeps_cells_apart_that_read_differently(column: list[object]) -> None:
    from rcdash.importing.columns import factorize

    codes, uniques = factorize(column)
    assert [repr(uniques[c]) for c in codes] == [repr(v) for v in column] or any(
        isinstance(v, float) and v == 0 for v in column)  # 0.0 and -0.0 are one cell, as they always were
    numbers = [u for u in uniques if u == u]  # NaN is never equal to itself: each NaN cell stays its own
    assert len({(type(u), repr(u)) for u in numbers}) == len(numbers)  # True, 1 and 1.0 stay three cells


@settings(max_examples=300, deadline=None)
@given(columns=st.integers(1, 3).flatmap(lambda k: st.lists(
    st.tuples(*[st.integers(0, 4)] * k), min_size=0, max_size=30)))
def test_combine_finds_each_combination_and_its_first_row(columns: list[tuple[int, ...]]) -> None:
    from rcdash.importing.columns import combine

    width = len(columns[0]) if columns else 2
    codes = [np.array([row[i] for row in columns], dtype=np.int64) for i in range(width)]
    combos, inverse, first = combine(codes)
    rows = [tuple(int(c[i]) for c in codes) for i in range(len(columns))]
    assert [tuple(map(int, combo)) for combo in combos[inverse]] == rows  # each row's combination
    assert len({tuple(map(int, c)) for c in combos}) == len(combos) == len(set(rows))  # each once
    assert list(first) == [rows.index(tuple(map(int, c))) for c in combos]  # the first row of each


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.one_of(st.text(alphabet=["0", "1", "9"], max_size=14),  # lengths around 2 and 12
                                 st.from_regex(r"[0-9]{1,13}\.0{0,2}", fullmatch=True),
                                 st.text(alphabet=["0", "1", "9", ".", "３", "a", " ", "٣"], max_size=15)), max_size=20))
def test_plain_codes_are_what_the_pattern_reads(cells: list[str]) -> None:
    import pyarrow as pa

    from rcdash.importing.bulk import PLAIN_CODE_RE, _plain_codes

    expected = [c.split(".")[0] if PLAIN_CODE_RE.match(c) else None for c in cells]
    assert _plain_codes(pa.array(cells, type=pa.string())).to_pylist() == expected
