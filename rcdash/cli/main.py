"""The command line of DESIGN §6: `python -m rcdash …`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from rcdash import config
from rcdash.cli.common import UsageProblem, chosen_plan, iso_date, open_reader, open_writer
from rcdash.records.kinds import KINDS

DEMO_DEFAULT_SEED = 20201  # the seed `make run` builds with; any other gives another, equally valid story
DEBUG_ENV_VAR = "RCDASH_DEBUG"  # set it to see tracebacks of internal errors
DB_HELP = f"数据库路径（默认 ${config.DB_ENV_VAR} 或 {config.DEFAULT_DB_PATH.relative_to(config.REPO_ROOT)}）；命令前后均可"


def cmd_init(args: argparse.Namespace) -> int:
    """Create an empty database with schema and reference data."""
    from rcdash.metrics.derived import init_db

    path = config.db_path(args.db)
    init_db(path)
    print(f"已初始化数据库：{path}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    """Write an empty import template."""
    from rcdash.importing.template import template_bytes

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UsageProblem("模板文件名应以 .xlsx 结尾，例如 --out branches.xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(template_bytes(KINDS[args.kind]))
    print(f"已生成“{KINDS[args.kind].zh}”导入模板：{out}")
    return 0


def _print_import_text(result: object) -> None:
    """A human summary of an import and its errors."""
    r = result
    verb = "校验（未写入）" if r.dry_run else "导入"
    if r.exit_code == 0:
        head = f"{verb}成功：{r.file}（{KINDS[r.kind].zh}）共 {r.rows} 行，全部通过"
        if r.import_id is not None:
            head += f"；导入编号 #{r.import_id}，{r.counts_text()}"
        print(head)
    elif r.exit_code == 1:
        print(f"{verb}未执行：{r.file} 共 {r.rows} 行，{r.rejected} 行有错误，数据库未作任何改动。请修正后重新导入：")
    else:
        print(f"无法导入 {r.file}：")
    for w in r.warnings:
        print(f"  提示：{w}")
    if r.quality:
        print(f"  数据质量提示（{len(r.quality)} 条，不影响导入，请核实；导入后可在“数据质量”页或 `quality` 命令查看）：")
    for q in r.quality:
        print(f"  提示：{q['message']}")
    for e in r.errors:
        where = f"第 {e.row} 行" if e.row else "文件"
        col = f"“{e.column}”列" if e.column else ""
        val = f"（值：{e.value}）" if e.value else ""
        print(f"  {where}{col}{val}：{e.message}")
    if r.errors_truncated:
        print("  ……错误过多，只列出前面部分")


def cmd_import(args: argparse.Namespace) -> int:
    """Validate and load one file."""
    from rcdash.importing.load import import_file, import_into
    from rcdash.metrics.derived import refresh_deferring
    from rcdash.quality import preview
    from rcdash.store.publish import WriterBusy

    path = Path(args.file)
    if not path.is_file():
        raise UsageProblem(f"找不到文件：{path}")
    if args.submit_as:  # a county submission: pending until an admin approves it (DESIGN §9)
        from rcdash.cli.submissions import submit_file

        return submit_file(args, path)
    db = config.db_path(args.db)
    if args.dry_run and db.exists():
        con = open_reader(args)  # a dry run changes nothing, so it does not publish a new snapshot either
        try:
            result = import_file(con, args.kind, path, dry_run=True, user=config.current_user(), inspect=preview)
        finally:
            con.close()
    elif args.dry_run:
        with open_writer(args) as con:  # creates the database, as any command on a missing one does
            result = import_file(con, args.kind, path, dry_run=True, user=config.current_user(), inspect=preview)
    else:
        if not db.exists():
            print(f"数据库 {db} 不存在，已新建（含区划参考数据）。", file=sys.stderr)
        try:
            result = import_into(db, args.kind, path, user=config.current_user(), refresh=refresh_deferring,
                                 inspect=preview)
        except WriterBusy as exc:
            raise UsageProblem(str(exc)) from None
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
    else:
        _print_import_text(result)
    if result.import_id is not None:  # rows were loaded
        settle_after_import(db)
    return result.exit_code


def settle_after_import(db: Path) -> None:
    """Store the latest metrics again (the import published its rows without them; see rcdash.metrics.derived.settle)."""
    from rcdash.metrics.derived import settle
    from rcdash.store.publish import WriterBusy

    try:
        settle(db)
    except WriterBusy:  # another writer holds the database; its publish stores them, and readers compute meanwhile
        print("统计缓存稍后更新（数据库正被另一个写入占用）；数据已导入，查询不受影响。", file=sys.stderr)
    except (duckdb.Error, OSError) as exc:  # the rows are in: report, and let the next write store them
        print(f"数据已导入，但统计缓存未能更新（{exc}）；页面与 kpi 将直接计算，下一次写入会再次更新。", file=sys.stderr)


def cmd_imports(args: argparse.Namespace) -> int:
    """List the import log."""
    from rcdash.importing.load import list_imports

    con = open_reader(args)
    try:
        log = list_imports(con)
    finally:
        con.close()
    if args.format == "json":
        print(log.to_json(orient="records", force_ascii=False, date_format="iso"))
    elif log.empty:
        print("还没有导入记录。用 `python -m rcdash import KIND FILE` 导入数据。")
    else:
        shown = log[["import_id", "kind", "file_name", "rows", "inserted", "updated", "unchanged", "status", "created_at",
                     "created_by"]]
        print(shown.rename(columns={"import_id": "编号", "kind": "类型", "file_name": "文件", "rows": "行数",
                                    "inserted": "新增", "updated": "更新", "unchanged": "未变", "status": "状态",
                                    "created_at": "时间", "created_by": "操作人"}).to_string(index=False))
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    """Revert one import."""
    from rcdash.importing.load import UndoRefused, undo_import

    try:
        with open_writer(args) as con:
            outcome = undo_import(con, args.import_id, user=config.current_user())
    except UndoRefused as exc:
        raise UsageProblem(str(exc)) from None
    print(f"已撤销导入 #{outcome['import_id']}（{KINDS[outcome['kind']].zh}）：删除 {outcome['removed']} 行，"
          f"恢复被覆盖的 {outcome['restored']} 行")
    return 0


def cmd_kpi(args: argparse.Namespace) -> int:
    """Print the metrics of the city and every area of a level."""
    from rcdash.metrics.engine import default_as_of
    from rcdash.metrics.kpi import kpi, render

    con = open_reader(args)
    try:
        as_of = args.as_of or default_as_of(con)
        report = kpi(con, as_of, args.level, plan=chosen_plan(con, args.plan, as_of))
    finally:
        con.close()
    print(render(report, args.format))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the deterministic demo database."""
    from rcdash.demo import build_demo

    path = config.db_path(args.db)
    try:
        summary = build_demo(path, scale=args.scale, seed=args.seed, force=args.force,
                             progress=lambda msg: print(msg, file=sys.stderr))
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    print(f"示例数据库已生成：{path}（规模 {args.scale}，种子 {args.seed}）")
    for key, value in summary.items():
        print(f"  {key}: {value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m rcdash", description="绍兴市红十字基层组织建设数据看板：命令行")
    parser.add_argument("--db", help=DB_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    kinds = sorted(KINDS)

    p = sub.add_parser("init", help="新建空数据库（含区划参考数据）")
    p.set_defaults(run=cmd_init)

    p = sub.add_parser("template", help="生成导入模板 .xlsx")
    p.add_argument("kind", choices=kinds, metavar="KIND", help="数据类型：" + "、".join(kinds))
    p.add_argument("--out", required=True, help="输出文件 .xlsx")
    p.set_defaults(run=cmd_template)

    p = sub.add_parser("import", help="导入 CSV/XLSX 文件")
    p.add_argument("kind", choices=kinds, metavar="KIND", help="数据类型：" + "、".join(kinds))
    p.add_argument("file", help="CSV（UTF-8 或 GBK）或 XLSX 文件")
    p.add_argument("--dry-run", action="store_true", help="只校验，不写入")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--submit-as", metavar="NAME", help="以区县账号 NAME 报送：校验后待管理员批准，批准前不计入任何数字")
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("imports", help="列出导入记录")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_imports)

    p = sub.add_parser("undo", help="撤销一次导入")
    p.add_argument("import_id", type=int, metavar="IMPORT_ID")
    p.set_defaults(run=cmd_undo)

    p = sub.add_parser("kpi", help="计算各项指标（DESIGN §5）")
    p.add_argument("--as-of", type=iso_date, help="统计日 YYYY-MM-DD（默认：数据中最晚的日期）")
    p.add_argument("--level", choices=("county", "township"), default="county")
    p.add_argument("--format", choices=("json", "csv", "table"), default="table")
    p.add_argument("--plan", metavar="ID", help="对照的计划编号（默认：统计日所在计划期的计划；见 plans list）")
    p.set_defaults(run=cmd_kpi)

    p = sub.add_parser("demo", help="生成确定性的示例数据库")
    p.add_argument("--scale", choices=("city", "province", "national"), default="city")
    p.add_argument("--seed", type=int, default=DEMO_DEFAULT_SEED)
    p.add_argument("--force", action="store_true", help="覆盖含真实导入数据的数据库")
    p.set_defaults(run=cmd_demo)

    from rcdash.cli import brand_photo  # `brand-photo`: one photo for one 一地一品 project
    brand_photo.register(sub)
    from rcdash.cli import geo as geo_cli  # `geo import-townships` and friends live with the geography
    geo_cli.register(sub)
    from rcdash.cli import reports as report_cli  # `report`: the half-year briefing and annual evaluation
    report_cli.register(sub)
    from rcdash.cli import maps as map_cli  # `map`: the print-ready township map
    map_cli.register(sub)
    from rcdash.cli import plans as plans_cli  # `plans list|show|check|import`: the plans figures are measured against
    plans_cli.register(sub)
    from rcdash.cli import reporting as reporting_cli  # `reporting --period`: on time / late / missing per county
    reporting_cli.register(sub)
    from rcdash.cli import submissions as submissions_cli  # `submissions`: county submissions, approve / return
    submissions_cli.register(sub)
    from rcdash.cli import quality as quality_cli  # `quality`: the data-quality flags (DESIGN §10)
    quality_cli.register(sub)
    from rcdash.cli import users as auth_cli  # `users add|list|remove`: who may sign in

    auth_cli.register(sub)
    accept_db_after_command(parser)
    return parser


def accept_db_after_command(parser: argparse.ArgumentParser) -> None:
    """Let every (sub)command take `--db` too, so that `rcdash kpi --db X` works like `rcdash --db X kpi`."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for command in {id(p): p for p in action.choices.values()}.values():  # aliases share a parser
            if "--db" not in command._option_string_actions:
                # SUPPRESS: when a command is not given --db, the value before the command (or None) stays.
                command.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
            accept_db_after_command(command)


SIGPIPE_EXIT = 128 + 13  # what a shell reports for a command stopped by a closed pipe


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input never ends in a traceback."""
    args = build_parser().parse_args(argv)
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # here, so that a reader gone away is reported as one (below), not at exit
        return code
    except UsageProblem as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断，数据库未改动。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # whoever read the output stopped reading (`rcdash imports | head`): nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # else the flush at exit fails once more
        return SIGPIPE_EXIT
    except Exception as exc:  # an internal fault: say so plainly, keep the traceback for developers
        if os.environ.get(DEBUG_ENV_VAR):
            raise
        print(f"内部错误：{type(exc).__name__}: {exc}（设置 {DEBUG_ENV_VAR}=1 查看详细信息）", file=sys.stderr)
        return 2
