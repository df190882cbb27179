"""In a real browser (DESIGN §9): a county account signs in, submits a file and sees it pending beside the reason of
an earlier return; an admin signs in, previews it and approves it; the figure is in the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from rcdash.admin.users import User, add_user
from rcdash.importing.submissions import return_into, submit_into
from rcdash.store.connections import connect
from tests.browser.conftest import open_page, screenshot, settle, start_app, upload
from tests.browser.test_admin_browser import PASSWORD, TIMEOUT_MS
from tests.conftest import write

REASON = "羽林街道的会员数漏填，请补全后重新报送"


def sign_in(page: object, name: str) -> None:
    """Fill the sign-in form of 数据管理 and wait for the account line."""
    page.get_by_label("用户名").fill(name, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.get_by_label("密码").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="登录").click()  # type: ignore[attr-defined]
    page.get_by_text(f"已登录：{name}").wait_for(timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    settle(page)


def test_county_submits_admin_approves(browser: object, db_file: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RCDASH_SUBMISSIONS", str(tmp_path / "submissions"))  # the app server inherits it
    users = db_file.parent / "users.sqlite"
    add_user(users, "admin1", "admin", PASSWORD)
    add_user(users, "xinchang", "county", PASSWORD, county="330624")
    earlier = submit_into(db_file, "members", write(tmp_path, "旧表.csv", "division,date,adult_members\n330624002,2025-06-30,7\n"),
                          User("xinchang", "county", "330624"))
    return_into(db_file, earlier.submission_id, User("admin1", "admin"), REASON)
    good = write(tmp_path, "新昌会员.csv", "区划,统计日期,成人会员数\n羽林街道,2025-06-30,1200\n南明街道,2025-06-30,800\n")
    app = start_app(db_file)
    try:
        outside: list[str] = []
        county = open_page(browser, f"{app.url}/data_admin", outside)
        sign_in(county, "xinchang")
        county.locator("[data-testid=stSelectbox]").first.click()
        county.get_by_role("option").filter(has_text="（members）").click()
        settle(county)
        upload(county, good)
        county.get_by_text("校验通过").wait_for(timeout=TIMEOUT_MS)
        settle(county)
        county.get_by_role("button", name="提交报送").click()
        county.get_by_text("已提交报送 #2").wait_for(timeout=TIMEOUT_MS)
        settle(county)
        county.get_by_role("tab", name="区县报送").click()
        # The earlier return, with its reason, in the county's list (a canvas grid mirrors its cells into the DOM).
        county.get_by_text(REASON, exact=False).first.wait_for(state="attached", timeout=TIMEOUT_MS)
        county.get_by_text("待审核").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        settle(county)
        screenshot(county, "submissions_county")

        admin = open_page(browser, f"{app.url}/data_admin", outside)
        sign_in(admin, "admin1")
        admin.get_by_role("tab", name="区县报送").click()
        admin.get_by_text("待审核的报送（1 份）").wait_for(timeout=TIMEOUT_MS)
        admin.get_by_text("批准前后对比", exact=False).wait_for(timeout=TIMEOUT_MS)  # the preview on a copy
        settle(admin)
        screenshot(admin, "submissions_admin")
        admin.get_by_role("button", name="批准并导入").click()
        admin.get_by_text("已批准报送 #2", exact=False).first.wait_for(timeout=TIMEOUT_MS)
        settle(admin)
        reader = connect(db_file, read_only=True)
        try:
            assert reader.execute("SELECT sum(adult_members) FROM members").fetchone()[0] == 2000
            assert reader.execute("SELECT submitted_by, approved_by FROM imports").fetchall() == [("xinchang", "admin1")]
        finally:
            reader.close()
        assert outside == []
    finally:
        app.stop()
