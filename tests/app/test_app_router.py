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
    assert at.title[0].value == "总览"
    assert "还没有计划进展数据" in at.info[0].value


def test_filters_follow_the_user_across_pages(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    monkeypatch.setenv("RCDASH_DB", str(demo_db))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.selectbox(key="filter_county").set_value("330683").run()
    at.radio(key="filter_mode").set_value("指定日期").run()
    at.switch_page("pages/members.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "会员与人口"
    assert at.selectbox(key="filter_county").value == "330683"
    assert at.radio(key="filter_mode").value == "指定日期"
    assert "嵊州市" in at.caption[1].value
