"""What every command-line group shares: the usage error, the database connections, date arguments."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import date

import duckdb

from rcdash import config
from rcdash.metrics.derived import refresh
from rcdash.plans import Plan


class UsageProblem(Exception):
    """A call that cannot be carried out; exit 2 with the message."""


@contextlib.contextmanager
def open_writer(args: argparse.Namespace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose changes are published as one step when the block succeeds (the app keeps serving)."""
    from rcdash.store.publish import WriterBusy, writing

    path = config.db_path(args.db)
    if not path.exists():
        print(f"数据库 {path} 不存在，已新建（含区划参考数据）。", file=sys.stderr)
    try:
        with writing(path, refresh=refresh) as con:
            yield con
    except WriterBusy as exc:
        raise UsageProblem(str(exc)) from None


def chosen_plan(con: duckdb.DuckDBPyConnection, plan_id: str | None, as_of: date) -> Plan:
    """The plan `--plan ID` names, else the plan of the as-of date; an unknown id is a usage problem (exit 2)."""
    from rcdash.plans import UnknownPlan, default_plan, get

    if plan_id is None:
        return default_plan(con, as_of)
    try:
        return get(con, plan_id)
    except UnknownPlan as exc:
        raise UsageProblem(str(exc)) from None


def open_reader(args: argparse.Namespace) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing, initialised database."""
    from rcdash.store.connections import connect, is_initialised

    path = config.db_path(args.db)
    if not path.exists():
        raise UsageProblem(f"数据库 {path} 不存在：先运行 `python -m rcdash init` 或 `python -m rcdash demo`")
    con = connect(path, read_only=True)
    if not is_initialised(con):
        con.close()
        raise UsageProblem(f"{path} 不是 rcdash 数据库：先运行 `python -m rcdash init`")
    return con


def iso_date(text: str) -> date:
    """A YYYY-MM-DD argument."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD，例如 2022-12-31，而不是“{text}”") from None
