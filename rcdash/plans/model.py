"""A plan as data (DESIGN §8): parse a TOML text, check every key, and refuse a bad plan whole."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from rcdash.config import CITY_CODE, REPO_ROOT
from rcdash.metrics.definitions import METRIC_BY_NAME
from rcdash.metrics.rules import RULES
from rcdash.records.kinds import KINDS

PLANS_DIR = REPO_ROOT / "plans"
SEED_PLAN_PATH = PLANS_DIR / "shaoxing-2020-2022.toml"
ID_PATTERN = re.compile(r"[a-z0-9-]+")
TOP_KEYS = frozenset({"id", "name", "start", "end", "source", "region", "targets", "rules", "evaluation", "reporting"})
RULE_KEYS = frozenset({"levels"})
LEVELS = ("city", "county", "township")
RULE_METRICS = frozenset(r.metric for r in RULES)  # the metrics whose rule a plan may override
# [reporting] (DESIGN §9): per import kind, how often counties report it and how many days after a cycle it is due.
REPORTING_CYCLES = ("month", "half_year", "none")  # "none": the kind is not owed (drops a default duty)
REPORTING_KEYS = frozenset({"cycle", "due_days"})
MAX_DUE_DAYS = 90  # a report due more than a quarter after its cycle would overlap the next cycles' reports


class PlanUnreadable(Exception):
    """The file cannot be read or is not TOML (exit 2)."""


class PlanRefused(Exception):
    """The plan breaks one or more rules of DESIGN §8; nothing of it is used or stored (exit 1)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Plan:
    """One plan: its period, end targets, interim targets by year, rule overrides and evaluation weights."""

    id: str
    name: str
    start: date
    end: date
    source: str | None
    region: str
    targets: Mapping[str, float]
    interim: Mapping[int, Mapping[str, float]]
    rules: Mapping[str, Mapping[str, object]]
    weights: Mapping[str, float]
    reporting: Mapping[str, object]
    toml: str = field(repr=False, compare=False)
    data: Mapping[str, object] = field(repr=False)  # the parsed TOML: two files with equal data are the same plan

    def __hash__(self) -> int:
        return hash((self.id, self.start, self.end, tuple(sorted(self.targets.items()))))

    def covers(self, day: date) -> bool:
        """Whether the day lies in the plan's period."""
        return self.start <= day <= self.end

    def summary(self) -> dict[str, object]:
        """What `plans list` and `kpi` say about the plan."""
        return {"id": self.id, "name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "source": self.source}


def _is_number(value: object) -> bool:
    """A TOML integer or float (booleans are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _target_problem(key: str, metric: str, value: object) -> str | None:
    """Why one target value is refused, or None."""
    if metric not in METRIC_BY_NAME:
        return f"“{key}”：没有名为“{metric}”的指标（可用：{'、'.join(METRIC_BY_NAME)}）"
    if not _is_number(value):
        return f"“{key}”：目标值应为数字，而不是“{value}”"
    if value < 0:  # type: ignore[operator]
        return f"“{key}”：目标值不能为负数（{value}）"
    if METRIC_BY_NAME[metric].unit == "rate" and value > 1:  # type: ignore[operator]
        return f"“{key}”：比率目标应写成小数（例如 0.4 表示 40%），而不是 {value}"
    return None


def _day(data: dict, key: str, problems: list[str]) -> date | None:
    """A TOML date (not a date-time) under `key`."""
    value = data.get(key)
    if value is None:
        problems.append(f"缺少“{key}”（计划的{'起始' if key == 'start' else '截止'}日期，例如 {key} = 2023-01-01）")
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        problems.append(f"“{key}”应为日期（例如 {key} = 2023-01-01），而不是“{value}”")
        return None
    return value


def _reporting_problems(kind: str, duty: object) -> list[str]:
    """Why one entry of [reporting] is refused (empty when it is fine)."""
    key = f"reporting.{kind}"
    if kind not in KINDS:
        return [f"“{key}”：没有名为“{kind}”的数据类型（可用：{'、'.join(KINDS)}）"]
    if not isinstance(duty, dict) or set(duty) - REPORTING_KEYS:
        return [f"“{key}”应为表，可设的键：{'、'.join(sorted(REPORTING_KEYS))}，"
                f"例如 {kind} = {{ cycle = \"month\", due_days = 5 }}"]
    problems = []
    if duty.get("cycle", "month") not in REPORTING_CYCLES:
        problems.append(f"“{key}.cycle”应为 {'、'.join(REPORTING_CYCLES)} 之一，而不是“{duty.get('cycle')}”")
    days = duty.get("due_days", 0)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DUE_DAYS:
        problems.append(f"“{key}.due_days”应为 0 到 {MAX_DUE_DAYS} 之间的整数（周期结束后第几天截止），而不是“{days}”")
    return problems


def parse(text: str) -> Plan:
    """The plan of a TOML text; PlanUnreadable when it is not TOML, PlanRefused naming every bad key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanUnreadable(f"不是有效的 TOML 文件：{exc}") from None
    problems: list[str] = []
    problems += [f"未知的键“{k}”（可用：{'、'.join(sorted(TOP_KEYS))}）" for k in data if k not in TOP_KEYS]
    plan_id, name = data.get("id"), data.get("name")
    if not isinstance(plan_id, str) or not ID_PATTERN.fullmatch(plan_id):
        problems.append(f"“id”应由小写字母、数字和“-”组成（例如 shaoxing-2023-2025），而不是“{plan_id or ''}”"
                        if plan_id is not None else "缺少“id”（例如 id = \"shaoxing-2023-2025\"）")
    if not isinstance(name, str) or not name.strip():
        problems.append("缺少“name”（计划名称）" if name is None else f"“name”应为文字，而不是“{name}”")
    start, end = _day(data, "start", problems), _day(data, "end", problems)
    if start and end and end < start:
        problems.append(f"“end”（{end}）早于“start”（{start}）")
    source, region = data.get("source"), data.get("region", CITY_CODE)
    if source is not None and not isinstance(source, str):
        problems.append(f"“source”应为文字（文号、日期），而不是“{source}”")
    if not isinstance(region, str) or not region.isdigit():
        problems.append(f"“region”应为区划代码文字（例如 \"3306\"），而不是“{region}”")

    targets: dict[str, float] = {}
    interim: dict[int, dict[str, float]] = {}
    raw_targets = data.get("targets", {})
    if not isinstance(raw_targets, dict):
        problems.append("“targets”应为表（[targets]）")
        raw_targets = {}
    for key, value in raw_targets.items():
        if isinstance(value, dict):  # [targets.2021]: interim targets of a year
            if not key.isdigit():
                problems.append(f"“targets.{key}”：阶段目标的键应为年份（例如 [targets.2024]）")
                continue
            year = int(key)
            if start and end and not start.year <= year <= end.year:
                problems.append(f"“targets.{key}”：{year} 年不在计划期（{start.year}—{end.year} 年）内")
            for metric, v in value.items():
                if problem := _target_problem(f"targets.{key}.{metric}", metric, v):
                    problems.append(problem)
                else:
                    interim.setdefault(year, {})[metric] = float(v)
        elif problem := _target_problem(f"targets.{key}", key, value):
            problems.append(problem)
        else:
            targets[key] = float(value)

    rules = data.get("rules", {})
    for metric, override in rules.items() if isinstance(rules, dict) else []:
        if metric not in METRIC_BY_NAME:
            problems.append(f"“rules.{metric}”：没有名为“{metric}”的指标")
        elif metric not in RULE_METRICS:
            problems.append(f"“rules.{metric}”：“{metric}”没有计划要求可改（可改：{'、'.join(sorted(RULE_METRICS))}）")
        elif not isinstance(override, dict) or set(override) - RULE_KEYS:
            problems.append(f"“rules.{metric}”应为表，可设的键：{'、'.join(sorted(RULE_KEYS))}")
        elif "levels" in override and (not isinstance(override["levels"], list) or not override["levels"]
                                       or set(override["levels"]) - set(LEVELS)):
            problems.append(f"“rules.{metric}.levels”应为 {'、'.join(LEVELS)} 中的一个或几个，例如 [\"county\"]")
    if not isinstance(rules, dict):
        problems.append("“rules”应为表（[rules.指标名]）")

    weights: dict[str, float] = {}
    evaluation = data.get("evaluation", {})
    raw_weights = evaluation.get("weights", {}) if isinstance(evaluation, dict) else None
    for metric, value in raw_weights.items() if isinstance(raw_weights, dict) else []:
        key = f"evaluation.weights.{metric}"
        if metric not in METRIC_BY_NAME:
            problems.append(f"“{key}”：没有名为“{metric}”的指标")
        elif not _is_number(value) or value < 0:
            problems.append(f"“{key}”：权重应为不小于 0 的数字，而不是“{value}”")
        else:
            weights[metric] = float(value)
    if not isinstance(raw_weights, dict):
        problems.append("“evaluation.weights”应为表（[evaluation.weights]）")
    reporting = data.get("reporting", {})
    if not isinstance(reporting, dict):
        problems.append("“reporting”应为表（[reporting]）")
        reporting = {}
    problems += [p for kind, duty in reporting.items() for p in _reporting_problems(kind, duty)]

    if problems:
        raise PlanRefused(problems)
    if raw_weights == {}:  # no [evaluation.weights]: every target a county can reach counts the same
        city_only = {r.metric for r in RULES if r.levels == ("city",)}
        weights = {m: 10.0 for m in targets if m not in city_only}
    return Plan(id=plan_id, name=name.strip(), start=start, end=end, source=source, region=region,  # type: ignore[arg-type]
                targets=targets, interim=interim, rules=rules, weights=weights, reporting=reporting,
                toml=text, data=data)


def read_file(path: Path) -> Plan:
    """The plan of a TOML file (PlanUnreadable when the file cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanUnreadable(f"无法读取 {path}：{exc.strerror if isinstance(exc, OSError) else '不是 UTF-8 文本'}") from None
    return parse(text)


@cache
def seed_plan() -> Plan:
    """The plan the dashboard was built for, shipped with the code (plans/shaoxing-2020-2022.toml); parsed once."""
    return read_file(SEED_PLAN_PATH)
