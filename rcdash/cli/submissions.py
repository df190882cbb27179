"""`python -m rcdash submissions …` and `import … --submit-as NAME`: county submissions (DESIGN §9)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rcdash import config
from rcdash.admin.users import AuthError, User, find_user
from rcdash.cli.common import UsageProblem, open_reader
from rcdash.importing.submissions import (
    STATUSES,
    SubmissionRefused,
    approve_into,
    return_into,
    submit_into,
    visible,
)
from rcdash.labels import SUBMISSION_STATUS_LABELS
from rcdash.records.kinds import KINDS
from rcdash.store.publish import WriterBusy

LIST_COLUMNS = {"submission_id": "编号", "county_name": "区县", "kind": "类型", "file_name": "文件", "rows": "行数",
                "inserted": "新增", "updated": "更新", "unchanged": "未变", "status": "状态", "submitted_by": "报送人",
                "submitted_at": "报送时间", "decided_by": "处理人", "import_id": "导入编号", "reason": "退回原因"}


def named_user(args: argparse.Namespace, name: str) -> User:
    """The user a `--by` / `--submit-as` NAME names, with the role and county the users file gives it."""
    try:
        return find_user(config.users_path(config.db_path(args.db)), name)
    except AuthError as exc:
        raise UsageProblem(str(exc)) from None


def submit_file(args: argparse.Namespace, path: Path) -> int:
    """`import KIND FILE --submit-as NAME`: file a pending submission (exit 0), or print why nothing was filed."""
    from rcdash.cli.main import _print_import_text

    if args.dry_run:
        raise UsageProblem("--submit-as 不与 --dry-run 同用：报送本身就不改变任何数字，等管理员批准后才导入")
    user = named_user(args, args.submit_as)
    db = config.db_path(args.db)
    if not db.exists():
        raise UsageProblem(f"数据库 {db} 不存在：报送要对照已有的数据，先运行 `python -m rcdash init`")
    try:
        done = submit_into(db, args.kind, path, user)
    except (SubmissionRefused, WriterBusy) as exc:
        raise UsageProblem(str(exc)) from None
    if args.format == "json":
        print(json.dumps(done.as_json(), ensure_ascii=False))
    elif done.submission_id is not None:
        print(f"已报送 #{done.submission_id}：{done.result.file}（{KINDS[args.kind].zh}）共 {done.result.rows} 行，全部通过；"
              f"批准后将{done.result.counts_text()}。状态：待审核（批准前不计入任何数字）")
    else:
        _print_import_text(done.result)
    return done.result.exit_code


def cmd_submissions(args: argparse.Namespace) -> int:
    """List, approve or return submissions."""
    from rcdash.cli.main import settle_after_import
    from rcdash.metrics.derived import refresh_deferring

    db = config.db_path(args.db)
    try:
        if args.action == "approve":
            user = named_user(args, args.by)
            result = approve_into(db, args.submission_id, user, confirm=args.confirm, refresh=refresh_deferring)
            print(f"已批准报送 #{args.submission_id}：导入 #{result.import_id}，{result.counts_text()}（批准人 {user.name}）")
            settle_after_import(db)
            return 0
        if args.action == "return":
            user = named_user(args, args.by) if args.by else User(config.current_user(), "admin")
            sub = return_into(db, args.submission_id, user, args.reason)
            print(f"已退回报送 #{sub.submission_id}（原因：{sub.reason}）；区县在“数据管理”页可以看到")
            return 0
    except (SubmissionRefused, WriterBusy) as exc:
        raise UsageProblem(str(exc)) from None
    return list_submissions(args)


def list_submissions(args: argparse.Namespace) -> int:
    """`submissions [--status …] [--format json]`: every county's submissions, newest first (run on the server)."""
    con = open_reader(args)
    try:
        frame = visible(con, User(config.current_user(), "admin"), args.status)
    finally:
        con.close()
    if args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    elif frame.empty:
        print("没有符合条件的报送。区县账号用 `python -m rcdash import KIND FILE --submit-as NAME` 或在“数据管理”页报送。")
    else:
        shown = frame.assign(kind=frame["kind"].map(lambda k: KINDS[k].zh),
                             status=frame["status"].map(SUBMISSION_STATUS_LABELS))
        table = shown[list(LIST_COLUMNS)].astype(object)
        print(table.where(table.notna(), "").rename(columns=LIST_COLUMNS).to_string(index=False))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `submissions` command group."""
    p = sub.add_parser("submissions", help="区县报送：列出、批准、退回（DESIGN §9）")
    p.add_argument("--status", choices=STATUSES, help="只列出某一状态：pending 待审核 / approved 已批准 / returned 已退回")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_submissions, action="list")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    ok = actions.add_parser("approve", help="批准一份待审核的报送（导入它）")
    ok.add_argument("submission_id", type=int, metavar="ID")
    ok.add_argument("--by", required=True, metavar="NAME", help="批准人：必须是管理员账号")
    ok.add_argument("--confirm", action="store_true", help="报送之后相关数据已被其他导入更改时，仍然批准")
    back = actions.add_parser("return", help="退回一份待审核的报送，并写明原因")
    back.add_argument("submission_id", type=int, metavar="ID")
    back.add_argument("--reason", required=True, help="退回原因（区县会看到）")
    back.add_argument("--by", metavar="NAME", help="退回人：管理员账号（默认：当前系统用户）")

