"""Table exports: CSV that Excel opens in Chinese, and XLSX."""

from __future__ import annotations

import io

import pandas as pd

MAX_SHEET_NAME = 31  # Excel's limit on sheet names


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM, so Excel on Windows shows the Chinese correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "数据") -> bytes:
    """One sheet of an .xlsx workbook."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:MAX_SHEET_NAME])
    return out.getvalue()
