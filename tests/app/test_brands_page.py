"""AppTest of the 品牌展示 page: no database, an empty one, the demo gallery, a county, search, a hostile project."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.importing.load import import_file
from rcdash.metrics import engine
from rcdash.store.connections import connect
from tests import samples
from tests.app.pages import run_page

END = date(2022, 12, 31)
HOSTILE_NAME = "**假粗体** <b>加粗</b> :red[红字] $x^2$"
HOSTILE_DESCRIPTION = "<script>alert('x')</script><img src=x onerror=alert(1)>![追踪](http://tracker.example/x.png)"




pytestmark = pytest.mark.usefixtures("media_root")  # photos go to a media folder of the test's own


def detail_buttons(at: AppTest) -> list[object]:
    return [b for b in at.button if b.label == "查看详情"]


def test_no_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = run_page(monkeypatch, "brands", tmp_path / "absent.duckdb")
    assert at.title[0].value == "品牌展示" and "还没有数据库" in at.info[0].value


def test_empty_database_explains_what_to_import(monkeypatch: pytest.MonkeyPatch, db_file: Path) -> None:
    at = run_page(monkeypatch, "brands", db_file)
    assert "还没有一地一品数据" in at.info[0].value and "“数据管理”页导入（数据类型：一地一品）" in at.info[0].value
    assert not at.get("image")


def test_default_gallery(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "brands", demo_db, as_of=END)  # the seed plan's end: 14 projects
    con = connect(demo_db, read_only=True)
    metric = engine.at(con, END, "county").set_index("level").loc["city", "brand_projects"]
    con.close()
    assert any(f"已启动的项目共 {metric} 个" in c.value for c in at.caption)
    assert len(detail_buttons(at)) == len(at.get("image")) == 12  # the first page of 14 cards
    assert at.get("pagination")
    texts = [t.value for t in at.text]
    assert "越城区 · 应急救护" in texts and "受益人数：11,708 人" in texts
    assert [b.label for b in at.get("download_button")] == ["下载 PPT（14 页项目）", "下载照片包（ZIP + 说明）"]
    assert "示例数据" in at.warning[0].value


def test_county_filter_and_search(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "brands", demo_db, as_of=END)
    at.selectbox(key="filter_county").set_value("330603").run()
    assert len(detail_buttons(at)) == 3 and not at.get("pagination")
    assert any("柯桥区 · 截至 2022-12-31 已启动的项目共 3 个" in c.value for c in at.caption)
    at.text_input(key="brand_search").set_value("水上").run()
    assert len(detail_buttons(at)) == 2
    at.multiselect(key="brand_categories").set_value(["应急救援"]).run()
    assert len(detail_buttons(at)) == 1
    at.text_input(key="brand_search").set_value("没有这个项目").run()
    assert any("没有符合条件的项目" in i.value for i in at.info)


def test_detail_view(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_page(monkeypatch, "brands", demo_db)
    detail_buttons(at)[0].click().run()
    assert not at.exception, at.exception
    texts = [t.value for t in at.text]
    assert "区、县（市）：越城区" in texts and "沿鉴湖绿道设置救护驿站，配备 AED 和持证救护员，周末开展救护普及。" in texts
    assert any(m.value == "### 鉴湖救护驿站" for m in at.markdown)


def test_hostile_text_is_shown_as_text_and_missing_photos_get_a_placeholder(monkeypatch: pytest.MonkeyPatch,
                                                                           demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "hostile.duckdb"
    db.write_bytes(demo_db.read_bytes())
    con = connect(db)
    csv = tmp_path / "b.csv"
    csv.write_bytes(samples.brands_csv(f'"{HOSTILE_NAME}",柯桥区,"{HOSTILE_DESCRIPTION}",2021-01-01,应急救护,10,,'))
    assert import_file(con, "brands", csv).exit_code == 0
    con.execute("UPDATE brands SET photo = 'data/media/demo/deleted-by-someone.png' WHERE name = '水上救援先锋'")
    con.close()
    at = run_page(monkeypatch, "brands", db)
    at.selectbox(key="filter_county").set_value("330603").run()
    assert len(detail_buttons(at)) == len(at.get("image")) == 4  # every card has a picture: the placeholder too
    names = [m.value for m in at.markdown if "假粗体" in m.value]
    assert names and all("<b>" not in n and "**假" not in n and ":red[" not in n for n in names)
    hostile = next(i for i, b in enumerate(detail_buttons(at)) if b.key.endswith(HOSTILE_NAME))
    detail_buttons(at)[hostile].click().run()
    assert not at.exception, at.exception
    assert HOSTILE_DESCRIPTION in [t.value for t in at.text]  # st.text: neither HTML nor Markdown
    assert not at.get("html")
    assert all("<script>" not in m.value and "tracker.example" not in m.value for m in at.markdown)
