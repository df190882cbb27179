"""`python -m rcdash report --period 2022H2 --out FILE.docx|.xlsx|.pdf`: the half-year briefing or annual evaluation."""

from __future__ import annotations

import argparse
from pathlib import Path


def cmd_report(args: argparse.Namespace) -> int:
    """Write the briefing of one period in the format the file extension names."""
    from rcdash.cli.common import UsageProblem, chosen_plan, open_reader
    from rcdash.metrics.period import parse_period
    from rcdash.reports.content import ReportProblem, build_briefing
    from rcdash.reports.documents import format_of, render
    from rcdash.reports.fonts import FontMissing

    out = Path(args.out)
    try:  # both checked before the database is opened: a bad call fails fast
        fmt = format_of(out)
        period = parse_period(args.period)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    con = open_reader(args)
    try:
        plan = None if args.plan is None else chosen_plan(con, args.plan, period.end)
        briefing = build_briefing(con, period, plan=plan)
    except ReportProblem as exc:
        raise UsageProblem(str(exc)) from None
    finally:
        con.close()
    try:
        data = render(briefing, fmt)
    except FontMissing as exc:
        raise UsageProblem(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"已生成《{briefing.full_title}》（统计截至 {briefing.as_of:%Y-%m-%d}）：{out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` subcommand to the CLI."""
    p = subparsers.add_parser("report", help="生成半年工作进度通报或年度工作评价（.docx / .xlsx / .pdf）")
    p.add_argument("--period", required=True, metavar="PERIOD",
                   help="报告期：2022H2（下半年）、2022H1（上半年）——半年工作进度通报；2022（全年）——年度工作评价")
    p.add_argument("--out", required=True, metavar="FILE", help="输出文件，扩展名决定格式：.docx、.xlsx 或 .pdf")
    p.add_argument("--plan", metavar="ID", help="对照的计划编号（默认：统计截至日所在计划期的计划；见 plans list）")
    p.set_defaults(run=cmd_report)
