"""AppTest of 数据管理: signed out, no users, a viewer, an admin; the log and templates are there for everyone."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.auth import User, add_user
from rcdash.config import REPO_ROOT
from rcdash.ui.auth import SESSION_KEY

PAGE = str(REPO_ROOT / "pages" / "data_admin.py")


def run(monkeypatch: pytest.MonkeyPatch, db: Path, user: User | None = None) -> AppTest:
    monkeypatch.setenv("RCDASH_DB", str(db))
    monkeypatch.setenv("RCDASH_USERS", str(db.parent / "users.sqlite"))
    at = AppTest.from_file(PAGE, default_timeout=60)
    if user is not None:
        at.session_state[SESSION_KEY] = user
    at.run()
    assert not at.exception, at.exception
    return at


def test_no_users_explains_how_to_create_an_admin(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run(monkeypatch, db_file)
    assert any("users add" in w.value for w in at.warning)
    assert not at.text_input  # no form to fill while nobody can sign in


def test_signed_out_sees_sign_in_form_and_templates(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    add_user(db_file.parent / "users.sqlite", "admin1", "admin", "correct horse 42")
    at = run(monkeypatch, db_file)
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert len(at.get("download_button")) >= 11  # a template per kind


def test_wrong_password_is_refused(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    add_user(db_file.parent / "users.sqlite", "admin1", "admin", "correct horse 42")
    at = run(monkeypatch, db_file)
    at.text_input[0].input("admin1")
    at.text_input[1].input("wrong password")
    at.button[0].click().run()
    assert any("不正确" in e.value for e in at.error)
    assert SESSION_KEY not in at.session_state


def test_sign_in_as_admin(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    add_user(db_file.parent / "users.sqlite", "admin1", "admin", "correct horse 42")
    at = run(monkeypatch, db_file)
    at.text_input[0].input("admin1")
    at.text_input[1].input("correct horse 42")
    at.button[0].click().run()
    assert at.session_state[SESSION_KEY] == User("admin1", "admin")
    assert not at.text_input  # the form is gone


def test_viewer_cannot_import(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run(monkeypatch, db_file, User("v", "viewer"))
    assert any("只有管理员" in i.value for i in at.info)


def test_admin_sees_undo_for_loaded_imports(monkeypatch: pytest.MonkeyPatch, demo_db: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    at = run(monkeypatch, db, User("admin1", "admin"))
    labels = [s.label for s in at.selectbox]
    assert "撤销哪一次导入" in labels and "数据类型" in labels
    assert any("确认撤销" in c.label for c in at.checkbox)
