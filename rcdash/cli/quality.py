"""`python -m rcdash quality [--as-of DATE] [--county CODE] [--format json|table]`: the data-quality flags (§10)."""

from __future__ import annotations

import argparse
import json

TABLE_COLUMNS = {"check": "检查项", "severity": "严重程度", "division_name": "区划", "date": "日期", "value": "数值",
                 "import_id": "导入编号", "message": "说明"}


def cmd_quality(args: argparse.Namespace) -> int:
    """List the open flags (verified ones no longer count) as JSON or as a table."""
    from rcdash.cli.common import UsageProblem, open_reader
    from rcdash.metrics.engine import default_as_of
    from rcdash.quality import CHECKS, as_json, find_issues, open_issues
    from rcdash.quality.engine import plain, severity_label

    con = open_reader(args)
    try:
        if args.county is not None:
            known = {r[0] for r in con.execute("SELECT code FROM divisions WHERE level = 'county'").fetchall()}
            if args.county not in known:
                raise UsageProblem(f"没有代码为 {args.county} 的区、县（市）；请写 6 位代码，例如 330602（越城区）")
        as_of = args.as_of or default_as_of(con)
        issues = find_issues(con, as_of, args.county)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps(as_json(issues, as_of), ensure_ascii=False))
        return 0
    shown = open_issues(issues)
    if shown.empty:
        print(f"截至 {as_of:%Y-%m-%d} 没有发现数据质量问题。")
        return 0
    table = shown.assign(check=shown["check"].map(lambda c: CHECKS[c].zh),
                         severity=shown["severity"].map(severity_label),
                         date=shown["date"].map(lambda d: f"{d:%Y-%m-%d}"), value=shown["value"].map(plain))
    print(f"截至 {as_of:%Y-%m-%d}，共 {len(shown)} 条待核实的数据质量问题：")
    print(table[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS).to_string(index=False))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `quality` subcommand to the CLI."""
    from rcdash.cli.common import iso_date

    p = subparsers.add_parser("quality", help="数据质量检查：列出看起来不对、需要核实的数据（DESIGN §10）")
    p.add_argument("--as-of", type=iso_date, help="统计日 YYYY-MM-DD（默认：数据中最晚的日期）")
    p.add_argument("--county", metavar="CODE", help="只看一个区、县（市），6 位代码")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(run=cmd_quality)
