"""品牌展示: the 一地一品 projects — listing, filters and search, detail, and the photos-with-captions ZIP export."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rcdash.records.kinds import KINDS
from rcdash.store import media
from rcdash.store.sql import load_sql

SQL_DIR = Path(__file__).resolve().parent / "sql"

TAG_SEPARATORS = re.compile(r"[；;，,、|/\s]+")
UNSAFE_FILE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')  # not allowed in Windows file names
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # break XML documents; never meaningful
FORMULA_STARTS = ("=", "+", "-", "@")  # a cell starting so is a formula to Excel: exported text gets a leading '
MAX_FILE_STEM = 60  # characters of a project name kept in an exported file name
CAPTIONS_NAME = "说明.csv"
PHOTOS_FOLDER = "照片"
NO_START = "启动日期未填"


def clean_text(value: object) -> str:
    """User text safe for documents: None as '', control characters removed."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return CONTROL_CHARS.sub("", str(value)).strip()


def csv_safe(text: str) -> str:
    """Text for a CSV cell that Excel will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def split_tags(text: object) -> list[str]:
    """Tags as written ('博爱家园；水上救援'), split on the separators people use, without repeats."""
    return list(dict.fromkeys(t for t in TAG_SEPARATORS.split(clean_text(text)) if t))


def years_label(started_on: object, as_of: date) -> str:
    """'2020 年 6 月启动 · 第 3 年'."""
    if started_on is None or pd.isna(started_on):
        return NO_START
    start = pd.Timestamp(started_on).date()
    return f"{start.year} 年 {start.month} 月启动 · 第 {as_of.year - start.year + 1} 年"


def gallery(con: duckdb.DuckDBPyConnection, as_of: date, county: str | None = None) -> pd.DataFrame:
    """The projects started by as_of (as brand_projects counts them), with tags split and photos resolved."""
    frame = con.execute(load_sql("brands_gallery", SQL_DIR), {"as_of": as_of, "county": county}).df()
    frame["started_on"] = pd.to_datetime(frame["started_on"]).dt.date
    frame["started_on"] = frame["started_on"].astype("object").where(frame["started_on"].notna(), None)
    frame["tag_list"] = frame["tags"].map(split_tags)
    paths = [_path_text(media.resolve(p)) for p in frame["photo"]]
    frame["photo_path"] = pd.Series(paths, index=frame.index, dtype="object")  # None, not NaN, when missing
    frame["years"] = frame["started_on"].map(lambda d: years_label(d, as_of))
    frame["key"] = frame["county"] + "/" + frame["name"]
    return frame


def _path_text(path: object) -> str | None:
    """A resolved path as text (None stays None): DataFrames cache and compare plain values best."""
    return None if path is None else str(path)


def categories(frame: pd.DataFrame) -> list[str]:
    """The project categories present, sorted."""
    return sorted({c for c in frame["category"].dropna().map(clean_text) if c})


def tags(frame: pd.DataFrame) -> list[str]:
    """The tags present, most used first."""
    counts = pd.Series([t for ts in frame["tag_list"] for t in ts], dtype="object").value_counts()
    return list(counts.index)


def filter_brands(frame: pd.DataFrame, chosen_categories: list[str] | None = None, chosen_tags: list[str] | None = None,
                  text: str = "") -> pd.DataFrame:
    """Projects of the chosen categories, carrying every chosen tag, whose text contains the search words."""
    keep = pd.Series(True, index=frame.index)
    if chosen_categories:
        keep &= frame["category"].isin(chosen_categories)
    if chosen_tags:
        keep &= frame["tag_list"].map(lambda ts: all(t in ts for t in chosen_tags))
    for word in text.split():
        haystack = (frame["name"].fillna("") + " " + frame["description"].fillna("") + " " + frame["tags"].fillna("")
                    + " " + frame["county_name"].fillna("") + " " + frame["category"].fillna(""))
        keep &= haystack.str.contains(word, case=False, regex=False)
    return frame[keep]


def beneficiaries_text(value: object) -> str:
    """'16,986 人', or 未填."""
    return "未填" if value is None or pd.isna(value) else f"{int(value):,} 人"


def detail_fields(row: pd.Series) -> list[tuple[str, str]]:
    """The labelled facts of one project, in reading order (description excluded: it is shown as a block)."""
    return [
        ("区、县（市）", clean_text(row["county_name"])),
        ("项目类别", clean_text(row["category"]) or "未填"),
        ("启动", row["years"]),
        ("受益人数", beneficiaries_text(row["beneficiaries"])),
        ("标签", "、".join(row["tag_list"]) or "无"),
    ]


def export_file_name(index: int, row: pd.Series) -> str:
    """'01_柯桥区_水上救援先锋.jpg': numbered, county and project, characters Windows refuses removed."""
    stem = UNSAFE_FILE_CHARS.sub("_", f"{clean_text(row['county_name'])}_{clean_text(row['name'])}")[:MAX_FILE_STEM]
    return f"{index:02d}_{stem.strip(' ._') or 'project'}.jpg"


def photos_zip(frame: pd.DataFrame) -> bytes:
    """The projects' photos (metadata-free JPEGs) and a captions CSV whose columns are the brands import template's:
    the ZIP can be imported again as a brands bundle."""
    kind = KINDS["brands"]
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([f.zh for f in kind.fields])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # JPEGs do not compress further
        for index, (_, row) in enumerate(frame.iterrows(), start=1):
            jpeg = media.photo_jpeg(media.resolve(row["photo"]))
            photo = ""
            if jpeg is not None:
                photo = f"{PHOTOS_FOLDER}/{export_file_name(index, row)}"
                archive.writestr(photo, jpeg)
            started = row["started_on"].isoformat() if row["started_on"] is not None else ""
            beneficiaries = "" if pd.isna(row["beneficiaries"]) else int(row["beneficiaries"])
            texts = [csv_safe(clean_text(row[c])) for c in ("name", "county_name", "description", "category", "tags")]
            writer.writerow([*texts[:3], started, texts[3], beneficiaries, photo, texts[4]])
        archive.writestr(CAPTIONS_NAME, text.getvalue().encode("utf-8-sig"))  # the BOM lets Excel read the Chinese
    return out.getvalue()
