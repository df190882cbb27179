"""Widgets of the 品牌展示 page: filters, the card gallery, a project's detail and the exports."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from rcdash.reports.brand_pptx import brands_pptx
from rcdash.store import media
from rcdash.topics import brands, status
from rcdash.ui.data import shared_cursor
from rcdash.ui.text import escape_markdown

PAGE_SIZE = 12  # cards per gallery page: three rows of four
GRID_COLUMNS = 4
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@st.cache_data(show_spinner="正在读取品牌项目…", max_entries=32)
def gallery_frame(db_key: str, as_of: date, county: str | None) -> pd.DataFrame:
    """The projects started by the as-of date, in one county or all."""
    return brands.gallery(shared_cursor(db_key), as_of, county)


@st.cache_data(show_spinner=False, max_entries=512)
def _card(path: str | None, mtime_ns: int) -> bytes:
    """A card-shaped JPEG of a stored photo, or the placeholder (cached per file version)."""
    return media.card_jpeg(Path(path) if path else None)


def card_image(path: str | None) -> bytes:
    """The card picture of a project (the placeholder when its photo file is missing)."""
    if not isinstance(path, str):
        path = None
    try:
        mtime = Path(path).stat().st_mtime_ns if path else 0
    except OSError:
        path, mtime = None, 0
    return _card(path, mtime)


@st.cache_data(show_spinner="正在生成 PPT…", max_entries=8)
def pptx_bytes(db_key: str, as_of: date, county: str | None, keys: tuple[str, ...], area_name: str) -> bytes:
    """The slides of the chosen projects."""
    frame = gallery_frame(db_key, as_of, county)
    demo = status.demo_seed(shared_cursor(db_key)) is not None
    return brands_pptx(frame[frame["key"].isin(keys)], area_name, as_of, demo)


@st.cache_data(show_spinner="正在打包照片…", max_entries=8)
def zip_bytes(db_key: str, as_of: date, county: str | None, keys: tuple[str, ...]) -> bytes:
    """The photos of the chosen projects with a captions CSV."""
    frame = gallery_frame(db_key, as_of, county)
    return brands.photos_zip(frame[frame["key"].isin(keys)])


def filter_bar(frame: pd.DataFrame) -> pd.DataFrame:
    """Category and tag filters and a text search; returns the projects kept."""
    cols = st.columns([2, 2, 3])
    chosen_categories = cols[0].multiselect("项目类别", brands.categories(frame), key="brand_categories", placeholder="全部类别")
    chosen_tags = cols[1].multiselect("标签", brands.tags(frame), key="brand_tags", placeholder="全部标签")
    text = cols[2].text_input("搜索", key="brand_search", placeholder="项目名称、简介、标签或区县，多个词用空格分开")
    return brands.filter_brands(frame, chosen_categories, chosen_tags, text)


def cards(frame: pd.DataFrame) -> None:
    """The gallery: a card per project (photo, name, county, category, years, beneficiaries, tags), paginated."""
    pages = max(1, math.ceil(len(frame) / PAGE_SIZE))
    page = 1
    if pages > 1:
        left, right = st.columns([3, 1], vertical_alignment="center")
        with left:
            page = st.pagination(pages, key="brand_page")
        right.caption(f"第 {page} / {pages} 页，每页 {PAGE_SIZE} 个")
    shown = frame.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    with st.grid(GRID_COLUMNS, gap="medium"):
        for _, row in shown.iterrows():
            with st.container(border=True, height="stretch"):  # cards of a row share its height
                st.image(card_image(row["photo_path"]), width="stretch")  # the placeholder says 暂无照片
                st.markdown(f"**{escape_markdown(brands.clean_text(row['name']))}**")
                st.text(f"{brands.clean_text(row['county_name'])} · {brands.clean_text(row['category']) or '类别未填'}")
                st.text(row["years"])
                st.text(f"受益人数：{brands.beneficiaries_text(row['beneficiaries'])}")
                if row["tag_list"]:
                    st.text("标签：" + "、".join(row["tag_list"]))
                st.space("stretch")  # the buttons line up at the cards' bottom edge
                if st.button("查看详情", key=f"detail-{row['key']}", icon=":material/open_in_full:", width="stretch"):
                    detail(row)


@st.dialog("项目详情", width="large")
def detail(row: pd.Series) -> None:
    """One project in full: large photo, every field, the description as plain text."""
    st.markdown(f"### {escape_markdown(brands.clean_text(row['name']))}")
    left, right = st.columns([3, 2], gap="medium")
    left.image(card_image(row["photo_path"]), width="stretch")
    with right:
        for label, value in brands.detail_fields(row):
            st.text(f"{label}：{value}")
    st.markdown("**项目简介**")
    st.text(brands.clean_text(row["description"]) or "（未填写）")  # shown as text: never HTML or Markdown


def exports(db_key: str, frame: pd.DataFrame, as_of: date, county: str | None, area_name: str) -> None:
    """Choose projects and download them as slides (PPTX) or as photos with captions (ZIP)."""
    names = dict(zip(frame["key"], frame["county_name"] + " · " + frame["name"].map(brands.clean_text), strict=True))
    chosen = st.multiselect("选择要导出的项目（默认为当前筛选结果）", list(frame["key"]), default=list(frame["key"]),
                            format_func=names.get, key="brand_export")
    if not chosen:
        st.info("请至少选择一个项目。", icon=":material/checklist:")
        return
    keys = tuple(chosen)
    stem = f"一地一品_{area_name}_{as_of:%Y%m%d}"
    left, right, _ = st.columns([1, 1, 2])
    # Made when a button is clicked (and then cached), not on every visit: slides and photos take seconds.
    left.download_button(f"下载 PPT（{len(keys)} 页项目）", lambda: pptx_bytes(db_key, as_of, county, keys, area_name),
                         f"{stem}.pptx", PPTX_MIME, icon=":material/slideshow:", on_click="ignore", width="stretch",
                         type="primary")
    right.download_button("下载照片包（ZIP + 说明）", lambda: zip_bytes(db_key, as_of, county, keys), f"{stem}_照片.zip",
                          "application/zip", icon=":material/photo_library:", on_click="ignore", width="stretch")
    st.caption("PPT：封面加每个项目一页（照片与文字，中文字体微软雅黑）。照片包：各项目照片和“说明.csv”（一地一品导入模板的列），"
               "可直接作为导入包重新导入。没有照片的项目只出现在说明中。")
