"""What the database holds: rows per kind, date spans, coverage, recent imports."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from rcdash.importing.load import list_imports
from rcdash.records.kinds import KINDS
from rcdash.store.schema import kind_sql
from rcdash.store.sql import first_row, load_sql, scalar

SQL_DIR = Path(__file__).resolve().parent / "sql"

STATUS_LABELS = {"loaded": "已导入", "rejected": "被拒绝", "undone": "已撤销"}
DEMO_META_KEY = "demo_seed"  # set by the demo generator; pages then label everything 示例数据


def kind_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per import kind: rows, first and last date, divisions and counties covered."""
    rows = []
    for kind in KINDS.values():
        n, first, last, divisions, counties = first_row(con.execute(kind_sql(kind)["summary"]))
        rows.append({
            "数据类型": kind.zh, "代码": kind.name, "行数": n,
            "最早": first or "", "最晚": last or "",
            "覆盖区划数": divisions if kind.division_field else None,
            "覆盖区县数": counties if kind.division_field else None,
        })
    return pd.DataFrame(rows)


def reference_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Divisions per level (city, county, township, village)."""
    return {level: int(n) for level, n, _ in con.execute(load_sql("reference_counts", SQL_DIR)).fetchall()}


def recent_imports(con: duckdb.DuckDBPyConnection, limit: int | None = 10) -> pd.DataFrame:
    """The latest imports, with Chinese column names and labels."""
    log = list_imports(con, limit)
    if log.empty:
        return log
    log = log.assign(
        kind=log["kind"].map(lambda k: KINDS[k].zh if k in KINDS else k),
        status=log["status"].map(lambda s: STATUS_LABELS.get(s, s)),
    )
    # An approved county submission names its submitter (DESIGN §9); the operator is then its approver.
    submitted = log["submission_id"].astype("Int64")
    log["submitted"] = [f"{by}（报送 #{sid}）" if isinstance(by, str) else "" for by, sid in zip(
        log["submitted_by"], submitted, strict=True)]
    return log[["import_id", "kind", "file_name", "rows", "inserted", "updated", "unchanged", "status", "created_at",
                "created_by", "submitted"]].rename(
        columns={"import_id": "编号", "kind": "数据类型", "file_name": "文件", "rows": "行数", "inserted": "新增",
                 "updated": "更新", "unchanged": "未变", "status": "状态", "created_at": "时间", "created_by": "操作人",
                 "submitted": "区县报送"}
    )


def demo_seed(con: duckdb.DuckDBPyConnection) -> str | None:
    """The demo seed when this database is generated demo data, else None."""
    row = first_row(con.execute("SELECT value FROM meta WHERE key = ?", [DEMO_META_KEY]))
    return row[0] if row else None


def has_imported_data(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any import has loaded data (the census populations ship with every database)."""
    return bool(scalar(con, "SELECT count(*) FROM imports WHERE status = 'loaded'"))


def has_rows(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...]) -> bool:
    """Whether any of these record kinds holds imported rows."""
    return any(scalar(con, kind_sql(KINDS[k])["imported_rows"]) for k in kinds)
