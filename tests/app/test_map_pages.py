"""AppTest of the 地图 and 覆盖缺口 pages: demo data with default filters and a county, empty databases."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from rcdash.geo.official import import_townships
from rcdash.importing.load import import_file
from rcdash.reports import fonts
from rcdash.store.connections import connect
from rcdash.ui import maps
from rcdash.ui.data import db_key
from tests.app.pages import run_page, texts
from tests.conftest import write
from tests.unit.geo.test_official import official_geojson

KEQIAO = "330603"


def map_args(at: AppTest, index: int = 0) -> dict:
    """The arguments the page handed to st_folium (what the browser component receives)."""
    maps = [e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(maps[index].proto.json_args)


def test_map_page_with_demo_data(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "map", demo_db)
    body = texts(at)
    assert at.title[0].value == "地图"
    assert "示例数据" in body  # demo data is labelled
    assert "近似范围" in body  # the approximate township areas are said to be approximate
    assert [r.label for r in at.radio if r.key == "map_metric"] == ["着色指标"]
    assert at.radio(key="map_metric").options == ["建会率", "会员占比", "未建会村（社区）数"]
    assert at.selectbox(key="map_basemap").value.key == "none"  # offline by default
    assert at.selectbox(key="map_township").value is None
    assert len(at.selectbox(key="map_township").options) == 103
    assert "点击地图上的乡镇" in body
    args = map_args(at)
    assert args["returned_objects"] == ["last_object_clicked"]  # panning and zooming never rerun the page
    assert all(link.startswith("../../app/static/vendor/") for link in args["js_links"] + args["css_links"])
    assert len(args["script"]) + len(args["header"]) + len(args["html"]) < 3_000_000  # ≤ 3 MB at city scale
    # Issue #21: the current view as an A4 map for print, drawn on the click (AppTest has no runtime to run it).
    assert [b.label for b in at.get("download_button")] == ["下载 A4 地图（PNG）", "下载 A4 地图（PDF）"]
    assert "点击后生成" in body and "rcdash" not in body  # the page speaks to users, not of commands


@pytest.mark.skipif(fonts.find_cjk_font() is None, reason="no CJK font installed (fonts-noto-cjk)")
def test_print_download_draws_the_current_view(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    """What the page's PDF button hands over on the click: the map of its metric, date and county."""
    monkeypatch.setenv("RCDASH_DB", str(demo_db))
    data = maps.printed_map_file(db_key(), date(2021, 12, 31), KEQIAO, "shaoxing-2020-2022", "villages_without_branch",
                                 "pdf")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "柯桥区各乡镇（街道）未建会村（社区）数" in text and "统计截至 2021-12-31" in text
    assert "福全街道" in text and "服务站（" in text  # township names of one county; sites as on the page


def test_map_page_profile_of_a_chosen_township(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "map", demo_db, county=KEQIAO)
    township = at.selectbox(key="map_township")
    assert len(township.options) == 16  # 柯桥区's townships only
    township.set_value("330603006").run()
    assert not at.exception, at.exception
    body = texts(at)
    assert "#### 福全街道" in body and "村（社区）建会率" in body
    assert "柯桥区 · 截至" in body
    assert at.dataframe, "the township's sites are listed"
    at.radio(key="map_metric").set_value("villages_without_branch").run()
    at.toggle(key="map_show_radius").set_value(True).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="map_township").value == "330603006"  # the choice survives other controls


def test_gaps_page_with_demo_data(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "gaps", demo_db, as_of=date(2022, 12, 31))  # under the seed plan: 2 %
    ranking, picks = at.dataframe[0].value, at.dataframe[1].value
    assert len(ranking) == 103 and list(ranking["排名"][:3]) == [1, 2, 3]
    assert {"未建会村（社区）", "无服务站人口", "距 2% 还需成人会员", "综合缺口（0–1）"} <= set(ranking.columns)
    assert list(ranking["综合缺口（0–1）"]) == sorted(ranking["综合缺口（0–1）"], reverse=True)
    assert len(picks) == 5 and picks["理由"].str.len().min() > 10
    assert map_args(at)["returned_objects"] == []  # the suggestion map never reruns the page
    assert len(at.get("download_button")) == 4  # CSV and XLSX of both tables
    assert "覆盖模型" in texts(at)
    at.radio(key="gaps_sort").set_value("members_needed").run()
    at.slider(key="gaps_k").set_value(8).run()
    assert not at.exception, at.exception
    ranking, picks = at.dataframe[0].value, at.dataframe[1].value
    needed = list(ranking["距 2% 还需成人会员"])
    assert needed == sorted(needed, reverse=True)
    assert len(picks) == 8


def test_gaps_page_for_one_county(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "gaps", demo_db, county=KEQIAO)
    ranking = at.dataframe[0].value
    assert len(ranking) == 16 and set(ranking["区、县（市）"]) == {"柯桥区"}
    assert "柯桥区" in texts(at)


@pytest.mark.parametrize("name", ["map", "gaps"])
def test_empty_database_explains_what_to_import(monkeypatch: pytest.MonkeyPatch, db_file: Path, name: str) -> None:
    at = run_page(monkeypatch, name, db_file)
    assert any("还没有服务阵地或基层组织数据" in i.value and "数据管理" in i.value and "import" not in i.value
               for i in at.info)
    assert not at.dataframe


@pytest.mark.parametrize("name", ["map", "gaps"])
def test_no_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
    at = run_page(monkeypatch, name, tmp_path / "absent.duckdb")
    assert "还没有数据库" in at.info[0].value


def test_only_branches_no_sites(monkeypatch: pytest.MonkeyPatch, db_file: Path, tmp_path: Path) -> None:
    """Branches but no sites: the map draws, the gap page says why it cannot suggest stations."""
    con = connect(db_file)
    import_file(con, "branches", write(tmp_path, "b.csv", "name,division,level,established_on\n"
                                                        "峡山村红十字会,福全街道/峡山村,村社区,2021-03-05\n"))
    con.close()
    at = run_page(monkeypatch, "map", db_file)
    at.selectbox(key="map_township").set_value("330603006").run()
    assert not at.exception, at.exception
    assert "服务站 / 服务点 | 无数据" in texts(at)
    gaps_page = run_page(monkeypatch, "gaps", db_file)
    assert any("还没有服务阵地数据" in i.value for i in gaps_page.info)
    ranking = gaps_page.dataframe[0].value
    assert ranking.loc[ranking["代码"] == "330603006", "未建会村（社区）"].iloc[0] >= 0
    assert ranking["无服务站人口"].isna().all()


def test_configured_gcj02_basemap_is_offered_and_used(monkeypatch: pytest.MonkeyPatch, demo_db: Path,
                                                      tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('[map]\ntile_name = "高德"\ntile_url = "https://webrd0{s}.example/{z}/{x}/{y}"\n'
                        'tile_subdomains = "1234"\ntile_crs = "GCJ02"\n', encoding="utf-8")
    monkeypatch.setenv("RCDASH_SETTINGS", str(settings))
    at = run_page(monkeypatch, "map", demo_db)
    basemap = at.selectbox(key="map_basemap")
    assert basemap.options == ["无底图（离线可用）", "OpenStreetMap（需联网）", "高德（需联网）"]
    basemap.select_index(2).run()
    assert not at.exception, at.exception
    assert any("GCJ-02" in c.value and "需要联网" in c.value for c in at.caption)
    assert "webrd0" in map_args(at)["script"]


def test_bad_tile_crs_warns_and_falls_back(monkeypatch: pytest.MonkeyPatch, demo_db: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('[map]\ntile_url = "https://x/{z}/{x}/{y}"\ntile_crs = "BD09"\n', encoding="utf-8")
    monkeypatch.setenv("RCDASH_SETTINGS", str(settings))
    at = run_page(monkeypatch, "map", demo_db)
    assert any("tile_crs" in w.value for w in at.warning)
    assert len(at.selectbox(key="map_basemap").options) == 2


def test_official_boundaries_drop_the_approximation_note(monkeypatch: pytest.MonkeyPatch, db_file: Path,
                                                         tmp_path: Path) -> None:
    con = connect(db_file)
    import_file(con, "branches", write(tmp_path, "b.csv", "name,division,level,established_on\n"
                                                        "峡山村红十字会,福全街道/峡山村,村社区,2021-03-05\n"))
    import_townships(con, official_geojson(tmp_path), user="tester")
    con.close()
    at = run_page(monkeypatch, "map", db_file)
    body = texts(at)
    assert "正式边界：towns.geojson" in body and "近似范围" not in body
    assert "近似" not in map_args(at)["script"].encode().decode("unicode_escape")
