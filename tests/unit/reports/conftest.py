"""The demo's briefings, built and rendered once per test session: several test files read the same documents."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from rcdash.plans import seed_plan
from rcdash.reports import content, fonts
from rcdash.reports.documents import FORMATS, render
from rcdash.reports.model import Briefing
from rcdash.store.connections import connect

Rendered = tuple[Briefing, dict[str, bytes]]


@pytest.fixture(scope="session")
def demo_briefing(demo_db: Path) -> Callable[[str], Rendered]:
    """period → (the briefing under the seed plan's weights, its bytes per format); the PDF only with a CJK font."""

    @cache
    def build(period: str) -> Rendered:
        con = connect(demo_db, read_only=True)
        try:
            briefing = content.build_briefing(con, period, dict(seed_plan().weights))
        finally:
            con.close()
        formats = [f for f in FORMATS if f != "pdf" or fonts.find_cjk_font() is not None]
        return briefing, {fmt: render(briefing, fmt) for fmt in formats}

    return build
