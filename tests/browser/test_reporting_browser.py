"""The 报送情况 page in a real browser: a month from the URL, switching to half-years, nothing fetched from outside."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rcdash.importing.load import Origin, import_file
from rcdash.store.connections import connect
from tests.browser.conftest import open_page, screenshot, start_app
from tests.conftest import write

RENDER_TIMEOUT_MS = 60_000


def test_reporting_page_renders_and_switches_period(browser: object, db_file: Path, tmp_path: Path) -> None:
    con = connect(db_file)
    text = "date,division,title,category\n2022-12-03,柯桥区,宣传,无偿献血\n2022-12-05,越城区,培训,应急救护\n"
    import_file(con, "activities", write(tmp_path, "a.csv", text), origin=Origin(received_at=datetime(2023, 1, 4)))
    con.close()
    app = start_app(db_file)
    try:
        outside: list[str] = []
        page = open_page(browser, f"{app.url}/reporting?period=2022-12", outside)
        page.get_by_text("2022 年 12 月各区县报送状态").wait_for(timeout=RENDER_TIMEOUT_MS)
        page.get_by_text("需要催报", exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)
        # 2 of 6 counties sent December's activities on time; no half-yearly register came: 2 of 30 reports.
        page.get_by_text("6.7%").first.wait_for(timeout=RENDER_TIMEOUT_MS)
        page.locator("[data-testid='data-grid-canvas']").nth(2).wait_for(timeout=RENDER_TIMEOUT_MS)  # 3 tables drawn
        page.get_by_role("button", name="下载 CSV").nth(2).wait_for(timeout=RENDER_TIMEOUT_MS)
        shot = screenshot(page, "reporting_month")
        assert shot.stat().st_size > 10_000
        page.get_by_text("按半年", exact=True).click()
        page.get_by_text("年下半年各区县报送状态").or_(page.get_by_text("年上半年各区县报送状态")).wait_for(
            timeout=RENDER_TIMEOUT_MS)
        assert outside == [], f"requests left the machine: {outside}"
    finally:
        app.stop()
