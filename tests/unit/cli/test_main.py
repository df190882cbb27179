"""The command line: exit codes 0/1/2, the JSON summary, templates, the import log and undo."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from rcdash.config import REPO_ROOT
from rcdash.metrics.derived import unsettled
from rcdash.records.kinds import KINDS
from rcdash.store.connections import open_snapshot
from rcdash.store.sql import scalar
from tests.conftest import write

JSON_KEYS = {"kind", "file", "rows", "accepted", "rejected", "import_id", "errors"}


def run(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m rcdash ARGS` with RCDASH_DB=db, run in this process (a new interpreter per call costs more than
    most commands): the exit code and what it printed, as a finished subprocess would give them."""
    from rcdash.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in ("RCDASH_DB", "RCDASH_DEBUG")}
    os.environ["RCDASH_DB"] = str(db)
    os.environ.pop("RCDASH_DEBUG", None)
    stdin_before = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = stdin_before
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return subprocess.CompletedProcess(["rcdash", *args], code, out.getvalue(), err.getvalue())


def test_init_template_import_undo_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    assert run("init", db=db).returncode == 0
    template = tmp_path / "branches.xlsx"
    assert run("template", "branches", "--out", str(template), db=db).returncode == 0
    sheet = CalamineWorkbook.from_path(str(template)).get_sheet_by_index(0).to_python()
    assert sheet[0] == [f.zh for f in KINDS["branches"].fields]

    good = write(tmp_path, "b.csv", "name,division,level,established_on\n峡山村红十字会,福全街道/峡山村,村社区,2021-03-05\n")
    dry = run("import", "branches", str(good), "--dry-run", "--format", "json", db=db)
    assert dry.returncode == 0 and json.loads(dry.stdout)["import_id"] is None
    done = run("import", "branches", str(good), "--format", "json", db=db)
    summary = json.loads(done.stdout)
    assert done.returncode == 0 and summary.keys() >= JSON_KEYS and summary["accepted"] == 1
    reader = open_snapshot(db)
    try:  # the command stored the latest metrics again after publishing the rows (rcdash.metrics.derived.settle)
        assert unsettled(reader) == [] and scalar(reader, "SELECT count(*) FROM latest_metrics") > 0
    finally:
        reader.close()
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (1, 0, 0)
    again = run("import", "branches", str(good), db=db)  # the same file again: nothing changes
    assert again.returncode == 0 and "新增 0 行，更新 0 行，未变 1 行" in again.stdout
    log = run("imports", "--format", "json", db=db)
    assert [(r["inserted"], r["updated"], r["unchanged"]) for r in json.loads(log.stdout)] == [(0, 0, 1), (1, 0, 0)]
    assert "未变" in run("imports", db=db).stdout
    assert run("undo", str(json.loads(log.stdout)[0]["import_id"]), db=db).returncode == 0
    undo = run("undo", str(summary["import_id"]), db=db)
    assert undo.returncode == 0 and "已撤销" in undo.stdout
    again = run("undo", str(summary["import_id"]), db=db)
    assert again.returncode == 2 and "Traceback" not in again.stderr


def test_rejected_rows_exit_1_with_json_errors(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    bad = write(tmp_path, "b.csv", "name,division,level,established_on\nA,三溪村,村社区,2021-02-30\n")
    out = run("import", "branches", str(bad), "--format", "json", db=db)
    summary = json.loads(out.stdout)
    assert out.returncode == 1 and summary["rejected"] == 1 and summary["import_id"] is None
    cols = {e["column"] for e in summary["errors"]}
    assert cols == {"division", "established_on"} and all(e["row"] == 2 for e in summary["errors"])
    text = run("import", "branches", str(bad), db=db)
    assert text.returncode == 1 and "第 2 行" in text.stdout and "数据库未作任何改动" in text.stdout


def test_unusable_calls_exit_2_without_traceback(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(os.urandom(1000))
    for args in (("import", "branches", str(junk)), ("import", "branches", str(tmp_path / "missing.csv")),
                 ("import", "nosuchkind", str(junk)), ("template", "branches", "--out", str(tmp_path / "t.txt")),
                 ("undo", "999")):
        out = run(*args, db=db)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert "Traceback" not in out.stdout + out.stderr


def test_a_failed_settle_after_an_import_is_reported_not_raised(tmp_path: Path, capsys) -> None:
    from unittest.mock import patch

    import duckdb

    from rcdash.cli.main import settle_after_import

    with patch("rcdash.metrics.derived.settle", side_effect=duckdb.IOException("disk full")):
        settle_after_import(tmp_path / "x.duckdb")  # the rows are in: the command still succeeds
    assert "数据已导入" in capsys.readouterr().err


@pytest.mark.parametrize("command", [("kpi", "--level", "township", "--format", "csv"), ("imports",)])
def test_output_cut_short_by_its_reader_ends_quietly(tmp_path: Path, command: tuple[str, ...]) -> None:
    # `rcdash kpi … | head -1`: the reader stops early; the command ends as a shell expects, without an error
    # message (a long output breaks the pipe while printing, a short one when flushed at the end).
    db = tmp_path / "cli.duckdb"
    assert run("init", db=db).returncode == 0
    env = {**os.environ, "RCDASH_DB": str(db)}
    env.pop("RCDASH_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "rcdash", *command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=REPO_ROOT)
    proc.stdout.close()  # before it writes anything: starting Python takes far longer
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err.decode("utf-8")) == (141, "")


def _commands(parser: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], list[str]]]:
    """Every command path (`users add`, `kpi`, …) with the least arguments it needs."""
    import argparse

    found = []
    for action in parser._actions:  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*path, name))
    if found or not path:
        return found
    needed: list[str] = []
    for action in parser._actions:  # type: ignore[attr-defined]
        if action.option_strings and not action.required:
            continue
        value = str(next(iter(action.choices))) if action.choices else ("1" if action.type is int else "x")
        needed += [action.option_strings[0], value] if action.option_strings else [value]
    return [(path, needed)]


def test_db_is_accepted_before_and_after_every_command() -> None:
    from rcdash.cli.main import build_parser

    parser = build_parser()
    commands = _commands(parser)
    names = {" ".join(path) for path, _ in commands}
    assert {"init", "template", "import", "imports", "undo", "kpi", "demo", "report", "users add", "users list",
            "geo status", "geo import-townships"} <= names
    for path, needed in commands:
        assert parser.parse_args([*path, *needed]).db is None, path
        assert parser.parse_args(["--db", "before.duckdb", *path, *needed]).db == "before.duckdb", path
        assert parser.parse_args([*path, *needed, "--db", "after.duckdb"]).db == "after.duckdb", path
        if len(path) > 1:  # between a group and its command: `users --db X add NAME`
            assert parser.parse_args([path[0], "--db", "mid.duckdb", *path[1:], *needed]).db == "mid.duckdb", path


def test_kpi_with_db_after_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rcdash.cli.main import main

    db = tmp_path / "after.duckdb"
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    assert main(["kpi", "--db", str(db), "--format", "json"]) == 0  # was: "unrecognized arguments: --db"
    assert json.loads(capsys.readouterr().out)["areas"]


def test_kpi_after_the_data_gives_null_activity_rates(demo_db: Path) -> None:
    # The demo's activities end on 2025-12-31: no week or month of 2026H1 can be counted (null, not 0.0).
    done = run("kpi", "--as-of", "2026-06-30", "--format", "json", db=demo_db)
    assert done.returncode == 0, done.stderr
    for area in json.loads(done.stdout)["areas"]:
        assert area["weekly_voice_rate"] is None and area["monthly_theme_rate"] is None, area["name"]
