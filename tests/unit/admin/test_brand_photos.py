"""Photos arriving with the brands kind: ZIP bundles, all-or-nothing on disk too, one-by-one upload, the CLI."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook
from PIL import Image

from rcdash.admin.brand_photos import BrandNotFound, attach_photo
from rcdash.cli.main import main
from rcdash.importing import load
from rcdash.importing.load import import_file, undo_import
from rcdash.store import media
from tests import samples
from tests.conftest import data_snapshot

ROW = "水乡救护,柯桥区,在水乡普及救护,2020-09-01,应急救护,3000,{photo},博爱家园"
OTHER = "古城博爱家园,越城区,结对帮扶,2021-09-01,人道救助,1500,{photo},博爱家园"


pytestmark = pytest.mark.usefixtures("media_root")  # photos go to a media folder of the test's own


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def photos(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    return dict(con.execute("SELECT name, photo FROM brands").fetchall())


def xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "区县", "项目简介", "启动日期", "项目类别", "受益人数", "照片", "标签"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_bundle(con: duckdb.DuckDBPyConnection, tmp_path: Path, data: bytes, **kw: object) -> load.ImportResult:
    path = tmp_path / "一地一品.zip"
    path.write_bytes(data)
    return import_file(con, "brands", path, **kw)  # type: ignore[arg-type]


def test_bundle_with_sheet_and_photos_loads(con, tmp_path: Path, media_root: Path) -> None:
    sheet = xlsx([["水乡救护", "柯桥区", "简介", "2020-09-01", "应急救护", 3000, "照片/水乡.JPG", "博爱家园"],
                  ["古城博爱家园", "越城区", "简介", "2021-09-01", "人道救助", 1500, "古城.png", ""],
                  ["天姥山地救援", "新昌县", "简介", "2021-07-01", "应急救援", 800, "", ""]])
    data = samples.bundle("一地一品.xlsx", sheet, {"照片/水乡.JPG": samples.jpeg((3000, 2000), exif=True),
                                                  "照片/古城.png": samples.png(), "__MACOSX/._古城.png": b"junk"})
    result = import_bundle(con, tmp_path, data)
    assert result.exit_code == 0, result.errors
    stored = photos(con)
    assert stored["天姥山地救援"] is None
    for name in ("水乡救护", "古城博爱家园"):
        reference = stored[name]
        assert reference.startswith("photos/") and reference.endswith(".jpg")
        image = Image.open(media.resolve(reference))
        assert image.format == "JPEG" and max(image.size) <= media.STORED_MAX_SIDE
    assert b"SecretCam" not in (media_root / stored["水乡救护"]).read_bytes()
    assert len(stored_files(media_root)) == 2


def test_names_written_by_chinese_windows_archivers_are_found(con, tmp_path: Path) -> None:
    data = samples.bundle("一地一品.csv", samples.brands_csv(ROW.format(photo="水乡照片.jpg")),
                          {"水乡照片.jpg": samples.jpeg()}, gbk_names=True)
    result = import_bundle(con, tmp_path, data)
    assert result.exit_code == 0, result.errors
    assert photos(con)["水乡救护"].startswith("photos/")


def test_one_photo_named_by_two_rows_is_stored_once(con, tmp_path: Path, media_root: Path) -> None:
    data = samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="a.jpg"), OTHER.format(photo="a.jpg")),
                          {"a.jpg": samples.jpeg(), "unused.jpg": samples.jpeg()})
    result = import_bundle(con, tmp_path, data)
    assert result.exit_code == 0
    assert len(set(photos(con).values())) == 1 and len(stored_files(media_root)) == 1
    assert any("unused.jpg" in w for w in result.warnings)


@pytest.mark.parametrize(("payload", "words"), [
    (samples.TEXT, "不是 JPEG、PNG 或 WebP"),
    (samples.EXECUTABLE, "不是 JPEG、PNG 或 WebP"),
    (samples.png_bomb(), "尺寸异常"),
    (samples.truncated_jpeg(), "已损坏"),
])
def test_a_bad_image_rejects_its_row_and_nothing_is_written(con, tmp_path: Path, media_root: Path, payload: bytes,
                                                           words: str) -> None:
    before = data_snapshot(con)
    data = samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="good.jpg"), OTHER.format(photo="fake.jpg")),
                          {"good.jpg": samples.jpeg(), "fake.jpg": payload})
    result = import_bundle(con, tmp_path, data)
    assert result.exit_code == 1 and result.rejected == 1
    [error] = result.errors
    assert (error.row, error.column, error.value) == (3, "photo", "fake.jpg")
    assert words in error.message and "fake.jpg" in error.message
    assert data_snapshot(con) == before
    assert stored_files(media_root) == []  # the good photo of the other row was not written either


def test_polyglot_is_neutralised(con, tmp_path: Path, media_root: Path) -> None:
    data = samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="p.jpg")), {"p.jpg": samples.polyglot()})
    assert import_bundle(con, tmp_path, data).exit_code == 0
    [stored] = stored_files(media_root)
    assert samples.SECRET not in stored.read_bytes() and b"PK\x03\x04" not in stored.read_bytes()


def test_a_name_missing_from_the_bundle_lists_what_is_there(con, tmp_path: Path) -> None:
    data = samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="typo.jpg")), {"水乡.jpg": samples.jpeg()})
    result = import_bundle(con, tmp_path, data)
    assert result.exit_code == 1
    assert "没有名为“typo.jpg”" in result.errors[0].message and "水乡.jpg" in result.errors[0].message


def test_dry_run_writes_no_file(con, tmp_path: Path, media_root: Path) -> None:
    data = samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="a.jpg")), {"a.jpg": samples.jpeg()})
    result = import_bundle(con, tmp_path, data, dry_run=True)
    assert result.exit_code == 0 and result.import_id is None
    assert stored_files(media_root) == [] and photos(con) == {}


def test_a_failed_transaction_removes_the_photos_it_wrote(con, tmp_path: Path, media_root: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(load, "_load", broken)
    data = samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="a.jpg")), {"a.jpg": samples.jpeg()})
    with pytest.raises(duckdb.IOException):
        import_bundle(con, tmp_path, data)
    assert stored_files(media_root) == []


@pytest.mark.parametrize(("files", "words"), [
    ({"a.csv": b"x", "b.xlsx": b"y"}, "只有一个表格文件"),
    ({"a.jpg": b"x"}, "只有一个表格文件"),
])
def test_unusable_bundles(con, tmp_path: Path, files: dict[str, bytes], words: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = import_bundle(con, tmp_path, out.getvalue())
    assert result.exit_code == 2 and words in result.errors[0].message


def test_other_kinds_refuse_bundles(con, tmp_path: Path) -> None:
    data = samples.bundle("b.csv", b"name,division,level,established_on\n", {})
    path = tmp_path / "b.zip"
    path.write_bytes(data)
    result = import_file(con, "branches", path)
    assert result.exit_code == 2 and "不接受 ZIP 包" in result.errors[0].message


def test_plain_sheet_photo_must_be_a_stored_photo(con, tmp_path: Path) -> None:
    for value in ("IMG_0001.jpg", "../../etc/passwd", "/etc/passwd", "https://example.com/x.jpg"):
        path = tmp_path / "b.csv"
        path.write_bytes(samples.brands_csv(ROW.format(photo=value)))
        result = import_file(con, "brands", path)
        assert result.exit_code == 1, value
        assert "打包成 ZIP" in result.errors[0].message
    reference, _ = media.store(media.normalise_image(samples.jpeg()))
    path.write_bytes(samples.brands_csv(ROW.format(photo=reference)))  # e.g. an exported sheet imported again
    assert import_file(con, "brands", path).exit_code == 0
    assert photos(con)["水乡救护"] == reference


def test_undo_restores_the_earlier_photo(con, tmp_path: Path, media_root: Path) -> None:
    first = import_bundle(con, tmp_path, samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="a.jpg")),
                                                        {"a.jpg": samples.jpeg(colour=(1, 2, 3))}))
    old = photos(con)["水乡救护"]
    second = import_bundle(con, tmp_path, samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="b.jpg")),
                                                         {"b.jpg": samples.jpeg(colour=(200, 200, 0))}))
    assert photos(con)["水乡救护"] != old
    undo_import(con, second.import_id)
    assert photos(con)["水乡救护"] == old and first.import_id
    # Files are content-addressed and harmless: the undone import's photo stays until someone removes it.
    assert len(stored_files(media_root)) == 2


# ---- one photo at a time (the administrator's upload) -------------------------------------------------------------

@pytest.fixture
def brand(con, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    path = tmp_path / "b.csv"
    path.write_bytes(samples.brands_csv(ROW.format(photo=""), OTHER.format(photo="")))
    assert import_file(con, "brands", path).exit_code == 0
    return con


def test_attach_photo_replaces_one_projects_photo_and_can_be_undone(brand, media_root: Path) -> None:
    result = attach_photo(brand, "柯桥区", "水乡救护", samples.jpeg((2400, 1600), exif=True), "IMG_2001.JPG")
    assert result.exit_code == 0 and result.updated == 1 and result.inserted == 0
    row = brand.execute("SELECT description, started_on::VARCHAR, beneficiaries, tags, photo FROM brands "
                        "WHERE name = '水乡救护'").fetchall()[0]
    assert row[:4] == ("在水乡普及救护", "2020-09-01", 3000, "博爱家园")  # every other field kept
    assert media.resolve(row[4]) is not None
    assert photos(brand)["古城博爱家园"] is None
    log = brand.execute("SELECT file_name, kind FROM imports WHERE import_id = ?", [result.import_id]).fetchall()
    assert log == [("IMG_2001.JPG（照片：水乡救护）", "brands")]
    undo_import(brand, result.import_id)
    assert photos(brand)["水乡救护"] is None


def test_attach_a_fake_photo_changes_nothing(brand, media_root: Path) -> None:
    before = data_snapshot(brand)
    result = attach_photo(brand, "330603", "水乡救护", samples.EXECUTABLE, "photo.jpg")
    assert result.exit_code == 1 and "不是 JPEG、PNG 或 WebP" in result.errors[0].message
    assert data_snapshot(brand) == before and stored_files(media_root) == []


def test_attach_to_an_unknown_project_suggests_names(brand) -> None:
    with pytest.raises(BrandNotFound, match="水乡救护"):
        attach_photo(brand, "柯桥区", "水乡救", samples.jpeg(), "a.jpg")
    with pytest.raises(BrandNotFound):
        attach_photo(brand, "不存在区", "水乡救护", samples.jpeg(), "a.jpg")


def test_cli_brand_photo(brand, db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brand.close()
    good, fake = tmp_path / "good.webp", tmp_path / "fake.jpg"
    good.write_bytes(samples.webp())
    fake.write_bytes(samples.TEXT)
    base = ["--db", str(db_file), "brand-photo", "--county", "柯桥区", "--name", "水乡救护"]
    assert main([*base, str(good)]) == 0
    assert "已为“柯桥区·水乡救护”更换照片" in capsys.readouterr().out
    assert main([*base, str(fake), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["rejected"] == 1 and report["photo"].startswith("photos/")  # the earlier, good photo stays
    assert main([*base, str(tmp_path / "absent.jpg")]) == 2
    assert main(["--db", str(db_file), "brand-photo", "--county", "柯桥区", "--name", "无此项目", str(good)]) == 2
    assert "没有名为“无此项目”" in capsys.readouterr().err


@pytest.mark.parametrize(("limit", "value", "words"), [
    ("MAX_BUNDLE_BYTES", 1000, "ZIP 包过大"),
    ("MAX_BUNDLE_EXPANDED_BYTES", 1000, "压缩炸弹"),
    ("MAX_BUNDLE_MEMBERS", 1, "文件过多"),
])
def test_bundle_limits(con, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, words: str) -> None:
    from rcdash.importing import bundle

    monkeypatch.setattr(bundle, limit, value)
    data = samples.bundle("b.csv", samples.brands_csv(ROW.format(photo="a.jpg")), {"a.jpg": samples.jpeg((800, 600))})
    result = import_bundle(con, tmp_path, data)
    assert result.exit_code == 2 and words in result.errors[0].message
    assert photos(con) == {}


def test_a_workbook_is_not_taken_for_a_bundle(con, tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    path.write_bytes(xlsx([["水乡救护", "柯桥区", "简介", "2020-09-01", "应急救护", 3000, "", ""]]))
    assert import_file(con, "brands", path).exit_code == 0
