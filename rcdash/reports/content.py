"""The half-year progress briefing (每半年通报工作进度) and the annual evaluation (年度工作评价) as one content model.

Every figure comes from `kpi()` reports (what `rcdash kpi` prints) passed through the functions of the 总览 page
(rcdash.topics.overview), so the DOCX, XLSX and PDF renderings, the 总览 page and the command line cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd

from rcdash.config import CITY_CODE, CITY_NAME, evaluation_weights
from rcdash.labels import MEMBER_RATIO_DIGITS, RATE_DIGITS, UNREPORTED, fmt_number, is_missing
from rcdash.metrics.definitions import METRIC_BY_NAME, format_value
from rcdash.metrics.engine import compute, default_as_of
from rcdash.metrics.kpi import kpi
from rcdash.metrics.period import Period, half_year_of, half_years_between, parse_period, previous_half_year
from rcdash.metrics.rules import FAIL, NO_DATA, PASS, RULES, STATUS_LABELS, plan_rules
from rcdash.metrics.targets import PER_COUNTY_TARGETS, TargetBook
from rcdash.plans import Plan, browse, default_plan
from rcdash.reporting import metric_unreported, unreported_in, unreported_words
from rcdash.reports.model import (
    SHORT,
    AreaShortfalls,
    Block,
    Briefing,
    Cell,
    Figure,
    Num,
    Paragraph,
    Section,
    ShortfallItem,
    Shortfalls,
    Table,
)
from rcdash.topics import overview, status

HALF_YEAR, YEAR = "half_year", "year"
# The record kinds without which there is nothing to report (the 总览 page asks for the same).
DATA_KINDS = ("branches", "members", "sites", "teams", "activities", "brands")
MAX_NAMED = 3  # name at most this many counties in a sentence, then "等 N 个"
ORG_COLUMNS = ("villages_total", "villages_with_branch", "village_branch_rate", "population", "adult_members",
               "member_ratio")
RULE_METRIC = {r.key: r.metric for r in RULES}  # the metric each plan rule judges
UNREPORTED_NOTE = f"“{UNREPORTED}”：该区县本期应报的数据过了截止日仍未收到，不按旧数据计算。"  # under a table holding it
SERVICE_COLUMNS = ("sites_base", "sites_station", "sites_point", "rescue_teams_with_party", "volunteer_teams_20plus",
                   "brand_projects", "funds", "weekly_voice_rate", "monthly_theme_rate")


class ReportProblem(ValueError):
    """A report that cannot be made from this database (no data, a period after the data); message in Chinese."""


# ---- periods ------------------------------------------------------------------------------------------------------

def period_kind(period: Period) -> str:
    """A half-year (2022H2) or a year (2022)."""
    return YEAR if period.label.isdigit() else HALF_YEAR


def period_name(period: Period) -> str:
    """'2022 年下半年', '2022 年上半年' or '2022 年'."""
    if period_kind(period) == YEAR:
        return f"{period.start.year} 年"
    return f"{period.start.year} 年{'上' if period.label.upper().endswith('H1') else '下'}半年"


def report_title(period: Period) -> str:
    """'2022 年下半年工作进度通报' for a half-year, '2022 年度工作评价' for a year."""
    if period_kind(period) == YEAR:
        return f"{period.start.year} 年度工作评价"
    return f"{period_name(period)}工作进度通报"


def previous_point(period: Period) -> tuple[str, date]:
    """What the period is compared with: the end of the previous half-year, or of the previous year."""
    if period_kind(period) == YEAR:
        year = period.start.year - 1
        return f"{year} 年末", date(year, 12, 31)
    before = previous_half_year(period)
    return f"{period_name(before)}末", before.end


def period_choices(first: date, last: date, kind: str) -> list[Period]:
    """The half-years (or years) from `first` to `last` (a plan's period widened to the data's span), newest first."""
    if kind == HALF_YEAR:
        return half_years_between(first, last)
    return [parse_period(str(year)) for year in range(last.year, first.year - 1, -1)]


def period_of(day: date, kind: str) -> Period:
    """The half-year (or year) containing a day: the page's default period for its as-of date."""
    return half_year_of(day) if kind == HALF_YEAR else parse_period(str(day.year))


def resolve_period(con: duckdb.DuckDBPyConnection, period: str | Period,
                   today: date | None = None) -> tuple[Period, date]:
    """The period and its as-of date: its last day, but never later than the latest data date (nor today)."""
    chosen = parse_period(period) if isinstance(period, str) else period
    if not status.has_rows(con, DATA_KINDS):
        raise ReportProblem("数据库中还没有计划进展数据：请先在看板“数据管理”页导入基层组织、会员、服务阵地、队伍、"
                            "活动或一地一品数据。")
    latest = default_as_of(con, today)
    if chosen.start > latest:
        raise ReportProblem(f"报告期 {chosen.label}（{chosen.start:%Y-%m-%d} 起）晚于最新数据日期 {latest:%Y-%m-%d}，"
                            "还没有可通报的数据；请选择更早的报告期。")
    return chosen, min(chosen.end, latest)


# ---- helpers ------------------------------------------------------------------------------------------------------


def _names(names: list[str]) -> str:
    """'越城区、柯桥区' or '越城区、柯桥区、上虞区等 5 个'."""
    if len(names) <= MAX_NAMED:
        return "、".join(names)
    return "、".join(names[:MAX_NAMED]) + f"等 {len(names)} 个"


def _counties(report: dict) -> list[dict]:
    """The county entries of a kpi report."""
    return [a for a in report["areas"] if a["level"] == "county"]


def _city(report: dict) -> dict:
    """The city entry of a kpi report."""
    return next(a for a in report["areas"] if a["level"] == "city")


def _rule_status(area: dict, rule_key: str) -> str | None:
    """The status of one rule for one area."""
    return next((r["status"] for r in area["rules"] if r["rule"] == rule_key), None)


def _series(*reports: dict) -> pd.DataFrame:
    """kpi reports as the (as_of, area) frame the overview functions take."""
    frames = [pd.DataFrame(r["areas"]).assign(as_of=date.fromisoformat(r["as_of"])) for r in reports]
    return pd.concat(frames, ignore_index=True)


def _counted(metric: str, value: object) -> Num:
    """A metric value as a table number."""
    digits = MEMBER_RATIO_DIGITS if metric == "member_ratio" else RATE_DIGITS
    return Num(None if is_missing(value) else value, METRIC_BY_NAME[metric].unit, digits)  # type: ignore[arg-type]


# ---- tables -------------------------------------------------------------------------------------------------------

def city_table(now: dict, before: dict, previous_label: str, targets: TargetBook,
               unreported: Mapping[str, list[str]] | None = None) -> Table:
    """全市主要指标: each plan target now, at the previous point, the change, the target and how many counties meet it
    (a county that has not reported the data behind a target for the period counts neither way, DESIGN §9)."""
    unreported = unreported or {}
    series = _series(before, now)
    cards = overview.kpi_cards(series, CITY_CODE, targets, pd.DataFrame(now["areas"]))
    city_before = _city(before)
    counties = _counties(now)
    year = date.fromisoformat(now["as_of"]).year
    county_rule_of_metric = {r.metric: r.key for r in plan_rules(targets) if "county" in r.levels}
    rows, any_owed = [], False
    for card in cards:
        metric = card.metric
        target = card.target_text
        if metric in PER_COUNTY_TARGETS:
            per = targets.value(metric, CITY_CODE, year)
            target = f"{target}（每区县 {per:g}）" if per is not None else target
        reported = [c for c in counties if not metric_unreported(unreported, c["code"], (metric,))]
        owed = len(counties) - len(reported)
        if metric in overview.CITY_ONLY_CARDS:
            met = "—"
        else:
            if metric in county_rule_of_metric:
                passed = sum(_rule_status(c, county_rule_of_metric[metric]) == PASS for c in reported)
            else:
                goals = [(c[metric], targets.value(metric, c["code"], year)) for c in reported]
                passed = sum(1 for v, t in goals if not is_missing(v) and t is not None and v >= t - 1e-12)
            met, any_owed = overview.met_counties(passed, len(counties), owed), any_owed or owed > 0
        rows.append((
            card.label, _counted(metric, card.value), _counted(metric, city_before.get(metric)),
            card.delta_text or "—", target,
            Num(card.pct_of_target, "share"), met,
        ))
    return Table(
        "全市指标", "全市主要指标完成情况",
        ("指标", "本期", previous_label, "变化", "目标", "完成目标", "达标区县"), tuple(rows),
        note=(f"目标为 {year} 年阶段目标（已导入时）或 {targets.plan.end.year} 年末计划目标；"
              "按区县下达的目标，全市目标为每区县目标 × 区县数。"
              f"“周周有声音”“月月有主题”按统计日所在半年（{now['period']}）计算。"
              + (f"本期{UNREPORTED}相关数据的区县，在“达标区县”中既不计达标，也不计未达标。" if any_owed else "")),
        widths=(3.2, 1.4, 1.4, 1.9, 1.9, 1.2, 1.2),
    )


def _figure(area: dict, metric: str, unreported: Mapping[str, list[str]]) -> Cell:
    """An area's figure in a table: 未报送 for a county that has not reported its data for the period (DESIGN §9)."""
    return UNREPORTED if metric_unreported(unreported, area["code"], (metric,)) else _counted(metric, area.get(metric))


def area_table(now: dict, key: str, title: str, metrics: tuple[str, ...], note: str = "",
               unreported: Mapping[str, list[str]] | None = None) -> Table:
    """The city and every county: one column per metric (未报送 where a county has not reported its data)."""
    rows = tuple((a["name"], *(_figure(a, m, unreported or {}) for m in metrics)) for a in now["areas"])
    if any(UNREPORTED in row for row in rows):
        note += UNREPORTED_NOTE
    return Table(key, title, ("区域", *(SHORT[m] for m in metrics)), rows, note=note,
                 widths=(1.3, *(1.0 for _ in metrics)))


def ranking_table(ranking: pd.DataFrame, weights: dict[str, float], year: int, as_of: date) -> Table:
    """年度工作评价: rank, county, each indicator's share of its target reached, score."""
    metric_columns = [METRIC_BY_NAME[m].zh for m in weights]
    rows = tuple(
        (Num(None if is_missing(r["排名"]) else int(r["排名"]), "count"), r["区县"],
         *(r[c] if r[c] == UNREPORTED else Num(None if is_missing(r[c]) else float(r[c]), "score")
           for c in metric_columns),
         Num(None if is_missing(r["得分"]) else float(r["得分"]), "score"))
        for r in ranking.to_dict("records")
    )
    weight_text = "，".join(f"{SHORT[m]} {w:g}" for m, w in weights.items())
    missing = ranking.get(overview.UNSCORED_COLUMN, pd.Series(dtype=str)).ne("—").any()
    unscored = f"无数据或{UNREPORTED}的指标不计入得分，按其余指标的权重折算。" if missing else ""
    return Table(
        "年度评价", f"{year} 年度工作评价（截至 {as_of:%Y-%m-%d}）",
        ("排名", "区县", *(SHORT[m] for m in weights), "得分"), rows,
        note=("各指标一栏为完成目标的比例（封顶 100），得分为其加权平均（满分 100）。" + unscored + "权重：" + weight_text + "。"),
        widths=(0.8, 1.3, *(1.0 for _ in weights), 0.9),
    )


def compliance_table(now: dict, unreported: Mapping[str, list[str]] | None = None, period: Period | None = None) -> Table:
    """区县达标情况: counties × plan rules (the 总览 page's compliance matrix, 未报送 included), worst county first."""
    statuses, _ = overview.compliance_matrix(now, unreported, period)
    rows = tuple((name, *(str(v) for v in row)) for name, row in zip(statuses.index, statuses.values, strict=True))
    return Table("达标情况", "各区、县（市）计划要求达标情况", ("区县", *statuses.columns), rows,
                 note="未达标项多的区县排在前面；未达标的原因和还差多少见第五部分。",
                 widths=(1.3, *(1.0 for _ in statuses.columns)), status_colours=True)


def outlook_table(now: dict, unreported: Mapping[str, list[str]] | None = None) -> Table:
    """目标差距与趋势: the monthly increase still needed and the projection to the plan's end (rcdash.topics.overview)."""
    # The plan-end target columns stay on the page; the note below names the target for the document.
    frame = overview.rate_outlook_table(now, unreported).filter(regex=f"^(?!.*{overview.PLAN_END_TARGET_COLUMN})")
    renames = {"区域": "区域"}
    for metric in overview.TREND_METRICS:
        zh, short = METRIC_BY_NAME[metric].zh, SHORT[metric]
        renames.update({zh: short, f"{zh}·每月还需提高": f"{short}·每月还需提高",
                        f"{zh}·按近 12 个月趋势预计期末": f"{short}·按趋势预计期末"})
    frame = frame.rename(columns=renames)
    rows = tuple(tuple(str(v) for v in row) for row in frame.itertuples(index=False))
    plan_end = date.fromisoformat(now["plan"]["end"])
    return Table("目标差距与趋势", f"建会率与会员占比：到 {plan_end.year} 年末的差距与趋势", tuple(frame.columns), rows,
                 note=f"每月还需提高 = (计划期末目标 − 当前值) ÷ 剩余月数；按趋势预计 = 近 12 个月的线性趋势外推到 {plan_end:%Y-%m-%d}。",
                 widths=(1.2, 1.0, 1.5, 1.5, 1.0, 1.5, 1.5))


def _rule_unreported(area: dict, rule: dict, unreported: Mapping[str, list[str]]) -> list[str]:
    """The kinds a county's rule rests on that it has not reported for the period (none: the rule is judged)."""
    return metric_unreported(unreported, area["code"], (RULE_METRIC[rule["rule"]],)) if rule["rule"] in RULE_METRIC else []


def shortfalls(now: dict, unreported: Mapping[str, list[str]] | None = None, period_label: str = "本期") -> Shortfalls:
    """Per area (city first): the requirements not met, with the numbers still needed (from the kpi rules); a
    county's requirement resting on data it has not reported for the period is listed as 未报送, not judged."""
    areas = []
    for area in now["areas"]:
        items = []
        for r in area["rules"]:
            if missing := _rule_unreported(area, r, unreported or {}):
                items.append(ShortfallItem(r["label"], UNREPORTED, None,
                                          unreported_words(missing, period_label).removeprefix(f"{UNREPORTED}：")))
            elif r["status"] in (FAIL, NO_DATA):
                items.append(ShortfallItem(r["label"], STATUS_LABELS[r["status"]], r["shortfall"], r["reason"]))
        areas.append(AreaShortfalls(str(area["code"]), area["name"], tuple(items)))
    return Shortfalls("差距清单", "各区域未达标事项及还需完成的数量", tuple(areas))


def definitions_table(weights: dict[str, float], targets: TargetBook) -> Table:
    """The definitions of the metrics the document shows, with the plan's targets."""
    shown = dict.fromkeys([*ORG_COLUMNS, "sites_center", *SERVICE_COLUMNS, *weights])
    rows = tuple((METRIC_BY_NAME[m].zh, METRIC_BY_NAME[m].described(targets.plan.targets)) for m in shown)
    return Table("指标口径", "指标口径", ("指标", "定义"), rows, widths=(1.0, 3.6))


# ---- prose --------------------------------------------------------------------------------------------------------

def _city_sentence(now: dict) -> str:
    """Where the city stands against each of its own targets (the kpi rules' reasons)."""
    city = _city(now)
    reasons = [f"{r['label']}{r['reason']}" if r["status"] == NO_DATA else r["reason"] for r in city["rules"]]
    members = "成人会员无数据" if is_missing(city["adult_members"]) else f"成人会员 {city['adult_members']:,} 人"
    return (f"截至 {date.fromisoformat(now['as_of']):%Y-%m-%d}，全市 {city['villages_total']:,} 个村（社区）中已有 "
            f"{city['villages_with_branch'] or 0:,} 个建立红十字组织，{members}。" + "；".join(reasons) + "。")


def _county_rules_sentence(now: dict, targets: TargetBook, unreported: Mapping[str, list[str]] | None = None) -> str:
    """For each county rule of the plan: how many counties meet it and which do not (or have not reported)."""
    counties = _counties(now)
    parts = []
    for rule in plan_rules(targets):
        if "county" not in rule.levels:
            continue
        owed = [c["name"] for c in counties if metric_unreported(unreported or {}, c["code"], (rule.metric,))]
        failing = [c["name"] for c in counties if _rule_status(c, rule.key) == FAIL and c["name"] not in owed]
        unknown = [c["name"] for c in counties if _rule_status(c, rule.key) == NO_DATA and c["name"] not in owed]
        passed = len(counties) - len(failing) - len(unknown) - len(owed)
        text = f"{rule.label}：{passed}/{len(counties)} 个达标"
        if failing:
            text += f"（未达标：{_names(failing)}）"
        if unknown:
            text += f"（无数据：{_names(unknown)}）"
        if owed:
            text += f"（{UNREPORTED}：{_names(owed)}）"
        parts.append(text)
    return f"{len(counties)} 个区、县（市）对照计划要求：" + "；".join(parts) + "。"


def _ranking_sentence(ranking: pd.DataFrame, now: dict, year: int) -> str:
    """Which counties lead and which lag."""
    if ranking.empty:
        return ""
    rows = ranking.to_dict("records")
    show = 2 if len(rows) >= 4 else 1
    lead = "、".join(f"{r['区县']}（{fmt_number(r['得分'])} 分）" for r in rows[:show])
    lag = "、".join(f"{r['区县']}（{fmt_number(r['得分'])} 分）" for r in rows[-show:])
    text = f"{year} 年度工作评价得分领先的是{lead}，相对落后的是{lag}。"
    fails = {c["name"]: sum(r["status"] == FAIL for r in c["rules"]) for c in _counties(now)}
    most = max(fails.values(), default=0)
    if most:
        worst = [n for n, k in fails.items() if k == most]
        text += f"未达标事项最多的是{_names(worst)}（各 {most} 项）。" if len(worst) > 1 else f"未达标事项最多的是{worst[0]}（{most} 项）。"
    else:
        text += "各区、县（市）计划要求全部达标。"
    return text


def _difference(label: str, now: object, before: object, unit: str) -> str | None:
    """'新增服务站 3 个' / '成人会员减少 12 人'; None when unknown or unchanged."""
    if is_missing(now) or is_missing(before):
        return None
    change = int(now) - int(before)  # type: ignore[call-overload]
    if change == 0:
        return None
    return f"{label}{'增加' if change > 0 else '减少'} {abs(change):,} {unit}"


def _change_sentence(now: dict, before: dict, previous_label: str, previous_as_of: date) -> str:
    """What changed since the previous half-year (or year)."""
    city, prior = _city(now), _city(before)
    parts = []
    for metric in overview.TREND_METRICS:
        m = METRIC_BY_NAME[metric]
        if is_missing(city[metric]) or is_missing(prior[metric]):
            continue
        change = (city[metric] - prior[metric]) * 100
        how = "持平" if abs(change) < 0.05 else f"{'提高' if change > 0 else '下降'} {abs(change):.1f} 个百分点"
        parts.append(f"{m.zh}由 {format_value(m, prior[metric])} 到 {format_value(m, city[metric])}，{how}")
    counts = (("已建会村（社区）", "villages_with_branch", "个"), ("成人会员", "adult_members", "人"),
              ("服务站", "sites_station", "个"), ("服务点", "sites_point", "个"),
              ("20 人以上志愿队", "volunteer_teams_20plus", "支"), ("建立党组织的应急救援队", "rescue_teams_with_party", "支"),
              ("一地一品项目", "brand_projects", "个"), ("博爱基金", "funds", "个"))
    changes = [d for label, metric, unit in counts if (d := _difference(label, city[metric], prior[metric], unit))]
    passes_now = sum(r["status"] == PASS for c in _counties(now) for r in c["rules"])
    passes_before = sum(r["status"] == PASS for c in _counties(before) for r in c["rules"])
    total = sum(len(c["rules"]) for c in _counties(now))
    text = f"与{previous_label}（{previous_as_of:%Y-%m-%d}）相比：" + "；".join(parts) + "。"
    text += ("，".join(changes) + "。") if changes else "阵地、队伍和项目数量与上期持平。"
    text += f"区县计划要求达标项由 {passes_before} 项变为 {passes_now} 项（共 {total} 项）。"
    return text


def _activity_sentence(now: dict, first_half: dict | None) -> str:
    """周周有声音、月月有主题 in the half-year of the as-of date (and in the first half for a year report)."""
    city = _city(now)

    def rates(report: dict, area: dict) -> str:
        if is_missing(area["weekly_voice_rate"]):
            return f"{report['period']} 全市周周有声音、月月有主题无数据（尚未导入活动）"
        return (f"{report['period']}（{report['period_start']} 至 {report['as_of']}）全市周周有声音 "
                f"{format_value(METRIC_BY_NAME['weekly_voice_rate'], area['weekly_voice_rate'])}"
                f"（{area['voiced_weeks'] or 0}/{area['weeks_in_period'] or 0} 周有活动），月月有主题 "
                f"{format_value(METRIC_BY_NAME['monthly_theme_rate'], area['monthly_theme_rate'])}"
                f"（{area['themed_months'] or 0}/{area['months_in_period'] or 0} 个月开展主题活动）")

    parts = [rates(first_half, _city(first_half))] if first_half else []
    parts.append(rates(now, city))
    silent = [c["name"] for c in _counties(now) if not is_missing(c["weekly_voice_rate"]) and c["weekly_voice_rate"] < 1]
    text = "；".join(parts) + "。"
    if silent:
        text += f"本半年有周次无活动的区县：{_names(silent)}。"
    return text


# ---- assembly -----------------------------------------------------------------------------------------------------

APPENDIX_KEYS = frozenset({"指标口径"})  # tables of the appendix are not numbered


def _numbered(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """Number tables (表 1 …) and charts (图 1 …) in reading order."""
    tables = figures = 0
    out = []
    for section in sections:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Table):
                if block.key in APPENDIX_KEYS:
                    block = replace(block, title=f"附表  {block.title}")
                else:
                    tables += 1
                    block = replace(block, title=f"表 {tables}  {block.title}")
            elif isinstance(block, Figure):
                figures += 1
                block = replace(block, title=f"图 {figures}  {block.title}")
            blocks.append(block)
        out.append(Section(section.heading, tuple(blocks)))
    return tuple(out)


def build_briefing(con: duckdb.DuckDBPyConnection, period: str | Period, weights: dict[str, float] | None = None,
                   charts: bool = True, today: date | None = None, plan: Plan | None = None) -> Briefing:
    """The briefing (half-year) or annual evaluation (year) for a period against a plan (default: the plan of the
    as-of date), from the database."""
    from rcdash.reports import charts as chart_module  # matplotlib loads only when documents are made
    from rcdash.reports import printed_map

    chosen, as_of = resolve_period(con, period, today)
    kind = period_kind(chosen)
    plan = plan or default_plan(con, as_of)
    weights = weights or evaluation_weights(plan.weights)
    targets = TargetBook.load(con, plan)
    now = kpi(con, as_of, "county", plan=plan)
    previous_label, previous_as_of = previous_point(chosen)
    before = kpi(con, previous_as_of, "county", with_outlook=False, plan=plan)
    first_half = None
    if kind == YEAR and half_year_of(as_of).label.endswith("H2"):
        first_half = kpi(con, date(as_of.year, 6, 30), "county", with_outlook=False, plan=plan)
    # DESIGN §9: a county's figure resting on data it has not reported for the period reads 未报送 (as on 总览).
    unreported = unreported_in(con, plan, chosen.start, as_of, today)
    ranking = overview.evaluation_ranking(pd.DataFrame(now["areas"]), targets, as_of.year, weights, unreported)

    summary = [Paragraph(_city_sentence(now)), Paragraph(_county_rules_sentence(now, targets, unreported)),
               Paragraph(_ranking_sentence(ranking, now, as_of.year)),
               Paragraph(_change_sentence(now, before, previous_label, previous_as_of)),
               Paragraph(_activity_sentence(now, first_half))]

    font_ok = charts and chart_module.available()
    no_font = Paragraph(f"（图表从略：{chart_module.missing_font_hint()}）", note=True) if charts and not font_ok else None
    trend_figures: list[Block] = []
    ranking_figures: list[Block] = []
    if font_ok:
        monthly = compute(con, overview.month_points(as_of, browse.trend_start(plan, as_of)), "county")
        trend_figures.append(chart_module.area_rates_figure(now, targets, as_of.year, unreported))
        for metric in overview.TREND_METRICS:
            trend = overview.trend_frame(monthly, metric, unreported, chosen.start)
            if trend.empty:  # never imported (无数据): no chart rather than empty axes
                continue
            trend_figures.append(chart_module.trend_figure(
                trend, overview.projection_frame(now, metric, unreported), metric, targets.value(metric, CITY_CODE, as_of.year),
                CITY_NAME))
        if trend_figures and (stops := overview.trend_note(pd.DataFrame(now["areas"]), CITY_CODE, unreported,
                                                            overview.TREND_METRICS)):
            trend_figures.append(Paragraph(stops, note=True))
        ranking_figures.append(chart_module.ranking_figure(ranking))
    elif no_font:
        trend_figures.append(no_font)

    indicators: list[Block] = [
        city_table(now, before, previous_label, targets, unreported),
        area_table(now, "组织与会员", "各区、县（市）组织与会员", ORG_COLUMNS,
                   note="建会率 = 已建会村（社区）÷ 村（社区）总数；会员占比 = 成人会员 ÷ 常住人口。",
                   unreported=unreported),
        # DESIGN §11: the half-year briefing carries the township map of 建会率 after the county table.
        *([printed_map.briefing_figure(con, as_of, plan, today)] if font_ok and kind == HALF_YEAR else []),
        area_table(now, "阵地队伍活动", "各区、县（市）阵地、队伍与活动", SERVICE_COLUMNS,
                   note=f"周周有声音、月月有主题为 {now['period']}（{now['period_start']} 至 {now['as_of']}）的比例。",
                   unreported=unreported),
        *trend_figures,
    ]
    if as_of < plan.end:
        indicators.append(outlook_table(now, unreported))
    evaluation: list[Block] = [ranking_table(ranking, weights, as_of.year, as_of), *ranking_figures]
    sections = (
        Section("一、总体情况", tuple(summary)),
        Section("二、主要指标完成情况", tuple(indicators)),
        Section("三、年度工作评价", tuple(evaluation)),
        Section("四、区县达标情况", (compliance_table(now, unreported, chosen),)),
        Section("五、差距与下一步工作", (
            Paragraph("对照计划要求，各区域尚未达标的事项及还需完成的数量如下（数量按目标值与统计截至日的实际值计算）："),
            shortfalls(now, unreported, chosen.label),
        )),
        Section("附：指标口径", (definitions_table(weights, targets),)),
    )
    cut = "（报告期尚未结束，统计截至最新数据日期）" if as_of < chosen.end else ""
    facts = (
        ("报告期", f"{chosen.start:%Y-%m-%d} 至 {chosen.end:%Y-%m-%d}（{chosen.label}）"),
        ("统计截至", f"{as_of:%Y-%m-%d}{cut}"),
        ("对比基准", f"{previous_label}（{previous_as_of:%Y-%m-%d}）"),
        ("数据口径", f"与看板“总览”页一致，统计截至 {as_of:%Y-%m-%d}"),
    )
    return Briefing(kind=kind, period=chosen, as_of=as_of, previous_label=previous_label,
                    previous_as_of=previous_as_of, title=report_title(chosen), facts=facts, plan_title=plan.name,
                    demo=status.demo_seed(con) is not None, sections=_numbered(sections))
