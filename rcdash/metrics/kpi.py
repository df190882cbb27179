"""`rcdash kpi`: the metrics, plan rules and outlook of the city and every area of a level, as of a date."""

from __future__ import annotations

import json
import math
from datetime import date

import duckdb
import pandas as pd

from rcdash.metrics.definitions import METRICS, SUPPORT_COLUMNS
from rcdash.metrics.engine import at
from rcdash.metrics.outlook import outlooks
from rcdash.metrics.period import half_year_of
from rcdash.metrics.rules import evaluate
from rcdash.metrics.targets import PlanTerms, TargetBook

LEVEL_NAMES = {"city": "市", "county": "区、县（市）", "township": "乡镇（街道）"}


def _plain(value: object) -> object:
    """A JSON-ready scalar: NaN/NA → None, whole floats of counts stay numbers."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def _cast(metric_unit: str, value: object) -> object:
    """Counts and people as integers, rates as floats at full precision (rounding is for display only)."""
    value = _plain(value)
    if value is None:
        return None
    if metric_unit == "rate":
        return float(value)
    return int(value)


def kpi(con: duckdb.DuckDBPyConnection, as_of: date, level: str = "county", with_outlook: bool = True, *,
        plan: PlanTerms) -> dict:
    """The `kpi` JSON of DESIGN §6: as_of, period, the plan and one entry per area with every metric."""
    frame = at(con, as_of, level)
    targets = TargetBook.load(con, plan)
    period = half_year_of(as_of).cut(as_of)
    ahead = outlooks(con, as_of, level, targets) if with_outlook else {}
    areas = []
    for row in frame.to_dict("records"):
        entry: dict[str, object] = {"code": row["code"], "name": row["name"], "level": row["level"]}
        for metric in METRICS:
            entry[metric.name] = _cast(metric.unit, row[metric.name])
        for column in SUPPORT_COLUMNS:
            entry[column] = _cast("count", row[column])
        entry["rules"] = [r.as_dict() for r in evaluate(entry, targets, as_of.year)]
        if ahead:
            entry["outlook"] = {m: o.as_dict() for m, o in ahead[str(row["code"])].items()}
        areas.append(entry)
    return {
        "as_of": as_of.isoformat(),
        "period": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "level": level,
        "plan": {"id": plan.id, "name": plan.name, "end": plan.end.isoformat()},
        "areas": areas,
    }


def kpi_table(report: dict) -> pd.DataFrame:
    """The metrics as a flat table (one row per area), for CSV and the terminal."""
    rows = []
    for area in report["areas"]:
        row = {"code": area["code"], "name": area["name"], "level": area["level"]}
        row.update({m.name: area[m.name] for m in METRICS})
        row["rules_failed"] = ";".join(r["rule"] for r in area["rules"] if r["status"] == "fail")
        rows.append(row)
    return pd.DataFrame(rows)


def render(report: dict, fmt: str) -> str:
    """The report as JSON, CSV or a terminal table."""
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=1)
    table = kpi_table(report)
    if fmt == "csv":
        return table.to_csv(index=False)
    shown = table.copy()
    for m in METRICS:
        if m.unit == "rate":
            shown[m.name] = shown[m.name].map(lambda v: "—" if v is None else f"{v * 100:.1f}%")
    header = f"截至 {report['as_of']}（报告期 {report['period']}：{report['period_start']} — {report['period_end']}）"
    keep = ["name", "village_branch_rate", "member_ratio", "sites_base", "sites_station", "sites_point",
            "rescue_teams_with_party", "volunteer_teams_20plus", "brand_projects", "weekly_voice_rate",
            "monthly_theme_rate", "rules_failed"]
    return header + "\n" + shown[keep].astype(object).fillna("—").to_string(index=False)
