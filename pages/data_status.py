"""数据概况: what data is loaded — rows per kind, date span, coverage, recent imports."""

import streamlit as st

from rcdash.labels import LEVEL_LABELS
from rcdash.topics import status
from rcdash.ui.page import page_start
from rcdash.ui.widgets import download_table

con, _ = page_start("数据概况", "当前数据库中已载入的数据：每类记录的行数、时间范围、覆盖的区划，以及最近的导入。", filters=False)

counts = status.reference_counts(con)
st.subheader("区划参考数据")
cols = st.columns(len(LEVEL_LABELS))
for col, (level, label) in zip(cols, LEVEL_LABELS.items(), strict=True):
    col.metric(label, f"{counts.get(level, 0):,}")
st.caption("国家统计局 2023 年统计用区划代码（绍兴市）。")

summary = status.kind_summary(con)
st.subheader("业务数据")
if not status.has_imported_data(con):
    st.info(
        "数据库里还没有任何业务数据（只有区划参考数据和 2020 年普查人口）。\n\n"
        "导入方法：在“数据管理”页下载模板，填写后上传；系统先校验、后导入。",
        icon=":material/inbox:",
    )
download_table(summary, "数据概况")

st.subheader("最近的导入")
imports = status.recent_imports(con)
if imports.empty:
    st.info("还没有导入记录。", icon=":material/history:")
else:
    download_table(imports, "导入记录")
