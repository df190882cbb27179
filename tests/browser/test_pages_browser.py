"""Every page in a real browser on the demo database: it renders without an error, nothing is fetched from
outside the machine, and a screenshot is kept under test-artifacts/ to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rcdash.appserver import AppServer
from rcdash.config import REPO_ROOT
from tests.browser.conftest import open_page, screenshot, start_app

PAGE_NAMES = sorted(p.stem for p in (REPO_ROOT / "pages").glob("*.py"))
RENDER_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def demo_app(demo_db: Path) -> Iterator[AppServer]:
    app = start_app(demo_db)
    yield app
    app.stop()


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_renders(browser: object, demo_app: AppServer, name: str) -> None:
    outside: list[str] = []
    path = "" if name == "overview" else name  # the default page is served at the root
    page = open_page(browser, f"{demo_app.url}/{path}", outside)
    page.wait_for_selector("h1", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(2000)  # charts and grids paint after the script finishes
    screenshot(page, f"page_{name}")
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("[data-testid='stException']").first.inner_text()
    assert page.get_by_text("Page not found").count() == 0  # the page is served where the navigation says
    assert page.get_by_text("示例数据").count() >= 1  # demo data is labelled
    assert page.locator("[data-testid='stSidebarNav']").get_by_text("总览").count() == 1  # the app's navigation
    assert outside == [], f"requests left the machine: {outside}"
    page.context.close()
