"""The frame every page shares: title, the no-database state, the sidebar filters and the demo label."""

from __future__ import annotations

import duckdb
import streamlit as st

from rcdash.records.kinds import KINDS
from rcdash.topics import status
from rcdash.ui.data import cursor, database_path, db_key, snapshot_state
from rcdash.ui.filters import Filters, data_end_notice, plan_notice, sidebar_filters
from rcdash.ui.widgets import demo_banner, no_database, outdated_database

# Streamlit's own words that no option translates, hidden or replaced by CSS (the installed files stay untouched).
UNTRANSLATED_CSS = """
/* The ⋮ menu: Print / Record screen / Settings / "Made with Streamlit". client.toolbarMode = "minimal" would hide
   it too, but also the running figure that says a page is still computing. */
[data-testid="stMainMenu"] { display: none !important; }
/* "Stop" beside that running figure. */
[data-testid="stStatusWidget"] button { font-size: 0; }
[data-testid="stStatusWidget"] button::after { content: "停止"; font-size: 0.875rem; }
/* Element toolbars (English tooltips for download, search, columns, full screen). Every table has its own
   下载 CSV / 下载 Excel buttons beneath it. */
[data-testid="stElementToolbar"] { display: none !important; }
/* A table's column menu: "Sort ascending", "Pin column", "Autosize"… */
[data-testid="stDataFrameColumnMenu"] { display: none !important; }
/* The uploader's English size-and-types line (its label says the types and the limit) and its upload button. */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "选择文件"; }
/* The keyboard users' "Skip to main content" link (shown when focused). */
[data-testid="stSkipToContent"] { font-size: 0; }
[data-testid="stSkipToContent"]::after { content: "跳到正文"; font-size: 1rem; }
"""


def untranslated_chrome() -> None:
    """Hide or replace the English parts of Streamlit's own interface (every page, the sign-in too)."""
    st.html(f"<style>{UNTRANSLATED_CSS}</style>")


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
    state = snapshot_state(db_key())
    if not state.current_schema:  # written by an older version: say how to upgrade rather than fail on a missing column
        outdated_database(database_path())
        st.stop()
    chosen = sidebar_filters(con, db_key()) if filters else None
    demo_banner(state.demo_seed)
    if chosen is not None:
        plan_notice(con, chosen)
        data_end_notice(con, db_key(), chosen)
    return con, chosen


def require_data(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...], what: str) -> None:
    """Stop with a how-to when none of the record kinds a page needs has been imported."""
    if status.has_rows(con, kinds):
        return
    names = "、".join(KINDS[k].zh for k in kinds)
    st.info(f"还没有{what}数据。请数据管理员在“数据管理”页导入（数据类型：{names}），该页可下载各类数据的模板。",
            icon=":material/inbox:")
    st.stop()
