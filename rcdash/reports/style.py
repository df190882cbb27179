"""Colours and sizes the three renderings of the briefing share, so they look alike."""

from __future__ import annotations

from rcdash.labels import UNREPORTED
from rcdash.metrics.rules import STATUS_LABELS

RED_HEX = "C8102E"  # the Red Cross red: title rule and the demo note
HEADER_HEX = "EEF2F7"  # table header rows
NOTE_HEX = "616161"  # notes and captions
RULE_HEX = "9E9E9E"  # table borders
# Cells of the compliance matrix: pale green, pale red, grey, pale orange (the 总览 page's pass/fail/no-data/未报送
# colours, lightened).
STATUS_FILL_HEX = {STATUS_LABELS["pass"]: "E3F1E4", STATUS_LABELS["fail"]: "FBE0DF", STATUS_LABELS["no_data"]: "EEEEEE",
                   UNREPORTED: "FDEBD9"}
STATUS_TEXT_HEX = {STATUS_LABELS["pass"]: "2E7D32", STATUS_LABELS["fail"]: "C62828", STATUS_LABELS["no_data"]: "616161",
                   UNREPORTED: "E65100"}
TEXT_WIDTH_CM = 17.0  # A4 (21 cm) less 2 × 2 cm margins
FIGURE_WIDTH_CM = 16.5


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """'C8102E' → (200, 16, 46)."""
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)
