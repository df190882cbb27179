"""Cell parsers: every parsing rule of DESIGN §4."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rcdash.importing import parse
from rcdash.importing.parse import CellError
from rcdash.records.kinds import SITE_TIERS


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2021-03-05", date(2021, 3, 5)),
        ("2021/3/5", date(2021, 3, 5)),
        ("2021.3.5", date(2021, 3, 5)),
        ("2021年3月5日", date(2021, 3, 5)),
        ("２０２１年３月５日", date(2021, 3, 5)),  # full-width digits
        ("20210305", date(2021, 3, 5)),
        (" 2021-03-05 00:00:00 ", date(2021, 3, 5)),
        (44260, date(2021, 3, 5)),  # an Excel serial number
        (44260.75, date(2021, 3, 5)),  # a serial with a time of day
        ("44260", date(2021, 3, 5)),  # a serial that arrived as text (CSV export)
        (datetime(2021, 3, 5, 8, 30), date(2021, 3, 5)),  # an Excel date cell
        (date(2021, 3, 5), date(2021, 3, 5)),
    ],
)
def test_dates(cell: object, expected: date) -> None:
    assert parse.parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["2021-02-30", "2021-13-01", "明天", "12", "3/5/2021", True])
def test_bad_dates(cell: object) -> None:
    with pytest.raises(CellError):
        parse.parse_date(cell)


def test_impossible_date_message_names_the_day() -> None:
    with pytest.raises(CellError, match="2 月没有 30 日"):
        parse.parse_date("2021-02-30")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2021-03", date(2021, 3, 1)), ("2021/3", date(2021, 3, 1)), ("2021年3月", date(2021, 3, 1)),
     ("202103", date(2021, 3, 1)), ("2021-03-17", date(2021, 3, 1)), (44260, date(2021, 3, 1))],
)
def test_months(cell: object, expected: date) -> None:
    assert parse.parse_month(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("12,500", 12500), ("１２，５００", 12500), ("１２５００", 12500), (" 7 ", 7), (3.0, 3), ("35人", 35),
     ("1,234,567", 1234567)],
)
def test_integers(cell: object, expected: int) -> None:
    assert parse.parse_int(cell) == expected


@pytest.mark.parametrize("cell", ["1.5", "12,50", "abc", "", True])
def test_bad_integers(cell: object) -> None:
    with pytest.raises(CellError):
        parse.parse_int(cell)


def test_money_and_ratio() -> None:
    assert parse.parse_number("50,000.50元") == 50000.5
    assert parse.parse_ratio("40%") == pytest.approx(0.4)
    assert parse.parse_ratio("４０％") == pytest.approx(0.4)
    assert parse.parse_ratio(0.02) == 0.02


@pytest.mark.parametrize("cell", ["是", "有", "Y", "yes", "TRUE", "1", "√", "✓", 1, True])
def test_true(cell: object) -> None:
    assert parse.parse_bool(cell) is True


@pytest.mark.parametrize("cell", ["否", "无", "N", "no", "false", "0", "×", 0, False])
def test_false(cell: object) -> None:
    assert parse.parse_bool(cell) is False


def test_bad_bool() -> None:
    with pytest.raises(CellError, match="是 或 否"):
        parse.parse_bool("也许")


def test_enum_in_chinese_or_english() -> None:
    lookup = parse.choice_lookup(SITE_TIERS)
    assert parse.parse_enum("服务站", lookup, SITE_TIERS) == "station"
    assert parse.parse_enum("Station", lookup, SITE_TIERS) == "station"
    assert parse.parse_enum("服务中心", lookup, SITE_TIERS) == "center"
    with pytest.raises(CellError, match="服务中心、服务基地、服务站、服务点"):
        parse.parse_enum("驿站", lookup, SITE_TIERS)


def test_years() -> None:
    assert parse.parse_year("2021年") == 2021
    assert parse.parse_year(2021.0) == 2021
    with pytest.raises(CellError):
        parse.parse_year("21")
