"""The performance benchmark of issue #9: `.venv/bin/python bench/run.py --scale city|province|national [--json]`.

It builds the demo database of the scale once (kept under data/bench/, rebuilt when the schema changes) and
measures, each as the median of several runs:

- kpi_ms: every metric of DESIGN §5 for the city, every county and every township as of the latest data date
  (the metrics engine on a fresh read-only snapshot, no cache in Python: the latest date's metrics are stored by
  each write — `rcdash import` in a second write right after its rows, rcdash.metrics.derived.settle — see
  rcdash.metrics.engine.store_latest); kpi_engine_ms: the same for the day before, which the
  engine computes from the records; kpi_report_ms: `rcdash kpi` (county level, with plan rules and the 13-date
  outlook), for context;
- page_ms: server time of every page under AppTest with default filters, for a new session in a server that has
  served the page before (what a visitor normally gets); page_cold_ms: the first visit after a new snapshot is
  published (every cache empty); page_floor_ms: the same for a trivial Streamlit page;
- import_rows_per_s: a 100,000-row members file as CSV and as XLSX, imported as `rcdash import` does it, until
  its rows are published as a new snapshot; import_time_ratio: the CSV import's time ÷ the time DuckDB's own
  read_csv takes for the same file (reported at every scale, budgeted at city scale only); import_settle_ms:
  what `rcdash import` does next, as its own write — store the latest metrics again
  (rcdash.metrics.derived.settle; readers compute them until then);
- map_payload_bytes: what the 地图 page sends for its map;
- concurrent_sessions_ms: 10 Chromium sessions opening 总览 at once (median time to a finished render), and
  app_peak_rss_mb: the server's peak resident memory after rendering every page (when Chromium is present);
- load (with --load N): N sessions at once over Streamlit's websocket protocol, no browser, through the pages a
  monthly meeting opens — per page p50/p95 time to the finished run and the server's CPU per view, the floor
  page's CPU per view measured the same way (bench/load.py).

Budgets (issue #9) are checked and printed; with --json the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere without installing

from rcdash.config import REPO_ROOT

BENCH_DIR = REPO_ROOT / "data" / "bench"
IMPORT_ROWS = 100_000
DEFAULT_RUNS = 5
PAGE_TIMEOUT_S = 600  # a cold national page on 2 cores; the benchmark reports, it does not time out early
FLOOR_PAGE = 'import streamlit as st\n\nst.title("基线")\nst.write("一个最简单的页面。")\n'
BUDGETS = {  # issue #9; pages at city scale are judged against 3 × page_floor_ms
    "page_ms_province_max": 1000.0,
    "page_floor_ratio_city_max": 3.0,
    "kpi_ms_national_max": 200.0,
    # Real files have a few thousand rows: the one simple import path is budgeted against DuckDB's read_csv at
    # city scale (issue 17), national imports are not budgeted.
    "import_time_ratio_city_max": 15.0,
    "import_xlsx_rows_per_s_city_min": 50_000.0,
    "map_payload_bytes_city_max": 3 * 1024 * 1024,
    # Issue 22: a meeting's crowd served by one process; each page's server CPU per view against the floor page's.
    "load_errors_max": 0,
    "load_cpu_floor_ratio_city_max": 3.0,
}


def say(message: str) -> None:
    """Progress on stderr, so stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


def median_ms(samples: list[float]) -> float:
    """The median of seconds, in milliseconds, rounded."""
    return round(statistics.median(samples) * 1000, 1)


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Seconds of `runs` calls of fn."""
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


# ---- the database ------------------------------------------------------------------------------------------


def bench_db(scale: str) -> Path:
    """The demo database of a scale, built when missing or made by an older schema."""
    from rcdash.demo import DEFAULT_SEED, build_demo
    from rcdash.metrics.derived import init_db, outdated
    from rcdash.store.connections import open_snapshot
    from rcdash.store.schema import SCHEMA_VERSION, has_schema
    from rcdash.store.sql import first_row

    path = BENCH_DIR / f"{scale}.duckdb"
    if path.exists():
        con = open_snapshot(path)
        try:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            rows = first_row(con.execute("SELECT count(*) FROM members"))
            stale = outdated(con) + ([] if has_schema(con) else ["the schema"])
        finally:
            con.close()
        if meta.get("schema_version") == SCHEMA_VERSION and meta.get("demo_scale") == scale and rows and rows[0]:
            if stale:  # made before a derived table existed or was defined as now: rebuild as any write would
                say(f"rebuilding {', '.join(stale)} in {path} …")
                init_db(path)
            return path
    say(f"building the {scale} demo database (national takes about two minutes) …")
    started = time.perf_counter()
    build_demo(path, scale=scale, seed=DEFAULT_SEED, files_dir=BENCH_DIR / f"{scale}-files", force=True)
    say(f"  built {path} in {time.perf_counter() - started:.1f} s")
    return path


# ---- kpi ---------------------------------------------------------------------------------------------------


def measure_kpi(db: Path, runs: int) -> dict[str, object]:
    """The metrics of every area (city, counties, townships) at the latest date, and the CLI's kpi report."""
    from rcdash.metrics.engine import compute_all, default_as_of
    from rcdash.metrics.kpi import kpi
    from rcdash.plans import default_plan
    from rcdash.store.connections import open_snapshot

    con = open_snapshot(db)
    try:
        as_of = default_as_of(con)
        frame = compute_all(con, [as_of])
        levels = frame["level"].value_counts().to_dict()
        metric_samples = timed(lambda: compute_all(con, [as_of]), runs + 1)[1:]  # the first run warms the page cache
        # The same for a date whose metrics are not stored: what the engine costs from the records themselves.
        day_before = [as_of - timedelta(days=1)]
        engine_samples = timed(lambda: compute_all(con, day_before), runs + 1)[1:]
        plan = default_plan(con, as_of)  # as `rcdash kpi` picks it
        report_samples = timed(lambda: kpi(con, as_of, "county", plan=plan), runs)
    finally:
        con.close()
    return {"as_of": as_of.isoformat(), "areas": {str(k): int(v) for k, v in levels.items()},
            "kpi_ms": median_ms(metric_samples), "kpi_engine_ms": median_ms(engine_samples),
            "kpi_report_ms": median_ms(report_samples)}


# ---- pages -------------------------------------------------------------------------------------------------


def _clear_caches() -> None:
    """Every Streamlit cache of this process: the state right after an import publishes a new snapshot."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _page_run(script: Path, cold: bool, components: object | None = None) -> tuple[float, object]:
    """Server seconds of one new session running a page, and its AppTest.

    components: a component registry to reuse. A new AppTest scans every installed package for Streamlit
    components on its first run (~100–250 ms here), which a server does once at start; the floor is measured
    both ways to show how much of it that is.
    """
    from streamlit.testing.v1 import AppTest

    if cold:
        _clear_caches()
    at = AppTest.from_file(str(script), default_timeout=PAGE_TIMEOUT_S)
    if components is not None:
        at._bidi_component_manager = components  # private: the registry a running server would already have
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"{script.name}: {at.exception[0].message}")
    return elapsed, at


def measure_pages(db: Path, runs: int, only: list[str] | None = None) -> dict[str, object]:
    """page_floor_ms, page_ms and page_cold_ms of every page (AppTest, default filters).

    The floor is sampled between the pages' runs as well as before them: this machine's speed drifts (the same
    trivial page took 117 ms in one run and 229 ms in the next), and the budget compares the two.
    """
    os.environ["RCDASH_DB"] = str(db)
    pages = sorted(p for p in (REPO_ROOT / "pages").glob("*.py") if not only or p.stem in only)
    warm: dict[str, float] = {}
    cold: dict[str, float] = {}
    payload = None
    with tempfile.TemporaryDirectory(prefix="rcdash-bench-floor-") as tmp:
        floor = Path(tmp) / "floor.py"
        floor.write_text(FLOOR_PAGE, encoding="utf-8")
        _, first = _page_run(floor, cold=False)
        floor_samples = [_page_run(floor, cold=False)[0] for _ in range(runs)]
        components = getattr(first, "_bidi_component_manager", None)
        floor_server_ms = median_ms([_page_run(floor, cold=False, components=components)[0] for _ in range(runs)])
        for script in pages:
            _page_run(script, cold=True)  # imports the page's modules once, as a running server has
            cold_samples, warm_samples = [], []
            for _ in range(runs):
                cold_samples.append(_page_run(script, cold=True)[0])
                seconds, at = _page_run(script, cold=False)
                warm_samples.append(seconds)
                floor_samples.append(_page_run(floor, cold=False)[0])
            cold[script.stem], warm[script.stem] = median_ms(cold_samples), median_ms(warm_samples)
            if script.stem == "map":
                payload = map_payload_bytes(at)
            say(f"  page {script.stem:13s} {warm[script.stem]:8.1f} ms  (cold {cold[script.stem]:8.1f} ms)")
    floor_ms = median_ms(floor_samples)
    return {"page_floor_ms": floor_ms, "page_ms": warm, "page_cold_ms": cold, "map_payload_bytes": payload,
            "apptest_component_scan_ms": round(floor_ms - floor_server_ms, 1)}


def map_payload_bytes(at: object) -> int:
    """Bytes of the map component's arguments: the map's HTML, script and header sent to the browser."""
    total = 0
    for element in at.get("component_instance"):  # type: ignore[attr-defined]
        if element.proto.component_name == "streamlit_folium.st_folium":
            total += len(element.proto.json_args.encode())
    return total


# ---- import ------------------------------------------------------------------------------------------------


def _members_rows(db: Path) -> list[tuple[object, ...]]:
    """100,000 members rows over the scale's divisions: half by code, half by name, a few dates and numbers
    written the other ways the importer accepts (2021/3/5, 2021年3月5日, 1,234), some youth counts blank."""
    from rcdash.importing.load import division_index
    from rcdash.store.connections import open_snapshot

    con = open_snapshot(db)
    try:
        index = division_index(con)
        codes = [r[0] for r in con.execute("SELECT code FROM divisions WHERE level <> 'city' ORDER BY code").fetchall()]
    finally:
        con.close()
    names = {}
    for code in codes:  # a name path where it reads back as the same division (synthetic names contain '-')
        path = index.display_path(code)  # type: ignore[attr-defined]
        names[code] = path if index.resolve(path).code == code else code  # type: ignore[attr-defined]
    rows: list[tuple[object, ...]] = []
    first = date(2020, 1, 5)
    week = 0
    while len(rows) < IMPORT_ROWS:
        day = first + timedelta(days=7 * week)
        for code in codes:
            i = len(rows)
            division = code if i % 2 == 0 else names[code]
            adult = (i * 7919) % 4950 + 50
            youth = None if i % 6 == 0 else adult // 3
            rows.append((division, day, adult, youth))
            if len(rows) == IMPORT_ROWS:
                break
        week += 1
    return rows


def _csv_cells(i: int, row: tuple[object, ...]) -> list[str]:
    """A row as typed into a CSV."""
    division, day, adult, youth = row
    if i % 10 == 7:
        written = f"{day.year}/{day.month}/{day.day}"  # type: ignore[attr-defined]
    elif i % 10 == 9:
        written = f"{day.year}年{day.month}月{day.day}日"  # type: ignore[attr-defined]
    else:
        written = day.isoformat()  # type: ignore[attr-defined]
    adult_text = f"{adult:,}" if i % 4 == 0 else str(adult)
    return [str(division), written, adult_text, "" if youth is None else str(youth)]


def import_files(db: Path, scale: str) -> tuple[Path, Path]:
    """The 100,000-row members CSV and XLSX of a scale (written once, kept beside the database)."""
    import csv

    from rcdash.demo.files import xlsx_bytes
    from rcdash.records.kinds import KINDS

    folder = BENCH_DIR / f"{scale}-import"
    csv_path, xlsx_path = folder / "members_100k.csv", folder / "members_100k.xlsx"
    if csv_path.exists() and xlsx_path.exists():
        return csv_path, xlsx_path
    say(f"writing the {IMPORT_ROWS:,}-row members files for {scale} …")
    folder.mkdir(parents=True, exist_ok=True)
    rows = _members_rows(db)
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f.name for f in KINDS["members"].fields])
        writer.writerows(_csv_cells(i, row) for i, row in enumerate(rows))
    xlsx_path.write_bytes(xlsx_bytes(KINDS["members"], rows))
    return csv_path, xlsx_path


def _import_once(db: Path, source: Path, work: Path) -> tuple[float, float]:
    """Seconds of `rcdash import members FILE` (what the CLI runs) on a fresh copy of the database: (the file read,
    checked, loaded and a new snapshot published; then the stored latest metrics rebuilt as the next write)."""
    from rcdash.importing.load import EXIT_OK, import_into
    from rcdash.metrics.derived import refresh_deferring, settle
    from rcdash.store.publish import fsync_path

    target = work / "import.duckdb"
    shutil.copyfile(db, target)
    fsync_path(target)  # the copy's dirty pages are the bench's business, not the import's
    started = time.perf_counter()
    result = import_into(target, "members", source, user="bench", refresh=refresh_deferring)
    elapsed = time.perf_counter() - started
    if result.exit_code != EXIT_OK or result.accepted != IMPORT_ROWS:
        shown = "; ".join(f"row {e.row} {e.column} {e.value}: {e.message}" for e in result.errors[:3])
        raise SystemExit(f"bench import of {source.name} failed ({result.exit_code}): {shown}")
    started = time.perf_counter()
    if not settle(target):
        raise SystemExit("bench import: nothing to settle after the import (the stored metrics were not dropped?)")
    settled = time.perf_counter() - started
    target.unlink()
    return elapsed, settled


def _read_csv_once(path: Path) -> float:
    """Seconds of DuckDB reading the same CSV into a table (all columns parsed and materialised)."""
    import duckdb

    con = duckdb.connect(":memory:")
    literal = "'" + str(path).replace("'", "''") + "'"  # read_csv takes no bound parameter; the path is ours
    started = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv({literal}, header = true)")
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def measure_import(db: Path, scale: str, runs: int) -> dict[str, object]:
    """Rows per second of the CSV and XLSX imports and of DuckDB's read_csv, and the ratio."""
    csv_path, xlsx_path = import_files(db, scale)
    with tempfile.TemporaryDirectory(prefix="rcdash-bench-import-", dir=BENCH_DIR) as tmp:
        work = Path(tmp)
        _import_once(db, csv_path, work)  # warms imports and the page cache
        _read_csv_once(csv_path)
        csv_runs, read_runs = [], []
        for _ in range(runs):  # alternated: this machine's speed drifts, and the ratio compares the two
            csv_runs.append(_import_once(db, csv_path, work))
            read_runs.append(_read_csv_once(csv_path))
        xlsx_runs = [_import_once(db, xlsx_path, work) for _ in range(runs)]
    csv_s, xlsx_s = statistics.median(r[0] for r in csv_runs), statistics.median(r[0] for r in xlsx_runs)
    settle_s = statistics.median(r[1] for r in csv_runs + xlsx_runs)
    read_s = statistics.median(read_runs)
    csv_rate, xlsx_rate, read_rate = IMPORT_ROWS / csv_s, IMPORT_ROWS / xlsx_s, IMPORT_ROWS / read_s
    return {
        "import_rows_per_s": {"csv": round(csv_rate), "xlsx": round(xlsx_rate)},
        "import_ms": {"csv": round(csv_s * 1000, 1), "xlsx": round(xlsx_s * 1000, 1)},
        "import_settle_ms": round(settle_s * 1000, 1),
        "read_csv_ms": round(read_s * 1000, 1),
        "read_csv_rows_per_s": round(read_rate),
        "import_time_ratio": round(csv_s / read_s, 2),
    }


# ---- browser -----------------------------------------------------------------------------------------------


def measure_browser(db: Path, rounds: int) -> dict[str, object]:
    """Concurrent sessions and the app's peak memory, when Chromium is installed."""
    import sessions

    if not sessions.chromium_available():
        return {"concurrent_sessions_ms": None, "app_peak_rss_mb": None,
                "browser_skipped": f"no Chromium at {sessions.CHROMIUM}"}
    return sessions.measure(db, rounds)


# ---- report ------------------------------------------------------------------------------------------------


def budgets(scale: str, result: dict[str, object]) -> dict[str, dict[str, object]]:
    """Each budget of issue #9 that applies at this scale: value, limit, met."""
    checks: dict[str, dict[str, object]] = {}

    def check(name: str, value: float | None, limit: float, at_most: bool = True) -> None:
        if value is None:
            return
        checks[name] = {"value": value, "limit": limit, "ok": value <= limit if at_most else value >= limit}

    pages: dict[str, float] = result.get("page_ms") or {}  # type: ignore[assignment]
    if pages and scale == "province":
        check("page_ms (slowest page)", max(pages.values()), BUDGETS["page_ms_province_max"])
    if pages and scale == "city" and result.get("page_floor_ms"):
        ratio = round(max(pages.values()) / float(result["page_floor_ms"]), 2)  # type: ignore[arg-type]
        check("page_ms ÷ page_floor_ms (slowest page)", ratio, BUDGETS["page_floor_ratio_city_max"])
    if scale == "national":
        check("kpi_ms", result.get("kpi_ms"), BUDGETS["kpi_ms_national_max"])  # type: ignore[arg-type]
    if scale == "city":
        check("import_time_ratio", result.get("import_time_ratio"), BUDGETS["import_time_ratio_city_max"])  # type: ignore[arg-type]
        rates: dict[str, float] = result.get("import_rows_per_s") or {}  # type: ignore[assignment]
        check("import_rows_per_s xlsx", rates.get("xlsx"), BUDGETS["import_xlsx_rows_per_s_city_min"], at_most=False)
        check("map_payload_bytes", result.get("map_payload_bytes"), BUDGETS["map_payload_bytes_city_max"])  # type: ignore[arg-type]
    load: dict[str, object] = result.get("load") or {}  # type: ignore[assignment]
    if load:
        check(f"load errors ({load['sessions']} sessions)", load["errors"], BUDGETS["load_errors_max"])  # type: ignore[arg-type]
    if load and scale == "city" and load.get("floor_cpu_per_view_ms"):
        per_view: dict[str, float] = load["cpu_per_view_ms"]  # type: ignore[assignment]
        ratio = round(max(per_view.values()) / float(load["floor_cpu_per_view_ms"]), 2)  # type: ignore[arg-type]
        check("load cpu_per_view ÷ floor (costliest page)", ratio, BUDGETS["load_cpu_floor_ratio_city_max"])
    return checks


PARTS = ("kpi", "pages", "import", "browser")


def main(argv: list[str] | None = None) -> int:
    """Measure one scale and print the figures (and one JSON line with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("city", "province", "national"), default="city")
    parser.add_argument("--json", action="store_true", help="end with one JSON object on the last line")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per figure (the median is reported)")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="measure only these parts")
    parser.add_argument("--pages", nargs="+", metavar="PAGE", help="only these pages (file stems)")
    parser.add_argument("--load", type=int, metavar="N", help="N concurrent protocol-level sessions (bench/load.py); "
                        "with --load and no --only, only the load is measured")
    args = parser.parse_args(argv)
    if args.load is not None and args.load < 1:
        parser.error("--load takes a number of sessions ≥ 1")
    parts = args.only or (() if args.load else PARTS)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    db = bench_db(args.scale)
    result: dict[str, object] = {"scale": args.scale, "runs": args.runs, "cpus": os.cpu_count()}
    if "kpi" in parts:
        say("kpi …")
        result.update(measure_kpi(db, args.runs))
    if "import" in parts:  # before the pages: `rcdash import` runs in a process of its own, without the
        say("import …")      # Streamlit runtime that a dozen AppTest runs leave behind in this one
        result.update(measure_import(db, args.scale, args.runs))
    if "pages" in parts:
        say("pages (AppTest) …")
        result.update(measure_pages(db, args.runs, args.pages))
    if "browser" in parts:
        say("browser sessions …")
        result.update(measure_browser(db, max(1, args.runs // 2)))
    if args.load:
        import load

        say(f"load: {args.load} sessions …")
        result["load"] = load.measure(db, args.load, FLOOR_PAGE)
    result["budgets"] = budgets(args.scale, result)
    print_report(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


def print_report(result: dict[str, object]) -> None:
    """The figures as a short text report."""
    print(f"scale {result['scale']} · median of {result['runs']} runs · {result['cpus']} CPUs")
    for key in ("as_of", "kpi_ms", "kpi_engine_ms", "kpi_report_ms", "page_floor_ms", "apptest_component_scan_ms", "map_payload_bytes",
                "import_rows_per_s", "import_ms", "import_settle_ms",
                "read_csv_ms", "read_csv_rows_per_s", "import_time_ratio", "concurrent_sessions_ms", "concurrent_sessions_cold_ms",
                "app_peak_rss_mb", "browser_skipped"):
        if key in result:
            print(f"  {key:28s} {result[key]}")
    pages: dict[str, float] = result.get("page_ms") or {}  # type: ignore[assignment]
    cold: dict[str, float] = result.get("page_cold_ms") or {}  # type: ignore[assignment]
    for name, ms in pages.items():
        print(f"  page {name:23s} {ms:8.1f} ms   cold {cold.get(name, float('nan')):8.1f} ms")
    load: dict[str, dict[str, float]] = result.get("load") or {}  # type: ignore[assignment]
    if load:
        print(f"  load: {load['sessions']} sessions, {load['views']} views, {load['errors']} errors, "
              f"{load['views_per_minute']} views/min, floor CPU/view {load['floor_cpu_per_view_ms']} ms")
        for name in load["cpu_per_view_ms"]:
            print(f"  load {name:23s} CPU/view {load['cpu_per_view_ms'][name]:8.1f} ms   p50 {load['p50_ms'][name]:8.1f} ms"
                  f"   p95 {load['p95_ms'][name]:8.1f} ms   cold {load['cold_ms'][name]:8.1f} ms")
        if load.get("first_error"):
            print(f"  load first error: {load['first_error']}")
    for name, check in result["budgets"].items():  # type: ignore[union-attr]
        verdict = "ok" if check["ok"] else "OVER BUDGET"
        print(f"  budget {name:34s} {check['value']} (limit {check['limit']}) {verdict}")


if __name__ == "__main__":
    raise SystemExit(main())
