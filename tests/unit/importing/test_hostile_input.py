"""Hostile and random input: zip bombs refused unread, random files never crash the importer or change data."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rcdash.importing.load import import_file
from rcdash.metrics.derived import init_db
from rcdash.records.kinds import KINDS
from rcdash.store.connections import connect
from tests.conftest import data_snapshot

BOMB_BYTES = 64 * 1024 * 1024  # zeros compress about 1000×: a bomb of the cheap kind


def test_xlsx_zip_bomb_refused_before_expanding(con, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * BOMB_BYTES)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < BOMB_BYTES // 100
    before = data_snapshot(con)
    result = import_file(con, "branches", path)
    assert result.exit_code == 2 and "压缩炸弹" in result.errors[0].message
    assert data_snapshot(con) == before


def test_html_in_text_is_stored_as_typed_and_not_interpreted(con, tmp_path: Path) -> None:
    text = "name,division,level,established_on\n\"<script>alert(1)</script><b>会</b>\",330603006,乡镇街道,2021-01-01\n"
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    assert import_file(con, "branches", path).exit_code == 0
    assert con.execute("SELECT name FROM branches").fetchall() == [("<script>alert(1)</script><b>会</b>",)]


# ---- property: whatever arrives, the importer answers with messages and changes nothing -------------------

FIELD_NAMES = sorted({f.name for k in KINDS.values() for f in k.fields} | {f.zh for k in KINDS.values() for f in k.fields})
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "2021-02-30", "２０２１年３月", "-5", "1,2,3", "是", "×", "峡山村", "三溪村", "330603006",
                     "999999999999", "120.58", "=1+1", "<b>x</b>", "\x00", "NaN", "1e309", "44260"]),
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]


@st.composite
def spreadsheets(draw: st.DrawFn) -> bytes:
    """A CSV with a random header (real field names mixed with junk), random rows, in a random encoding."""
    width = draw(st.integers(1, 8))
    header = draw(st.lists(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)), min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=width + 2), max_size=6))
    text = "\n".join(",".join(c.replace(",", "，").replace("\n", " ") for c in row) for row in [header, *rows])
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@pytest.fixture(scope="session")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb"
    init_db(path)
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(KINDS)), data=st.one_of(spreadsheets(), st.binary(max_size=600)))
def test_random_files_never_crash_and_change_nothing(fuzz_db: Path, tmp_path: Path, kind: str, data: bytes) -> None:
    con = connect(fuzz_db)
    try:
        before = data_snapshot(con)
        path = tmp_path / "random.xlsx"  # the name lies as often as users' file names do
        path.write_bytes(data)
        result = import_file(con, kind, path)
        if result.exit_code != 0:
            assert result.exit_code in (1, 2) and result.errors
            assert all(e.message for e in result.errors)
            assert data_snapshot(con) == before
    finally:
        con.close()
