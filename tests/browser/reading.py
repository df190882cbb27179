"""Reading a page as a user does, for the browser tests (issue #16 point 7): everything a user reads is Chinese.

What is read: the visible text of the page (icons, which are drawn from ligature names such as "download", are
not words; text shrunk to nothing is not read), the tooltips (title) of visible elements and the tooltips of the
buttons Streamlit labels itself (its element toolbars and header). Hovering a table and a chart shows their
toolbars and hover labels, so those are read too. On 数据管理 the commands quoted for administrators (as code) are
allowed: they are what an administrator types.

Every page is read once per run: by the page walk (test_pages_browser.py) or, for a page a browser test of its own
loads anyway, by that test (PAGES_READ_ELSEWHERE) — a page load costs Chromium several seconds of CPU.
"""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import screenshot
from tests.browser.conftest import settle as settle_page

# Pages read by the browser test that loads them for its own checks (the page walk leaves them out).
PAGES_READ_ELSEWHERE = {
    "map": "test_map_browser.py", "gaps": "test_map_browser.py", "members": "test_quality_browser.py",
    "quality": "test_quality_browser.py", "monthly": "test_monthly_brands_browser.py",
    "brands": "test_monthly_brands_browser.py",
}
CSS_TIMEOUT_MS = 5_000
# Names and units that are written in Latin letters in Chinese too (compared without case: "说明.csv" is a file name).
ALLOWED = {"csv", "excel", "word", "pdf", "zip", "xlsx", "xls", "docx", "ppt", "pptx", "openstreetmap", "leaflet",
           "mb", "kb", "km", "aed", "gcj", "wgs", "png", "svg"}
WORD = re.compile(r"[A-Za-z]{2,}")
READ_JS = """(skipCode) => {
  const shown = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && parseFloat(getComputedStyle(el).fontSize) > 1;
  const big = rects => [...rects].some(r => r.width > 1 && r.height > 1);
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('style, script, noscript, [data-testid=stIconMaterial], [translate=no][aria-hidden=true]')) continue;
    if (skipCode && el.closest('code')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (shown(el) && big(range.getClientRects())) out.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('[title]')) {
    if (el.tagName !== 'IFRAME' && el.title.trim() && shown(el) && big(el.getClientRects())) out.push(el.title);
  }
  for (const el of document.querySelectorAll('header button[aria-label], [data-testid=stElementToolbar] button[aria-label]')) {
    if (shown(el) && big(el.getClientRects())) out.push(el.getAttribute('aria-label'));
  }
  return out;
}"""


def english_words(texts: list[str]) -> dict[str, str]:
    """Each English word read, with the text it was read in."""
    found = {}
    for text in texts:
        for word in WORD.findall(text):
            if word.lower() not in ALLOWED:
                found.setdefault(word, text[:120])
    return found


def settle(page: object) -> None:
    """Wait until the script has run and the charts and grids have painted (conftest.settle), and the page's CSS."""
    settle_page(page)
    # The page frame's CSS comes with the script's first messages: until then Streamlit shows its own chrome.
    # A short wait: without that CSS the page is read as it is.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("[...document.querySelectorAll('style')].some(s => s.textContent.includes('stMainMenu'))",  # type: ignore[attr-defined]
                               timeout=CSS_TIMEOUT_MS)


def read_page(page: object, name: str, outside: list[str]) -> None:
    """Read a settled page of the demo (untouched, then hovering its first table and first chart) and check it: no
    error, served where the navigation says, demo data labelled, the app's navigation, nothing fetched from outside
    the machine, no English word, no Streamlit main menu. A screenshot is kept as test-artifacts/page_NAME.png."""
    settle(page)
    read = []
    for target in (None, "[data-testid=stDataFrame]", "[data-testid=stPlotlyChart]"):
        if target is not None:
            shown = page.locator(f"{target} >> visible=true")  # type: ignore[attr-defined]
            if not shown.count():
                continue
            shown.first.scroll_into_view_if_needed()
            shown.first.hover()
            page.wait_for_timeout(500)  # type: ignore[attr-defined]
        read += page.evaluate(READ_JS, name == "data_admin")  # type: ignore[attr-defined]
    screenshot(page, f"page_{name}")
    errors = page.locator("[data-testid='stException']")  # type: ignore[attr-defined]
    assert errors.count() == 0, errors.first.inner_text()
    assert page.get_by_text("Page not found").count() == 0  # type: ignore[attr-defined]
    assert page.get_by_text("示例数据").count() >= 1  # type: ignore[attr-defined]
    assert page.locator("[data-testid='stSidebarNav']").get_by_text("总览").count() == 1  # type: ignore[attr-defined]
    assert outside == [], f"requests left the machine: {outside}"
    assert english_words(read) == {}
    assert not page.locator("[data-testid=stMainMenu]").is_visible()  # type: ignore[attr-defined]  # Print / Record screen
