"""Tables of the 基层组织与博爱基金 page."""

from __future__ import annotations

from pathlib import Path


def test_fund_list_columns_have_one_type_each(demo_db: Path) -> None:  # the browser gets them as Arrow
    import pyarrow as pa

    from rcdash.db import connect
    from rcdash.metrics.period import default_as_of
    from rcdash.topics.organisation import fund_list

    con = connect(demo_db, read_only=True)
    try:
        funds = fund_list(con, default_as_of(con), "3306")
    finally:
        con.close()
    assert "从未公开" in set(funds["最近公开日期"]) and len(funds) > 0
    pa.Table.from_pandas(funds)  # raised ArrowTypeError while dates and text were mixed
