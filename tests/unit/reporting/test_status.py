"""Reporting statuses (DESIGN §9): on time, late, missing, cycles in a half-year, registers, undo, rates, JSON."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from rcdash.importing.load import Origin, import_file, undo_import
from rcdash.plans import parse, seed_plan
from rcdash.reporting import mark_unreported, parse_period, reporting_view, span, unreported_counties
from rcdash.reporting.calendar import cycles_in, duties, latest_due
from tests.conftest import write

KEQIAO, YUECHENG = "330603", "330602"
TODAY = date(2023, 3, 1)  # every 2022H2 report is due by then


def _activities(con: duckdb.DuckDBPyConnection, tmp_path: Path, rows: str, received: datetime) -> int:
    """Import activities (date,division lines) received at a moment; returns the import id."""
    text = "date,division,title,category\n" + "".join(f"{line},活动{i},无偿献血\n" for i, line in enumerate(rows.split()))
    result = import_file(con, "activities", write(tmp_path, f"a{received:%m%d%H}.csv", text),
                         origin=Origin(received_at=received))
    assert result.exit_code == 0, result.errors
    return int(result.import_id)


def _teams(con: duckdb.DuckDBPyConnection, tmp_path: Path, received: datetime) -> int:
    """Import a teams register of 柯桥区 received at a moment."""
    text = "name,type,division,founded_on,registered_volunteers\n柯桥队,志愿服务队,柯桥区,2020-01-01,30\n"
    result = import_file(con, "teams", write(tmp_path, f"t{received:%m%d}.csv", text), origin=Origin(received_at=received))
    assert result.exit_code == 0, result.errors
    return int(result.import_id)


def _status(con: duckdb.DuckDBPyConnection, period: str, county: str, kind: str, today: date = TODAY):
    view = reporting_view(con, seed_plan(), parse_period(period), today)
    return next(c for c in view.counties if c.code == county).kinds[kind]


def test_on_time_late_and_missing_for_a_month(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _activities(con, tmp_path, "2022-12-03,柯桥区", datetime(2023, 1, 5, 17))  # the due day itself: on time
    _activities(con, tmp_path, "2022-12-09,越城区", datetime(2023, 1, 6, 8))  # a day after the 5th: late
    keqiao = _status(con, "2022-12", KEQIAO, "activities")
    assert (keqiao.status, keqiao.due, keqiao.first_received) == ("on_time", date(2023, 1, 5), datetime(2023, 1, 5, 17))
    assert _status(con, "2022-12", YUECHENG, "activities").status == "late"
    assert _status(con, "2022-12", "330624", "activities").status == "missing"  # 新昌县 sent nothing
    assert _status(con, "2022-12", "330624", "activities", today=date(2023, 1, 5)).status == "not_due"


def test_a_half_year_of_a_monthly_kind_counts_its_six_months(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _activities(con, tmp_path, "2022-07-03,柯桥区 2022-08-03,柯桥区 2022-09-03,柯桥区", datetime(2022, 10, 1))
    _activities(con, tmp_path, "2022-10-03,柯桥区 2022-12-03,柯桥区", datetime(2022, 12, 20))
    status = _status(con, "2022H2", KEQIAO, "activities")
    # Received Oct 1: Jul (due Aug 5) and Aug (Sep 5) late, Sep (Oct 5) on time; Dec 20: Oct late, Dec on time;
    # November never came.
    assert status.counts() == {"on_time": 2, "late": 3, "missing": 1, "not_due": 0}
    assert status.status == "missing"  # any month missing: the half-year is missing
    assert [c.cycle.label for c in status.cycles] == [f"2022-{m:02d}" for m in range(7, 13)]
    _activities(con, tmp_path, "2022-11-03,柯桥区", datetime(2023, 1, 20))
    assert _status(con, "2022H2", KEQIAO, "activities").status == "late"  # none missing, some late


def test_a_register_reports_the_cycles_ended_before_it_arrived(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _teams(con, tmp_path, datetime(2023, 1, 8))
    assert _status(con, "2022H2", KEQIAO, "teams").status == "on_time"  # due 2023-01-10
    assert _status(con, "2022H1", KEQIAO, "teams").status == "late"  # no register came between: the late one
    assert _status(con, "2023H1", KEQIAO, "teams", today=date(2023, 8, 1)).status == "missing"  # sent before it ended
    assert _status(con, "2022H2", YUECHENG, "teams").status == "missing"


def test_undo_removes_what_the_import_reported(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import_id = _activities(con, tmp_path, "2022-12-03,柯桥区", datetime(2023, 1, 2))
    assert con.execute("SELECT kind, county, month FROM import_coverage WHERE import_id = ?", [import_id]).fetchall() \
        == [("activities", KEQIAO, date(2022, 12, 1))]
    undo_import(con, import_id)
    assert con.execute("SELECT count(*) FROM import_coverage").fetchone() == (0,)
    assert _status(con, "2022-12", KEQIAO, "activities").status == "missing"


def test_a_central_import_is_received_when_imported(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import_file(con, "activities", write(tmp_path, "c.csv", "date,division,title,category\n2022-12-03,柯桥区,x,无偿献血\n"))
    received = _status(con, "2022-12", KEQIAO, "activities", today=date.today()).first_received
    assert received is not None and received.date() == date.today()


def test_rates_and_json_shape(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _activities(con, tmp_path, "2022-12-03,柯桥区", datetime(2023, 1, 2))
    _activities(con, tmp_path, "2022-12-09,越城区", datetime(2023, 1, 9))
    view = reporting_view(con, seed_plan(), parse_period("2022-12"), TODAY)
    out = view.as_json()
    assert out["period"] == "2022-12" and set(out) == {"period", "counties", "timeliness_rate", "completeness_rate"}
    keqiao = next(c for c in out["counties"] if c["code"] == KEQIAO)
    assert set(keqiao) == {"code", "name", "kinds", "timeliness_rate", "completeness_rate"}
    assert keqiao["name"] == "柯桥区"
    assert set(keqiao["kinds"]) == {"activities", "members", "branches", "teams", "sites"}  # December closes H2
    assert keqiao["kinds"]["activities"] == {"due": "2023-01-05", "status": "on_time",
                                             "first_received": "2023-01-02 00:00:00",
                                             "cycles": {"on_time": 1, "late": 0, "missing": 0, "not_due": 0}}
    assert keqiao["timeliness_rate"] == pytest.approx(1 / 5) and keqiao["completeness_rate"] == pytest.approx(1 / 5)
    assert out["timeliness_rate"] == pytest.approx(1 / 30) and out["completeness_rate"] == pytest.approx(2 / 30)
    november = reporting_view(con, seed_plan(), parse_period("2022-11"), TODAY).as_json()
    assert set(november["counties"][0]["kinds"]) == {"activities"}  # half-yearly kinds are owed in June and December


def test_the_plan_calendar_overrides_the_defaults() -> None:
    plan = dataclasses.replace(seed_plan(), reporting={"members": {"cycle": "month"}, "sites": {"cycle": "none"},
                                                      "rescue_stats": {"cycle": "month", "due_days": 15}})
    calendar = {d.kind: (d.cycle, d.due_days) for d in duties(plan)}
    assert calendar == {"activities": ("month", 5), "members": ("month", 10), "branches": ("half_year", 10),
                        "teams": ("half_year", 10), "rescue_stats": ("month", 15)}
    assert {d.kind: (d.cycle, d.due_days) for d in duties(seed_plan())} == {
        "activities": ("month", 5), "members": ("half_year", 10), "branches": ("half_year", 10),
        "teams": ("half_year", 10), "sites": ("half_year", 10)}


def test_periods() -> None:
    assert (parse_period("2022h2").start, parse_period("2022H2").end) == (date(2022, 7, 1), date(2022, 12, 31))
    assert (parse_period("2022-02").start, parse_period("2022-02").end) == (date(2022, 2, 1), date(2022, 2, 28))
    for bad in ("2022-13", "2022H3", "22-12", "", "2022"):
        with pytest.raises(ValueError, match="2022H2"):
            parse_period(bad)
    assert [c.label for c in cycles_in(parse_period("2022-06"), "half_year")] == ["2022H1"]
    assert cycles_in(parse_period("2022-05"), "half_year") == []
    calendar = duties(seed_plan())
    assert latest_due("month", calendar, date(2023, 1, 11)).label == "2022-12"
    assert latest_due("month", calendar, date(2023, 1, 10)).label == "2022-11"  # December's registers due that day
    assert latest_due("half_year", calendar, date(2026, 12, 7), data_end=date(2022, 12, 31)).label == "2022H2"


def test_plan_reporting_keys_are_checked() -> None:
    base = 'id = "p"\nname = "计划"\nstart = 2023-01-01\nend = 2025-12-31\n'
    parse(base + "[reporting]\nactivities = { cycle = \"month\", due_days = 7 }\n")
    for table, words in (("nonsense = { cycle = \"month\" }", "reporting.nonsense"),
                         ("activities = { cycle = \"weekly\" }", "reporting.activities.cycle"),
                         ("activities = { due_days = -1 }", "reporting.activities.due_days"),
                         ("activities = { due_days = 400 }", "reporting.activities.due_days"),
                         ("activities = { when = 5 }", "reporting.activities"),
                         ("activities = 5", "reporting.activities")):
        with pytest.raises(Exception, match=words.replace(".", r"\.")):
            parse(base + "[reporting]\n" + table + "\n")


def test_unreported_counties_and_the_one_rule(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _activities(con, tmp_path, "2022-12-03,柯桥区", datetime(2023, 1, 2))
    missing = unreported_counties(con, seed_plan(), span(date(2022, 12, 1), date(2022, 12, 31)), ("activities",), TODAY)
    assert KEQIAO not in missing and missing[YUECHENG] == ["activities"]
    assert unreported_counties(con, seed_plan(), span(date(2022, 12, 1), date(2022, 12, 31)), ("activities",),
                               date(2023, 1, 3)) == {}  # not due yet: nobody is missing
    frame = pd.DataFrame({"name": ["柯桥区", "越城区"], "figure": [3, 0], "other": [1, 2]})
    marked = mark_unreported(frame, pd.Series([KEQIAO, YUECHENG]), {"figure": ("activities",), "other": ("sites",)},
                             missing)
    assert marked["figure"].tolist() == [3, "未报送"] and marked["other"].tolist() == [1, 2]


def test_a_database_older_than_the_coverage_table_is_backfilled(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from rcdash.store.schema import SCHEMA_META_KEY, ensure_schema

    _activities(con, tmp_path, "2022-12-03,柯桥区", datetime(2023, 1, 2))
    _teams(con, tmp_path, datetime(2023, 1, 8))
    con.execute("DROP TABLE import_coverage")
    assert unreported_counties(con, seed_plan(), parse_period("2022-12"), ("activities",), TODAY) == {}  # unknown
    con.execute("DELETE FROM meta WHERE key = ?", [SCHEMA_META_KEY])  # the schema of an older version
    ensure_schema(con)
    assert _status(con, "2022-12", KEQIAO, "activities").status == "on_time"
    assert _status(con, "2022H2", KEQIAO, "teams").status == "on_time"


def test_grid_cells_say_status_and_dates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from rcdash.topics import reporting as topic

    _activities(con, tmp_path, "2022-07-03,柯桥区 2022-08-03,柯桥区 2022-09-03,柯桥区 2022-10-03,柯桥区",
                datetime(2022, 10, 1))
    text, codes = topic.status_grid(reporting_view(con, seed_plan(), parse_period("2022H2"), TODAY))
    keqiao = text.set_index("区县").loc["柯桥区"]
    assert keqiao["活动（6 个月）"] == "✗ 未报送：缺 11、12 月" and keqiao["会员（截止 01-10）"] == "✗ 未报送"
    assert codes.set_index("区县").loc["柯桥区", "活动（6 个月）"] == "missing"
    october = topic.status_grid(reporting_view(con, seed_plan(), parse_period("2022-10"), TODAY))[0]
    assert october.set_index("区县").loc["柯桥区", "活动（截止 11-05）"] == "✓ 按时 10-01"
    overdue = topic.overdue_table(reporting_view(con, seed_plan(), parse_period("2022H2"), TODAY))
    assert overdue.iloc[0].to_dict() | {"已逾期（天）": 0} == {"区县": "越城区", "代码": "330602", "数据类型": "活动",
                                                         "报送期": "2022-07", "截止日期": "2022-08-05", "已逾期（天）": 0}
