"""月度主题: one month at a glance — activities per area and ISO week, each county's monthly theme, the previous month.

Weeks follow DESIGN §5 (weekly_voice_rate): the ISO weeks whose Monday lies in the month, each holding its
activities from Monday to Sunday (the last week may reach into the next month), none after the as-of date. Summed
over the months of a half-year, the voiced weeks and themed months equal the engine's voiced_weeks and themed_months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.config import CITY_CODE, CITY_NAME
from rcdash.labels import NO_DATA, UNREPORTED, fmt_count
from rcdash.plans import default_plan
from rcdash.reporting import mark_unreported, unreported_counties
from rcdash.reporting.calendar import MONTH, cycle_of
from rcdash.store.sql import first_row, load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"

MONDAY = 0
THEMED, NOT_YET, MISSED = "已开展", "本月尚未开展", "未开展"  # a month after the activities' data: no_data_text()
SELF_ROW_SUFFIX = "本级"  # activities registered at the county itself, in the county view
MAX_THEMES_SHOWN = 3  # theme names listed per county; the activity list has the rest
MAX_SILENT_NAMED = 6  # rows named in the summary sentence; the grid shows them all
TOTAL_KEY = "*"  # the grid key of the area's own row (a county's own activities have the county's code as key)

ACTIVITY_COLUMNS = {
    "date": "日期", "county_name": "区县", "township_name": "乡镇（街道）", "division_name": "区划",
    "title": "活动名称", "category": "活动类别", "is_monthly_theme": "月度主题活动", "theme": "主题",
    "participants": "参与人数",
}


def month_start(day: date) -> date:
    """The first day of the month containing a day."""
    return day.replace(day=1)


def next_month(start: date) -> date:
    """The first day of the following month."""
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(start: date) -> date:
    """The first day of the preceding month."""
    return (start.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_label(start: date) -> str:
    """'2022 年 3 月'."""
    return f"{start.year} 年 {start.month} 月"


def week_label(monday: date) -> str:
    """'第10周 03-07': the ISO week number and its Monday."""
    return f"第{monday.isocalendar().week}周 {monday:%m-%d}"


@dataclass(frozen=True)
class MonthWindow:
    """One calendar month seen on an as-of date (a month in progress is cut at that date, or at the data's end)."""

    start: date
    as_of: date
    data_end: date | None = None  # the latest activity date: later days are no data, not days without activity

    @property
    def end(self) -> date:
        """The month's last day."""
        return next_month(self.start) - timedelta(days=1)

    @property
    def cut_end(self) -> date:
        """The last day counted: the month's end, or the as-of date inside it."""
        return min(self.end, self.as_of)

    @property
    def counted_end(self) -> date:
        """The last day counted: cut_end, or the activities' latest date when that comes first."""
        return self.cut_end if self.data_end is None else min(self.cut_end, self.data_end)

    @property
    def data_cut(self) -> bool:
        """Whether the activities' data ends before cut_end (part or all of the month is no data)."""
        return self.counted_end < self.cut_end

    @property
    def no_data(self) -> bool:
        """Whether the activities' data ends before the month begins: nothing of it can be counted."""
        return self.counted_end < self.start

    @property
    def in_progress(self) -> bool:
        """Whether the counting stops before the month's end (at the as-of date or at the data's end)."""
        return self.counted_end < self.end

    def no_data_text(self) -> str:
        """'无数据（数据截至 2022-12-31）'."""
        return f"{NO_DATA}（数据截至 {self.data_end:%Y-%m-%d}）"

    @property
    def label(self) -> str:
        """'2022 年 3 月'."""
        return month_label(self.start)

    def mondays(self) -> list[date]:
        """The Mondays of the month that have come by the as-of date and the data's end (the weeks in the period)."""
        first = self.start + timedelta(days=(MONDAY - self.start.weekday()) % 7)
        days = (self.counted_end - first).days
        return [first + timedelta(days=7 * i) for i in range(days // 7 + 1)] if days >= 0 else []


def month_options(con: duckdb.DuckDBPyConnection, as_of: date) -> list[date]:
    """The months with activity data up to the as-of date's month, newest first (at least that month)."""
    first, _ = first_row(con.execute(load_sql("monthly_span", SQL_DIR))) or (None, None)
    last = month_start(as_of)
    current = month_start(first) if first is not None and first <= as_of else last
    months = []
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months[::-1]


@dataclass
class MonthlyView:
    """Everything the monthly page and brief show for one month and area."""

    window: MonthWindow
    area: str
    area_name: str
    row_label: str  # what a grid row is: 区、县（市） or 乡镇（街道）
    weeks: list[date]
    grid: pd.DataFrame  # key, code, name, total, <one column per Monday>, voiced_weeks, weeks
    themes: pd.DataFrame  # code, name, themed, status, count, themes, dates, titles
    activities: pd.DataFrame  # the month's activities (English columns, see ACTIVITY_COLUMNS)
    comparison: pd.DataFrame  # key, code, name, total, this/previous month figures
    previous: MonthWindow
    # Counties whose activities for the month are due and not received (DESIGN §9): their rows read 未报送.
    unreported: dict[str, list[str]] = field(default_factory=dict)

    def unreported_names(self) -> set[str]:
        """The grid rows (by name) of counties that have not reported the month's activities."""
        return set(self.grid.loc[self.grid["code"].isin(list(self.unreported)) & ~self.grid["total"], "name"])

    @property
    def total(self) -> pd.Series:
        """The area's own row of the grid (the city, or the county)."""
        return self.grid[self.grid["total"]].iloc[0]


def _week_counts(con: duckdb.DuckDBPyConnection, window: MonthWindow, county: str | None) -> pd.DataFrame:
    """Activities per (row_code, monday)."""
    return con.execute(load_sql("monthly_week_counts", SQL_DIR),
                       {"mondays": window.mondays(), "as_of": window.as_of, "county": county}).df()


def _activities(con: duckdb.DuckDBPyConnection, window: MonthWindow, county: str | None) -> pd.DataFrame:
    """The month's activities, cut at the as-of date."""
    frame = con.execute(load_sql("monthly_activities", SQL_DIR),
                        {"start": window.start, "end": window.cut_end, "county": county}).df()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def _grid(rows: list[tuple[str, str]], total: tuple[str, str], weeks: list[date], counts: pd.DataFrame) -> pd.DataFrame:
    """One row per area plus the total row: activities per week, voiced weeks and weeks."""
    cells = {(r.row_code, pd.Timestamp(r.monday).date()): int(r.activities) for r in counts.itertuples()}
    records = []
    for code, name in rows:
        records.append({"key": code, "code": code, "name": name, "total": False,
                        **{m: cells.get((code, m), 0) for m in weeks}})
    summed = {monday: sum(int(r[monday]) for r in records) for monday in weeks}  # type: ignore[call-overload]
    records.insert(0, {"key": TOTAL_KEY, "code": total[0], "name": total[1], "total": True, **summed})
    frame = pd.DataFrame.from_records(records, columns=["key", "code", "name", "total", *weeks])
    frame["voiced_weeks"] = (frame[weeks] > 0).sum(axis=1).astype(int) if weeks else 0
    frame["weeks"] = len(weeks)
    return frame


def _themes(counties: list[tuple[str, str]], acts: pd.DataFrame, window: MonthWindow) -> pd.DataFrame:
    """Each county's monthly-theme activities; a county without one is flagged."""
    themed = acts[acts["is_monthly_theme"].fillna(False).astype(bool)]
    records = []
    for code, name in counties:
        own = themed[themed["county_code"] == code]
        names = list(dict.fromkeys((own["theme"].where(own["theme"].notna(), own["title"])).astype(str)))
        status = THEMED if len(own) else window.no_data_text() if window.no_data else (
            NOT_YET if window.in_progress else MISSED)
        records.append({
            "code": code, "name": name, "themed": bool(len(own)), "status": status, "count": len(own),
            "themes": "、".join(names[:MAX_THEMES_SHOWN]) + ("等" if len(names) > MAX_THEMES_SHOWN else ""),
            "dates": "、".join(sorted({f"{d:%m-%d}" for d in own["date"]})),
            "titles": "；".join(own["title"].astype(str).head(MAX_THEMES_SHOWN)),
        })
    return pd.DataFrame.from_records(records, columns=["code", "name", "themed", "status", "count", "themes", "dates", "titles"])


def _row_key(acts: pd.DataFrame, county: str | None) -> pd.Series:
    """Which grid row each activity belongs to."""
    return acts["county_code"] if county is None else acts["row_code"]


def _month_figures(grid: pd.DataFrame, acts: pd.DataFrame, county: str | None) -> pd.DataFrame:
    """Per row (and the total): activities, participants, voiced weeks, weeks and whether a theme was held."""
    key = _row_key(acts, county)
    frame = grid[["key", "voiced_weeks", "weeks"]].copy()
    by_row = acts.assign(row=key).groupby("row")
    frame["activities"] = frame["key"].map(by_row.size()).fillna(0).astype(int)
    frame["participants"] = frame["key"].map(by_row["participants"].sum(min_count=1)).fillna(0).astype(int)
    themed_rows = set(key[acts["is_monthly_theme"].fillna(False).astype(bool)])
    frame["themed"] = frame["key"].isin(themed_rows)
    is_total = frame["key"] == TOTAL_KEY
    frame.loc[is_total, "activities"] = len(acts)
    frame.loc[is_total, "participants"] = int(acts["participants"].fillna(0).sum())
    frame.loc[is_total, "themed"] = bool(themed_rows)
    return frame.set_index("key")


def _comparison(grid: pd.DataFrame, now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """This month beside the previous one, row by row."""
    out = grid[["key", "code", "name", "total"]].copy()
    for column in ("activities", "participants", "voiced_weeks", "weeks", "themed"):
        out[f"{column}_now"] = out["key"].map(now[column]).values
        out[f"{column}_before"] = out["key"].map(before[column]).values
    out["activities_change"] = out["activities_now"] - out["activities_before"]
    return out


def month_view(con: duckdb.DuckDBPyConnection, month: date, as_of: date, county: str | None = None) -> MonthlyView:
    """The month containing `month`, seen on `as_of`, for the city (rows: counties) or one county (townships)."""
    _, data_end = first_row(con.execute(load_sql("monthly_span", SQL_DIR))) or (None, None)
    window = MonthWindow(month_start(month), as_of, data_end)
    previous = MonthWindow(previous_month(window.start), as_of, data_end)
    rows = [tuple(r) for r in con.execute(load_sql("monthly_rows", SQL_DIR), {"county": county}).fetchall()]
    if county is None:
        counties, total = rows, (CITY_CODE, CITY_NAME)
    else:
        name = first_row(con.execute("SELECT name FROM divisions WHERE code = ?", [county]))
        total = (county, name[0] if name else county)
        counties = [total]
    weeks, prev_weeks = window.mondays(), previous.mondays()
    counts, prev_counts = _week_counts(con, window, county), _week_counts(con, previous, county)
    acts, prev_acts = _activities(con, window, county), _activities(con, previous, county)
    if county is not None:
        seen = set(counts["row_code"]) | set(acts["row_code"]) | set(prev_counts["row_code"]) | set(prev_acts["row_code"])
        if county in seen:  # the county's own activities get their own row, after its townships
            rows = [*rows, (county, total[1] + SELF_ROW_SUFFIX)]
    grid = _grid(rows, total, weeks, counts)
    prev_grid = _grid(rows, total, prev_weeks, prev_counts)
    now, before = _month_figures(grid, acts, county), _month_figures(prev_grid, prev_acts, county)
    # Rows are counties only in the city's view; a month after all activity data reads 无数据 (数据截至…) as a whole.
    unreported = {} if county is not None or window.no_data else unreported_counties(
        con, default_plan(con, window.start), cycle_of(window.start, MONTH), ("activities",))
    return MonthlyView(
        window=window, area=total[0], area_name=total[1],
        row_label="区、县（市）" if county is None else "乡镇（街道）",
        weeks=weeks, grid=grid, themes=_themes(counties, acts, window), activities=acts,
        comparison=_comparison(grid, now, before), previous=previous, unreported=unreported,
    )


# ---- what people read: Chinese tables and sentences -------------------------------------------------------------

def silent_weeks(view: MonthlyView) -> dict[str, list[date]]:
    """Per area row (not the total), the weeks without any activity."""
    rows = view.grid[~view.grid["total"] & ~view.grid["code"].isin(list(view.unreported))]  # not silent: unreported
    return {r["name"]: [m for m in view.weeks if r[m] == 0] for _, r in rows.iterrows() if any(r[m] == 0 for m in view.weeks)}


def grid_table(view: MonthlyView) -> pd.DataFrame:
    """The counties × weeks grid with Chinese headers; silent weeks listed per row."""
    frame = view.grid.copy()
    silent = frame.apply(lambda r: "、".join(week_label(m) for m in view.weeks if r[m] == 0) or "无", axis=1)
    frame = frame.rename(columns={m: week_label(m) for m in view.weeks})
    frame["有活动周数"] = frame["voiced_weeks"].astype(str) + " / " + frame["weeks"].astype(str)
    frame["无活动的周"] = silent
    if view.window.no_data:  # no week of the month could be counted
        frame["有活动周数"] = frame["无活动的周"] = view.window.no_data_text()
    frame = frame.drop(columns=["key", "total", "voiced_weeks", "weeks"])
    frame = mark_unreported(frame, frame["code"], dict.fromkeys(("有活动周数", "无活动的周"), ("activities",)),
                            view.unreported)
    return frame.rename(columns={"code": "代码", "name": view.row_label})


def themes_table(view: MonthlyView) -> pd.DataFrame:
    """Each county's monthly theme, with Chinese headers."""
    themes = view.themes.drop(columns=["themed"])
    if view.window.no_data:  # not 0 theme activities: none could be counted
        themes["count"] = NO_DATA
    themes = mark_unreported(themes, themes["code"], dict.fromkeys(("status", "count"), ("activities",)),
                             view.unreported)
    return themes.rename(columns={
        "code": "代码", "name": "区、县（市）", "status": "月度主题", "count": "主题活动数", "themes": "主题",
        "dates": "日期", "titles": "活动名称",
    })


def activities_table(acts: pd.DataFrame) -> pd.DataFrame:
    """The activity list with Chinese headers and 是/否."""
    frame = acts[list(ACTIVITY_COLUMNS)].copy()
    frame["is_monthly_theme"] = frame["is_monthly_theme"].map(lambda v: "是" if v else "否")
    frame["participants"] = frame["participants"].astype("Int64")
    frame["township_name"] = frame["township_name"].fillna("（区县本级）")
    frame["theme"] = frame["theme"].fillna("")
    return frame.rename(columns=ACTIVITY_COLUMNS)


def comparison_table(view: MonthlyView, short: bool = False) -> pd.DataFrame:
    """This month beside the previous month, with Chinese headers (short: 本月/上月 instead of the months)."""
    c = view.comparison.copy()
    yes = {True: "有", False: "无"}
    now, before = ("本月", "上月") if short else (view.window.label, view.previous.label)
    for window, suffix in ((view.window, "now"), (view.previous, "before")):
        if window.no_data:  # nothing of the month was counted: 无数据, not 0 activities
            for column in ("activities", "participants", "voiced_weeks", "weeks", "themed"):
                c[f"{column}_{suffix}"] = NO_DATA
    changed = view.window.no_data or view.previous.no_data
    frame = pd.DataFrame({
        "代码": c["code"], view.row_label: c["name"],
        f"活动数（{now}）": c["activities_now"], f"活动数（{before}）": c["activities_before"],
        "活动数增减": c["activities_change"].map(lambda v: NO_DATA if changed else f"{v:+d}"),
        f"参与人次（{now}）": c["participants_now"], f"参与人次（{before}）": c["participants_before"],
        f"有活动周（{now}）": c["voiced_weeks_now"].astype(str) + " / " + c["weeks_now"].astype(str),
        f"有活动周（{before}）": c["voiced_weeks_before"].astype(str) + " / " + c["weeks_before"].astype(str),
        f"月度主题（{now}）": c["themed_now"].map(lambda v: yes.get(v, NO_DATA)),
        f"月度主题（{before}）": c["themed_before"].map(lambda v: yes.get(v, NO_DATA)),
    })
    for window, label in ((view.window, now), (view.previous, before)):
        if window.no_data:
            frame[f"有活动周（{label}）"] = NO_DATA
    this_month = [f"活动数（{now}）", "活动数增减", f"参与人次（{now}）", f"有活动周（{now}）", f"月度主题（{now}）"]
    return mark_unreported(frame, frame["代码"], dict.fromkeys(this_month, ("activities",)), view.unreported)


def filter_activities(acts: pd.DataFrame, categories: list[str] | None = None, areas: list[str] | None = None,
                      themes_only: bool = False, text: str = "") -> pd.DataFrame:
    """The activity list narrowed by category, county/township name, theme flag and a search text."""
    keep = pd.Series(True, index=acts.index)
    if categories:
        keep &= acts["category"].isin(categories)
    if areas:
        keep &= acts["county_name"].isin(areas) | acts["township_name"].isin(areas)
    if themes_only:
        keep &= acts["is_monthly_theme"].fillna(False).astype(bool)
    text = text.strip()
    if text:
        haystack = acts["title"].fillna("") + " " + acts["theme"].fillna("") + " " + acts["division_name"].fillna("")
        keep &= haystack.str.contains(text, case=False, regex=False)
    return acts[keep]


def headline(view: MonthlyView) -> list[str]:
    """The month in a few sentences (the page's summary and the brief's opening)."""
    c = view.comparison[view.comparison["total"]].iloc[0]
    total = view.total
    if view.window.no_data:
        return [f"{view.window.label}{view.window.no_data_text()}：活动数据只到 {view.window.data_end:%Y-%m-%d}，"
                "本月各地是否开展活动、月度主题尚不可知（不是无活动）。"]
    lines = [
        f"{view.window.label}{'（截至 ' + f'{view.window.counted_end:%m-%d}' + '）' if view.window.in_progress else ''}，"
        f"{view.area_name}共开展活动 {fmt_count(c['activities_now'])} 次，参与 {fmt_count(c['participants_now'])} 人次；"
        f"{view.previous.label}全月 {fmt_count(c['activities_before'])} 次（{int(c['activities_change']):+,d}）。",
        f"周周有声音：本月 {int(total['weeks'])} 周（周一在本月）中 {int(total['voiced_weeks'])} 周有活动。" if view.weeks
        else "周周有声音：本月还没有已开始的周（周一在本月且不晚于统计日）。",
    ]
    silent = silent_weeks(view)
    if silent:
        parts = [f"{name}（{'、'.join(week_label(m).split(' ')[0] for m in weeks)}）"
                 for name, weeks in list(silent.items())[:MAX_SILENT_NAMED]]
        more = "等" if len(silent) > MAX_SILENT_NAMED else ""
        lines.append(f"有无活动周的{view.row_label} {len(silent)} 个：" + "；".join(parts) + more + "。")
    elif view.weeks and not view.unreported:
        lines.append(f"每个{view.row_label}每周都有活动。")
    elif view.weeks:
        lines.append(f"其余{view.row_label}每周都有活动。")
    unreported = sorted(view.unreported_names())
    if unreported:  # not silent and not without a theme: their month has not been reported (DESIGN §9)
        lines.append(f"{UNREPORTED}：{'、'.join(unreported)}本月的活动数据已过截止日仍未收到，以上不计其有无活动。")
    themes = view.themes
    missing = themes[~themes["themed"] & ~themes["code"].isin(list(view.unreported))]
    verb = "尚未开展" if view.window.in_progress else "未开展"
    if len(themes) == 1:
        row = themes.iloc[0]
        lines.append(f"月月有主题：{row['name']}本月已开展月度主题活动（{row['themes']}，{row['dates']}）。" if row["themed"]
                     else f"月月有主题：{row['name']}本月{verb}月度主题活动。")
        return lines
    reported = len(themes) - len(view.unreported)
    held = f"月月有主题：{reported - len(missing)} / {reported} 个区县开展了月度主题活动" + (
        f"（{len(view.unreported)} 个区县{UNREPORTED}，不计）" if view.unreported else "")
    if len(missing):
        held += f"，{verb}：{'、'.join(missing['name'])}"
    lines.append(held + "。")
    return lines
