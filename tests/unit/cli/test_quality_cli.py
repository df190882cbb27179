"""`rcdash quality` (DESIGN §10) on the demo with its planted anomalies, and the quality flags of `rcdash import`."""

from __future__ import annotations

import json
from pathlib import Path

from rcdash.quality import CHECKS
from tests.unit.cli.test_main import run


def test_quality_json_lists_every_planted_anomaly(demo_db: Path) -> None:
    done = run("quality", "--format", "json", db=demo_db)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"as_of", "issues"}
    assert {i["check"] for i in out["issues"]} == set(CHECKS)
    assert all(set(i) == {"check", "severity", "kind", "division", "date", "value", "expected", "message",
                          "import_id"} for i in out["issues"])
    assert all(isinstance(i["import_id"], int) for i in out["issues"])
    over = [i for i in out["issues"] if i["check"] == "member_over_population"]
    assert len({i["division"] for i in over}) == 1  # the planted township only: no ordinary area is flagged
    by_county = json.loads(run("quality", "--format", "json", "--county", "330604", db=demo_db).stdout)
    assert by_county["issues"] and all(i["division"].startswith("330604") for i in by_county["issues"])


def test_quality_table_and_a_bad_county(demo_db: Path) -> None:
    table = run("quality", "--as-of", "2025-12-31", db=demo_db)
    assert table.returncode == 0 and "会员数骤降" in table.stdout and "导入编号" in table.stdout
    bad = run("quality", "--county", "999999", db=demo_db)
    assert bad.returncode == 2 and "6 位代码" in bad.stderr


def test_import_summary_lists_quality_flags_and_loads(db_file: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "m1.csv", tmp_path / "m2.csv"
    first.write_text("division,date,adult_members\n柯桥区/福全街道,2022-03-31,502\n", encoding="utf-8")
    second.write_text("division,date,adult_members\n柯桥区/福全街道,2022-06-30,30\n", encoding="utf-8")
    assert run("import", "members", str(first), db=db_file).returncode == 0
    dry = json.loads(run("import", "members", str(second), "--dry-run", "--format", "json", db=db_file).stdout)
    assert [(q["check"], q["import_id"]) for q in dry["quality"]] == [("member_drop", None)]
    text = run("import", "members", str(second), db=db_file)
    assert text.returncode == 0  # a plausibility warning never stops an import
    assert "数据质量提示" in text.stdout and "福全街道" in text.stdout
    listed = json.loads(run("quality", "--format", "json", db=db_file).stdout)
    assert [i["check"] for i in listed["issues"]] == ["member_drop"]
