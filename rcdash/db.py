"""DuckDB connections, the schema and the reference data it starts with."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.records.kinds import KINDS
from rcdash.records.spec import Kind

SQL_DIR = Path(__file__).resolve().parent / "sql"
WRITER_LOCK_TIMEOUT_S = 600  # an import of a million rows fits well inside; past it a stuck writer is reported
STAGING_MARK = ".next-"  # staging copies are named .<db name>.next-<pid>; leftovers of a killed writer are removed
SCHEMA_VERSION = "2"  # 2: division columns compressed with zstd (rcdash.records.spec)
SCHEMA_META_KEY = "schema_fingerprint"
ATTACH_STAGING_SQL = "ATTACH ? AS staging"
# Each record table has a shadow "<table>_prior" holding rows an import replaced, so undo restores them exactly.
PRIOR_SUFFIX = "_prior"


@cache
def load_sql(name: str, folder: Path = SQL_DIR) -> str:
    """The text of `<folder>/<name>.sql`."""
    return (folder / f"{name}.sql").read_text(encoding="utf-8")


def first_row(result: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of a result, reading it to the end (DuckDB 2 refuses new work on an unfinished result)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    """The single value a query returns."""
    row = first_row(con.execute(sql, params or []))
    return None if row is None else row[0]


# Readers attach the published file under this name and make it their default catalog.
ATTACH_SNAPSHOT_SQL = "ATTACH ? AS snapshot (READ_ONLY)"
USE_SNAPSHOT_SQL = "USE snapshot"


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the database file; read-only ones are snapshots (see open_snapshot)."""
    if read_only:
        return open_snapshot(path)
    return duckdb.connect(str(path))


def open_snapshot(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the database file as it is now, unaffected by later publishes.

    duckdb.connect() reuses an open instance for the same path inside one process, which would pin readers to
    the first snapshot forever; attaching the file to a fresh in-memory instance opens the current file.
    """
    if not Path(path).exists():
        raise duckdb.IOException(f"database file {path} does not exist")
    con = duckdb.connect(":memory:")
    con.execute(ATTACH_SNAPSHOT_SQL, [str(path)])
    con.execute(USE_SNAPSHOT_SQL)
    return con


def snapshot_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor on a snapshot connection (cursors start in the in-memory catalog, so select the snapshot)."""
    cur = con.cursor()
    cur.execute(USE_SNAPSHOT_SQL)
    return cur


def quote_ident(identifier: str) -> str:
    """An identifier from a spec, quoted (spec names are code, never user input)."""
    return '"' + identifier.replace('"', '""') + '"'


def sql_blocks(name: str) -> dict[str, str]:
    """The named statements (`-- name: x`) of one .sql file."""
    blocks: dict[str, str] = {}
    current = None
    for line in load_sql(name).splitlines():
        if line.startswith("-- name:"):
            current = line.split(":", 1)[1].strip()
            blocks[current] = ""
        elif current is not None and not line.startswith("--"):
            blocks[current] += line + "\n"
    return {k: v.strip().rstrip(";") for k, v in blocks.items()}


@cache
def kind_sql(kind: Kind) -> dict[str, str]:
    """The statements on one kind's table, with its identifiers filled in."""
    names = {
        "table": quote_ident(kind.table),
        "prior": quote_ident(kind.table + PRIOR_SUFFIX),
        "cols": ", ".join(quote_ident(c) for c in kind.columns),
        "col_defs": ", ".join(f"{quote_ident(f.name)} {f.type.column_definition}" for f in kind.fields),
        "key_match": " AND ".join(f"t.{quote_ident(k)} = s.{quote_ident(k)}" for k in kind.key),
        "changed": " OR ".join(f"t.{quote_ident(c)} IS DISTINCT FROM s.{quote_ident(c)}" for c in kind.columns),
        "date_col": quote_ident(kind.date_field or kind.key[0]),
        "div_col": quote_ident(kind.division_field or kind.key[0]),
    }
    return {k: v.format(**names) for k, v in sql_blocks("kind_rows").items()}


def derived_sql(table: str) -> dict[str, str]:
    """The statements on one derived table (rcdash/sql/derived_table.sql), its name and query filled in."""
    query = load_sql(table) if (SQL_DIR / f"{table}.sql").exists() else ""
    return {k: v.format(table=quote_ident(table), query=query) for k, v in sql_blocks("derived_table").items()}


def reference_divisions_frame() -> pd.DataFrame:
    """The shipped divisions with their county and township codes filled in."""
    from rcdash.reference.divisions import load_reference_divisions

    return with_ancestor_codes(load_reference_divisions())


def with_ancestor_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Add county_code and township_code, which the statistical code's prefix carries."""
    out = frame[["code", "name", "short_name", "level", "parent_code", "kind"]].copy()
    code = out["code"].astype(str)
    out["county_code"] = code.str[:6].where(out["level"] != "city")
    out["township_code"] = code.str[:9].where(out["level"].isin(["township", "village"]))
    out["synthetic"] = False
    return out


@cache
def _schema_fingerprint() -> str:
    """Names the schema this code creates (its statements); stored in meta once a database has it."""
    statements = [load_sql("schema"), SCHEMA_VERSION]
    for kind in KINDS.values():
        statements += [kind_sql(kind)["create_table"], kind_sql(kind)["create_prior"]]
    return hashlib.sha256("\n".join(statements).encode("utf-8")).hexdigest()[:16]


def _has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database already has this code's schema (then nothing needs creating)."""
    if "meta" not in table_names(con):
        return False
    return scalar(con, "SELECT value FROM meta WHERE key = ?", [SCHEMA_META_KEY]) == _schema_fingerprint()


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and load the reference data if missing (idempotent, one transaction)."""
    if _has_schema(con):  # every write passes here: skip a dozen statements when they would change nothing
        return
    con.execute("BEGIN")
    try:
        con.execute(load_sql("schema"))
        for kind in KINDS.values():
            con.execute(kind_sql(kind)["create_table"])
            con.execute(kind_sql(kind)["create_prior"])
        if first_row(con.execute("SELECT count(*) FROM divisions"))[0] == 0:
            divisions = reference_divisions_frame()
            con.register("reference_divisions", divisions)
            con.execute("INSERT INTO divisions BY NAME SELECT * FROM reference_divisions")
            con.unregister("reference_divisions")
            _load_reference_population(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [SCHEMA_META_KEY, _schema_fingerprint()])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class Derived:
    """A table computed from others whenever they change, so that reading stays cheap at scale."""

    table: str  # also the name of its query, rcdash/sql/<table>.sql, unless built in Python
    sources: tuple[str, ...]
    build: Callable[[duckdb.DuckDBPyConnection], None] | None = None  # for tables SQL cannot compute
    # A deferred table is a read cache that readers can do without (they compute what it holds when it is
    # missing): an import drops it and publishes its rows without waiting for it, and settle() rebuilds it as
    # the next write, so that the import's own step costs what its rows cost.
    deferred: bool = False
    # What defines its rows, beyond its sources: its query by default; a Python build names its own (a version, or
    # the SQL it runs). Part of the fingerprint stored when it is built, so a new definition rebuilds it.
    definition: Callable[[], str] | None = None

    def fingerprint(self) -> str:
        """A short hash of the definition."""
        text = self.definition() if self.definition is not None else load_sql(self.table)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _latest_metrics_definition() -> str:
    """The engine's queries (a change to a metric rebuilds the stored rows)."""
    from rcdash.metrics.engine import SQL_DIR as METRICS_SQL_DIR  # the engine builds on this module

    return load_sql("area_metrics", METRICS_SQL_DIR) + load_sql("latest_data_date", METRICS_SQL_DIR)


def _build_latest_metrics(con: duckdb.DuckDBPyConnection) -> None:
    """Every area's metrics as of the latest data date (rcdash.metrics.engine.store_latest)."""
    from rcdash.metrics.engine import store_latest  # the engine builds on this module

    store_latest(con)


# What the metrics read, and what decides the latest data date (rcdash/metrics/sql/latest_data_date.sql).
METRICS_SOURCES = ("divisions", "branches", "members", "sites", "teams", "brands", "funds", "activities", "population",
                   "rescue_stats", "party")

# Pre-aggregation at write time: each is rebuilt by refresh_derived when a source table changed, in this order
# (latest_metrics reads the tables before it).
DERIVED = (
    Derived("area_divisions", ("divisions",)),
    Derived("branch_coverage", ("branches",)),
    Derived("site_counts", ("sites",)),
    Derived("activity_weeks", ("activities",)),
    Derived("theme_months", ("activities",)),
    Derived("latest_metrics", METRICS_SOURCES, _build_latest_metrics, deferred=True,
            definition=_latest_metrics_definition),
)
DERIVED_META_PREFIX = "derived:"  # meta key of a derived table: the fingerprint of its sources and definition
def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the current database."""
    sql = "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    return {r[0] for r in con.execute(sql).fetchall()}


def _fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Changes whenever the table's rows do: imports only insert rows with a new id and delete rows (undo too)."""
    if table == "divisions":  # reference data: only ever added to
        return str(scalar(con, "SELECT count(*) FROM divisions"))
    row = first_row(con.execute(
        f"SELECT count(*), coalesce(sum(import_id), 0), coalesce(max(import_id), 0) FROM {quote_ident(table)}"
    ))
    return ":".join(str(v) for v in row)  # type: ignore[union-attr]


def _check_division_codes(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Refuse divisions whose codes do not carry their ancestors (what the derived tables rely on); checked once
    per state of the divisions table, not on every import."""
    key = DERIVED_META_PREFIX + "checked:divisions"
    if scalar(con, "SELECT value FROM meta WHERE key = ?", [key]) == fingerprint:
        return
    bad = [r[0] for r in con.execute(load_sql("division_code_violations")).fetchall()]
    if bad:
        raise ValueError(f"division codes do not carry their county and township as prefixes: {bad}")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, fingerprint])


def refresh_derived(con: duckdb.DuckDBPyConnection, sources: frozenset[str] | None = None,
                    drop_deferred: bool = False) -> list[str]:
    """Rebuild the derived tables whose sources or definition changed since they were built; the names of those
    rebuilt.

    sources: check the sources only of tables derived from these (the others are rebuilt only when missing or
    defined anew). drop_deferred: instead of rebuilding the deferred tables derived from `sources`, which the
    caller has changed (a load or an undo), drop them without checking (they surely changed); rcdash.db.settle or
    the next publish builds them.
    """
    existing = table_names(con)
    built_as = _built_as(con)
    prints: dict[str, str] = {}
    rebuilt = []
    for derived in DERIVED:
        key = DERIVED_META_PREFIX + derived.table
        exists, definition = derived.table in existing, DEFINITION_MARK + derived.fingerprint()
        if exists and sources is not None and not sources.intersection(derived.sources) \
                and _defined_as_now(derived, built_as):
            continue
        if derived.deferred and drop_deferred:
            if exists and sources is not None:
                con.execute(derived_sql(derived.table)["drop"])
                con.execute("DELETE FROM meta WHERE key = ?", [key])
            continue
        for source in derived.sources:
            if source not in prints:
                prints[source] = _fingerprint(con, source)
        current = "|".join(prints[s] for s in derived.sources) + definition
        if exists and built_as.get(key) == current:
            continue
        if "divisions" in derived.sources:
            _check_division_codes(con, prints["divisions"])
        if derived.build is not None:
            derived.build(con)
        else:
            con.execute(derived_sql(derived.table)["create"])
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, current])
        rebuilt.append(derived.table)
    return rebuilt


DEFINITION_MARK = "#"  # in a derived table's meta value: the sources' fingerprints, then this and its definition's


def _built_as(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every derived table's meta value (what it was built from), in one query."""
    return dict(con.execute("SELECT key, value FROM meta WHERE key LIKE ?", [DERIVED_META_PREFIX + "%"]).fetchall())


def _defined_as_now(derived: Derived, built_as: dict[str, str]) -> bool:
    """Whether the table was built by its present definition."""
    value = built_as.get(DERIVED_META_PREFIX + derived.table) or ""
    return value.endswith(DEFINITION_MARK + derived.fingerprint())


def outdated(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The derived tables a database lacks or holds by another definition (the next write rebuilds them)."""
    existing, built_as = table_names(con), _built_as(con)
    return [d.table for d in DERIVED if d.table not in existing or not _defined_as_now(d, built_as)]


def unsettled(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The deferred tables a published database lacks (dropped by an import, not yet rebuilt by settle)."""
    existing = table_names(con)
    return [d.table for d in DERIVED if d.deferred and d.table not in existing]


def settle(path: Path | str) -> list[str]:
    """Rebuild the deferred tables that imports dropped, as one more published write; the names rebuilt (none,
    and nothing written, when there is nothing to do). Run after an import; a reader never needs it."""
    if not Path(path).exists():
        return []
    reader = open_snapshot(path)
    try:
        missing = unsettled(reader)
    finally:
        reader.close()
    if not missing:
        return []
    with writing(path):  # publishing builds every derived table that is missing
        pass
    return missing


def with_derived(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A query on derived tables, with any the database lacks (written by an older version) inlined as CTEs."""
    missing = [d.table for d in DERIVED if d.build is None and d.table not in table_names(con)]
    if not missing:
        return sql
    ctes = "".join(f"{quote_ident(t)} AS ({load_sql(t)}),\n" for t in missing)
    return re.sub(r"^WITH ", lambda _: "WITH " + ctes, sql, count=1, flags=re.M)


def init_db(path: Path | str) -> None:
    """Create the database with schema and reference data, or bring an existing one up to date."""
    with writing(path):
        pass


def _load_reference_population(con: duckdb.DuckDBPyConnection) -> None:
    """The 2020 census county populations, as rows no import owns (import_id NULL)."""
    from rcdash.reference.divisions import load_reference_population

    census = load_reference_population()
    census = census.assign(division=census["code"].astype(str), year=census["year"].astype(int),
                           resident_population=census["resident_population"].astype("int64"))
    con.register("census", census[["division", "year", "resident_population"]])
    con.execute("INSERT INTO population BY NAME SELECT * FROM census")
    con.unregister("census")


def is_initialised(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the schema exists in this database."""
    row = first_row(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ))
    return bool(row and row[0])


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

    def __init__(self, path: Path | str, fresh: bool = False, defer: bool = False) -> None:
        self.path = Path(path)
        self.fresh = fresh
        self.defer = defer  # publish without building the deferred derived tables (an import: see settle)
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
            _ensure_schema(self.connection)
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

    def publish(self) -> None:
        """Make the staging copy the database: flushed, then renamed over the published file."""
        assert self.connection is not None
        if not self.defer:  # an import built any missing derived table with its rows and changed no division
            refresh_derived(self.connection, frozenset({"divisions"}))
        self.connection.execute("CHECKPOINT")
        self.connection.close()
        self.connection = None
        fsync_path(self.staging)
        Path(str(self.path) + ".wal").unlink(missing_ok=True)  # a stale log of the old file must not replay
        os.replace(self.staging, self.path)
        fsync_path(self.path.parent)


@contextlib.contextmanager
def writing(path: Path | str, fresh: bool = False, staged: StagedCopy | None = None,
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Change the database as one published step (all-or-nothing, never blocking readers).

    Readers (the app, `kpi`) open the published file read-only. A writer copies it to a staging file, changes
    the copy, and renames the copy over the published file only when everything succeeded. Readers that have
    the old file open keep a consistent snapshot; the next connection sees the new one. A writer killed midway
    leaves only a staging file, removed by the next writer. `fresh` starts from an empty database instead of a
    copy (the demo builder replaces the whole database this way). `staged`: the copy, made ahead (StagedCopy).
    """
    staged = staged or StagedCopy(path, fresh)
    try:
        # The importer keeps the tables derived from record kinds up to date in its own transaction; publishing
        # checks only those derived from the divisions (which the demo and init load).
        yield staged.wait()
        staged.publish()
    finally:
        staged.release()


def file_identity(path: Path | str) -> str:
    """Changes whenever a new snapshot is published (inode and modification time), for reader caches."""
    stat = Path(path).stat()
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"
