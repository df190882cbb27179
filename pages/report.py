"""报告: the half-year progress briefing (每半年通报) and the annual evaluation (年度工作评价) as documents."""

import streamlit as st

from rcdash.reports.content import DATA_KINDS, ReportProblem
from rcdash.ui import report as ui
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start, require_data

con, filters = page_start(
    "报告",
    "按计划要求“每半年通报工作进度”并进行“年度工作评价”：选择报告期，预览摘要，下载 Word、Excel 和 PDF 文档。"
    "文档中的数字与看板“总览”页同一口径。",
)
require_data(con, DATA_KINDS, "计划进展")
key = db_key()
period = ui.pick_period(filters)
try:
    briefing = ui.briefing_of(key, period.label, ui.weights_key(), filters.plan.id)
except ReportProblem as exc:
    st.warning(str(exc), icon=":material/event_busy:")
    st.stop()

ui.plan_note(filters, briefing)
charted = ui.downloads(key, period, filters.plan.id, briefing)
st.caption("文档包括：总体情况、主要指标完成情况、年度工作评价排名、区县达标情况、各区县差距与还需完成的数量、图表。")
st.divider()
ui.preview(briefing, charted)
