"""队伍与志愿者: teams per county against the 1 rescue team + 3 × 20 volunteers rule, party coverage, team list."""

import streamlit as st

from rcdash.charts.style import CHART_CONFIG
from rcdash.charts.topics import stacked_bars
from rcdash.config import CITY_CODE
from rcdash.metrics.targets import TargetBook
from rcdash.topics import teams
from rcdash.ui.cached import metrics_at, unreported_of
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start, require_data
from rcdash.ui.widgets import download_table

con, filters = page_start("队伍与志愿者", "各区、县（市）的应急救援队、特色志愿队与注册志愿者，对照所选计划的要求。")
require_data(con, ("teams",), "队伍")
targets, year = TargetBook.load(con, filters.plan), filters.as_of.year
st.caption(f"{filters.describe()} · 对照{filters.plan_title}")

key = db_key()
unreported = unreported_of(key, filters)  # 未报送 rather than an older team register (DESIGN §9)
metrics = metrics_at(key, filters.as_of, "county")
all_teams = teams.team_list(con, filters.as_of, CITY_CODE)
per_county = teams.county_team_table(metrics, all_teams, targets, year, unreported)
st.subheader("各区、县（市）对照计划要求")
st.caption(teams.requirement_text(targets, year))
download_table(per_county, "队伍_区县")

owing = teams.owing_names(metrics, unreported)
charted = teams.reported_only(all_teams, owing)
if not charted.empty:  # every county owing its register: no chart of older ones, the note says why
    left, right = st.columns(2)
    left.plotly_chart(stacked_bars(teams.team_counts(charted), "区县", "size", "类型", "在册队伍数", y_title="队伍（支）"),
                      config=CHART_CONFIG)
    volunteer_chart = stacked_bars(teams.volunteers_by_party(charted), "区县", "注册志愿者", "队伍",
                                   "注册志愿者（按队伍是否建党组织）", y_title="注册志愿者（人）")
    right.plotly_chart(volunteer_chart, config=CHART_CONFIG)
if note := teams.chart_note(owing, filters.period.label):
    st.caption(note)

st.subheader("队伍名单")
area_teams = teams.teams_in(all_teams, filters.county_name if filters.county else None)
c1, c2, c3 = st.columns([2, 1, 2])
kinds = c1.multiselect("类型", ["应急救援队", "志愿服务队"], default=["应急救援队", "志愿服务队"])
party_only = c2.toggle("只看建立党组织的")
text = c3.text_input("搜索名称或专业特长", placeholder="如：水上救援")
shown = teams.filter_teams(area_teams, kinds, party_only, text)
st.caption(f"{filters.county_name}：共 {len(shown)} 支（统计日在册）")
if note := teams.list_note(metrics, filters.area, unreported, filters.period.label):
    st.caption(note)
download_table(shown, "队伍名单")
