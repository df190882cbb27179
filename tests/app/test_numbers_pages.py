"""AppTests of issue 16 points 9–10 on the pages: numbers formatted by the one rule, progress bars by status."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.app.pages import run_page


def grid_formats(table: object) -> dict[str, str]:
    """The number format the page's grid gives each configured column."""
    config = json.loads(table.proto.columns)  # type: ignore[attr-defined]
    return {name: c["type_config"]["format"] for name, c in config.items() if "type_config" in c}


def test_funds_money_formatted(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    page = run_page(monkeypatch, "organisation", demo_db)
    funds = page.dataframe[-1]
    assert grid_formats(funds)["累计筹款（元）"] == "%,.2f"  # 61,124.85, not 61124.85
    assert funds.proto.placeholder == "无数据"
    raised = next(m for m in page.metric if m.label == "累计筹款")
    assert raised.value.endswith(" 万元") and raised.value.split(" ")[0].split(".")[1].isdigit()
    assert len(raised.value.split(" ")[0].split(".")[1]) == 2  # 202.51 万元: two decimals


def test_members_counts_and_rates_formatted(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    page = run_page(monkeypatch, "members", demo_db, as_of=date(2022, 12, 31))  # the seed plan's end
    counties = page.dataframe[0]
    formats = grid_formats(counties)
    assert formats["常住人口"] == "%,d" and formats["成人会员"] == "%,d"  # 1,038,480 beside 108,234
    assert formats["成人会员占比"] == "%.2f%%" and formats["目标"] == "%.1f%%"
    shown = counties.value.set_index("区域")
    assert shown.loc["嵊州市", "成人会员占比"] == pytest.approx(1.95, abs=0.005)  # percent, rounded by the grid


def test_progress_bars_coloured_by_status(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    page = run_page(monkeypatch, "overview", demo_db)
    bars = [h.proto.body for h in page.get("html") if "rc-progress" in h.proto.body]
    assert bars, "the cards show progress bars"
    reached = [b for b in bars if "完成 105.5%" in b or "完成 100.0%" in b]
    assert reached and all('data-status="达标"' in b and "#2e7d32" in b for b in reached)  # green at ≥ 100 %
    short = [b for b in bars if 'data-status="未达标"' in b]
    assert short and all("#c62828" in b for b in short)


def test_reasons_table_wraps_all_columns(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    page = run_page(monkeypatch, "overview", demo_db)
    reasons = next(d for d in page.dataframe if "服务基地" in d.value.columns and d.value["服务基地"].str.len().max() > 10)
    config = json.loads(reasons.proto.columns)
    rules = [c for c in reasons.value.columns if c != "区县"]
    assert len(rules) == 6 and all(isinstance(config[c]["width"], int) for c in rules)  # widths shared out, no cut
    assert sum(config[c]["width"] for c in rules) <= 900  # six reasons side by side in the 1400 px page's table
    assert reasons.proto.row_height >= 100  # rows tall enough for the wrapped reasons (five lines)
