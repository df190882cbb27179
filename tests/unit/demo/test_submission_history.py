"""The demo's county reporting: its last half-year arrives as county submissions (DESIGN §9), the rest centrally."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from rcdash.demo.anomalies import plant
from rcdash.demo.generate import DemoData
from rcdash.demo.story import DEFAULT_SEED
from rcdash.demo.submissions import COUNTY_USERS, SUBMITTED_KINDS, History
from rcdash.demo.world import build_world
from rcdash.records.kinds import KINDS
from rcdash.store.connections import connect


@pytest.fixture(scope="session")
def con(demo_db: Path):
    connection = connect(demo_db, read_only=True)
    yield connection
    connection.close()


def _submissions(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cur = con.execute("SELECT * FROM submissions ORDER BY submission_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_every_county_submits_its_last_half_year_and_a_city_admin_approves(con) -> None:
    subs = _submissions(con)
    assert Counter(s["status"] for s in subs) == {"approved": 59, "returned": 2, "pending": 1}
    assert {s["submitted_by"] for s in subs} == set(COUNTY_USERS.values())
    assert all(COUNTY_USERS[s["county_code"]] == s["submitted_by"] for s in subs)
    approved = [s for s in subs if s["status"] == "approved"]
    assert {s["decided_by"] for s in approved} == {"shaoxing"}
    log = {row[0]: row[1:] for row in con.execute(
        "SELECT submission_id, received_at, submitted_by, approved_by, status FROM imports WHERE submission_id IS NOT NULL"
    ).fetchall()}
    assert log == {s["submission_id"]: (s["submitted_at"], s["submitted_by"], "shaoxing", "loaded") for s in approved}


def test_most_arrive_before_the_due_date_some_late_and_one_month_is_never_sent(con) -> None:
    activities = [s for s in _submissions(con) if s["kind"] == "activities" and s["status"] == "approved"]
    late = 0
    for s in activities:
        first = s["file_name"].split("_")[-1].removesuffix(".csv")  # sNN_user_activities_2022-10.csv
        year, month = map(int, first.split("-"))
        due = date(year + month // 12, month % 12 + 1, 5)
        late += s["submitted_at"].date() > due
    assert 0 < late < len(activities) / 3
    months = Counter(s["county_code"] for s in activities)
    assert sorted(months.values()) == [5, 6, 6, 6, 6, 6]  # one county misses one month


def test_two_returned_with_a_reason_are_sent_again(con) -> None:
    subs = _submissions(con)
    returned = [s for s in subs if s["status"] == "returned"]
    assert len(returned) == 2 and all(s["reason"] and "请" in s["reason"] for s in returned)
    for r in returned:
        again = [s for s in subs if (s["county_code"], s["kind"]) == (r["county_code"], r["kind"])
                 and s["status"] == "approved" and s["submitted_at"] > r["decided_at"] and s["rows"] > r["rows"]]
        assert again, r


def test_the_same_rows_end_up_imported_except_the_month_never_sent(con) -> None:
    world = build_world("city", DEFAULT_SEED)
    data = DemoData(world, {})
    # As the demo builds them: the generated rows with the planted quality anomalies (rcdash.demo.anomalies).
    rows = {kind: list(plant(kind, getattr(data, kind)(), world)) for kind in SUBMITTED_KINDS}
    history = History(rows, DEFAULT_SEED)
    latest = con.execute("SELECT max(date) FROM activities").fetchone()[0]
    assert history.start <= latest <= history.end and (history.end - history.start).days > 180  # its last half-year
    for kind in SUBMITTED_KINDS:
        cols = ", ".join(f'"{c}"' for c in KINDS[kind].columns if c not in ("lon", "lat"))  # converted on import
        keep = [i for i, c in enumerate(KINDS[kind].columns) if c not in ("lon", "lat")]
        stored = Counter(con.execute(f'SELECT {cols} FROM "{KINDS[kind].table}"').fetchall())
        generated = Counter(tuple(r[i] for i in keep) for r in rows[kind])
        assert not stored - generated, kind
        missing = generated - stored
        if kind != "activities":
            assert not missing, kind
            continue
        missed = {(str(r[1])[:6], r[0].replace(day=1)) for r in missing.elements()}
        fourth = (history.start + timedelta(days=95)).replace(day=1)  # the half-year's fourth month
        assert len(missed) == 1 and next(iter(missed))[1] == fourth  # one county's one month, never sent
    last_central = con.execute("SELECT max(a.date) FROM activities a JOIN imports i USING (import_id) "
                               "WHERE i.submission_id IS NULL").fetchone()[0]
    first_submitted = con.execute("SELECT min(a.date) FROM activities a JOIN imports i USING (import_id) "
                                  "WHERE i.submission_id IS NOT NULL").fetchone()[0]
    assert last_central < history.start <= first_submitted


def test_central_imports_carry_a_fixed_receipt_so_a_half_year_after_the_data_reads_missing(con) -> None:
    from rcdash.plans import get
    from rcdash.reporting import parse_period, reporting_view

    central = dict(con.execute("SELECT kind, max(received_at) FROM imports WHERE submission_id IS NULL GROUP BY kind")
                   .fetchall())  # not the build's wall clock: after the rows each holds, before their reports fall due
    assert {central[k].date() for k in SUBMITTED_KINDS} == {date(2025, 7, 3)}  # the county submissions start in 2025H2
    assert central["population"].date() == date(2026, 1, 3)
    # Nothing was sent for 2026H1 (the data ends 2025-12-31): every county's registers and members read 未报送, not
    # "sent late" by a build on a later day.
    view = reporting_view(con, get(con, "demo-2023-2025"), parse_period("2026H1"), date(2026, 12, 7))
    assert {s.status for c in view.counties for s in c.kinds.values()} == {"missing"}
