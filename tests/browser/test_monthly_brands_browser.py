"""月度主题 and 品牌展示 in a real browser: they render, nothing leaves the machine, hostile text stays text,
a missing photo shows the placeholder; screenshots are kept under test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rcdash import config
from rcdash.appserver import AppServer
from rcdash.importing.load import import_file
from rcdash.store.connections import connect
from tests import samples
from tests.browser.conftest import open_page, screenshot, settle, start_app
from tests.browser.reading import read_page

RENDER_TIMEOUT_MS = 120_000
HOSTILE_NAME = "恶意项目<b>粗</b>"
HOSTILE_DESCRIPTION = "<script>alert('xss')</script><img src=x onerror=alert(1)>![t](http://tracker.example/t.png)"


@pytest.fixture(scope="session")
def app(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app on a copy of the demo with one hostile project and one project whose photo file is gone."""
    folder = tmp_path_factory.mktemp("m6_browser")
    db = folder / "demo.duckdb"
    db.write_bytes(demo_db.read_bytes())
    sheet = folder / "hostile.csv"
    sheet.write_bytes(samples.brands_csv(f'"{HOSTILE_NAME}",柯桥区,"{HOSTILE_DESCRIPTION}",2021-01-01,应急救护,10,,'))
    con = connect(db)
    assert import_file(con, "brands", sheet).exit_code == 0
    con.execute("UPDATE brands SET photo = 'data/media/demo/deleted-by-someone.png' WHERE name = '水上救援先锋'")
    con.execute("CHECKPOINT")
    con.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(config.MEDIA_ENV_VAR, str(folder / "media"))
        running = start_app(db)
    yield running
    running.stop()


def test_monthly_page(browser: object, app: AppServer) -> None:
    outside: list[str] = []
    page = open_page(browser, f"{app.url}/monthly", outside)
    page.get_by_text("周周有声音：每周活动数", exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("第49周 12-01").count() >= 1  # the heatmap's week columns (default month: 2025-12)
    assert page.get_by_role("button", name="下载简报（Word）").count() == 1
    shot = screenshot(page, "monthly")
    assert shot.stat().st_size > 20_000
    read_page(page, "monthly", outside)


def test_brands_page_and_detail(browser: object, app: AppServer) -> None:
    outside: list[str] = []
    alerts: list[str] = []
    page = open_page(browser, f"{app.url}/brands", outside)
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    page.get_by_role("button", name="查看详情").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    settle(page)
    cards = page.locator("[data-testid='stImage'] img")
    assert cards.count() == 12
    widths = cards.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), widths  # every card has a picture, the placeholder included
    screenshot(page, "brands")
    read_page(page, "brands", outside)

    search = page.get_by_placeholder("项目名称、简介、标签或区县，多个词用空格分开")
    search.fill("恶意项目")
    search.press("Enter")
    page.get_by_text(HOSTILE_NAME, exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)  # the name, literally
    settle(page)
    page.get_by_role("button", name="查看详情").first.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=RENDER_TIMEOUT_MS)
    dialog.get_by_text(HOSTILE_DESCRIPTION, exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    assert page.locator("script:has-text('xss')").count() == 0 and page.locator("img[src='x']").count() == 0
    screenshot(page, "brands_detail")
    assert alerts == [], f"script ran: {alerts}"
    assert outside == [], f"requests left the machine: {outside}"
