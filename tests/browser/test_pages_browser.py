"""Every page in a real browser on the demo database, at 1400×900, read as a user reads it (tests/browser/reading.py):
it renders without an error, demo data is labelled, nothing is fetched from outside the machine, everything a user
reads is Chinese. A screenshot of each page is kept under test-artifacts/ to look at. Pages that a browser test of
their own loads anyway are read there (reading.PAGES_READ_ELSEWHERE).

Some pages are checked for more on the same load (FOLLOW_UPS): a table's column menu stays closed (队伍与志愿者), the
uploader reads 选择文件 (数据管理), the running figure's button reads 停止 (报告), switching plans changes the targets
(总览).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rcdash import plans
from rcdash.appserver import AppServer
from rcdash.config import CITY_CODE, REPO_ROOT
from rcdash.labels import fmt_target
from rcdash.metrics.engine import default_as_of
from rcdash.metrics.targets import TargetBook
from rcdash.plans import browse
from rcdash.store.connections import open_snapshot
from tests.browser.conftest import RENDER_TIMEOUT_MS, open_page, screenshot
from tests.browser.reading import PAGES_READ_ELSEWHERE, READ_JS, english_words, read_page

PAGE_NAMES = sorted(p.stem for p in (REPO_ROOT / "pages").glob("*.py"))
WALKED = [name for name in PAGE_NAMES if name not in PAGES_READ_ELSEWHERE]


def test_the_reader_finds_english() -> None:
    assert english_words(["下载 CSV", "Upload", "50MB per file • CSV, XLSX", "说明.csv"]) == {
        "Upload": "Upload", "per": "50MB per file • CSV, XLSX", "file": "50MB per file • CSV, XLSX"}


def test_every_page_is_read_somewhere() -> None:
    """A new page is walked unless a browser test of its own reads it."""
    assert set(PAGES_READ_ELSEWHERE) <= set(PAGE_NAMES)
    assert set(WALKED) | set(PAGES_READ_ELSEWHERE) == set(PAGE_NAMES)


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


@pytest.mark.parametrize("name", WALKED)
def test_every_page_reads_chinese(browser: object, demo_db: Path, demo_app: AppServer, name: str) -> None:
    outside: list[str] = []
    page = open_page(browser, f"{demo_app.url}/{'' if name == 'overview' else name}", outside)
    page.set_viewport_size({"width": 1400, "height": 900})
    read_page(page, name, outside)
    if name in FOLLOW_UPS:
        FOLLOW_UPS[name](page, demo_db)
        assert outside == [], f"requests left the machine: {outside}"
