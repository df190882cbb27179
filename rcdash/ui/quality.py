"""数据质量 widgets: counts, the flag list with filters and links, 已核实 for admins, the completeness grid, and the
small warning any figure resting on flagged rows carries."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from rcdash.admin import actions
from rcdash.admin.users import User
from rcdash.quality import CHECKS, SEVERITY_LABELS, QualityInputError, completeness, flags_behind, open_issues
from rcdash.topics import quality as topic
from rcdash.ui.data import database_path, shared_cursor
from rcdash.ui.widgets import HEADER_PX, download_buttons, download_table

QUALITY_PAGE = "quality"  # the page's URL path (app.py's navigation names it after pages/quality.py)
VERIFIED_KEY = "quality-verified"  # session state: what the last 已核实 said, shown once after the rerun
LIST_ROWS_UNSCROLLED = 12
ROW_PX = 72  # above 64 px the grid wraps text: three lines of a flag's message


@st.cache_data(show_spinner="正在检查数据质量…", max_entries=32)
def issues_at(db_key: str, as_of: date, county: str | None = None) -> pd.DataFrame:
    """The flags as of a date (verified ones marked), cached per snapshot."""
    return topic.issues(shared_cursor(db_key), as_of, county)


@st.cache_data(show_spinner=False, max_entries=512)
def flags_under(db_key: str, as_of: date, area: str, metrics: tuple[str, ...]) -> int:
    """How many open flags lie under these figures of an area, counted once per snapshot (总览 asks for every card
    of every visitor; filtering the flag list each time was a tenth of the page's CPU)."""
    return flags_behind(issues_at(db_key, as_of), area, metrics)


def flag_note(db_key: str, as_of: date, area: str, metrics: tuple[str, ...], what: str = "") -> None:
    """A small warning under a figure that rests on flagged rows: the count, linking to 数据质量 (nothing when
    no open flag lies under it). `what` names the figure where the warning does not sit on it (a page's note)."""
    n = flags_under(db_key, as_of, area, metrics)
    if n:
        # No help icon: on a card it would wrap to a line of its own; the page it links to explains each flag.
        st.caption(f":orange[⚠ {what}涉及 **{n}** 条待核实数据]（[查看数据质量]({QUALITY_PAGE})）")


def summary(found: pd.DataFrame, names: dict[str, str]) -> None:
    """Open flags by severity, verified ones, and the counts per check and county."""
    still = open_issues(found)
    c1, c2, c3 = st.columns(3)
    c1.metric("待核实", f"{len(still):,}", help="已核实的不再计入")
    c2.metric(f"其中{SEVERITY_LABELS['error']}", f"{int((still['severity'] == 'error').sum()):,}",
              help="不可能对的数据：日期晚于报送日、坐标不在所属区县")
    c3.metric("已核实", f"{int(found['verified'].astype(bool).sum()):,}")
    st.markdown("##### 各检查项 · 各区县（待核实）")
    download_table(topic.count_table(found, names), "数据质量_统计", key="quality-counts")


def flag_list(found: pd.DataFrame, names: dict[str, str]) -> None:
    """The flags with filters; each links to its import in the 数据管理 log; downloads."""
    st.markdown("##### 问题清单")
    left, middle, right = st.columns([3, 2, 1])
    chosen = left.multiselect("检查项", list(CHECKS), default=list(CHECKS), format_func=lambda c: CHECKS[c].zh,
                              key="quality-checks")
    severities = middle.multiselect("严重程度", list(SEVERITY_LABELS), default=list(SEVERITY_LABELS),
                                    format_func=SEVERITY_LABELS.get, key="quality-severity")
    show_verified = right.checkbox("含已核实", key="quality-show-verified")
    shown = topic.flag_table(topic.filtered(found, chosen, severities, show_verified), names)
    if shown.empty:
        st.info("没有符合条件的数据质量问题。", icon=":material/task_alt:")
        return
    event = st.dataframe(
        shown, hide_index=True, width="stretch", row_height=ROW_PX,
        height=min(len(shown), LIST_ROWS_UNSCROLLED) * ROW_PX + HEADER_PX,
        column_config={
            "说明": st.column_config.TextColumn(width="large"),
            "导入记录": st.column_config.LinkColumn(display_text=r"import=(\d+)", help="打开数据管理页的这次导入"),
        },
        on_select="rerun", selection_mode="single-row", key="quality-list-table",
        selection_default={"selection": {"rows": [0]}},
    )
    rows = [i for i in event.selection.rows if i < len(shown)]
    if rows:  # the long text of the chosen flag in full (the grid shows three lines of it)
        picked = shown.iloc[rows[0]]
        verified = f"\n\n**核实说明**：{picked['核实说明']}" if isinstance(picked["核实说明"], str) else ""
        st.info(f"**{picked['检查项']} · {picked['区划']}**：{picked['说明']}{verified}", icon=":material/info:")
    st.caption("点选一行可在上方看完整说明。“导入记录”列的编号链接到“数据管理”页的那次导入：哪个文件、谁、何时导入；"
               "需要更正时修改原表后重新导入。")
    download_buttons(shown, "数据质量_问题清单", key="quality-list")


def verify_form(found: pd.DataFrame, user: User | None) -> None:
    """For admins: mark an open flag 已核实 with a note (stored; the flag stops counting)."""
    done = st.session_state.pop(VERIFIED_KEY, None)
    if done:
        st.success(done, icon=":material/task_alt:")
    still = open_issues(found).reset_index(drop=True)
    if user is None or still.empty:
        return
    st.markdown("##### 标记已核实")
    records = still.to_dict("records")
    choice = st.selectbox("核实哪一条", range(len(records)), format_func=lambda i: topic.flag_label(records[i]),
                          key="quality-verify-pick")
    note = st.text_area("核实说明", key="quality-verify-note", placeholder="例如：已电话核实，该乡确有 2,540 名会员（含新设企业会员）")
    if st.button("标记已核实", type="primary", key="quality-verify-go"):
        row = records[choice]
        try:
            actions.verify_flag(database_path(), row["check"], row["kind"], row["row_key"], note, user.name)
        except QualityInputError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.session_state[VERIFIED_KEY] = f"已标记已核实：{topic.flag_label(row)}。该条不再计入待核实。"
        st.rerun()


def completeness_grid(db_key: str, as_of: date, county: str | None) -> None:
    """Which townships have members data each month, how many activities each county has each month."""
    members, activities = completeness(shared_cursor(db_key), as_of, county, topic.COMPLETENESS_MONTHS)
    st.markdown(f"##### 会员数据：各乡镇（街道）每月的快照（近 {topic.COMPLETENESS_MONTHS} 个月）")
    st.caption("1 = 当月有会员快照（乡镇或下辖村报送），0 = 没有；按季度或半年报送的地区，其余月份为 0 属正常，整行为 0 说明长期未报。")
    download_table(members, "数据完整性_会员", key="quality-members-grid")
    st.markdown("##### 活动数据：各区、县（市）每月的活动条数")
    st.caption("0 = 当月没有任何活动记录：可能未报送，也可能确实没有活动，请向该区县核实。")
    download_table(activities, "数据完整性_活动", key="quality-activities-grid")
