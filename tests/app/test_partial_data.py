"""Partial data: with only some kinds imported, every page still runs and says 无数据 rather than 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from rcdash.config import REPO_ROOT
from rcdash.importing.load import import_file
from rcdash.store.publish import writing
from tests.app.pages import run_page
from tests.conftest import write

PAGES = sorted(p.stem for p in (REPO_ROOT / "pages").glob("*.py"))


@pytest.fixture(scope="session")
def branches_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("partial")
    db = folder / "partial.duckdb"
    text = ("name,division,level,established_on\n峡山村红十字会,福全街道/峡山村,村社区,2021-03-05\n"
            "塔山街道红十字会,塔山街道,乡镇街道,2020-05-01\n")
    with writing(db) as con:
        assert import_file(con, "branches", write(folder, "b.csv", text)).exit_code == 0
    return db


@pytest.mark.parametrize("name", PAGES)
def test_page_runs_on_partial_data(monkeypatch: pytest.MonkeyPatch, branches_only: Path, name: str) -> None:
    at = run_page(monkeypatch, name, branches_only)
    assert not at.exception


def test_overview_says_no_data_for_missing_kinds(monkeypatch: pytest.MonkeyPatch, branches_only: Path) -> None:
    at = run_page(monkeypatch, "overview", branches_only)
    cards = {m.label: m.value for m in at.metric}
    assert cards["成人会员占常住人口比例"] == "无数据" and cards["县级服务基地"] == "无数据"
    assert cards["村（社区）建会率"].endswith("%")
