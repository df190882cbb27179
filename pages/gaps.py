"""覆盖缺口: townships ranked by gap, and where new service stations would cover the most people."""

import streamlit as st

from rcdash.ui import maps
from rcdash.ui.page import page_start, require_data

con, filters = page_start(
    "覆盖缺口",
    "规划人员用：哪些乡镇（街道）最落后——未建会的村（社区）、没有服务站的乡镇人口、距目标还差的成人会员；"
    "以及下一步在哪里建服务站能覆盖最多的人。",
)
require_data(con, ("sites", "branches"), "服务阵地或基层组织")
view, areas, shapes = maps.map_data(filters)
st.caption(f"{filters.describe()} · 目标对照{filters.plan_title}")

st.subheader("各乡镇（街道）缺口排名")
maps.gap_ranking(view, filters)

st.subheader("下一步在哪里建服务站")
maps.build_next(view, areas, shapes, filters)
maps.geography_note(view, areas)
