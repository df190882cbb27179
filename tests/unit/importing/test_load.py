"""The importer: good files per kind, bad files rejected with row and column, all-or-nothing, upsert, undo."""

from __future__ import annotations

import io
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from rcdash.importing.load import Origin, UndoRefused, import_file, list_imports, undo_import
from rcdash.store.sql import first_row
from tests.conftest import data_snapshot, write

# One good file per kind, with English headers (DESIGN §4 field names exactly).
GOOD = {
    "population": "division,year,resident_population\n330603006,2021,52000\n柯桥区/福全街道/峡山村,2021,2100\n",
    "branches": (
        "name,division,level,established_on,closed_on,has_party_org\n"
        "峡山村红十字会,福全街道/峡山村,村社区,2021-03-05,,否\n"
        "福全街道红十字会,330603006,乡镇街道,2020/6/1,,是\n"
    ),
    "sites": (
        "name,tier,division,lon,lat,crs,opened_on,closed_on,host,functions\n"
        "福全街道红十字服务站,服务站,柯桥区/福全街道,120.47,30.05,WGS84,2021-06-01,,党群服务中心,救护培训\n"
        "绍兴市红十字服务中心,center,越城区,120.58,30.00,GCJ02,2021-01-01,,,\n"
    ),
    "members": "division,date,adult_members,youth_members\n330603006,2021-12-31,\"1,200\",300\n越城区,2021-12-31,5000,\n",
    "teams": (
        "name,type,specialty,division,founded_on,disbanded_on,registered_volunteers,has_party_org\n"
        "柯桥区红十字应急救援队,应急救援队,水上救援,柯桥区,2020-05-12,,45,是\n"
        "福全志愿队,volunteer,,330603006,2021-01-01,,18,否\n"
    ),
    "activities": (
        "date,division,title,category,is_monthly_theme,theme,participants\n"
        "2021-06-14,柯桥区,世界献血者日宣传,无偿献血,是,献血月,120\n"
        "2021-06-20,330603006,救护培训进村,应急救护,,,40\n"
    ),
    "brands": (
        "name,county,description,started_on,category,beneficiaries,photo,tags\n"
        "水乡救护,柯桥区,在水乡普及救护,2020-09-01,应急救护,3000,,博爱家园\n"
    ),
    "funds": (
        "name,division,established_on,raised_yuan,disbursed_yuan,last_disclosed_on\n"
        "峡山村博爱基金,福全街道/峡山村,2021-01-10,\"50,000\",12000,2022-06-30\n"
    ),
    "rescue_stats": (
        "county,month,first_aid_certified,first_aid_public,blood_donations,stem_cell_registrations,"
        "organ_donation_registrations,relief_people\n330603,2021-03,320,2500,4200,60,45,150\n"
    ),
    "party": "county,date,party_group_established,secretary_appointed\n柯桥区,2021-12-31,是,否\n",
    "targets": "metric,area,year,value\nvillage_branch_rate,*,2021,30%\n建会率,柯桥区,2021,0.35\n",
}
TABLE_ROWS = {"population": 2, "branches": 2, "sites": 2, "members": 2, "teams": 2, "activities": 2, "brands": 1,
              "funds": 1, "rescue_stats": 1, "party": 1, "targets": 2}


def count(con, table: str) -> int:
    return first_row(con.execute(f'SELECT count(*) FROM "{table}" WHERE import_id IS NOT NULL'))[0]


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_good_file_loads(con, tmp_path: Path, kind: str) -> None:
    result = import_file(con, kind, write(tmp_path, f"{kind}.csv", GOOD[kind]))
    assert result.exit_code == 0, result.errors
    assert result.rejected == 0 and result.accepted == TABLE_ROWS[kind]
    assert count(con, kind) == TABLE_ROWS[kind]
    assert list_imports(con).iloc[0]["status"] == "loaded"


def test_values_are_typed_and_resolved(con, tmp_path: Path) -> None:
    import_file(con, "branches", write(tmp_path, "b.csv", GOOD["branches"]))
    rows = con.execute("SELECT name, division, level, established_on::VARCHAR, has_party_org FROM branches ORDER BY name").fetchall()
    assert rows == [("峡山村红十字会", "330603006234", "村社区", "2021-03-05", False),
                    ("福全街道红十字会", "330603006", "乡镇街道", "2020-06-01", True)]


def test_gcj02_coordinates_are_converted(con, tmp_path: Path) -> None:
    import_file(con, "sites", write(tmp_path, "s.csv", GOOD["sites"]))
    lon, lat = first_row(con.execute("SELECT lon, lat FROM sites WHERE tier = 'center'"))
    # GCJ-02 is offset about +0.0045° lon, -0.0025° lat here; WGS-84 lies the other way.
    assert 120.570 < lon < 120.578 and 30.001 < lat < 30.005


def test_chinese_headers_and_separate_township_column(con, tmp_path: Path) -> None:
    text = "组织名称,乡镇（街道）,区划,组织层级,成立日期,是否建立党组织\n三溪村红十字会,石璜镇,三溪村,村,2022年1月5日,√\n"
    result = import_file(con, "branches", write(tmp_path, "b.csv", text))
    assert result.exit_code == 0, result.errors
    assert first_row(con.execute("SELECT division FROM branches"))[0] == "330683105268"


def test_gbk_and_bom_csv(con, tmp_path: Path) -> None:
    gbk = write(tmp_path, "gbk.csv", GOOD["party"].replace("柯桥区", "诸暨市"), encoding="gbk")
    bom = write(tmp_path, "bom.csv", GOOD["brands"], encoding="utf-8-sig")
    assert import_file(con, "party", gbk).exit_code == 0
    assert import_file(con, "brands", bom).exit_code == 0
    assert first_row(con.execute("SELECT county FROM party"))[0] == "330681"


def xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_with_date_cells(con, tmp_path: Path) -> None:
    from datetime import datetime

    path = tmp_path / "m.xlsx"
    path.write_bytes(xlsx([["区划", "统计日期", "成人会员数"], ["330603006", datetime(2021, 12, 31), 1200],
                           ["越城区", 44561, "１，０００"]]))
    result = import_file(con, "members", path)
    assert result.exit_code == 0, result.errors
    assert first_row(con.execute("SELECT count(*) FROM members WHERE date = DATE '2021-12-31'"))[0] == 2


def assert_rejected(con, tmp_path, kind, text, row, column, fragment, exit_code=1):
    before = data_snapshot(con)
    result = import_file(con, kind, write(tmp_path, f"bad-{kind}.csv", text))
    assert result.exit_code == exit_code
    assert any(e.row == row and e.column == column and fragment in e.message for e in result.errors), result.errors
    assert data_snapshot(con) == before
    return result


def test_missing_required_column(con, tmp_path: Path) -> None:
    assert_rejected(con, tmp_path, "branches", "name,division,level\nA,330603006,村社区\n", 1, "成立日期", "缺少必填列", 2)


def test_misspelt_column_is_missing(con, tmp_path: Path) -> None:
    text = "组织名称,区化,组织层级,成立日期\nA,330603006,村社区,2021-01-01\n"
    result = assert_rejected(con, tmp_path, "branches", text, 1, "区划", "缺少必填列", 2)
    assert "区化" in result.errors[0].message  # the unrecognised header is named, so the typo is found


def test_unknown_village_lists_candidates(con, tmp_path: Path) -> None:
    text = "name,division,level,established_on\nX会,福全街道/峡山材,村社区,2021-01-01\n"
    result = assert_rejected(con, tmp_path, "branches", text, 2, "division", "找不到")
    assert "峡山村" in result.errors[0].message


def test_ambiguous_village(con, tmp_path: Path) -> None:
    text = "name,division,level,established_on\nA,330603006,乡镇街道,2021-01-01\nX会,三溪村,村社区,2021-01-01\n"
    result = assert_rejected(con, tmp_path, "branches", text, 3, "division", "三溪村")
    assert "乡镇" in result.errors[0].message and result.rejected == 1 and result.accepted == 1


def test_impossible_date(con, tmp_path: Path) -> None:
    text = "name,division,level,established_on\nA,330603006,乡镇街道,2021-02-30\n"
    assert_rejected(con, tmp_path, "branches", text, 2, "established_on", "没有 30 日")


def test_negative_count(con, tmp_path: Path) -> None:
    text = "区划,统计日期,成人会员数\n330603006,2021-12-31,5\n330603,2021-12-31,-5\n"
    assert_rejected(con, tmp_path, "members", text, 3, "成人会员数", "负数")


def test_coordinate_outside_shaoxing(con, tmp_path: Path) -> None:
    text = "name,tier,division,lon,lat,opened_on\n杭州站,服务站,330603006,120.15,30.27,2021-01-01\n"
    assert_rejected(con, tmp_path, "sites", text, 2, "lon", "不在绍兴市范围内")


def test_swapped_coordinates_are_pointed_out(con, tmp_path: Path) -> None:
    text = "name,tier,division,lon,lat,opened_on\n站,服务站,330603006,30.05,120.47,2021-01-01\n"
    assert_rejected(con, tmp_path, "sites", text, 2, "lon", "")


def test_duplicate_key_in_file(con, tmp_path: Path) -> None:
    text = "name,division,level,established_on\nA,330603006,乡镇街道,2021-01-01\nA,福全街道,乡镇街道,2021-02-01\n"
    assert_rejected(con, tmp_path, "branches", text, 3, "name", "与第 2 行重复")


def test_rate_target_above_one(con, tmp_path: Path) -> None:
    assert_rejected(con, tmp_path, "targets", "metric,area,year,value\nmember_ratio,*,2021,2\n", 2, "value", "不超过 100%")


def test_closed_before_established(con, tmp_path: Path) -> None:
    text = "name,division,level,established_on,closed_on\nA,330603006,乡镇街道,2021-05-01,2021-01-01\n"
    assert_rejected(con, tmp_path, "branches", text, 2, "closed_on", "早于成立日期")


def test_empty_and_header_only_files(con, tmp_path: Path) -> None:
    before = data_snapshot(con)
    assert import_file(con, "branches", write(tmp_path, "e.csv", "")).exit_code == 2
    assert import_file(con, "branches", write(tmp_path, "h.csv", "name,division,level,established_on\n")).exit_code == 2
    assert data_snapshot(con) == before


def test_random_bytes_named_xlsx(con, tmp_path: Path) -> None:
    before = data_snapshot(con)
    path = tmp_path / "junk.xlsx"
    path.write_bytes(os.urandom(4096))
    result = import_file(con, "branches", path)
    assert result.exit_code == 2 and result.errors
    fake_zip = tmp_path / "zip.xlsx"
    fake_zip.write_bytes(b"PK\x03\x04" + os.urandom(2048))
    assert import_file(con, "branches", fake_zip).exit_code == 2
    assert data_snapshot(con) == before


def test_one_bad_row_loads_nothing(con, tmp_path: Path) -> None:
    rows = "".join(f"会{i},330603006,乡镇街道,2021-01-01\n" for i in range(50))
    text = "name,division,level,established_on\n" + rows + "坏,330603006,乡镇街道,不是日期\n"
    result = assert_rejected(con, tmp_path, "branches", text, 52, "established_on", "日期")
    assert result.accepted == 50 and count(con, "branches") == 0
    assert list_imports(con).iloc[0]["status"] == "rejected"


def test_dry_run_changes_nothing(con, tmp_path: Path) -> None:
    before = data_snapshot(con)
    result = import_file(con, "branches", write(tmp_path, "b.csv", GOOD["branches"]), dry_run=True)
    assert result.exit_code == 0 and result.accepted == 2 and result.import_id is None
    assert data_snapshot(con) == before and list_imports(con).empty


def prior_rows(con, table: str) -> list[tuple]:
    """The copies kept for undo (<table>_prior)."""
    return con.execute(f"SELECT * FROM {table}_prior ORDER BY ALL").fetchall()


def test_reimport_is_idempotent(con, tmp_path: Path) -> None:
    # Re-importing an unchanged file changes nothing: its rows are unchanged, not updated, and no copy is kept.
    path = write(tmp_path, "b.csv", GOOD["branches"])
    first_import = import_file(con, "branches", path)
    first = con.execute("SELECT * FROM branches ORDER BY name").fetchall()
    second = import_file(con, "branches", path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 2)
    assert second.counts_text() == "新增 0 行，更新 0 行，未变 2 行"
    assert con.execute("SELECT * FROM branches ORDER BY name").fetchall() == first  # still the first import's
    assert prior_rows(con, "branches") == []
    logged = list_imports(con).set_index("import_id")
    assert logged.loc[second.import_id, ["inserted", "updated", "unchanged"]].tolist() == [0, 0, 2]
    assert logged.loc[first_import.import_id, ["inserted", "updated", "unchanged"]].tolist() == [2, 0, 0]
    assert {"inserted": 0, "updated": 0, "unchanged": 2}.items() <= second.as_json().items()
    undo_import(con, second.import_id)  # undoing it changes nothing either
    assert con.execute("SELECT * FROM branches ORDER BY name").fetchall() == first


def test_one_changed_row_is_the_only_one_updated_and_kept_for_undo(con, tmp_path: Path) -> None:
    text = "division,date,adult_members\n" + "".join(f"33060300{i},2021-12-31,{i}0\n" for i in range(1, 8))
    import_file(con, "members", write(tmp_path, "a.csv", text))
    before = data_snapshot(con)
    changed = text.replace("330603003,2021-12-31,30", "330603003,2021-12-31,33")
    result = import_file(con, "members", write(tmp_path, "b.csv", changed + "330603008,2021-12-31,80\n"))
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 6)
    assert [r[:3] for r in prior_rows(con, "members")] == [("330603003", date(2021, 12, 31), 30)]
    assert con.execute("SELECT count(*) FROM members WHERE import_id = ?", [result.import_id]).fetchall() == [(2,)]
    assert undo_import(con, result.import_id)["restored"] == 1
    assert data_snapshot(con) == before and prior_rows(con, "members") == []


def test_rows_are_replaced_by_key_whether_the_period_is_new_or_not(con, tmp_path: Path) -> None:
    # Whether any stored row can be replaced is first asked of the period alone (any_replaced): a file of a new
    # date replaces nothing, one of a stored date replaces exactly the rows of its keys, not the date's others.
    def members(name: str, rows: str):
        return import_file(con, "members", write(tmp_path, name, "division,date,adult_members\n" + rows))

    first = members("a.csv", "330603006,2021-12-31,10\n330602001,2021-12-31,20\n")
    assert (first.inserted, first.updated) == (2, 0)
    before = data_snapshot(con)
    same_date = members("b.csv", "330603006,2021-12-31,11\n330603001,2021-12-31,30\n")
    assert (same_date.inserted, same_date.updated) == (1, 1)
    new_date = members("c.csv", "330603006,2022-12-31,12\n")
    assert (new_date.inserted, new_date.updated) == (1, 0)
    stored = con.execute("SELECT division, date::VARCHAR, adult_members FROM members WHERE import_id IS NOT NULL "
                         "ORDER BY 2, 1").fetchall()
    assert stored == [("330602001", "2021-12-31", 20), ("330603001", "2021-12-31", 30),
                      ("330603006", "2021-12-31", 11), ("330603006", "2022-12-31", 12)]
    undo_import(con, new_date.import_id)
    undo_import(con, same_date.import_id)
    assert data_snapshot(con) == before


def test_undo_restores_previous_state_exactly(con, tmp_path: Path) -> None:
    import_file(con, "branches", write(tmp_path, "a.csv", GOOD["branches"]))
    before = data_snapshot(con)
    changed = GOOD["branches"].replace(",否\n", ",是\n") + "新会,330603006,学校,2022-01-01,,否\n"
    result = import_file(con, "branches", write(tmp_path, "b.csv", changed))
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1)  # only the first row's party changed
    assert data_snapshot(con) != before
    outcome = undo_import(con, result.import_id)
    assert outcome == {"import_id": result.import_id, "kind": "branches", "removed": 2, "restored": 1}
    assert data_snapshot(con) == before


def test_undo_of_reference_population_update(con, tmp_path: Path) -> None:
    before = data_snapshot(con)
    result = import_file(con, "population", write(tmp_path, "p.csv", "division,year,resident_population\n柯桥区,2020,1\n"))
    assert result.updated == 1
    undo_import(con, result.import_id)
    assert data_snapshot(con) == before


def test_undo_order_is_enforced(con, tmp_path: Path) -> None:
    first = import_file(con, "branches", write(tmp_path, "a.csv", GOOD["branches"])).import_id
    changed = GOOD["branches"].replace(",否\n", ",是\n")
    second = import_file(con, "branches", write(tmp_path, "b.csv", changed)).import_id
    with pytest.raises(UndoRefused, match=f"#{second}"):
        undo_import(con, first)
    undo_import(con, second)
    undo_import(con, first)
    assert count(con, "branches") == 0
    with pytest.raises(UndoRefused, match="已撤销"):
        undo_import(con, first)


def test_personal_data_columns_are_dropped(con, tmp_path: Path) -> None:
    text = "name,division,level,established_on,联系人姓名,手机号码\nA,330603006,乡镇街道,2021-01-01,张三,13800000000\n"
    result = import_file(con, "branches", write(tmp_path, "b.csv", text))
    assert result.exit_code == 0 and any("个人信息" in w for w in result.warnings)
    assert "13800000000" not in repr(data_snapshot(con))


def test_unchanged_template_example_row_is_skipped(con, tmp_path: Path) -> None:
    from rcdash.importing.template import template_bytes
    from rcdash.records.kinds import KINDS

    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes(KINDS["branches"]))
    result = import_file(con, "branches", path)
    assert result.exit_code == 2 and any("示例" in w for w in result.warnings)


@pytest.mark.parametrize("kind_name", sorted(GOOD))
def test_template_example_row_is_valid(con, tmp_path: Path, kind_name: str) -> None:
    """The example row users copy from must itself import cleanly (under English headers it is not skipped)."""
    import csv

    from rcdash.records.kinds import KINDS

    kind = KINDS[kind_name]
    path = tmp_path / f"{kind_name}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([f.name for f in kind.fields])
        writer.writerow([f.example for f in kind.fields])
    result = import_file(con, kind_name, path)
    assert result.exit_code == 0, result.errors


def test_duplicates_across_ways_of_writing_a_division(con, tmp_path: Path) -> None:
    # A code, its ".0" spelling and a name of the same division are one key: the rows repeating an earlier one
    # are reported, whether the earlier row wrote the code or the name.
    text = ("division,date,adult_members\n330603006234,2021-01-01,1\n福全街道/峡山村,2021-01-01,2\n"
            "330603006.0,2021-01-01,3\n330603006,2021-01-01,4\n丰惠镇/三溪村,2021-01-01,5\n"
            "丰惠镇/三溪村,2021-01-02,6\n330603006,2021-01-02,7\n")
    result = import_file(con, "members", write(tmp_path, "m.csv", text), dry_run=True)
    assert [e.row for e in result.errors] == [3, 5] and "与第 2 行重复" in result.errors[0].message


def test_township_column_and_plain_codes(con, tmp_path: Path) -> None:
    text = ("组织名称,乡镇（街道）,区划,组织层级,成立日期\n"
            "一会,石璜镇,三溪村,村,2022-01-05\n二会,,330603006234,村,2022-01-05\n三会,,330603006234.0,村,2022-01-06\n"
            "四会,,三溪村,村,2022-01-05\n")
    result = import_file(con, "branches", write(tmp_path, "b.csv", text), dry_run=True)
    assert result.rows == 4 and result.rejected == 1
    assert [(e.row, e.column, e.value) for e in result.errors] == [(5, "区划", "三溪村")]
    assert "丰惠镇/三溪村" in result.errors[0].message


def test_xlsx_cells_keep_their_types_apart(con, tmp_path: Path) -> None:
    # True is no number (though True == 1 in Python); 1.5 is no whole number.
    wb = Workbook()
    for row in (["division", "date", "adult_members"], ["330603006", 44561, True], ["330603", 44561.0, 1],
                ["越城区", "2021-12-31", 1.0], ["330602", 44561, 1.5]):
        wb.active.append(row)
    path = tmp_path / "m.xlsx"
    wb.save(path)
    result = import_file(con, "members", path, dry_run=True)
    assert [e.row for e in result.errors] == [2, 5] and result.accepted == 2


def test_gbk_bytes_far_into_a_file_are_read_as_gbk(con, tmp_path: Path) -> None:
    text = "division,date,adult_members\n"
    text += "".join(f"330603006,{date(2000, 1, 1) + timedelta(days=i)},1\n" for i in range(20_000))
    text += "福全街道/峡山村,2021-01-02,3\n"
    path = write(tmp_path, "m.csv", text, encoding="gb18030")  # only the last row is not plain ASCII
    result = import_file(con, "members", path, dry_run=True)
    assert result.exit_code == 0 and result.accepted == 20_001


def test_a_village_a_clerk_writes_without_its_suffix_is_found_with_a_warning(con, tmp_path: Path) -> None:
    # A 新昌县 branches file: 沙溪镇 has 董村村委会; 董村 alone is 诸暨's 董村委会, so the township decides.
    text = ("组织名称,区划,组织层级,成立日期\n董村红十字会,沙溪镇/董村,村社区,2021-03-05\n"
            "董村二会,沙溪镇/董村村,村社区,2021-03-05\n董村三会,沙溪镇/董村村委会,村社区,2021-03-05\n")
    result = import_file(con, "branches", write(tmp_path, "b.csv", text))
    assert result.exit_code == 0 and result.accepted == 3, result.errors
    assert con.execute("SELECT DISTINCT division FROM branches").fetchall() == [("330624108248",)]
    assert [w for w in result.warnings if "董村村委会" in w] == ["“沙溪镇/董村”按“沙溪镇/董村村委会”（330624108248）识别"]
    ambiguous = import_file(con, "branches", write(tmp_path, "c.csv", "组织名称,区划,组织层级,成立日期\n"
                                                                     "浦口会,浦口街道/浦口村,村社区,2021-03-05\n"))
    assert ambiguous.exit_code == 1 and "浦口居委会" in ambiguous.errors[0].message


def test_blank_csv_rows_are_skipped_and_rows_keep_their_numbers(con, tmp_path: Path) -> None:
    text = "division,date,adult_members\n , \t,\u3000\n330603006,2021-01-01,1\n,,\n330603006,2021-13-01,2\n"
    result = import_file(con, "members", write(tmp_path, "m.csv", text), dry_run=True)
    assert (result.rows, result.rejected) == (2, 1) and [e.row for e in result.errors] == [5]


def test_the_log_records_where_the_data_came_from(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    csv = write(tmp_path, "p.csv", "division,year,resident_population\n330603006,2021,52000\n")
    central = import_file(con, "population", csv)
    received = datetime(2023, 1, 4, 9, 30)
    csv2 = write(tmp_path, "p2.csv", "division,year,resident_population\n330603006,2022,52100\n")
    submitted = import_file(con, "population", csv2, user="city",
                            origin=Origin(received, submission_id=7, submitted_by="xinchang", approved_by="city"))
    rows = con.execute("SELECT import_id, received_at = created_at, received_at, submission_id, submitted_by, "
                       "approved_by FROM imports ORDER BY import_id").fetchall()
    assert rows[0][:2] == (central.import_id, True)  # a central import is received when it is imported
    assert rows[0][3:] == (None, None, None)
    assert rows[1] == (submitted.import_id, False, received, 7, "xinchang", "city")


def test_files_are_checked_with_the_cycle_collector_paused_and_it_runs_again_after(
        con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from rcdash.importing import load

    seen: list[bool] = []
    real = load.read_table
    monkeypatch.setattr(load, "read_table", lambda *a, **k: (seen.append(gc.isenabled()), real(*a, **k))[1])
    assert gc.isenabled()
    assert import_file(con, "members", write(tmp_path, "m.csv", GOOD["members"])).exit_code == 0
    assert import_file(con, "members", write(tmp_path, "bad.csv", "")).exit_code == 2  # a FileProblem inside
    assert seen == [False, False] and gc.isenabled()
