"""品牌展示: the 一地一品 gallery — filters and search, a project's detail, slides and photo exports."""

import streamlit as st

from rcdash.ui import gallery
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start, require_data

con, filters = page_start(
    "品牌展示",
    "“一地一品”品牌项目：按类别、标签筛选或搜索，查看项目详情，导出 PPT 或照片包用于宣传。",
)
require_data(con, ("brands",), "一地一品")

key = db_key()
projects = gallery.gallery_frame(key, filters.as_of, filters.county)
if projects.empty:
    st.info(f"{filters.county_name}截至 {filters.as_of:%Y-%m-%d} 还没有已启动的一地一品项目。"
            "可在侧栏换一个区县或更晚的统计日；新项目由数据管理员在“数据管理”页导入。", icon=":material/inbox:")
    st.stop()

kept = gallery.filter_bar(projects)
st.caption(f"{filters.county_name} · 截至 {filters.as_of:%Y-%m-%d} 已启动的项目共 {len(projects)} 个"
           f"（与“一地一品”指标同一口径），当前显示 {len(kept)} 个；点“查看详情”看项目全文。")
if kept.empty:
    st.info("没有符合条件的项目，请减少筛选条件或换一个搜索词。", icon=":material/search_off:")
    st.stop()

gallery.cards(kept)

st.subheader("导出")
gallery.exports(key, kept, filters.as_of, filters.county, filters.county_name)
