"""The 数据概况 page in a real browser: rendered, nothing fetched from outside, screenshot kept."""

from __future__ import annotations

from pathlib import Path

from rcdash.importing.load import import_file
from rcdash.store.connections import connect
from tests.browser.conftest import open_page, screenshot, settle, start_app
from tests.conftest import write

RENDER_TIMEOUT_MS = 60_000


def test_data_status_page_renders(browser: object, db_file: Path, tmp_path: Path) -> None:
    con = connect(db_file)
    text = "name,division,level,established_on\n峡山村红十字会,福全街道/峡山村,村社区,2021-03-05\n"
    import_file(con, "branches", write(tmp_path, "b.csv", text))
    con.close()
    app = start_app(db_file)
    try:
        outside: list[str] = []
        page = open_page(browser, f"{app.url}/data_status", outside)
        page.get_by_text("区划参考数据", exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)
        page.get_by_text("2,168").first.wait_for(timeout=RENDER_TIMEOUT_MS)
        page.get_by_text("最近的导入", exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)
        settle(page)  # the data grids painted before the screenshot
        shot = screenshot(page, "data_status")
        assert shot.stat().st_size > 10_000
        assert "绍兴红十字" in page.title()
        assert outside == [], f"requests left the machine: {outside}"
    finally:
        app.stop()
