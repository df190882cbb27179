"""基层组织与博爱基金: branches by level over time, party building per county, village humanity funds."""

import streamlit as st

from rcdash.charts.style import CHART_CONFIG
from rcdash.charts.topics import stacked_bars
from rcdash.labels import county_names, fmt_money
from rcdash.topics import organisation, overview
from rcdash.ui.cached import metrics_at, unreported_of
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start, require_data
from rcdash.ui.widgets import download_table

con, filters = page_start("基层组织与博爱基金", "各层级红十字基层组织、区县党建情况，以及村级博爱基金的筹款、支出与公开。")
require_data(con, ("branches", "party", "funds"), "基层组织、党建或博爱基金")
st.caption(filters.describe())
key = db_key()
unreported = unreported_of(key, filters)  # 未报送 rather than an older branch or team register (DESIGN §9)
metrics = metrics_at(key, filters.as_of, "county")
names = county_names(metrics)

st.subheader("基层组织（按层级）")
points = overview.half_year_points(filters.as_of, filters.trend_start)
by_level = organisation.branches_by_level(con, points)
over_time = organisation.level_totals(organisation.chart_frame(by_level, filters.period.start, filters.county, unreported))
st.plotly_chart(stacked_bars(over_time, "半年末", "branches", "level", f"{filters.county_name}在册基层组织（各半年末）",
                             organisation.LEVEL_ORDER, y_title="基层组织（个）"), config=CHART_CONFIG)
if note := organisation.branch_note(names, filters.area, unreported, filters.period.label):
    st.caption(note)
shown = {filters.county: filters.county_name} if filters.county else names
download_table(organisation.level_matrix(by_level, filters.as_of, shown, unreported), "基层组织_层级")

st.subheader("党建")
st.caption("区、县（市）红十字会党组与党组书记（取统计日前最近一次报告），以及应急救援队建立党组织情况。")
download_table(organisation.party_table(con, filters.as_of, metrics, unreported, filters.county), "党建")

st.subheader("博爱基金")
funds = organisation.fund_list(con, filters.as_of, filters.area)
if funds.empty:
    st.info("统计日前还没有博爱基金记录。", icon=":material/inbox:")
else:
    overdue = int((funds["公开情况"] == organisation.OVERDUE).sum())
    c1, c2, c3 = st.columns(3)
    c1.metric("博爱基金", f"{len(funds):,} 个")
    c2.metric("累计筹款", fmt_money(funds["累计筹款（元）"].sum()))
    c3.metric("超过 12 个月未公开", f"{overdue} 个", help="最近一次公开已满 12 个月；从未公开的，设立已满 12 个月")
    download_table(organisation.fund_totals(funds), "博爱基金_区县")
    only_overdue = st.toggle("只看超过 12 个月未公开的基金", value=overdue > 0)
    download_table(organisation.overdue_only(funds) if only_overdue else funds, "博爱基金名单")
