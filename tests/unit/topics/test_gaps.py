"""Gap ranking and the greedy choice of new stations, on small hand-made townships."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rcdash.metrics.rules import villages_needed
from rcdash.topics import gaps

KM_LON = 1 / (111.2 * math.cos(math.radians(30.0)))  # degrees of longitude per km at 30°N


def town(code: str, name: str, km_east: float | None, population: float | None, stations: int = 0,
         **extra: object) -> dict[str, object]:
    """A township on a west-east line at 30°N, km_east from 120°E (None: no seat)."""
    row = {
        "code": code, "name": name, "county_name": "测试县", "population": population, "sites_station": stations,
        "seat_lon": None if km_east is None else 120.0 + km_east * KM_LON,
        "seat_lat": None if km_east is None else 30.0,
    }
    row.update(extra)
    return row


def line_of_towns(**stations: int) -> pd.DataFrame:
    """A (0 km, 100), B (3 km, 50), C (10 km, 80), D (12 km, 70)."""
    rows = [town("A", "甲镇", 0, 100), town("B", "乙镇", 3, 50), town("C", "丙镇", 10, 80), town("D", "丁镇", 12, 70)]
    for row in rows:
        row["sites_station"] = stations.get(str(row["code"]), 0)
    return pd.DataFrame(rows)


def test_km_between_is_ground_distance() -> None:
    a, b = (120.0, 30.0), (120.0 + 3 * KM_LON, 30.0)
    assert gaps.km_between(a, b) == pytest.approx(3.0, rel=1e-3)
    assert gaps.km_between((120.0, 30.0), (120.0, 30.1)) == pytest.approx(11.12, rel=1e-3)


def test_greedy_covers_pairs_within_the_radius() -> None:
    """With a 4 km radius A's station reaches B and C's reaches D: two picks cover everybody."""
    picks = gaps.greedy_new_stations(line_of_towns(), [], radius_km=4, k=5)
    assert [(p.code, p.covers, p.population) for p in picks] == [("A", ("A", "B"), 150), ("C", ("C", "D"), 150)]
    assert picks[0].rank == 1 and picks[1].rank == 2
    assert "乙镇" in picks[0].reason and "15" in picks[0].reason  # the neighbour and the population it adds
    # A and C tie on 150 new people: the larger own population (A: 100 > C: 80) wins, then B/D never add anyone.


def test_existing_station_covers_its_township_and_neighbours_within_radius() -> None:
    """A station in B (at B's seat) covers B and A (3 km away): the first pick goes east."""
    towns = line_of_towns(B=1)
    stations = [(float(towns.loc[1, "seat_lon"]), 30.0, "B")]
    assert gaps.covered_townships(towns, stations, radius_km=4) == {"A", "B"}
    picks = gaps.greedy_new_stations(towns, stations, radius_km=4, k=5)
    assert [(p.code, p.covers) for p in picks] == [("C", ("C", "D"))]


def test_small_radius_degenerates_to_largest_uncovered_townships() -> None:
    """With 1 km nobody reaches a neighbour: the picks are the townships by population."""
    picks = gaps.greedy_new_stations(line_of_towns(), [], radius_km=1, k=3)
    assert [p.code for p in picks] == ["A", "C", "D"]
    assert all(p.covers == (p.code,) for p in picks)
    assert picks[0].reason.startswith("甲镇尚无服务站覆盖")


def test_greedy_is_optimal_where_greedy_matters() -> None:
    """Five in a row: the middle one (reaching both sides) beats the most populous one."""
    towns = pd.DataFrame([town("1", "一", 0, 60), town("2", "二", 3, 40), town("3", "三", 6, 40), town("4", "四", 9, 40),
                          town("5", "五", 30, 100)])
    picks = gaps.greedy_new_stations(towns, [], radius_km=3.5, k=1)
    assert [(p.code, p.population) for p in picks] == [("2", 140)]


def test_township_without_seat_covers_only_itself_and_stops_early() -> None:
    towns = pd.DataFrame([town("X", "无驻地镇", None, 40), town("Y", "乙", 0, 10, stations=1)])
    picks = gaps.greedy_new_stations(towns, [(120.0, 30.0, "Y")], radius_km=20, k=5)
    assert [(p.code, p.covers, p.population) for p in picks] == [("X", ("X",), 40)]


def test_unknown_population_counts_as_zero_and_nothing_to_gain_gives_no_pick() -> None:
    towns = pd.DataFrame([town("A", "甲", 0, None), town("B", "乙", 50, 0)])
    assert gaps.greedy_new_stations(towns, [], radius_km=5, k=3) == []


def test_picks_frame_has_chinese_headers() -> None:
    frame = gaps.picks_frame(gaps.greedy_new_stations(line_of_towns(), [], 4, 2))
    assert list(frame.columns) == ["建议顺序", "乡镇（街道）", "区、县（市）", "代码", "新增覆盖人口", "覆盖的乡镇（街道）", "理由"]
    assert frame.loc[0, "覆盖的乡镇（街道）"] == "甲镇、乙镇"


def gap_rows() -> pd.DataFrame:
    base = {"county_name": "测试县", "village_branch_rate_target_end": 0.4, "member_ratio_target_end": 0.02,
            "seat_lon": None, "seat_lat": None}
    rows = [
        # code, villages total/with branch, population, adult members, stations
        ("T1", 20, 4, 50_000, 500, 0),
        ("T2", 10, 9, 10_000, 250, 1),
        ("T3", 30, 12, None, 100, 0),
    ]
    out = []
    for code, total, with_branch, pop, members, stations in rows:
        out.append({**base, "code": code, "name": code, "villages_total": total, "villages_with_branch": with_branch,
                    "village_branch_rate": with_branch / total, "villages_without_branch": total - with_branch,
                    "villages_needed_end": villages_needed(total, with_branch, 0.4), "population": pop,
                    "adult_members": members, "member_ratio": None if pop is None else members / pop,
                    "sites_station": stations})
    return pd.DataFrame(out)


def test_gap_table_computes_each_gap() -> None:
    table = gaps.gap_table(gap_rows(), sites_known=True, members_known=True).set_index("code")
    assert table.loc["T1", "population_without_station"] == 50_000  # no station: its whole population
    assert table.loc["T2", "population_without_station"] == 0
    assert pd.isna(table.loc["T3", "population_without_station"])  # population unknown
    assert table.loc["T1", "members_needed"] == 500  # 2 % of 50,000 = 1,000, has 500
    assert table.loc["T2", "members_needed"] == 0  # 250 ≥ 200
    assert pd.isna(table.loc["T3", "members_needed"])
    assert table.loc["T1", "villages_without_branch"] == 16


def test_gap_table_score_and_order() -> None:
    """Score = mean of gap / max gap (unknown = 0); the worst township comes first."""
    table = gaps.gap_table(gap_rows(), sites_known=True, members_known=True)
    assert list(table["code"]) == ["T1", "T3", "T2"]
    t1 = table.set_index("code").loc["T1", "gap_score"]
    assert t1 == pytest.approx((16 / 18 + 1 + 1) / 3)
    t3 = table.set_index("code").loc["T3", "gap_score"]
    assert t3 == pytest.approx(1 / 3)  # only its village gap is known (the largest): unknown gaps count 0


def test_gap_table_without_sites_or_members_says_no_data() -> None:
    table = gaps.gap_table(gap_rows(), sites_known=False, members_known=False)
    assert table["population_without_station"].isna().all()
    assert table["members_needed"].isna().all()


def test_sort_and_display() -> None:
    table = gaps.gap_table(gap_rows(), sites_known=True, members_known=True)
    by_members = gaps.sort_gaps(table, "members_needed")
    assert list(by_members["code"]) == ["T1", "T2", "T3"]  # unknown last
    shown = gaps.gap_display(by_members)
    assert "距 2% 还需成人会员" in shown.columns and "距 40% 还需建会" in shown.columns
    assert list(shown["排名"]) == [1, 2, 3]
    assert shown.loc[0, "建会率（%）"] == 20.0
    assert pd.isna(shown.loc[2, "距 2% 还需成人会员"])


def test_members_needed_rounds_up() -> None:
    assert gaps.members_needed(10_001, 200, 0.02, True) == 1  # 200.02 people → 201
    assert gaps.members_needed(10_000, None, 0.02, True) == 200  # no snapshot here: 0 members
    assert gaps.members_needed(10_000, 300, 0.02, False) is None  # members never imported
