"""AppTest of 数据质量 (the demo's planted anomalies, 已核实 by an admin, an empty database), the warning a figure on
会员与人口 carries when it rests on flagged rows, and 数据管理 opened at the import a flag links to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.admin.users import User
from rcdash.config import REPO_ROOT
from rcdash.ui.auth import SESSION_KEY
from tests.app.pages import PAGE_TIMEOUT_S, run_page, texts


def test_quality_page_lists_flags_and_an_admin_verifies_one(monkeypatch: pytest.MonkeyPatch, demo_db: Path,
                                                            tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)  # the admin writes a verification: not into the shared demo
    monkeypatch.setenv("RCDASH_DB", str(db))
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "quality.py"), default_timeout=PAGE_TIMEOUT_S)
    at.session_state[SESSION_KEY] = User("admin1", "admin")
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["待核实"] == "9" and metrics["已核实"] == "0"
    listed = at.dataframe[1].value
    assert {"会员数骤降", "会员超过人口一成", "会员数据过期", "参与人数异常", "阵地不在所属区县", "日期晚于报送日",
            "名称疑似重复"} <= set(listed["检查项"])
    assert listed["导入记录"].str.fullmatch(r"data_admin\?import=\d+").all()
    assert "数据完整性" in texts(at)
    at.text_area(key="quality-verify-note").input("已电话核实")
    at.button(key="quality-verify-go").click().run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["待核实"] == "8" and metrics["已核实"] == "1"
    assert any("已标记已核实" in s.value for s in at.success)


def test_quality_page_on_an_empty_database(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run_page(monkeypatch, "quality", db_file)
    assert any("没有发现数据质量问题" in i.value for i in at.info)
    assert "数据完整性" in texts(at)


def test_members_page_warns_of_flags_under_its_figure(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "members", demo_db)
    assert "条待核实数据" in texts(at) and "(quality)" in texts(at)


def test_data_admin_opens_at_the_linked_import(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    monkeypatch.setenv("RCDASH_DB", str(demo_db))
    monkeypatch.setenv("RCDASH_USERS", str(demo_db.parent / "no-users.sqlite"))
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "data_admin.py"), default_timeout=PAGE_TIMEOUT_S)
    at.query_params["import"] = "4"
    at.run()
    assert not at.exception, at.exception
    assert any("#4" in i.value and "会员" in i.value for i in at.info)
