"""Time the 地图 and 覆盖缺口 pages on the server and measure the map payload, per demo scale.

`.venv/bin/python bench/map_page.py [city province] [--db-dir DIR]`

For each scale it builds the demo database (or reuses DIR/<scale>.duckdb), runs the page with Streamlit's
AppTest twice — cold (metrics, geometry and map data computed) and warm (cached, as when a user changes a
control) — and reports the server time and the map payload: the JSON handed to the streamlit-folium component
(script, header and HTML of the map), which is what the browser downloads for the map besides the vendored
JS/CSS. Issue #4 asks for ≤ 3 MB at city scale.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere without installing

from rcdash.config import REPO_ROOT
from rcdash.demo import DEFAULT_SEED, build_demo

CITY_PAYLOAD_LIMIT = 3 * 1024 * 1024
PAGES = ("map", "gaps")


def payload_bytes(at: object) -> int:
    """Bytes of the map component arguments a run sent to the browser (all maps of the page)."""
    total = 0
    for element in at.get("component_instance"):  # type: ignore[attr-defined]
        if element.proto.component_name == "streamlit_folium.st_folium":
            total += len(element.proto.json_args.encode())
    return total


def run(page: str, db: Path) -> tuple[float, float, int]:
    """Cold and warm server seconds and the map payload of one page."""
    from streamlit.testing.v1 import AppTest

    os.environ["RCDASH_DB"] = str(db)
    at = AppTest.from_file(str(REPO_ROOT / "pages" / f"{page}.py"), default_timeout=600)
    started = time.perf_counter()
    at.run()
    cold = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"{page}: {at.exception}")
    started = time.perf_counter()
    at.run()
    warm = time.perf_counter() - started
    return cold, warm, payload_bytes(at)


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) each scale's demo database and print the pages' timings and payloads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", default=["city", "province"])
    parser.add_argument("--db-dir", type=Path, help="keep the demo databases here (reused when present)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rcdash-map-bench-") as tmp:
        folder = args.db_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        failed = False
        for scale in args.scales:
            db = folder / f"{scale}.duckdb"
            if not db.exists():
                started = time.perf_counter()
                build_demo(db, scale=scale, seed=DEFAULT_SEED, files_dir=folder / f"{scale}-files", force=True)
                print(f"{scale}: demo database built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            for page in PAGES:
                cold, warm, size = run(page, db)
                flag = ""
                if scale == "city" and page == "map" and size > CITY_PAYLOAD_LIMIT:
                    flag, failed = "  OVER 3 MB", True
                print(f"{scale:9s} {page:5s} server cold {cold:6.2f} s  warm {warm:5.2f} s  "
                      f"map payload {size / 1024:8.0f} KB{flag}")
        print(json.dumps({"limit_city_map_payload_bytes": CITY_PAYLOAD_LIMIT}), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
