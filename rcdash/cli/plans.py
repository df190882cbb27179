"""`python -m rcdash plans list|show|check|import`: the plans the figures are measured against (DESIGN §8)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rcdash.cli.common import UsageProblem, open_reader, open_writer

EXIT_REFUSED = 1


def _plans_of(args: argparse.Namespace) -> tuple[list, set[str]]:
    """Every plan, and the ids stored in the database (only the seed plan when there is no database yet)."""
    from rcdash import config, plans

    if not config.db_path(args.db).exists():
        return [plans.seed_plan()], set()
    con = open_reader(args)
    try:
        every = plans.all_plans(con)
        return every, {p.id for p in every if plans.is_stored(con, p.id)}
    finally:
        con.close()


def cmd_list(args: argparse.Namespace) -> int:
    """List the plans: id, name, period, source, whether the database holds it."""
    every, stored = _plans_of(args)
    rows = [{**p.summary(), "stored": p.id in stored} for p in every]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        where = "已存入数据库" if r["stored"] else "随程序提供"
        print(f"{r['id']}  {r['name']}  {r['start']} 至 {r['end']}  {where}" + (f"  {r['source']}" if r["source"] else ""))
    return 0


def plan_detail(plan: object) -> dict:
    """What `plans show` prints: period, targets, interim targets, the rules and the evaluation weights."""
    from rcdash.metrics.rules import plan_rules
    from rcdash.metrics.targets import TargetBook

    rules = plan_rules(TargetBook({}, plan))  # type: ignore[arg-type]
    return {**plan.summary(), "region": plan.region,  # type: ignore[attr-defined]
            "targets": dict(plan.targets),  # type: ignore[attr-defined]
            "interim": {str(y): dict(v) for y, v in sorted(plan.interim.items())},  # type: ignore[attr-defined]
            "rules": [{"rule": r.key, "label": r.label, "metric": r.metric, "levels": list(r.levels)} for r in rules],
            "weights": dict(plan.weights)}  # type: ignore[attr-defined]


def cmd_show(args: argparse.Namespace) -> int:
    """One plan in full."""
    from rcdash import plans
    from rcdash.metrics.definitions import METRIC_BY_NAME, format_value
    from rcdash.metrics.kpi import LEVEL_NAMES

    every, _ = _plans_of(args)
    plan = next((p for p in every if p.id == args.id), None)
    if plan is None:
        raise UsageProblem(f"没有编号为“{args.id}”的计划（已有：{'、'.join(p.id for p in every)}）")
    detail = plan_detail(plan)
    if args.format == "json":
        print(json.dumps(detail, ensure_ascii=False, indent=1))
        return 0
    assert isinstance(plan, plans.Plan)
    print(f"{plan.name}（{plan.id}）：{plan.start} 至 {plan.end}" + (f"，{plan.source}" if plan.source else ""))
    print(f"计划末（{plan.end}）目标：")
    for metric, value in plan.targets.items():
        print(f"  {METRIC_BY_NAME[metric].zh}（{metric}）：{format_value(METRIC_BY_NAME[metric], value)}")
    for year, values in sorted(plan.interim.items()):
        shown = "、".join(f"{METRIC_BY_NAME[m].zh} {format_value(METRIC_BY_NAME[m], v)}" for m, v in values.items())
        print(f"{year} 年阶段目标：{shown}")
    print("计划要求：" + "；".join(f"{r['label']}（{'、'.join(LEVEL_NAMES[v] for v in r['levels'])}）" for r in detail["rules"]))
    print("年度工作评价权重：" + "，".join(f"{METRIC_BY_NAME[m].zh} {w:g}" for m, w in plan.weights.items()))
    return 0


def _checked(path: Path) -> object | None:
    """The plan of a file; None (printed why: exit 1) when refused, UsageProblem (exit 2) when unreadable or not TOML."""
    from rcdash import plans

    try:
        return plans.read_file(path)
    except plans.PlanUnreadable as exc:
        raise UsageProblem(f"{path}：{exc}") from None
    except plans.PlanRefused as exc:
        _refused(path, exc)
        return None


def _refused(path: Path, exc: Exception) -> None:
    """Print why a plan was refused."""
    print(f"计划未通过检查：{path}，未作任何改动。请修正：", file=sys.stderr)
    for problem in exc.problems:  # type: ignore[attr-defined]
        print(f"  {problem}", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    """Check a plan file without storing it."""
    plan = _checked(Path(args.file))
    if plan is None:
        return EXIT_REFUSED
    print(f"计划检查通过：{plan.name}（{plan.id}，{plan.start} 至 {plan.end}），"  # type: ignore[attr-defined]
          f"{len(plan.targets)} 项计划末目标")  # type: ignore[attr-defined]
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Check a plan file, then store it in the database (nothing stored when refused)."""
    from rcdash import plans

    path = Path(args.file)
    plan = _checked(path)
    if plan is None:
        return EXIT_REFUSED
    try:
        with open_writer(args) as con:
            added = plans.store(con, plan)  # type: ignore[arg-type]
    except plans.PlanRefused as exc:
        _refused(path, exc)
        return EXIT_REFUSED
    verb = "已导入计划" if added else "计划已存在且内容相同，未改动"
    print(f"{verb}：{plan.name}（{plan.id}，{plan.start} 至 {plan.end}）")  # type: ignore[attr-defined]
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `plans` command group to the CLI."""
    p = subparsers.add_parser("plans", help="计划：列出、查看、检查、导入（TOML 文件）")
    sub = p.add_subparsers(dest="plans_command", required=True, metavar="ACTION")
    q = sub.add_parser("list", help="列出所有计划")
    q.add_argument("--format", choices=("text", "json"), default="text")
    q.set_defaults(run=cmd_list)
    q = sub.add_parser("show", help="查看一个计划的目标、阶段目标、要求和评价权重")
    q.add_argument("id", metavar="ID", help="计划编号，例如 shaoxing-2020-2022")
    q.add_argument("--format", choices=("text", "json"), default="text")
    q.set_defaults(run=cmd_show)
    q = sub.add_parser("check", help="检查计划文件（不写入）")
    q.add_argument("file", metavar="FILE.toml")
    q.set_defaults(run=cmd_check)
    q = sub.add_parser("import", help="检查并导入计划文件")
    q.add_argument("file", metavar="FILE.toml")
    q.set_defaults(run=cmd_import)
