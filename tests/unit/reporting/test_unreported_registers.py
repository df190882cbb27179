"""未报送 on the pages resting on the registers (DESIGN §9, issue 19): 队伍与志愿者 (teams), 基层组织 (branches, and
teams in the party table), 覆盖缺口 (branches, sites, members), and the count of 达标区县 on 总览 and in the briefing —
each by the one rule of rcdash.reporting."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from rcdash.config import CITY_CODE
from rcdash.geo.townships import approximate_areas
from rcdash.metrics import engine
from rcdash.metrics.definitions import METRIC_BY_NAME
from rcdash.metrics.derived import refresh
from rcdash.metrics.kpi import kpi
from rcdash.metrics.targets import TargetBook
from rcdash.plans import seed_plan
from rcdash.records.kinds import KINDS
from rcdash.reporting import unreported_in
from rcdash.reports import content
from rcdash.topics import gaps, map_view, organisation, overview, teams
from tests.unit.reporting.test_unreported_figures import AS_OF, KEQIAO, TODAY, XINCHANG, _load

PERIOD_START = date(2022, 7, 1)  # 2022H2, the half-year of AS_OF
EARLY, SENT = datetime(2022, 3, 1), datetime(2023, 1, 5)  # before 2022H2 ends; after it, before the due date
TEAMS = "name,type,division,founded_on,registered_volunteers,has_party_org\n"
KEQIAO_TEAM = "柯桥区红十字应急救援队,应急救援队,330603,2021-01-01,40,是\n"
BRANCHES = "name,division,level,established_on\n"
KEQIAO_BRANCH = "峡山村红十字会,福全街道/峡山村,村社区,2021-03-05\n"
SITES = "name,tier,division,lon,lat,opened_on\n"
KEQIAO_SITE = "福全街道红十字服务站,station,330603006,120.432635,30.109926,2021-01-01\n"


def send_registers(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """2022H2: 柯桥区 and 新昌县 sent their team, branch and site registers in March 2022; 柯桥区 sent them again after
    the half-year (its 2022H2 report), 新昌县 did not — its registers are older rows; its members stop at 2022H1.
    新昌县's 三救三献 figures stop in May 2022: that kind is not on the calendar, never owed."""
    _load(con, tmp_path, "teams", TEAMS + KEQIAO_TEAM + "新昌县红十字应急救援队,应急救援队,330624,2021-01-01,100,是\n"
          "新昌县红十字人道传播志愿服务队,志愿服务队,330624,2021-01-01,24,否\n", EARLY)
    _load(con, tmp_path, "branches", BRANCHES + KEQIAO_BRANCH
          + "长诏水库社区红十字会,羽林街道/长诏水库社区,村社区,2021-03-05\n", EARLY)
    _load(con, tmp_path, "sites", SITES + KEQIAO_SITE
          + "羽林街道红十字服务站,station,330624001,120.905,29.505,2021-01-01\n", EARLY)
    _load(con, tmp_path, "members", "division,date,adult_members,youth_members\n"
          "柯桥区,2022-06-30,9000,100\n新昌县,2022-06-30,8000,100\n", datetime(2022, 7, 5))
    _load(con, tmp_path, "members", "division,date,adult_members,youth_members\n柯桥区,2022-12-31,9500,120\n", SENT)
    _load(con, tmp_path, "teams", TEAMS + KEQIAO_TEAM, SENT)
    _load(con, tmp_path, "branches", BRANCHES + KEQIAO_BRANCH, SENT)
    _load(con, tmp_path, "sites", SITES + KEQIAO_SITE, SENT)
    _load(con, tmp_path, "rescue_stats", "county,month,first_aid_certified,first_aid_public,blood_donations,"
          "stem_cell_registrations,organ_donation_registrations,relief_people\n新昌县,2022-05,10,20,30,1,1,5\n",
          datetime(2022, 6, 3))
    refresh(con)  # what publishing the writes does


@pytest.fixture
def registers(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> dict[str, list[str]]:
    """What each county has not reported for 2022H2 as seen on TODAY, after send_registers."""
    send_registers(con, tmp_path)
    found = unreported_in(con, seed_plan(), PERIOD_START, AS_OF, TODAY)
    assert {"teams", "branches", "sites", "members"} <= set(found[XINCHANG])
    assert not {"teams", "branches", "sites", "members"} & set(found.get(KEQIAO, ()))
    # Kinds outside the calendar (三救三献, 党建, …) are never owed, whatever was last sent (point 5).
    everything = unreported_in(con, seed_plan(), PERIOD_START, AS_OF, TODAY, kinds=tuple(KINDS))
    assert all(set(kinds) <= {"activities", "members", "branches", "teams", "sites"} for kinds in everything.values())
    return found


def _county_metrics(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return engine.at(con, AS_OF, "county")


def test_team_table_reads_unreported_for_a_county_without_its_register(con: duckdb.DuckDBPyConnection,
                                                                       registers: dict[str, list[str]]) -> None:
    metrics, book = _county_metrics(con), TargetBook.load(con, seed_plan())
    listed = teams.team_list(con, AS_OF, CITY_CODE)
    table = teams.county_team_table(metrics, listed, book, 2022, registers).set_index("区县")
    figures = [c for c in table.columns]
    assert (table.loc["新昌县", figures] == "未报送").all()
    assert table.loc["柯桥区", "应急救援队"] == 1 and table.loc["柯桥区", "注册志愿者合计"] == 40
    plain = teams.county_team_table(metrics, listed, book, 2022).set_index("区县")
    assert plain.loc["新昌县", "应急救援队"] == 1 and plain.loc["新昌县", "注册志愿者合计"] == 124  # older rows, silently
    owing = teams.owing_names(metrics, registers)
    assert "新昌县" in owing and "柯桥区" not in owing
    charted = teams.reported_only(listed, owing)
    assert set(charted["区县"]) == {"柯桥区"} and set(teams.team_counts(charted)["区县"]) == {"柯桥区"}
    assert "新昌县" in teams.chart_note(owing, "2022H2") and teams.chart_note([], "2022H2") is None
    assert teams.list_note(metrics, XINCHANG, registers, "2022H2").startswith("未报送：本区县尚未报送队伍数据（2022H2）")
    assert "新昌县（队伍）" in teams.list_note(metrics, CITY_CODE, registers, "2022H2")
    assert teams.list_note(metrics, KEQIAO, registers, "2022H2") is None


def test_branch_matrix_and_party_table_read_unreported(con: duckdb.DuckDBPyConnection,
                                                       registers: dict[str, list[str]]) -> None:
    metrics = _county_metrics(con)
    counties = metrics[metrics["level"] == "county"]
    names = dict(zip(counties["code"], counties["name"], strict=True))
    points = [date(2022, 6, 30), AS_OF]
    by_level = organisation.branches_by_level(con, points)
    matrix = organisation.level_matrix(by_level, AS_OF, names, registers).set_index("区县")
    assert (matrix.loc["新昌县"] == "未报送").all()
    assert matrix.loc["柯桥区", "村社区"] == 1 and matrix.loc["全市", "合计"] == 2  # the city's sum stays
    alone = organisation.level_matrix(by_level, AS_OF, {XINCHANG: "新昌县"}, registers).set_index("区县")
    assert list(alone.index) == ["新昌县"] and (alone.loc["新昌县"] == "未报送").all()  # no 全市 row for one county
    plain = organisation.level_matrix(by_level, AS_OF, names).set_index("区县")
    assert plain.loc["新昌县", "村社区"] == 1
    chart = organisation.chart_frame(by_level, PERIOD_START, XINCHANG, registers)
    assert set(chart["as_of"]) == {date(2022, 6, 30)}  # the period's point is not drawn from the older register
    assert set(organisation.chart_frame(by_level, PERIOD_START, KEQIAO, registers)["as_of"]) == set(points)
    assert set(organisation.chart_frame(by_level, PERIOD_START, None, registers)["county"]) == {KEQIAO, XINCHANG}
    assert organisation.branch_note(names, XINCHANG, registers, "2022H2").startswith("未报送：本区县尚未报送基层组织")
    assert "新昌县（基层组织）" in organisation.branch_note(names, CITY_CODE, registers, "2022H2")
    party = organisation.party_table(con, AS_OF, metrics, registers).set_index("区县")
    assert party.loc["新昌县", organisation.TEAM_PARTY_COLUMN] == "未报送"
    assert party.loc["柯桥区", organisation.TEAM_PARTY_COLUMN] == "1/1"


def test_gap_ranking_does_not_rank_townships_from_older_rows(con: duckdb.DuckDBPyConnection,
                                                             registers: dict[str, list[str]]) -> None:
    view = map_view.load_view(con, AS_OF, None, approximate_areas(), plan=seed_plan(), unreported=registers)
    table = gaps.gap_table(view.townships, True, True, view.unreported)
    mine = table[table["code"].str.startswith(XINCHANG)]
    for column in ("villages_without_branch", "population_without_station", "members_needed", "gap_score"):
        assert (mine[column] == "未报送").all(), column
    owed = (table["gap_score"] == "未报送").tolist()
    assert owed == sorted(owed) and owed.count(False) == (table["code"].str[:6] == KEQIAO).sum()  # listed last
    keqiao = table[table["code"].str.startswith(KEQIAO)]
    assert pd.to_numeric(keqiao["gap_score"]).notna().all() and (keqiao["members_needed"] != "未报送").all()
    shown = gaps.gap_display(gaps.sort_gaps(table, "villages_without_branch")).set_index("代码")
    assert shown.loc["330624001", "未建会村（社区）"] == "未报送" and shown.loc["330624001", "综合缺口（0–1）"] == "未报送"
    assert shown.loc["330624001", "村（社区）总数"] > 0  # the reference stays
    assert shown.loc["330603006", "服务站数"] == 1
    plain = gaps.gap_table(view.townships, True, True)
    assert pd.to_numeric(plain["gap_score"]).notna().all()  # without the rule: 新昌县 ranked from older rows
    note = gaps.unreported_note(registers, view.county_names)
    assert "新昌县（" in note and "不按旧数据计算缺口" in note


def test_met_counties_leave_out_those_not_reported(con: duckdb.DuckDBPyConnection,
                                                  registers: dict[str, list[str]]) -> None:
    book = TargetBook.load(con, seed_plan())
    series = engine.compute(con, [date(2022, 6, 30), AS_OF], "county")
    cards = {c.metric: c for c in overview.kpi_cards(series, CITY_CODE, book, _county_metrics(con), registers, "2022H2")}
    # 柯桥区 sent its rescue team (with a party organisation); 新昌县 and the four counties that sent none owe it.
    owed = sum(bool(set(registers.get(c, ())) & {"teams"}) for c in _county_metrics(con).query("level == 'county'")["code"])
    assert f"达标区县：1/6（{owed} 个未报送）" in cards["rescue_teams_with_party"].help
    plain = {c.metric: c for c in overview.kpi_cards(series, CITY_CODE, book, _county_metrics(con))}
    assert "达标区县：2/6（" in plain["rescue_teams_with_party"].help  # 新昌县's old team counted as 达标
    now, before = kpi(con, AS_OF, "county", plan=seed_plan()), kpi(con, date(2022, 6, 30), "county", plan=seed_plan())
    table = content.city_table(now, before, "2022H1", book, registers)
    rows, label = {r[0]: r for r in table.texts()}, METRIC_BY_NAME["rescue_teams_with_party"].zh
    met = table.columns.index("达标区县")
    assert rows[label][met] == f"1/6（{owed} 个未报送）"
    assert "既不计达标，也不计未达标" in table.note
    plain_table = content.city_table(now, before, "2022H1", book)
    assert {r[0]: r for r in plain_table.texts()}[label][met] == "2/6" and "既不计达标" not in plain_table.note
