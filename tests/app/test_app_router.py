"""AppTest of app.py: page config and navigation run, the default page renders."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.config import REPO_ROOT


def test_router_renders_default_page(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    monkeypatch.setenv("RCDASH_DB", str(db_file))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "数据概况"
