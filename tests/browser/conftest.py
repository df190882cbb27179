"""Browser tests: a real `streamlit run` driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from rcdash.appserver import AppServer
from rcdash.config import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium through Playwright, or a skip that says why."""
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        print("browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)")
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


OPENED: list[object] = []  # the browser contexts open_page made during the running test


@pytest.fixture(autouse=True)
def close_pages() -> Iterator[None]:
    """Close every page a test opened when it ends, also when it fails: a page left open on a stopped server keeps
    animating its reconnect spinner and retrying, burning Chromium CPU for the rest of the worker's session."""
    yield
    while OPENED:
        OPENED.pop().close()  # type: ignore[attr-defined]


def start_app(db: Path) -> AppServer:
    """Start the app on a free port against a database."""
    return AppServer(db)


@pytest.fixture(scope="session")
def demo_app(demo_db: Path) -> Iterator[AppServer]:
    """The app on the demo database, one per worker, shared by the browser files that only read the demo."""
    app = start_app(demo_db)
    yield app
    app.stop()


def open_page(browser: object, url: str, outside: list[str], size: tuple[int, int] = (1400, 1800)) -> object:
    """A new page (of a viewport size) that records every request leaving the machine into `outside`."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")  # type: ignore[attr-defined]
    OPENED.append(context)
    page = context.new_page()

    def record(request: object) -> None:
        parsed = urlparse(request.url)  # type: ignore[attr-defined]
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in LOCAL_HOSTS:
            outside.append(request.url)  # type: ignore[attr-defined]

    page.on("request", record)
    page.goto(url)
    return page


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


RENDER_TIMEOUT_MS = 120_000
QUIET_MS = 600  # the page counts as painted once nothing was added or redrawn for this long after the run ended
# True once Streamlit's run indicator is gone, every shown chart has drawn its SVG and table its canvas, every image has
# loaded, and the number of elements has stayed the same for QUIET_MS (a run starts after the first paint, so the
# quiet spell, not the first absence of the indicator, says the script has finished).
SETTLED_JS = """(quietMs) => {
  const d = document, now = performance.now();
  const ready = !d.querySelector('[data-testid="stStatusWidget"]')
    && [...d.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => !c.checkVisibility() || c.querySelector('.main-svg'))
    && [...d.querySelectorAll('[data-testid=stDataFrame]')].every(c => !c.checkVisibility() || c.querySelector('canvas'))
    && [...d.querySelectorAll('img')].every(i => i.complete);
  const count = d.querySelectorAll('[data-testid=stElementContainer], .main-svg, canvas').length;
  if (!ready || count !== window.__settleCount) {
    window.__settleCount = count; window.__settleSince = now; return false;
  }
  return now - window.__settleSince >= quietMs;
}"""


def settle(page: object, timeout_ms: int = RENDER_TIMEOUT_MS) -> None:
    """Wait (on conditions, not a fixed time) until the script run has finished and what it drew has painted."""
    page.wait_for_selector("h1", timeout=timeout_ms)  # type: ignore[attr-defined]
    page.evaluate("delete window.__settleCount")  # type: ignore[attr-defined]
    page.wait_for_function(SETTLED_JS, arg=QUIET_MS, timeout=timeout_ms, polling=100)  # type: ignore[attr-defined]


def upload(page: object, path: Path) -> None:
    """Give the page's file uploader a file, once a rerun has left exactly one (while the script reruns, the old
    uploader can still be in the page beside the new one)."""
    from playwright.sync_api import expect

    uploader = page.locator("input[type=file]")  # type: ignore[attr-defined]
    expect(uploader).to_have_count(1, timeout=RENDER_TIMEOUT_MS)
    uploader.set_input_files(str(path))
