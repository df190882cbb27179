"""AppTest of 数据管理: signed out, no users, a viewer, an admin; the log and templates are there for everyone."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.admin.users import User, add_user
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


def test_server_notes_only_for_admins(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    """Issue #16: the database file, commands and settings are said on 数据管理, to administrators only."""
    notes = "服务器上的操作（系统管理员）"
    signed_out = run(monkeypatch, db_file)
    assert notes not in [e.label for e in signed_out.expander]
    at = run(monkeypatch, db_file, User("admin1", "admin"))
    expander = next(e for e in at.expander if e.label == notes)
    text = "\n".join(m.value for m in expander.markdown)
    assert str(db_file) in text and "python -m rcdash report --period" in text and "[evaluation.weights]" in text


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


def test_photo_tab_lists_projects(monkeypatch: pytest.MonkeyPatch, demo_db: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    at = run(monkeypatch, db, User("admin1", "admin"))
    project = next(s for s in at.selectbox if s.label == "项目")
    assert len(project.options) == 16 and "·" in project.options[0]  # 14 by 2022, two started under the demo plan


def test_attach_photo_as_admin(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import shutil

    from PIL import Image

    from rcdash.admin.actions import attach_brand_photo, brand_choices
    from rcdash.store.connections import connect

    monkeypatch.setenv("RCDASH_MEDIA", str(tmp_path / "media"))
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    con = connect(db, read_only=True)
    first = brand_choices(con).iloc[0]
    con.close()
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(png, "PNG")
    done = attach_brand_photo(db, first["county_name"], first["name"], png.getvalue(), "新照片.png", "admin1")
    assert done.exit_code == 0 and done.import_id is not None
    con = connect(db, read_only=True)
    after = brand_choices(con).set_index("name").loc[first["name"], "photo"]
    con.close()
    assert after != first["photo"] and str(after).endswith(".jpg")


def test_everyone_must_sign_in_when_settings_say_so(monkeypatch: pytest.MonkeyPatch, db_file: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("[auth]\nviewers_must_sign_in = true\n", encoding="utf-8")
    add_user(db_file.parent / "users.sqlite", "viewer1", "viewer", "correct horse 42")
    monkeypatch.setenv("RCDASH_SETTINGS", str(settings))
    monkeypatch.setenv("RCDASH_DB", str(db_file))
    monkeypatch.setenv("RCDASH_USERS", str(db_file.parent / "users.sqlite"))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"] and not at.metric
    at.text_input[0].input("viewer1")
    at.text_input[1].input("correct horse 42")
    at.button[0].click().run()
    assert at.title[0].value == "总览"  # signed in: the dashboard appears


def _imports(db: Path) -> int:
    """How many imports the log holds."""
    from rcdash.store.connections import connect

    con = connect(db, read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM imports").fetchone()[0])
    finally:
        con.close()


def _upload(at: AppTest, kind: str, name: str, text: str) -> AppTest:
    """Choose the kind, upload a CSV and run the page."""
    next(s for s in at.selectbox if s.label == "数据类型").set_value(kind).run()
    at.file_uploader[0].upload(name, text.encode("utf-8"), "text/csv").run()
    assert not at.exception, at.exception
    return at


POPULATION = "区划,年份,常住人口\n福全街道,2021,52000\n柯桥街道,2021,81000\n"


def test_a_second_click_does_not_import_the_same_upload_again(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = _upload(run(monkeypatch, db_file, User("admin1", "admin")), "population", "人口.csv", POPULATION)
    before = _imports(db_file)
    at.button(key="confirm-population").click().run()
    assert not at.exception, at.exception
    assert _imports(db_file) == before + 1
    assert any("已导入 #" in s.value for s in at.success)
    confirm = at.button(key="confirm-population")
    assert confirm.disabled  # the same upload cannot be imported twice
    at.run()  # another run of the page loads nothing either
    assert _imports(db_file) == before + 1
    assert any("已导入 #" in s.value for s in at.success) and any("重新上传" in c.value for c in at.caption)


def test_undo_says_what_it_did_and_picks_nothing_else(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = _upload(run(monkeypatch, db_file, User("admin1", "admin")), "population", "人口.csv", POPULATION)
    at.button(key="confirm-population").click().run()
    at = _upload(at, "members", "会员.csv", "division,date,adult_members\n330603006,2021-01-31,1234\n")
    at.button(key="confirm-members").click().run()
    assert at.button(key="confirm-members").disabled
    picker = next(s for s in at.selectbox if s.label == "撤销哪一次导入")
    undone = picker.value  # the newest: the members import
    next(c for c in at.checkbox if "确认撤销" in c.label).check().run()
    at.button(key="undo").click().run()
    assert not at.exception, at.exception
    assert any(f"已撤销导入 #{undone}" in s.value and "会员.csv" in s.value for s in at.success)
    after = next(s for s in at.selectbox if s.label == "撤销哪一次导入")
    assert after.value is None and len(after.options) == 1  # the other import is there, not picked silently
    assert not at.button(key="confirm-members").disabled  # its data is gone: the upload may be imported again
    next(s for s in at.selectbox if s.label == "数据类型").set_value("members").run()  # another widget, a rerun
    assert any(f"已撤销导入 #{undone}" in s.value for s in at.success)  # the message lasts


def test_wrong_headers_name_the_missing_and_unknown_columns(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = _upload(run(monkeypatch, db_file, User("admin1", "admin")), "population", "乱表头.csv",
                 "名字,年,人\n福全街道,2021,52000\n")
    assert not at.metric  # no "数据行 0 / 通过 0 / 有错误 0"
    shown = " ".join(e.value for e in at.error)
    for column in ("区划", "年份", "常住人口"):
        assert f"缺少必填列“{column}”" in shown
    assert "名字、年、人" in shown and "表头应为：区划*、年份*、常住人口*" in shown


def test_long_error_messages_are_shown_in_full(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = _upload(run(monkeypatch, db_file, User("admin1", "admin")), "population", "重名.csv",
                 "区划,年份,常住人口\n三溪村,2021,100\n")
    grid = at.dataframe[0]
    message = grid.value.iloc[0]["问题与修改方法"]
    assert len(message) > 40 and grid.proto.row_height > 64  # long, and the grid wraps it
    assert any(message in i.value for i in at.info)  # the selected row's message in full beneath the grid
