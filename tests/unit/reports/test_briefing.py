"""Issue #7: the half-year briefing and annual evaluation as .docx, .xlsx and .pdf — every figure equals `rcdash kpi`.

The documents are generated for 2022H2 (the plan's end) and 2021H1 (mid-plan) on the demo database, opened with
their own libraries (python-docx, openpyxl, pypdf text extraction) and compared with the JSON of
`python -m rcdash kpi --as-of <the report's as-of date>`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from rcdash.cli.main import main
from rcdash.metrics.definitions import METRIC_BY_NAME, format_value
from rcdash.metrics.kpi import kpi
from rcdash.metrics.period import parse_period
from rcdash.metrics.rules import STATUS_LABELS
from rcdash.metrics.targets import TargetBook
from rcdash.plans import seed_plan
from rcdash.reports import charts, content, fonts, model
from rcdash.reports.documents import format_of, render
from rcdash.store.connections import connect
from tests.unit.cli.test_main import run

DEFAULT_EVALUATION_WEIGHTS = dict(seed_plan().weights)  # the seed plan's, as the documents use

PERIODS = {"2022H2": date(2022, 12, 31), "2021H1": date(2021, 6, 30)}  # the plan's end and a mid-plan half-year
ORG = ("villages_total", "villages_with_branch", "village_branch_rate", "population", "adult_members", "member_ratio")
SERVICE = ("sites_base", "sites_station", "sites_point", "rescue_teams_with_party", "volunteer_teams_20plus",
           "brand_projects", "funds", "weekly_voice_rate", "monthly_theme_rate")
NEED_PHRASES = {"village_branch_rate": "还需建会 {n:,} 个村（社区）", "member_ratio": "还需发展成人会员 {n:,} 人"}
needs_font = pytest.mark.skipif(fonts.find_cjk_font() is None, reason="no CJK font: apt-get install fonts-noto-cjk")


def shown(metric: str, value: object) -> str:
    """A metric as every page and document shows it."""
    return format_value(METRIC_BY_NAME[metric], value)


def squeeze(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines wherever the layout wrapped them."""
    return re.sub(r"\s+", "", text)


def expected_parts(report: dict, targets: TargetBook, weights: dict[str, float]) -> dict[str, list[float | None]]:
    """年度工作评价 recomputed from the kpi JSON: per county each target's share reached (capped at 100), then the score."""
    year = date.fromisoformat(report["as_of"]).year
    out = {}
    for area in report["areas"]:
        if area["level"] != "county":
            continue
        parts = []
        for metric in weights:
            value, target = area[metric], targets.value(metric, area["code"], year)
            parts.append(None if value is None or not target else min(1.0, value / target))  # 无数据: left out
        scored = [(w, p) for w, p in zip(weights.values(), parts, strict=True) if p is not None]
        score = sum(w * p for w, p in scored) / sum(w for w, _ in scored)
        out[area["name"]] = [None if p is None else round(p * 100, 1) for p in parts] + [round(score * 100, 1)]
    return out


def expected_scores(report: dict, targets: TargetBook, weights: dict[str, float]) -> dict[str, float]:
    """Each county's annual-evaluation score (0–100)."""
    return {name: parts[-1] for name, parts in expected_parts(report, targets, weights).items()}


def unmet(area: dict) -> list[dict]:
    """The kpi rules an area does not pass."""
    return [r for r in area["rules"] if r["status"] != "pass"]


@pytest.fixture(scope="session")
def reports(demo_db: Path, demo_briefing: Callable[[str], tuple[model.Briefing, dict[str, bytes]]],
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Per period: the three documents, the `rcdash kpi` JSON of the same date, and the targets."""
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    con = connect(demo_db, read_only=True)
    try:
        targets = TargetBook.load(con, seed_plan())
        for period in PERIODS:
            briefing, rendered = demo_briefing(period)
            files = {}
            for fmt, data in rendered.items():
                files[fmt] = folder / f"{period}.{fmt}"
                files[fmt].write_bytes(data)
            before = kpi(con, briefing.previous_as_of, "county", with_outlook=False, plan=seed_plan())
            out[period] = {"briefing": briefing, "files": files, "targets": targets, "before": before}
    finally:
        con.close()
    for period, entry in out.items():
        printed = run("kpi", "--as-of", entry["briefing"].as_of.isoformat(), "--format", "json", db=demo_db)
        assert printed.returncode == 0, printed.stderr
        entry["kpi"] = json.loads(printed.stdout)
        assert entry["kpi"]["as_of"] == PERIODS[period].isoformat()
    return out


# ---- the content model -------------------------------------------------------------------------------------------

def test_periods_titles_and_as_of(demo_db: Path) -> None:
    con = connect(demo_db, read_only=True)
    try:
        half, as_of = content.resolve_period(con, "2022h2")
        assert (half.label, as_of) == ("2022H2", date(2022, 12, 31))
        # The as-of date is the period's last day, but never after the latest data date (nor today).
        assert content.resolve_period(con, "2022", today=date(2022, 9, 15))[1] == date(2022, 9, 15)
        with pytest.raises(content.ReportProblem, match="晚于最新数据日期 2025-12-31"):
            content.resolve_period(con, "2026H1")
        with pytest.raises(ValueError, match="无法识别的报告期"):
            content.resolve_period(con, "2022H3")
    finally:
        con.close()
    assert content.report_title(parse_period("2022H2")) == "2022 年下半年工作进度通报"
    assert content.report_title(parse_period("2021")) == "2021 年度工作评价"
    assert content.previous_point(parse_period("2022H1")) == ("2021 年下半年末", date(2021, 12, 31))
    assert content.previous_point(parse_period("2022")) == ("2021 年末", date(2021, 12, 31))
    span = (date(2020, 1, 1), date(2021, 3, 1))
    assert [p.label for p in content.period_choices(*span, content.HALF_YEAR)] == ["2021H1", "2020H2", "2020H1"]
    assert [p.label for p in content.period_choices(*span, content.YEAR)] == ["2021", "2020"]


def test_empty_database_has_nothing_to_report(con: object) -> None:
    with pytest.raises(content.ReportProblem, match="还没有计划进展数据"):
        content.build_briefing(con, "2022H2")  # type: ignore[arg-type]


def test_partial_data_reads_as_no_data(con: object, tmp_path: Path) -> None:
    from rcdash.importing.load import import_file
    from rcdash.metrics.derived import refresh
    from tests.conftest import write

    rows = "name,division,level,established_on\n峡山村红十字会,福全街道/峡山村,村社区,2021-03-05\n"
    assert import_file(con, "branches", write(tmp_path, "b.csv", rows)).exit_code == 0  # type: ignore[arg-type]
    refresh(con)  # type: ignore[arg-type]  # what publishing the write does
    briefing = content.build_briefing(con, "2021", charts=False)  # type: ignore[arg-type]
    summary = " ".join(b.text for b in briefing.sections[0].blocks)
    assert "已有 1 个建立红十字组织，成人会员无数据" in summary and "尚未导入活动" in summary
    assert "区域性服务中心建成无数据：尚未导入服务阵地" in summary
    org = briefing.tables()[1]
    assert org.texts()[0][1:] == ["2,168", "1", "0.0%", "5,270,977", "无数据", "无数据"]
    for fmt in ("docx", "xlsx"):
        assert render(briefing, fmt)[:2] == b"PK"


def test_unknown_extension_is_refused() -> None:
    assert format_of("a/通报.PDF") == "pdf"
    with pytest.raises(ValueError, match=r"\.docx、\.xlsx 或 \.pdf"):
        format_of("通报.txt")


def test_summary_is_generated_from_the_data(reports: dict[str, dict]) -> None:
    for period, entry in reports.items():
        briefing, report, before = entry["briefing"], entry["kpi"], entry["before"]
        summary = " ".join(b.text for b in briefing.sections[0].blocks)
        city, prior = report["areas"][0], before["areas"][0]
        assert f"截至 {PERIODS[period]:%Y-%m-%d}" in summary
        assert f"已有 {city['villages_with_branch']:,} 个建立红十字组织，成人会员 {city['adult_members']:,} 人" in summary
        for rule in city["rules"]:  # where the city stands against each of its targets
            assert rule["reason"] in summary
        for rule in unmet(city):
            if rule["rule"] in NEED_PHRASES:
                assert NEED_PHRASES[rule["rule"]].format(n=rule["shortfall"]) in summary
        # what changed since the previous period, computed with the same engine
        gained = city["adult_members"] - prior["adult_members"]
        assert f"成人会员增加 {gained:,} 人" in summary
        rate = "village_branch_rate"
        assert f"由 {shown(rate, prior[rate])} 到 {shown(rate, city[rate])}" in summary
        # which counties lead and lag
        scores = expected_scores(report, entry["targets"], DEFAULT_EVALUATION_WEIGHTS)
        best = max(scores.values())
        assert f"（{best:.1f} 分）" in summary.split("相对落后")[0]
        assert f"（{min(scores.values()):.1f} 分）" in summary.split("相对落后")[1]


# ---- DOCX --------------------------------------------------------------------------------------------------------

def docx_tables(path: Path) -> dict[tuple[str, ...], list[list[str]]]:
    """Every table of a .docx, keyed by its header row."""
    tables = {}
    for table in Document(str(path)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        tables[tuple(rows[0])] = rows[1:]
    return tables


def test_docx_figures_equal_kpi(reports: dict[str, dict]) -> None:
    for period, entry in reports.items():
        report = entry["kpi"]
        tables = docx_tables(entry["files"]["docx"])
        org = next(rows for header, rows in tables.items() if header[:2] == ("区域", "村（社区）总数"))
        service = next(rows for header, rows in tables.items() if header[:2] == ("区域", "服务基地"))
        assert [r[0] for r in org] == [a["name"] for a in report["areas"]]
        for row_org, row_service, area in zip(org, service, report["areas"], strict=True):
            assert row_org[1:] == [shown(m, area[m]) for m in ORG], (period, area["name"])
            assert row_service[1:] == [shown(m, area[m]) for m in SERVICE], (period, area["name"])

        city_rows = next(rows for header, rows in tables.items() if header[:2] == ("指标", "本期"))
        city, prior = report["areas"][0], entry["before"]["areas"][0]
        by_label = {r[0]: r for r in city_rows}
        for metric in ("village_branch_rate", "member_ratio", "sites_center", "sites_base", "volunteer_teams_20plus"):
            row = by_label[METRIC_BY_NAME[metric].zh]
            assert row[1:3] == [shown(metric, city[metric]), shown(metric, prior[metric])], (period, metric)

        ranking = next(rows for header, rows in tables.items() if header[:2] == ("排名", "区县"))
        scores = expected_scores(report, entry["targets"], DEFAULT_EVALUATION_WEIGHTS)
        assert {r[1]: float(r[-1]) for r in ranking} == scores
        assert [float(r[-1]) for r in ranking] == sorted(scores.values(), reverse=True)

        matrix = next(rows for header, rows in tables.items() if header[0] == "区县" and "服务基地" in header)
        statuses = {a["name"]: [STATUS_LABELS[r["status"]] for r in a["rules"]] for a in report["areas"] if a["level"] == "county"}
        assert {r[0]: r[1:] for r in matrix} == statuses


def test_docx_lists_each_countys_shortfalls_with_numbers(reports: dict[str, dict]) -> None:
    for period, entry in reports.items():
        paragraphs = [p.text for p in Document(str(entry["files"]["docx"])).paragraphs]
        start = paragraphs.index("对照计划要求，各区域尚未达标的事项及还需完成的数量如下（数量按目标值与统计截至日的实际值计算）：")
        listing = paragraphs[start + 1:]
        for area in entry["kpi"]["areas"]:
            rules = unmet(area)
            if not rules:
                assert f"{area['name']}：{model.NO_SHORTFALL}" in listing
                continue
            at = listing.index(area["name"])
            items = listing[at + 1:at + 1 + len(rules)]
            assert items == [f"{r['label']}（{STATUS_LABELS[r['status']]}）：{r['reason']}" for r in rules], (period, area["name"])
            for rule, item in zip(rules, items, strict=True):
                if rule["rule"] in NEED_PHRASES:
                    assert NEED_PHRASES[rule["rule"]].format(n=rule["shortfall"]) in item
                elif rule["shortfall"]:
                    assert f"还需 {rule['shortfall']:,} " in item


# ---- XLSX --------------------------------------------------------------------------------------------------------

def sheet_rows(book: object, name: str) -> tuple[list[object], list[list[object]]]:
    """Header (row 3) and data rows of one sheet."""
    rows = [list(r) for r in book[name].iter_rows(min_row=3, values_only=True)]  # type: ignore[index]
    return rows[0], rows[1:]


def test_xlsx_numbers_equal_kpi(reports: dict[str, dict]) -> None:
    for period, entry in reports.items():
        report = entry["kpi"]
        book = load_workbook(entry["files"]["xlsx"])
        assert {"报告", "全市指标", "组织与会员", "阵地队伍活动", "年度评价", "达标情况", "差距清单", "图表"} <= set(book.sheetnames)
        for sheet, metrics in (("组织与会员", ORG), ("阵地队伍活动", SERVICE)):
            header, rows = sheet_rows(book, sheet)
            assert header[0] == "区域"
            for row, area in zip(rows, report["areas"], strict=True):
                # The same figures; the last bits of a float may differ between the stored and the computed path.
                expected = [pytest.approx(area[m], rel=1e-12) if area[m] is not None else "无数据" for m in metrics]
                assert row[0] == area["name"] and row[1:] == expected, (period, sheet, area["name"])
        assert book["组织与会员"]["D4"].number_format == "0.0%"

        header, rows = sheet_rows(book, "全市指标")
        city = report["areas"][0]
        values = {r[0]: r[1] for r in rows}
        assert values[METRIC_BY_NAME["village_branch_rate"].zh] == pytest.approx(city["village_branch_rate"], rel=1e-12)
        assert values[METRIC_BY_NAME["sites_base"].zh] == city["sites_base"]

        header, rows = sheet_rows(book, "年度评价")
        scores = expected_scores(report, entry["targets"], DEFAULT_EVALUATION_WEIGHTS)
        assert {r[1]: r[-1] for r in rows} == scores and header[-1] == "得分"
        assert rows[0][0] == 1

        header, rows = sheet_rows(book, "差距清单")
        assert header == ["区域", "事项", "状态", "还需", "说明"]
        listed = [(r[0], r[1], r[2], r[3]) for r in rows if r[1] != "—"]
        expected_rows = [(a["name"], r["label"], STATUS_LABELS[r["status"]], r["shortfall"])
                         for a in report["areas"] for r in unmet(a)]
        assert listed == expected_rows, period
        assert any(n for *_, n in listed), "the demo has shortfalls to close"


@needs_font
def test_xlsx_has_the_charts(reports: dict[str, dict]) -> None:
    book = load_workbook(reports["2022H2"]["files"]["xlsx"])
    assert len(book["图表"]._images) == len(reports["2022H2"]["briefing"].figures()) == 5  # with the township map


MAP_KEY, MAP_TITLE = "乡镇建会率地图", "各乡镇（街道）村（社区）建会率"


@needs_font
def test_half_year_briefing_carries_the_township_map_after_the_county_table(reports: dict[str, dict]) -> None:
    """Issue #21: the map of 建会率 right after the county table, with a caption, in the DOCX and the PDF."""
    for period, entry in reports.items():
        blocks = list(entry["briefing"].blocks())
        after = blocks[next(i for i, b in enumerate(blocks) if getattr(b, "key", "") == "组织与会员") + 1]
        assert isinstance(after, model.Figure) and after.key == MAP_KEY, period
        assert MAP_TITLE in after.title and f"截至 {PERIODS[period]:%Y-%m-%d}" in after.title
        assert "乡镇范围为近似" in after.caption and "达到目标" in after.caption
        assert after.png[:8] == b"\x89PNG\r\n\x1a\n"
        document = Document(str(entry["files"]["docx"]))
        body = list(document.element.body.iterchildren())
        org = next(i for i, el in enumerate(body) if el.tag.endswith("tbl") and "村（社区）总数" in "".join(el.itertext()))
        following = body[org + 1:org + 6]
        assert any(el.xpath(".//pic:pic") for el in following), "the picture follows the county table"
        assert any(MAP_TITLE in "".join(el.itertext()) for el in following)
        assert len(document.inline_shapes) == len(entry["briefing"].figures())
        flat = squeeze(pdf_text(entry["files"]["pdf"]))
        assert squeeze(after.title) in flat and squeeze(after.caption) in flat


# ---- PDF ---------------------------------------------------------------------------------------------------------

def pdf_text(path: Path) -> str:
    """All text of a PDF, as pypdf extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


@needs_font
def test_pdf_embeds_the_cjk_font(reports: dict[str, dict]) -> None:
    reader = PdfReader(str(reports["2022H2"]["files"]["pdf"]))
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
            assert font["/Encoding"] == "/Identity-H" and "/ToUnicode" in font
            seen.add(str(font["/BaseFont"]).split("+", 1)[1])
    assert any(name.startswith(fonts.find_cjk_font().family.replace(" ", "")) for name in seen), seen


@needs_font
def test_pdf_text_equals_kpi(reports: dict[str, dict]) -> None:
    for period, entry in reports.items():
        report, briefing = entry["kpi"], entry["briefing"]
        text = pdf_text(entry["files"]["pdf"])
        flat = squeeze(text)
        assert squeeze(briefing.title) in flat and f"统计截至：{PERIODS[period]:%Y-%m-%d}" in flat
        assert "示例数据" in flat
        for area in report["areas"]:  # each table row, cell by cell in reading order
            assert squeeze(area["name"] + "".join(shown(m, area[m]) for m in ORG)) in flat, (period, area["name"])
            assert squeeze(area["name"] + "".join(shown(m, area[m]) for m in SERVICE)) in flat, (period, area["name"])
            for rule in unmet(area):
                assert squeeze(rule["reason"]) in flat, (period, area["name"], rule["rule"])
                if rule["rule"] in NEED_PHRASES:
                    assert squeeze(NEED_PHRASES[rule["rule"]].format(n=rule["shortfall"])) in flat
        parts = expected_parts(report, entry["targets"], DEFAULT_EVALUATION_WEIGHTS)
        for name, values in parts.items():
            rank = 1 + sum(other[-1] > values[-1] for other in parts.values())
            assert f"{rank}{name}" + "".join("无数据" if v is None else f"{v:.1f}" for v in values) in flat, (period, name)
        city = report["areas"][0]
        row = METRIC_BY_NAME["member_ratio"].zh + shown("member_ratio", city["member_ratio"])
        assert squeeze(row + shown("member_ratio", entry["before"]["areas"][0]["member_ratio"])) in flat


@needs_font
def test_pdf_lines_never_split_a_number(tmp_path: Path) -> None:
    from fpdf import FPDF

    from rcdash.reports.pdf_writer import wrap_lines

    face = fonts.find_cjk_font().regular
    path = tmp_path / "subset.ttf"
    path.write_bytes(fonts.truetype_subset(face, "还需建会个村（社区），共人发展成员 0123456789,."))
    pdf = FPDF()
    pdf.add_font("cjk", "", str(path))
    pdf.set_font("cjk", size=10)
    text = "还需建会 1,234 个村（社区），还需发展成员 56,789 人，" * 6
    lines = wrap_lines(pdf, text, 60)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(pdf.get_string_width(line) <= 60 for line in lines)
    assert not any(line.startswith(("，", "）")) or line.endswith("（") for line in lines)
    numbers = re.findall(r"[\d,]+", " ".join(lines))
    assert set(numbers) == {"1,234", "56,789"}


# ---- fonts -------------------------------------------------------------------------------------------------------

NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


@pytest.mark.skipif(not NOTO_SERIF.is_file(), reason="fonts-noto-cjk is not installed")
def test_font_named_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.CJK_FONT_ENV_VAR, str(NOTO_SERIF))
    fonts.find_cjk_font.cache_clear()
    try:
        chosen = fonts.find_cjk_font()
    finally:
        fonts.find_cjk_font.cache_clear()
    # In a CJK collection the simplified-Chinese face is taken, not the file's first (Japanese) one.
    assert chosen is not None and chosen.family == "Noto Serif CJK SC" and chosen.regular.path == str(NOTO_SERIF)


# ---- without a CJK font ------------------------------------------------------------------------------------------

def test_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch, demo_db: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(charts, "find_cjk_font", lambda: None)
    con = connect(demo_db, read_only=True)
    try:
        briefing = content.build_briefing(con, "2022H2")
    finally:
        con.close()
    assert not briefing.figures()
    assert any(isinstance(b, model.Paragraph) and "fonts-noto-cjk" in b.text for b in briefing.blocks())
    assert render(briefing, "docx")[:2] == b"PK" and render(briefing, "xlsx")[:2] == b"PK"
    with pytest.raises(fonts.FontMissing, match="apt-get install fonts-noto-cjk"):
        render(briefing, "pdf")
    out = tmp_path / "通报.pdf"
    assert main(["--db", str(demo_db), "report", "--period", "2022H2", "--out", str(out)]) == 2
    assert "fonts-noto-cjk" in capsys.readouterr().err and not out.exists()


# ---- the command line --------------------------------------------------------------------------------------------

@needs_font
def test_cli_writes_each_format(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "年度工作评价.pdf"
    done = run("report", "--period", "2022", "--out", str(out), db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "2022 年度工作评价" in done.stdout and "统计截至 2022-12-31" in done.stdout
    assert out.read_bytes()[:5] == b"%PDF-" and "年度工作评价" in squeeze(pdf_text(out))


@pytest.mark.parametrize(("period", "out", "message"), [
    ("2022H3", "x.pdf", "无法识别的报告期"),
    ("2022H2", "x.txt", "不支持的文件类型"),
    ("2030H1", "x.docx", "晚于最新数据日期"),
])
def test_cli_bad_input_exits_2(demo_db: Path, tmp_path: Path, period: str, out: str, message: str) -> None:
    done = run("report", "--period", period, "--out", str(tmp_path / out), db=demo_db)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / out).exists()


def test_cli_empty_database_exits_2(db_file: Path, tmp_path: Path) -> None:
    done = run("report", "--period", "2022H2", "--out", str(tmp_path / "x.docx"), db=db_file)
    assert done.returncode == 2 and "还没有计划进展数据" in done.stderr and "Traceback" not in done.stderr
