"""Each data-quality check on a hand-made case (tiny database), plus verification and the import preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from rcdash.geo.boundaries import county_shapes
from rcdash.importing.load import import_file
from rcdash.quality import CHECKS, QualityInputError, as_json, find_issues, flags_behind, mark_verified, preview

AS_OF = date(2022, 12, 31)
FUQUAN = "330603006"  # 柯桥区 福全街道
KEQIAO, YUECHENG = "330603", "330602"


def load(con: duckdb.DuckDBPyConnection, tmp_path: Path, kind: str, text: str, name: str | None = None) -> int:
    """Import a CSV through the importer; its import id."""
    path = tmp_path / (name or f"{kind}.csv")
    path.write_text(text, encoding="utf-8")
    result = import_file(con, kind, path)
    assert result.exit_code == 0, result.errors
    return int(result.import_id)


def flags(con: duckdb.DuckDBPyConnection, check: str, as_of: date = AS_OF) -> pd.DataFrame:
    """The flags of one check."""
    found = find_issues(con, as_of)
    return found[found["check"] == check]


def test_member_drop_flags_the_snapshot_after_a_fall_of_half(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import_id = load(con, tmp_path, "members", "division,date,adult_members\n"
                     "柯桥区/福全街道,2022-03-31,502\n柯桥区/福全街道,2022-06-30,30\n"
                     "柯桥区/柯桥街道,2022-03-31,502\n柯桥区/柯桥街道,2022-06-30,400\n")
    found = flags(con, "member_drop")
    assert found[["division", "value", "import_id"]].values.tolist() == [[FUQUAN, 30, import_id]]
    assert found["date"].iloc[0] == pd.Timestamp("2022-06-30")
    assert found["expected_min"].iloc[0] == 251
    assert "502" in found["message"].iloc[0] and "请核实" in found["message"].iloc[0]


def test_member_over_population_flags_a_tenth_and_spares_ordinary_areas(con: duckdb.DuckDBPyConnection,
                                                                          tmp_path: Path) -> None:
    load(con, tmp_path, "population", "division,year,resident_population\n柯桥区/福全街道,2022,24000\n"
         "柯桥区/柯桥街道,2022,84000\n")
    import_id = load(con, tmp_path, "members", "division,date,adult_members\n柯桥区/福全街道,2022-06-30,9000\n"
                     "柯桥区/柯桥街道,2022-06-30,1700\n柯桥区,2022-06-30,22000\n越城区,2022-06-30,20400\n")
    found = flags(con, "member_over_population")
    # Only 福全: 柯桥街道 is at 2 %, the counties' snapshots at about 2 % of their census population.
    assert found[["division", "value", "import_id"]].values.tolist() == [[FUQUAN, 9000, import_id]]
    assert found["expected_max"].iloc[0] == pytest.approx(2400)


def test_stale_members_flags_a_division_silent_for_over_a_year(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import_id = load(con, tmp_path, "members", "division,date,adult_members\n柯桥区/福全街道,2021-06-30,480\n"
                     "柯桥区/柯桥街道,2022-12-31,1700\n柯桥区/柯桥街道,2021-06-30,1500\n")
    found = flags(con, "stale_members")
    assert found[["division", "value", "import_id"]].values.tolist() == [[FUQUAN, 18, import_id]]
    assert flags(con, "stale_members", date(2022, 6, 30)).empty  # a year old at most on that day


def test_participants_outlier_against_the_county_median(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [f"2022-03-{d:02d},柯桥区/福全街道,救护培训{d},应急救护,50" for d in range(1, 29)]
    rows += ["2022-04-01,柯桥区/福全街道,献血日,无偿献血,50000", "2022-04-02,柯桥区/福全街道,大型宣传,人道传播,900"]
    import_id = load(con, tmp_path, "activities", "date,division,title,category,participants\n" + "\n".join(rows) + "\n")
    found = flags(con, "participants_outlier")
    # 900 is 18 times the median and under 1,000: not flagged.
    assert found[["division", "value", "import_id"]].values.tolist() == [[FUQUAN, 50000, import_id]]


def test_site_outside_division_uses_the_county_polygons(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    elsewhere = county_shapes()[YUECHENG].representative_point()
    home = county_shapes()[KEQIAO].representative_point()
    import_id = load(con, tmp_path, "sites", "name,tier,division,lon,lat,opened_on\n"
                     f"福全服务站,服务站,柯桥区/福全街道,{elsewhere.x:.6f},{elsewhere.y:.6f},2021-06-01\n"
                     f"柯桥服务基地,服务基地,柯桥区,{home.x:.6f},{home.y:.6f},2021-06-01\n")
    found = flags(con, "site_outside_division")
    assert found[["division", "import_id"]].values.tolist() == [[FUQUAN, import_id]]
    assert "越城区" in found["message"].iloc[0] and "柯桥区" in found["message"].iloc[0]
    assert flags_behind(find_issues(con, AS_OF), "3306", ("sites_station",)) == 1
    assert flags_behind(find_issues(con, AS_OF), "3306", ("sites_base",)) == 0  # a station's flag, not the base's


def test_future_date_is_later_than_the_day_the_data_came(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    future = date.today().replace(day=1).replace(year=date.today().year + 3)
    import_id = load(con, tmp_path, "activities", "date,division,title,category\n"
                     f"{future},柯桥区/福全街道,救护培训,应急救护\n2022-03-01,柯桥区/福全街道,宣传,人道传播\n")
    population = load(con, tmp_path, "population", f"division,year,resident_population\n柯桥区/福全街道,{future.year},24000\n")
    found = flags(con, "future_date")
    assert sorted(found[["kind", "division", "import_id"]].values.tolist()) == [
        ["activities", FUQUAN, import_id], ["population", FUQUAN, population]]


def test_duplicate_name_differing_in_spacing_or_width(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import_id = load(con, tmp_path, "branches", "name,division,level,established_on\n"
                     "峡山村红十字会,福全街道/峡山村,村社区,2021-03-05\n"
                     "峡山村\u3000红十字会,福全街道/峡山村,村社区,2021-03-05\n"
                     "福全红十字会(A),柯桥区/福全街道,乡镇街道,2021-03-05\n"
                     "福全红十字会（Ａ）,柯桥区/福全街道,乡镇街道,2021-03-05\n"
                     "福全街道红十字会,柯桥区/福全街道,乡镇街道,2021-03-05\n")
    load(con, tmp_path, "teams", "name,type,division,founded_on,registered_volunteers\n"
         "柯桥救援队,应急救援队,柯桥区,2021-01-01,30\n越城救援队,应急救援队,越城区,2021-01-01,30\n")
    found = flags(con, "duplicate_name")
    assert sorted(found["value"]) == sorted(["峡山村红十字会", "峡山村\u3000红十字会", "福全红十字会(A)", "福全红十字会（Ａ）"])
    assert set(found["import_id"]) == {import_id}
    assert flags_behind(find_issues(con, AS_OF), "3306", ("village_branch_rate",)) == 0  # a village counts once


def test_a_verified_flag_stops_counting_and_survives_a_reimport(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = "division,date,adult_members,youth_members\n柯桥区/福全街道,2022-03-31,502,10\n柯桥区/福全街道,2022-06-30,30,10\n"
    load(con, tmp_path, "members", text)
    flag = flags(con, "member_drop").iloc[0]
    with pytest.raises(QualityInputError, match="核实说明"):
        mark_verified(con, "member_drop", "members", flag["row_key"], "  ", "admin")
    mark_verified(con, "member_drop", "members", flag["row_key"], "已电话核实：半数会员转到新设的村会", "admin")
    found = find_issues(con, AS_OF)
    assert found["verified"].tolist() == [True]
    assert as_json(found, AS_OF)["issues"] == []
    assert flags_behind(found, "3306", ("member_ratio",)) == 0
    load(con, tmp_path, "members", text, "again.csv")  # the same rows again: unchanged
    load(con, tmp_path, "members", text.replace(",30,10", ",30,12"), "changed.csv")  # the row replaced, new import id
    again = find_issues(con, AS_OF)
    assert again["verified"].tolist() == [True]
    assert again["note"].tolist() == ["已电话核实：半数会员转到新设的村会"]


def test_json_issue_has_the_keys_of_design_10(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load(con, tmp_path, "members", "division,date,adult_members\n柯桥区/福全街道,2022-03-31,502\n柯桥区/福全街道,2022-06-30,30\n")
    out = as_json(find_issues(con, AS_OF), AS_OF)
    assert set(out) == {"as_of", "issues"}
    assert set(out["issues"][0]) == {"check", "severity", "kind", "division", "date", "value", "expected", "message",
                                     "import_id"}
    assert {c.severity for c in CHECKS.values()} <= {"error", "warning"}


def test_preview_lists_the_flags_a_file_would_raise(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load(con, tmp_path, "members", "division,date,adult_members\n柯桥区/福全街道,2022-03-31,502\n")
    path = tmp_path / "next.csv"
    path.write_text("division,date,adult_members\n柯桥区/福全街道,2022-06-30,30\n", encoding="utf-8")
    result = import_file(con, "members", path, dry_run=True, inspect=preview)
    assert [(q["check"], q["division"], q["import_id"]) for q in result.quality] == [("member_drop", FUQUAN, None)]
    loaded = import_file(con, "members", path, inspect=preview)  # a warning, not an error: the import goes ahead
    assert loaded.exit_code == 0 and loaded.accepted == 1
    assert [q["import_id"] for q in loaded.as_json()["quality"]] == [loaded.import_id]
