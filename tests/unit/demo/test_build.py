"""The demo generator: its story holds, it is reproducible, it goes through the importer, it never clobbers data."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
import shapely

from rcdash import config
from rcdash.demo import DemoBuildError, StoryFigures, build_demo, story_figures, story_plans, story_problems
from rcdash.demo import build as demo_build
from rcdash.demo.story import DATA_END, DEFAULT_SEED, END, LATER_START, START
from rcdash.demo.world import build_world
from rcdash.geo.boundaries import county_at, township_shapes
from rcdash.importing.load import ImportResult, import_file
from rcdash.metrics.derived import init_db
from rcdash.store.connections import connect
from rcdash.topics.status import DEMO_META_KEY
from tests.conftest import data_snapshot, write
from tests.unit.cli.test_main import run

COUNTIES = ("330602", "330603", "330604", "330624", "330681", "330683")
OTHER_SEED = 7
Demo = tuple[Path, Path, dict[str, Any]]  # database, import files folder, build summary
Figures = tuple[StoryFigures, StoryFigures]  # at the seed plan's first and last day
LATER_WEEKS = 158  # ISO weeks touching 2023–2025 (2022-12-26 … 2025-12-29)


def _digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in a folder, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _contents(db: Path) -> dict[str, list[tuple]]:
    """Every record table, the divisions and the meta table, sorted (the import log's timestamps differ)."""
    con = connect(db, read_only=True)
    try:
        snap = data_snapshot(con)
        snap["divisions"] = sorted(con.execute("SELECT * FROM divisions").fetchall(), key=repr)
        snap["meta"] = sorted(con.execute("SELECT * FROM meta").fetchall())
        snap["imports"] = con.execute(
            "SELECT import_id, kind, file_name, sha256, rows, accepted, rejected, status FROM imports ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return snap


@pytest.fixture(scope="session")
def demo(demo_folder: Path) -> Demo:
    """The city demo with the default seed: the run's shared build (tests/conftest.py), with its files and summary."""
    summary = json.loads((demo_folder / "summary.json").read_text(encoding="utf-8"))
    return demo_folder / "demo.duckdb", demo_folder / "files", summary


@pytest.fixture(scope="session")
def figures(demo: Demo) -> Figures:
    """The story's figures at the seed plan's first and last day."""
    con = connect(demo[0], read_only=True)
    try:
        return story_figures(con, START), story_figures(con, END)
    finally:
        con.close()


@pytest.fixture(scope="session")
def later(demo: Demo) -> StoryFigures:
    """The story's figures at the demo plan's last day (themed months and voiced weeks counted from 2023)."""
    con = connect(demo[0], read_only=True)
    try:
        return story_figures(con, DATA_END, since=LATER_START)
    finally:
        con.close()


# ---- the story ----------------------------------------------------------------------------------------------


def test_village_branch_rate_rises_past_40_percent_with_a_county_behind(figures: Figures) -> None:
    start, end = figures
    assert 0.12 <= start.village_branch_rate["3306"] <= 0.18
    assert 0.40 <= end.village_branch_rate["3306"] <= 0.45
    assert min(end.village_branch_rate[c] for c in COUNTIES) < 0.40
    assert all(end.village_branch_rate[c] > start.village_branch_rate[c] for c in COUNTIES)
    assert end.double_branch_villages >= 3  # villages with two branches, counted once in the rate


def test_village_branch_rate_runs_on_past_50_percent_by_2025_with_a_county_behind(figures: Figures,
                                                                                 later: StoryFigures) -> None:
    _, end = figures
    assert 0.50 <= later.village_branch_rate["3306"] <= 0.55
    assert min(later.village_branch_rate[c] for c in COUNTIES) < 0.50
    assert all(later.village_branch_rate[c] > end.village_branch_rate[c] for c in COUNTIES)


def test_member_ratio_runs_on_past_2_5_percent_by_2025_with_a_county_behind(figures: Figures,
                                                                            later: StoryFigures) -> None:
    _, end = figures
    assert 0.025 <= later.member_ratio["3306"] <= 0.028
    assert min(later.member_ratio[c] for c in COUNTIES) < 0.025
    assert all(later.member_ratio[c] > end.member_ratio[c] for c in COUNTIES)


def test_story_holds_at_each_plans_end_against_its_targets(demo: Demo) -> None:
    seed, fictional = story_plans()
    assert (seed.end, fictional.end) == (END, DATA_END)
    assert fictional.targets["village_branch_rate"] == pytest.approx(0.50)
    con = connect(demo[0], read_only=True)
    try:
        assert story_problems(con) == []
        ids = {r[0] for r in con.execute("SELECT id FROM plans").fetchall()}
    finally:
        con.close()
    assert fictional.id in ids  # the demo database carries its fictional plan


def test_some_branches_close_and_other_levels_exist(demo: Demo) -> None:
    con = connect(demo[0], read_only=True)
    closed = con.execute("SELECT count(*) FROM branches WHERE closed_on IS NOT NULL AND closed_on <= ?",
                         [END]).fetchall()[0][0]
    levels = dict(con.execute("SELECT level, count(*) FROM branches GROUP BY level").fetchall())
    townships = con.execute("SELECT count(DISTINCT division) FROM branches WHERE level = '乡镇街道'").fetchall()[0][0]
    con.close()
    assert closed >= 3
    assert {"乡镇街道", "村社区", "学校", "企业", "两新", "医疗机构"} <= set(levels)
    assert 0.7 * 103 <= townships < 103  # most townships, not all: a gap for planners


def test_member_ratio_doubles_to_just_above_2_percent(figures: Figures) -> None:
    start, end = figures
    assert 0.008 <= start.member_ratio["3306"] <= 0.012
    assert 0.020 <= end.member_ratio["3306"] <= 0.023
    assert min(end.member_ratio[c] for c in COUNTIES) < 0.02


def test_members_are_township_snapshots_with_youth(demo: Demo) -> None:
    con = connect(demo[0], read_only=True)
    levels = con.execute("SELECT DISTINCT d.level FROM members m JOIN divisions d ON d.code = m.division"
                         ).fetchall()
    youth = con.execute("SELECT sum(youth_members) FROM members WHERE date = ?", [END]).fetchall()[0][0]
    dates = con.execute("SELECT count(DISTINCT date) FILTER (WHERE date <= ?), count(DISTINCT date) FROM members",
                        [END]).fetchall()[0]
    con.close()
    assert levels == [("township",)]
    assert youth > 0
    # The first day and every quarter end (half-yearly counties report on a subset), to 2022 and to 2025.
    assert dates == (13, 25)


def test_township_populations_sum_to_the_county(demo: Demo) -> None:
    con = connect(demo[0], read_only=True)
    rows = con.execute("""
        SELECT p.year, d.county_code, sum(p.resident_population), any_value(c.resident_population)
        FROM population p JOIN divisions d ON d.code = p.division AND d.level = 'township'
        JOIN population c ON c.division = d.county_code AND c.year = p.year
        GROUP BY ALL
    """).fetchall()
    con.close()
    assert len(rows) == 6 * len(COUNTIES)  # 2020–2025
    assert all(townships == county for _, _, townships, county in rows)


def test_service_positions_one_centre_six_bases(figures: Figures) -> None:
    start, end = figures
    assert end.sites.get("center") == 1
    assert end.sites.get("base") == 6
    assert 50 <= end.sites.get("station", 0) <= 70
    assert 200 <= end.sites.get("point", 0) <= 500
    assert start.sites.get("center", 0) == 0  # opened during the plan


def test_sites_and_teams_keep_growing_to_2025(figures: Figures, later: StoryFigures, demo: Demo) -> None:
    _, end = figures
    assert (later.sites["center"], later.sites["base"]) == (1, 6)
    assert end.sites["station"] < later.sites["station"] <= 103
    assert end.sites["point"] + 50 <= later.sites["point"]
    con = connect(demo[0], read_only=True)
    new_teams = con.execute("SELECT count(*) FROM teams WHERE founded_on > ? AND registered_volunteers >= 20",
                            [END]).fetchall()[0][0]
    secretaries = con.execute("SELECT count(*) FILTER (WHERE secretary_appointed) FROM party WHERE date = ?",
                              [DATA_END]).fetchall()[0][0]
    con.close()
    assert 2 <= new_teams <= 5
    assert secretaries == 6  # the last county appointed its secretary in 2023
    assert later.brands > end.brands  # one or two new 一地一品 projects


def test_sites_lie_in_their_own_township_and_crs_vary(demo: Demo) -> None:
    con = connect(demo[0], read_only=True)
    sites = con.execute("SELECT tier, division, lon, lat, crs FROM sites").fetchall()
    con.close()
    shapes = township_shapes()
    outside = [s for s in sites if not shapely.contains_xy(shapes[s[1][:9]], s[2], s[3])]
    # Only the one planted for the data-quality page (rcdash/demo/anomalies.py), and it lies in another county.
    assert [county_at(s[2], s[3]) != s[1][:6] for s in outside] == [True]
    assert {s[4] for s in sites} == {"WGS84", "GCJ02", "BD09"}
    centre = [s for s in sites if s[0] == "center"]
    assert centre[0][1].startswith("330602")  # 越城区
    bases = sorted(s[1][:6] for s in sites if s[0] == "base")
    assert bases == sorted(COUNTIES)


def test_teams_one_rescue_team_per_county_one_without_party(figures: Figures, demo: Demo) -> None:
    _, end = figures
    assert all(end.rescue_teams.get(c) == 1 for c in COUNTIES)
    assert sum(1 for c in COUNTIES if end.rescue_teams_with_party.get(c) == 0) == 1
    con = connect(demo[0], read_only=True)
    per_county = con.execute("""
        SELECT d.county_code, count(*), count(*) FILTER (WHERE t.registered_volunteers < 20)
        FROM teams t JOIN divisions d ON d.code = t.division WHERE t.type = '志愿服务队' GROUP BY 1
    """).fetchall()
    con.close()
    assert all(2 <= n <= 5 for _, n, _ in per_county)
    assert sum(small for *_, small in per_county) >= 3


def test_activities_weekly_voice_and_monthly_themes_with_gaps(figures: Figures, demo: Demo) -> None:
    _, end = figures
    assert 3000 <= end.activities <= 10000
    assert min(end.themed_months[c] for c in COUNTIES) < 36  # a county missed a month's theme
    assert max(end.themed_months[c] for c in COUNTIES) == 36
    weeks = 157  # ISO weeks touching 2020–2022
    assert all(end.voiced_weeks[c] < weeks for c in COUNTIES)  # every county has some silent weeks
    assert all(end.voiced_weeks[c] > 0.8 * weeks for c in COUNTIES)  # but most weeks have something
    con = connect(demo[0], read_only=True)
    categories = con.execute("SELECT count(DISTINCT category) FROM activities").fetchall()[0][0]
    themes = con.execute("SELECT count(*) FROM activities WHERE is_monthly_theme AND theme IS NULL").fetchall()[0][0]
    con.close()
    assert categories == 9
    assert themes == 0


def test_activities_run_on_to_2025_with_a_few_gaps(later: StoryFigures) -> None:
    assert min(later.themed_months[c] for c in COUNTIES) < 36  # themes missed under the demo plan too
    assert max(later.themed_months[c] for c in COUNTIES) == 36
    assert all(0.8 * LATER_WEEKS < later.voiced_weeks[c] < LATER_WEEKS for c in COUNTIES)


def test_brands_have_placeholder_photos(figures: Figures, demo: Demo) -> None:
    _, end = figures
    assert 12 <= end.brands <= 20
    con = connect(demo[0], read_only=True)
    rows = con.execute("SELECT county, photo, started_on FROM brands").fetchall()
    con.close()
    assert {r[0] for r in rows} == set(COUNTIES)
    for _, photo, _ in rows:
        assert photo.startswith("data/media/demo/")
        assert (config.REPO_ROOT / photo).read_bytes().startswith(b"\x89PNG")


def test_funds_some_undisclosed_for_over_a_year(figures: Figures, later: StoryFigures) -> None:
    _, end = figures
    assert 130 <= end.funds <= 170
    # A fund row holds only its latest disclosure, so the transparency gap is the one of the data's last date.
    assert end.funds < later.funds <= end.funds + 40
    assert 5 <= later.funds_undisclosed <= 0.3 * later.funds


def test_rescue_stats_party_and_targets(demo: Demo) -> None:
    con = connect(demo[0], read_only=True)
    months, blood = con.execute("SELECT count(DISTINCT month), sum(blood_donations) / 36 FROM rescue_stats "
                                "WHERE month <= ?", [END]).fetchall()[0]
    later_months = con.execute("SELECT count(DISTINCT month) FROM rescue_stats WHERE month > ?", [END]).fetchall()[0][0]
    party_end = con.execute("SELECT count(*) FILTER (WHERE party_group_established), count(*) FROM party "
                            "WHERE date = ?", [END]).fetchall()[0]
    party_start = con.execute("SELECT count(*) FILTER (WHERE party_group_established) FROM party WHERE date = ?",
                              [START]).fetchall()[0][0]
    targets = dict(con.execute("SELECT metric || year, value FROM targets WHERE area = '*'").fetchall())
    con.close()
    assert (months, later_months) == (36, 36)
    assert 3000 <= blood <= 5000  # ~4,000 donations a month city-wide
    assert party_start < party_end[0] <= party_end[1] == 6
    assert targets["village_branch_rate2022"] == pytest.approx(0.40)
    assert targets["member_ratio2020"] == pytest.approx(0.012)
    # The demo plan's years: 2024 and 2025 agree with the fictional plan file's interim and end targets.
    _, fictional = story_plans()
    assert targets["village_branch_rate2024"] == pytest.approx(fictional.interim[2024]["village_branch_rate"])
    assert targets["member_ratio2025"] == pytest.approx(fictional.targets["member_ratio"])
    assert targets["village_branch_rate2023"] == pytest.approx(0.425)


# ---- through the importer, marked as demo ------------------------------------------------------------------


def test_every_file_loaded_through_the_importer(demo: Demo) -> None:
    db, files, summary = demo
    con = connect(db, read_only=True)
    log = con.execute("SELECT kind, file_name, rows, accepted, rejected, status, sha256 FROM imports").fetchall()
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    con.close()
    assert [r[1] for r in log] == summary["files"]
    assert all(r[5] == "loaded" and r[4] == 0 and r[2] == r[3] for r in log)
    assert all(hashlib.sha256((files / r[1]).read_bytes()).hexdigest() == r[6] for r in log)
    assert summary["warnings"] == []
    assert meta[DEMO_META_KEY] == str(DEFAULT_SEED)
    assert meta["demo_scale"] == "city"


def test_files_exercise_xlsx_and_gbk_chinese_headers(demo: Demo) -> None:
    files = demo[1]
    xlsx = sorted(files.glob("*.xlsx"))
    assert len(xlsx) >= 2 and all(p.read_bytes().startswith(b"PK\x03\x04") for p in xlsx)
    gbk = sorted(files.glob("*.gbk.csv"))
    assert len(gbk) == 1
    header = gbk[0].read_bytes().decode("gbk").splitlines()[0]
    assert header.startswith("区县,月份,")
    with pytest.raises(UnicodeDecodeError):
        gbk[0].read_bytes().decode("utf-8")
    assert (files / "03_branches.csv").read_text(encoding="utf-8").startswith(
        "name,division,level,established_on,closed_on,has_party_org\n")


# ---- reproducible --------------------------------------------------------------------------------------------


def _kpi_output(db: Path) -> str:
    """`python -m rcdash kpi --format json --level township` as printed (run in this process: tests/unit/cli)."""
    printed = run("kpi", "--format", "json", "--level", "township", db=db)
    assert printed.returncode == 0, printed.stderr
    return printed.stdout


def test_same_seed_same_files_and_contents_other_seed_differs(demo: Demo, tmp_path: Path) -> None:
    db, files, _ = demo
    # Built again over a database holding real data: refused unless forced, then the same demo as any other build.
    again_db, again_files = tmp_path / "real.duckdb", tmp_path / "files-again"
    init_db(again_db)
    con = connect(again_db)
    csv = write(tmp_path, "p.csv", "division,year,resident_population\n330603006,2021,52000\n")
    assert import_file(con, "population", csv).exit_code == 0
    con.close()
    with pytest.raises(ValueError, match="正式数据"):
        build_demo(again_db, files_dir=again_files)
    con = connect(again_db, read_only=True)
    assert con.execute("SELECT count(*) FROM imports").fetchall()[0][0] == 1  # untouched
    con.close()
    build_demo(again_db, files_dir=again_files, force=True)
    assert _digests(again_files) == _digests(files)
    assert _contents(again_db) == _contents(db)
    assert _kpi_output(again_db) == _kpi_output(db)  # what DESIGN §6 promises: same seed → identical `kpi`
    # Another seed, built over a copy of the demo database: an existing demo is simply replaced.
    other_db = tmp_path / "other.duckdb"
    shutil.copyfile(db, other_db)
    other_files = tmp_path / "files-other"
    build_demo(other_db, seed=OTHER_SEED, files_dir=other_files)
    assert _digests(other_files) != _digests(files)
    assert _contents(other_db) != _contents(db)
    # The story does not depend on the seed's luck.
    con = connect(other_db, read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = ?", [DEMO_META_KEY]).fetchall() == [(str(OTHER_SEED),)]
    end = story_figures(con, END)
    problems = story_problems(con)  # at 2022-12-31 under the seed plan and at 2025-12-31 under the demo plan
    con.close()
    assert 0.40 <= end.village_branch_rate["3306"] <= 0.45
    assert 0.020 <= end.member_ratio["3306"] <= 0.023
    assert problems == []


# ---- never clobbers, never half-written --------------------------------------------------------------------


def test_refuses_foreign_files_and_unknown_scales(tmp_path: Path) -> None:
    # (Replacing an existing demo database, and real data only when forced:
    # test_same_seed_same_files_and_contents_other_seed_differs.)
    foreign = write(tmp_path, "notes.duckdb", "not a database")
    with pytest.raises(ValueError):
        build_demo(foreign, files_dir=tmp_path / "files")
    assert foreign.read_text() == "not a database"
    with pytest.raises(ValueError, match="规模"):
        build_demo(tmp_path / "x.duckdb", scale="planet")


def test_failed_build_leaves_no_database_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = demo_build.import_file

    def failing(con: duckdb.DuckDBPyConnection, kind: str, path: Path, **kw: object) -> ImportResult:
        if kind == "activities":
            return ImportResult(kind=kind, file=path.name, exit_code=1)
        return real_import(con, kind, path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(demo_build, "import_file", failing)
    db = tmp_path / "demo.duckdb"
    with pytest.raises(DemoBuildError):
        build_demo(db, files_dir=tmp_path / "files")
    # Only the import files and the writers' lock file remain: no database, no staging copy.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.duckdb.lock", "files"]


# ---- larger scales -------------------------------------------------------------------------------------------


def test_province_world_is_ten_cities_of_synthetic_divisions() -> None:
    world = build_world("province", DEFAULT_SEED)
    frame = world.synthetic_divisions
    assert len(world.counties) == 60
    assert frame["synthetic"].all()
    assert not frame["code"].str.startswith("33").any()
    assert frame["code"].is_unique
    by_level = frame["level"].value_counts().to_dict()
    assert by_level == {"village": 9 * 2168, "township": 9 * 103, "county": 54}
    lengths = frame.groupby("level")["code"].apply(lambda s: set(s.str.len())).to_dict()
    assert lengths == {"county": {6}, "township": {9}, "village": {12}}
    villages = frame[frame["level"] == "village"]
    assert (villages["code"].str[:9] == villages["parent_code"]).all()
    assert set(frame.loc[frame["level"] == "county", "parent_code"]) == {"3306"}
    assert frame["name"].str.startswith("示例").all()
