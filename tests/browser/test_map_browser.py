"""The 地图 page in Chromium without internet: township polygons and site markers are drawn from the app's own
JS/CSS, no request leaves the machine, a click shows the township's profile; screenshots kept in test-artifacts/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rcdash.appserver import AppServer
from tests.browser.conftest import open_page, screenshot, start_app

RENDER_TIMEOUT_MS = 120_000
TOWNSHIPS = 103


@pytest.fixture(scope="module")
def map_app(demo_db: Path) -> Iterator[AppServer]:
    app = start_app(demo_db)
    yield app
    app.stop()


def folium_frame(page: object, timeout_s: float = RENDER_TIMEOUT_MS / 1000) -> object:
    """The iframe streamlit-folium draws the map in."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:  # type: ignore[attr-defined]
            if "streamlit_folium" in frame.url:
                return frame
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
    raise AssertionError("no streamlit-folium iframe appeared")


def test_map_draws_offline_and_click_shows_profile(browser: object, map_app: AppServer) -> None:
    outside: list[str] = []
    vendored: list[str] = []
    page = open_page(browser, f"{map_app.url}/map", outside)
    page.on("response", lambda r: vendored.append(r.url) if "/app/static/vendor/" in r.url and r.ok else None)
    frame = folium_frame(page)
    frame.wait_for_function(f"document.querySelectorAll('path.leaflet-interactive').length >= {TOWNSHIPS}",
                            timeout=RENDER_TIMEOUT_MS)
    frame.wait_for_function("document.querySelectorAll('.leaflet-marker-icon').length > 0", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # let the clusters settle before the screenshot
    polygons = frame.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
    markers = frame.evaluate("document.querySelectorAll('.rc-site, .rc-cluster-icon').length")
    badges = frame.evaluate("document.querySelectorAll('.rc-badge').length")
    legend = frame.evaluate("document.querySelector('.rc-panel') && document.querySelector('.rc-panel').innerText")
    assert polygons >= TOWNSHIPS, polygons
    assert markers > 10 and badges > 10, (markers, badges)
    assert "无数据" in legend and "近似" in legend
    assert frame.evaluate("typeof L.markerClusterGroup === 'function' && typeof L.heatLayer === 'function'")
    shot = screenshot(page, "map")
    assert shot.stat().st_size > 50_000

    # Click the middle of a township polygon: its profile appears beside the map, and the map is not redrawn.
    iframe = page.locator("iframe[title*='streamlit_folium']").first
    box = iframe.bounding_box()
    x, y = frame.evaluate("""(() => {
        const paths = [...document.querySelectorAll('path.leaflet-interactive')];
        const r = paths[40].getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2];
    })()""")
    frame.evaluate("window.__rcMarker = 'same map'")
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_text("基层组织（各层级）", exact=True).first.wait_for(timeout=RENDER_TIMEOUT_MS)  # a profile row
    heading = page.locator("[data-testid='stMain'] h4").first.inner_text().strip()
    assert heading.endswith(("街道", "镇", "乡")), heading  # the clicked township's profile
    page.wait_for_timeout(1000)
    assert folium_frame(page).evaluate("window.__rcMarker") == "same map"  # no remount: view and zoom are kept
    screenshot(page, "map_profile")

    assert any("leaflet.js" in u for u in vendored), vendored
    assert outside == [], f"requests left the machine: {outside}"
    page.context.close()


def test_gaps_page_draws_offline(browser: object, map_app: AppServer) -> None:
    outside: list[str] = []
    page = open_page(browser, f"{map_app.url}/gaps", outside)
    frame = folium_frame(page)
    frame.wait_for_function(f"document.querySelectorAll('path.leaflet-interactive').length >= {TOWNSHIPS}",
                            timeout=RENDER_TIMEOUT_MS)
    frame.wait_for_function("document.querySelectorAll('.rc-pick-label').length > 0", timeout=RENDER_TIMEOUT_MS)
    page.get_by_text("下一步在哪里建服务站").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    screenshot(page, "gaps")
    assert outside == [], f"requests left the machine: {outside}"
    page.context.close()
