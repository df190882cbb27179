"""Screenshot pages of a running app in headless Chromium: `python scripts/screenshot.py URL OUT.png [--wait S]`."""

from __future__ import annotations

import argparse

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]


def main() -> None:
    """Open the URL, wait for Streamlit to finish running, save a tall screenshot."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--wait", type=float, default=4.0, help="extra seconds after the app stops running")
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--width", type=int, default=1400)
    args = parser.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height}, locale="zh-CN")
        page.goto(args.url)
        page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
        page.wait_for_timeout(1500)
        # Streamlit shows its status widget while a script runs.
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
        page.wait_for_timeout(args.wait * 1000)
        page.screenshot(path=args.out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
