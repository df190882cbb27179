"""A township's profile beside the map: its metrics, its gaps against the targets, its open sites (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from rcdash.labels import is_missing
from rcdash.maps import classes
from rcdash.topics.gaps import members_needed
from rcdash.topics.map_view import TIER_LABELS, TIER_ORDER, MapView


@dataclass(frozen=True)
class Profile:
    """What the panel beside the map shows for one township."""

    code: str
    title: str
    subtitle: str
    figures: list[tuple[str, str]]  # (label, value) pairs, values formatted
    gaps: list[str]  # one sentence each, worst first; empty when the township meets every target shown
    sites: pd.DataFrame  # open sites with Chinese headers
    notes: list[str] = field(default_factory=list)



def _pct(v: object, digits: int = 1) -> str:
    return "无数据" if is_missing(v) else f"{float(v) * 100:.{digits}f}%"  # type: ignore[arg-type]


def _int(v: object, unit: str = "") -> str:
    return "无数据" if is_missing(v) else f"{int(v):,}{unit}"  # type: ignore[call-overload]


def township_profile(view: MapView, code: str, approximate: bool) -> Profile | None:
    """The profile of one township of the view, or None when it is not in the view."""
    found = view.townships[view.townships["code"] == code]
    if found.empty:
        return None
    r = found.iloc[0]
    kinds = view.kinds
    branch_target, member_target = r["village_branch_rate_target"], r["member_ratio_target"]
    branches = "无数据" if is_missing(r["villages_with_branch"]) else (
        f"{_pct(r['village_branch_rate'])}（{int(r['villages_with_branch'])} / {int(r['villages_total'])} 个村社区）")
    members = "无数据" if is_missing(r["member_ratio"]) else (
        f"{_pct(r['member_ratio'], 2)}（{_int(r['adult_members'])} 人）")
    # A county that has not reported for the period: its townships' figures are not read from older rows (§9).
    unreported = {m: classes.unreported_text(m, r) for m in ("village_branch_rate", "member_ratio")
                  if classes.unreported_kinds(m, r)}
    figures = [
        ("村（社区）建会率", unreported.get("village_branch_rate", branches)),
        ("成人会员占常住人口", unreported.get("member_ratio", members)),
        ("常住人口", _int(r["population"], " 人")),
        ("服务站 / 服务点", "无数据" if "sites" not in kinds else f"{int(r['sites_station'])} 个 / {int(r['sites_point'])} 个"),
        ("基层组织（各层级）", "无数据" if is_missing(r["branches"]) else f"{int(r['branches'])} 个"),
    ]
    gaps = []
    needed = r["villages_needed"]
    if not is_missing(needed) and needed > 0 and "village_branch_rate" not in unreported:
        gaps.append(f"还有 {int(r['villages_without_branch'])} 个村（社区）未建会；达到 {view.year} 年目标 "
                    f"{_pct(branch_target)} 还需建会 {int(needed)} 个")
    short = members_needed(r["population"], r["adult_members"], member_target, "members" in kinds)
    if short and "member_ratio" not in unreported:
        gaps.append(f"成人会员距 {view.year} 年目标 {_pct(member_target, 1)} 还差 {short:,} 人")
    if "sites" in kinds and int(r["sites_station"] or 0) == 0:
        pop = "" if is_missing(r["population"]) else f"，常住人口 {int(r['population']):,} 人"
        gaps.append(f"尚无乡镇（街道）服务站{pop}")
    mine = view.sites[view.sites["township_code"] == code].copy()
    mine["order"] = mine["tier"].map({t: i for i, t in enumerate(TIER_ORDER)})
    sites = mine.sort_values(["order", "name"]).assign(tier=lambda f: f["tier"].map(TIER_LABELS))
    sites = sites[["name", "tier", "host", "opened_on"]].rename(columns={
        "name": "阵地名称", "tier": "类型", "host": "依托场所", "opened_on": "启用日期"})
    notes = []
    if approximate:
        notes.append("乡镇范围为近似（驻地泰森多边形），点击位置按近似范围判断所属乡镇。")
    return Profile(code, str(r["name"]), f"{r['county_name']} · 截至 {view.as_of:%Y-%m-%d}", figures, gaps,
                   sites.reset_index(drop=True), notes)
