"""会员与人口: adult member ratio by county and township against the chosen plan's target, members still needed,
trend, youth members."""

import streamlit as st

from rcdash.charts.overview import rate_trend
from rcdash.charts.style import CHART_CONFIG
from rcdash.charts.topics import member_count_lines, ratio_bars
from rcdash.config import CITY_CODE, CITY_NAME
from rcdash.labels import fmt_target
from rcdash.metrics.targets import TargetBook
from rcdash.reporting import drop_unreported_points
from rcdash.topics import members, overview
from rcdash.ui.cached import metrics_at, metrics_series, shared_figure, unreported_of
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start, require_data
from rcdash.ui.quality import flag_note
from rcdash.ui.widgets import download_table

con, filters = page_start("会员与人口", "成人会员占常住人口比例对照计划目标的进度：按区县、按乡镇（街道），以及还需发展的会员数。")
require_data(con, ("members",), "会员")
key, targets, year = db_key(), TargetBook.load(con, filters.plan), filters.as_of.year
target = targets.value("member_ratio", filters.area, year)
st.caption(f"{filters.describe()} · 对照{filters.plan_title}")
st.caption(members.target_text(target, targets.source("member_ratio", filters.area, year)))

unreported = unreported_of(key, filters)  # 未报送 rather than older member counts (DESIGN §9)
county_rows = metrics_at(key, filters.as_of, "county")
counties = members.member_table(county_rows, targets, year, unreported)
st.subheader("各区、县（市）")
left, right = st.columns([3, 2])
left.plotly_chart(shared_figure(ratio_bars, counties[counties["层级"] == "county"], target, "成人会员占常住人口比例"),
                  config=CHART_CONFIG)
shown = members.display_table(counties)
area_row = shown[counties["代码"] == filters.area].iloc[0]
right.metric(f"{filters.county_name}成人会员", members.count_text(area_row["成人会员"]), help="各区划最近一次会员快照之和")
right.metric(f"{filters.county_name}还需发展会员", members.count_text(area_row["还需发展会员"], " 人"),
             help=f"达到常住人口 {fmt_target(target)} 还差的人数" if target is not None else "所选计划没有会员占比目标")
right.metric(f"{filters.county_name}青少年会员", members.count_text(area_row["青少年会员"]))
with right:
    if note := members.unreported_note(counties, filters.area, unreported, filters.period.label):
        st.caption(note)
    flag_note(key, filters.as_of, filters.area, ("adult_members", "member_ratio"), f"{filters.county_name}的会员数")
download_table(shown, "会员_区县")

st.subheader(f"乡镇（街道）{'· ' + filters.county_name if filters.county else ''}")
townships = members.member_table(metrics_at(key, filters.as_of, "township"), targets, year, unreported)
townships = townships[townships["层级"] == "township"]
if filters.county:
    townships = townships[townships["代码"].str.startswith(filters.county)]
st.caption("乡镇（街道）没有自己的人口或会员数据时显示“无数据”；可由数据管理员导入乡镇级常住人口和会员数据。")
download_table(members.display_table(members.by_ratio(townships)), "会员_乡镇")

st.subheader("趋势")
monthly = metrics_series(key, tuple(overview.month_points(filters.as_of, filters.trend_start)), "county")
if filters.county:
    monthly = monthly[monthly["code"].isin([filters.county, CITY_CODE])]
# A county that has not sent this period's members: its lines stop at its last report (DESIGN §9).
monthly = drop_unreported_points(monthly, ("adult_members", "member_ratio"), unreported, filters.period.start)
st.plotly_chart(shared_figure(rate_trend, overview.trend_frame(monthly, "member_ratio"), None, target, "成人会员占比（月末）",
                              CITY_NAME, target_label=targets.source("member_ratio", filters.area, year)),
                config=CHART_CONFIG)
if note := overview.trend_note(county_rows, filters.area, unreported, ("adult_members",)):
    st.caption(note)
youth = monthly[monthly["code"] == filters.area][["as_of", "adult_members", "youth_members"]]
st.plotly_chart(shared_figure(member_count_lines, youth, f"{filters.county_name}成人会员与青少年会员（月末）"),
                config=CHART_CONFIG)
