"""Running the checks: the flagged rows with their division, message and import, the verified marks, the counts,
the preview of a file before it is imported, and the completeness grid."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rcdash.config import CITY_CODE
from rcdash.labels import fmt_count, is_missing
from rcdash.metrics.engine import default_as_of
from rcdash.quality.checks import CHECKS, KIND_METRICS, SEVERITY_LABELS, Check
from rcdash.records.kinds import KINDS
from rcdash.store.sql import load_sql, quote_ident

SQL_DIR = Path(__file__).resolve().parent / "sql"
TABLE_TOKEN = re.compile(r"\{(\w+)\}")  # {members} in a check's SQL: the rows of that kind
STAGED_VIEW = "quality_staged_rows"  # a file's validated rows, registered for an import preview
OUTSIDE_CITY = "绍兴市范围以外"
ISSUE_COLUMNS = ["check", "severity", "kind", "division", "division_name", "county_code", "date", "value",
                 "expected_min", "expected_max", "message", "import_id", "row_key", "in_figure", "feeds", "verified",
                 "note", "verified_by", "verified_at"]
# The extra columns a check's SQL may return, formatted for its message: counts, dates, or text as it is.
COUNT_FIELDS = frozenset({"value", "previous", "population", "median", "expected_min", "expected_max"})


class QualityInputError(ValueError):
    """A verification that cannot be stored; the message says what to fix, in Chinese."""


def _tables(overlay: Mapping[str, str] | None = None) -> dict[str, str]:
    """What each {kind} token of a check's SQL reads: the kind's table, or an overlay (a preview)."""
    tables = {name: quote_ident(kind.table) for name, kind in KINDS.items()}
    return tables | dict(overlay or {})


def check_sql(check: Check, overlay: Mapping[str, str] | None = None) -> str:
    """A check's SQL with its {kind} tokens filled in (identifiers from code, never from input)."""
    tables = _tables(overlay)
    return TABLE_TOKEN.sub(lambda m: tables.get(m.group(1), m.group(0)), load_sql(check.sql, SQL_DIR))


def run_check(con: duckdb.DuckDBPyConnection, check: Check, as_of: date,
              overlay: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The rows one check flags (its SQL's columns), with the check's id and severity."""
    sql = check_sql(check, overlay)
    params = {k: v for k, v in {**check.params, "as_of": as_of}.items() if f"${k}" in sql}
    rows = con.execute(sql, params).df()
    if check.refine is not None:
        rows = check.refine(rows)
    return rows.assign(check=check.id, severity=check.severity)


def _names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Division code → name."""
    return dict(con.execute("SELECT code, name FROM divisions").fetchall())


def _text(name: str, value: object) -> str:
    """One field of a message as users read it."""
    if is_missing(value):
        return "—"
    if isinstance(value, datetime | pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if name in COUNT_FIELDS and isinstance(value, int | float):
        return fmt_count(value)
    if name == "population_year" and isinstance(value, int | float):
        return str(int(value))
    return str(value)


def message_fields(row: Mapping[str, object], names: Mapping[str, str]) -> dict[str, str]:
    """The fields a message template may name: the row's columns formatted, plus names for codes."""
    fields = {k: _text(k, v) for k, v in row.items()}
    fields["name"] = names.get(str(row["division"]), str(row["division"]))
    fields["kind_zh"] = KINDS[str(row["kind"])].zh
    if "county_code" in row and not is_missing(row["county_code"]):
        fields["county"] = names.get(str(row["county_code"]), str(row["county_code"]))
    if "found" in row:
        found = row["found"]
        fields["found"] = OUTSIDE_CITY if is_missing(found) else names.get(str(found), str(found))
    return fields


def _verified(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stored verifications."""
    return con.execute(load_sql("verified", SQL_DIR)).df()


def _latest_snapshots(con: duckdb.DuckDBPyConnection, as_of: date, overlay: Mapping[str, str] | None) -> set[str]:
    """Row keys of the members snapshots the figures use as of a date (each division's latest)."""
    sql = TABLE_TOKEN.sub(lambda m: _tables(overlay)[m.group(1)], load_sql("latest_snapshots", SQL_DIR))
    return {r[0] for r in con.execute(sql, {"as_of": as_of}).fetchall()}


def find_issues(con: duckdb.DuckDBPyConnection, as_of: date, county: str | None = None, *,
                checks: Mapping[str, Check] = CHECKS, overlay: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every flag of every check as of a date (ISSUE_COLUMNS), verified ones included and marked; one county's
    when `county` is given."""
    frames = [run_check(con, c, as_of, overlay) for c in checks.values()]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    names = _names(con)
    rows = []
    for frame in frames:
        for row in frame.to_dict("records"):
            check = CHECKS[row["check"]]
            fields = message_fields(row, names)
            rows.append({**{k: row.get(k) for k in ("check", "severity", "kind", "division", "date", "value",
                                                     "expected_min", "expected_max", "import_id", "row_key", "feeds")},
                         "division_name": fields["name"], "message": check.message.format_map(fields)})
    out = pd.DataFrame(rows)
    out["county_code"] = [d[:6] if len(str(d)) >= 6 else None for d in out["division"]]
    if county:
        out = out[out["division"].astype(str).str.startswith(county)]
    latest = _latest_snapshots(con, as_of, overlay)
    # A figure as of a date uses rows dated by then, and of the members only each division's latest snapshot.
    out["in_figure"] = [pd.Timestamp(d) <= pd.Timestamp(as_of) and (k != "members" or key in latest)
                        for d, k, key in zip(out["date"], out["kind"], out["row_key"], strict=True)]
    marks = _verified(con).rename(columns={"check_id": "check"})
    out = out.merge(marks, on=["check", "kind", "row_key"], how="left")
    out["verified"] = out["note"].notna()
    out["import_id"] = out["import_id"].astype("Int64")
    return out[ISSUE_COLUMNS].reset_index(drop=True)


def open_issues(issues: pd.DataFrame) -> pd.DataFrame:
    """The flags not yet verified: the ones that count."""
    return issues[~issues["verified"].astype(bool)]


def plain(value: object) -> object:
    """A value as JSON carries it (dates as ISO text, numpy numbers as numbers, missing as null)."""
    if is_missing(value):
        return None
    if isinstance(value, datetime | pd.Timestamp | date):
        return f"{value:%Y-%m-%d}"
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def as_json(issues: pd.DataFrame, as_of: date) -> dict[str, object]:
    """`quality --format json` (DESIGN §10): the open flags; verified ones no longer count."""
    return {"as_of": f"{as_of:%Y-%m-%d}", "issues": [issue_json(r) for r in open_issues(issues).to_dict("records")]}


def issue_json(row: Mapping[str, object]) -> dict[str, object]:
    """One flag as DESIGN §10 lists it."""
    return {"check": row["check"], "severity": row["severity"], "kind": row["kind"], "division": row["division"],
            "date": plain(row["date"]), "value": plain(row["value"]),
            "expected": {"min": plain(row["expected_min"]), "max": plain(row["expected_max"])},
            "message": row["message"], "import_id": plain(row["import_id"])}


def counts(issues: pd.DataFrame, county_names: Mapping[str, str]) -> pd.DataFrame:
    """Open flags per check (rows, Chinese names) and county (columns), with totals."""
    shown = open_issues(issues)
    columns = list(county_names.values())
    table = pd.DataFrame(0, index=[c.zh for c in CHECKS.values()], columns=columns, dtype="int64")
    for check, code in zip(shown["check"], shown["county_code"], strict=True):
        if code in county_names:
            table.loc[CHECKS[check].zh, county_names[code]] += 1
    table["合计"] = table.sum(axis=1)
    table.loc["合计"] = table.sum(axis=0)
    return table.reset_index(names="检查项")


def feeds(check: str, kind: str, metrics: tuple[str, ...], row_feeds: object = None) -> bool:
    """Whether a flagged row feeds any of these metrics: the one its check's SQL names (a site: its tier's count),
    else those of its check and kind."""
    if isinstance(row_feeds, str):
        return row_feeds in metrics
    fed = CHECKS[check].metrics
    used = (fed if fed is not None else KIND_METRICS).get(kind, ())
    return bool(set(used) & set(metrics))


def flags_behind(issues: pd.DataFrame, area: str, metrics: tuple[str, ...]) -> int:
    """How many open flags rest under the figures of these metrics for an area (the city: all areas)."""
    shown = open_issues(issues)
    if area != CITY_CODE:
        shown = shown[shown["division"].astype(str).str.startswith(area)]
    shown = shown[shown["in_figure"].astype(bool)]
    return int(sum(feeds(c, k, metrics, f)
                   for c, k, f in zip(shown["check"], shown["kind"], shown["feeds"], strict=True)))


def preview(con: duckdb.DuckDBPyConnection, kind_name: str, staged: object,
            as_of: date | None = None) -> list[dict[str, object]]:
    """The flags a file's validated rows would raise once imported (DESIGN §10 shape, import_id null): the checks
    of its kind run over the stored rows with the file's laid over them on the natural key."""
    kind = KINDS[kind_name]
    checks = {i: c for i, c in CHECKS.items() if kind_name in c.kinds}
    if not checks:
        return []
    con.register(STAGED_VIEW, staged)
    try:
        table = quote_ident(kind.table)
        match = " AND ".join(f"t.{quote_ident(k)} = s.{quote_ident(k)}" for k in kind.key)
        cols = ", ".join(quote_ident(c) for c in kind.columns)
        overlay = {kind_name: f"(SELECT {cols}, import_id FROM {table} t WHERE NOT EXISTS "
                              f"(SELECT 1 FROM {STAGED_VIEW} s WHERE {match}) "
                              f"UNION ALL SELECT {cols}, NULL::INTEGER AS import_id FROM {STAGED_VIEW})"}
        when = as_of or _preview_as_of(con, kind_name, staged)
        found = find_issues(con, when, checks=checks, overlay=overlay)
    finally:
        con.unregister(STAGED_VIEW)
    mine = found[found["import_id"].isna() & ~found["verified"]]
    return [issue_json(r) for r in mine.to_dict("records")]


def _preview_as_of(con: duckdb.DuckDBPyConnection, kind_name: str, staged: pa.Table) -> date:
    """The as-of date of a preview: the latest data date, or the file's latest date when later (never future).

    The stored rows of the kind end by the latest data date, so the file's own rows decide whether it is later."""
    as_of = default_as_of(con)
    field = KINDS[kind_name].date_field
    if field is None or KINDS[kind_name].field(field).type.value == "year" or field not in staged.column_names:
        return as_of
    latest = pc.max(staged.column(field)).as_py()
    if latest is None:
        return as_of
    return min(max(as_of, latest), date.today())


def mark_verified(con: duckdb.DuckDBPyConnection, check: str, kind: str, row_key: str, note: str,
                  user: str) -> None:
    """Store that an administrator checked a flag and found the data right (or corrected elsewhere): the flag
    stops counting. Keyed on the check and the row's natural key, so it survives a re-import of the row."""
    if check not in CHECKS:
        raise QualityInputError(f"没有名为“{check}”的检查项，可选：{'、'.join(CHECKS)}")
    if kind not in CHECKS[check].kinds:
        raise QualityInputError(f"检查项“{CHECKS[check].zh}”不涉及“{kind}”类数据")
    if not str(note).strip():
        raise QualityInputError("请填写核实说明：核实了什么、结论如何（例如“已电话核实，该村确有 502 名会员”）")
    con.execute(load_sql("mark_verified", SQL_DIR),
                [check, kind, row_key, str(note).strip(), user, datetime.now().replace(microsecond=0)])


def severity_label(severity: str) -> str:
    """错误 / 存疑."""
    return SEVERITY_LABELS.get(severity, severity)


def completeness(con: duckdb.DuckDBPyConnection, as_of: date, county: str | None,
                 months: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which townships have a members snapshot dated in each month, and how many activities each county has
    each month, over the `months` months up to as_of: (townships × months, counties × months)."""
    first = date(as_of.year, as_of.month, 1)
    start = (pd.Timestamp(first) - pd.DateOffset(months=months - 1)).date()
    params = {"start": start, "as_of": as_of, "county": county or ""}
    members = con.execute(load_sql("completeness_members", SQL_DIR), params).df()
    activities = con.execute(load_sql("completeness_activities", SQL_DIR), params).df()
    labels = [f"{m:%Y-%m}" for m in pd.date_range(start, first, freq="MS")]
    return _grid(members, labels, "乡镇（街道）"), _grid(activities, labels, "区、县（市）")


def _grid(rows: pd.DataFrame, months: list[str], label: str) -> pd.DataFrame:
    """One row per division (code and name), one column per month, the count in each cell (0 = none)."""
    base = rows[["code", "name"]].drop_duplicates()
    present = rows.dropna(subset=["month"])
    present = present.assign(month=[f"{m:%Y-%m}" for m in present["month"]])
    wide = present.pivot_table(index="code", columns="month", values="n", aggfunc="sum").reindex(columns=months)
    out = base.merge(wide.reset_index(), on="code", how="left") if len(present) else base.assign(
        **{m: 0 for m in months})
    out[months] = out[months].fillna(0).astype("int64")
    out.columns.name = None
    return out.rename(columns={"code": "代码", "name": label}).reset_index(drop=True)
