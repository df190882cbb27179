"""Widgets of the 报告 page: period picker, the briefing's preview, the three documents to download."""

from __future__ import annotations

import contextlib

import streamlit as st

from rcdash.config import configured_weights
from rcdash.metrics.engine import default_as_of, first_data_date
from rcdash.metrics.period import Period, parse_period
from rcdash.plans import all_plans, browse, get
from rcdash.reports import content, model
from rcdash.reports.documents import FORMAT_LABELS, FORMATS, MIME_TYPES, file_name, render
from rcdash.reports.fonts import FontMissing
from rcdash.ui.data import shared_cursor
from rcdash.ui.filters import Filters
from rcdash.ui.text import escape_markdown

KIND_LABELS = {content.HALF_YEAR: "半年工作进度通报", content.YEAR: "年度工作评价"}
FORMAT_ICONS = {"docx": ":material/description:", "xlsx": ":material/table_view:", "pdf": ":material/picture_as_pdf:"}
READY_KEY = "report_ready"  # which (database, period, weights, plan) the documents were generated for


def weights_key() -> tuple[tuple[str, float], ...]:
    """The settings file's evaluation weights as a cache key (a changed settings file gives new documents); the
    briefing applies them over its plan's weights, in the plan's order, as 总览's ranking table does."""
    return tuple(configured_weights().items())


@st.cache_data(show_spinner="正在汇总报告内容…", max_entries=16)
def briefing_of(db_key: str, period: str, weights: tuple[tuple[str, float], ...], plan_id: str, charts: bool = False,
                ) -> model.Briefing:
    """The briefing of one period against the chosen plan: its figures and prose, and with `charts` its charts.

    The page previews it without charts: drawing them (matplotlib, a bar per county) takes seconds at province
    scale, so they are drawn with the documents, on request.
    """
    con = shared_cursor(db_key)
    # weights: the plan's, overridden by the settings file's (the key above changes when either does)
    return content.build_briefing(con, period, None, charts=charts, plan=get(con, plan_id))


@st.cache_data(show_spinner=False, max_entries=24)
def document_of(db_key: str, period: str, weights: tuple[tuple[str, float], ...], plan_id: str, fmt: str) -> bytes:
    """One rendering of the briefing."""
    return render(briefing_of(db_key, period, weights, plan_id, charts=True), fmt)


def _period_label(period: Period) -> str:
    """'2022 年下半年（2022H2）' or '2022 年（全年）'."""
    if content.period_kind(period) == content.YEAR:
        return f"{period.start.year} 年（全年）"
    return f"{content.period_name(period)}（{period.label}）"


def pick_period(filters: Filters) -> Period:
    """Report kind and period (the chosen plan's, and the data's span); the default is the half-year (or year) of
    the sidebar's as-of date."""
    con = shared_cursor()
    latest = default_as_of(con)
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    kind = left.radio("报告类型", list(KIND_LABELS), format_func=KIND_LABELS.get, horizontal=True, key="report_kind",
                      help="半年工作进度通报：每半年通报工作进度；年度工作评价：全年情况与区县得分排名。")
    choices = content.period_choices(*browse.browse_span(filters.plan, first_data_date(con), latest), kind)
    wanted = content.period_of(filters.as_of, kind).label
    labels = [p.label for p in choices]
    # Keyed on the default too: when the sidebar's as-of date moves to another period, the choice follows it.
    chosen = right.selectbox("报告期", labels, index=labels.index(wanted) if wanted in labels else 0,
                             format_func=lambda label: _period_label(parse_period(label)),
                             key=f"report_period_{kind}_{wanted}")
    return parse_period(chosen)


def plan_note(filters: Filters, briefing: model.Briefing) -> None:
    """Say so when the report's own period ends outside the chosen plan (the sidebar's date has its own line)."""
    note = browse.outside_note(all_plans(shared_cursor()), filters.plan, briefing.as_of)
    if note and briefing.as_of != filters.as_of:
        st.info(note.replace("所选日期", "报告统计截至日"), icon=":material/event_note:")


def preview(briefing: model.Briefing, charted: model.Briefing | None) -> None:
    """Title, facts, the generated summary and, once the documents exist (`charted`), their charts."""
    st.subheader(briefing.full_title)
    st.caption(" · ".join(f"{label}：{value}" for label, value in (("对照计划", f"《{briefing.plan_title}》"), *briefing.facts)))
    summary = briefing.sections[0]
    for block in summary.blocks:
        if isinstance(block, model.Paragraph):
            st.markdown(escape_markdown(block.text))
    if charted is None:
        st.caption("文档中的图表在生成文档后显示。")
        return
    figures = charted.figures()
    if figures:
        with st.expander(f"文档中的图表（{len(figures)} 幅）"):
            for figure in figures:
                st.image(figure.png, caption=f"{figure.title}。{figure.caption}", width="stretch")


def downloads(db_key: str, period: Period, plan_id: str, briefing: model.Briefing) -> model.Briefing | None:
    """Generate the three documents on request, then offer each for download; the briefing with its charts once
    they exist."""
    weights = weights_key()
    ready = st.session_state.get(READY_KEY) == (db_key, period.label, weights, plan_id)
    slot = st.empty()  # the button goes away once the documents exist
    if not ready and slot.button("生成 Word、Excel 和 PDF 文档", type="primary", icon=":material/play_arrow:",
                                 key="report_generate"):
        slot.empty()
        with st.spinner("正在生成文档（约需数秒）…"):
            for fmt in ("docx", "xlsx"):
                document_of(db_key, period.label, weights, plan_id, fmt)
            with contextlib.suppress(FontMissing):  # reported next to the PDF button below
                document_of(db_key, period.label, weights, plan_id, "pdf")
        st.session_state[READY_KEY] = (db_key, period.label, weights, plan_id)
        ready = True
    if not ready:
        return None
    columns = st.columns(len(FORMATS))
    for column, fmt in zip(columns, FORMATS, strict=True):
        try:
            data = document_of(db_key, period.label, weights, plan_id, fmt)
        except FontMissing as exc:
            column.error(str(exc), icon=":material/font_download_off:")
            continue
        column.download_button(f"下载 {FORMAT_LABELS[fmt]}（.{fmt}）", data, file_name(briefing, fmt), MIME_TYPES[fmt],
                               icon=FORMAT_ICONS[fmt], on_click="ignore", width="stretch", key=f"report_download_{fmt}")
    return briefing_of(db_key, period.label, weights, plan_id, charts=True)
