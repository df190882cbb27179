"""数据质量 in a real browser: a figure's warning links to the page, the page lists the demo's flags, and a flag's
import opens on 数据管理; nothing fetched from outside."""

from __future__ import annotations

from urllib.parse import urljoin

from rcdash.appserver import AppServer
from tests.browser.conftest import open_page, screenshot
from tests.browser.reading import read_page

RENDER_TIMEOUT_MS = 120_000


def test_quality_page_from_a_warning_to_the_import(browser: object, demo_app: AppServer) -> None:
    outside: list[str] = []
    page = open_page(browser, f"{demo_app.url}/members", outside)
    link = page.get_by_role("link", name="查看数据质量")
    link.wait_for(timeout=RENDER_TIMEOUT_MS)
    read_page(page, "members", outside)
    target = urljoin(page.url, link.get_attribute("href"))
    assert target.rstrip("/").endswith("/quality")
    page.goto(target)
    page.get_by_text("问题清单", exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)
    page.get_by_text("数据完整性", exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)
    page.get_by_text("待核实", exact=True).first.wait_for(timeout=RENDER_TIMEOUT_MS)
    page.locator("[data-testid='stDataFrame']").nth(3).wait_for(timeout=RENDER_TIMEOUT_MS)
    shot = screenshot(page, "quality")
    assert shot.stat().st_size > 10_000
    read_page(page, "quality", outside)
    page.goto(f"{demo_app.url}/data_admin?import=4")
    page.get_by_text("数据质量页链接到的导入：#4", exact=False).wait_for(timeout=RENDER_TIMEOUT_MS)
    assert outside == [], f"requests left the machine: {outside}"
