"""County submissions on the pages (DESIGN §9): a county user's upload and their own submissions; the pending list
an admin reviews, previews, approves or returns. `submissions_panel` is the piece other pages reuse (报送情况)."""

from __future__ import annotations

import hashlib

import streamlit as st

from rcdash.admin import submissions as actions
from rcdash.admin.actions import UploadRefused
from rcdash.admin.users import User
from rcdash.config import max_upload_bytes
from rcdash.importing.submissions import SubmissionChanged, SubmissionRefused
from rcdash.records.kinds import KINDS
from rcdash.ui.admin import show_result
from rcdash.ui.data import database_path, db_key, shared_cursor
from rcdash.ui.widgets import download_table

SUBMITTED_KEY = "submission-filed"  # session state: upload (kind, sha256, upload id) → what filing it said
DECIDED_KEY = "submission-decided"  # session state: what the last approval or return said, shown above the list
CONFIRM_KEY = "submission-confirm"  # session state: the submission whose changed preview the admin was shown
DEFAULT_KIND = "activities"  # what a county sends most often: every month (DESIGN §9)
REASON_MAX_CHARS = 500  # as rcdash.importing.submissions.MAX_REASON_CHARS


@st.cache_data(show_spinner="正在校验文件…", max_entries=16)
def _county_dry_run(db_key: str, kind: str, file_name: str, digest: str, user: User, _data: bytes):
    """A county user's dry run of one upload against one snapshot (cached on the file's hash)."""
    return actions.county_dry_run(shared_cursor(db_key), kind, file_name, _data, user)


@st.cache_data(show_spinner="正在试算批准后的指标…", max_entries=8)
def _preview(db_key: str, submission_id: int) -> actions.SubmissionPreview:
    """What approving would do, tried on a copy of one snapshot."""
    return actions.preview(database_path(), submission_id)


def county_upload(user: User) -> None:
    """A county user's upload: checked against their county, then filed as a submission for the city to approve."""
    county_kinds = [k for k, kind in KINDS.items() if kind.county_scoped]
    st.caption("区县账号上传的文件先校验（只能包含本区县的数据），通过后作为**报送**提交，市级管理员批准后才计入各项数字。")
    kind = st.selectbox("数据类型", county_kinds, key="submit-kind", index=county_kinds.index(DEFAULT_KIND),
                        format_func=lambda k: f"{KINDS[k].zh}（{k}）：{KINDS[k].description}")
    upload = st.file_uploader(f"上传 CSV 或 Excel 文件（不超过 {max_upload_bytes() // 1024 // 1024} MB）",
                              type=["csv", "xlsx", "xls", "zip"], key=f"submit-upload-{kind}")
    if upload is None:
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    try:
        result = _county_dry_run(db_key(), kind, upload.name, digest, user, data)
    except (UploadRefused, SubmissionRefused) as exc:
        st.error(str(exc), icon=":material/error:")
        return
    show_result(result, key=f"submit-{kind}-{digest[:16]}")
    if result.exit_code != 0:
        return
    this_upload = f"{kind}:{digest}:{upload.file_id}"
    filed: dict[str, str] = st.session_state.setdefault(SUBMITTED_KEY, {})
    if this_upload in filed:  # one submission per upload: a second click must not file it twice
        st.success(filed[this_upload], icon=":material/task_alt:")
        return
    st.success(f"校验通过：{result.accepted:,} 行，批准后将{result.counts_text()}。", icon=":material/check_circle:")
    if st.button("提交报送", type="primary", key=f"submit-{kind}"):
        try:
            done = actions.submit_upload(database_path(), kind, upload.name, data, user)
        except (UploadRefused, SubmissionRefused) as exc:
            st.error(str(exc), icon=":material/error:")
            return
        if done.submission_id is None:
            show_result(done.result, key=f"submit-{kind}-{digest[:16]}-filed")
            return
        filed[this_upload] = (f"已提交报送 #{done.submission_id}（{KINDS[kind].zh} · {upload.name}），等待市级管理员审核；"
                              "批准前不计入任何数字。审核结果见“区县报送”。")
        st.rerun()


def submissions_panel(user: User | None) -> None:
    """The submissions a user may see: an admin reviews the pending ones and sees all; a county user sees their
    county's with status and the reason of a return; others are told who sees what."""
    if user is None or not (user.is_admin or user.is_county):
        st.info("区县报送由区县账号提交、市级管理员审核。请用区县账号或管理员账号登录（在“数据管理”页的“导入数据”中登录）后查看。",
                icon=":material/lock:")
        return
    decided = st.session_state.get(DECIDED_KEY)
    if decided:
        st.success(decided, icon=":material/task_alt:")
    if user.is_admin:
        pending_review(user)
        st.markdown("**全部报送**")
    else:
        for _, row in actions.open_returns(shared_cursor(), user).iterrows():
            st.warning(f"报送 #{row['submission_id']}（{row['kind']} · {row['file_name']}）已被 {row['decided_by']} 退回，"
                       f"原因：{row['reason']}", icon=":material/undo:")
        st.caption("修改后在“数据管理”页的“导入数据”中重新上传即为新的报送；退回的报送不会计入任何数字。")
    frame = actions.listed(shared_cursor(), user)
    if frame.empty:
        st.info("还没有报送。" + ("区县账号在“数据管理”页的“导入数据”中上传文件即为报送。" if user.is_admin else
                                 "在“数据管理”页的“导入数据”中上传本区县的文件即可报送。"), icon=":material/inbox:")
        return
    download_table(frame, "区县报送记录", key="submissions-all")


def pending_review(user: User) -> None:
    """The pending submissions for an admin: pick one, read its preview, approve or return it with a reason."""
    pending = actions.listed(shared_cursor(), user, "pending")
    if pending.empty:
        st.info("没有待审核的报送。", icon=":material/done_all:")
        return
    st.markdown(f"**待审核的报送（{len(pending)} 份）**")
    labels = {int(r["编号"]): f"#{r['编号']} {r['区县']} · {r['数据类型']} · {r['文件']}（{r['报送人']}，{r['报送时间']}）"
              for _, r in pending.iterrows()}
    choice = st.selectbox("审核哪一份", list(labels), format_func=labels.get, key="review-choice")
    try:
        seen = _preview(db_key(), int(choice))
    except SubmissionRefused as exc:  # its file is gone or no longer passes: it can only be returned
        st.error(str(exc), icon=":material/error:")
        seen = None
    if seen is not None:
        sub = seen.submission
        c1, c2, c3 = st.columns(3)
        c1.metric("新增行", f"{seen.now.inserted:,}")
        c2.metric("更新行", f"{seen.now.updated:,}")
        c3.metric("未变行", f"{seen.now.unchanged:,}")
        if seen.changed:
            st.warning(seen.changed, icon=":material/warning:")
        unchanged = not seen.figures["变化"].astype(bool).any()
        st.caption(f"{seen.county_name}的主要指标（截至 {seen.as_of:%Y-%m-%d}），批准前后对比（在数据副本上试算，未写入）"
                   + ("：批准后这些指标都不变。" if unchanged else "："))
        download_table(seen.figures, f"报送{sub.submission_id}_指标对比", key=f"review-figures-{sub.submission_id}")
    approve_or_return(user, int(choice), changed=bool(seen and seen.changed))


def approve_or_return(user: User, submission_id: int, changed: bool) -> None:
    """The two decisions; approving a submission whose rows changed meanwhile needs a second, explicit click."""
    left, right = st.columns(2)
    with left:
        asked = st.session_state.get(CONFIRM_KEY) == submission_id or changed
        if st.button("批准并导入", type="primary", key=f"approve-{submission_id}"):
            _decide(lambda: actions.approve(database_path(), submission_id, user),
                    f"已批准报送 #{submission_id}", submission_id)
        if asked and st.button("仍然批准（数据已被其他导入更改）", key=f"approve-confirm-{submission_id}"):
            _decide(lambda: actions.approve(database_path(), submission_id, user, confirm=True),
                    f"已批准报送 #{submission_id}", submission_id)
    with right:
        reason = st.text_input("退回原因（区县会看到）", key=f"reason-{submission_id}", max_chars=REASON_MAX_CHARS)
        if st.button("退回", key=f"return-{submission_id}", disabled=not reason.strip()):
            _decide(lambda: actions.return_with_reason(database_path(), submission_id, user, reason),
                    f"已退回报送 #{submission_id}（原因：{reason.strip()}）", submission_id)


def _decide(action, message: str, submission_id: int) -> None:
    """Run an approval or return; say what it did, or why not (a changed preview asks for the second button)."""
    try:
        outcome = action()
    except SubmissionChanged as exc:
        st.session_state[CONFIRM_KEY] = submission_id
        st.warning(str(exc), icon=":material/warning:")
        return
    except Exception as exc:  # SubmissionRefused and WriterBusy carry their Chinese message
        st.error(str(exc), icon=":material/error:")
        return
    if getattr(outcome, "import_id", None) is not None:
        message += f"：导入 #{outcome.import_id}，{outcome.counts_text()}。各页面已显示新数据。"
    st.session_state[DECIDED_KEY] = message
    st.session_state.pop(CONFIRM_KEY, None)
    st.rerun()
