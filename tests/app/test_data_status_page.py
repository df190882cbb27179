"""AppTest of the 数据概况 page: empty states and a database with data."""

from __future__ import annotations

from pathlib import Path

import pytest

from rcdash.importing.load import import_file
from rcdash.metrics.derived import init_db
from rcdash.store.connections import connect
from rcdash.store.schema import SCHEMA_META_KEY
from tests.app.pages import run_page, texts
from tests.conftest import write
from tests.unit.reports.test_wording import developer_wording


def test_no_database_explains_how_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = run_page(monkeypatch, "data_status", tmp_path / "absent.duckdb")
    assert "还没有数据库" in at.info[0].value and "make run" in at.info[0].value


def test_empty_database(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run_page(monkeypatch, "data_status", db_file)
    assert [m.value for m in at.metric] == ["1", "6", "103", "2,168"]
    assert any("还没有任何业务数据" in i.value for i in at.info)
    assert any("还没有导入记录" in i.value for i in at.info)
    assert not at.warning  # not demo data
    # Issue #16: the page neither shows the server's file path nor sends users to the command line.
    shown = texts(at)
    assert str(db_file) not in shown and db_file.name not in shown and "“数据管理”页" in shown
    assert developer_wording(shown) == [], developer_wording(shown)


def test_with_imported_data(monkeypatch: pytest.MonkeyPatch, db_file: Path, tmp_path: Path) -> None:
    con = connect(db_file)
    import_file(con, "branches", write(tmp_path, "b.csv", "name,division,level,established_on\n"
                                        "A,330603006,乡镇街道,2021-01-01\nB,越城区,学校,2022-05-01\n"))
    con.close()
    at = run_page(monkeypatch, "data_status", db_file)
    summary = at.dataframe[0].value
    row = summary[summary["代码"] == "branches"].iloc[0]
    assert (row["行数"], row["最早"], row["最晚"], row["覆盖区县数"]) == (2, "2021-01-01", "2022-05-01", 2)
    log = at.dataframe[1].value
    assert log.iloc[0]["文件"] == "b.csv" and log.iloc[0]["状态"] == "已导入"
    assert len(at.get("download_button")) == 4


@pytest.mark.parametrize("name", ["overview", "data_status"])
def test_a_database_of_an_older_version_asks_for_init(monkeypatch: pytest.MonkeyPatch, db_file: Path,
                                                      name: str) -> None:
    """A database written before this version's schema (here: the import log without `received_at`) stopped pages
    with a missing-column error; they now say how to upgrade it, and after `init` they work."""
    con = connect(db_file)
    con.execute("ALTER TABLE imports DROP COLUMN received_at")
    con.execute("UPDATE meta SET value = 'older' WHERE key = ?", [SCHEMA_META_KEY])
    con.close()
    at = run_page(monkeypatch, name, db_file)
    assert not at.exception
    assert "由旧版本生成" in at.warning[0].value and "python -m rcdash init" in at.warning[0].value
    init_db(db_file)
    at = run_page(monkeypatch, name, db_file)
    assert not at.exception and not any("由旧版本生成" in w.value for w in at.warning)


def test_pages_ask_the_snapshot_state_once_per_snapshot(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    """Issue #22: schema version and demo seed are read once per snapshot, not on every page run (~3 ms each time)."""
    from rcdash.ui import data

    asked: list[object] = []
    real = data.has_schema
    monkeypatch.setattr(data, "has_schema", lambda con: asked.append(con) or real(con))
    run_page(monkeypatch, "data_status", db_file)
    run_page(monkeypatch, "overview", db_file)  # another page, another session, the same snapshot
    assert len(asked) == 1  # (a new snapshot is asked again: test_a_database_of_an_older_version_asks_for_init)
