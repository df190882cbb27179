"""Issue #16 point 7: every Plotly figure with dates shows them in Chinese with the year, and titles its axes."""

from __future__ import annotations

from datetime import date

import pandas as pd

from rcdash.charts.overview import rate_trend
from rcdash.charts.style import CHART_CONFIG, DATE_TICK_FORMAT
from rcdash.charts.topics import member_count_lines, monthly_lines, ratio_bars, stacked_bars

MONTHS = [date(2022, m, 28) for m in (2, 6, 10)]


def test_date_axes_have_the_year_and_a_title() -> None:
    figures = [
        member_count_lines(pd.DataFrame({"as_of": MONTHS, "adult_members": [1, 2, 3], "youth_members": [4, 5, 6]}), "会员"),
        monthly_lines(pd.DataFrame({"county_name": ["越城区"] * 3, "month": MONTHS, "value": [1, 2, 3]}), "献血", "献血人次"),
        rate_trend(pd.DataFrame({"name": ["绍兴市"] * 3, "as_of": MONTHS, "value": [0.1, 0.2, 0.3]}), None, 0.4, "建会率",
                   "绍兴市"),
    ]
    for fig in figures:
        assert fig.layout.xaxis.type == "date" and fig.layout.xaxis.tickformat == DATE_TICK_FORMAT == "%Y年%m月"
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert [t.name for t in figures[0].data] == ["成人会员", "青少年会员"]


def test_value_axes_are_titled() -> None:
    bars = stacked_bars(pd.DataFrame({"区县": ["越城区"], "size": [3], "类型": ["志愿服务队"]}), "区县", "size", "类型", "队伍",
                        y_title="队伍（支）")
    assert bars.layout.yaxis.title.text == "队伍（支）"
    ratios = ratio_bars(pd.DataFrame({"区域": ["越城区"], "成人会员占比": [0.021]}), 0.02, "会员占比")
    assert ratios.layout.yaxis.title.text


def test_plotlys_english_controls_are_off() -> None:
    assert CHART_CONFIG["displayModeBar"] is False and CHART_CONFIG["showTips"] is False
