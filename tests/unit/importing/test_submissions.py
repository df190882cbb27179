"""County submissions (DESIGN §9): scoped to the county, pending until an admin approves or returns, enforced here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from rcdash.admin.users import User
from rcdash.importing.load import import_file, undo_import
from rcdash.importing.submissions import (
    SubmissionChanged,
    SubmissionRefused,
    approve,
    get,
    return_submission,
    submit,
    visible,
)
from tests.conftest import write

XINCHANG = User("xinchang", "county", "330624")
YUECHENG = User("yuecheng", "county", "330602")
ADMIN = User("city", "admin")
VIEWER = User("viewer1", "viewer")
HEADER = "division,date,adult_members\n"
OWN_ROWS = "330624001,2025-06-30,120\n南明街道,2025-06-30,80\n"  # by code and by name, both in 新昌县
SUBMITTED_AT = datetime(2025, 7, 8, 9, 30)


def _members(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT division, adult_members FROM members ORDER BY division").fetchall()


def _submit(con: duckdb.DuckDBPyConnection, tmp_path: Path, text: str, user: User = XINCHANG, name: str = "m.csv"):
    return submit(con, "members", write(tmp_path, name, HEADER + text), user, at=SUBMITTED_AT,
                  folder=tmp_path / "submissions")


def test_a_submission_is_pending_with_its_file_and_dry_run_and_counts_in_no_figure(con, tmp_path: Path) -> None:
    import_file(con, "members", write(tmp_path, "old.csv", HEADER + "330624001,2025-06-30,100\n"))
    done = _submit(con, tmp_path, OWN_ROWS)
    assert done.status == "pending" and done.submission_id is not None
    assert (done.result.inserted, done.result.updated, done.result.unchanged) == (1, 1, 0)
    assert done.as_json()["submission_id"] == done.submission_id and done.as_json()["status"] == "pending"
    sub = get(con, done.submission_id)
    assert (sub.submitted_by, sub.submitted_at, sub.county_code) == ("xinchang", SUBMITTED_AT, "330624")
    assert (tmp_path / "submissions" / sub.stored_name).read_bytes() == (tmp_path / "m.csv").read_bytes()
    assert _members(con) == [("330624001", 100)]  # nothing of it is in the figures


@pytest.mark.parametrize("row", ["330602001,2025-06-30,50\n", "塔山街道,2025-06-30,50\n"], ids=["code", "name"])
def test_another_countys_row_is_an_error_with_row_and_column_and_nothing_is_filed(con, tmp_path: Path, row: str) -> None:
    done = _submit(con, tmp_path, OWN_ROWS + row)
    assert done.status is None and done.submission_id is None and done.result.exit_code == 1
    (error,) = done.result.errors
    assert (error.row, error.column) == (4, "division")
    assert "越城区" in error.message and "新昌县" in error.message
    assert con.execute("SELECT count(*) FROM submissions").fetchone() == (0,)
    assert not (tmp_path / "submissions").exists()


def test_only_county_users_submit_and_city_wide_kinds_are_refused(con, tmp_path: Path) -> None:
    for user in (ADMIN, VIEWER):
        with pytest.raises(SubmissionRefused, match="不是区县报送员"):
            _submit(con, tmp_path, OWN_ROWS, user=user)
    targets = write(tmp_path, "t.csv", "metric,area,year,value\nvillage_branch_rate,*,2025,50%\n")
    with pytest.raises(SubmissionRefused, match="全市的数据"):
        submit(con, "targets", targets, XINCHANG, folder=tmp_path / "s")


def test_approve_imports_with_origin_and_undo_works_as_for_any_import(con, tmp_path: Path) -> None:
    sid = _submit(con, tmp_path, OWN_ROWS).submission_id
    result = approve(con, sid, ADMIN, folder=tmp_path / "submissions")
    assert result.import_id is not None and result.inserted == 2
    assert len(_members(con)) == 2
    log = con.execute("SELECT received_at, submission_id, submitted_by, approved_by, created_by FROM imports "
                      "WHERE import_id = ?", [result.import_id]).fetchone()
    assert log == (SUBMITTED_AT, sid, "xinchang", "city", "city")
    assert (get(con, sid).status, get(con, sid).import_id) == ("approved", result.import_id)
    undo_import(con, result.import_id)
    assert _members(con) == []


def test_a_county_or_viewer_user_cannot_approve_or_return(con, tmp_path: Path) -> None:
    sid = _submit(con, tmp_path, OWN_ROWS).submission_id
    for user in (XINCHANG, VIEWER):
        with pytest.raises(SubmissionRefused, match="只有市级管理员"):
            approve(con, sid, user, folder=tmp_path / "submissions")
        with pytest.raises(SubmissionRefused, match="只有市级管理员"):
            return_submission(con, sid, user, "不对")
    assert get(con, sid).status == "pending" and _members(con) == []


def test_approving_twice_a_replayed_id_a_returned_or_unknown_one_is_refused(con, tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    sid = _submit(con, tmp_path, OWN_ROWS).submission_id
    first = approve(con, sid, ADMIN, folder=folder)
    with pytest.raises(SubmissionRefused, match="不能再次批准"):
        approve(con, sid, ADMIN, folder=folder)
    undo_import(con, first.import_id)  # the import undone: the id is still spent, not pending again
    with pytest.raises(SubmissionRefused, match="不能再次批准"):
        approve(con, sid, ADMIN, folder=folder)
    assert con.execute("SELECT count(*) FROM imports WHERE status = 'loaded'").fetchone() == (0,)
    other = _submit(con, tmp_path, "330624003,2025-06-30,5\n", name="n.csv").submission_id
    returned = return_submission(con, other, ADMIN, "  七星街道的日期应为 6 月 30 日  ")
    assert (returned.status, returned.reason, returned.decided_by) == ("returned", "七星街道的日期应为 6 月 30 日", "city")
    with pytest.raises(SubmissionRefused, match=r"已.*退回"):
        approve(con, other, ADMIN, folder=folder)
    with pytest.raises(SubmissionRefused, match="没有编号为 999"):
        approve(con, 999, ADMIN, folder=folder)
    with pytest.raises(SubmissionRefused, match="退回原因"):
        return_submission(con, _submit(con, tmp_path, OWN_ROWS, name="x.csv").submission_id, ADMIN, " ")


def test_a_later_import_of_the_same_rows_asks_for_confirmation(con, tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    sid = _submit(con, tmp_path, OWN_ROWS).submission_id
    later = import_file(con, "members", write(tmp_path, "later.csv", HEADER + "330624001,2025-06-30,90\n"))
    with pytest.raises(SubmissionChanged, match=rf"#{later.import_id}.*新增 2 行.*新增 1 行，更新 1 行"):
        approve(con, sid, ADMIN, folder=folder)
    assert get(con, sid).status == "pending"
    result = approve(con, sid, ADMIN, folder=folder, confirm=True)
    assert (result.inserted, result.updated) == (1, 1)


def test_a_tampered_file_is_not_approved(con, tmp_path: Path) -> None:
    sid = _submit(con, tmp_path, OWN_ROWS).submission_id
    stored = tmp_path / "submissions" / get(con, sid).stored_name
    stored.write_text(HEADER + "330602001,2025-06-30,50\n", encoding="utf-8")
    with pytest.raises(SubmissionRefused, match="丢失或被改动"):
        approve(con, sid, ADMIN, folder=tmp_path / "submissions")


def test_a_county_user_never_sees_another_countys_submissions(con, tmp_path: Path) -> None:
    _submit(con, tmp_path, OWN_ROWS)
    submit(con, "members", write(tmp_path, "y.csv", HEADER + "330602001,2025-06-30,7\n"), YUECHENG,
           folder=tmp_path / "submissions")
    assert set(visible(con, XINCHANG)["county_code"]) == {"330624"}
    assert set(visible(con, YUECHENG)["county_code"]) == {"330602"}
    assert set(visible(con, ADMIN)["county_code"]) == {"330602", "330624"}
    assert len(visible(con, ADMIN, "pending")) == 2 and visible(con, ADMIN, "approved").empty
    with pytest.raises(SubmissionRefused):
        visible(con, VIEWER)


def test_a_database_written_before_submissions_existed_reads_as_none_yet() -> None:
    from rcdash.importing.load import list_imports

    old = duckdb.connect()
    old.execute("CREATE TABLE imports (import_id INTEGER, kind VARCHAR, status VARCHAR)")
    old.execute("INSERT INTO imports VALUES (1, 'members', 'loaded')")
    assert visible(old, ADMIN).empty  # the app reads it before the next write adds the table
    assert list_imports(old)[["import_id", "submitted_by"]].to_dict("records")[0]["import_id"] == 1
