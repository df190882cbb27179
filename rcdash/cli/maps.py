"""`python -m rcdash map --metric … --out FILE.png|.pdf|.svg`: a print-ready township map (DESIGN §11)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rcdash.cli.common import iso_date
from rcdash.maps.classes import CHOROPLETH_METRICS


def cmd_map(args: argparse.Namespace) -> int:
    """Draw the township map of one metric for the city or a county and write it in the format the extension names."""
    from rcdash.cli.common import UsageProblem, chosen_plan, open_reader
    from rcdash.metrics.engine import default_as_of
    from rcdash.reports.fonts import FontMissing
    from rcdash.reports.printed_map import MapProblem, check_metric, draw, format_of, load_print_map, render

    out = Path(args.out)
    try:  # checked before the database is opened: a bad call fails fast
        fmt = format_of(out)
        check_metric(args.metric)
    except MapProblem as exc:
        raise UsageProblem(str(exc)) from None
    con = open_reader(args)
    try:
        as_of = args.as_of or default_as_of(con)
        plan = chosen_plan(con, args.plan, as_of)
        printed = load_print_map(con, args.metric, as_of, args.county, sites=args.sites, plan=plan)
    except MapProblem as exc:
        raise UsageProblem(str(exc)) from None
    finally:
        con.close()
    try:
        data = render(draw(printed), fmt)
    except FontMissing as exc:
        raise UsageProblem(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"已生成地图《{printed.title}》（统计截至 {printed.as_of:%Y-%m-%d}）：{out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `map` subcommand to the CLI."""
    p = subparsers.add_parser("map", help="生成可打印的乡镇地图（A4 横向；.png / .pdf / .svg）")
    # Not argparse `choices`: an unknown metric gets the same Chinese message (and exit 2) as the page's names.
    p.add_argument("--metric", required=True, metavar="METRIC",
                   help="着色指标：" + "、".join(f"{m.key}（{m.short}）" for m in CHOROPLETH_METRICS))
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="统计截至日（默认：最新数据日期）")
    p.add_argument("--county", metavar="CODE", help="只画一个区、县（市）：代码或名称，如 330603 或 柯桥区（默认全市）")
    p.add_argument("--sites", action="store_true", help="按类型标出服务阵地（中心、基地、站、点）")
    p.add_argument("--plan", metavar="ID", help="对照的计划编号（默认：统计截至日所在计划期的计划；见 plans list）")
    p.add_argument("--out", required=True, metavar="FILE", help="输出文件，扩展名决定格式：.png（300 dpi）、.pdf 或 .svg")
    p.set_defaults(run=cmd_map)
