"""One briefing, three formats: pick the writer by file extension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rcdash.reports.model import Briefing

MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMATS = tuple(MIME_TYPES)  # docx, xlsx, pdf
FORMAT_LABELS = {"docx": "Word", "xlsx": "Excel", "pdf": "PDF"}


def format_of(path: str | Path) -> str:
    """The format named by a file's extension; ValueError (in Chinese) for any other."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in MIME_TYPES:
        shown = f" {Path(path).suffix}" if Path(path).suffix else "（没有扩展名）"
        raise ValueError(f"不支持的文件类型{shown}：报告文件名应以 .docx、.xlsx 或 .pdf 结尾，例如 --out 通报.docx")
    return suffix


def _writer(fmt: str) -> Callable[[Briefing], bytes]:
    """The renderer of one format (imported lazily: each pulls in its own library)."""
    if fmt == "docx":
        from rcdash.reports.docx_writer import briefing_docx

        return briefing_docx
    if fmt == "xlsx":
        from rcdash.reports.xlsx_writer import briefing_xlsx

        return briefing_xlsx
    from rcdash.reports.pdf_writer import briefing_pdf

    return briefing_pdf


def render(briefing: Briefing, fmt: str) -> bytes:
    """The briefing as the bytes of a .docx, .xlsx or .pdf file."""
    if fmt not in MIME_TYPES:
        raise ValueError(f"unknown format {fmt!r}")
    return _writer(fmt)(briefing)


def file_name(briefing: Briefing, fmt: str) -> str:
    """'绍兴市红十字会_2022年下半年工作进度通报.pdf'."""
    return f"{briefing.file_stem}.{fmt}"
