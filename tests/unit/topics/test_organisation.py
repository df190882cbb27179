"""Tables of the 基层组织与博爱基金 page."""

from __future__ import annotations

from pathlib import Path


def test_fund_list_columns_have_one_type_each(demo_db: Path) -> None:  # the browser gets them as Arrow
    import pyarrow as pa

    from rcdash.metrics.engine import default_as_of
    from rcdash.store.connections import connect
    from rcdash.topics.organisation import fund_list

    con = connect(demo_db, read_only=True)
    try:
        funds = fund_list(con, default_as_of(con), "3306")
    finally:
        con.close()
    assert "从未公开" in set(funds["最近公开日期"]) and len(funds) > 0
    pa.Table.from_pandas(funds)  # raised ArrowTypeError while dates and text were mixed


def test_a_new_fund_is_not_overdue_until_12_months_after_set_up(con, tmp_path: Path) -> None:
    from datetime import date

    from rcdash.importing.load import import_file
    from rcdash.topics.organisation import DISCLOSED, NOT_YET_DUE, OVERDUE, fund_list, fund_totals, overdue_only
    from tests.conftest import write

    funds = write(tmp_path, "funds.csv", (
        "name,division,established_on,raised_yuan,disbursed_yuan,last_disclosed_on\n"
        "新基金,330603006234,2022-09-30,1000,0,\n"  # set up 3 months before, never disclosed: not yet due
        "旧基金,330603006200,2021-11-30,1000,0,\n"  # set up 13 months before, never disclosed: overdue
        "久未公开基金,330603006201,2020-01-01,1000,0,2021-12-31\n"  # last disclosed exactly 12 months before
        "已公开基金,330603006001,2020-01-01,1000,0,2022-06-30\n"
    ))
    assert import_file(con, "funds", funds).exit_code == 0
    table = fund_list(con, date(2022, 12, 31), "3306")
    status = dict(zip(table["基金名称"], table["公开情况"], strict=True))
    assert status == {"新基金": NOT_YET_DUE, "旧基金": OVERDUE, "久未公开基金": OVERDUE, "已公开基金": DISCLOSED}
    assert set(overdue_only(table)["基金名称"]) == {"旧基金", "久未公开基金"}
    assert fund_totals(table)["超过 12 个月未公开"].sum() == 2
    # The same new fund a month after its first anniversary, still never disclosed, is overdue.
    later = fund_list(con, date(2023, 10, 31), "3306")
    assert dict(zip(later["基金名称"], later["公开情况"], strict=True))["新基金"] == OVERDUE
