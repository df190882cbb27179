"""Coverage gaps per township and the greedy "where to build the next stations" choice (pure: frames in, frames out).

Coverage model (shown to users on the page, see COVERAGE_MODEL): a township counts as covered by a service
station when a station lies in it, or when its seat (驻地) lies within the service radius of a station. A new
station is imagined at a township's seat and covers every township whose seat lies within the radius. The greedy
picks, K times, the township without a station whose new station would cover the most population not covered
yet — the standard greedy for maximum coverage, which is within 63 % of the best possible choice of K.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rcdash.labels import UNREPORTED
from rcdash.reporting import mark_unreported, unreported_among
from rcdash.reporting.status import METRIC_KINDS

# A station's service radius by default: township seats here are 5–10 km apart, so 5 km reaches a township's
# own villages without claiming its neighbours'.
DEFAULT_RADIUS_KM = 5.0
RADIUS_RANGE_KM = (1.0, 20.0)
DEFAULT_PICKS = 5
MAX_PICKS = 20
# Only township service stations (服务站) cover townships: the centre and county bases serve a whole city or
# county from one place, and village points (服务点) a single village.
COVERING_TIERS = ("station",)
KM_PER_DEG = 111.2
COVERAGE_MODEL = (
    "覆盖模型：乡镇（街道）内有服务站，或其驻地在某个服务站的服务半径内，即视为已覆盖；"
    "在某乡镇驻地新建服务站，可覆盖驻地在半径内的所有乡镇。贪心算法每次选出能新覆盖最多未覆盖常住人口的乡镇，共选 K 个。"
    "乡镇范围为近似时，驻地位置也可能是估计的。"
)
GAP_COLUMNS = ("villages_without_branch", "population_without_station", "members_needed")
# The figures of a township resting on its county's reports (DESIGN §9), by the metric whose kinds they rest on:
# a county that has not reported one for the period gets 未报送 there, not a gap from its older rows.
GAP_FIGURES = {
    "villages_without_branch": "village_branch_rate", "village_branch_rate": "village_branch_rate",
    "villages_needed_end": "village_branch_rate", "population_without_station": "sites_station",
    "sites_station": "sites_station", "members_needed": "adult_members", "adult_members": "adult_members",
    "member_ratio": "adult_members",
}
GAP_METRICS = tuple(dict.fromkeys(GAP_FIGURES.values()))
UNREPORTED_GAPS = (
    "所属区县本期应报而未报送的数据（基层组织、服务阵地、会员，见“报送情况”页）显示“未报送”，不按旧数据计算缺口；"
    "有一项未报送的乡镇（街道），综合缺口也显示“未报送”，排在最后。"
)


def _num(value: object) -> float | None:
    """A number, or None for missing values (None, NaN, pd.NA)."""
    if value is None or value is pd.NA:
        return None
    x = float(value)  # type: ignore[arg-type]
    return None if math.isnan(x) else x


def members_needed(population: object, adult_members: object, target: object, members_known: bool) -> int | None:
    """Adult members still needed for the target share of the population (0 when reached)."""
    pop, tgt = _num(population), _num(target)
    if pop is None or tgt is None or not members_known:
        return None
    have = _num(adult_members) or 0.0
    return max(0, math.ceil(tgt * pop - 1e-9) - int(have))


def gap_table(townships: pd.DataFrame, sites_known: bool, members_known: bool,
              unreported: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Townships with their three gaps and a combined score, largest first.

    Gaps: villages/communities without a branch; the population of a township without a station (its whole
    population, 0 when it has one); adult members still needed for the plan's end target. None = 无数据.
    The combined score is the mean of each gap divided by its largest value among these townships (0…1); a gap
    not known for a township counts as 0 in its score. A township whose county has not reported the data behind a
    gap for the period (`unreported`, rcdash.reporting) reads 未报送 there and in its score, and comes last.
    """
    out = townships.copy()
    out["population_without_station"] = [
        None if not sites_known or _num(p) is None else (0 if (_num(s) or 0) > 0 else int(p))
        for p, s in zip(out["population"], out["sites_station"], strict=True)
    ]
    out["members_needed"] = [
        members_needed(p, a, t, members_known)
        for p, a, t in zip(out["population"], out["adult_members"], out["member_ratio_target_end"], strict=True)
    ]
    counties = out["code"].astype(str).str[:6]  # a township's county: the first six digits of its code
    if unreported:  # before the score: an older row's gap neither counts nor sets the largest gap
        out = mark_unreported(out, counties, {c: METRIC_KINDS[m] for c, m in GAP_FIGURES.items()}, unreported)
    parts = []
    for column in GAP_COLUMNS:
        values = pd.to_numeric(out[column], errors="coerce").astype(float)
        top = values.max()
        if pd.notna(top) and top > 0:
            parts.append(values / top)
    # A gap unknown for one township counts as 0 there, so missing data never pushes a township to the top.
    out["gap_score"] = pd.concat(parts, axis=1).fillna(0).mean(axis=1) if parts else np.nan
    if unreported:  # a score missing one of its gaps would rank the township too low: none, it comes last
        score_kinds = tuple(k for m in GAP_METRICS for k in METRIC_KINDS[m])
        out = mark_unreported(out, counties, {"gap_score": score_kinds}, unreported)
    return out.sort_values(["gap_score", "code"], ascending=[False, True], na_position="last",
                           key=lambda v: pd.to_numeric(v, errors="coerce") if v.name == "gap_score" else v
                           ).reset_index(drop=True)


def unreported_note(unreported: Mapping[str, Sequence[str]], names: Mapping[str, str],
                    metrics: Sequence[str] = GAP_METRICS) -> str | None:
    """Under the ranking (or the station picks, for sites): the counties whose data behind it is not reported."""
    among = unreported_among(unreported, names, metrics)
    return None if among is None else f"{among}。{UNREPORTED_GAPS}"


@dataclass(frozen=True)
class Pick:
    """One township chosen for a new station."""

    rank: int
    code: str
    name: str
    county_name: str
    covers: tuple[str, ...]  # codes of the townships it newly covers (itself first when uncovered)
    covered_names: tuple[str, ...]
    population: int  # still-uncovered population it covers
    reason: str


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Approximate ground distance in km (equirectangular, fine within a city)."""
    kx = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((a[0] - b[0]) * kx, a[1] - b[1]) * KM_PER_DEG


def _seat(row: Mapping[str, object]) -> tuple[float, float] | None:
    lon, lat = _num(row.get("seat_lon")), _num(row.get("seat_lat"))
    return None if lon is None or lat is None else (lon, lat)


BOX_MARGIN = 1.01  # the bounding box that pre-selects neighbours is a little larger than the radius needs


def _near(point: tuple[float, float], lons: np.ndarray, lats: np.ndarray, radius_km: float) -> np.ndarray:
    """Indices of the points (lons, lats) that may lie within the radius: a box test on whole arrays; whether
    they do is then decided by km_between alone, so the outcome is the one a pairwise loop gives."""
    dlat = radius_km / KM_PER_DEG * BOX_MARGIN
    dlon = dlat / max(math.cos(math.radians(min(abs(point[1]) + dlat, 89.0))), 1e-6)
    return np.flatnonzero((np.abs(lats - point[1]) <= dlat) & (np.abs(lons - point[0]) <= dlon))


def covered_townships(townships: pd.DataFrame, stations: Sequence[tuple[float, float, str | None]],
                      radius_km: float) -> set[str]:
    """Codes of the townships already covered: a station inside, or the seat within radius of a station."""
    covered = {str(t) for _, _, t in stations if t is not None}
    lons = np.array([s[0] for s in stations], dtype=float)
    lats = np.array([s[1] for s in stations], dtype=float)
    for row in townships.to_dict("records"):
        seat = _seat(row)
        if seat is not None and any(km_between(seat, (stations[i][0], stations[i][1])) <= radius_km
                                    for i in _near(seat, lons, lats, radius_km)):
            covered.add(str(row["code"]))
    return covered & set(townships["code"].astype(str))


def _format_people(n: float) -> str:
    """12,345 → '1.2 万人'; below 10,000 as is."""
    return f"{n / 10000:.1f} 万人" if n >= 10000 else f"{int(n):,} 人"


def greedy_new_stations(townships: pd.DataFrame, stations: Sequence[tuple[float, float, str | None]],
                        radius_km: float = DEFAULT_RADIUS_KM, k: int = DEFAULT_PICKS) -> list[Pick]:
    """Up to k townships whose new station covers the most still-uncovered population, chosen greedily.

    townships: code, name, county_name, population, seat_lon, seat_lat, sites_station.
    stations: (lon, lat, township code) of the open stations. A township without a seat covers (and is
    covered by a radius around) nothing but itself. Stops early when no candidate covers anyone new.
    """
    rows = {str(r["code"]): r for r in townships.to_dict("records")}
    population = {c: int(_num(r["population"]) or 0) for c, r in rows.items()}
    seats = {c: _seat(r) for c, r in rows.items()}
    covered = covered_townships(townships, stations, radius_km)
    has_station = {c for c, r in rows.items() if (_num(r.get("sites_station")) or 0) > 0} | {
        str(t) for _, _, t in stations if t is not None}
    seated = [c for c in rows if seats[c] is not None]
    seat_lons = np.array([seats[c][0] for c in seated], dtype=float)  # type: ignore[index]
    seat_lats = np.array([seats[c][1] for c in seated], dtype=float)  # type: ignore[index]
    reach: dict[str, list[str]] = {}
    for c in rows:
        if c in has_station:
            continue
        if seats[c] is None:
            reach[c] = [c]
        else:
            near = [seated[i] for i in _near(seats[c], seat_lons, seat_lats, radius_km)  # type: ignore[arg-type]
                    if km_between(seats[c], seats[seated[i]]) <= radius_km]  # type: ignore[arg-type]
            reach[c] = sorted(set(near) | {c}, key=lambda o: (o != c, o))
    picks: list[Pick] = []
    for rank in range(1, k + 1):
        best: tuple[tuple[int, int], str, list[str]] | None = None
        for c in sorted(reach):  # code order, and a strict '>' below: ties go to the lower code
            if any(p.code == c for p in picks):
                continue
            new = [o for o in reach[c] if o not in covered]
            key = (sum(population[o] for o in new), population[c])
            if key[0] > 0 and (best is None or key > best[0]):
                best = (key, c, new)
        if best is None:
            break
        (gain, _), c, new = best
        covered |= set(new)
        name = str(rows[c]["name"])
        if new == [c]:
            reason = f"{name}尚无服务站覆盖，在驻地建站可新增覆盖常住人口 {_format_people(gain)}"
        else:
            listed = "、".join(f"{rows[o]['name']}（{_format_people(population[o])}）" for o in new)
            reason = (f"在{name}驻地建站，{radius_km:g} 公里服务半径内有 {len(new)} 个尚未覆盖的乡镇（街道）：{listed}，"
                      f"合计新增覆盖 {_format_people(gain)}")
        picks.append(Pick(rank, c, name, str(rows[c].get("county_name") or ""), tuple(new),
                          tuple(str(rows[o]["name"]) for o in new), gain, reason))
    return picks


def picks_frame(picks: Sequence[Pick]) -> pd.DataFrame:
    """The picks as a table with Chinese headers."""
    return pd.DataFrame(
        [(p.rank, p.name, p.county_name, p.code, p.population, "、".join(p.covered_names), p.reason) for p in picks],
        columns=["建议顺序", "乡镇（街道）", "区、县（市）", "代码", "新增覆盖人口", "覆盖的乡镇（街道）", "理由"],
    )


SORT_CHOICES = {
    "gap_score": "综合缺口",
    "villages_without_branch": "未建会村（社区）数",
    "population_without_station": "无服务站乡镇的常住人口",
    "members_needed": "距目标还需成人会员",
}


def sort_gaps(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """The gap table ordered by one gap, largest first (无数据 last, ties by code)."""
    key = pd.to_numeric(table[by], errors="coerce")
    return (table.assign(_key=key).sort_values(["_key", "code"], ascending=[False, True], na_position="last")
            .drop(columns="_key").reset_index(drop=True))


def _percent(series: pd.Series, digits: int) -> pd.Series:
    return (pd.to_numeric(series, errors="coerce") * 100).round(digits)


def _target_label(series: pd.Series, fallback: str) -> str:
    """'40%' when every township has the same target, else a generic word."""
    values = set(pd.to_numeric(series, errors="coerce").dropna().round(6))
    return f"{values.pop() * 100:g}%" if len(values) == 1 else fallback


def gap_display(table: pd.DataFrame) -> pd.DataFrame:
    """The gap table with Chinese headers, as shown and downloaded (rates in %, gaps as whole numbers)."""
    def marked(column: str, values: pd.Series) -> pd.Series:
        """The shown values, with 未报送 carried over from the gap table (gap_table's mark, not a new rule)."""
        owed = table[column].map(lambda v: v == UNREPORTED)
        return values.astype(object).where(~owed, UNREPORTED) if owed.any() else values

    def whole(column: str) -> pd.Series:
        return marked(column, pd.to_numeric(table[column], errors="coerce").round().astype("Int64"))

    def percent(column: str, digits: int) -> pd.Series:
        return marked(column, _percent(table[column], digits))

    branch_goal = _target_label(table["village_branch_rate_target_end"], "目标")
    member_goal = _target_label(table["member_ratio_target_end"], "目标")

    return pd.DataFrame({
        "排名": range(1, len(table) + 1),
        "乡镇（街道）": table["name"],
        "区、县（市）": table["county_name"],
        "代码": table["code"],
        "村（社区）总数": whole("villages_total"),
        "未建会村（社区）": whole("villages_without_branch"),
        "建会率（%）": percent("village_branch_rate", 1),
        f"距 {branch_goal} 还需建会": whole("villages_needed_end"),
        "常住人口": whole("population"),
        "服务站数": whole("sites_station"),
        "无服务站人口": whole("population_without_station"),
        "成人会员": whole("adult_members"),
        "会员占比（%）": percent("member_ratio", 2),
        f"距 {member_goal} 还需成人会员": whole("members_needed"),
        "综合缺口（0–1）": marked("gap_score", pd.to_numeric(table["gap_score"], errors="coerce").round(3)),
    })
