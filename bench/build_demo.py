"""Time the demo build per scale: `.venv/bin/python bench/build_demo.py [city province national]`."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere without installing

from rcdash.demo import DEFAULT_SEED, SCALES, build_demo, story_figures
from rcdash.demo.story import END
from rcdash.store.connections import connect

DEFAULT_SCALES = ("city", "province")  # national takes minutes: ask for it by name
STORY_RATE = (0.40, 0.45)  # the city's 建会率 at the seed plan's end, at every scale (the story does not scale)


def story_holds(db: Path) -> tuple[bool, str]:
    """Whether the built database tells the seed plan's story at its end (the city just above 40 %), and the figure.

    The unit tests check the city demo in detail; the larger scales are checked here, where they are built anyway."""
    con = connect(db, read_only=True)
    try:
        rate = story_figures(con, END).village_branch_rate["3306"]
        # Synthetic counties get service positions too (a province map is not empty outside Shaoxing).
        synthetic_sites, synthetic_divisions = con.execute(
            "SELECT (SELECT count(*) FROM sites s JOIN divisions d ON d.code = s.division WHERE d.synthetic), "
            "(SELECT count(*) FROM divisions WHERE synthetic)").fetchall()[0]
    finally:
        con.close()
    holds = STORY_RATE[0] <= rate <= STORY_RATE[1] and (synthetic_sites > 0) == (synthetic_divisions > 0)
    return holds, f"city 建会率 {rate:.1%} at {END}, {synthetic_sites} sites in synthetic divisions"


def main(argv: list[str] | None = None) -> int:
    """Build each requested scale into a temporary folder and print its timings and row counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scales", nargs="*", help=f"any of {', '.join(SCALES)} (default: city province)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    unknown = [s for s in args.scales if s not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s): {', '.join(unknown)}")
    failed = False
    for scale in args.scales or DEFAULT_SCALES:
        with tempfile.TemporaryDirectory(prefix=f"rcdash-demo-{scale}-") as tmp:
            started = time.perf_counter()
            summary = build_demo(Path(tmp) / "demo.duckdb", scale=scale, seed=args.seed, files_dir=Path(tmp) / "files")
            total = time.perf_counter() - started
            rows: dict[str, int] = summary["rows"]  # type: ignore[assignment]
            seconds: dict[str, float] = summary["seconds"]  # type: ignore[assignment]
            print(f"{scale:9s} {total:7.1f} s  (generate {seconds['generate']} s, import {seconds['import']} s)  "
                  f"{summary['counties']} counties, {summary['villages']} villages, {sum(rows.values())} rows")
            holds, figure = story_holds(Path(tmp) / "demo.duckdb")
            print(f"{'':9s} story {'holds' if holds else 'BROKEN'}: {figure}")
            failed |= not holds
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
