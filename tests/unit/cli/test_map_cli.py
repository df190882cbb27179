"""Issue #21: `rcdash map` writes a print-ready map; a bad call exits 2 with a Chinese message and no traceback."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rcdash.reports import fonts
from tests.unit.cli.test_main import run


@pytest.mark.skipif(fonts.find_cjk_font() is None, reason="no CJK font installed (fonts-noto-cjk)")
def test_map_of_one_county_with_sites_as_svg(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "maps" / "嵊州市.svg"
    done = run("map", "--metric", "villages_without_branch", "--county", "330683", "--sites",
               "--as-of", "2021-06-30", "--out", str(out), db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "嵊州市各乡镇（街道）未建会村（社区）数" in done.stdout and "统计截至 2021-06-30" in done.stdout
    texts = [e.text for e in ET.parse(out).getroot().iter() if e.tag.endswith("text")]
    assert "嵊州市各乡镇（街道）未建会村（社区）数" in texts and any(t and t.startswith("服务站（") for t in texts)


@pytest.mark.parametrize(("args", "message"), [
    (["--metric", "coverage", "--out", "x.png"], "不支持的地图指标“coverage”：可选 village_branch_rate"),
    (["--metric", "member_ratio", "--county", "330699", "--out", "x.pdf"], "没有区、县（市）“330699”"),
    (["--metric", "member_ratio", "--out", "x.jpg"], "地图文件名应以 .png、.pdf 或 .svg 结尾"),
    (["--metric", "member_ratio", "--out", "map"], "（没有扩展名）"),
    (["--metric", "member_ratio", "--plan", "nope", "--out", "x.pdf"], "没有编号为“nope”的计划"),
    (["--metric", "member_ratio", "--as-of", "2022-13-01", "--out", "x.pdf"], "日期应写成 YYYY-MM-DD"),
])
def test_bad_calls_exit_2_without_a_file(demo_db: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / args[-1]
    done = run("map", *args[:-1], str(out), db=demo_db)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_empty_database_exits_2(tmp_path: Path) -> None:
    done = run("map", "--metric", "member_ratio", "--out", str(tmp_path / "x.png"), db=tmp_path / "none.duckdb")
    assert done.returncode == 2 and "不存在" in done.stderr and "Traceback" not in done.stderr
