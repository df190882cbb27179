"""三救三献: monthly figures per county and category, period totals and year-on-year change (pure + SQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.store.sql import load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"
CATEGORIES = {
    "first_aid_certified": "救护员取证人数",
    "first_aid_public": "救护普及培训人数",
    "blood_donations": "无偿献血人次",
    "stem_cell_registrations": "造血干细胞入库人数",
    "organ_donation_registrations": "遗体器官捐献登记人数",
    "relief_people": "人道救助人次",
}


def monthly(con: duckdb.DuckDBPyConnection, start: date, end: date, county: str | None = None) -> pd.DataFrame:
    """Monthly rows per county (or of one county) for months starting in [start, end]."""
    frame = con.execute(load_sql("rescue_monthly", SQL_DIR), {"start": start, "end": end, "county": county}).df()
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame


def year_earlier(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def period_totals(current: pd.DataFrame, previous: pd.DataFrame, county_names: list[str]) -> pd.DataFrame:
    """Per county and category: this period, the same months a year earlier, and the change in percent."""
    rows = []
    now_by, before_by = dict(tuple(current.groupby("county_name"))), dict(tuple(previous.groupby("county_name")))
    for name in [*county_names, "合计"]:
        now = current if name == "合计" else now_by.get(name, current.iloc[:0])
        before = previous if name == "合计" else before_by.get(name, previous.iloc[:0])
        for column, label in CATEGORIES.items():
            a = int(now[column].sum()) if len(now) else None
            b = int(before[column].sum()) if len(before) else None
            change = None if not a or not b else (a - b) / b
            rows.append({"区县": name, "类别": label, "本期": a, "上年同期": b,
                         "同比": "无数据" if change is None else f"{change * 100:+.1f}%"})
    return pd.DataFrame(rows)


def long_form(frame: pd.DataFrame) -> pd.DataFrame:
    """Monthly figures as (county, month, category, value) for charts."""
    out = frame.melt(id_vars=["county_name", "month"], value_vars=list(CATEGORIES), var_name="category", value_name="value")
    out["category"] = out["category"].map(CATEGORIES)
    return out


def month_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Long-form monthly figures for reading: months as YYYY-MM, Chinese headers."""
    out = frame.assign(month=frame["month"].map(lambda d: f"{d:%Y-%m}"))
    return out.rename(columns={"county_name": "区县", "month": "月份", "category": "类别", "value": "数值"})
