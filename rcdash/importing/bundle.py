"""Import bundles: a ZIP holding one spreadsheet plus the photo files its photo column names."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rcdash.importing.parse import CellError
from rcdash.importing.read import MAX_FILE_BYTES, XLSX_MAGIC, FileProblem
from rcdash.store import media

MAX_BUNDLE_BYTES = 200 * 1024 * 1024  # a few dozen phone photos with their sheet
MAX_BUNDLE_MEMBERS = 2000  # files inside one ZIP; a county never has that many projects
MAX_BUNDLE_EXPANDED_BYTES = 1024 * 1024 * 1024  # photos barely compress: far more than this is a zip bomb
SHEET_SUFFIXES = (".xlsx", ".xls", ".csv")
# Files that archivers and file browsers add on their own; never part of a bundle.
IGNORED_PARTS = ("__MACOSX",)
IGNORED_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
UTF8_NAME_FLAG = 0x800  # set when the archiver wrote names in UTF-8; Chinese Windows tools often write GBK


@dataclass
class Bundle:
    """An opened bundle: its sheet and its other files, looked up by path or by unique file name."""

    sheet_name: str
    sheet: bytes
    archive: zipfile.ZipFile
    members: dict[str, zipfile.ZipInfo]  # folded path → entry
    by_basename: dict[str, list[str]] = field(default_factory=dict)  # folded file name → folded paths
    used: set[str] = field(default_factory=set)

    def find(self, written: str) -> zipfile.ZipInfo | None:
        """The entry a photo cell names: its path inside the ZIP, or a file name that occurs once."""
        key = _fold(written)
        if key in self.members:
            return self.members[key]
        paths = self.by_basename.get(PurePosixPath(key).name, [])
        return self.members[paths[0]] if len(paths) == 1 else None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """One entry's bytes, never more than an image may have (the header's size is not trusted)."""
        with self.archive.open(info) as fh:
            data = fh.read(media.MAX_IMAGE_BYTES + 1)
        self.used.add(_fold(_entry_name(info)))
        return data

    def unused(self) -> list[str]:
        """Files of the bundle that no row named."""
        return sorted(_entry_name(info) for key, info in self.members.items() if key not in self.used)


def _fold(name: str) -> str:
    """A file name folded for matching: NFC, forward slashes, no leading ./, case-insensitive."""
    text = unicodedata.normalize("NFC", str(name)).strip().replace("\\", "/")
    while text.startswith("./") or text.startswith("/"):
        text = text[2:] if text.startswith("./") else text[1:]
    return text.casefold()


def _entry_name(info: zipfile.ZipInfo) -> str:
    """An entry's name as its author wrote it: GBK names from Chinese Windows archivers decoded as such."""
    if info.flag_bits & UTF8_NAME_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")  # zipfile decoded the unflagged name as cp437
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):  # macOS tools write UTF-8 without the flag
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _ignored(name: str) -> bool:
    """Folders and the files archivers add on their own."""
    path = PurePosixPath(name)
    return (name.endswith("/") or any(part in IGNORED_PARTS for part in path.parts)
            or path.name.casefold() in IGNORED_NAMES or path.name.startswith("._"))


def is_bundle(data: bytes) -> bool:
    """A ZIP archive that is not an Excel workbook."""
    if not data.startswith(XLSX_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" not in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_if_bundle(path: Path, data: bytes | None) -> bytes | None:
    """The file's bytes when it is a bundle (read with the bundle's own size limit), else None."""
    if data is None:
        try:
            with path.open("rb") as fh:
                if fh.read(len(XLSX_MAGIC)) != XLSX_MAGIC:
                    return None
            with zipfile.ZipFile(path) as archive:  # reads only the directory at the end of the file
                if "[Content_Types].xml" in archive.namelist():
                    return None  # a workbook: the ordinary reader takes it
            size = path.stat().st_size
        except (OSError, zipfile.BadZipFile):
            return None  # the ordinary reader reports the problem
        if size > MAX_BUNDLE_BYTES:
            raise FileProblem(f"ZIP 包过大（{size / 1e6:.0f} MB），上限 {MAX_BUNDLE_BYTES // 1024 // 1024} MB，请分成几个包导入")
        return path.read_bytes()
    if not is_bundle(data):
        return None
    if len(data) > MAX_BUNDLE_BYTES:
        raise FileProblem(f"ZIP 包过大（{len(data) / 1e6:.0f} MB），上限 {MAX_BUNDLE_BYTES // 1024 // 1024} MB，请分成几个包导入")
    return data


def open_bundle(data: bytes) -> Bundle:
    """Check a bundle's entries and find its one spreadsheet; FileProblem when it cannot be used."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise FileProblem("ZIP 包已损坏，请重新打包") from None
    if len(infos) > MAX_BUNDLE_MEMBERS:
        raise FileProblem(f"ZIP 包中文件过多（{len(infos)} 个），上限 {MAX_BUNDLE_MEMBERS} 个，请分成几个包导入")
    if sum(info.file_size for info in infos) > MAX_BUNDLE_EXPANDED_BYTES:
        raise FileProblem("ZIP 包解压后体积异常（疑似压缩炸弹），已拒绝；请直接打包表格和照片原图")
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileProblem("ZIP 包设置了密码，请去掉密码后重新打包")
    sheets: list[zipfile.ZipInfo] = []
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = _entry_name(info)
        if _ignored(name):
            continue
        if PurePosixPath(name).suffix.lower() in SHEET_SUFFIXES:
            sheets.append(info)
        else:
            members[_fold(name)] = info
    if len(sheets) != 1:
        found = "、".join(_entry_name(s) for s in sheets) if sheets else "没有"
        raise FileProblem(f"ZIP 包中应有且只有一个表格文件（.xlsx 或 .csv），现在{found}；照片放在同一个包里，表格的“照片”列写文件名")
    sheet = sheets[0]
    if sheet.file_size > MAX_FILE_BYTES:
        raise FileProblem(f"ZIP 包中的表格过大，上限 {MAX_FILE_BYTES // 1024 // 1024} MB")
    with archive.open(sheet) as fh:
        sheet_bytes = fh.read(MAX_FILE_BYTES + 1)
    by_basename: dict[str, list[str]] = {}
    for key in members:
        by_basename.setdefault(PurePosixPath(key).name, []).append(key)
    return Bundle(_entry_name(sheet), sheet_bytes, archive, members, by_basename)


class PhotoSource:
    """What a photo cell may name: a file in the bundle (checked, re-encoded, kept until the load) or a stored photo."""

    def __init__(self, bundle: Bundle | None = None, media_root: Path | None = None) -> None:
        self.bundle = bundle
        self.media_root = media_root
        self.pending: dict[str, bytes] = {}  # reference → normalised JPEG, written only when the import loads
        self._done: dict[str, str] = {}  # folded bundle path → reference

    def __call__(self, value: object) -> str:
        """The stored reference for a photo cell, or CellError with what to do."""
        written = str(value).strip()
        if self.bundle is not None:
            info = self.bundle.find(written)
            if info is not None:
                return self._from_bundle(info)
        if media.resolve(written, self.media_root) is not None:
            return written  # a photo stored earlier (an exported sheet re-imported, or the demo's pictures)
        if self.bundle is None:
            raise CellError(f"找不到照片“{written}”。请把表格和照片文件一起打包成 ZIP 导入"
                            "（例如 `python -m rcdash import brands 一地一品.zip`），“照片”列写包内的文件名；没有照片请留空")
        shown = "、".join(self.bundle.unused()[:5]) or "无"
        raise CellError(f"ZIP 包中没有名为“{written}”的文件（文件名不唯一时请写包内路径）；包内未用到的文件：{shown}")

    def _from_bundle(self, info: zipfile.ZipInfo) -> str:
        """Check and re-encode one bundled image (once, however many rows name it)."""
        key = _fold(_entry_name(info))
        if key in self._done:
            return self._done[key]
        try:
            jpeg = media.normalise_image(self.bundle.read(info))  # type: ignore[union-attr]
        except media.ImageProblem as exc:
            raise CellError(f"照片“{_entry_name(info)}”{exc}") from None
        reference = media.stored_reference(jpeg)
        self.pending[reference] = jpeg
        self._done[key] = reference
        return reference

    def write_pending(self) -> list[str]:
        """Store the checked images; returns the references of files this call created (to undo on failure)."""
        created = []
        try:
            for jpeg in self.pending.values():
                reference, new = media.store(jpeg, self.media_root)
                if new:
                    created.append(reference)
        except OSError:
            media.remove(created, self.media_root)
            raise
        return created

    def discard(self, created: list[str]) -> None:
        """Remove the files write_pending created (the database transaction failed)."""
        media.remove(created, self.media_root)

    def warnings(self) -> list[str]:
        """Remarks for the import result: bundle files no row used."""
        if self.bundle is None:
            return []
        unused = self.bundle.unused()
        if not unused:
            return []
        shown = "、".join(unused[:10]) + ("等" if len(unused) > 10 else "")
        return [f"ZIP 包中有 {len(unused)} 个文件没有被任何行的“照片”列引用，已忽略：{shown}"]
