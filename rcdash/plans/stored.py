"""Plans in the database (imported, so they travel with the data) beside the seed plan shipped with the code."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from rcdash.plans.model import Plan, PlanRefused, parse, seed_plan
from rcdash.store.sql import first_row, load_sql, table_names

SQL_DIR = Path(__file__).resolve().parent / "sql"


class UnknownPlan(LookupError):
    """No plan has this id (exit 2 on the command line)."""


def stored_plans(con: duckdb.DuckDBPyConnection) -> list[Plan]:
    """The plans imported into this database (none in a database older than the plans table)."""
    if "plans" not in table_names(con):
        return []
    return [parse(text) for _, text in con.execute(load_sql("plans_all", SQL_DIR)).fetchall()]


def all_plans(con: duckdb.DuckDBPyConnection) -> list[Plan]:
    """The seed plan and every stored plan, oldest end first (the shipped seed file wins over a stored copy)."""
    seed = seed_plan()
    plans = {p.id: p for p in stored_plans(con)} | {seed.id: seed}
    return sorted(plans.values(), key=lambda p: (p.end, p.start, p.id))


def get(con: duckdb.DuckDBPyConnection, plan_id: str) -> Plan:
    """One plan by id; UnknownPlan (with the ids there are) otherwise."""
    plans = all_plans(con)
    for plan in plans:
        if plan.id == plan_id:
            return plan
    raise UnknownPlan(f"没有编号为“{plan_id}”的计划（已有：{'、'.join(p.id for p in plans)}）；"
                      "用 `rcdash plans list` 查看，用 `rcdash plans import` 导入")


def default_plan(con: duckdb.DuckDBPyConnection, as_of: date) -> Plan:
    """The plan whose period holds the date (the most recently started if several), else the latest-ending plan."""
    plans = all_plans(con)
    holding = [p for p in plans if p.covers(as_of)]
    if holding:
        return max(holding, key=lambda p: (p.start, p.end, p.id))
    return max(plans, key=lambda p: (p.end, p.start, p.id))


def is_stored(con: duckdb.DuckDBPyConnection, plan_id: str) -> bool:
    """Whether the database holds a plan of this id."""
    return "plans" in table_names(con) and first_row(con.execute(load_sql("plan_toml", SQL_DIR), [plan_id])) is not None


def store(con: duckdb.DuckDBPyConnection, plan: Plan) -> bool:
    """Store a checked plan; False when the same plan is already there, PlanRefused when the id has other content."""
    known = {p.id: p for p in all_plans(con)}
    other = known.get(plan.id)
    if other is not None and other.data != plan.data:
        raise PlanRefused([f"“id”：已有编号为“{plan.id}”的计划（{other.name}），内容不同；新计划请换一个编号"])
    if is_stored(con, plan.id):
        return False
    con.execute(load_sql("plan_insert", SQL_DIR),
                [plan.id, plan.name, plan.start, plan.end, plan.toml, datetime.now().replace(microsecond=0)])
    return True
