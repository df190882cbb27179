"""数据质量: the flags as the page lists them (Chinese columns, a link to each flag's import), counts and filters."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from rcdash.labels import fmt_count, is_missing
from rcdash.quality import CHECKS, counts, find_issues
from rcdash.quality.engine import plain, severity_label
from rcdash.records.kinds import KINDS

# The import log on 数据管理 opened at one import (the page reads this query parameter).
IMPORT_LINK = "data_admin?import={import_id}"
IMPORT_PARAM = "import"
STATUS_OPEN, STATUS_VERIFIED = "待核实", "已核实"
COMPLETENESS_MONTHS = 24  # two years of months fit the page's width and show a quarterly rhythm eight times


def issues(con: duckdb.DuckDBPyConnection, as_of: date, county: str | None) -> pd.DataFrame:
    """Every flag as of a date (verified ones marked), for one county or the city."""
    return find_issues(con, as_of, county)


def county_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """County code → name, in code order."""
    return dict(con.execute("SELECT code, name FROM divisions WHERE level = 'county' ORDER BY code").fetchall())


def count_table(found: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Open flags per check and county."""
    return counts(found, names)


def expected_text(low: object, high: object) -> str:
    """A flag's plausible range as users read it: ≥ 800, ≤ 12, 不晚于 2025-06-30, or — when none applies."""
    def shown(v: object) -> str:
        v = plain(v)
        return fmt_count(v) if isinstance(v, int | float) else str(v)

    if is_missing(low) and is_missing(high):
        return "—"
    if is_missing(low):
        return f"不晚于 {shown(high)}" if isinstance(plain(high), str) else f"≤ {shown(high)}"
    if is_missing(high):
        return f"≥ {shown(low)}"
    return f"{shown(low)} – {shown(high)}"


def value_text(value: object) -> str:
    """A flagged value: counts with separators, dates and text as they are."""
    v = plain(value)
    if v is None:
        return "—"
    return fmt_count(v) if isinstance(v, int | float) else str(v)


def flag_table(found: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The flags with Chinese columns; 导入记录 links to the import in the log."""
    columns = ["状态", "检查项", "严重程度", "区县", "区划", "日期", "数值", "合理范围", "导入记录", "说明", "数据类型",
               "核实说明"]
    if found.empty:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame({
        "状态": [STATUS_VERIFIED if v else STATUS_OPEN for v in found["verified"]],
        "检查项": [CHECKS[c].zh for c in found["check"]],
        "严重程度": [severity_label(s) for s in found["severity"]],
        "区县": [names.get(str(c), "—") for c in found["county_code"]],
        "区划": found["division_name"],
        "数据类型": [KINDS[k].zh for k in found["kind"]],
        "日期": [f"{d:%Y-%m-%d}" for d in found["date"]],
        "数值": [value_text(v) for v in found["value"]],
        "合理范围": [expected_text(lo, hi) for lo, hi in zip(found["expected_min"], found["expected_max"], strict=True)],
        "说明": found["message"],
        "导入记录": [None if is_missing(i) else IMPORT_LINK.format(import_id=int(i)) for i in found["import_id"]],
        "核实说明": [None if is_missing(n) else f"{n}（{b}，{t:%Y-%m-%d}）"
                 for n, b, t in zip(found["note"], found["verified_by"], found["verified_at"], strict=True)],
    })
    return table[columns]  # the link before the long text, so it shows without scrolling sideways


def filtered(found: pd.DataFrame, checks: list[str], severities: list[str], show_verified: bool) -> pd.DataFrame:
    """The flags of the chosen checks (ids) and severities; verified ones only when asked for."""
    keep = found["check"].isin(checks) & found["severity"].isin(severities)
    if not show_verified:
        keep &= ~found["verified"].astype(bool)
    return found[keep]


def flag_label(row: dict[str, object]) -> str:
    """One flag in the verify picker: check, division, date, value."""
    return f"{CHECKS[str(row['check'])].zh} · {row['division_name']} · {row['date']:%Y-%m-%d} · {value_text(row['value'])}"


def linked_import(log: pd.DataFrame, wanted: object) -> pd.DataFrame | None:
    """The log row of the import a link names (?import=12), or None when the parameter names none."""
    try:
        import_id = int(str(wanted))
    except ValueError:
        return None
    row = log[log["编号"] == import_id]
    return row if not row.empty else None
