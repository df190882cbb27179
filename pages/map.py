"""地图: townships coloured by progress against the targets, service sites by tier, click a township for its profile."""

import streamlit as st

from rcdash.ui import maps
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start, require_data
from rcdash.ui.quality import flag_note

# The figures the map colours areas and draws points by: flags under them are pointed out above it.
MAP_METRICS = ("village_branch_rate", "member_ratio", "sites_center", "sites_base", "sites_station", "sites_point")

con, filters = page_start(
    "地图",
    "规划人员用：各乡镇（街道）的建会率、会员占比和未建会村（社区），服务阵地分布与服务半径。点击地图上的乡镇查看详情；"
    "右上角可开关图层。",
)
require_data(con, ("sites", "branches"), "服务阵地或基层组织")
view, areas, shapes = maps.map_data(filters)
st.caption(f"{filters.describe()} · 目标对照{filters.plan_title}")
flag_note(db_key(), filters.as_of, filters.area, MAP_METRICS, "地图上的建会率、会员占比或阵地")
options = maps.map_controls()
left, right = st.columns([5, 2])
with left:
    maps.planner_map(view, areas, shapes, options)
with right:
    maps.township_panel(view, areas)
maps.print_downloads(view, options.metric, filters.plan.id)
maps.geography_note(view, areas, heat=True)
