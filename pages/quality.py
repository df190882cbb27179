"""数据质量: figures that cannot be right — counts per check and county, the flag list with links to the import log,
已核实 for admins, and which divisions have data each month."""

import streamlit as st

from rcdash.topics import quality as topic
from rcdash.ui import quality
from rcdash.ui.auth import current_user
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start

con, filters = page_start(
    "数据质量",
    "在领导看到数字之前，找出看起来不可能对的数据：会员数骤降或超过人口一成、长期未更新、参与人数异常、"
    "阵地坐标不在所属区县、日期晚于报送日、名称疑似重复。每条问题都链接到带来它的那次导入。",
)
key = db_key()
st.caption(filters.describe())
names = topic.county_names(con)
found = quality.issues_at(key, filters.as_of, filters.county)
if found.empty:
    st.info("截至统计日没有发现数据质量问题。导入新数据后，这里会列出需要核实的数据。", icon=":material/task_alt:")
else:
    quality.summary(found, {c: n for c, n in names.items() if filters.county in (None, c)})  # the chosen county's column
    quality.flag_list(found, names)
    user = current_user()
    quality.verify_form(found, user if user is not None and user.is_admin else None)
    if user is None or not user.is_admin:
        st.caption("管理员登录后可把核实过的问题标记为“已核实”并写明核实说明（在“数据管理”页登录）。")
st.subheader("数据完整性")
quality.completeness_grid(key, filters.as_of, filters.county)
