"""`rcdash plans list|show|check|import`, `kpi --plan` and `report --plan` (DESIGN §8)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from rcdash.store.connections import connect
from tests.unit.cli.test_main import run
from tests.unit.plans.test_plans import MINIMAL

SEED_ID, NEW_ID = "shaoxing-2020-2022", "shaoxing-2023-2025"
DEMO_ID = "demo-2023-2025"  # the fictional plan every demo database carries (rcdash/demo/plan-2023-2025.toml)


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo database that the test may write."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def stored_ids(db: Path) -> list[str]:
    listed = run("plans", "list", "--format", "json", db=db)
    assert listed.returncode == 0, listed.stderr
    return [p["id"] for p in json.loads(listed.stdout) if p["stored"]]


def plan_file(tmp_path: Path, text: str, name: str = "plan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_list_and_show_the_seed_plan(db: Path) -> None:
    listed = json.loads(run("plans", "list", "--format", "json", db=db).stdout)
    assert listed == [{"id": SEED_ID, "name": "新时代红十字基层组织建设三年行动计划（2020—2022）", "start": "2020-01-01",
                       "end": "2022-12-31", "source": None, "stored": False},
                      {"id": DEMO_ID, "name": "示例：2023—2025 年延续计划（虚构）", "start": "2023-01-01",
                       "end": "2025-12-31", "source": "虚构计划，仅用于示例数据", "stored": True}]
    shown = run("plans", "show", SEED_ID, "--format", "json", db=db)
    detail = json.loads(shown.stdout)
    assert detail["targets"]["village_branch_rate"] == 0.4 and detail["weights"]["member_ratio"] == 20
    assert [r["rule"] for r in detail["rules"]][:2] == ["center_built", "base_built"]
    assert "村（社区）建会率 ≥ 40%" in run("plans", "show", SEED_ID, db=db).stdout
    assert run("plans", "show", "no-such-plan", db=db).returncode == 2


@pytest.mark.parametrize(("change", "key"), [
    (("brand_projects = 2", "brand_project = 2"), "targets.brand_project"),
    (("brand_projects = 2", "brand_projects = -2"), "targets.brand_projects"),
    (("brand_projects = 2", "brand_projects = \"2 个\""), "targets.brand_projects"),
    (("end = 2025-12-31", "end = 2022-12-31"), "end"),
    (("[targets]", "[targets.2027]\nmember_ratio = 0.03\n[targets]"), "targets.2027"),
    (('id = "shaoxing-2023-2025"', 'id = "绍兴"'), "id"),
    (('id = "shaoxing-2023-2025"', f'id = "{SEED_ID}"'), "id"),  # a duplicate id with other content
])
def test_a_refused_plan_exits_1_names_the_key_and_stores_nothing(db: Path, tmp_path: Path, change: tuple[str, str],
                                                                 key: str) -> None:
    path = plan_file(tmp_path, MINIMAL.replace(*change))
    for action in ("check", "import"):
        if action == "check" and key == "id" and SEED_ID in change[1]:
            continue  # a duplicate id shows only against a database
        result = run("plans", action, str(path), db=db)
        assert result.returncode == 1, (action, result.stdout, result.stderr)
        assert f"“{key}”" in result.stderr, result.stderr
    assert stored_ids(db) == [DEMO_ID]  # the demo's own plan, nothing more


def test_not_toml_or_unreadable_exits_2(db: Path, tmp_path: Path) -> None:
    broken = plan_file(tmp_path, "id = shaoxing\n[targets\n")
    for action in ("check", "import"):
        result = run("plans", action, str(broken), db=db)
        assert result.returncode == 2 and "TOML" in result.stderr, result.stderr
    assert run("plans", "check", str(tmp_path / "missing.toml"), db=db).returncode == 2
    assert stored_ids(db) == [DEMO_ID]  # the demo's own plan, nothing more


def test_a_hand_written_plan_imports_and_changes_kpi_and_report(db: Path, tmp_path: Path) -> None:
    path = plan_file(tmp_path, MINIMAL)
    assert run("plans", "check", str(path), db=db).returncode == 0
    imported = run("plans", "import", str(path), db=db)
    assert imported.returncode == 0, imported.stderr
    assert run("plans", "import", str(path), db=db).returncode == 0  # the same file again: fine, unchanged
    assert stored_ids(db) == [DEMO_ID, NEW_ID]

    seed = json.loads(run("kpi", "--as-of", "2022-12-31", "--format", "json", db=db).stdout)
    new = json.loads(run("kpi", "--as-of", "2022-12-31", "--format", "json", "--plan", NEW_ID, db=db).stdout)
    assert seed["plan"] == {"id": SEED_ID, "name": "新时代红十字基层组织建设三年行动计划（2020—2022）", "end": "2022-12-31"}
    assert new["plan"] == {"id": NEW_ID, "name": "示例：2023—2025 年延续计划", "end": "2025-12-31"}
    seed_county = next(a for a in seed["areas"] if a["level"] == "county")
    county = next(a for a in new["areas"] if a["code"] == seed_county["code"])
    assert [r["rule"] for r in county["rules"]] == ["village_branch_rate", "member_ratio", "brand_project"]
    assert len(seed_county["rules"]) == 6
    targets = {r["rule"]: r["target"] for r in county["rules"]}
    assert targets == {"village_branch_rate": 0.5, "member_ratio": 0.025, "brand_project": 2}
    # Compliance: the demo city is just above 40 % and 2 % at 2022-12-31, so it passes the seed plan, not the new one.
    city_seed = {r["rule"]: r["status"] for r in seed["areas"][0]["rules"]}
    city_new = {r["rule"]: r["status"] for r in new["areas"][0]["rules"]}
    assert city_seed["village_branch_rate"] == "pass" and city_new["village_branch_rate"] == "fail"
    assert city_seed["member_ratio"] == "pass" and city_new["member_ratio"] == "fail"
    assert seed["areas"][0]["outlook"]["member_ratio"]["months_left"] == 0
    assert new["areas"][0]["outlook"]["member_ratio"]["months_left"] == pytest.approx(36, abs=0.1)  # to 2025-12-31
    assert new["areas"][0]["outlook"]["member_ratio"]["target"] == 0.025

    # Without --plan, a date inside the new plan's period is measured against it.
    later = json.loads(run("kpi", "--as-of", "2023-06-30", "--format", "json", db=db).stdout)
    assert later["plan"]["id"] == NEW_ID
    assert run("kpi", "--plan", "no-such-plan", db=db).returncode == 2

    out = tmp_path / "report.xlsx"
    made = run("report", "--period", "2022H2", "--plan", NEW_ID, "--out", str(out), db=db)
    assert made.returncode == 0, made.stderr
    cells = [str(c) for sheet in CalamineWorkbook.from_path(str(out)).sheet_names
             for row in CalamineWorkbook.from_path(str(out)).get_sheet_by_name(sheet).to_python() for c in row]
    text = "\n".join(cells)
    assert "示例：2023—2025 年延续计划" in text and "三年行动计划（2020—2022）" not in text
    assert "到 2025 年末的差距与趋势" in text and "2025 年末计划目标" in text
    assert "成人会员 ≥ 常住人口 2.5%" in text and "成人会员数 ÷ 常住人口；计划目标 ≥ 2.5%。" in text
    assert run("report", "--period", "2022H2", "--plan", "no-such-plan", "--out", str(out), db=db).returncode == 2


def test_a_database_keeps_its_plans_after_init(db: Path, tmp_path: Path) -> None:
    assert run("plans", "import", str(plan_file(tmp_path, MINIMAL)), db=db).returncode == 0
    assert run("init", db=db).returncode == 0
    con = connect(db, read_only=True)
    try:
        assert con.execute("SELECT id FROM plans ORDER BY id").fetchall() == [(DEMO_ID,), (NEW_ID,)]
    finally:
        con.close()
