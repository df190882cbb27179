"""The browser part of bench/run.py: 10 simultaneous Chromium sessions on 总览, and the app's peak memory.

A real `streamlit run app.py` serves the database. Memory: one tab opens every page in turn with the default
filters, then the server's VmHWM (peak resident set) is read from /proc. Concurrency: on a freshly started
server, 10 browser contexts open 总览 at the same moment; each session's time runs from navigation until the page
has finished rendering (the script run is over and every chart and table of the page is drawn). The first round
meets empty caches (right after start or an import), the later rounds a warm server.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path

from rcdash.appserver import AppServer
from rcdash.config import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                 "--disable-backgrounding-occluded-windows"]
SESSIONS = 10
RENDER_TIMEOUT_MS = 600_000  # a cold national page with 10 sessions on 2 cores; reported, never cut short
SETTLE_MS = 1500  # after the run ends, charts finish painting; only used when counting what a page draws
POLL_MS = 200  # how often a session checks whether its page has finished
OVERVIEW = "overview"  # the default page, served at the root: /overview would show "Page not found" first


def page_url(url: str, name: str) -> str:
    """Where a page is served (the default page at the root)."""
    return f"{url}/" if name == OVERVIEW else f"{url}/{name}"
RUNNING = "document.querySelector('[data-testid=\"stStatusWidget\"]')"
COUNTS = ("document.querySelectorAll('.js-plotly-plot .main-svg').length",
          "document.querySelectorAll('[data-testid=\"stDataFrame\"] canvas, [data-testid=\"stDataFrame\"] table').length",
          "document.querySelectorAll('[data-testid=\"stMetric\"]').length")


def chromium_available() -> bool:
    """Whether Debian's Chromium and Playwright are there."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists()


class Server(AppServer):
    """The app as served, with the figures the benchmark reads from /proc."""

    def memory_mb(self) -> dict[str, float]:
        """Peak (VmHWM) and current (VmRSS) resident memory of the server process, in MB."""
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                fields[name] = round(int(value.split()[0]) / 1024, 1)
        return fields

    def cpu_seconds(self) -> float:
        """CPU time the server process has used (user + system)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _finished(page: object, expected: tuple[int, ...] | None) -> tuple[int, ...]:
    """Wait until the page's script run is over and (when known) all its charts, tables and cards are drawn."""
    await page.wait_for_selector("h1", timeout=RENDER_TIMEOUT_MS)  # type: ignore[attr-defined]
    if expected is None:
        await page.wait_for_function(f"!{RUNNING}", timeout=RENDER_TIMEOUT_MS)  # type: ignore[attr-defined]
        await page.wait_for_timeout(SETTLE_MS)  # type: ignore[attr-defined]
        await page.wait_for_function(f"!{RUNNING}", timeout=RENDER_TIMEOUT_MS)  # type: ignore[attr-defined]
        return tuple([await page.evaluate(c) for c in COUNTS])  # type: ignore[attr-defined]
    drawn = " && ".join(f"{c} >= {n}" for c, n in zip(COUNTS, expected, strict=True))
    # Checked 5 times a second: checking more often would itself take the CPU the ten pages are rendering with.
    await page.wait_for_function(f"!{RUNNING} && {drawn}", timeout=RENDER_TIMEOUT_MS, polling=POLL_MS)  # type: ignore[attr-defined]
    return expected


async def _visit_every_page(browser: object, url: str) -> tuple[int, ...]:
    """One tab opening every page in turn with default filters; what 总览 draws when finished."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1800}, locale="zh-CN")  # type: ignore[attr-defined]
    page = await context.new_page()
    expected: tuple[int, ...] = ()
    for name in sorted(p.stem for p in (REPO_ROOT / "pages").glob("*.py")):
        await page.goto(page_url(url, name))
        counts = await _finished(page, None)
        if name == OVERVIEW:
            expected = counts
    await context.close()
    return expected


async def _one_session(browser: object, url: str, expected: tuple[int, ...]) -> float:
    """Seconds from navigation to a finished 总览 in a new browser context."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1800}, locale="zh-CN")  # type: ignore[attr-defined]
    page = await context.new_page()
    started = time.perf_counter()
    await page.goto(page_url(url, OVERVIEW))
    await _finished(page, expected)
    elapsed = time.perf_counter() - started
    await context.close()
    return elapsed


async def _measure(db: Path, rounds: int) -> dict[str, object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        server = Server(db)
        try:
            expected = await _visit_every_page(browser, server.url)
            memory = server.memory_mb()
        finally:
            server.stop()
        server = Server(db)  # a fresh server: the first round meets empty caches
        try:
            medians, slowest, server_cpu, machine_cpu, walls = [], [], [], [], []
            for _ in range(rounds + 1):
                cpu_before, machine_before, started = server.cpu_seconds(), _machine_busy_seconds(), time.monotonic()
                times = await asyncio.gather(*(_one_session(browser, server.url, expected) for _ in range(SESSIONS)))
                walls.append(time.monotonic() - started)
                server_cpu.append(server.cpu_seconds() - cpu_before)
                machine_cpu.append(_machine_busy_seconds() - machine_before)
                medians.append(statistics.median(times))
                slowest.append(max(times))
        finally:
            server.stop()
        await browser.close()
    return {
        "concurrent_sessions_ms": round(statistics.median(medians[1:]) * 1000, 1),
        "concurrent_sessions_slowest_ms": round(statistics.median(slowest[1:]) * 1000, 1),
        "concurrent_sessions_cold_ms": round(medians[0] * 1000, 1),
        "concurrent_sessions_cold_slowest_ms": round(slowest[0] * 1000, 1),
        # Where the time goes: the server's CPU seconds per round of 10 sessions, and the whole machine's
        # (Chromium renders all ten pages on the same two cores).
        "concurrent_server_cpu_s": round(statistics.median(server_cpu[1:]), 2),
        "concurrent_machine_cpu_s": round(statistics.median(machine_cpu[1:]), 2),
        "concurrent_round_wall_s": round(statistics.median(walls[1:]), 2),
        "app_peak_rss_mb": memory.get("VmHWM"),
        "app_rss_after_pages_mb": memory.get("VmRSS"),
        "overview_draws": {"charts": expected[0], "tables": expected[1], "cards": expected[2]},
    }


def _machine_busy_seconds() -> float:
    """CPU seconds all cores have been busy since boot (/proc/stat: everything but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def measure(db: Path, rounds: int) -> dict[str, object]:
    """Concurrent 总览 sessions (cold first round, then `rounds` warm ones) and the app's peak memory."""
    return asyncio.run(_measure(db, rounds))
