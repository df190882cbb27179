"""AppTest: pages say 未报送 for a county's figures resting on data it has not reported for the period (DESIGN §9).

The demo's 新昌县 never sent its 2025-10 activities: at 2025-12-31 (the demo's latest date, period 2025H2) its
activity figures read 未报送 and no other county's do. After the data (2026-06-30) no county has sent its 2026H1
members, long due: the member table and the map of 会员占比 say so instead of drawing 2025's snapshots."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from rcdash.maps import classes
from tests.app.pages import run_page_once, texts

XINCHANG = "330624"
AFTER_THE_DATA = date(2026, 6, 30)
REGISTERS_AS_OF = date(2022, 12, 31)  # registers_db's half-year, 2022H2
ACTIVITY_CARDS = ("周周有声音", "月月有主题")


def test_overview_city_keeps_its_sums_and_names_xinchang(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page_once(monkeypatch, "overview", demo_db)
    cards = {m.label: m.value for m in at.metric}
    assert all(cards[label].endswith("%") for label in ACTIVITY_CARDS)  # the city's figure stays
    captions = [c.value for c in at.caption]
    assert captions.count("含未报送：新昌县（活动）") == len(ACTIVITY_CARDS)
    assert "未报送" not in cards.values()
    ranking = at.dataframe[-1].value.set_index("区县")
    assert (ranking.loc["新昌县", list(ACTIVITY_CARDS)] == "未报送").all()
    assert not ranking.drop(index="新昌县")[list(ACTIVITY_CARDS)].isin(["未报送"]).any().any()
    outlook = next(d.value for d in at.dataframe if "村（社区）建会率·每月还需提高" in d.value.columns)
    assert not outlook.isin(["未报送"]).any().any()  # branches and members were sent


def test_overview_xinchang_cards_read_unreported(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page_once(monkeypatch, "overview", demo_db, county=XINCHANG)
    cards = {m.label: m.value for m in at.metric}
    assert [label for label, value in cards.items() if value == "未报送"] == list(ACTIVITY_CARDS)
    assert "未报送：本区县尚未报送活动数据（2025H2），不按旧数据计算" in texts(at)
    assert "目标 100.0% · 未报送" in texts(at)


def test_members_after_the_data_read_unreported(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page_once(monkeypatch, "members", demo_db, as_of=AFTER_THE_DATA)
    table = at.dataframe[0].value.set_index("区域")
    counties = table.drop(index="绍兴市")
    assert (counties["成人会员"] == "未报送").all() and (counties["成人会员占比"] == "未报送").all()
    assert table.loc["绍兴市", "成人会员"] != "未报送"  # the city's sum stays, and says what it holds
    assert "含未报送：" in texts(at) and "新昌县（会员）" in texts(at)
    trend = json.loads(at.get("plotly_chart")[1].proto.spec)  # 成人会员占比（月末）
    last_points = {t["name"]: max(t["x"]) for t in trend["data"] if t.get("x") and t.get("mode") != "markers"}
    # The counties' lines stop at 2025's last report; the city's sum goes on to the chosen date.
    assert last_points["绍兴市"].startswith("2026-06-30")
    assert all(x < "2026-01-01" for name, x in last_points.items() if name != "绍兴市"), last_points
    assert "其走势线停在最近一次报送的数据" in texts(at)


def test_members_at_the_latest_date_have_nothing_unreported(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page_once(monkeypatch, "members", demo_db, county=XINCHANG)
    # 新昌县 owes activities, not members: its member figures are numbers, no county's reads 未报送.
    assert not at.dataframe[0].value.isin(["未报送"]).any().any()
    assert "未报送" not in [m.value for m in at.metric] and "未报送" not in texts(at)


def test_map_after_the_data_classes_townships_unreported(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    from tests.app.test_map_pages import map_args

    at = run_page_once(monkeypatch, "map", demo_db, as_of=AFTER_THE_DATA, state={"map_metric": "member_ratio"})
    script = map_args(at)["script"]  # the map's texts, JSON-escaped
    assert "截至 2026-06-30" in texts(at)
    assert json.dumps("会员数据尚未报送")[1:-1] in script  # the tooltip
    assert '"klass": ' + json.dumps("未报送") in script and f'"fill": "{classes.UNREPORTED_COLOUR}"' in script
    assert f"background:{classes.UNREPORTED_COLOUR}" in script  # its own legend entry


def test_pages_ask_once_per_snapshot_period_and_day(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    """Issue #22's cost: reporting_view runs once per snapshot, plan, period, kinds and day, not on every page run."""
    from rcdash.reporting import status
    from rcdash.ui import cached
    from rcdash.ui.data import db_key

    monkeypatch.setenv("RCDASH_DB", str(demo_db))
    calls = []
    real = status.reporting_view
    monkeypatch.setattr(status, "reporting_view", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    cached.unreported.clear()
    args = (db_key(), "demo-2023-2025", date(2025, 7, 1), date(2025, 12, 31), status.METRIC_KIND_NAMES)
    first = cached.unreported(*args, date(2026, 12, 7))
    assert first == {XINCHANG: ["activities"]}
    assert cached.unreported(*args, date(2026, 12, 7)) == first and len(calls) == 1  # the second page: no query
    cached.unreported(*args, date(2026, 12, 8))  # the next day, a due date may have passed: asked again
    assert len(calls) == 2


def test_gaps_after_the_data_do_not_rank_from_older_member_rows(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page_once(monkeypatch, "gaps", demo_db, as_of=AFTER_THE_DATA)
    ranking = at.dataframe[0].value
    needed = next(c for c in ranking.columns if c.endswith("还需成人会员"))
    # No county has sent its 2026H1 members or branches: no gap, no combined score from 2025's rows.
    assert (ranking[needed] == "未报送").all() and (ranking["综合缺口（0–1）"] == "未报送").all()
    assert (ranking["未建会村（社区）"] == "未报送").all()
    assert ranking["村（社区）总数"].map(lambda v: str(v).isdigit()).all()  # divisions are reference data, never owed
    assert "含未报送：" in texts(at) and "不按旧数据计算缺口" in texts(at)


@pytest.fixture
def registers_db(db_file: Path, tmp_path: Path) -> Path:
    """A tiny database where 新昌县 has not sent its 2022H2 team, branch and site registers, and 柯桥区 has (the demo
    has no such case: its registers, sent when it was built, count as every later half-year's late report)."""
    from rcdash.store.connections import connect
    from tests.unit.reporting.test_unreported_registers import send_registers

    con = connect(db_file)
    try:
        send_registers(con, tmp_path)
    finally:
        con.close()
    return db_file


def test_teams_page_reads_unreported_for_a_county_without_its_register(monkeypatch: pytest.MonkeyPatch,
                                                                       registers_db: Path) -> None:
    at = run_page_once(monkeypatch, "teams", registers_db, as_of=REGISTERS_AS_OF)
    table = at.dataframe[0].value.set_index("区县")
    assert (table.loc["新昌县"] == "未报送").all() and table.loc["柯桥区", "应急救援队"] == "1"
    assert "新昌县" in next(c.value for c in at.caption if "图中不按旧数据画出" in c.value)
    assert "含未报送：" in texts(at) and "名单为此前报送的在册队伍" in texts(at)


def test_organisation_page_reads_unreported_for_a_county_without_its_register(monkeypatch: pytest.MonkeyPatch,
                                                                              registers_db: Path) -> None:
    at = run_page_once(monkeypatch, "organisation", registers_db, as_of=REGISTERS_AS_OF)
    matrix = at.dataframe[0].value.set_index("区县")
    assert (matrix.loc["新昌县"] == "未报送").all() and matrix.loc["全市", "合计"] == "2"
    party = at.dataframe[1].value.set_index("区县")
    assert party.loc["新昌县", "应急救援队（建党组织/总数）"] == "未报送"
    assert "新昌县（基层组织）" in texts(at)


def test_overview_city_counts_met_counties_without_those_not_reported(monkeypatch: pytest.MonkeyPatch,
                                                                      registers_db: Path) -> None:
    at = run_page_once(monkeypatch, "overview", registers_db, as_of=REGISTERS_AS_OF)
    helps = [m.proto.help for m in at.metric]
    # 柯桥区 sent its rescue team with a party organisation; the five others owe their team register.
    assert any("达标区县：1/6（5 个未报送）" in h for h in helps)
