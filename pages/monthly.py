"""月度主题: one month for the monthly theme meeting — weeks with and without activity, each county's theme."""

import streamlit as st

from rcdash.topics import monthly
from rcdash.ui import monthly as ui
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start, require_data
from rcdash.ui.widgets import download_table

con, filters = page_start(
    "月度主题",
    "“周周有声音、月月有主题”：选一个月，看各地每周是否有活动、是否开展了月度主题活动，并与上月比较；一键下载例会简报。",
)
require_data(con, ("activities",), "活动")

key = db_key()
left, right = st.columns([1, 2], vertical_alignment="bottom")
with left:
    month = ui.pick_month(key, filters)
view = ui.view_of(key, month, filters.as_of, filters.county)
with right:
    ui.brief_buttons(key, view, filters.county)
st.caption(f"{view.area_name} · {view.window.label}"
           + (f"（活动数据截至 {view.window.data_end:%Y-%m-%d}）" if view.window.data_cut
              else f"（截至统计日 {filters.as_of:%Y-%m-%d}）" if view.window.in_progress else "")
           + f" · 与{view.previous.label}比较")

ui.headline_cards(view)

st.subheader("周周有声音：每周活动数")
ui.week_grid(view)
with st.expander("表格与下载"):
    download_table(monthly.grid_table(view), f"每周活动_{view.area_name}_{view.window.start:%Y-%m}", key="grid")

st.subheader("月月有主题：各区县月度主题活动")
ui.themes(view)

st.subheader(f"与上月（{view.previous.label}）比较")
download_table(monthly.comparison_table(view), f"与上月比较_{view.area_name}_{view.window.start:%Y-%m}", key="comparison")

st.subheader("本月活动清单")
if view.window.no_data:
    st.info(f"{view.area_name} {view.window.label}：{view.window.no_data_text()}。", icon=":material/event_busy:")
elif view.activities.empty:
    st.info(f"{view.area_name} {view.window.label}没有活动记录。", icon=":material/event_busy:")
else:
    kept = ui.activity_filters(view)
    st.caption(f"共 {len(view.activities)} 项，筛选后 {len(kept)} 项。")
    download_table(monthly.activities_table(kept), f"活动清单_{view.area_name}_{view.window.start:%Y-%m}", key="activities")
