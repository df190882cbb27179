"""The divisions a demo covers: the real ones, plus synthetic copies of them for the larger scales."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from rcdash.config import CITY_CODE
from rcdash.demo import story
from rcdash.reference.divisions import load_reference_divisions, load_reference_population
from rcdash.store.schema import with_ancestor_codes

SYNTHETIC_COUNTY_PREFIX = "9"  # real county codes start with 33, so 9xxxxx can never collide with them
SYNTHETIC_COUNTY_DIGITS = 5  # '9' + 5 digits = the 6-digit county code length
URBAN_KIND = "街道"


def stream(seed: int, *labels: object) -> random.Random:
    """An independent random stream for one purpose (a str seed is hashed with SHA-512, never PYTHONHASHSEED)."""
    return random.Random(":".join(str(x) for x in (seed, *labels)))


@dataclass(frozen=True)
class Village:
    """A village or community (村/社区)."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Township:
    """A township or sub-district, with its villages and 2020 population."""

    code: str
    name: str
    kind: str
    county: str
    template: str  # the real township whose (approximate) polygon this one's sites are placed in
    villages: tuple[Village, ...]
    population: int


@dataclass(frozen=True)
class County:
    """A county-level unit with its townships, 2020 population and story."""

    code: str
    name: str
    template: str  # the real county whose story this one replays (itself for a real county)
    synthetic: bool
    story: story.CountyStory
    townships: tuple[Township, ...]
    population: int

    @cached_property
    def villages(self) -> tuple[Village, ...]:
        """Every village of the county, in code order."""
        return tuple(v for t in self.townships for v in t.villages)

    def population_in(self, year: int) -> int:
        """Resident population in a year: the 2020 figure grown at the county's rate."""
        return round(self.population * (1 + self.story.population_growth) ** (year - story.YEARS[0]))

    def township_populations(self, year: int) -> list[int]:
        """Township populations in a year, summing exactly to the county's."""
        return split_total(self.population_in(year), [t.population for t in self.townships])


@dataclass(frozen=True)
class World:
    """All counties of one demo scale."""

    scale: str
    seed: int
    counties: tuple[County, ...]
    synthetic_divisions: pd.DataFrame  # rows for the divisions table (empty at city scale)

    def city_population(self, year: int) -> int:
        """The city's (or, at larger scales, the whole demo's) population in a year."""
        return sum(c.population_in(year) for c in self.counties)

    @property
    def real_counties(self) -> tuple[County, ...]:
        """The six real counties."""
        return tuple(c for c in self.counties if not c.synthetic)


def split_total(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights summing exactly to total (largest remainder, ties by position)."""
    if not weights:
        return []
    weight_sum = sum(weights)
    exact = [total * w / weight_sum for w in weights]
    out = [math.floor(x) for x in exact]
    short = total - sum(out)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[:short]:
        out[i] += 1
    return out


def _township_weights(rng: random.Random, townships: list[tuple[str, str, int]]) -> list[float]:
    """Population weights of (code, kind, villages) townships: village count, urban boost, log-normal spread."""
    return [
        max(n, 1) * (story.URBAN_TOWNSHIP_WEIGHT if kind == URBAN_KIND else 1.0)
        * rng.lognormvariate(0, story.TOWNSHIP_SHARE_SIGMA)
        for _, kind, n in townships
    ]


def _jitter_story(base: story.CountyStory, rng: random.Random) -> story.CountyStory:
    """A template county's story with its rates moved a little, so synthetic counties are not clones."""
    def shift(x: float, points: float) -> float:
        return max(0.01, x + rng.uniform(-points, points))

    start = shift(base.branch_rate_start, story.SYNTHETIC_RATE_JITTER)
    end = max(start + 0.1, shift(base.branch_rate_end, story.SYNTHETIC_RATE_JITTER))
    m_start = base.member_ratio_start * rng.uniform(0.9, 1.1)
    m_end = max(m_start * 1.3, base.member_ratio_end * rng.uniform(0.93, 1.07))
    # After 2022 the copy grows by its template's increments, moved a little in turn.
    later = replace(
        base.later,
        branch_rate_end=min(1.0, end + max(0.02, base.later.branch_rate_end - base.branch_rate_end
                                           + rng.uniform(-story.SYNTHETIC_RATE_JITTER / 2, story.SYNTHETIC_RATE_JITTER / 2))),
        member_ratio_end=m_end * base.later.member_ratio_end / base.member_ratio_end * rng.uniform(0.97, 1.03),
    )
    return replace(base, branch_rate_start=start, branch_rate_end=end, member_ratio_start=m_start,
                   member_ratio_end=m_end, later=later)


def _real_counties(seed: int, ref: pd.DataFrame) -> list[County]:
    """The six real counties from the shipped reference, with census populations."""
    census = load_reference_population()
    population = dict(zip(census["code"].astype(str), census["resident_population"].astype(int), strict=True))
    villages_by_township: dict[str, list[Village]] = {}
    for code, name, kind, parent in ref.loc[ref["level"] == "village", ["code", "short_name", "kind", "parent_code"]
                                            ].itertuples(index=False):
        villages_by_township.setdefault(parent, []).append(Village(code, name, kind))
    counties = []
    for code, name in ref.loc[ref["level"] == "county", ["code", "name"]].itertuples(index=False):
        rows = ref[(ref["level"] == "township") & (ref["parent_code"] == code)]
        specs = [(t, k, len(villages_by_township.get(t, []))) for t, k in zip(rows["code"], rows["kind"], strict=True)]
        pops = split_total(population[code], _township_weights(stream(seed, "township-pop", code), specs))
        townships = tuple(
            Township(t, n, k, code, t, tuple(villages_by_township.get(t, [])), p)
            for (t, n, k), p in zip(rows[["code", "name", "kind"]].itertuples(index=False), pops, strict=True)
        )
        counties.append(County(code, name, code, False, story.COUNTY_STORIES[code], townships, population[code]))
    return counties


def _synthetic_county(seed: int, index: int, template: County) -> County:
    """A synthetic copy of a real county: same shape, its own codes, clearly synthetic names."""
    rng = stream(seed, "synthetic", index)
    code = f"{SYNTHETIC_COUNTY_PREFIX}{index:0{SYNTHETIC_COUNTY_DIGITS}d}"
    label = f"{index:03d}"
    population = round(template.population * rng.uniform(1 - story.SYNTHETIC_POPULATION_JITTER,
                                                         1 + story.SYNTHETIC_POPULATION_JITTER))
    specs = [(t.code, t.kind, len(t.villages)) for t in template.townships]
    pops = split_total(population, _township_weights(rng, specs))
    townships = []
    for ordinal, (real, pop) in enumerate(zip(template.townships, pops, strict=True), start=1):
        # The statistical code's structure is kept: township = county + 3 digits, village = township + 3.
        t_code = code + real.code[6:]
        t_label = f"{label}-{ordinal:02d}"
        villages = tuple(
            Village(t_code + v.code[9:], f"示例{v.kind}{t_label}-{n:03d}", v.kind)
            for n, v in enumerate(real.villages, start=1)
        )
        townships.append(Township(t_code, f"示例{real.kind}{t_label}", real.kind, code, real.code, villages, pop))
    return County(code, f"示例县{label}", template.code, True, _jitter_story(template.story, rng), tuple(townships),
                  population)


def _division_rows(counties: list[County]) -> pd.DataFrame:
    """Rows of the divisions table for synthetic counties and everything under them."""
    rows: list[tuple[str, str, str, str, str]] = []
    for c in counties:
        rows.append((c.code, c.name, "county", CITY_CODE, "县"))
        for t in c.townships:
            rows.append((t.code, t.name, "township", c.code, t.kind))
            rows.extend((v.code, v.name, "village", t.code, v.kind) for v in t.villages)
    frame = pd.DataFrame(rows, columns=["code", "name", "level", "parent_code", "kind"])
    frame.insert(2, "short_name", frame["name"])
    out = with_ancestor_codes(frame)
    out["synthetic"] = True
    return out


def build_world(scale: str, seed: int) -> World:
    """The counties of a scale: the real six, then (factor − 1) synthetic copies of each, interleaved."""
    factor = story.SCALE_FACTORS[scale]
    real = _real_counties(seed, load_reference_divisions())
    synthetic = [
        _synthetic_county(seed, copy * len(real) + i + 1, template)
        for copy in range(factor - 1)
        for i, template in enumerate(real)
    ]
    return World(scale, seed, tuple(real + synthetic), _division_rows(synthetic))
