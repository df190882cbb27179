"""Time the demo build per scale: `.venv/bin/python bench/build_demo.py [city province national]`."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere without installing

from rcdash.demo import DEFAULT_SEED, SCALES, build_demo

DEFAULT_SCALES = ("city", "province")  # national takes minutes: ask for it by name


def main(argv: list[str] | None = None) -> int:
    """Build each requested scale into a temporary folder and print its timings and row counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scales", nargs="*", help=f"any of {', '.join(SCALES)} (default: city province)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    unknown = [s for s in args.scales if s not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s): {', '.join(unknown)}")
    for scale in args.scales or DEFAULT_SCALES:
        with tempfile.TemporaryDirectory(prefix=f"rcdash-demo-{scale}-") as tmp:
            started = time.perf_counter()
            summary = build_demo(Path(tmp) / "demo.duckdb", scale=scale, seed=args.seed, files_dir=Path(tmp) / "files")
            total = time.perf_counter() - started
            rows: dict[str, int] = summary["rows"]  # type: ignore[assignment]
            seconds: dict[str, float] = summary["seconds"]  # type: ignore[assignment]
            print(f"{scale:9s} {total:7.1f} s  (generate {seconds['generate']} s, import {seconds['import']} s)  "
                  f"{summary['counties']} counties, {summary['villages']} villages, {sum(rows.values())} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
