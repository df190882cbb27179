"""Helpers for AppTests of pages: run a page against a database, optionally with a county chosen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.config import REPO_ROOT
from rcdash.ui.filters import SHADOW_PREFIX

PAGE_TIMEOUT_S = 120  # the first run computes the metrics series on a 2-core machine


def run_page(monkeypatch: pytest.MonkeyPatch, name: str, db: Path, county: str | None = None,
             as_of: date | None = None, plan: str | None = None) -> AppTest:
    """Run pages/<name>.py against a database; choose a plan, a county or a date through the sidebar filters.

    A plan is chosen before the first run (as a user's earlier choice kept in the session), so the page runs once
    under it rather than first under the default plan.
    """
    monkeypatch.setenv("RCDASH_DB", str(db))
    at = AppTest.from_file(str(REPO_ROOT / "pages" / f"{name}.py"), default_timeout=PAGE_TIMEOUT_S)
    if plan is not None:
        at.session_state[SHADOW_PREFIX + "filter_plan"] = plan
    at.run()
    if county is not None:
        at.selectbox(key="filter_county").set_value(county).run()
    if as_of is not None:
        at.radio(key="filter_mode").set_value("指定日期").run()
        at.date_input(key="filter_date").set_value(as_of).run()
    assert not at.exception, at.exception
    return at


def run_page_once(monkeypatch: pytest.MonkeyPatch, name: str, db: Path, county: str | None = None,
                  as_of: date | None = None, state: dict[str, object] | None = None) -> AppTest:
    """Run pages/<name>.py once, its county and date (and any widget `state`) chosen beforehand, as a user's choices
    kept from an earlier page, so a case costs one run rather than one per filter changed."""
    from rcdash.ui.filters import MODE_DATE

    monkeypatch.setenv("RCDASH_DB", str(db))
    at = AppTest.from_file(str(REPO_ROOT / "pages" / f"{name}.py"), default_timeout=PAGE_TIMEOUT_S)
    if county is not None:
        at.session_state[SHADOW_PREFIX + "filter_county"] = county
    if as_of is not None:
        at.session_state[SHADOW_PREFIX + "filter_mode"] = MODE_DATE
        at.session_state[SHADOW_PREFIX + "filter_date"] = as_of
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """All markdown, captions, infos and titles of a run, joined (for 'does the page say X' checks)."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)
