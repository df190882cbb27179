"""The 地图 page in Chromium without internet: township polygons and site markers are drawn from the app's own
JS/CSS, no request leaves the machine, a click shows the township's profile; screenshots kept in test-artifacts/."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from rcdash.appserver import AppServer
from tests.browser.conftest import open_page, screenshot
from tests.browser.reading import read_page

RENDER_TIMEOUT_MS = 120_000
TOWNSHIPS = 103


def folium_frame(page: object, timeout_s: float = RENDER_TIMEOUT_MS / 1000) -> object:
    """The iframe streamlit-folium draws the map in."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:  # type: ignore[attr-defined]
            if "streamlit_folium" in frame.url:
                return frame
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
    raise AssertionError("no streamlit-folium iframe appeared")


def test_map_draws_offline_and_click_shows_profile(browser: object, demo_app: AppServer) -> None:
    outside: list[str] = []
    vendored: list[str] = []
    page = open_page(browser, f"{demo_app.url}/map", outside)
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
    read_page(page, "map", outside)

    assert any("leaflet.js" in u for u in vendored), vendored
    assert outside == [], f"requests left the machine: {outside}"


def test_print_map_downloads_on_the_click(browser: object, demo_app: AppServer, tmp_path: Path) -> None:
    """Issue #21: the PDF button draws the current view on the click (a deferred download) and hands it over."""
    outside: list[str] = []
    page = open_page(browser, f"{demo_app.url}/map", outside)
    button = page.get_by_role("button", name="下载 A4 地图（PDF）")
    button.wait_for(timeout=RENDER_TIMEOUT_MS)
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as download:
        button.click()
    name = download.value.suggested_filename  # 地图_绍兴市_建会率_<the latest data date>.pdf
    assert name.startswith("地图_绍兴市_建会率_") and name.endswith(".pdf"), name
    saved = tmp_path / "map.pdf"
    download.value.save_as(saved)
    text = PdfReader(str(saved)).pages[0].extract_text()
    assert "绍兴市各乡镇（街道）村（社区）建会率" in text and "嵊州市" in text
    assert outside == [], f"requests left the machine: {outside}"


# ---------------------------------------------------------------------------- issue 16.5 and 16.6: what users meet

DESKTOP, PHONE = (1400, 900), (390, 844)
SETTLE_MS = 2000  # clusters animate and names step aside 0.4 s after the map stops moving

# JS run inside the map's iframe.
BOX = "(el) => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }"
CONTROL_BOXES = """() => [...document.querySelectorAll('.leaflet-control-container .leaflet-control')]
    .map(c => c.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0)
    .map(r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom}))"""
NAMES = "[...document.querySelectorAll('SELECTOR')].map(" + BOX + ").filter(r => r.right > r.left)"
MARKERS = ("[...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')].map(" + BOX
           + ").filter(r => r.right > r.left)")
# A point inside a township polygon where the polygon itself is the top element (not a marker, name or control),
# whose page position (frame offset `dy`) is within the visible page height `h`; `pick` chooses among candidates.
TOWNSHIP_POINT = """([dy, h, pick]) => {
    const hits = [];
    for (const p of document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive')) {
        const r = p.getBoundingClientRect();
        for (const [fx, fy] of [[0.5, 0.5], [0.4, 0.5], [0.6, 0.5], [0.5, 0.4], [0.5, 0.6]]) {
            const x = r.left + r.width * fx, y = r.top + r.height * fy;
            if (dy + y < h - 20 && document.elementFromPoint(x, y) === p) { hits.push([x, y]); break; }
        }
    }
    const w = document.querySelector('.leaflet-container').getBoundingClientRect().width;
    if (pick === 'right-of-centre') {
        const right = hits.filter(([x]) => x > w / 2 + 20).sort((a, b) => a[0] - b[0]);
        return right[0] || null;
    }
    return hits.sort((a, b) => b[1] - a[1])[Math.floor(hits.length / 2)] || null;
}"""


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and a["right"] > b["left"] and a["top"] < b["bottom"] and a["bottom"] > b["top"]


def _inside(a: dict, b: dict, slack: float = 0.5) -> bool:
    return (a["left"] >= b["left"] - slack and a["right"] <= b["right"] + slack and a["top"] >= b["top"] - slack
            and a["bottom"] <= b["bottom"] + slack)


def _ready_map(page: object, marker: str = ".leaflet-marker-icon") -> tuple[object, dict]:
    """The map's frame once polygons and markers are drawn and names placed, and the iframe's box on the page."""
    frame = folium_frame(page)
    frame.wait_for_function(f"document.querySelectorAll('path.leaflet-interactive').length >= {TOWNSHIPS}",
                            timeout=RENDER_TIMEOUT_MS)
    frame.wait_for_function(f"document.querySelectorAll('{marker}').length > 0", timeout=RENDER_TIMEOUT_MS)
    iframe = page.locator("iframe[title*='streamlit_folium']").first  # type: ignore[attr-defined]
    iframe.scroll_into_view_if_needed()
    page.wait_for_timeout(SETTLE_MS)  # type: ignore[attr-defined]
    return frame, iframe.bounding_box()


def test_one_click_on_a_township_fills_the_panel_without_scrolling(browser: object, demo_app: AppServer) -> None:
    """16.5: at 1400×900 the map reaches below the fold; the first click used to scroll the page and select nothing."""
    outside: list[str] = []
    page = open_page(browser, f"{demo_app.url}/map", outside, DESKTOP)
    frame = folium_frame(page)
    frame.wait_for_function(f"document.querySelectorAll('path.leaflet-interactive').length >= {TOWNSHIPS}",
                            timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)
    iframe = page.locator("iframe[title*='streamlit_folium']").first
    box = iframe.bounding_box()
    assert box["y"] + box["height"] > DESKTOP[1], "the map should reach below the fold for this test to mean anything"
    point = frame.evaluate(TOWNSHIP_POINT, [box["y"], DESKTOP[1], "middle"])
    assert point is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.get_by_text("基层组织（各层级）", exact=True).first.wait_for(timeout=60_000)  # the profile, after ONE click
    assert iframe.bounding_box()["y"] == pytest.approx(box["y"], abs=1), "the page scrolled under the click"
    heading = page.locator("[data-testid='stMain'] h4").first.inner_text().strip()
    assert heading.endswith(("街道", "镇", "乡")), heading
    screenshot(page, "map_one_click_1400x900")
    assert outside == []


def test_tooltips_and_popups_stay_in_view_on_a_phone(browser: object, demo_app: AppServer) -> None:
    """16.5: on a phone a township's box opened off the left edge, under the county names; popups under the legend.
    16.6: the legend starts folded there and opens with one tap."""
    outside: list[str] = []
    page = open_page(browser, f"{demo_app.url}/map", outside, PHONE)
    frame, box = _ready_map(page, ".rc-site")
    # 16.6: on a phone the legend covered half the map, 越城区 too; now it is folded and opens with one tap.
    legend = frame.eval_on_selector(".rc-panel", BOX)
    county = dict(zip(frame.evaluate("[...document.querySelectorAll('.rc-county-label span')].map(e => e.textContent)"),
                      frame.evaluate(NAMES.replace("SELECTOR", ".rc-county-label span")), strict=True))
    assert "越城区" in county and not _overlap(county["越城区"], legend), (county, legend)
    toggle = frame.locator(".rc-legend-toggle")
    assert toggle.inner_text().strip().endswith("图例") and not frame.locator(".rc-legend-body").is_visible()
    toggle.click()
    assert frame.locator(".rc-legend-body").is_visible() and "无数据" in frame.locator(".rc-legend-body").inner_text()
    toggle.click()
    assert not frame.locator(".rc-legend-body").is_visible()
    area = frame.eval_on_selector(".leaflet-container", BOX)
    view = {"left": -box["x"], "top": -box["y"], "right": PHONE[0] - box["x"], "bottom": PHONE[1] - box["y"]}

    # A township right of the centre: its tooltip opens to the left, wider than the room there.
    point = frame.evaluate(TOWNSHIP_POINT, [box["y"], PHONE[1], "right-of-centre"])
    assert point is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    frame.wait_for_selector(".leaflet-tooltip", timeout=10_000)
    page.wait_for_timeout(300)
    tip = frame.eval_on_selector(".leaflet-tooltip", BOX)
    assert _inside(tip, area) and _inside(tip, view), (tip, area)
    assert not any(_overlap(tip, c) for c in frame.evaluate(CONTROL_BOXES)), "tooltip under a control"
    # County names are drawn below tooltips: their pane is under the tooltip pane.
    assert frame.evaluate("""(() => {
        const z = el => +getComputedStyle(el.closest('.leaflet-pane')).zIndex;
        const label = document.querySelector('.rc-county-label');
        return label && !label.closest('.leaflet-tooltip-pane') && z(label) < z(document.querySelector('.leaflet-tooltip'));
    })()""")
    screenshot(page, "map_tooltip_390x844")

    # A site's popup: inside the map and the screen, clear of the legend toggle and the other controls.
    page.mouse.click(box["x"] + 5, box["y"] + area["bottom"] - 40)  # close the tooltip on an empty spot
    marker = frame.evaluate("""(() => {
        const w = document.querySelector('.leaflet-container').getBoundingClientRect();
        for (const m of document.querySelectorAll('.rc-site')) {
            const r = m.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (x < w.left + 80 && m.contains(document.elementFromPoint(x, y))) { return [x, y]; }
        }
        for (const m of document.querySelectorAll('.rc-site')) {
            const r = m.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (m.contains(document.elementFromPoint(x, y))) { return [x, y]; }
        }
        return null;
    })()""")
    assert marker is not None
    page.mouse.click(box["x"] + marker[0], box["y"] + marker[1])
    frame.wait_for_selector(".leaflet-popup", timeout=10_000)
    page.wait_for_timeout(800)  # the map pans to show the popup
    popup = frame.eval_on_selector(".leaflet-popup", BOX)
    assert _inside(popup, area) and _inside(popup, view), (popup, area)
    assert not any(_overlap(popup, c) for c in frame.evaluate(CONTROL_BOXES)), "popup under a control"
    screenshot(page, "map_popup_390x844")
    assert frame.evaluate("document.querySelector('.rc-panel.rc-collapsed') !== null"), "the legend starts closed on a phone"
    assert outside == []


def test_popup_opens_clear_of_the_open_legend(browser: object, demo_app: AppServer) -> None:
    """16.5: at 1400×900 a site's popup opened under the legend; 16.6: county names clear of the legend and the
    markers, the scale bar metric only."""
    outside: list[str] = []
    page = open_page(browser, f"{demo_app.url}/map", outside, DESKTOP)
    frame, box = _ready_map(page, ".rc-site")
    legend = frame.eval_on_selector(".rc-panel", BOX)
    # 16.6: the legend covered the western townships and "基" sat on 上虞区; the legend is open where there is room.
    labels = frame.evaluate(NAMES.replace("SELECTOR", ".rc-county-label span"))
    assert len(labels) == 6
    for label in labels:
        assert not _overlap(label, legend), (label, legend)
        assert not [m for m in frame.evaluate(MARKERS) if _overlap(label, m)], label
    assert frame.locator(".rc-legend-body").is_visible(), "open where there is room"
    screenshot(page, "map_legend_1400x900")
    # The site nearest the legend's right edge (and below its top), where a popup centred on it would reach over it.
    marker = frame.evaluate("""([right, top]) => {
        let best = null;
        for (const m of document.querySelectorAll('.rc-site')) {
            const r = m.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (x > right && y > top + 40 && m.contains(document.elementFromPoint(x, y)) && (!best || x < best[0])) {
                best = [x, y];
            }
        }
        return best;
    }""", [legend["right"], legend["top"]])
    assert marker is not None and marker[0] < legend["right"] + 150, marker  # a popup is ≈ 300 px wide
    page.mouse.click(box["x"] + marker[0], box["y"] + marker[1])
    frame.wait_for_selector(".leaflet-popup", timeout=10_000)
    page.wait_for_timeout(800)  # the map pans to show the popup
    popup = frame.eval_on_selector(".leaflet-popup", BOX)
    assert not _overlap(popup, frame.eval_on_selector(".rc-panel", BOX)), "popup under the legend"
    assert _inside(popup, frame.eval_on_selector(".leaflet-container", BOX))
    # 16.6: the scale bar showed miles and feet too.
    scales = frame.evaluate("[...document.querySelectorAll('.leaflet-control-scale-line')].map(e => e.innerText)")
    assert scales and all(s.strip().endswith(("km", "m")) for s in scales), scales
    assert not any(s.strip().endswith(("mi", "ft")) for s in scales), scales
    assert outside == []




def test_gaps_page_draws_offline_with_picks_clear_of_the_legend(browser: object, demo_app: AppServer) -> None:
    """覆盖缺口 draws offline; 16.6: the legend covered "5 店口镇" and the numbered picks overlapped."""
    outside: list[str] = []
    page = open_page(browser, f"{demo_app.url}/gaps", outside, DESKTOP)
    page.get_by_text("下一步在哪里建服务站").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    frame, _ = _ready_map(page, ".rc-pick-label")
    legend = frame.eval_on_selector(".rc-panel", BOX)
    picks = frame.evaluate(NAMES.replace("SELECTOR", ".rc-pick-label span"))
    assert len(picks) >= 3
    for i, pick in enumerate(picks):
        assert not _overlap(pick, legend), (pick, legend)
        assert not [other for other in picks[i + 1:] if _overlap(pick, other)], picks
    assert frame.locator(".rc-legend-body").is_visible(), "open where there is room"
    screenshot(page, "gaps_legend_1400x900")
    read_page(page, "gaps", outside)
