"""County submissions (DESIGN §9): a county user's file is validated like any import and scoped to their county,
then kept `pending` (its file, its dry-run summary, who and when) until a city admin approves it (it is imported,
the log naming submitter and approver) or returns it with a reason. A pending submission counts in no figure.

Roles are checked here, in the library, not only by the page or the command line: whoever calls submit, approve
or return passes the acting user (anything with `name`, `role` and `county`, e.g. rcdash.admin.users.User).
Every write runs on a staging copy published in one step (rcdash.store.publish): nothing is ever half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from rcdash import config
from rcdash.importing.load import EXIT_OK, CheckedFile, ImportResult, Origin, apply_checked, check_file
from rcdash.importing.read import FileProblem, read_file
from rcdash.importing.resolve import DivisionSource
from rcdash.labels import ROLE_LABELS, SUBMISSION_STATUS_LABELS, fmt_count
from rcdash.records.kinds import KINDS
from rcdash.reference.divisions import DivisionIndex, Resolution
from rcdash.store.publish import Refresh, StagedCopy, writing
from rcdash.store.schema import kind_sql
from rcdash.store.sql import first_row, sql_blocks, table_names

SQL_DIR = Path(__file__).resolve().parent / "sql"
STATUSES = tuple(SUBMISSION_STATUS_LABELS)  # pending / approved / returned
MAX_REASON_CHARS = 500  # a reason is a few sentences for the county; longer text was pasted by mistake
STORED_SUFFIXES = (".csv", ".xlsx", ".xls", ".zip")  # what the importer reads; the stored copy keeps its suffix
ERRORS_QUOTED = 3  # errors a refused approval quotes (the file's full check is a dry run away)
LISTED_COLUMNS = ("submission_id", "kind", "county_code", "county_name", "file_name", "rows", "inserted", "updated",
                  "unchanged", "status", "submitted_by", "submitted_at", "decided_by", "decided_at", "reason",
                  "import_id", "import_status")  # what sql/submissions.sql `listed` returns


class Actor(Protocol):
    """Who acts: a signed-in or named user (rcdash.admin.users.User fits)."""

    name: str
    role: str
    county: str | None


@dataclass(frozen=True)
class Account:
    """An actor named without signing in (the demo's history; rcdash.admin.users.User is the signed-in one)."""

    name: str
    role: str
    county: str | None = None


class SubmissionRefused(Exception):
    """A submission, approval or return that cannot be done; the message says why in Chinese."""


class SubmissionChanged(SubmissionRefused):
    """Approving would now do something else than the preview the county's file was submitted with."""


def _sql() -> dict[str, str]:
    """The named statements of sql/submissions.sql."""
    return sql_blocks("submissions", SQL_DIR)


@dataclass
class Submitted:
    """The outcome of a submission: the import summary (its counts are the dry run's), its id and status."""

    result: ImportResult
    submission_id: int | None = None
    status: str | None = None  # None: nothing was filed (rows rejected or the file unusable)

    def as_json(self) -> dict[str, object]:
        """`rcdash import … --submit-as NAME --format json`: the import summary plus submission_id and status."""
        return {**self.result.as_json(), "submission_id": self.submission_id, "status": self.status}


@dataclass(frozen=True)
class Preview:
    """What loading a checked file would do to the stored rows, and a digest of the stored rows it would meet."""

    inserted: int
    updated: int
    unchanged: int
    digest: str
    sources: tuple[int, ...] = field(default=())  # the imports the met rows came from

    def counts_text(self) -> str:
        """新增 N 行，更新 N 行，未变 N 行."""
        return f"新增 {fmt_count(self.inserted)} 行，更新 {fmt_count(self.updated)} 行，未变 {fmt_count(self.unchanged)} 行"


class CountyScope:
    """A division resolver that accepts only divisions of one county: any other division (given by code or by name)
    is the cell's error, so the row is rejected with its row and column like any bad cell."""

    def __init__(self, base: DivisionSource, county: str, county_names: dict[str, str]) -> None:
        self._base = base
        self.county = county
        self._names = county_names

    def resolve(self, text: str, township: str | None = None, levels: frozenset[str] | None = None) -> Resolution:
        """As DivisionSource.resolve, with a division outside the county refused."""
        res = self._base.resolve(text, township, levels)
        if res.code is None or res.code.startswith(self.county):
            return res
        own = self._names.get(self.county, self.county)
        owner = self._names.get(res.code[:6], "其他区县") if len(res.code) >= len(self.county) else "全市"
        return Resolution(error=f"“{text}”属于{owner}，不在{own}：区县账号只能报送本区县（{own}）的数据，"
                                f"请删除这一行，或由{owner}报送")


def county_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Code → name of the counties this database holds."""
    return dict(con.execute(_sql()["county_names"]).fetchall())


def preview(con: duckdb.DuckDBPyConnection, checked: CheckedFile) -> Preview:
    """New / changed / unchanged rows of a checked file against the stored rows (nothing is written)."""
    kind, rows = checked.kind, checked.checked
    assert kind is not None and rows is not None
    con.register("staged_rows", rows.table)
    try:
        met = con.execute(kind_sql(kind)["matched_rows"]).fetchall()
    finally:
        con.unregister("staged_rows")
    changed = sum(1 for row in met if row[-1])
    # The stored values the file's keys meet (not the import they came from): a later import that rewrites them
    # identically changes nothing the approval would do.
    digest = hashlib.sha256("\n".join(sorted(repr(row[:-2]) for row in met)).encode("utf-8")).hexdigest()
    sources = tuple(sorted({int(row[-2]) for row in met if row[-2] is not None}))
    return Preview(rows.accepted - len(met), changed, len(met) - changed, digest, sources)


def _role(actor: Actor) -> str:
    """The actor's role as users read it."""
    return ROLE_LABELS.get(actor.role, actor.role)


def _require_admin(actor: Actor, what: str) -> None:
    """Only a city admin approves or returns."""
    if actor.role != "admin":
        raise SubmissionRefused(f"{actor.name} 是{_role(actor)}，只有市级管理员可以{what}")


def _stored_name(digest: str, file_name: str) -> str:
    """The file's name in the submissions folder: its content hash (a re-sent file is stored once)."""
    suffix = Path(file_name).suffix.lower()
    return digest + (suffix if suffix in STORED_SUFFIXES else "")


def _store_file(folder: Path, name: str, data: bytes) -> bool:
    """Keep the submitted file (written to a temporary sibling and renamed); whether it was newly written."""
    target = folder / name
    if target.exists():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


def _check_as(con: duckdb.DuckDBPyConnection, kind_name: str, path: Path, actor: Actor, data: bytes | None,
              file_name: str | None, index: DivisionIndex | None = None) -> tuple[CheckedFile, bytes | None, Preview | None]:
    """A county user's file validated like any import, every division scoped to their county."""
    if actor.role != "county" or not actor.county:
        raise SubmissionRefused(f"{actor.name} 是{_role(actor)}，不是区县报送员：报送只能由绑定区县的账号提交"
                                "（管理员请直接导入）")
    kind = KINDS.get(kind_name)
    if kind is not None and not kind.county_scoped:
        raise SubmissionRefused(f"“{kind.zh}”是全市的数据，由市级管理员导入，区县不报送")
    names = county_names(con)
    if actor.county not in names:
        raise SubmissionRefused(f"{actor.name} 绑定的区县 {actor.county} 不在本数据库中，请管理员核对账号")
    if data is None:
        with contextlib.suppress(FileProblem):  # check_file reports it as it reports any unusable file
            data = read_file(Path(path))
    checked = check_file(con, kind_name, Path(path), data=data, file_name=file_name or Path(path).name,
                         divisions=CountyScope(DivisionSource(con, index), actor.county, names))
    if checked.result.exit_code != EXIT_OK:
        return checked, data, None
    seen = preview(con, checked)
    checked.result.inserted, checked.result.updated, checked.result.unchanged = (
        seen.inserted, seen.updated, seen.unchanged)
    return checked, data, seen


def check_as(con: duckdb.DuckDBPyConnection, kind_name: str, path: Path, actor: Actor, *, data: bytes | None = None,
             file_name: str | None = None) -> ImportResult:
    """A county user's dry run: what submitting would file (its new / changed / unchanged rows), nothing written."""
    checked, _, _ = _check_as(con, kind_name, path, actor, data, file_name)
    checked.result.dry_run = True
    return checked.result


def submit(con: duckdb.DuckDBPyConnection, kind_name: str, path: Path, actor: Actor, *, data: bytes | None = None,
           file_name: str | None = None, at: datetime | None = None, folder: Path | None = None,
           index: DivisionIndex | None = None) -> Submitted:
    """File a county user's upload as a pending submission, or return the rejection (nothing filed).

    at: when it was submitted (default now; the demo's history gives its own); index: the division index of many
    submissions into one database (rcdash.importing.load.division_index)."""
    checked, data, seen = _check_as(con, kind_name, path, actor, data, file_name, index)
    result = checked.result
    if seen is None:
        return Submitted(result)
    assert data is not None and actor.county is not None
    stored = _stored_name(checked.digest, result.file)
    folder = folder or config.submissions_dir()
    created = _store_file(folder, stored, data)
    try:
        row = first_row(con.execute(_sql()["insert"], [
            kind_name, actor.county, result.file, checked.digest, stored, result.rows, seen.inserted, seen.updated,
            seen.unchanged, seen.digest, actor.name, at or datetime.now().replace(microsecond=0)]))
    except BaseException:
        if created:
            (folder / stored).unlink(missing_ok=True)
        raise
    return Submitted(result, int(row[0]), "pending")


@dataclass(frozen=True)
class Submission:
    """One stored submission."""

    submission_id: int
    kind: str
    county_code: str
    file_name: str
    sha256: str
    stored_name: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    diff_sha256: str
    status: str
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    import_id: int | None

    def counts_text(self) -> str:
        """The dry run at submission, as users read it."""
        return f"新增 {fmt_count(self.inserted)} 行，更新 {fmt_count(self.updated)} 行，未变 {fmt_count(self.unchanged)} 行"


def get(con: duckdb.DuckDBPyConnection, submission_id: int) -> Submission:
    """One submission; SubmissionRefused when there is none."""
    row = first_row(con.execute(_sql()["one"], [submission_id]))
    if row is None:
        raise SubmissionRefused(f"没有编号为 {submission_id} 的报送，请用 `python -m rcdash submissions` 查看")
    return Submission(*row)


def _pending(con: duckdb.DuckDBPyConnection, submission_id: int) -> Submission:
    """A submission that may still be decided; a decided one (a replayed id, a second click) is refused."""
    sub = get(con, submission_id)
    if sub.status == "approved":
        raise SubmissionRefused(f"报送 #{sub.submission_id} 已于 {sub.decided_at:%Y-%m-%d %H:%M} 由 {sub.decided_by} 批准"
                                f"（导入 #{sub.import_id}），不能再次批准或退回")
    if sub.status == "returned":
        raise SubmissionRefused(f"报送 #{sub.submission_id} 已于 {sub.decided_at:%Y-%m-%d %H:%M} 退回（原因：{sub.reason}），"
                                "不能再批准或退回；请区县修改后重新报送")
    return sub


def stored_file(sub: Submission, folder: Path | None = None) -> bytes:
    """The submitted file's bytes, checked against the hash taken at submission."""
    path = (folder or config.submissions_dir()) / sub.stored_name
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != sub.sha256:
        raise SubmissionRefused(f"报送 #{sub.submission_id} 的文件（{path}）已丢失或被改动，无法批准；请退回并请区县重新报送")
    return data


def recheck(con: duckdb.DuckDBPyConnection, sub: Submission, folder: Path | None = None,
            index: DivisionIndex | None = None) -> CheckedFile:
    """The submitted file validated again against the current data, scoped to its county."""
    data = stored_file(sub, folder)
    checked = check_file(con, sub.kind, Path(sub.file_name), data=data, file_name=sub.file_name,
                         divisions=CountyScope(DivisionSource(con, index), sub.county_code, county_names(con)))
    if checked.result.exit_code != EXIT_OK:
        quoted = "；".join(f"第 {e.row} 行“{e.column}”：{e.message}" for e in checked.result.errors[:ERRORS_QUOTED])
        raise SubmissionRefused(f"报送 #{sub.submission_id} 按现在的数据已不能通过校验，无法批准（{quoted}）；请退回")
    return checked


def changed_since(con: duckdb.DuckDBPyConnection, sub: Submission, now: Preview) -> str | None:
    """Why approving now would do something else than at submission (None when it would do the same)."""
    if now.digest == sub.diff_sha256:
        return None
    later = [r[0] for r in con.execute(_sql()["imports_since"], [list(now.sources), sub.submitted_at]).fetchall()]
    by = f"（导入 {'、'.join(f'#{i}' for i in later)}）" if later else ""
    return (f"报送 #{sub.submission_id} 提交之后，它涉及的数据已被其他导入更改{by}：提交时预计{sub.counts_text()}，"
            f"现在将{now.counts_text()}。")


def approve(con: duckdb.DuckDBPyConnection, submission_id: int, actor: Actor, *, confirm: bool = False,
            at: datetime | None = None, folder: Path | None = None, index: DivisionIndex | None = None) -> ImportResult:
    """Import a pending submission (received when it was submitted; the log names submitter and approver).

    Refused for anyone but an admin, for an unknown or decided id, and — unless confirmed — when the rows it meets
    were changed by another import since it was submitted. Run it inside rcdash.store.publish.writing."""
    _require_admin(actor, "批准报送")
    sub = _pending(con, submission_id)
    checked = recheck(con, sub, folder, index)
    why = changed_since(con, sub, preview(con, checked))
    if why is not None and not confirm:
        raise SubmissionChanged(why + "请核对后再确认批准（命令行加 --confirm；页面点“仍然批准”）")
    origin = Origin(received_at=sub.submitted_at, submission_id=sub.submission_id, submitted_by=sub.submitted_by,
                    approved_by=actor.name)
    result = apply_checked(con, checked, user=actor.name, origin=origin)
    decided = first_row(con.execute(_sql()["decide"], [
        "approved", actor.name, at or datetime.now().replace(microsecond=0), None, result.import_id, sub.submission_id]))
    if decided is None:  # cannot happen under the writer lock; never leave an import without its decision
        raise SubmissionRefused(f"报送 #{sub.submission_id} 已被处理")
    return result


def return_submission(con: duckdb.DuckDBPyConnection, submission_id: int, actor: Actor, reason: str, *,
                      at: datetime | None = None) -> Submission:
    """Return a pending submission to its county with a reason (kept and shown to the county)."""
    _require_admin(actor, "退回报送")
    reason = " ".join((reason or "").split())
    if not reason:
        raise SubmissionRefused("请写明退回原因，区县会在页面上看到它")
    if len(reason) > MAX_REASON_CHARS:
        raise SubmissionRefused(f"退回原因最多 {MAX_REASON_CHARS} 个字，请精简")
    sub = _pending(con, submission_id)
    con.execute(_sql()["decide"], ["returned", actor.name, at or datetime.now().replace(microsecond=0), reason, None,
                                   sub.submission_id]).fetchall()
    return get(con, submission_id)


def visible(con: duckdb.DuckDBPyConnection, actor: Actor, status: str | None = None) -> pd.DataFrame:
    """The submissions an actor may see, newest first: an admin all, a county user only their county's."""
    if status is not None and status not in STATUSES:
        raise SubmissionRefused(f"状态应为 {' / '.join(STATUSES)}")
    if actor.role == "admin":
        county = None
    elif actor.role == "county" and actor.county:
        county = actor.county
    else:
        raise SubmissionRefused(f"{actor.name} 是{_role(actor)}，不能查看报送")
    if "submissions" not in table_names(con):  # a database the next write brings up to date: none yet
        return pd.DataFrame(columns=list(LISTED_COLUMNS))
    return con.execute(_sql()["listed"], {"status": status, "county": county}).df()


def submit_into(db: Path, kind_name: str, path: Path, actor: Actor, *, data: bytes | None = None,
                file_name: str | None = None, folder: Path | None = None) -> Submitted:
    """`rcdash import … --submit-as` and the page: checked on a staging copy, published only when filed."""
    staged = StagedCopy(db)
    try:
        done = submit(staged.wait(), kind_name, path, actor, data=data, file_name=file_name, folder=folder)
    except BaseException:
        staged.release()
        raise
    if done.submission_id is None:
        staged.release()
        return done
    with writing(db, staged=staged):  # no record changes: the derived tables stay as they are
        pass
    return done


def approve_into(db: Path, submission_id: int, actor: Actor, *, confirm: bool = False,
                 refresh: Refresh | None = None, folder: Path | None = None) -> ImportResult:
    """Approve as one published write (`refresh`: the caller's derived tables, as for any import)."""
    with writing(db, refresh=refresh) as con:
        return approve(con, submission_id, actor, confirm=confirm, folder=folder)


def return_into(db: Path, submission_id: int, actor: Actor, reason: str) -> Submission:
    """Return as one published write."""
    with writing(db) as con:
        return return_submission(con, submission_id, actor, reason)
