"""KPI cards: value, target, share of target, change, sparkline and the definition on hover."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import streamlit as st

from rcdash.charts.style import STATUS_COLOURS
from rcdash.labels import fmt_rate
from rcdash.topics.overview import KpiCard, progress_status

CARDS_PER_ROW = 3


def kpi_card_grid(cards: list[KpiCard], note: Callable[[KpiCard], None] | None = None) -> None:
    """Cards in rows of three; `note` draws beneath a card what else it needs to say (a data-quality warning); a card
    of data not reported for the period (DESIGN §9) says which."""
    for start in range(0, len(cards), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, card in zip(columns, cards[start:start + CARDS_PER_ROW], strict=False):
            with column.container(border=True):
                st.metric(
                    card.label, card.value_text, delta=card.delta_text, help=card.help,
                    delta_description="较上一个半年", chart_data=card.spark or None, chart_type="line",
                    delta_color="normal" if card.delta_text and card.delta_text != "持平" else "off",
                    delta_arrow="off" if card.delta_text == "持平" else "auto",
                )
                if card.pct_of_target is None:
                    st.caption(f"目标 {card.target_text} · {card.status}")
                else:
                    progress_bar(card.pct_of_target, f"目标 {card.target_text} · 完成 {fmt_rate(card.pct_of_target)}")
                if card.unreported or card.note:  # 未报送 says which data of which period; the city names the counties
                    st.caption(card.unreported or card.note)
                if note is not None:
                    note(card)


def progress_bar(pct_of_target: float, text: str) -> None:
    """A progress bar coloured by status (st.progress has one colour, the theme's red, even at 106 %)."""
    status = progress_status(pct_of_target)
    width = max(0.0, min(pct_of_target, 1.0)) * 100
    st.html(
        f'<div class="rc-progress" data-status="{status}" style="font-size:14px">'
        f'<div style="margin-bottom:4px">{escape(text)}</div>'
        f'<div style="background:#eeeeee;border-radius:4px;height:8px;overflow:hidden">'
        f'<div style="width:{width:.1f}%;height:8px;background:{STATUS_COLOURS[status]}"></div></div></div>'
    )
