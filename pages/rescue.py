"""三救三献: monthly figures by county and category, year-on-year comparison, totals for the period."""

import streamlit as st

from rcdash.charts.style import CHART_CONFIG
from rcdash.charts.topics import monthly_lines
from rcdash.topics import rescue
from rcdash.ui.page import page_start, require_data
from rcdash.ui.widgets import download_table

con, filters = page_start("三救三献", "应急救援、应急救护、人道救助，无偿献血、造血干细胞捐献、遗体和人体器官捐献：各区县每月数字。")
require_data(con, ("rescue_stats",), "三救三献")
period = filters.period
st.caption(f"{filters.describe()}；本期 = 报告期内已开始的月份（{period.start:%Y-%m} 至 {period.end:%Y-%m}），上年同期为一年前的相同月份。")

current = rescue.monthly(con, period.start, period.end, filters.county)
previous = rescue.monthly(con, rescue.year_earlier(period.start), rescue.year_earlier(period.end), filters.county)
names = list(dict.fromkeys(current["county_name"])) or ([filters.county_name] if filters.county else [])

st.subheader("本期合计与同比")
totals = rescue.period_totals(current, previous, names)
if current.empty:
    st.info(f"报告期 {period.label} 内还没有三救三献数据（可能尚未导入该期的月度报表）。", icon=":material/inbox:")
download_table(totals, f"三救三献_{period.label}")

st.subheader("月度走势")
category = st.selectbox("类别", list(rescue.CATEGORIES.values()), index=2)
history = rescue.long_form(rescue.monthly(con, rescue.year_earlier(period.start), period.end, filters.county))
chosen = history[history["category"] == category]
st.plotly_chart(monthly_lines(chosen, f"{category}（上年同期起按月）", y_title=category), config=CHART_CONFIG)
download_table(rescue.month_table(chosen), "三救三献_月度")
