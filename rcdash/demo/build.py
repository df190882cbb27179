"""Building the demo database: world → import files → the importer → a database renamed into place."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

import duckdb

from rcdash import config
from rcdash.demo import story
from rcdash.demo.anomalies import plant
from rcdash.demo.files import csv_bytes, write_csv_chunks, write_file, xlsx_bytes
from rcdash.demo.generate import DemoData, Row
from rcdash.demo.images import photo_name, placeholder_png
from rcdash.demo.submissions import SUBMITTED_KINDS, History, replay
from rcdash.demo.world import World, build_world
from rcdash.importing.load import EXIT_OK, Origin, division_index, import_file
from rcdash.metrics.derived import refresh
from rcdash.plans import read_file, store
from rcdash.records.kinds import KINDS
from rcdash.store.connections import connect, is_initialised
from rcdash.store.publish import writing
from rcdash.store.sql import first_row
from rcdash.topics.status import DEMO_META_KEY

SCALES = tuple(story.SCALE_FACTORS)
SCALE_META_KEY = "demo_scale"
DEMO_DIR = config.DATA_DIR / "demo"
MEDIA_DIR = config.DATA_DIR / "media" / "demo"
DEMO_USER = "demo"  # the import log's "who" for generated data
# The central imports arrive three days after their history ends, in the morning: before the earliest due date of its
# last period (activities: the 5th of the next month, DESIGN §9), so that period reads 按时.
CENTRAL_RECEIVED_AFTER, CENTRAL_RECEIVED_AT = timedelta(days=3), clock(9, 0)
ERRORS_SHOWN = 3  # import errors quoted when a generated file is rejected (a bug in the generator)
GBK = "gbk"
DEMO_PLAN_PATH = Path(__file__).resolve().parent / "plan-2023-2025.toml"  # the fictional second plan (示例)
README_NAME = "README.txt"
README_TEXT = ("本目录中的文件是自动生成的示例数据（示例数据，非真实统计），由 `python -m rcdash demo` 生成并导入示例数据库。\n"
               "同一 seed 和规模生成的文件逐字节相同。\n")

Progress = Callable[[str], None]


class DemoBuildError(RuntimeError):
    """A generated file the importer rejected: a bug in the generator, reported with the importer's messages."""


@dataclass(frozen=True)
class FilePlan:
    """One import kind's file(s): the format exercises a reader (XLSX, GBK with Chinese headers) on purpose."""

    kind: str
    format: str  # csv | xlsx | gbk


# Import order is the order an administrator would follow; kinds do not depend on each other.
FILE_PLANS = (
    FilePlan("population", "csv"),
    FilePlan("targets", "csv"),
    FilePlan("branches", "csv"),
    FilePlan("members", "csv"),
    FilePlan("sites", "csv"),
    FilePlan("teams", "xlsx"),
    FilePlan("activities", "csv"),
    FilePlan("brands", "xlsx"),
    FilePlan("funds", "csv"),
    FilePlan("rescue_stats", GBK),
    FilePlan("party", "xlsx"),
)


def default_files_dir(scale: str, seed: int) -> Path:
    """Where a demo's import files go unless told otherwise: data/demo/<scale>-<seed>/."""
    return DEMO_DIR / f"{scale}-{seed}"


def check_replaceable(db_path: Path) -> None:
    """Refuse (ValueError, in Chinese) to replace a database that holds imports of real data."""
    if not db_path.exists():
        return
    try:
        con = connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise ValueError(f"无法打开已有文件 {db_path}，未覆盖（{exc}）。请确认路径，或改用其他数据库路径。") from None
    try:
        if not is_initialised(con):
            raise ValueError(f"{db_path} 不是本看板的数据库，示例数据不会覆盖它。请改用其他数据库路径。")
        imports = first_row(con.execute("SELECT count(*) FROM imports"))[0]  # type: ignore[index]
        seed = first_row(con.execute("SELECT value FROM meta WHERE key = ?", [DEMO_META_KEY]))
    finally:
        con.close()
    if imports and seed is None:
        raise ValueError(f"数据库 {db_path} 已有 {imports} 次导入的正式数据，示例数据不会覆盖它。"
                         "请改用其他数据库路径；确需覆盖时请明确指定强制覆盖（force）。")


def write_photos(world: World) -> dict[tuple[str, str], str]:
    """One placeholder PNG per real brand project (synthetic counties reuse their template's): key → path."""
    photos: dict[tuple[str, str], str] = {}
    for county in world.real_counties:
        for brand in county.story.all_brands:
            name = photo_name(county.code, brand.name)
            write_file(MEDIA_DIR / name, placeholder_png(brand.name, county.name, brand.category))
            # Relative to the repository root, like every path the app resolves.
            photos[(county.code, brand.name)] = (MEDIA_DIR / name).relative_to(config.REPO_ROOT).as_posix()
    return photos


def write_import_files(data: DemoData, folder: Path,
                       rows_of: dict[str, list[Row]] | None = None) -> list[tuple[str, Path, int]]:
    """Every import file of the demo, in import order: (kind, path, rows); `rows_of`: the rows of some kinds when
    not all generated rows are imported centrally (the county submissions of rcdash.demo.submissions)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_file(folder / README_NAME, README_TEXT.encode("utf-8"))
    out: list[tuple[str, Path, int]] = []
    for number, plan in enumerate(FILE_PLANS, start=1):
        kind = KINDS[plan.kind]
        # A few planted mistakes (rcdash.demo.anomalies) are in the generated rows, whoever sends them.
        rows: Iterable[Row] = (rows_of[plan.kind] if rows_of and plan.kind in rows_of
                               else plant(plan.kind, getattr(data, plan.kind)(), data.world))
        stem = f"{number:02d}_{plan.kind}"
        if plan.format == "csv":
            out += [(plan.kind, path, n) for path, n in write_csv_chunks(kind, rows, folder, stem)]
            continue
        materialised = list(rows)
        if plan.format == "xlsx":
            path = write_file(folder / f"{stem}.xlsx", xlsx_bytes(kind, materialised))
        else:
            # The Chinese-header GBK file, as older Excel versions on Chinese Windows save CSV.
            path = write_file(folder / f"{stem}.gbk.csv", csv_bytes(kind, materialised, chinese=True, encoding=GBK))
        out.append((plan.kind, path, len(materialised)))
    return out


def central_received(kind: str, history: History | None) -> Origin:
    """When the demo's central import of a kind was received: a fixed moment just after the rows it holds end —
    before the county submissions for the kinds they carry (city), else after the data's last day — not the build's
    wall-clock time, so the 报送情况 of every period is the same whenever the demo is built, and a half-year after the
    data reads 未报送 rather than 'sent late' by the build."""
    ends = history.start - timedelta(days=1) if history is not None and kind in SUBMITTED_KINDS else story.DATA_END
    return Origin(received_at=datetime.combine(ends + CENTRAL_RECEIVED_AFTER, CENTRAL_RECEIVED_AT))


def _load(con: duckdb.DuckDBPyConnection, world: World, files: list[tuple[str, Path, int]], progress: Progress,
          warnings: list[str], history: History | None) -> dict[str, int]:
    """Into a new database: add synthetic divisions, import every file through the importer; rows per kind."""
    if len(world.synthetic_divisions):
        # The only bypass of the importer: synthetic reference divisions, which no import kind carries.
        con.register("synthetic_divisions", world.synthetic_divisions)
        con.execute("INSERT INTO divisions BY NAME SELECT * FROM synthetic_divisions")
        con.unregister("synthetic_divisions")
    index = division_index(con)
    loaded: dict[str, int] = {}
    for kind, path, _ in files:
        started = time.perf_counter()
        result = import_file(con, kind, path, user=DEMO_USER, divisions=index, origin=central_received(kind, history))
        if result.exit_code != EXIT_OK:
            shown = "；".join(f"第 {e.row} 行“{e.column}”（{e.value}）：{e.message}"
                             for e in result.errors[:ERRORS_SHOWN])
            raise DemoBuildError(f"示例数据文件 {path.name} 导入失败：{shown}")
        loaded[kind] = loaded.get(kind, 0) + result.accepted
        warnings.extend(f"{path.name}：{w}" for w in result.warnings)
        progress(f"已导入 {path.name}：{result.accepted} 行（{time.perf_counter() - started:.1f} 秒）")
    store(con, read_file(DEMO_PLAN_PATH))  # so every page can be seen under a second plan
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?), (?, ?)",
                [DEMO_META_KEY, str(world.seed), SCALE_META_KEY, world.scale])
    return loaded


def build_demo(
    db_path: Path,
    *,
    scale: str = "city",
    seed: int = story.DEFAULT_SEED,
    files_dir: Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> dict[str, object]:
    """Build the deterministic demo database at db_path; returns a short summary (path, rows per kind, files)."""
    if scale not in story.SCALE_FACTORS:
        raise ValueError(f"未知的示例数据规模“{scale}”，可选：{'、'.join(SCALES)}")
    db_path = Path(db_path)
    if not force:
        check_replaceable(db_path)
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    folder = Path(files_dir) if files_dir is not None else default_files_dir(scale, seed)

    world = build_world(scale, seed)
    villages = sum(len(c.villages) for c in world.counties)
    say(f"示例数据：规模 {scale}，seed {seed}，{len(world.counties)} 个区县、{villages} 个村（社区）")
    data = DemoData(world, write_photos(world))
    # The city demo's last half-year comes in as county submissions (DESIGN §9); larger scales import it all centrally.
    history = History({k: list(plant(k, getattr(data, k)(), world)) for k in SUBMITTED_KINDS}, seed) if scale == "city" else None
    files = write_import_files(data, folder, history.central if history else None)
    generated = time.perf_counter()
    say(f"已生成 {len(files)} 个导入文件：{folder}（{generated - started:.1f} 秒）")

    warnings: list[str] = []  # importer remarks on generated files: none expected
    # Built as a new snapshot and published only when complete: never a half-written database (rcdash.store.publish.writing).
    submitted: list[str] = []
    with writing(db_path, fresh=True, refresh=refresh) as con:
        loaded = _load(con, world, files, say, warnings, history)
        if history is not None:
            for name, kind, new_rows in replay(con, history, folder, say):
                submitted.append(name)
                loaded[kind] = loaded.get(kind, 0) + new_rows
    finished = time.perf_counter()
    say(f"示例数据库已生成：{db_path}（共 {finished - started:.1f} 秒）")
    return {
        "path": str(db_path), "scale": scale, "seed": seed, "files_dir": str(folder),
        "counties": len(world.counties), "villages": villages, "rows": loaded,
        "files": [p.name for _, p, _ in files] + submitted, "warnings": warnings,
        "seconds": {"generate": round(generated - started, 1), "import": round(finished - generated, 1)},
    }
