"""未报送 on every page that shows a county's figure (DESIGN §9, issue 19): 总览's cards and outlook table, the member
table, the map classes (page and print) and the briefing, each by the one rule of rcdash.reporting."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from rcdash.config import CITY_CODE
from rcdash.geo.townships import approximate_areas
from rcdash.importing.load import Origin, import_file
from rcdash.maps import classes, layers
from rcdash.maps.profile import township_profile
from rcdash.metrics import engine
from rcdash.metrics.derived import refresh
from rcdash.metrics.kpi import kpi
from rcdash.metrics.targets import TargetBook
from rcdash.plans import seed_plan
from rcdash.reporting import unreported_in
from rcdash.reports import content, printed_map
from rcdash.reports.model import Shortfalls
from rcdash.topics import map_view, members, overview
from tests.conftest import write

KEQIAO, XINCHANG = "330603", "330624"
AS_OF, TODAY = date(2022, 12, 31), date(2023, 3, 1)  # every 2022H2 report is due by TODAY


def _load(con: duckdb.DuckDBPyConnection, tmp_path: Path, kind: str, text: str, received: datetime) -> None:
    result = import_file(con, kind, write(tmp_path, f"{kind}{received:%y%m%d}.csv", text),
                         origin=Origin(received_at=received))
    assert result.exit_code == 0, result.errors


@pytest.fixture
def unreported(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> dict[str, list[str]]:
    """2022H2 as seen on TODAY: 柯桥区 sent its members and every month's activities but no branch register; 新昌县
    sent its branch register only — its members and activities stop at 2022H1 (older rows the figures must not use)."""
    _load(con, tmp_path, "members", "division,date,adult_members,youth_members\n"
          "柯桥区,2022-06-30,9000,100\n新昌县,2022-06-30,8000,100\n", datetime(2022, 7, 5))
    _load(con, tmp_path, "members", "division,date,adult_members,youth_members\n柯桥区,2022-12-31,9500,120\n",
          datetime(2023, 1, 5))
    _load(con, tmp_path, "activities", "date,division,title,category,is_monthly_theme\n"
          + "".join(f"2022-{m:02d}-05,柯桥区,活动{m},无偿献血,是\n" for m in range(7, 13))
          + "2022-05-05,新昌县,旧活动,无偿献血,是\n", datetime(2023, 1, 2))
    _load(con, tmp_path, "branches", "name,division,level,established_on\n"
          "长诏水库社区红十字会,羽林街道/长诏水库社区,村社区,2021-03-05\n", datetime(2023, 1, 5))
    refresh(con)  # what publishing the writes does
    found = unreported_in(con, seed_plan(), date(2022, 7, 1), AS_OF, TODAY)
    assert {"members", "activities"} <= set(found[XINCHANG]) and "branches" not in found[XINCHANG]
    assert "branches" in found[KEQIAO] and not {"members", "activities"} & set(found[KEQIAO])
    return found


def _cards(con: duckdb.DuckDBPyConnection, area: str, unreported: dict[str, list[str]]) -> dict[str, overview.KpiCard]:
    series = engine.compute(con, [date(2022, 6, 30), AS_OF], "county")
    now = engine.at(con, AS_OF, "county")
    cards = overview.kpi_cards(series, area, TargetBook.load(con, seed_plan()), now, unreported, "2022H2")
    return {c.metric: c for c in cards}


def test_a_county_card_reads_unreported_and_says_what_is_missing(con: duckdb.DuckDBPyConnection,
                                                                unreported: dict[str, list[str]]) -> None:
    xinchang = _cards(con, XINCHANG, unreported)
    card = xinchang["member_ratio"]
    assert (card.value, card.value_text, card.status, card.pct_of_target, card.delta_text) == (
        None, "未报送", "未报送", None, None)
    assert card.unreported == "未报送：本区县尚未报送会员数据（2022H2），不按旧数据计算"
    assert card.help.startswith(card.unreported) and len(card.spark) == 1  # the older half-year stays in the line
    assert xinchang["weekly_voice_rate"].value_text == "未报送"
    assert xinchang["village_branch_rate"].value_text != "未报送"  # 新昌县 sent its branch register
    keqiao = _cards(con, KEQIAO, unreported)
    assert keqiao["member_ratio"].value_text.endswith("%") and keqiao["member_ratio"].unreported is None
    assert keqiao["village_branch_rate"].status == "未报送"
    plain = _cards(con, XINCHANG, {})["member_ratio"]
    assert plain.value_text.endswith("%") and plain.status != "未报送"


def test_the_city_card_keeps_its_sum_and_names_the_counties_not_reported(con: duckdb.DuckDBPyConnection,
                                                                      unreported: dict[str, list[str]]) -> None:
    city = _cards(con, CITY_CODE, unreported)
    assert city["weekly_voice_rate"].value is not None and city["weekly_voice_rate"].unreported is None
    assert "新昌县（活动）" in city["weekly_voice_rate"].note and "柯桥区" not in city["weekly_voice_rate"].note
    assert city["weekly_voice_rate"].note.startswith("含未报送：")
    assert city["member_ratio"].value_text.endswith("%") and "新昌县（会员）" in city["member_ratio"].note
    assert _cards(con, CITY_CODE, {})["weekly_voice_rate"].note is None


def test_outlook_table_reads_unreported_for_the_county_rows(con: duckdb.DuckDBPyConnection,
                                                           unreported: dict[str, list[str]]) -> None:
    report = kpi(con, AS_OF, "county", plan=seed_plan())
    table = overview.rate_outlook_table(report, unreported).set_index("区域")
    ratio = "成人会员占常住人口比例"
    for column in (ratio, f"{ratio}·每月还需提高", f"{ratio}·按近 12 个月趋势预计期末"):
        assert table.loc["新昌县", column] == "未报送", column
        assert table.loc["柯桥区", column] != "未报送" and table.loc["绍兴市", column] != "未报送"
    assert table.loc["新昌县", f"{ratio}·计划末目标"] == "2.0%"  # the plan's target is not the county's data
    assert table.loc["柯桥区", "村（社区）建会率"] == "未报送" and table.loc["新昌县", "村（社区）建会率"] != "未报送"
    assert (overview.rate_outlook_table(report) != "未报送").all().all()


def test_member_table_reads_unreported_for_a_county_and_its_townships(con: duckdb.DuckDBPyConnection,
                                                                    unreported: dict[str, list[str]]) -> None:
    book = TargetBook.load(con, seed_plan())
    table = members.member_table(engine.at(con, AS_OF, "county"), book, 2022, unreported).set_index("代码")
    for column in ("成人会员", "成人会员占比", "还需发展会员", "青少年会员", "状态"):
        assert table.loc[XINCHANG, column] == "未报送", column
    assert table.loc[KEQIAO, "成人会员"] == 9500 and table.loc[XINCHANG, "常住人口"] > 0  # population is reference
    shown = members.display_table(table.reset_index())
    # Every county but 柯桥区 owes its members here; the city's sum and the reference population stay numbers.
    assert shown["成人会员"].tolist().count("未报送") == 5 and shown["常住人口"].dtype == "float64"
    assert members.count_text(table.loc[XINCHANG, "成人会员"]) == "未报送"
    assert members.unreported_note(table.reset_index(), XINCHANG, unreported, "2022H2").startswith("未报送：本区县尚未报送会员")
    assert "新昌县（会员）" in members.unreported_note(table.reset_index(), CITY_CODE, unreported, "2022H2")
    assert set(members.by_ratio(table.reset_index())["代码"][-2:]) == {KEQIAO, CITY_CODE}  # those without a ratio first
    townships = members.member_table(engine.at(con, AS_OF, "township"), book, 2022, unreported)
    assert (townships.loc[townships["代码"].str.startswith(XINCHANG), "成人会员"] == "未报送").all()
    plain = members.member_table(engine.at(con, AS_OF, "county"), book, 2022).set_index("代码")
    assert plain.loc[XINCHANG, "成人会员"] == 8000  # without the rule: the older snapshot, silently


def test_map_classes_townships_of_a_county_not_reported(con: duckdb.DuckDBPyConnection,
                                                       unreported: dict[str, list[str]]) -> None:
    areas = approximate_areas()
    view = map_view.load_view(con, AS_OF, None, areas, plan=seed_plan(), unreported=unreported)
    rows = view.townships.set_index("code", drop=False)
    xinchang, keqiao = rows.loc["330624001"].to_dict(), rows[rows["county_code"] == KEQIAO].iloc[0].to_dict()
    assert classes.township_class("member_ratio", xinchang) == classes.UNREPORTED_CLASS
    assert classes.township_class("village_branch_rate", xinchang) != classes.UNREPORTED_CLASS
    assert classes.township_class("villages_without_branch", keqiao) == classes.UNREPORTED_CLASS
    assert classes.township_class("member_ratio", keqiao) != classes.UNREPORTED_CLASS
    assert classes.colour(classes.UNREPORTED_CLASS) not in (classes.NO_DATA_COLOUR, *classes.COLOURS)
    assert "会员数据尚未报送" in classes.unreported_text("member_ratio", xinchang)
    legend = layers.legend_html("member_ratio", view, True, ())
    assert "未报送" in legend and classes.UNREPORTED_COLOUR in legend
    profile = township_profile(view, "330624001", True)
    assert dict(profile.figures)["成人会员占常住人口"].startswith("未报送")
    # The A4 map (DESIGN §11) is classed by the same rule: its legend and classes say 未报送 too.
    printed = printed_map.print_map(view, areas, "member_ratio", "计划")
    assert (classes.UNREPORTED_CLASS, "未报送") in printed.legend
    drawn = printed.townships.set_index("code")
    assert drawn.loc["330624001", "cls"] == classes.UNREPORTED_CLASS and pd.isna(drawn.loc["330624001", "value"])
    plain = map_view.load_view(con, AS_OF, None, areas, plan=seed_plan())
    assert classes.township_class("member_ratio", plain.townships.set_index("code").loc["330624001"].to_dict()) \
        != classes.UNREPORTED_CLASS
    assert "未报送" not in layers.legend_html("member_ratio", plain, True, ())


def test_briefing_evaluation_and_county_tables_read_unreported(con: duckdb.DuckDBPyConnection,
                                                               unreported: dict[str, list[str]]) -> None:
    briefing = content.build_briefing(con, "2022H2", charts=False, today=TODAY, plan=seed_plan())
    tables = {t.key: t for t in briefing.tables()}
    ranking = tables["年度评价"]
    row = next(r for r in ranking.texts() if r[1] == "新昌县")
    assert row[ranking.columns.index("会员占比")] == "未报送" and row[ranking.columns.index("周周有声音")] == "未报送"
    assert "未报送的指标不计入得分" in ranking.note
    org = tables["组织与会员"]
    xinchang = next(r for r in org.texts() if r[0] == "新昌县")
    assert xinchang[org.columns.index("会员占比")] == "未报送" and "“未报送”" in org.note
    assert next(r for r in org.texts() if r[0] == "绍兴市")[org.columns.index("会员占比")] != "未报送"
    service = tables["阵地队伍活动"]
    assert next(r for r in service.texts() if r[0] == "新昌县")[service.columns.index("周周有声音")] == "未报送"
    assert next(r for r in service.texts() if r[0] == "柯桥区")[service.columns.index("周周有声音")] != "未报送"
    statuses = tables["达标情况"]
    assert "未报送" in next(r for r in statuses.texts() if r[0] == "新昌县")
    # 五、差距与下一步工作 and the summary do not judge 新昌县's member rule from older rows either.
    gaps = next(b for s in briefing.sections for b in s.blocks if isinstance(b, Shortfalls))
    xinchang_gaps = next(a for a in gaps.areas if a.name == "新昌县").items
    assert [(i.status, i.reason) for i in xinchang_gaps if "会员" in i.label] == [
        ("未报送", "本区县尚未报送会员数据（2022H2），不按旧数据计算")]
    assert "（未报送：" in briefing.sections[0].blocks[1].text


def test_briefing_rate_bars_draw_no_old_figure_for_a_county_not_reported(con: duckdb.DuckDBPyConnection,
                                                                         unreported: dict[str, list[str]]) -> None:
    from rcdash.reports.charts import rate_bars

    areas = kpi(con, AS_OF, "county", plan=seed_plan())["areas"]
    at = {a["name"]: i for i, a in enumerate(areas)}
    members = rate_bars(areas, "member_ratio", unreported)
    assert members[at["新昌县"]] == (0.0, classes.UNREPORTED_COLOUR, "未报送")
    assert members[at["柯桥区"]][2].endswith("%") and members[at["柯桥区"]][0] > 0  # sent its 2022H2 members
    assert rate_bars(areas, "member_ratio", {})[at["新昌县"]][0] > 0  # its 2022H1 figure, were the rule not applied
