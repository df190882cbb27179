"""月度主题: the week grid, themes and comparison on a hand-made fixture, and agreement with the metrics engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from rcdash.importing.load import import_file
from rcdash.metrics import engine
from rcdash.metrics.period import half_year_of
from rcdash.store.connections import connect
from rcdash.topics import monthly
from tests.conftest import write

KEQIAO, YUECHENG, FUQUAN = "330603", "330602", "330603006"
ACTIVITIES = (
    "date,division,title,category,is_monthly_theme,theme,participants\n"
    "2021-02-15,越城区,越城献血宣传,无偿献血,是,献血月,50\n"
    "2021-02-28,柯桥区,柯桥周日宣传,人道传播,,,10\n"  # a Sunday: the week of Feb 22, so February's
    "2021-03-01,柯桥区/福全街道,福全救护培训,应急救护,是,救护月,100\n"
    "2021-03-10,越城区,越城志愿服务,志愿服务,,,20\n"
    "2021-03-31,越城区,越城月末宣传,人道传播,,,5\n"
    "2021-04-02,柯桥区,柯桥四月宣传,人道传播,,,7\n"  # a Friday of the week of Mar 29: March's grid, April's list
)
MARCH = [date(2021, 3, d) for d in (1, 8, 15, 22, 29)]


@pytest.fixture
def fixture(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    assert import_file(con, "activities", write(tmp_path, "a.csv", ACTIVITIES)).exit_code == 0
    return con


def row(view: monthly.MonthlyView, name: str) -> dict:
    return view.grid[view.grid["name"] == name].iloc[0].to_dict()


def test_window_weeks_are_the_mondays_in_the_month() -> None:
    assert monthly.MonthWindow(date(2021, 3, 1), date(2021, 6, 30)).mondays() == MARCH
    assert monthly.MonthWindow(date(2021, 3, 1), date(2021, 3, 16)).mondays() == MARCH[:3]
    assert monthly.MonthWindow(date(2021, 3, 1), date(2021, 2, 1)).mondays() == []
    assert monthly.previous_month(date(2021, 1, 1)) == date(2020, 12, 1)
    assert monthly.next_month(date(2021, 12, 1)) == date(2022, 1, 1)
    assert monthly.week_label(date(2021, 3, 1)) == "第9周 03-01"


def test_city_grid_counts_activities_per_county_and_week(fixture) -> None:
    view = monthly.month_view(fixture, date(2021, 3, 15), date(2021, 6, 30))
    assert view.weeks == MARCH
    keqiao, yuecheng, total = row(view, "柯桥区"), row(view, "越城区"), row(view, "绍兴市")
    assert [keqiao[m] for m in MARCH] == [1, 0, 0, 0, 1]  # Apr 2 belongs to the week of Mar 29
    assert [yuecheng[m] for m in MARCH] == [0, 1, 0, 0, 1]
    assert [total[m] for m in MARCH] == [1, 1, 0, 0, 2]
    assert (keqiao["voiced_weeks"], total["voiced_weeks"], total["weeks"]) == (2, 3, 5)
    assert row(view, "新昌县")["voiced_weeks"] == 0
    assert len(view.grid) == 7 and view.grid.iloc[0]["total"]
    silent = monthly.silent_weeks(view)
    assert silent["柯桥区"] == MARCH[1:4]
    # 嵊州市 sent no activity for March (due 2021-04-05): 未报送, not five silent weeks (DESIGN §9).
    assert "嵊州市" not in silent and view.unreported["330683"] == ["activities"]
    assert monthly.grid_table(view).set_index("区、县（市）").loc["嵊州市", "无活动的周"] == "未报送"


def test_themes_flag_counties_without_one(fixture) -> None:
    view = monthly.month_view(fixture, date(2021, 3, 1), date(2021, 6, 30))
    themes = view.themes.set_index("name")
    assert themes.loc["柯桥区", "status"] == monthly.THEMED and themes.loc["柯桥区", "themes"] == "救护月"
    assert themes.loc["柯桥区", "dates"] == "03-01"
    assert themes.loc["越城区", "status"] == monthly.MISSED
    assert int(themes["themed"].sum()) == 1
    in_progress = monthly.month_view(fixture, date(2021, 3, 1), date(2021, 3, 16))
    assert in_progress.themes.set_index("name").loc["越城区", "status"] == monthly.NOT_YET
    assert in_progress.weeks == MARCH[:3]


def test_a_month_after_the_activities_end_is_no_data_not_silent(fixture) -> None:
    # The fixture's activities end on Friday 2021-04-02: May is no data, April counts nothing after Apr 2.
    may = monthly.month_view(fixture, date(2021, 5, 1), date(2021, 6, 30))
    assert may.window.no_data and may.weeks == [] and monthly.silent_weeks(may) == {}
    assert set(may.themes["status"]) == {"无数据（数据截至 2021-04-02）"}
    table = monthly.comparison_table(may)
    assert (table["活动数（2021 年 5 月）"] == "无数据").all() and (table["月度主题（2021 年 5 月）"] == "无数据").all()
    assert "无数据（数据截至 2021-04-02）" in monthly.headline(may)[0]
    assert (monthly.themes_table(may)["主题活动数"] == "无数据").all()
    assert (monthly.grid_table(may)["有活动周数"] == "无数据（数据截至 2021-04-02）").all()
    april = monthly.month_view(fixture, date(2021, 4, 1), date(2021, 6, 30))
    assert not april.window.no_data and april.window.in_progress and april.weeks == []  # first Monday: Apr 5
    assert april.themes.set_index("name").loc["越城区", "status"] == monthly.NOT_YET  # not 未开展: data ended


def test_comparison_with_the_previous_month(fixture) -> None:
    view = monthly.month_view(fixture, date(2021, 3, 1), date(2021, 6, 30))
    c = view.comparison.set_index("name")
    assert (c.loc["绍兴市", "activities_now"], c.loc["绍兴市", "activities_before"]) == (3, 2)  # calendar months
    assert (c.loc["绍兴市", "participants_now"], c.loc["绍兴市", "participants_before"]) == (125, 60)
    assert (c.loc["绍兴市", "voiced_weeks_before"], c.loc["绍兴市", "weeks_before"]) == (2, 4)
    assert bool(c.loc["越城区", "themed_before"]) and not bool(c.loc["越城区", "themed_now"])
    assert c.loc["越城区", "activities_change"] == 1
    table = monthly.comparison_table(view)
    assert list(table.columns[:3]) == ["代码", "区、县（市）", "活动数（2021 年 3 月）"]
    shengzhou = table.set_index("区、县（市）").loc["嵊州市"]  # sent no March activity: not 0, 未报送
    assert (shengzhou["活动数（2021 年 3 月）"], shengzhou["活动数增减"]) == ("未报送", "未报送")
    lines = monthly.headline(view)
    assert lines[0].startswith("2021 年 3 月，绍兴市共开展活动 3 次") and "（+1）" in lines[0]
    assert "1 / 2 个区县开展了月度主题活动（4 个区县未报送，不计）" in lines[-1] and "越城区" in lines[-1]


def test_county_view_has_townships_and_the_county_itself(fixture) -> None:
    view = monthly.month_view(fixture, date(2021, 3, 1), date(2021, 6, 30), KEQIAO)
    names = list(view.grid["name"])
    assert names[0] == "柯桥区" and names[-1] == "柯桥区本级" and "福全街道" in names
    assert len(names) == 1 + 16 + 1  # the county, its 16 townships, its own row
    assert [row(view, "福全街道")[m] for m in MARCH] == [1, 0, 0, 0, 0]
    assert [row(view, "柯桥区本级")[m] for m in MARCH] == [0, 0, 0, 0, 1]
    assert [row(view, "柯桥区")[m] for m in MARCH] == [1, 0, 0, 0, 1]
    assert list(view.themes["name"]) == ["柯桥区"] and view.themes.iloc[0]["themed"]
    assert set(view.activities["county_code"]) == {KEQIAO}
    assert "柯桥区本月已开展月度主题活动（救护月，03-01）" in monthly.headline(view)[-1]


def test_activity_list_and_filters(fixture) -> None:
    view = monthly.month_view(fixture, date(2021, 3, 1), date(2021, 6, 30))
    acts = view.activities
    assert list(acts["title"]) == ["福全救护培训", "越城志愿服务", "越城月末宣传"]
    assert list(monthly.filter_activities(acts, categories=["人道传播"])["title"]) == ["越城月末宣传"]
    assert list(monthly.filter_activities(acts, themes_only=True)["title"]) == ["福全救护培训"]
    assert list(monthly.filter_activities(acts, areas=["福全街道"])["title"]) == ["福全救护培训"]
    assert list(monthly.filter_activities(acts, text="志愿")["title"]) == ["越城志愿服务"]
    table = monthly.activities_table(acts)
    assert list(table["月度主题活动"]) == ["是", "否", "否"] and table.iloc[1]["乡镇（街道）"] == "（区县本级）"


def test_month_options(fixture) -> None:
    assert monthly.month_options(fixture, date(2021, 4, 10))[:2] == [date(2021, 4, 1), date(2021, 3, 1)]
    assert monthly.month_options(fixture, date(2021, 4, 10))[-1] == date(2021, 2, 1)


def test_empty_database_gives_zeros(con) -> None:
    view = monthly.month_view(con, date(2021, 3, 1), date(2021, 6, 30))
    assert view.activities.empty and int(view.grid["voiced_weeks"].sum()) == 0
    assert not view.themes["themed"].any()
    assert monthly.month_options(con, date(2021, 3, 5)) == [date(2021, 3, 1)]


# ---- agreement with DESIGN §5 as the engine computes it -----------------------------------------------------------

@pytest.fixture(scope="session")
def demo(demo_db: Path) -> duckdb.DuckDBPyConnection:
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


def months_of(period_end: date) -> list[date]:
    start = half_year_of(period_end).start
    return [date(start.year, start.month + i, 1) for i in range(6)]


@pytest.mark.parametrize("period_end", [date(2021, 6, 30), date(2022, 12, 31)])
def test_months_add_up_to_the_engines_half_year(demo, period_end: date) -> None:
    metrics = engine.at(demo, period_end, "county").set_index("code")
    views = [monthly.month_view(demo, m, period_end) for m in months_of(period_end)]
    for code, metric in metrics.iterrows():
        key = "*" if metric["level"] == "city" else code
        grids = [v.grid.set_index("key").loc[key] for v in views]
        assert sum(int(g["voiced_weeks"]) for g in grids) == metric["voiced_weeks"], code
        assert sum(int(g["weeks"]) for g in grids) == metric["weeks_in_period"], code
        if metric["level"] == "city":
            themed = sum(bool(v.themes["themed"].any()) for v in views)
        else:
            themed = sum(bool(v.themes.set_index("code").loc[code, "themed"]) for v in views)
        assert themed == metric["themed_months"], code


def test_township_rows_add_up_to_the_engines_township_metrics(demo) -> None:
    end = date(2021, 6, 30)
    metrics = engine.at(demo, end, "township").set_index("code")
    views = [monthly.month_view(demo, m, end, KEQIAO) for m in months_of(end)]
    townships = [c for c in views[0].grid["key"] if c.startswith(KEQIAO) and len(c) == 9]
    assert len(townships) == 16
    for code in townships:
        voiced = sum(int(v.grid.set_index("key").loc[code, "voiced_weeks"]) for v in views)
        assert voiced == metrics.loc[code, "voiced_weeks"], code


def test_a_month_in_progress_matches_the_engine_on_that_day(demo) -> None:
    as_of = date(2022, 7, 14)  # the engine's period is 2022-07-01 … 2022-07-14: one month, cut
    metrics = engine.at(demo, as_of, "county").set_index("code")
    view = monthly.month_view(demo, as_of, as_of)
    grid = view.grid.set_index("code")
    for code, metric in metrics.iterrows():
        assert grid.loc[code, "voiced_weeks"] == metric["voiced_weeks"]
        assert grid.loc[code, "weeks"] == metric["weeks_in_period"] == 2
