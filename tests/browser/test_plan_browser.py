"""The 计划 picker in a real browser (issue 18): switching plans on 总览 changes the targets the page measures
against. Every wait is for a condition on the page, none for a fixed time."""

from __future__ import annotations

from pathlib import Path

from rcdash import plans
from rcdash.config import CITY_CODE
from rcdash.labels import fmt_target
from rcdash.metrics.engine import default_as_of
from rcdash.metrics.targets import TargetBook
from rcdash.plans import browse
from rcdash.store.connections import open_snapshot
from tests.browser.conftest import open_page, screenshot, start_app

RENDER_TIMEOUT_MS = 120_000


def _target_line(con: object, plan: plans.Plan) -> str:
    """The start of 总览's sentence under the trend charts that names the plan's end target."""
    goal = fmt_target(TargetBook.load(con, plan).end_value("village_branch_rate", CITY_CODE))  # type: ignore[arg-type]
    return f"按计划末（{plan.end:%Y-%m-%d}）目标：村（社区）建会率 {goal}"


def test_switching_plans_changes_the_targets(browser: object, demo_db: Path) -> None:
    con = open_snapshot(demo_db)
    try:
        latest = default_as_of(con)
        default = plans.default_plan(con, latest)
        other = next(p for p in plans.all_plans(con) if p.id != default.id)
        before, after = _target_line(con, default), _target_line(con, other)
    finally:
        con.close()
    assert before != after
    app = start_app(demo_db)
    try:
        page = open_page(browser, app.url, [])
        page.get_by_text(before).wait_for(timeout=RENDER_TIMEOUT_MS)
        picker = page.get_by_role("combobox", name="计划")
        assert picker.input_value() == browse.plan_label(default)
        picker.click()
        page.get_by_role("option", name=browse.plan_label(other)).click()
        page.get_by_text(after).wait_for(timeout=RENDER_TIMEOUT_MS)
        assert page.get_by_text(before).count() == 0
        assert picker.input_value() == browse.plan_label(other)
        # The reporting period moved into the chosen plan.
        period = page.get_by_role("combobox", name="报告期").input_value()
        assert period.endswith(f"（{browse.default_period(other, latest).label}）"), period
        screenshot(page, "plan_switch_overview")
        page.context.close()
    finally:
        app.stop()

