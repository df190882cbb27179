"""报送情况: for a month or half-year, which county has reported what — on time, late or missing (DESIGN §9)."""

from datetime import date

import streamlit as st

from rcdash.labels import fmt_rate
from rcdash.plans import default_plan
from rcdash.reporting import duties, reporting_view
from rcdash.topics import reporting as topic
from rcdash.ui import reporting as ui
from rcdash.ui import submissions
from rcdash.ui.auth import current_user
from rcdash.ui.page import page_start
from rcdash.ui.widgets import download_table

con, _ = page_start("报送情况", "各区、县（市）按报送日历应报的数据：按时、逾期还是未报送，及时率与完整率，以及需要催报的清单。",
                    filters=False)
today = date.today()
plan = default_plan(con, today)
calendar = duties(plan)
if not calendar:
    st.info(f"计划“{plan.name}”的报送日历没有任何应报数据（[reporting] 中各类型均为 none），本页无可显示的内容。",
            icon=":material/event_available:")
    st.stop()

period = ui.pick_period(con, calendar, today)
view = reporting_view(con, default_plan(con, period.end), period, today)
timeliness, completeness = view.rates
stem = f"报送情况_{period.label}"
if not topic.has_imports(con):
    st.info("还没有导入任何数据，所以每个区县的每一项都是“未报送”。数据管理员在“数据管理”页导入，"
            "或区县用户报送并经审核后，这里会按收到的时间显示按时或逾期。", icon=":material/inbox:")
if not view.duties:
    st.info(f"{period.zh}不需报送任何数据：按半年报送的数据只在 6 月和 12 月应报，按月的数据本日历未设置。",
            icon=":material/event_available:")
else:
    cards = st.columns(3)
    cards[0].metric("全市及时率", fmt_rate(timeliness), help="按时的期数 ÷ 应报期数")
    cards[1].metric("全市完整率", fmt_rate(completeness), help="已报（按时 + 逾期）的期数 ÷ 应报期数")
    overdue = topic.overdue_table(view)
    cards[2].metric("待催报", f"{len(overdue)} 项", help="已过截止日仍未收到的区县 × 数据类型 × 期")

    st.subheader(f"{period.zh}各区县报送状态")
    st.caption(f"截至 {today:%Y-%m-%d}。✓ 按时 · ⚠ 逾期 · ✗ 未报送 · … 未到期；格中日期为首次收到该期数据的日期，"
               "截止日见列名；按月报送的数据在半年中有 6 期，格中写出缺报的月份或逾期、按时的期数。")
    text, codes = topic.status_grid(view)
    ui.status_grid(text, codes, stem)

    st.subheader("及时率与完整率")
    download_table(topic.rates_table(view), f"{stem}_及时率与完整率", key="reporting-rates")

    st.subheader("需要催报")
    if overdue.empty:
        st.success(f"{period.zh}没有已过截止日仍未报送的数据。", icon=":material/task_alt:")
    else:
        st.caption("已过截止日仍未收到的数据，逾期最久的在前；下载后可发给各区县。")
        download_table(overdue, f"{stem}_催报清单", key="reporting-overdue")

st.subheader("区县报送与审核")
submissions.submissions_panel(current_user())  # admins review pending submissions here too, counties see their own

with st.expander("规则说明", expanded=not topic.has_imports(con)):
    st.markdown(topic.rules_text(calendar))
