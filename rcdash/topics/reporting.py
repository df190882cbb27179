"""What the 报送情况 page shows (DESIGN §9), as DataFrames: the counties × kinds grid, rates, what to chase."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from rcdash.labels import UNREPORTED
from rcdash.metrics.engine import default_as_of
from rcdash.reporting.calendar import CYCLE_WORDS, HALF_YEAR, MONTH, Cycle, Duty, cycles_in, latest_due
from rcdash.reporting.status import LATE, MISSING, NOT_DUE, ON_TIME, STATUS_LABELS, KindStatus, ReportingView
from rcdash.store.sql import scalar, table_names

UNIT_LABELS = {MONTH: "按月", HALF_YEAR: "按半年"}
PERIODS_OFFERED = {MONTH: 36, HALF_YEAR: 10}  # three years of months, five of half-years: the plan's span and more
STATUS_MARKS = {ON_TIME: "✓", LATE: "⚠", MISSING: "✗", NOT_DUE: "…"}  # the status is read without its colour too
CITY_ROW = "全市"


def has_imports(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any import has loaded data (without one, every county reads 未报送 and the page says why)."""
    return bool(scalar(con, "SELECT count(*) FROM imports WHERE status = 'loaded'"))


def has_coverage(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the import log records what imports report (databases older than it cannot say)."""
    return "import_coverage" in table_names(con)


def period_options(con: duckdb.DuckDBPyConnection, unit: str, calendar: list[Duty], today: date) -> list[Cycle]:
    """The periods the picker offers, newest first: the latest that is due (the default) and those before it."""
    latest = latest_due(unit, calendar, today, default_as_of(con, today))
    options = [latest]
    while len(options) < PERIODS_OFFERED[unit]:
        options.append(options[-1].previous())
    return options


def _short(day: date, period: Cycle) -> str:
    """A date without its year when it is the period's year or the next."""
    return f"{day:%m-%d}" if day.year in (period.end.year, period.end.year + 1) else f"{day:%Y-%m-%d}"


def cell_text(status: KindStatus, period: Cycle) -> str:
    """A grid cell, short enough to read whole: mark, status and the date data first came; for several cycles the
    months missing, or how many of them were late or on time (the due date stands in the column's title)."""
    mark, label = STATUS_MARKS[status.status], STATUS_LABELS[status.status]
    if len(status.cycles) == 1:
        received = status.cycles[0].received
        return f"{mark} {label}" + (f" {_short(received.date(), period)}" if received is not None else "")
    counts, total = status.counts(), len(status.cycles)
    if status.status == MISSING:
        months = [f"{c.cycle.start.month}" for c in status.cycles if c.status == MISSING]
        return f"{mark} {label}：缺 {'、'.join(months)} 月"
    if status.status in (LATE, ON_TIME):
        text = f"{mark} {label} {counts[status.status]}/{total} 期"
        return text + (f"（{counts[NOT_DUE]} 期未到期）" if counts[NOT_DUE] else "")
    return f"{mark} {label}"


def column_title(duty: Duty, period: Cycle) -> str:
    """A kind's column: its name and due date, or how many cycles the period holds (their due dates: the rules)."""
    cycles = cycles_in(period, duty.cycle)
    if len(cycles) == 1:
        return f"{duty.zh}（截止 {_short(duty.due(cycles[0]), period)}）"
    return f"{duty.zh}（{len(cycles)} 个{'月' if duty.cycle == MONTH else '半年'}）"


def status_grid(view: ReportingView) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counties × kinds: the cell texts, and the status codes behind them (for the colours)."""
    names = {d.kind: column_title(d, view.period) for d in view.duties}
    texts, codes = [], []
    for county in view.counties:
        texts.append({"区县": county.name, **{names[k]: cell_text(s, view.period) for k, s in county.kinds.items()}})
        codes.append({"区县": county.name, **{names[k]: s.status for k, s in county.kinds.items()}})
    columns = ["区县", *names.values()]
    return pd.DataFrame(texts, columns=columns), pd.DataFrame(codes, columns=columns)


def rates_table(view: ReportingView) -> pd.DataFrame:
    """Per county and for the city: cycles due, on time, late, missing, and the two rates."""
    rows = []
    for name, kinds, rates in [*((c.name, list(c.kinds.values()), c.rates) for c in view.counties),
                               (CITY_ROW, [k for c in view.counties for k in c.kinds.values()], view.rates)]:
        counts = [k.counts() for k in kinds]
        on_time, late, missing = (sum(c[s] for c in counts) for s in (ON_TIME, LATE, MISSING))
        rows.append({"区县": name, "应报期数": on_time + late + missing, "按时": on_time, "逾期": late,
                     "未报送": missing, "及时率": rates[0], "完整率": rates[1]})
    return pd.DataFrame(rows)


def overdue_table(view: ReportingView) -> pd.DataFrame:
    """What to chase: every county × kind × cycle past its due date with nothing received, longest overdue first."""
    rows = []
    for county in view.counties:
        for kind, status in county.kinds.items():
            for c in status.cycles:
                if c.status == MISSING:
                    rows.append({"区县": county.name, "代码": county.code, "数据类型": status_zh(kind, view),
                                 "报送期": c.cycle.label, "截止日期": c.due.isoformat(),
                                 "已逾期（天）": (view.today - c.due).days})
    frame = pd.DataFrame(rows, columns=["区县", "代码", "数据类型", "报送期", "截止日期", "已逾期（天）"])
    return frame.sort_values(["已逾期（天）", "代码"], ascending=[False, True]).reset_index(drop=True)


def status_zh(kind: str, view: ReportingView) -> str:
    """The Chinese name of an owed kind."""
    return next(d.zh for d in view.duties if d.kind == kind)


def rules_text(calendar: list[Duty]) -> str:
    """How the page decides, in Chinese (markdown)."""
    lines = [f"- {d.describe()}" for d in calendar]
    return "\n".join([
        "**报送日历**（计划中的报送日历 [reporting]；未设置时用默认值）：", *lines, "",
        f"**状态**：截止日前（含当天）收到该期数据为“{STATUS_LABELS[ON_TIME]}”，截止日后才收到为“{STATUS_LABELS[LATE]}”，"
        f"过了截止日仍未收到为“{UNREPORTED}”，还没到截止日也未收到为“{STATUS_LABELS[NOT_DUE]}”。",
        "**收到时间**：市里直接导入的数据以导入时间为准；区县报送、经审核通过的数据以报送时间为准；已撤销的导入不算。",
        "**哪一期**：会员、活动等带统计日期的数据，按行的日期所在月份（半年）计；基层组织、队伍、服务阵地等名册没有统计日期，"
        "一期结束后收到的第一份名册就是这一期的报送（例如 2023-01-08 收到的名册是 2022 年下半年的按时报送；"
        "若 2022 年上半年结束后一直没有名册，它同时是上半年的逾期报送）。",
        f"**一期包含多个周期**（如半年中的 6 个月）：有一个月{UNREPORTED}即为{UNREPORTED}，否则有逾期即为逾期，否则为按时；"
        "格子里写出各状态的期数。",
        "**及时率** = 按时的期数 ÷ 应报期数；**完整率** = 已报（按时 + 逾期）的期数 ÷ 应报期数。应报期数只算已过截止日"
        "或已收到的期。",
        f"选“{CYCLE_WORDS[MONTH]}”的某个月时，按半年报送的数据只在 6 月和 12 月应报。",
    ])

