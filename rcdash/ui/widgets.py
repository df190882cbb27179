"""Small shared widgets: demo label, empty states, downloadable tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rcdash import config
from rcdash.labels import NO_DATA, column_kinds, fmt_kind, fmt_plain, grid_format
from rcdash.reports.tables import csv_bytes, xlsx_bytes


def demo_banner(seed: str | None) -> None:
    """Label generated demo data wherever it is shown."""
    if seed is not None:
        st.warning(f"**示例数据**：当前数据库是自动生成的演示数据（种子 {seed}），不是真实统计。", icon=":material/science:")


def no_database(path: object) -> None:
    """The empty state when no database exists yet: how to create one and load data."""
    st.info(
        f"还没有数据库（{path}）。\n\n"
        "- 试用：在项目目录运行 `make run`，会自动生成**示例数据**库；\n"
        "- 正式使用：运行 `python -m rcdash init` 新建空库，再用 `python -m rcdash template KIND --out 模板.xlsx` "
        "取得模板，填好后 `python -m rcdash import KIND 文件.xlsx` 导入。",
        icon=":material/info:",
    )


def outdated_database(path: object) -> None:
    """The state when the database was written by an older version: one command brings it up to date."""
    st.warning(
        f"数据库（{path}）由旧版本生成，缺少本版本需要的表，暂时无法显示。\n\n"
        "请数据管理员在项目目录运行 `python -m rcdash init`（或重新 `make run`）升级数据库：已导入的数据不会改变。",
        icon=":material/update:",
    )


ROW_PX, HEADER_PX = 35, 38  # Streamlit's data-grid row and header heights
LINE_PX = 20  # one more line of wrapped text in a grid row
MAX_ROWS_UNSCROLLED = 15  # longer tables scroll inside the grid


def _has_text(column: pd.Series) -> bool:
    """Whether a column holds any text (a grid column of numbers cannot show it)."""
    return bool(column.map(lambda v: isinstance(v, str)).any())


def number_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, object]]:
    """The frame as the grid shows it and the grid formats of its numeric columns, by the product's rule (1,038,480
    · 61,124.85 · 48.8%); the values stay numbers, so the columns sort as numbers."""
    shown, config = frame, {}
    kinds = column_kinds(frame)
    for name in frame.columns:  # text among numbers without a kind (年度工作评价's 未报送): all of it as text
        if name not in kinds and frame[name].dtype == object and _has_text(frame[name]):
            shown = shown.assign(**{name: frame[name].map(fmt_plain)})
    for name, (kind, digits) in kinds.items():
        if _has_text(frame[name]):  # a county's 未报送 (DESIGN §9): the column reads as text
            shown = shown.assign(**{name: frame[name].map(lambda v, k=kind, d=digits: fmt_kind(v, k, d))})
            continue
        number_format, factor = grid_format(kind, digits)
        if factor != 1.0:
            shown = shown.assign(**{name: pd.to_numeric(shown[name], errors="coerce") * factor})
        config[name] = st.column_config.NumberColumn(format=number_format)
    return shown, config


def download_table(frame: pd.DataFrame, stem: str, key: str | None = None, lines: int = 1,
                   text_px: int | None = None) -> None:
    """A table with CSV and XLSX download buttons beneath it; numbers formatted, missing values read 无数据.

    lines > 1 and text_px: rows that tall with their text wrapped, the first column narrow and the other text
    columns text_px wide, so a table of long texts (reasons) shows every column instead of cutting them off.
    """
    row_px = ROW_PX + (lines - 1) * LINE_PX
    height = min(max(len(frame), 1), MAX_ROWS_UNSCROLLED) * row_px + HEADER_PX
    shown, columns = number_columns(frame)
    if text_px is not None:
        columns |= {name: st.column_config.TextColumn(width="small" if i == 0 else text_px)
                    for i, name in enumerate(frame.columns) if name not in columns}
    st.dataframe(shown, hide_index=True, width="stretch", height=height, column_config=columns, placeholder=NO_DATA,
                 row_height=row_px)
    download_buttons(frame, stem, key)


def download_buttons(frame: pd.DataFrame, stem: str, key: str | None = None) -> None:
    """CSV and XLSX download buttons for a table shown elsewhere."""
    row = st.container(horizontal=True)
    # The files are made when a button is clicked, not on every run: writing XLSX is the slowest thing a page
    # would otherwise do, for downloads that are seldom taken.
    row.download_button("下载 CSV", lambda: csv_bytes(frame), f"{stem}.csv", "text/csv", key=f"{key or stem}-csv",
                         icon=":material/download:")
    row.download_button("下载 Excel", lambda: xlsx_bytes(frame, stem), f"{stem}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key or stem}-xlsx", icon=":material/download:")


def db_caption() -> None:
    """Which database the page reads."""
    st.caption(f"数据库：{config.db_path()}")
