"""Publishing: a write changes a staging copy of the database and renames it over the published file when it
succeeds, so readers never see half a write; one writer at a time."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from rcdash.store.schema import ensure_schema

WRITER_LOCK_TIMEOUT_S = 600  # an import of a million rows fits well inside; past it a stuck writer is reported
STAGING_MARK = ".next-"  # staging copies are named .<db name>.next-<pid>; leftovers of a killed writer are removed
ATTACH_STAGING_SQL = "ATTACH ? AS staging"
# What a write does to the staging copy just before publishing it: the layers above keep their derived tables
# (pre-aggregations) up to date this way, so the store knows nothing of what they compute.
Refresh = Callable[[duckdb.DuckDBPyConnection], object]


class WriterBusy(Exception):
    """Another process has been changing the database for longer than the writer lock timeout."""


def _staging_glob(path: Path) -> list[Path]:
    """Staging copies left beside the database (by writers that were killed)."""
    return sorted(path.parent.glob(f".{path.name}{STAGING_MARK}*"))


@contextlib.contextmanager
def _writer_lock(path: Path, timeout_s: float = WRITER_LOCK_TIMEOUT_S) -> Iterator[None]:
    """One writer at a time per database (an advisory lock file beside it; released if the process dies)."""
    lock_path = path.with_name(path.name + ".lock")
    with lock_path.open("a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WriterBusy(f"数据库 {path} 正被另一个导入占用超过 {timeout_s:.0f} 秒，请稍后再试") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fsync_path(path: Path) -> None:
    """Flush a file or directory to disk, so a rename survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StagedCopy:
    """The first half of a write: the writer lock taken and the published file copied to a staging file, opened
    in a DuckDB instance of its own. writing() finishes it."""

    def __init__(self, path: Path | str, fresh: bool = False) -> None:
        self.path = Path(path)
        self.fresh = fresh
        self.staging = self.path.with_name(f".{self.path.name}{STAGING_MARK}{os.getpid()}")
        self._lock = _writer_lock(self.path)
        self._locked = False
        self.connection: duckdb.DuckDBPyConnection | None = None
        self._error: BaseException | None = None
        self._run()

    def _run(self) -> None:
        instance = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.__enter__()
            self._locked = True
            for stale in _staging_glob(self.path):
                stale.unlink(missing_ok=True)
            if self.path.exists() and not self.fresh:
                shutil.copyfile(self.path, self.staging)
            # Attached to an in-memory instance: duckdb.connect(path) would reuse an instance open on that path.
            instance = duckdb.connect(":memory:")
            instance.execute(ATTACH_STAGING_SQL, [str(self.staging)])
            instance.execute("USE staging")
            self.connection, instance = instance, None
            ensure_schema(self.connection)
        except BaseException as exc:  # raised by wait(), after the lock is released
            self._error = exc
            if instance is not None:
                instance.close()

    def wait(self) -> duckdb.DuckDBPyConnection:
        """The connection to the staging copy (or the error that stopped it, the lock released)."""
        if self._error is not None:
            self.release()
            raise self._error
        return self.connection

    def release(self) -> None:
        """Give up: close and remove the staging file (if still there) and release the lock."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        for leftover in (self.staging, Path(str(self.staging) + ".wal")):
            leftover.unlink(missing_ok=True)
        if self._locked:
            self._locked = False
            self._lock.__exit__(None, None, None)

    def publish(self, refresh: Refresh | None = None) -> None:
        """Make the staging copy the database: refreshed, flushed, then renamed over the published file."""
        assert self.connection is not None
        if refresh is not None:
            refresh(self.connection)
        self.connection.execute("CHECKPOINT")
        self.connection.close()
        self.connection = None
        fsync_path(self.staging)
        Path(str(self.path) + ".wal").unlink(missing_ok=True)  # a stale log of the old file must not replay
        os.replace(self.staging, self.path)
        fsync_path(self.path.parent)


@contextlib.contextmanager
def writing(path: Path | str, fresh: bool = False, staged: StagedCopy | None = None,
            refresh: Refresh | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Change the database as one published step (all-or-nothing, never blocking readers).

    Readers (the app, `kpi`) open the published file read-only. A writer copies it to a staging file, changes
    the copy, and renames the copy over the published file only when everything succeeded. Readers that have
    the old file open keep a consistent snapshot; the next connection sees the new one. A writer killed midway
    leaves only a staging file, removed by the next writer. `fresh` starts from an empty database instead of a
    copy (the demo builder replaces the whole database this way). `staged`: the copy, made ahead (StagedCopy).
    `refresh`: run on the copy before it is published (rcdash.metrics.derived keeps its tables current so).
    """
    staged = staged or StagedCopy(path, fresh)
    try:
        yield staged.wait()
        staged.publish(refresh)
    finally:
        staged.release()
