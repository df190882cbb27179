"""AppTest of every page with the sidebar filters under each plan the demo database holds (issue 18): the 计划
picker, the periods it offers, and on each page something that only the chosen plan can have put there."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash import plans
from rcdash.config import CITY_CODE, REPO_ROOT
from rcdash.labels import fmt_target
from rcdash.metrics.engine import latest_data_date
from rcdash.metrics.period import parse_period
from rcdash.metrics.targets import TargetBook
from rcdash.plans import browse
from rcdash.store.connections import open_snapshot
from rcdash.topics import teams
from rcdash.ui.filters import MODE_DATE, SHADOW_PREFIX
from tests.app.pages import PAGE_TIMEOUT_S, run_page, texts

DEMO_PLANS = ("shaoxing-2020-2022", "demo-2023-2025")  # the seed plan and the demo's fictional second plan


class Plan:
    """What a check needs: the plan, its targets in the demo database, and the latest data date."""

    def __init__(self, plan: plans.Plan, book: TargetBook, latest: date) -> None:
        self.plan, self.book, self.latest = plan, book, latest


@pytest.fixture(scope="session")
def demo_plans(demo_db: Path) -> Iterator[dict[str, Plan]]:
    con = open_snapshot(demo_db)
    try:
        latest = latest_data_date(con)
        assert latest is not None
        yield {p.id: Plan(p, TargetBook.load(con, p), latest) for p in plans.all_plans(con)}
    finally:
        con.close()


def test_the_demo_holds_the_plans_the_pages_are_run_under(demo_plans: dict[str, Plan]) -> None:
    assert tuple(demo_plans) == DEMO_PLANS


def _overview(at: AppTest, p: Plan, as_of: date) -> None:
    goal = fmt_target(p.book.end_value("village_branch_rate", CITY_CODE))
    assert f"按计划末（{p.plan.end:%Y-%m-%d}）目标：村（社区）建会率 {goal}" in texts(at)
    assert f"对照《{p.plan.name}》" in texts(at)


def _members(at: AppTest, p: Plan, as_of: date) -> None:
    goal = fmt_target(p.book.value("member_ratio", CITY_CODE, as_of.year))
    assert f"目标：成人会员占常住人口 {goal}" in texts(at)


def _teams(at: AppTest, p: Plan, as_of: date) -> None:
    assert f"对照《{p.plan.name}》" in texts(at)
    assert teams.rule_column(p.book, as_of.year) in at.dataframe[0].value.columns


def _organisation(at: AppTest, p: Plan, as_of: date) -> None:
    # The branches-by-level bars run from the plan's first half-year (not from the seed plan's 2020).
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)
    first = min(str(x) for trace in bars["data"] for x in trace["x"])
    assert first >= f"{p.plan.start.year}", first


def _map(at: AppTest, p: Plan, as_of: date) -> None:
    assert f"目标对照《{p.plan.name}》" in texts(at)
    maps = [e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium"]
    goal = fmt_target(p.book.value("village_branch_rate", "*", as_of.year))
    script = json.loads(maps[0].proto.json_args)["script"]
    # Each township's properties (JSON inside the script) name the target its class is read against.
    targets = {json.loads(t) for t in re.findall(r'"target": ("(?:[^"\\]|\\.)*")', script)}
    assert targets == {f"{as_of.year} 年目标 {goal}"}, targets


def _gaps(at: AppTest, p: Plan, as_of: date) -> None:
    goal = p.book.end_value("village_branch_rate", "*")
    assert f"距 {goal * 100:g}% 还需建会" in at.dataframe[0].value.columns


def _report(at: AppTest, p: Plan, as_of: date) -> None:
    chosen = at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith("report_period_"))).value
    assert chosen == f"{as_of.year}H{1 if as_of.month <= 6 else 2}"  # the sidebar's period, inside the plan
    if parse_period(chosen).start > p.latest:  # a period the data have not reached yet: the page says so
        assert any("晚于最新数据日期" in w.value for w in at.warning)
    else:
        assert f"对照计划：《{p.plan.name}》" in texts(at)


def _sidebar_only(at: AppTest, p: Plan, as_of: date) -> None:
    """Pages without targets: what changes with the plan is the sidebar (checked for every page)."""


CHECKS: dict[str, Callable[[AppTest, Plan, date], None]] = {
    "overview": _overview, "members": _members, "teams": _teams, "rescue": _sidebar_only,
    "organisation": _organisation, "map": _map, "gaps": _gaps, "monthly": _sidebar_only, "brands": _sidebar_only,
    "report": _report, "quality": _sidebar_only,
}


def test_every_page_with_filters_is_checked() -> None:
    with_filters = {p.stem for p in (REPO_ROOT / "pages").glob("*.py") if "filters=False" not in p.read_text()}
    assert with_filters == set(CHECKS)


@pytest.mark.parametrize("plan_id", DEMO_PLANS)
@pytest.mark.parametrize("page", list(CHECKS))
def test_page_under_each_plan(monkeypatch: pytest.MonkeyPatch, demo_db: Path, demo_plans: dict[str, Plan],
                              page: str, plan_id: str) -> None:
    p = demo_plans[plan_id]
    at = run_page(monkeypatch, page, demo_db, plan=plan_id)
    picker = at.selectbox(key="filter_plan")
    assert picker.value == plan_id and set(picker.options) == {browse.plan_label(x.plan) for x in demo_plans.values()}
    period = at.selectbox(key="filter_period")
    offered = "\n".join(period.options)  # the plan's half-years and the data's history, newest first
    assert period.options[0].endswith(f"（{max(p.plan.end, p.latest).year}H2）") and f"（{p.plan.start.year}H1）" in offered
    assert p.plan.covers(period.value.start), period.value  # the page opens inside the chosen plan
    CHECKS[page](at, p, browse.half_year_as_of(period.value, p.latest))


@pytest.mark.parametrize("page", ["overview", "members", "teams", "map", "gaps", "rescue"])
def test_the_chosen_plan_wins_over_the_plan_of_the_date(monkeypatch: pytest.MonkeyPatch, demo_db: Path,
                                                        demo_plans: dict[str, Plan], page: str) -> None:
    """The seed plan chosen for a date in the demo plan's period: the page measures against the seed plan (not
    the plan the date falls in) and says in one line that the date lies outside it."""
    seed, day = demo_plans["shaoxing-2020-2022"], date(2023, 6, 30)
    monkeypatch.setenv("RCDASH_DB", str(demo_db))
    at = AppTest.from_file(str(REPO_ROOT / "pages" / f"{page}.py"), default_timeout=PAGE_TIMEOUT_S)
    # As kept from an earlier page: one run, already on the date.
    for key, value in (("filter_plan", seed.plan.id), ("filter_mode", MODE_DATE), ("filter_date", day)):
        at.session_state[SHADOW_PREFIX + key] = value
    at.run()
    assert not at.exception, at.exception
    assert at.date_input(key="filter_date").value == day
    notes = [i.value for i in at.info if "不在所选计划" in i.value]
    assert len(notes) == 1 and "属于《示例：2023—2025 年延续计划（虚构）》" in notes[0], notes
    CHECKS[page](at, seed, day)


def test_the_chosen_plan_survives_page_switches(monkeypatch: pytest.MonkeyPatch, demo_db: Path,
                                               demo_plans: dict[str, Plan]) -> None:
    monkeypatch.setenv("RCDASH_DB", str(demo_db))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=PAGE_TIMEOUT_S)
    at.switch_page("pages/rescue.py").run()
    latest = next(iter(demo_plans.values())).latest
    default = at.selectbox(key="filter_plan").value
    assert demo_plans[default].plan.covers(latest)  # by default the plan of the latest data date
    other = next(p for p in demo_plans.values() if p.plan.id != default).plan
    at.selectbox(key="filter_plan").set_value(other.id).run()
    opening = browse.default_period(other, latest)
    assert at.selectbox(key="filter_period").value == opening and other.covers(opening.start)  # the new plan's period
    at.switch_page("pages/data_status.py").run()  # a page without the filters drops their widget state
    at.switch_page("pages/teams.py").run()
    assert not at.exception and at.title[0].value == "队伍与志愿者"
    assert at.selectbox(key="filter_plan").value == other.id and at.selectbox(key="filter_period").value == opening


def _run_kept(monkeypatch: pytest.MonkeyPatch, db: Path, page: str, kept: dict[str, object]) -> AppTest:
    """Run a page once with filter values kept from an earlier page."""
    monkeypatch.setenv("RCDASH_DB", str(db))
    at = AppTest.from_file(str(REPO_ROOT / "pages" / f"{page}.py"), default_timeout=PAGE_TIMEOUT_S)
    for key, value in kept.items():
        at.session_state[SHADOW_PREFIX + key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_until_one_is_picked_the_plan_follows_the_date(monkeypatch: pytest.MonkeyPatch, demo_db: Path,
                                                      demo_plans: dict[str, Plan]) -> None:
    at = _run_kept(monkeypatch, demo_db, "rescue", {"filter_mode": MODE_DATE, "filter_date": date(2023, 6, 30)})
    assert at.selectbox(key="filter_plan").value == "demo-2023-2025"  # the plan whose period holds the date
    assert not [i for i in at.info if "计划期" in i.value]
    after_all = max(p.plan.end for p in demo_plans.values()) + timedelta(days=1)
    if date.today() < after_all:
        pytest.skip("the date picker ends today: no date after every plan to choose yet")
    at = _run_kept(monkeypatch, demo_db, "rescue", {"filter_mode": MODE_DATE, "filter_date": after_all})
    assert at.selectbox(key="filter_plan").value == "demo-2023-2025"  # outside every plan: the latest plan
    notes = [i.value for i in at.info if "计划期" in i.value]
    assert len(notes) == 1 and f"{after_all:%Y-%m-%d} 不在任何计划期内，按计划《示例：2023—2025 年延续计划（虚构）》" in notes[0]


def test_the_briefing_cache_keys_on_the_plan(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    """The same period and weights under two plans are two briefings (the 报告 page caches by plan too)."""
    from rcdash.ui import report
    from rcdash.ui.data import db_key

    monkeypatch.setenv("RCDASH_DB", str(demo_db))
    briefings = {plan_id: report.briefing_of(db_key(), "2022H2", (), plan_id) for plan_id in DEMO_PLANS}
    assert [b.plan_title for b in briefings.values()] == ["新时代红十字基层组织建设三年行动计划（2020—2022）",
                                                          "示例：2023—2025 年延续计划（虚构）"]


def test_a_report_period_outside_the_plan_is_said(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    kept = {"filter_plan": "demo-2023-2025", "filter_period": parse_period("2022H2")}
    at = _run_kept(monkeypatch, demo_db, "report", kept)
    said = [i.value for i in at.info if "不在" in i.value]
    assert len(said) == 1 and said[0].startswith("所选日期 2022-12-31")  # the sidebar's line, not twice
    period = next(s for s in at.selectbox if s.key.startswith("report_period_"))
    period.set_value("2021H2").run()
    said = [i.value for i in at.info if "报告统计截至日" in i.value]
    assert len(said) == 1 and "2021-12-31 不在所选计划《示例：2023—2025 年延续计划（虚构）》" in said[0], said
    assert "对照计划：《示例：2023—2025 年延续计划（虚构）》" in texts(at)
