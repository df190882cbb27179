"""`python -m rcdash reporting --period 2022H2|2022-12`: who has reported what, on time or late (DESIGN §9)."""

from __future__ import annotations

import argparse
import json

from rcdash.cli.common import UsageProblem, chosen_plan, open_reader
from rcdash.labels import fmt_rate


def cmd_reporting(args: argparse.Namespace) -> int:
    """Print each county's status per kind for the period, and the rates."""
    from rcdash.reporting import parse_period, reporting_view
    from rcdash.reporting.status import STATUS_LABELS

    try:
        period = parse_period(args.period)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    con = open_reader(args)
    try:
        view = reporting_view(con, chosen_plan(con, args.plan, period.end), period)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps(view.as_json(), ensure_ascii=False))
        return 0
    print(f"报送情况 {period.label}（{period.zh}），截至 {view.today:%Y-%m-%d}")
    if not view.duties:
        print("该期不需报送任何数据（报送日历见计划的 [reporting]）。")
        return 0
    header = ["区县", *(d.zh for d in view.duties), "及时率", "完整率"]
    print("\t".join(header))
    for county in view.counties:
        cells = []
        for duty in view.duties:
            status = county.kinds[duty.kind]
            counts = status.counts()
            detail = f"（{counts['on_time']}/{counts['late']}/{counts['missing']}）" if len(status.cycles) > 1 else ""
            cells.append(STATUS_LABELS[status.status] + detail)
        print("\t".join([county.name, *cells, *(fmt_rate(r) for r in county.rates)]))
    print("\t".join(["全市", *([""] * len(view.duties)), *(fmt_rate(r) for r in view.rates)]))
    if any(len(s.cycles) > 1 for c in view.counties for s in c.kinds.values()):
        print("括号内：按时/逾期/未报送的期数（按月报送的数据在半年中有 6 期）。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `reporting` subcommand."""
    p = sub.add_parser("reporting", help="各区县报送情况：按时 / 逾期 / 未报送（DESIGN §9）")
    p.add_argument("--period", required=True, help="报送期：2022H2（半年）或 2022-12（月份）")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument("--plan", metavar="ID", help="报送日历所属的计划编号（默认：该期所在计划期的计划）")
    p.set_defaults(run=cmd_reporting)
