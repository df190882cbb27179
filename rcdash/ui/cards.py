"""KPI cards: value, target, share of target, change, sparkline and the definition on hover."""

from __future__ import annotations

import streamlit as st

from rcdash.topics.overview import KpiCard

CARDS_PER_ROW = 3


def kpi_card_grid(cards: list[KpiCard]) -> None:
    """Cards in rows of three."""
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
                    st.caption(f"目标 {card.target_text} · 无数据")
                else:
                    st.progress(min(card.pct_of_target, 1.0),
                                text=f"目标 {card.target_text} · 完成 {card.pct_of_target * 100:.0f}%")
