"""Table exports: CSV that Excel opens in Chinese, and XLSX — with imported text kept as text."""

from __future__ import annotations

import io

import pandas as pd

from rcdash.labels import column_kinds, excel_format

MAX_SHEET_NAME = 31  # Excel's limit on sheet names
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_for_spreadsheets(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text cells defused (numbers, dates and booleans untouched)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_defuse)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM, so Excel on Windows shows the Chinese correctly; numbers are plain (CSV has no
    formats): full values, rates as fractions, so the file computes the same as the page's table."""
    return safe_for_spreadsheets(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "数据") -> bytes:
    """One sheet of an .xlsx workbook; text is written as text, never as a formula; numbers stay numbers, shown with
    the product's rule (#,##0 / #,##0.00 / 0.0%) as Excel number formats."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:MAX_SHEET_NAME])
        formats = {list(frame.columns).index(name): excel_format(*kind) for name, kind in column_kinds(frame).items()}
        for row in writer.sheets[sheet[:MAX_SHEET_NAME]].iter_rows():
            for position, cell in enumerate(row):
                if cell.data_type == "f":  # openpyxl reads any "=…" string as a formula; ours are all data
                    cell.data_type = "s"
                elif position in formats and cell.row > 1 and isinstance(cell.value, int | float):
                    cell.number_format = formats[position]
    return out.getvalue()
