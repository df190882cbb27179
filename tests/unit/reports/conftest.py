"""The demo's briefings, built and rendered once per test run: several test files (on different xdist workers) read
the same documents, so each period is built by the first worker that asks and read back from a pickle by the rest."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from rcdash.plans import seed_plan
from rcdash.reports import content, fonts
from rcdash.reports.documents import FORMATS, render
from rcdash.reports.model import Briefing
from rcdash.store.connections import connect
from tests.conftest import built_once

Rendered = tuple[Briefing, dict[str, bytes]]


@pytest.fixture(scope="session")
def demo_briefing(demo_db: Path, tmp_path_factory: pytest.TempPathFactory,
                  worker_id: str) -> Callable[[str], Rendered]:
    """period → (the briefing under the seed plan's weights, its bytes per format); the PDF only with a CJK font."""

    def build(period: str, path: Path) -> None:
        con = connect(demo_db, read_only=True)
        try:
            briefing = content.build_briefing(con, period, dict(seed_plan().weights))
        finally:
            con.close()
        formats = [f for f in FORMATS if f != "pdf" or fonts.find_cjk_font() is not None]
        path.write_bytes(pickle.dumps((briefing, {fmt: render(briefing, fmt) for fmt in formats})))

    @cache
    def load(period: str) -> Rendered:
        path = built_once(tmp_path_factory, worker_id, f"briefing-{period}.pickle", lambda p: build(period, p))
        return pickle.loads(path.read_bytes())

    return load
