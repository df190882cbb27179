"""Exports keep imported text as text: no formula runs when a downloaded table is opened."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from rcdash.reports.tables import csv_bytes, xlsx_bytes

HOSTILE = "=HYPERLINK(\"http://evil.example\",\"点我\")"


def test_formulas_stay_text() -> None:
    frame = pd.DataFrame({"名称": [HOSTILE, "正常", "-1+2"], "数量": [1, -5, 3]})
    sheet = load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == HOSTILE  # shown as typed, never run
    assert sheet["B3"].value == -5  # numbers are untouched
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n正常," in text
