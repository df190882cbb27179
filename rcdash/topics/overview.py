"""The leadership overview: KPI cards, the compliance matrix, rate trends and the annual evaluation (pure)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from rcdash.config import CITY_CODE
from rcdash.labels import UNREPORTED, county_names, fmt_count, fmt_target, is_missing
from rcdash.metrics.definitions import METRIC_BY_NAME, format_value
from rcdash.metrics.period import Period, half_year_of, previous_half_year
from rcdash.metrics.rules import RULES, STATUS_LABELS
from rcdash.metrics.targets import PER_COUNTY_TARGETS, TargetBook
from rcdash.reporting import (
    drop_unreported_points,
    mark_unreported,
    metric_unreported,
    unreported_among,
    unreported_words,
)
from rcdash.reporting.status import METRIC_KINDS

CARD_METRICS = (
    "village_branch_rate", "member_ratio", "sites_center", "sites_base", "rescue_teams_with_party",
    "volunteer_teams_20plus", "brand_projects", "weekly_voice_rate", "monthly_theme_rate",
)
CITY_ONLY_CARDS = frozenset({"sites_center"})
TREND_METRICS = ("village_branch_rate", "member_ratio")



def half_year_points(as_of: date, first: date) -> list[date]:
    """The last day of every half-year from `first` (the plan's start) up to as_of's half-year, which ends at as_of."""
    points = []
    period = previous_half_year(half_year_of(as_of))
    while period.end >= first:
        points.append(period.end)
        period = previous_half_year(period)
    return [*reversed(points), as_of]


def month_points(as_of: date, first: date) -> list[date]:
    """The last day of every month from `first` (the plan's start) up to as_of's month, which ends at as_of itself."""
    points = []
    cursor = date(first.year, first.month, 1)
    while True:
        nxt = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        end = nxt - timedelta(days=1)
        if end >= as_of:
            break
        points.append(end)
        cursor = nxt
    return [*points, as_of]


@dataclass(frozen=True)
class KpiCard:
    """One plan target on the overview."""

    metric: str
    label: str
    value: float | None
    value_text: str
    target: float | None
    target_text: str
    pct_of_target: float | None
    delta_text: str | None  # change against the previous half-year (percentage points for rates)
    spark: list[float]
    spark_labels: list[str]
    help: str
    unreported: str | None = None  # a county's card: which data of which period it has not sent (value reads 未报送)
    note: str | None = None  # the city's card: the counties in its sum that have not reported (the sum stays)

    @property
    def status(self) -> str:
        """达标 / 未达标 / 无数据 by the share of the target, or 未报送 when the county has not sent the card's data."""
        return UNREPORTED if self.unreported else progress_status(self.pct_of_target)


def _target_text(metric: str, target: float | None) -> str:
    """A target as users read it."""
    if target is None:
        return "—"
    if METRIC_BY_NAME[metric].unit == "rate":
        return fmt_target(target)
    return fmt_count(target)


def _delta(metric: str, now: float | None, before: float | None) -> str | None:
    """The change since the previous half-year, in percentage points for rates."""
    if is_missing(now) or is_missing(before):
        return None
    change = now - before
    if abs(change) < 1e-9:
        return "持平"
    if METRIC_BY_NAME[metric].unit == "rate":
        return f"{change * 100:+.1f} 个百分点"
    return f"{int(change):+d}"


def kpi_cards(series: pd.DataFrame, area: str, targets: TargetBook, county_rows: pd.DataFrame,
              unreported: Mapping[str, list[str]] | None = None, period_label: str = "本期") -> list[KpiCard]:
    """A card per plan target for one area, from its half-year series (last point = as_of).

    A county's card resting on a kind it has not reported for the period (`unreported`, rcdash.reporting) reads
    未报送 rather than a figure from older rows; the city's card keeps its sum and names such counties beneath it."""
    rows = series[series["code"] == area].sort_values("as_of")
    if rows.empty:
        return []
    as_of = rows["as_of"].iloc[-1]
    counties = county_rows[county_rows["level"] == "county"]
    names = county_names(counties)
    unreported = unreported or {}
    cards = []
    for metric in CARD_METRICS:
        if metric in CITY_ONLY_CARDS and area != CITY_CODE:
            continue
        m = METRIC_BY_NAME[metric]
        values = [None if is_missing(v) else float(v) for v in rows[metric]]
        now = values[-1]
        before = values[-2] if len(values) > 1 else None
        target = targets.value(metric, area, as_of.year)
        if area == CITY_CODE and metric in PER_COUNTY_TARGETS and target is not None:
            target = target * len(counties)
        pct = None if now is None or not target else now / target
        source = targets.source(metric, area, as_of.year)
        help_lines = [m.described(targets.plan.targets), f"统计日：{as_of:%Y-%m-%d}", f"目标：{_target_text(metric, target)}（{source}）"]
        if area == CITY_CODE and metric in PER_COUNTY_TARGETS:
            per = targets.value(metric, CITY_CODE, as_of.year) or 0
            owed = [bool(metric_unreported(unreported, c, (metric,))) for c in counties["code"]]
            met = int(((counties[metric].fillna(-1) >= per) & ~pd.Series(owed, index=counties.index)).sum())
            help_lines.append(f"达标区县：{met_counties(met, len(counties), sum(owed))}（每个区、县（市）≥ {per:g}）")
        missing = metric_unreported(unreported, area, (metric,))
        if missing:  # the county owes this period's data: no figure, no change, no share of the target
            words = unreported_words(missing, period_label)
            cards.append(KpiCard(
                metric=metric, label=m.zh, value=None, value_text=UNREPORTED, target=target,
                target_text=_target_text(metric, target), pct_of_target=None, delta_text=None,
                spark=[v * 100 if m.unit == "rate" else v for v in values[:-1] if v is not None],
                spark_labels=[f"{d:%Y-%m-%d}" for d, v in zip(rows["as_of"][:-1], values[:-1], strict=True)
                              if v is not None],
                help="\n\n".join([words, *help_lines]), unreported=words,
            ))
            continue
        cards.append(KpiCard(
            metric=metric, label=m.zh, value=now, value_text=format_value(m, now), target=target,
            target_text=_target_text(metric, target), pct_of_target=pct, delta_text=_delta(metric, now, before),
            # Half-years without data are left out of the sparkline: drawn as 0 they would read as a collapse.
            spark=[v * 100 if m.unit == "rate" else v for v in values if v is not None],
            spark_labels=[f"{d:%Y-%m-%d}" for d, v in zip(rows["as_of"], values, strict=True) if v is not None],
            help="\n\n".join(help_lines),
            note=unreported_among(unreported, names, (metric,)) if area == CITY_CODE else None,
        ))
    return cards


def met_counties(met: int, total: int, owed: int) -> str:
    """'4/6', or '4/6（1 个未报送）': a county that has not reported the data behind a target counts neither as
    达标 nor as 未达标 (DESIGN §9)."""
    return f"{met}/{total}" + (f"（{owed} 个{UNREPORTED}）" if owed else "")


def progress_status(pct_of_target: float | None) -> str:
    """A card's status by its share of the target: 达标 from 100 % on, 未达标 below, 无数据 without a value."""
    if is_missing(pct_of_target):
        return STATUS_LABELS["no_data"]
    return STATUS_LABELS["pass"] if pct_of_target >= 1 - 1e-9 else STATUS_LABELS["fail"]  # type: ignore[operator]


def rule_kinds() -> tuple[str, ...]:
    """The import kinds the plan's rules and the annual evaluation rest on (whose missing reports turn a figure into
    未报送)."""
    metrics = [r.metric for r in RULES] + list(METRIC_KINDS)
    return tuple(dict.fromkeys(k for m in metrics for k in METRIC_KINDS.get(m, ())))


def compliance_matrix(report: dict, unreported: Mapping[str, list[str]] | None = None,
                      period: Period | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counties × plan rules: the status labels and the reasons, worst county first; a rule resting on a kind
    the county has not reported for the period reads 未报送 (rcdash.reporting.mark_unreported)."""
    status_rows, reason_rows, codes, labels, metric_of = {}, {}, {}, [], {}
    rule_metric = {r.key: r.metric for r in RULES}
    for area in report["areas"]:
        if area["level"] != "county":
            continue
        # The plan's county rules, in the order kpi evaluates them.
        labels += [r["short"] for r in area["rules"] if r["short"] not in labels]
        metric_of |= {r["short"]: rule_metric[r["rule"]] for r in area["rules"]}
        status_rows[area["name"]] = {r["short"]: STATUS_LABELS[r["status"]] for r in area["rules"]}
        reason_rows[area["name"]] = {r["short"]: r["reason"] for r in area["rules"]}
        codes[area["name"]] = area["code"]
    statuses = pd.DataFrame.from_dict(status_rows, orient="index").reindex(columns=labels)
    reasons = pd.DataFrame.from_dict(reason_rows, orient="index").reindex(columns=labels)
    if statuses.empty:
        return statuses, reasons
    if unreported:
        rows = pd.Series(statuses.index.map(codes), index=statuses.index)
        kinds = {label: METRIC_KINDS.get(metric_of[label], ()) for label in labels}
        statuses = mark_unreported(statuses, rows, kinds, unreported)
        label = period.label if period is not None else "本期"
        reasons = mark_unreported(reasons, rows, kinds, unreported, lambda missing: unreported_words(missing, label))
    fails = (statuses == STATUS_LABELS["fail"]).sum(axis=1)
    unknown = statuses.isin([STATUS_LABELS["no_data"], UNREPORTED]).sum(axis=1)
    order = sorted(statuses.index, key=lambda name: (-fails[name], -unknown[name], name))
    return statuses.loc[order], reasons.loc[order]


UNSCORED_COLUMN = "未计入得分（无数据）"


def evaluation_ranking(county_rows: pd.DataFrame, targets: TargetBook, year: int, weights: dict[str, float],
                       unreported: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """年度工作评价: each county's weighted share of its targets reached (0–100), ranked.

    An indicator without data (or without a target) is 无数据, not 0: it is left out and the score is the weighted
    share over the indicators that have data (no score at all when none has). An indicator resting on a kind the
    county has not reported for the period (`unreported`, rcdash.reporting) reads 未报送 and is left out the same way,
    rather than scored from older rows.
    """
    rows = []
    for row in county_rows[county_rows["level"] == "county"].to_dict("records"):
        entry: dict[str, object] = {"区县": row["name"], "代码": row["code"]}
        score, weight_scored, unscored = 0.0, 0.0, []
        missing_kinds = set((unreported or {}).get(row["code"], ()))
        for metric, weight in weights.items():
            target = targets.value(metric, row["code"], year)
            value = row.get(metric)
            if missing_kinds & set(METRIC_KINDS.get(metric, ())):
                entry[METRIC_BY_NAME[metric].zh] = UNREPORTED
                unscored.append(f"{METRIC_BY_NAME[metric].zh}（{UNREPORTED}）")
                continue
            if is_missing(value) or not target:
                entry[METRIC_BY_NAME[metric].zh] = None
                unscored.append(METRIC_BY_NAME[metric].zh)
                continue
            part = min(1.0, float(value) / target)
            entry[METRIC_BY_NAME[metric].zh] = round(part * 100, 1)
            score += weight * part
            weight_scored += weight
        entry["得分"] = round(score / weight_scored * 100, 1) if weight_scored else None
        entry[UNSCORED_COLUMN] = "、".join(unscored) or "—"
        rows.append(entry)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["得分"] = frame["得分"].astype(float)
    frame = frame.sort_values(["得分", "区县"], ascending=[False, True], na_position="last").reset_index(drop=True)
    frame.insert(0, "排名", frame["得分"].rank(method="min", ascending=False).astype("Int64"))
    return frame


def plan_end_target(targets: TargetBook, metric: str, area: str) -> float | None:
    """The target for the plan's end (what the trend's projection and the monthly increase measure against)."""
    return targets.end_value(metric, area)


def stage_marks(targets: TargetBook, metric: str, area: str) -> pd.DataFrame:
    """Each interim year's stage target at that year's end (as_of, value, label), for the trend chart."""
    rows = [{"as_of": date(year, 12, 31), "value": value, "label": f"{year} 年阶段目标 {fmt_target(value)}"}
            for year, value in targets.stage_targets(metric, area)]
    return pd.DataFrame(rows, columns=["as_of", "value", "label"])


def target_caption(targets: TargetBook, area: str) -> str:
    """Which targets the trend chart and the outlook table measure against, in one sentence."""
    ends = "、".join(f"{METRIC_BY_NAME[m].zh} {_target_text(m, plan_end_target(targets, m, area))}" for m in TREND_METRICS)
    stages = "；".join(
        METRIC_BY_NAME[m].zh + " " + "、".join(f"{year} 年末 {_target_text(m, v)}" for year, v in marks)
        for m in TREND_METRICS if (marks := targets.stage_targets(m, area)))
    end = targets.plan.end
    text = f"按计划末（{end:%Y-%m-%d}）目标：{ends}。虚线为计划末目标；点线为按近 12 个月的线性趋势推算到 {end:%Y-%m-%d}。"
    if stages:
        text += f"菱形为各年阶段目标（{stages}），标在该年年末。"
    return text + "“每月还需提高”和“按近 12 个月趋势预计期末”都对照计划末目标。"


def trend_frame(series: pd.DataFrame, metric: str, unreported: Mapping[str, list[str]] | None = None,
                since: date | None = None) -> pd.DataFrame:
    """Long form (as_of, area name, value) of one metric, for line charts; a county that has not reported the data
    behind it for the period (from `since`) has no points there (rcdash.reporting)."""
    if unreported and since is not None:
        series = drop_unreported_points(series, (metric,), unreported, since)
    out = series[["as_of", "name", "level", metric]].rename(columns={metric: "value"})
    return out.dropna(subset=["value"])


def trend_note(counties: pd.DataFrame, area: str, unreported: Mapping[str, list[str]],
               metrics: tuple[str, ...]) -> str | None:
    """Under trend charts of the area (the city or one county): whose lines stop at their last reported point."""
    names = county_names(counties)
    in_view = {c: k for c, k in unreported.items() if area not in names or c == area}
    among = unreported_among(in_view, names, metrics)
    return None if among is None else f"{among}：其走势线停在最近一次报送的数据，本期不按旧数据画点。"


def projection_frame(report: dict, metric: str, unreported: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """For each area: a segment from today's value to the projected value at the plan's end (none for a county that
    has not reported the data behind it for the period: no figure today, nothing to project from)."""
    rows = []
    as_of = date.fromisoformat(report["as_of"])
    plan_end = date.fromisoformat(report["plan"]["end"])
    for area in report["areas"]:
        outlook = area.get("outlook", {}).get(metric)
        now = area.get(metric)
        if not outlook or outlook["projected_at_plan_end"] is None or now is None or as_of >= plan_end:
            continue
        if unreported and metric_unreported(unreported, area["code"], (metric,)):
            continue
        rows.append({"name": area["name"], "as_of": as_of, "value": now})
        rows.append({"name": area["name"], "as_of": plan_end, "value": outlook["projected_at_plan_end"]})
    return pd.DataFrame(rows, columns=["name", "as_of", "value"])


PLAN_END_TARGET_COLUMN = "计划末目标"  # the outlook's target: the plan's end, not the year's stage target


def rate_outlook_table(report: dict, unreported: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """Per area: each rate now, its plan-end target, the monthly increase still needed and the projection; a county
    that has not reported a rate's kind for the period reads 未报送 in that rate's figure and gap columns."""
    rows, codes = [], []
    for area in report["areas"]:
        entry: dict[str, object] = {"区域": area["name"]}
        for metric in TREND_METRICS:
            m = METRIC_BY_NAME[metric]
            o = area.get("outlook", {}).get(metric, {})
            entry[f"{m.zh}"] = format_value(m, area.get(metric))
            entry[f"{m.zh}·{PLAN_END_TARGET_COLUMN}"] = _target_text(metric, o.get("target"))
            ended = o.get("months_left") == 0
            needed = o.get("needed_per_month")
            entry[f"{m.zh}·每月还需提高"] = (
                "计划期已结束" if ended else "—" if needed is None else f"{needed * 100:.2f} 个百分点")
            projected = o.get("projected_at_plan_end")
            entry[f"{m.zh}·按近 12 个月趋势预计期末"] = (
                "计划期已结束" if ended else "—" if projected is None or math.isnan(projected) else f"{projected * 100:.1f}%")
        rows.append(entry)
        codes.append(area["code"])
    frame = pd.DataFrame(rows)
    if not unreported or frame.empty:
        return frame
    figures = {}  # the plan-end target is the plan's, not the county's data: it stays
    for metric in TREND_METRICS:
        zh = METRIC_BY_NAME[metric].zh
        figures |= dict.fromkeys((zh, f"{zh}·每月还需提高", f"{zh}·按近 12 个月趋势预计期末"), METRIC_KINDS[metric])
    return mark_unreported(frame, pd.Series(codes, index=frame.index), figures, unreported)
