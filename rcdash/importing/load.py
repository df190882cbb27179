"""Loading: validate a file, then upsert it in one transaction, log it, and undo it on request."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.importing.bundle import PhotoSource, open_bundle, read_if_bundle
from rcdash.importing.read import FileProblem, read_file, read_table
from rcdash.importing.resolve import DivisionSource
from rcdash.importing.validate import (
    VALIDATION_SHARE,
    HeaderProblem,
    Progress,
    RowError,
    Validated,
    validate_table,
)
from rcdash.labels import fmt_count
from rcdash.records.kinds import KINDS
from rcdash.records.spec import Kind
from rcdash.store.publish import Refresh, StagedCopy, writing
from rcdash.store.schema import kind_sql
from rcdash.store.sql import first_row

EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2


@dataclass(frozen=True)
class Origin:
    """Where an import's data came from (DESIGN §9): received when (None = now, a central import), and for an
    approved county submission its id, submitter and approver."""

    received_at: datetime | None = None
    submission_id: int | None = None
    submitted_by: str | None = None
    approved_by: str | None = None


CENTRAL = Origin()  # imported centrally, received when imported
# A look at a file's validated rows before they are loaded, by a layer above (rcdash.quality.preview): the
# plausibility flags the file would raise, listed in the summary as warnings (the import still goes ahead).
Inspect = Callable[[duckdb.DuckDBPyConnection, str, object], list[dict[str, object]]]


class UndoRefused(Exception):
    """An undo that cannot be done; the message says why in Chinese."""


@dataclass
class ImportResult:
    """The summary of DESIGN §6, plus warnings and the exit code."""

    kind: str
    file: str
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    import_id: int | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    exit_code: int = EXIT_OK
    inserted: int = 0
    updated: int = 0
    errors_truncated: bool = False
    unchanged: int = 0  # rows equal to the stored row of their key: neither written nor kept for undo
    quality: list[dict[str, object]] = field(default_factory=list)  # data-quality flags of the file (DESIGN §10)

    def as_json(self) -> dict[str, object]:
        """The JSON summary (DESIGN §6 keys first)."""
        return {
            "kind": self.kind, "file": self.file, "rows": self.rows, "accepted": self.accepted,
            "rejected": self.rejected, "import_id": self.import_id,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": self.warnings, "dry_run": self.dry_run,
            "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
            "errors_truncated": self.errors_truncated, "quality": self.quality,
        }

    def counts_text(self) -> str:
        """What a load did to the stored rows, as users read it: 新增 N 行，更新 N 行，未变 N 行."""
        return f"新增 {fmt_count(self.inserted)} 行，更新 {fmt_count(self.updated)} 行，未变 {fmt_count(self.unchanged)} 行"


def division_index(con: duckdb.DuckDBPyConnection) -> object:
    """A name/code index over all the divisions this database holds (for many imports into one database)."""
    return DivisionSource(con).full()


@dataclass
class CheckedFile:
    """A file read and validated: its outcome so far, and what loading it (or logging its rejection) needs."""

    result: ImportResult
    kind: Kind | None = None
    checked: Validated | None = None
    digest: str = ""
    photos: PhotoSource | None = None

    @property
    def needs_writer(self) -> bool:
        """Whether the database changes: the rows are loaded, or a rejected attempt is logged."""
        return self.checked is not None and not self.result.dry_run


def import_file(
    con: duckdb.DuckDBPyConnection,
    kind_name: str,
    path: Path,
    *,
    dry_run: bool = False,
    user: str = "cli",
    data: bytes | None = None,
    file_name: str | None = None,
    divisions: object | None = None,
    progress: Progress | None = None,
    origin: Origin = CENTRAL,
    inspect: Inspect | None = None,
) -> ImportResult:
    """Validate a file and, unless it is a dry run or a row is rejected, load it all-or-nothing."""
    checked = check_file(con, kind_name, path, dry_run=dry_run, data=data, file_name=file_name,
                         divisions=divisions, progress=progress, inspect=inspect)
    return apply_checked(con, checked, user=user, progress=progress, origin=origin)


def import_into(db: Path, kind_name: str, path: Path, *, user: str = "cli", progress: Progress | None = None,
                refresh: Refresh | None = None, inspect: Inspect | None = None) -> ImportResult:
    """`rcdash import`: the file is checked against a staging copy (rcdash.store.publish.StagedCopy, the writer
    lock taken), loaded into it and published with `refresh` run on it (the caller's derived tables)."""
    if not Path(db).exists():  # a new database: its reference data must be there before anything is checked
        with writing(db, refresh=refresh) as con:
            return import_file(con, kind_name, path, user=user, progress=progress, inspect=inspect)
    staged = StagedCopy(db)
    try:
        checked = check_file(staged.wait(), kind_name, path, progress=progress, inspect=inspect)
    except BaseException:
        staged.release()
        raise
    if not checked.needs_writer:
        staged.release()
        return checked.result
    with writing(db, staged=staged, refresh=refresh) as con:
        return apply_checked(con, checked, user=user, progress=progress)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file is read and checked: a sheet becomes ~10⁵ small lists, tuples and
    dicts that hold no cycles, and the collector would walk them again at every few hundred allocations (about half
    the time of reading a large CSV). The few cycles made meanwhile are collected once it runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_file(
    con: duckdb.DuckDBPyConnection,
    kind_name: str,
    path: Path,
    *,
    dry_run: bool = False,
    data: bytes | None = None,
    file_name: str | None = None,
    divisions: object | None = None,
    progress: Progress | None = None,
    inspect: Inspect | None = None,
) -> CheckedFile:
    """Read and validate a file against the divisions of a database (changing nothing); `inspect` lists the
    quality flags of a file without rejected rows."""
    name = file_name or Path(path).name
    result = ImportResult(kind=kind_name, file=name, dry_run=dry_run)
    kind = KINDS.get(kind_name)
    if kind is None:
        result.exit_code = EXIT_UNUSABLE
        result.errors = [RowError(0, "", kind_name, f"未知的数据类型“{kind_name}”，可选：{'、'.join(KINDS)}")]
        return CheckedFile(result)
    photos: PhotoSource | None = None
    try:
        with collector_paused():
            bundled = read_if_bundle(Path(path), data)
            if bundled is not None:  # a ZIP of one sheet plus the photos it names
                if not any(f.media for f in kind.fields):
                    raise FileProblem(f"“{kind.zh}”不接受 ZIP 包，请直接导入 .xlsx 或 .csv 文件")
                data, bundle = bundled, open_bundle(bundled)
                photos = PhotoSource(bundle)
                table = read_table(Path(bundle.sheet_name), bundle.sheet)
            elif data is None:
                data = read_file(Path(path))
                table = read_table(Path(path), data)
            else:
                table = read_table(Path(path), data)
            if photos is None and any(f.media for f in kind.fields):
                photos = PhotoSource()  # without a bundle a photo cell must name a photo stored earlier
            checked = validate_table(kind, table, divisions or DivisionSource(con), photos, progress)
    except FileProblem as exc:
        result.exit_code = EXIT_UNUSABLE
        result.errors = [RowError(0, "", "", str(exc))]
        return CheckedFile(result)
    except HeaderProblem as exc:
        result.exit_code = EXIT_UNUSABLE
        result.errors = exc.errors
        return CheckedFile(result)
    result.rows, result.accepted, result.rejected = checked.rows, checked.accepted, checked.rejected
    result.errors, result.warnings, result.errors_truncated = checked.errors, checked.warnings, checked.truncated
    if photos is not None:
        result.warnings += photos.warnings()
    if checked.rows == 0:
        result.exit_code = EXIT_UNUSABLE
        result.errors = [RowError(2, "", "", "文件只有表头，没有数据行")]
        return CheckedFile(result)
    if checked.rejected:
        result.exit_code = EXIT_REJECTED
    elif inspect is not None:
        result.quality = inspect(con, kind.name, checked.table)
    return CheckedFile(result, kind, checked, hashlib.sha256(data).hexdigest(), photos)


def apply_checked(con: duckdb.DuckDBPyConnection, checked: CheckedFile, *, user: str = "cli",
                  progress: Progress | None = None, origin: Origin = CENTRAL) -> ImportResult:
    """Load a checked file all-or-nothing (or log its rejection); nothing for a dry run or an unusable file."""
    result = checked.result
    if not checked.needs_writer:
        return result
    kind, rows = checked.kind, checked.checked
    assert kind is not None and rows is not None
    if rows.rejected:
        _log_rejected(con, kind, result.file, checked.digest, rows, user, origin)
        return result
    # Photos are written first and removed again if the transaction fails: all-or-nothing on disk too.
    created = checked.photos.write_pending() if checked.photos is not None else []
    if progress is not None:
        progress(VALIDATION_SHARE, f"校验通过，正在写入 {rows.accepted:,} 行…")
    try:
        result.import_id, result.inserted, result.updated, result.unchanged = _load(
            con, kind, result.file, checked.digest, rows, user, origin)
    except BaseException:
        if checked.photos is not None:
            checked.photos.discard(created)
        raise
    for flag in result.quality:  # the flagged rows came with this import
        flag["import_id"] = result.import_id
    return result


def _log(con: duckdb.DuckDBPyConnection, kind: Kind, name: str, digest: str, checked: Validated,
         user: str, status: str, origin: Origin) -> int:
    """Insert an import-log row (its row counts are set once the rows are loaded); returns its id."""
    now = datetime.now().replace(microsecond=0)
    row = first_row(con.execute(
        "INSERT INTO imports (import_id, kind, file_name, sha256, rows, accepted, rejected, status, created_at, "
        "created_by, received_at, submission_id, submitted_by, approved_by) "
        "VALUES (nextval('import_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING import_id",
        [kind.name, name, digest, checked.rows, checked.accepted, checked.rejected, status, now, user,
         origin.received_at or now, origin.submission_id, origin.submitted_by, origin.approved_by],
    ))
    return int(row[0])


def _log_rejected(con: duckdb.DuckDBPyConnection, kind: Kind, name: str, digest: str, checked: Validated,
                  user: str, origin: Origin) -> None:
    """Record a rejected attempt in the log; no data table is touched."""
    con.execute("BEGIN")
    try:
        _log(con, kind, name, digest, checked, user, "rejected", origin)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _load(con: duckdb.DuckDBPyConnection, kind: Kind, name: str, digest: str, checked: Validated,
          user: str, origin: Origin) -> tuple[int, int, int, int]:
    """Upsert the records on the natural key in one transaction; (import id, inserted, updated, unchanged).

    A row whose key is stored with other values replaces it (the stored row goes to the prior table for undo);
    a row equal to the stored one is left alone."""
    sql = kind_sql(kind)
    con.register("staged_rows", checked.table)
    con.execute("BEGIN")
    try:
        import_id = _log(con, kind, name, digest, checked, user, "loaded", origin)
        updated = int(first_row(con.execute(sql["save_replaced"], [import_id]))[0])
        con.execute(sql["delete_replaced"])
        unchanged = int(first_row(con.execute(sql["count_unchanged"]))[0])
        con.execute(sql["insert_staged"], [import_id])
        if kind.division_field is not None:  # what the import reports, for the reporting calendar (DESIGN §9)
            con.execute(sql["insert_coverage"], [import_id, kind.name])
        inserted = checked.accepted - updated - unchanged
        con.execute("UPDATE imports SET inserted = ?, updated = ?, unchanged = ? WHERE import_id = ?",
                    [inserted, updated, unchanged, import_id])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("staged_rows")
    return import_id, inserted, updated, unchanged


def undo_import(con: duckdb.DuckDBPyConnection, import_id: int, user: str = "cli") -> dict[str, object]:
    """Revert one loaded import: its rows removed, the rows it replaced restored exactly."""
    row = first_row(con.execute("SELECT kind, status FROM imports WHERE import_id = ?", [import_id]))
    if row is None:
        raise UndoRefused(f"没有编号为 {import_id} 的导入，请用 imports 命令查看导入记录")
    kind_name, status = row
    if status != "loaded":
        state = {"undone": "已撤销", "rejected": "被拒绝，未载入任何数据"}.get(status, status)
        raise UndoRefused(f"导入 #{import_id} {state}，无需撤销")
    sql = kind_sql(KINDS[kind_name])
    later = con.execute(sql["later_imports"], [import_id]).fetchall()
    if later:
        ids = "、".join(f"#{r[0]}" for r in later)
        raise UndoRefused(f"导入 #{import_id} 的部分数据已被之后的导入 {ids} 更新，请先撤销 {ids}")
    con.execute("BEGIN")
    try:
        removed = first_row(con.execute(sql["delete_import"], [import_id]))[0]
        restored = first_row(con.execute(sql["restore_replaced"], [import_id]))[0]
        con.execute(sql["forget_replaced"], [import_id])
        con.execute(sql["delete_coverage"], [import_id])
        con.execute(
            "UPDATE imports SET status = 'undone', undone_at = ?, undone_by = ? WHERE import_id = ?",
            [datetime.now().replace(microsecond=0), user, import_id],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {"import_id": import_id, "kind": kind_name, "removed": int(removed), "restored": int(restored)}


LOG_COLUMNS = ("import_id", "kind", "file_name", "rows", "accepted", "rejected", "inserted", "updated", "unchanged",
               "status", "created_at", "created_by", "undone_at", "undone_by", "sha256", "received_at", "submission_id",
               "submitted_by", "approved_by")


def list_imports(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
    """The import log, newest first (a database not yet brought up to date by a write lacks the newest columns:
    they read as empty)."""
    sql = "SELECT * FROM imports ORDER BY import_id DESC"
    log = con.execute(sql + " LIMIT ?", [limit]).df() if limit is not None else con.execute(sql).df()
    return log.reindex(columns=list(LOG_COLUMNS))
