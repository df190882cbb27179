"""The frame every page shares: title, the no-database state, the sidebar filters and the demo label."""

from __future__ import annotations

import duckdb
import streamlit as st

from rcdash import status
from rcdash.importing.kinds import KINDS
from rcdash.ui.data import cursor, database_path, db_key
from rcdash.ui.filters import Filters, sidebar_filters
from rcdash.ui.widgets import demo_banner, no_database


def _ensure_router() -> None:
    """Run through app.py even when a page is opened by its URL on a freshly started server.

    Streamlit starts in its legacy "pages/ folder" mode (file-name navigation, no page config) and leaves it
    only once some session has run st.navigation; a bookmarked /members on a fresh server would otherwise show
    the legacy page. Switching the flag and rerunning hands the request to app.py's navigation.
    """
    from streamlit.runtime.pages_manager import PagesManager  # internal: there is no public switch for this

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_start(title: str, caption: str, filters: bool = True) -> tuple[duckdb.DuckDBPyConnection, Filters | None]:
    """Title and caption; stops with an explanation when there is no database; draws the filters."""
    _ensure_router()
    st.title(title)
    st.caption(caption)
    con = cursor()
    if con is None:
        no_database(database_path())
        st.stop()
    chosen = sidebar_filters(con, db_key()) if filters else None
    demo_banner(status.demo_seed(con))
    return con, chosen


def require_data(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...], what: str) -> None:
    """Stop with a how-to when none of the record kinds a page needs has been imported."""
    if status.has_rows(con, kinds):
        return
    names = "、".join(KINDS[k].zh for k in kinds)
    st.info(f"还没有{what}数据。请数据管理员在“数据管理”页导入（数据类型：{names}），该页可下载各类数据的模板。",
            icon=":material/inbox:")
    st.stop()
