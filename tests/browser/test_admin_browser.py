"""In a real browser: an admin signs in, uploads a bad file (errors shown), a good one (imported), and the app
keeps serving while the command line imports; two app processes serve one database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from rcdash.admin.users import add_user
from rcdash.config import REPO_ROOT
from rcdash.store.connections import connect
from tests.browser.conftest import open_page, screenshot, settle, start_app, upload
from tests.conftest import write

TIMEOUT_MS = 90_000
PASSWORD = "correct horse 42"



def test_admin_uploads_and_imports(browser: object, db_file: Path, tmp_path: Path) -> None:
    add_user(db_file.parent / "users.sqlite", "admin1", "admin", PASSWORD)
    bad = write(tmp_path, "人口_错误.csv", "区划,年份,常住人口\n福全街道,2021,-5\n三溪村,2021,100\n")
    good = write(tmp_path, "人口.csv", "区划,年份,常住人口\n福全街道,2021,52000\n柯桥街道,2021,\"81,000\"\n")
    app = start_app(db_file)
    try:
        outside: list[str] = []
        page = open_page(browser, f"{app.url}/data_admin", outside)
        page.get_by_label("用户名").fill("admin1", timeout=TIMEOUT_MS)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_text("已登录：admin1").wait_for(timeout=TIMEOUT_MS)
        settle(page)
        upload(page, bad)
        page.get_by_text("整个文件不会导入").wait_for(timeout=TIMEOUT_MS)
        # The error table (a canvas grid) mirrors its cells into hidden DOM once painted.
        page.get_by_text("不能为负数").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        page.get_by_text("丰惠镇/三溪村", exact=False).first.wait_for(state="attached", timeout=TIMEOUT_MS)
        settle(page)
        screenshot(page, "data_admin_errors")
        upload(page, good)
        page.get_by_text("校验通过").wait_for(timeout=TIMEOUT_MS)
        settle(page)  # a click while the script still runs can be lost
        page.get_by_role("button", name="确认导入").dblclick()  # a double click imports once
        page.get_by_text("已导入 #").wait_for(timeout=TIMEOUT_MS)
        settle(page)
        assert page.get_by_role("button", name="确认导入").is_disabled()
        reader = connect(db_file, read_only=True)
        try:
            assert reader.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
        finally:
            reader.close()
        screenshot(page, "data_admin_imported")
        page.goto(f"{app.url}/data_status")
        # The other page sees the new data at once.
        page.get_by_text("人口.csv", exact=True).first.wait_for(state="attached", timeout=TIMEOUT_MS)
        assert outside == []
    finally:
        app.stop()


def test_cli_import_while_app_serves_and_two_processes(browser: object, demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    shutil.copyfile(demo_db, db)
    first, second = start_app(db), start_app(db)  # two app processes on one database
    try:
        page = open_page(browser, f"{first.url}/data_status", [])
        page.get_by_text("最近的导入", exact=True).wait_for(timeout=TIMEOUT_MS)
        other = open_page(browser, f"{second.url}/", [])
        other.get_by_text("计划目标").first.wait_for(timeout=TIMEOUT_MS)
        csv = write(tmp_path, "新会员.csv", "division,date,adult_members\n330603006,2023-01-31,1234\n")
        env = {**os.environ, "RCDASH_DB": str(db)}
        done = subprocess.run([sys.executable, "-m", "rcdash", "import", "members", str(csv)], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr  # no lock error while both apps serve
        page.reload()
        page.get_by_text("新会员.csv").first.wait_for(state="attached", timeout=TIMEOUT_MS)  # new data on the next run, no restart
        settle(page)
        screenshot(page, "data_status_after_cli_import")
    finally:
        first.stop()
        second.stop()
