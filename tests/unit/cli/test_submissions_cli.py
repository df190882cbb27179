"""`import --submit-as`, `submissions`, `submissions approve|return` and `users add --role county` (DESIGN §6, §9)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from rcdash.store.connections import open_snapshot
from tests.conftest import write
from tests.unit.cli.test_main import run

PASSWORD = "correct horse 42\n"
HEADER = "division,date,adult_members\n"


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An admin, a county user of 新昌县 and a viewer, added through the command line once (argon2 takes time)."""
    folder = tmp_path_factory.mktemp("users")
    saved = os.environ.get("RCDASH_USERS")
    os.environ["RCDASH_USERS"] = str(folder / "users.sqlite")
    try:
        db = folder / "unused.duckdb"  # `users` never opens the database
        assert run("users", "add", "city", "--role", "admin", "--password-stdin", db=db, stdin=PASSWORD).returncode == 0
        added = run("users", "add", "xinchang", "--role", "county", "--county", "330624", "--password-stdin", db=db,
                    stdin=PASSWORD)
        assert added.returncode == 0 and "新昌县" in added.stdout
        assert run("users", "add", "viewer1", "--role", "viewer", "--password-stdin", db=db,
                   stdin=PASSWORD).returncode == 0
        bad = run("users", "add", "x", "--role", "county", "--county", "杭州", "--password-stdin", db=db, stdin=PASSWORD)
        assert bad.returncode == 2 and "不是绍兴市的区县" in bad.stderr
    finally:
        if saved is None:
            os.environ.pop("RCDASH_USERS", None)
        else:
            os.environ["RCDASH_USERS"] = saved
    return folder / "users.sqlite"


@pytest.fixture
def cli(db_file: Path, tmp_path: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch):
    """`rcdash ARGS` on a fresh database with those users."""
    monkeypatch.setenv("RCDASH_USERS", str(shutil.copyfile(users_file, tmp_path / "users.sqlite")))
    monkeypatch.setenv("RCDASH_SUBMISSIONS", str(tmp_path / "submissions"))

    def call(*args: str, stdin: str | None = None):
        return run(*args, db=db_file, stdin=stdin)

    return call


def _members(db: Path) -> int:
    with open_snapshot(db) as con:
        return con.execute("SELECT count(*) FROM members").fetchone()[0]


def test_another_countys_rows_by_code_or_name_are_rejected_and_nothing_filed(cli, tmp_path: Path) -> None:
    for row in ("330602001,2025-06-30,5\n", "塔山街道,2025-06-30,5\n"):
        path = write(tmp_path, "m.csv", HEADER + "330624001,2025-06-30,120\n" + row)
        out = cli("import", "members", str(path), "--submit-as", "xinchang", "--format", "json")
        summary = json.loads(out.stdout)
        assert out.returncode == 1 and summary["submission_id"] is None and summary["status"] is None
        assert [(e["row"], e["column"]) for e in summary["errors"]] == [(3, "division")]
    assert json.loads(cli("submissions", "--format", "json").stdout) == []


def test_submit_approve_return_from_the_command_line(cli, tmp_path: Path, db_file: Path) -> None:
    path = write(tmp_path, "m.csv", HEADER + "330624001,2025-06-30,120\n")
    out = cli("import", "members", str(path), "--submit-as", "xinchang", "--format", "json")
    summary = json.loads(out.stdout)
    assert out.returncode == 0, out.stderr
    assert (summary["status"], summary["inserted"], summary["import_id"]) == ("pending", 1, None)
    sid = str(summary["submission_id"])
    assert _members(db_file) == 0  # pending: in no figure
    assert cli("import", "members", str(path), "--submit-as", "city").returncode == 2  # admins import directly

    for who in ("xinchang", "viewer1"):  # the role comes from the users file, not from the command line
        refused = cli("submissions", "approve", sid, "--by", who)
        assert refused.returncode == 2 and "只有市级管理员" in refused.stderr
    assert cli("submissions", "approve", sid, "--by", "nobody").returncode == 2
    assert _members(db_file) == 0

    approved = cli("submissions", "approve", sid, "--by", "city")
    assert approved.returncode == 0 and "新增 1 行" in approved.stdout
    assert _members(db_file) == 1
    again = cli("submissions", "approve", sid, "--by", "city")
    assert again.returncode == 2 and "不能再次批准" in again.stderr
    log = json.loads(cli("imports", "--format", "json").stdout)[0]
    assert (log["submission_id"], log["submitted_by"], log["approved_by"]) == (int(sid), "xinchang", "city")

    second = json.loads(cli("import", "members", str(write(tmp_path, "n.csv", HEADER + "330624002,2025-06-30,9\n")),
                            "--submit-as", "xinchang", "--format", "json").stdout)["submission_id"]
    assert cli("submissions", "return", str(second), "--reason", "x", "--by", "xinchang").returncode == 2
    returned = cli("submissions", "return", str(second), "--reason", "请按乡镇分行填写")
    assert returned.returncode == 0, returned.stderr
    listed = json.loads(cli("submissions", "--status", "returned", "--format", "json").stdout)
    assert [(s["submission_id"], s["reason"]) for s in listed] == [(second, "请按乡镇分行填写")]
    assert "已退回" in cli("submissions").stdout


def test_approving_after_a_later_import_of_the_same_rows_needs_confirm(cli, tmp_path: Path, db_file: Path) -> None:
    path = write(tmp_path, "m.csv", HEADER + "330624001,2025-06-30,120\n")
    sid = str(json.loads(cli("import", "members", str(path), "--submit-as", "xinchang", "--format", "json").stdout)
              ["submission_id"])
    assert cli("import", "members", str(write(tmp_path, "c.csv", HEADER + "330624001,2025-06-30,99\n"))).returncode == 0
    asked = cli("submissions", "approve", sid, "--by", "city")
    assert asked.returncode == 2 and "--confirm" in asked.stderr and "更新 1 行" in asked.stderr
    confirmed = cli("submissions", "approve", sid, "--by", "city", "--confirm")
    assert confirmed.returncode == 0 and "更新 1 行" in confirmed.stdout
