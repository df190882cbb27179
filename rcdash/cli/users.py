"""`python -m rcdash users …`: add, list and remove the people who may sign in."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from rcdash import config
from rcdash.admin.users import ROLES, AuthError, add_user, list_accounts, remove_user


def _path(args: argparse.Namespace) -> Path:
    """The user store that goes with the chosen database."""
    return config.users_path(config.db_path(args.db))


def _read_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at a prompt (never an argument: it would be logged)."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise AuthError("两次输入的密码不一致")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    """Dispatch the users subcommands."""
    from rcdash.cli.common import UsageProblem

    path = _path(args)
    try:
        if args.action == "add":
            user = add_user(path, args.name, args.role, _read_password(args.password_stdin), county=args.county)
            print(f"已保存用户 {user.label}；用户库：{path}")
        elif args.action == "remove":
            if not remove_user(path, args.name):
                raise AuthError(f"没有用户 {args.name}")
            print(f"已删除用户 {args.name}")
        else:
            rows = list_accounts(path)
            if not rows:
                print("还没有用户。用 `python -m rcdash users add NAME --role admin` 添加管理员。")
            for user, locked in rows:
                print(user.label + ("\t（已锁定）" if locked else ""))
    except AuthError as exc:
        raise UsageProblem(str(exc)) from None
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `users` subcommand."""
    p = sub.add_parser("users", help="管理可登录的用户（管理员 / 区县报送员 / 查看者）")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="添加用户或重设密码")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=tuple(ROLES), required=True,
                     help="admin 市级管理员；county 区县报送员（须 --county）；viewer 查看者")
    add.add_argument("--county", metavar="CODE", help="区县用户所属区县：代码（如 330624）或名称（如 新昌县）")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（用于脚本）")
    rm = actions.add_parser("remove", help="删除用户")
    rm.add_argument("name", metavar="NAME")
    actions.add_parser("list", help="列出用户")
    p.set_defaults(run=cmd_users)
