"""总览: progress against the plan's targets — cards, compliance matrix, rate trends, annual evaluation."""

import streamlit as st

from rcdash.charts.overview import compliance_heatmap, ranking_bar, rate_trend
from rcdash.charts.style import CHART_CONFIG
from rcdash.config import CITY_CODE, CITY_NAME, evaluation_weights
from rcdash.metrics.definitions import METRIC_BY_NAME
from rcdash.metrics.targets import TargetBook
from rcdash.topics import overview
from rcdash.ui.cached import kpi_report, metrics_at, metrics_series, shared_figure, unreported_of
from rcdash.ui.cards import kpi_card_grid
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start, require_data
from rcdash.ui.quality import flag_note
from rcdash.ui.widgets import download_table

# Six rule columns of reasons side by side at 1400 px: the longest reason (a shortfall with its target) takes 5 lines.
REASON_LINES, REASON_PX = 5, 135

con, filters = page_start("总览", "侧栏所选计划各项目标的完成情况：悬停卡片上的 ⓘ 查看指标定义与统计日。")
require_data(con, ("branches", "members", "sites", "teams", "activities", "brands"), "计划进展")
key = db_key()
plan = filters.plan
targets = TargetBook.load(con, plan)
now = metrics_at(key, filters.as_of, "county")
series = metrics_series(key, tuple(overview.half_year_points(filters.as_of, filters.trend_start)), "county")
report = kpi_report(key, filters.as_of, plan.id, "county")
unreported = unreported_of(key, filters)  # the 未报送 rule (DESIGN §9): what each county has not sent for the period

st.subheader(f"{filters.county_name} · 计划目标")
st.caption(f"{filters.describe()} · 对照{filters.plan_title}")
kpi_card_grid(overview.kpi_cards(series, filters.area, targets, now, unreported, filters.period.label),
              note=lambda card: flag_note(key, filters.as_of, filters.area, (card.metric,)))

st.subheader("区县达标情况")
st.caption("每个区、县（市）对照计划要求逐项判定，未达标项多的排在前面；悬停查看原因和还差多少。"
           "“未报送”：该区县本期应报的数据还没有收到（见“报送情况”页），此项不按旧数据判定。")
statuses, reasons = overview.compliance_matrix(report, unreported, filters.period)
st.plotly_chart(shared_figure(compliance_heatmap, statuses, reasons), config=CHART_CONFIG)
download_table(reasons.reset_index(names="区县"), "区县达标情况", lines=REASON_LINES, text_px=REASON_PX)

st.subheader("建会率与会员占比走势")
monthly = metrics_series(key, tuple(overview.month_points(filters.as_of, filters.trend_start)), "county")
if filters.county:
    monthly = monthly[monthly["code"].isin([filters.county, CITY_CODE])]
left, right = st.columns(2)
for column, metric in zip((left, right), overview.TREND_METRICS, strict=True):
    figure = shared_figure(
        rate_trend,
        overview.trend_frame(monthly, metric, unreported, filters.period.start),
        overview.projection_frame(report, metric, unreported),
        overview.plan_end_target(targets, metric, filters.area), METRIC_BY_NAME[metric].zh, CITY_NAME,
        stages=overview.stage_marks(targets, metric, filters.area), target_label="计划末目标",
    )
    column.plotly_chart(figure, config=CHART_CONFIG)
st.caption(overview.target_caption(targets, filters.area))
if note := overview.trend_note(now, filters.area, unreported, overview.TREND_METRICS):
    st.caption(note)
download_table(overview.rate_outlook_table(report, unreported), "目标差距与趋势")

st.subheader(f"年度工作评价（{filters.as_of.year} 年）")
weights = evaluation_weights(plan.weights)
ranking = overview.evaluation_ranking(now, targets, filters.as_of.year, weights, unreported)
st.caption("得分 = 各指标完成目标的比例（封顶 100%）按权重加权，满分 100；无数据的指标不计入，按其余指标的权重折算。权重："
           + "，".join(f"{METRIC_BY_NAME[m].zh} {w:g}" for m, w in weights.items()) + "。")
st.plotly_chart(shared_figure(ranking_bar, ranking), config=CHART_CONFIG)
download_table(ranking.drop(columns=["代码"]), "年度工作评价")
