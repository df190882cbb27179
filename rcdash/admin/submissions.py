"""County submissions on behalf of the pages (no Streamlit): a county user's dry run and submission, an admin's
preview (what approving would change, and the county's key figures before and after), approve and return."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.admin.actions import check_upload
from rcdash.admin.users import User
from rcdash.importing import submissions as subs
from rcdash.importing.load import ImportResult, apply_checked
from rcdash.labels import SUBMISSION_STATUS_LABELS
from rcdash.metrics.definitions import METRIC_BY_NAME, format_value
from rcdash.metrics.derived import refresh
from rcdash.metrics.engine import at, default_as_of
from rcdash.records.kinds import KINDS
from rcdash.store.connections import connect, open_snapshot

# The county's figures a preview compares: the plan's headline measures, in the order leadership reads them.
KEY_FIGURES = ("village_branch_rate", "villages_with_branch", "adult_members", "member_ratio", "sites_station",
               "sites_point", "rescue_teams", "volunteer_teams_20plus", "brand_projects", "funds",
               "weekly_voice_rate", "monthly_theme_rate")
# What a status needs first (status, the reason of a return), then the file's counts, then who and when.
SUBMISSION_COLUMNS = {"submission_id": "编号", "county_name": "区县", "kind": "数据类型", "file_name": "文件",
                      "status": "状态", "reason": "退回原因", "submitted_at": "报送时间", "rows": "行数",
                      "inserted": "新增", "updated": "更新", "unchanged": "未变", "submitted_by": "报送人",
                      "decided_by": "处理人", "decided_at": "处理时间", "import_id": "导入编号"}
NOT_YET = ""  # a decision not taken yet is blank, not 无数据 (nothing is missing)


def county_dry_run(con: duckdb.DuckDBPyConnection, kind: str, file_name: str, data: bytes, user: User) -> ImportResult:
    """A county user's upload checked against the current snapshot and their county (nothing written)."""
    check_upload(data)
    return subs.check_as(con, kind, Path(file_name), user, data=data, file_name=file_name)


def submit_upload(db: Path, kind: str, file_name: str, data: bytes, user: User) -> subs.Submitted:
    """File a county user's upload as a pending submission (published as one step)."""
    check_upload(data)
    return subs.submit_into(db, kind, Path(file_name), user, data=data, file_name=file_name)


def approve(db: Path, submission_id: int, user: User, confirm: bool = False) -> ImportResult:
    """Approve as the signed-in user (the library refuses anyone but an admin); the figures are refreshed."""
    return subs.approve_into(db, submission_id, user, confirm=confirm, refresh=refresh)


def return_with_reason(db: Path, submission_id: int, user: User, reason: str) -> subs.Submission:
    """Return with a reason (the library refuses anyone but an admin)."""
    return subs.return_into(db, submission_id, user, reason)


def listed(con: duckdb.DuckDBPyConnection, user: User, status: str | None = None) -> pd.DataFrame:
    """The submissions a user may see (an admin all, a county user their county's, without the county column),
    newest first, with Chinese headers."""
    frame = subs.visible(con, user, status)
    frame = frame.assign(
        kind=frame["kind"].map(lambda k: KINDS[k].zh if k in KINDS else k),
        status=frame["status"].map(SUBMISSION_STATUS_LABELS),
        decided_by=frame["decided_by"].fillna(NOT_YET).astype(str), reason=frame["reason"].fillna(NOT_YET).astype(str),
        decided_at=[NOT_YET if pd.isna(t) else f"{t:%Y-%m-%d %H:%M}" for t in frame["decided_at"]],
        submitted_at=[f"{t:%Y-%m-%d %H:%M}" for t in frame["submitted_at"]],
        import_id=[NOT_YET if pd.isna(i) else f"#{int(i)}" for i in frame["import_id"]],
    )
    columns = [c for c in SUBMISSION_COLUMNS if c != "county_name" or user.is_admin]
    return frame[columns].rename(columns=SUBMISSION_COLUMNS)


def open_returns(con: duckdb.DuckDBPyConnection, user: User) -> pd.DataFrame:
    """A county's returned submissions not yet followed by another of the same kind: what it still has to fix."""
    frame = subs.visible(con, user)
    later = frame.groupby("kind")["submission_id"].max()
    returned = frame[frame["status"] == "returned"]
    still_open = returned[returned["submission_id"] == returned["kind"].map(later)]
    return still_open.assign(kind=still_open["kind"].map(lambda k: KINDS[k].zh if k in KINDS else k))


@dataclass(frozen=True)
class SubmissionPreview:
    """What approving one submission would do now."""

    submission: subs.Submission
    county_name: str
    now: subs.Preview
    changed: str | None  # why it differs from the dry run at submission (None: the same)
    as_of: date
    figures: pd.DataFrame  # 指标, 批准前, 批准后, 变化


def _county_figures(con: duckdb.DuckDBPyConnection, county: str, as_of: date) -> dict[str, object]:
    """The key figures of one county as of a date."""
    frame = at(con, as_of, "county")
    row = frame[frame["code"] == county]
    return {} if row.empty else {name: row.iloc[0][name] for name in KEY_FIGURES}


def _as_of_after(before: date, checked: object, kind: str) -> date:
    """The date the figures are compared at: the latest data date once the file is in (never in the future)."""
    field = KINDS[kind].date_field
    table = checked.checked.table  # type: ignore[attr-defined]
    dates = [d for d in table.column(field).to_pylist() if isinstance(d, date)] if field else []
    latest = max([before, *dates])
    return min(latest, date.today())


def preview(db: Path, submission_id: int, folder: Path | None = None) -> SubmissionPreview:
    """Approving one pending submission, tried on a temporary copy of the published snapshot (which stays as it is):
    new / changed / unchanged rows now, whether that differs from its dry run, the county's figures before and after."""
    con = open_snapshot(db)
    try:
        sub = subs.get(con, submission_id)
        names = subs.county_names(con)
        checked = subs.recheck(con, sub, folder)
        now = subs.preview(con, checked)
        changed = subs.changed_since(con, sub, now)
        as_of = _as_of_after(default_as_of(con), checked, sub.kind)
        before = _county_figures(con, sub.county_code, as_of)
    finally:
        con.close()
    with tempfile.TemporaryDirectory(prefix="rcdash-preview-") as tmp:
        copy = Path(tmp) / "preview.duckdb"
        shutil.copyfile(db, copy)  # the published file is replaced by rename, never changed in place: a consistent copy
        trial = connect(copy)
        try:
            checked = subs.recheck(trial, sub, folder)
            checked.photos = None  # a trial: the rows only, no photo is written to the media folder
            apply_checked(trial, checked, user="preview")
            refresh(trial, defer=True)  # the pre-aggregations the engine reads; the stored latest metrics dropped
            after = _county_figures(trial, sub.county_code, as_of)
        finally:
            trial.close()
    rows = []
    for name in KEY_FIGURES:
        metric = METRIC_BY_NAME[name]
        old, new = before.get(name), after.get(name)
        rows.append({"指标": metric.zh, "批准前": format_value(metric, old), "批准后": format_value(metric, new),
                     "变化": "有变化" if format_value(metric, old) != format_value(metric, new) else ""})
    return SubmissionPreview(sub, names.get(sub.county_code, sub.county_code), now, changed, as_of, pd.DataFrame(rows))
