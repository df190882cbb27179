"""Every page in a real browser on the demo database, at 1400×900: it renders without an error, demo data is
labelled, nothing is fetched from outside the machine, and (issue #16 point 7) everything a user reads is Chinese.
A screenshot of each page is kept under test-artifacts/ to look at.

What is read: the visible text of the page (icons, which are drawn from ligature names such as "download", are
not words; text shrunk to nothing is not read), the tooltips (title) of visible elements and the tooltips of the
buttons Streamlit labels itself (its element toolbars and header). Hovering a table and a chart shows their
toolbars and hover labels, so those are read too. On 数据管理 the commands quoted for administrators (as code) are
allowed: they are what an administrator types.

Some pages are checked for more on the same load (FOLLOW_UPS): a table's column menu stays closed (队伍与志愿者), the
uploader reads 选择文件 (数据管理), the running figure's button reads 停止 (报告), switching plans changes the targets
(总览).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from rcdash import plans
from rcdash.appserver import AppServer
from rcdash.config import CITY_CODE, REPO_ROOT
from rcdash.labels import fmt_target
from rcdash.metrics.engine import default_as_of
from rcdash.metrics.targets import TargetBook
from rcdash.plans import browse
from rcdash.store.connections import open_snapshot
from tests.browser.conftest import RENDER_TIMEOUT_MS, open_page, screenshot, start_app
from tests.browser.conftest import settle as settle_page

PAGE_NAMES = sorted(p.stem for p in (REPO_ROOT / "pages").glob("*.py"))
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


@pytest.fixture(scope="session")
def demo_app(demo_db: Path) -> Iterator[AppServer]:
    app = start_app(demo_db)
    yield app
    app.stop()


def test_the_reader_finds_english() -> None:
    assert english_words(["下载 CSV", "Upload", "50MB per file • CSV, XLSX", "说明.csv"]) == {
        "Upload": "Upload", "per": "50MB per file • CSV, XLSX", "file": "50MB per file • CSV, XLSX"}


# ---- what some pages are checked for beyond reading Chinese, on the same page load (each load costs Chromium
# several seconds of CPU: the walk opens every page once) ----

def column_menu_stays_closed(page: object) -> None:
    """Clicking a table's column header would open "Sort ascending / Pin column …": it stays closed."""
    table = page.locator("[data-testid=stDataFrame] >> visible=true").first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 15)
    page.wait_for_timeout(800)
    assert page.locator("[data-testid=stDataFrameColumnMenu]").count() == 1  # Streamlit opened it …
    assert not page.locator("[data-testid=stDataFrameColumnMenu]").is_visible()  # … and nobody sees it
    assert english_words(page.evaluate(READ_JS, False)) == {}


def uploader_reads_chinese(page: object) -> None:
    """The uploader's button reads 选择文件 (its English line is hidden)."""
    button = page.locator("[data-testid=stFileUploaderDropzone] button").first
    replaced = "e => getComputedStyle(e.querySelector('[data-testid=stMarkdownContainer]'), '::after').content"
    assert button.evaluate(replaced) == '"选择文件"'


def running_figure_reads_chinese(page: object) -> None:
    """"Stop" beside the running figure reads 停止 while the documents are generated."""
    page.get_by_role("button", name="生成 Word、Excel 和 PDF 文档").click()
    stop = page.locator("[data-testid=stStatusWidget] button")
    stop.wait_for(timeout=30_000)  # documents take seconds: the running figure and its button appear
    assert stop.evaluate("e => getComputedStyle(e, '::after').content") == '"停止"'
    assert english_words(page.evaluate(READ_JS, False)) == {}


def _target_line(con: object, plan: plans.Plan) -> str:
    """The start of 总览's sentence under the trend charts that names the plan's end target."""
    goal = fmt_target(TargetBook.load(con, plan).end_value("village_branch_rate", CITY_CODE))  # type: ignore[arg-type]
    return f"按计划末（{plan.end:%Y-%m-%d}）目标：村（社区）建会率 {goal}"


def switching_plans_changes_the_targets(page: object, demo_db: Path) -> None:
    """The 计划 picker (issue 18): switching plans on 总览 changes the targets and moves the reporting period."""
    con = open_snapshot(demo_db)
    try:
        latest = default_as_of(con)
        default = plans.default_plan(con, latest)
        other = next(p for p in plans.all_plans(con) if p.id != default.id)
        before, after = _target_line(con, default), _target_line(con, other)
    finally:
        con.close()
    assert before != after
    page.get_by_text(before).wait_for(timeout=RENDER_TIMEOUT_MS)
    picker = page.get_by_role("combobox", name="计划")
    assert picker.input_value() == browse.plan_label(default)
    picker.click()
    page.get_by_role("option", name=browse.plan_label(other)).click()
    page.get_by_text(after).wait_for(timeout=RENDER_TIMEOUT_MS)
    assert page.get_by_text(before).count() == 0
    assert picker.input_value() == browse.plan_label(other)
    period = page.get_by_role("combobox", name="报告期").input_value()
    assert period.endswith(f"（{browse.default_period(other, latest).label}）"), period
    screenshot(page, "plan_switch_overview")


FOLLOW_UPS = {
    "teams": lambda page, db: column_menu_stays_closed(page),
    "data_admin": lambda page, db: uploader_reads_chinese(page),
    "report": lambda page, db: running_figure_reads_chinese(page),
    "overview": switching_plans_changes_the_targets,
}


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_reads_chinese(browser: object, demo_db: Path, demo_app: AppServer, name: str) -> None:
    outside: list[str] = []
    page = open_page(browser, f"{demo_app.url}/{'' if name == 'overview' else name}", outside)
    page.set_viewport_size({"width": 1400, "height": 900})
    settle(page)
    read = []
    # Toolbars and hover labels show on hover: read once untouched, then over the first table and the first chart.
    for target in (None, "[data-testid=stDataFrame]", "[data-testid=stPlotlyChart]"):
        if target is not None:
            shown = page.locator(f"{target} >> visible=true")
            if not shown.count():
                continue
            shown.first.scroll_into_view_if_needed()
            shown.first.hover()
            page.wait_for_timeout(500)
        read += page.evaluate(READ_JS, name == "data_admin")
    screenshot(page, f"page_{name}")
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("[data-testid='stException']").first.inner_text()
    assert page.get_by_text("Page not found").count() == 0  # the page is served where the navigation says
    assert page.get_by_text("示例数据").count() >= 1  # demo data is labelled
    assert page.locator("[data-testid='stSidebarNav']").get_by_text("总览").count() == 1  # the app's navigation
    assert outside == [], f"requests left the machine: {outside}"
    assert english_words(read) == {}
    assert not page.locator("[data-testid=stMainMenu]").is_visible()  # Print / Record screen / Made with Streamlit
    if name in FOLLOW_UPS:
        FOLLOW_UPS[name](page, demo_db)
        assert outside == [], f"requests left the machine: {outside}"
