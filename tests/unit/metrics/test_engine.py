"""The metrics of DESIGN §5 on a tiny hand-made fixture, with hand-computed expected values."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from rcdash.importing.load import import_file
from rcdash.metrics.derived import init_db, refresh, refresh_deferring, settle
from rcdash.metrics.engine import compute, default_as_of
from rcdash.metrics.kpi import kpi, render
from rcdash.metrics.outlook import months_back, project, trend_dates
from rcdash.metrics.period import data_end_note, half_year_of, parse_period
from rcdash.metrics.rules import FAIL, NO_DATA, PASS
from rcdash.plans import seed_plan
from rcdash.store.connections import connect
from tests.conftest import write

D = date(2021, 6, 30)  # the as-of date of most checks; its period is 2021H1 (26 Mondays: Jan 4 … Jun 28)
CITY, KEQIAO, YUECHENG = "3306", "330603", "330602"
FUQUAN, KEQIAO_ST = "330603006", "330603001"  # 福全街道 (24 villages), 柯桥街道 (27 villages)
XIASHAN, DASHENG, XUSHAN, JINSANJIAO = "330603006234", "330603006200", "330603006201", "330603006001"
GUANSHU, GANGYUE = "330603001008", "330603001030"

FIXTURE = {
    "branches": (
        "name,division,level,established_on,closed_on\n"
        f"峡山一会,{XIASHAN},村社区,2021-01-01,\n"  # counts
        f"峡山二会,{XIASHAN},村社区,2021-02-01,\n"  # same village: counted once
        f"大生会,{DASHENG},村社区,2020-01-01,2021-06-30\n"  # closed on D: not counted
        f"徐山会,{XUSHAN},村社区,2021-07-01,\n"  # established after D: not counted
        f"金三角学校会,{JINSANJIAO},学校,2020-01-01,\n"  # another level: not counted
        f"管墅会,{GUANSHU},村社区,2020-05-05,2021-07-01\n"  # closed after D: counts
        f"福全街道会,{FUQUAN},村社区,2020-01-01,\n"  # a township is not a village: not counted
    ),
    "population": (
        "division,year,resident_population\n"
        f"{FUQUAN},2020,50000\n{FUQUAN},2022,60000\n"  # 2022 lies after year(D): 50,000
        f"{GUANSHU},2021,3000\n{GANGYUE},2019,2000\n"  # 柯桥街道 has no row: sum of its villages = 5,000
        f"{KEQIAO},2021,1100000\n"  # beats the 2020 census row
    ),
    "members": (
        "division,date,adult_members,youth_members\n"
        f"{FUQUAN},2021-01-01,800,\n{FUQUAN},2021-06-30,900,100\n{FUQUAN},2021-07-01,5000,\n"
        f"{XIASHAN},2020-12-31,50,\n{KEQIAO},2021-03-01,1000,\n"
    ),
    "sites": (
        "name,tier,division,lon,lat,opened_on,closed_on\n"
        f"中心,center,{YUECHENG},120.58,30.0,2021-01-01,\n"
        f"柯桥基地,base,{KEQIAO},120.58,30.0,2021-06-30,\n"  # opened on D: open
        f"福全站,station,{FUQUAN},120.58,30.0,2020-01-01,2021-06-30\n"  # closed on D
        f"柯桥街道站,station,{KEQIAO_ST},120.58,30.0,2021-01-01,\n"
        f"峡山点,point,{XIASHAN},120.58,30.0,2021-07-01,\n"  # opens after D
    ),
    "teams": (
        "name,type,division,founded_on,disbanded_on,registered_volunteers,has_party_org\n"
        f"柯桥救援队,应急救援队,{KEQIAO},2020-01-01,,40,是\n"
        f"越城救援队,应急救援队,{YUECHENG},2020-01-01,,40,否\n"
        f"福全志愿队,志愿服务队,{FUQUAN},2020-01-01,,25,否\n"
        f"柯桥志愿一队,志愿服务队,{KEQIAO},2020-01-01,,20,否\n"  # exactly 20 counts
        f"柯桥志愿二队,志愿服务队,{KEQIAO},2020-01-01,,19,否\n"
        f"柯桥街道志愿队,志愿服务队,{KEQIAO_ST},2020-01-01,2021-06-01,30,否\n"  # disbanded before D
    ),
    "brands": "name,county,started_on\n水乡救护,柯桥区,2020-09-01\n新项目,柯桥区,2021-09-01\n越城品牌,越城区,\n",
    "funds": (
        "name,division,established_on,raised_yuan,disbursed_yuan,last_disclosed_on\n"
        f"峡山基金,{XIASHAN},2021-01-01,1000,0,2021-06-01\n"  # disclosed within 12 months
        f"大生基金,{DASHENG},2020-01-01,1000,0,2020-06-30\n"  # exactly 12 months before D: not within
        f"管墅基金,{GUANSHU},2021-07-01,1000,0,\n"  # established after D
    ),
    "activities": (
        "date,division,title,category,is_monthly_theme\n"
        f"2021-01-01,{FUQUAN},周五活动,其他,否\n"  # its week's Monday (2020-12-28) lies before the period
        f"2021-01-05,{FUQUAN},一月主题,其他,是\n"  # week of Jan 4
        f"2021-01-06,{FUQUAN},同周第二次,其他,否\n"  # same week
        f"2021-03-15,{FUQUAN},三月主题,其他,是\n"  # week of Mar 15
        f"2021-06-30,{FUQUAN},期末活动,其他,否\n"  # week of Jun 28, on D
        f"2021-07-01,{FUQUAN},期后活动,其他,是\n"  # after D
        f"2021-02-10,{KEQIAO_ST},二月主题,其他,是\n"  # week of Feb 8
    ),
}


@pytest.fixture(scope="session")
def fixture_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    tmp = tmp_path_factory.mktemp("metrics")
    path = tmp / "m.duckdb"
    init_db(path)
    con = connect(path)
    for kind, text in FIXTURE.items():
        result = import_file(con, kind, write(tmp, f"{kind}.csv", text))
        assert result.exit_code == 0, (kind, result.errors)
    refresh(con)  # what publishing a write does: the pre-aggregations follow the records
    yield con
    con.close()


def missing(value: object) -> bool:
    """None, NaN or pd.NA: the engine's 无数据."""
    import pandas as pd

    return value is None or bool(pd.isna(value))


def rows(con, as_of: date, level: str) -> dict[str, dict]:
    return {r["code"]: r for r in compute(con, [as_of], level).to_dict("records")}


def test_village_branches(fixture_con) -> None:
    t = rows(fixture_con, D, "township")
    assert (t[FUQUAN]["villages_total"], t[FUQUAN]["villages_with_branch"]) == (24, 1)
    assert (t[KEQIAO_ST]["villages_total"], t[KEQIAO_ST]["villages_with_branch"]) == (27, 1)
    assert t[FUQUAN]["village_branch_rate"] == pytest.approx(1 / 24)
    c = rows(fixture_con, D, "county")
    assert (c[KEQIAO]["villages_total"], c[KEQIAO]["villages_with_branch"]) == (341, 2)
    assert (c[CITY]["villages_total"], c[CITY]["villages_with_branch"]) == (2168, 2)
    assert c[YUECHENG]["villages_with_branch"] == 0  # branches exist elsewhere: a real zero


def test_branches_one_day_later(fixture_con) -> None:
    t = rows(fixture_con, date(2021, 7, 1), "township")
    # 徐山 is established on Jul 1 (counts), 管墅 closes on Jul 1 (no longer counts).
    assert t[FUQUAN]["villages_with_branch"] == 2 and t[KEQIAO_ST]["villages_with_branch"] == 0


def test_population(fixture_con) -> None:
    t = rows(fixture_con, D, "township")
    assert t[FUQUAN]["population"] == 50000
    assert t[KEQIAO_ST]["population"] == 5000  # from its villages
    assert missing(t["330603002"]["population"])  # 柯岩街道: no rows of its own or below
    c = rows(fixture_con, D, "county")
    assert c[KEQIAO]["population"] == 1100000 and c[YUECHENG]["population"] == 1020037
    assert c[CITY]["population"] == 5270977  # the city's own census row
    assert rows(fixture_con, date(2022, 3, 1), "township")[FUQUAN]["population"] == 60000


def test_members(fixture_con) -> None:
    t = rows(fixture_con, D, "township")
    assert t[FUQUAN]["adult_members"] == 950  # 900 (snapshot on D) + 50 (峡山村); the Jul 1 snapshot is ignored
    assert t[FUQUAN]["youth_members"] == 100
    assert t[FUQUAN]["member_ratio"] == pytest.approx(950 / 50000)
    assert missing(t[KEQIAO_ST]["adult_members"])  # no snapshots: 无数据, not 0
    c = rows(fixture_con, D, "county")
    assert c[KEQIAO]["adult_members"] == 1950 and c[CITY]["adult_members"] == 1950
    assert c[KEQIAO]["member_ratio"] == pytest.approx(1950 / 1100000)
    assert c[CITY]["member_ratio"] == pytest.approx(1950 / 5270977)


def test_sites(fixture_con) -> None:
    c = rows(fixture_con, D, "county")
    assert [c[CITY][f"sites_{t}"] for t in ("center", "base", "station", "point")] == [1, 1, 1, 0]
    assert [c[KEQIAO][f"sites_{t}"] for t in ("center", "base", "station", "point")] == [0, 1, 1, 0]
    assert c[YUECHENG]["sites_center"] == 1


def test_teams(fixture_con) -> None:
    c = rows(fixture_con, D, "county")
    k = c[KEQIAO]
    assert (k["rescue_teams"], k["rescue_teams_with_party"], k["volunteer_teams"], k["volunteer_teams_20plus"]) == (1, 1, 3, 2)
    y = c[YUECHENG]
    assert (y["rescue_teams"], y["rescue_teams_with_party"]) == (1, 0)


def test_brands_and_funds(fixture_con) -> None:
    c = rows(fixture_con, D, "county")
    assert (c[KEQIAO]["brand_projects"], c[YUECHENG]["brand_projects"], c[CITY]["brand_projects"]) == (1, 1, 2)
    assert rows(fixture_con, D, "township")[FUQUAN]["brand_projects"] is None  # not defined below county
    t = rows(fixture_con, D, "township")
    assert (t[FUQUAN]["funds"], t[FUQUAN]["funds_disclosed"]) == (2, 1)
    assert (t[KEQIAO_ST]["funds"], t[KEQIAO_ST]["funds_disclosed"]) == (0, 0)


def test_weekly_voice_and_monthly_theme(fixture_con) -> None:
    t = rows(fixture_con, D, "township")
    f = t[FUQUAN]
    assert (f["weeks_in_period"], f["voiced_weeks"], f["months_in_period"], f["themed_months"]) == (26, 3, 6, 2)
    assert f["weekly_voice_rate"] == pytest.approx(3 / 26) and f["monthly_theme_rate"] == pytest.approx(2 / 6)
    c = rows(fixture_con, D, "county")
    assert (c[KEQIAO]["voiced_weeks"], c[KEQIAO]["themed_months"]) == (4, 3)
    assert c[YUECHENG]["weekly_voice_rate"] == 0  # activities exist elsewhere: silent every week


def test_period_cut_at_as_of(fixture_con) -> None:
    f = rows(fixture_con, date(2021, 7, 1), "township")[FUQUAN]
    # 2021H2 cut at Thursday Jul 1: no Monday yet, one month begun, its theme activity on Jul 1 counts.
    assert (f["weeks_in_period"], f["months_in_period"], f["themed_months"]) == (0, 1, 1)
    assert missing(f["weekly_voice_rate"])  # no weeks: undefined, not zero


def test_period_after_the_activities_end_is_no_data(fixture_con) -> None:
    # The fixture's activities end on 2021-07-01: 2022H1 has no countable week or month (无数据, not 0 %).
    report = kpi(fixture_con, date(2022, 6, 30), "county", with_outlook=False, plan=seed_plan())
    for area in report["areas"]:
        assert area["weekly_voice_rate"] is None and area["monthly_theme_rate"] is None, area["name"]
        assert (area["weeks_in_period"], area["months_in_period"]) == (0, 0)
    assert json.loads(render(report, "json"))["areas"][0]["weekly_voice_rate"] is None  # `rcdash kpi` JSON


def test_period_partly_after_the_activities_end_counts_its_covered_part(fixture_con) -> None:
    # 2021H2 as of 2021-12-31, activities until Thursday 2021-07-01: July is the only month begun by then
    # (themed on Jul 1), and no Monday of the period has come (the first is Jul 5).
    f = rows(fixture_con, date(2021, 12, 31), "township")[FUQUAN]
    assert (f["weeks_in_period"], f["months_in_period"], f["themed_months"]) == (0, 1, 1)
    assert f["monthly_theme_rate"] == 1 and missing(f["weekly_voice_rate"])


def test_data_end_note() -> None:
    end, acts = date(2022, 12, 31), date(2022, 11, 30)
    assert data_end_note(date(2023, 6, 30), end, acts).startswith("数据截至 2022-12-31：统计日 2023-06-30 晚于最新数据")
    assert data_end_note(end, end, acts).startswith("活动数据截至 2022-11-30")  # the activities end sooner
    assert data_end_note(acts, end, acts) is None and data_end_note(end, None, None) is None


def test_empty_kinds_are_no_data(con) -> None:
    c = rows(con, D, "county")
    assert missing(c[KEQIAO]["villages_with_branch"]) and missing(c[KEQIAO]["village_branch_rate"])
    assert missing(c[KEQIAO]["sites_base"]) and missing(c[KEQIAO]["weekly_voice_rate"])
    assert c[KEQIAO]["villages_total"] == 341
    assert c[KEQIAO]["population"] == 1098859  # census rows ship with every database


def test_kpi_rules_with_interim_targets(fixture_con, tmp_path: Path) -> None:
    report = kpi(fixture_con, D, "county", plan=seed_plan())
    keqiao = next(a for a in report["areas"] if a["code"] == KEQIAO)
    rules = {r["rule"]: r for r in keqiao["rules"]}
    assert rules["base_built"]["status"] == PASS
    assert rules["rescue_team_party"]["status"] == PASS
    assert rules["volunteer_teams"]["status"] == FAIL and rules["volunteer_teams"]["shortfall"] == 1
    assert rules["brand_project"]["status"] == PASS
    vb = rules["village_branch_rate"]
    assert vb["status"] == FAIL and vb["target"] == 0.4 and vb["shortfall"] == 135  # ceil(0.4 × 341) − 2
    assert "还需建会 135 个村（社区）" in vb["reason"]
    assert rules["member_ratio"]["shortfall"] == 22000 - 1950
    yuecheng = next(a for a in report["areas"] if a["code"] == YUECHENG)
    assert {r["rule"]: r["status"] for r in yuecheng["rules"]}["rescue_team_party"] == FAIL
    city = report["areas"][0]
    assert {r["rule"]: r["status"] for r in city["rules"]}["center_built"] == PASS
    # An interim target for 2021 replaces the plan's end value for that year only.
    targets = write(tmp_path, "t.csv", "metric,area,year,value\nvillage_branch_rate,*,2021,0.5%\nvillage_branch_rate,柯桥区,2021,1%\n")
    result = import_file(fixture_con, "targets", targets)
    try:
        report = kpi(fixture_con, D, "county", plan=seed_plan())
        by_code = {a["code"]: {r["rule"]: r for r in a["rules"]} for a in report["areas"]}
        assert by_code[KEQIAO]["village_branch_rate"]["target"] == 0.01
        assert by_code[KEQIAO]["village_branch_rate"]["shortfall"] == 2  # ceil(0.01 × 341) − 2 = 2
        assert by_code[YUECHENG]["village_branch_rate"]["target"] == 0.005
        later = kpi(fixture_con, date(2022, 6, 30), "county", with_outlook=False, plan=seed_plan())
        assert next(a for a in later["areas"] if a["code"] == KEQIAO)["rules"][3]["target"] == 0.4
    finally:
        from rcdash.importing.load import undo_import

        undo_import(fixture_con, result.import_id)


def test_kpi_json_shape(fixture_con) -> None:
    report = kpi(fixture_con, D, "township", plan=seed_plan())
    assert (report["as_of"], report["period"]) == ("2021-06-30", "2021H1")
    assert report["areas"][0]["level"] == "city" and len(report["areas"]) == 1 + 103
    fuquan = next(a for a in report["areas"] if a["code"] == FUQUAN)
    assert fuquan["village_branch_rate"] == 1 / 24 and fuquan["adult_members"] == 950  # full precision
    assert fuquan["brand_projects"] is None and fuquan["rules"] == []
    assert set(fuquan["outlook"]) == {"village_branch_rate", "member_ratio"}


def test_kpi_machine_output_keeps_full_precision(fixture_con) -> None:
    import io
    import json

    import pandas as pd

    from rcdash.metrics.kpi import render

    report = kpi(fixture_con, D, "township", with_outlook=False, plan=seed_plan())
    as_json = next(a for a in json.loads(render(report, "json"))["areas"] if a["code"] == FUQUAN)
    assert as_json["village_branch_rate"] == 1 / 24  # 0.041666666666666664, not 0.041667
    as_csv = pd.read_csv(io.StringIO(render(report, "csv")), dtype={"code": str}).set_index("code")
    assert as_csv.loc[FUQUAN, "village_branch_rate"] == 1 / 24
    assert "4.2%" in render(report, "table")  # the terminal table rounds for reading


def test_no_data_rules(con) -> None:
    report = kpi(con, D, "county", with_outlook=False, plan=seed_plan())
    assert all(r["status"] == NO_DATA for a in report["areas"] for r in a["rules"])


def test_outlook_needed_and_projection(fixture_con) -> None:
    report = kpi(fixture_con, date(2021, 12, 31), "county", plan=seed_plan())
    o = next(a for a in report["areas"] if a["code"] == KEQIAO)["outlook"]["village_branch_rate"]
    # 柯桥 at 2021-12-31: 峡山 and 徐山 (管墅 closed) of 341 villages; 12 months to go.
    current = 2 / 341
    assert o["months_left"] == pytest.approx(12, abs=0.05)
    assert o["needed_per_month"] == pytest.approx((0.4 - current) / o["months_left"], rel=1e-3)
    assert o["projected_at_plan_end"] is not None


def test_projection_is_a_straight_line() -> None:
    points = [(date(2021, m, 1), 0.1 + 0.01 * (m - 1)) for m in range(1, 13)]
    assert project(points, date(2022, 1, 1)) == pytest.approx(0.22, abs=0.002)
    assert project(points[:2], date(2022, 1, 1)) is None


def test_periods() -> None:
    assert half_year_of(date(2022, 7, 1)).label == "2022H2"
    assert parse_period("2022h1").end == date(2022, 6, 30)
    assert parse_period("2021").start == date(2021, 1, 1)
    with pytest.raises(ValueError, match="2022H2"):
        parse_period("下半年")
    assert months_back(date(2022, 3, 31), 1) == date(2022, 2, 28)
    assert trend_dates(date(2022, 12, 31))[0] == date(2021, 12, 31) and len(trend_dates(date(2022, 12, 31))) == 13


def test_default_as_of(fixture_con, con) -> None:
    assert default_as_of(fixture_con, today=date(2026, 1, 1)) == date(2021, 9, 1)  # the latest brand start
    assert default_as_of(con, today=date(2026, 1, 1)) == date(2026, 1, 1)


def _computed(con: duckdb.DuckDBPyConnection, dates: list[date], level: str | None) -> object:
    """The engine's result computed from the records, never from the stored latest metrics."""
    from unittest.mock import patch

    from rcdash.metrics import engine

    with patch.object(engine, "_stored", return_value=None):
        return engine.compute_all(con, dates) if level is None else engine.compute(con, dates, level)


def test_latest_date_is_read_from_stored_metrics_equal_to_computing(demo_db: Path, tmp_path: Path) -> None:
    import shutil
    from unittest.mock import patch

    import pandas as pd

    from rcdash.importing.load import import_into, undo_import
    from rcdash.metrics import engine
    from rcdash.metrics.derived import unsettled
    from rcdash.metrics.engine import latest_data_date
    from rcdash.store.publish import writing

    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)

    def check(expect_adult: float | None = None, stored: bool = True) -> None:
        con = connect(db, read_only=True)
        try:
            latest = latest_data_date(con)
            assert unsettled(con) == ([] if stored else ["latest_metrics"])
            for level in ("county", "township", None):
                got = engine.compute_all(con, [latest]) if level is None else engine.compute(con, [latest], level)
                pd.testing.assert_frame_equal(got, _computed(con, [latest], level))
            with patch.object(engine, "metrics_sql", side_effect=AssertionError("computed, not read")):
                if stored:
                    city = engine.compute(con, [latest], "county").iloc[0]  # read from the stored rows
                with pytest.raises(AssertionError, match="computed, not read"):
                    engine.compute(con, [latest - timedelta(days=1)], "county")  # any other date is computed
            if not stored:  # dropped by the import: computed, never read stale
                city = engine.compute(con, [latest], "county").iloc[0]
            if expect_adult is not None:
                assert city["adult_members"] == expect_adult
        finally:
            con.close()

    check()
    con = connect(db, read_only=True)
    latest, before = latest_data_date(con), engine.compute(con, [latest_data_date(con)], "county").iloc[0]
    con.close()
    # An import publishes its rows without the stored metrics (here: 1,000 more members in one village); until
    # settle() stores them again, readers compute them from the new rows.
    text = f"division,date,adult_members\n{XIASHAN},{latest.isoformat()},1000\n"
    result = import_into(db, "members", write(tmp_path, "m.csv", text), refresh=refresh_deferring)
    assert result.exit_code == 0, result.errors
    con = connect(db, read_only=True)
    old = con.execute("SELECT adult_members FROM members_prior WHERE division = ?", [XIASHAN]).fetchall()
    con.close()
    after = before["adult_members"] + 1000 - (old[0][0] if old else 0)
    check(after, stored=False)
    assert settle(db) == ["latest_metrics"]
    check(after)
    assert settle(db) == []  # nothing to do: nothing written
    with writing(db, refresh=refresh) as con:  # an undo stores them in its own step
        undo_import(con, result.import_id)
    check(before["adult_members"])


def test_a_derived_table_defined_anew_is_rebuilt_on_the_next_write(tmp_path: Path) -> None:
    # Derived tables are rebuilt when their sources change and also when their definition does (a new query or
    # a new version of a Python build): a database written by an older version must not keep the old rows.
    import dataclasses
    from unittest.mock import patch

    from rcdash.metrics import derived
    from rcdash.store.publish import writing

    path = tmp_path / "d.duckdb"
    derived.init_db(path)
    with writing(path) as con:
        assert derived.refresh(con) == []  # nothing changed since init built them
    renamed = tuple(dataclasses.replace(d, definition=lambda: "area_divisions 2") if d.table == "area_divisions" else d
                    for d in derived.DERIVED)
    with patch.object(derived, "DERIVED", renamed), writing(path) as con:
        assert derived.refresh(con) == ["area_divisions"]  # its sources unchanged
    with patch.object(derived, "DERIVED", renamed), writing(path) as con:
        assert derived.refresh(con) == []


def test_first_data_date_is_where_reporting_began(fixture_con) -> None:
    from rcdash.metrics.engine import first_data_date

    # The first members snapshot (2020-12-31), not the branches founded on 2020-01-01: history starts with reporting.
    assert first_data_date(fixture_con) == date(2020, 12, 31)


def test_first_data_date_of_an_empty_database(con) -> None:
    from rcdash.metrics.engine import first_data_date

    assert first_data_date(con) is None
