"""The demo's records, kind by kind: plain rows in each kind's field order, from seeded random streams only."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import TypeVar

import shapely
from shapely.geometry.base import BaseGeometry

from rcdash.config import CITY_CODE
from rcdash.demo import story
from rcdash.demo.world import URBAN_KIND, County, Township, Village, World, split_total, stream
from rcdash.geo.boundaries import county_shapes, inside_city, random_point_in, township_shapes
from rcdash.geo.crs import from_wgs84, to_wgs84

Row = tuple[object, ...]
T = TypeVar("T")
VILLAGE_LEVEL = "村社区"
TOWNSHIP_LEVEL = "乡镇街道"
RESCUE = "应急救援队"
VOLUNTEER = "志愿服务队"
WEEK = timedelta(days=7)
SITES_FROM = date(2015, 1, 1)  # the oldest service positions predate the plan by a few years
COORD_STORE_DECIMALS = 7  # the importer stores WGS-84 coordinates rounded to this


# ---- small helpers ----------------------------------------------------------------------------------------


def random_date(rng: random.Random, first: date, last: date) -> date:
    """A uniformly random day in first … last (inclusive)."""
    return first + timedelta(days=rng.randint(0, (last - first).days))


def founding_date(rng: random.Random, year: int, after: date = story.START, end: date = story.END) -> date:
    """A day in the year, busy months weighted (story.FOUNDING_MONTH_WEIGHTS), strictly after `after`, ≤ end."""
    for _ in range(20):
        month = rng.choices(range(1, 13), weights=story.FOUNDING_MONTH_WEIGHTS)[0]
        first = date(year, month, 1)
        last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        day = random_date(rng, first, min(last, end))
        if after < day <= end:
            return day
    return min(end, after + timedelta(days=1))


def plan_dates(rng: random.Random, count: int, after: date = story.START, *, later: bool = False) -> list[date]:
    """`count` founding dates spread over the seed plan's years (or, later, the demo plan's) by their shares, sorted."""
    years, shares = (story.LATER_YEARS, story.LATER_BRANCH_YEAR_SHARES) if later else (
        story.YEARS, story.NEW_BRANCH_YEAR_SHARES)
    end = story.DATA_END if later else story.END
    per_year = split_total(count, list(shares))
    return sorted(founding_date(rng, y, after, end) for y, n in zip(years, per_year, strict=True) for _ in range(n))


def later_date(rng: random.Random) -> date:
    """A founding day in one of the demo plan's years (2023–2025)."""
    return founding_date(rng, rng.choice(story.LATER_YEARS), story.END, story.DATA_END)


def weighted_sample(rng: random.Random, items: Sequence[T], weights: Sequence[float], k: int) -> list[T]:
    """k items without replacement, more likely the heavier ones (Efraimidis–Spirakis keys), in item order."""
    keys = [(rng.random() ** (1 / w), i) for i, w in enumerate(weights)]
    chosen = sorted(i for _, i in sorted(keys, reverse=True)[:k])
    return [items[i] for i in chosen]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth; the means here are small)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def month_starts(years: Sequence[int] = story.DATA_YEARS) -> list[date]:
    """The first day of every month of the years (by default every year the demo has data for)."""
    return [date(y, m, 1) for y in years for m in range(1, 13)]


def _township_named(county: County, name: str, real_names: dict[str, str]) -> Township:
    """The county's township whose real (template) township has this name; the first one if none has."""
    return next((t for t in county.townships if real_names.get(t.template) == name), county.townships[0])


# ---- branches ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    """One branch as it goes into the import file."""

    name: str
    division: str
    level: str
    established_on: date
    closed_on: date | None
    has_party_org: bool

    def row(self) -> Row:
        """Fields in the branches kind's order."""
        return (self.name, self.division, self.level, self.established_on, self.closed_on, self.has_party_org)


@dataclass(frozen=True)
class CountyBranches:
    """A county's branches, and the villages with an open branch at the end of each plan."""

    branches: list[Branch]
    with_branch: list[Village]  # at 2022-12-31
    with_branch_later: list[Village]  # at 2025-12-31
    new_villages: list[Village]  # founded their first branch in 2023–2025


def _village_branches(county: County, seed: int) -> tuple[list[Branch], list[Village], list[Village]]:
    """Village branches of a county to 2022, the villages with an open branch then, and those still without one."""
    rng = stream(seed, "village-branches", county.code)
    villages = list(county.villages)
    n = len(villages)
    tale = county.story
    n_end = round(tale.branch_rate_end * n)
    n_start = round(tale.branch_rate_start * n)
    n_closed = min(n_start, max(1, round(story.CLOSED_BRANCH_SHARE * n)), n - n_end)
    order = rng.sample(villages, n)
    with_branch = order[:n_end]
    before = with_branch[: n_start - n_closed]
    during = with_branch[n_start - n_closed:]
    closed = order[n_end: n_end + n_closed]
    out: list[Branch] = []
    founded: dict[str, date] = {}
    last_before = story.START - timedelta(days=1)
    for v in before:
        founded[v.code] = random_date(rng, story.BEFORE_PLAN, last_before)
    for v, day in zip(during, plan_dates(rng, len(during)), strict=True):
        founded[v.code] = day
    for v in sorted(with_branch, key=lambda v: v.code):
        out.append(Branch(f"{v.name}红十字会", v.code, VILLAGE_LEVEL, founded[v.code], None,
                          rng.random() < story.VILLAGE_PARTY_ORG_SHARE))
    for v in closed:
        # Merged villages: their branch existed when the plan started and closed during it.
        opened = random_date(rng, story.BEFORE_PLAN, last_before)
        shut = random_date(rng, *story.BRANCH_CLOSING_WINDOW)
        out.append(Branch(f"{v.name}红十字会", v.code, VILLAGE_LEVEL, opened, shut, False))
    n_double = max(1, round(story.DOUBLE_BRANCH_SHARE * n))
    for v in sorted(rng.sample(with_branch, min(n_double, len(with_branch))), key=lambda v: v.code):
        # A second branch in the same village (a volunteer sub-branch): the village still counts once.
        second = min(story.END, founded[v.code] + timedelta(days=rng.randint(*story.SECOND_BRANCH_DELAY_DAYS)))
        out.append(Branch(f"{v.name}红十字志愿服务分会", v.code, VILLAGE_LEVEL, max(second, story.START), None, False))
    # Villages that never had a branch, in the stream's random order: the next ones to found one.
    return out, sorted(with_branch, key=lambda v: v.code), order[n_end + n_closed:]


def _later_village_branches(county: County, seed: int, without: list[Village]) -> tuple[list[Branch], list[Village]]:
    """Village branches founded in 2023–2025, up to the county's 2025 rate; and their villages."""
    rng = stream(seed, "village-branches-later", county.code)
    n = len(county.villages)
    n_new = max(0, round(county.story.later.branch_rate_end * n) - round(county.story.branch_rate_end * n))
    new = sorted(without[:n_new], key=lambda v: v.code)
    days = plan_dates(rng, len(new), story.END, later=True)
    order = rng.sample(range(len(new)), len(new))  # which village gets which day
    out = [Branch(f"{v.name}红十字会", v.code, VILLAGE_LEVEL, days[i], None, rng.random() < story.VILLAGE_PARTY_ORG_SHARE)
           for v, i in zip(new, order, strict=True)]
    return out, new


def _founded(rng: random.Random, before_plan: float) -> date:
    """A founding date: before the plan with probability before_plan, else in one of its years."""
    if rng.random() < before_plan:
        return random_date(rng, story.BEFORE_PLAN, story.START - timedelta(days=1))
    return founding_date(rng, rng.choice(story.YEARS))


def _other_branches(county: County, seed: int) -> list[Branch]:
    """Township branches, and schools, enterprises, 两新 organisations, hospitals and others."""
    rng = stream(seed, "other-branches", county.code)
    out: list[Branch] = []
    for t in county.townships:
        if rng.random() >= story.TOWNSHIP_BRANCH_SHARE:
            continue
        day = _founded(rng, story.TOWNSHIP_BRANCH_BEFORE_PLAN)
        out.append(Branch(f"{t.name}红十字会", t.code, TOWNSHIP_LEVEL, day, None, rng.random() < story.PARTY_ORG_SHARE))
    names = {"学校": story.SCHOOL_NAMES, "企业": tuple(f"{x}企业" for x in story.ENTERPRISE_NAMES),
             "两新": story.NEW_ORG_NAMES, "医疗机构": story.MEDICAL_NAMES, "其他": story.OTHER_NAMES}
    taken: set[tuple[str, str]] = set()
    for level, per10 in story.OTHER_BRANCHES_PER_10_TOWNSHIPS.items():
        for _ in range(max(1, round(per10 * len(county.townships) / 10))):
            t = rng.choice(county.townships)
            name = f"{t.name}{rng.choice(names[level])}红十字会"
            if (name, t.code) in taken:
                continue
            taken.add((name, t.code))
            day = _founded(rng, story.OTHER_BRANCH_BEFORE_PLAN)
            out.append(Branch(name, t.code, level, day, None, rng.random() < story.OTHER_PARTY_ORG_SHARE))
    return out


def _later_other_branches(county: County, seed: int, existing: list[Branch]) -> list[Branch]:
    """Branches of other levels founded in 2023–2025: some townships close their gap, new schools and firms join."""
    rng = stream(seed, "other-branches-later", county.code)
    with_branch = {b.division for b in existing if b.level == TOWNSHIP_LEVEL}
    out: list[Branch] = []
    for t in county.townships:
        if t.code not in with_branch and rng.random() < story.LATER_TOWNSHIP_BRANCH_SHARE:
            out.append(Branch(f"{t.name}红十字会", t.code, TOWNSHIP_LEVEL, later_date(rng), None,
                              rng.random() < story.PARTY_ORG_SHARE))
    names = {"学校": story.SCHOOL_NAMES, "企业": tuple(f"{x}企业" for x in story.ENTERPRISE_NAMES),
             "两新": story.NEW_ORG_NAMES}
    taken = {(b.name, b.division) for b in existing}
    for level, per10 in story.LATER_OTHER_BRANCHES_PER_10_TOWNSHIPS.items():
        for _ in range(max(1, round(per10 * len(county.townships) / 10))):
            t = rng.choice(county.townships)
            name = f"{t.name}{rng.choice(names[level])}红十字会"
            if (name, t.code) in taken:
                continue
            taken.add((name, t.code))
            out.append(Branch(name, t.code, level, later_date(rng), None, rng.random() < story.OTHER_PARTY_ORG_SHARE))
    return out


# ---- the generator ----------------------------------------------------------------------------------------


class DemoData:
    """Every record of a demo world, kind by kind (rows in each kind's field order)."""

    def __init__(self, world: World, photos: dict[tuple[str, str], str] | None = None) -> None:
        """Records for `world`; `photos` maps (real county code, project name) to a placeholder's path."""
        self.world = world
        self.seed = world.seed
        self.photos = photos or {}  # (template county, brand name) → photo path
        # Real township names by code: synthetic townships find their story's places through their template.
        self.real_names = {t.code: t.name for c in world.real_counties for t in c.townships}

    @cached_property
    def _branches(self) -> dict[str, CountyBranches]:
        """Per county: all branches, and the villages with a branch at the end of each plan."""
        out = {}
        for c in self.world.counties:
            village, with_branch, without = _village_branches(c, self.seed)
            other = _other_branches(c, self.seed)
            later, new = _later_village_branches(c, self.seed, without)
            later_other = _later_other_branches(c, self.seed, other)
            out[c.code] = CountyBranches(village + other + later + later_other, with_branch,
                                         sorted(with_branch + new, key=lambda v: v.code), new)
        return out

    # population -------------------------------------------------------------------------------------

    def population(self) -> Iterator[Row]:
        """County rows (2021–25; 2020 too for synthetic ones), township rows 2020–25, city rows."""
        # At larger scales the census city row (5.27 M) no longer covers the counties under it: replaced.
        years = story.DATA_YEARS
        city_years = years[1:] if self.world.scale == "city" else years
        for y in city_years:
            yield (CITY_CODE, y, self.world.city_population(y))
        for c in self.world.counties:
            for y in years if c.synthetic else years[1:]:
                yield (c.code, y, c.population_in(y))
        for c in self.world.counties:
            for y in years:
                for t, pop in zip(c.townships, c.township_populations(y), strict=True):
                    yield (t.code, y, pop)

    # branches --------------------------------------------------------------------------------------------

    def branches(self) -> Iterator[Row]:
        """Every branch of every county."""
        for c in self.world.counties:
            for b in self._branches[c.code].branches:
                yield b.row()

    def villages_with_branch(self, county: County) -> list[Village]:
        """Villages of the county with an open branch at the end of the seed plan (2022-12-31)."""
        return self._branches[county.code].with_branch

    # members ----------------------------------------------------------------------------------------------

    @staticmethod
    def _member_path(tale: story.CountyStory, day: date) -> tuple[float, float]:
        """(adult member ratio, youth growth factor) on a snapshot day: each plan's path from its start to its end."""
        if day <= story.END:
            x = (day - story.START).days / (story.END - story.START).days
            ratio = tale.member_ratio_start + (tale.member_ratio_end - tale.member_ratio_start) * (
                x ** story.MEMBER_GROWTH_EXPONENT)
            return ratio, story.YOUTH_GROWTH[0] + (story.YOUTH_GROWTH[1] - story.YOUTH_GROWTH[0]) * x
        x = (day - story.END).days / (story.DATA_END - story.END).days
        ratio = tale.member_ratio_end + (tale.later.member_ratio_end - tale.member_ratio_end) * (
            x ** story.LATER_MEMBER_GROWTH_EXPONENT)
        return ratio, story.YOUTH_GROWTH[1] + (story.LATER_YOUTH_GROWTH - story.YOUTH_GROWTH[1]) * x

    def members(self) -> Iterator[Row]:
        """Township snapshots: quarterly (half-yearly for some counties), from the seed plan's first day to 2025."""
        pinned = (story.START, story.END, story.DATA_END)  # these snapshots pin the story; those between wobble
        for c in self.world.counties:
            rng = stream(self.seed, "members", c.code)
            tale = c.story
            ends = story.HALF_YEAR_ENDS if tale.half_yearly_members else story.QUARTER_ENDS
            dates = [story.START] + [date(y, m, d) for y in story.DATA_YEARS for m, d in ends]
            pops = c.township_populations(story.YEARS[0])
            activity = [p * rng.lognormvariate(0, story.TOWNSHIP_MEMBER_SIGMA) for p in pops]
            youth = [rng.uniform(*story.YOUTH_PER_ADULT) for _ in c.townships]
            for d in dates:
                ratio, youth_growth = self._member_path(tale, d)
                noise = 0.0 if d in pinned else rng.uniform(-1, 1) * story.MEMBER_DATE_NOISE
                total = round(ratio * c.population_in(d.year) * (1 + noise))
                weights = [a * rng.uniform(1 - story.TOWNSHIP_MEMBER_WOBBLE, 1 + story.TOWNSHIP_MEMBER_WOBBLE)
                           for a in activity]
                for t, adults, yf in zip(c.townships, split_total(total, weights), youth, strict=True):
                    yield (t.code, d, adults, round(adults * yf * youth_growth))

    # sites --------------------------------------------------------------------------------------------------

    def _geometry(self, township: Township) -> BaseGeometry:
        """The polygon a township's sites go in: its own (approximate) one, or its template's."""
        shapes = township_shapes()
        if township.template in shapes:
            return shapes[township.template]
        return county_shapes()[township.template[:6]]

    def _place(self, rng: random.Random, township: Township, crs: str) -> tuple[str, str]:
        """Coordinates as written in the file (in crs) whose WGS-84 round trip lies in the township."""
        geom = self._geometry(township)
        digits = story.COORD_DECIMALS
        for _ in range(story.MAX_PLACE_TRIES):
            lon, lat = random_point_in(geom, rng)
            lon, lat = round(lon, digits), round(lat, digits)
            wlon, wlat = from_wgs84(lon, lat, crs)
            written = (f"{wlon:.{digits}f}", f"{wlat:.{digits}f}")
            # What the importer will store: converted back and rounded; it must stay in the township.
            back = to_wgs84(float(written[0]), float(written[1]), crs)
            blon, blat = round(back[0], COORD_STORE_DECIMALS), round(back[1], COORD_STORE_DECIMALS)
            if shapely.contains_xy(geom, blon, blat) and inside_city(blon, blat):
                return written
        raise RuntimeError(f"no point found inside township {township.code}")

    def _crs(self, rng: random.Random) -> str:
        """The CRS a site's coordinates are written in (most are GPS/WGS-84)."""
        r = rng.random()
        if r < story.GCJ02_SHARE:
            return "GCJ02"
        return "BD09" if r < story.GCJ02_SHARE + story.BD09_SHARE else "WGS84"

    def _opened(self, rng: random.Random) -> date:
        """When a station or point opened: a few before the plan, most during it."""
        if rng.random() < story.OPENED_BEFORE_PLAN:
            return random_date(rng, SITES_FROM, story.START - timedelta(days=1))
        return founding_date(rng, rng.choice(story.YEARS))

    @staticmethod
    def _functions(rng: random.Random, count: tuple[int, int] = story.POINT_FUNCTIONS) -> str:
        """A few service functions, in their listed order."""
        picked = rng.sample(range(len(story.FUNCTIONS)), rng.randint(*count))
        return "；".join(story.FUNCTIONS[i] for i in sorted(picked))

    def sites(self) -> Iterator[Row]:
        """The centre, one base per county, stations in ~60 % of townships, points in ~15 % of villages."""
        for c in self.world.counties:
            rng = stream(self.seed, "sites", c.code)
            tale = c.story
            if c.code == story.CENTRE_COUNTY:
                t = _township_named(c, story.CENTRE_TOWNSHIP, self.real_names)
                crs = self._crs(rng)
                lon, lat = self._place(rng, t, crs)
                yield (story.CENTRE_NAME, "center", t.code, lon, lat, crs, story.CENTRE_OPENED, None,
                       story.CENTRE_HOST, "；".join(story.FUNCTIONS))
            base = _township_named(c, tale.base_township, self.real_names)
            crs = self._crs(rng)
            lon, lat = self._place(rng, base, crs)
            yield (f"{c.name}红十字服务基地", "base", base.code, lon, lat, crs, tale.base_opened, None,
                   rng.choice(story.BASE_HOSTS), self._functions(rng, story.BASE_FUNCTIONS))
            n_stations = round(story.STATION_SHARE * len(c.townships))
            weights = [1.0 if t.kind == URBAN_KIND else story.STATION_TOWN_WEIGHT for t in c.townships]
            stations = weighted_sample(rng, c.townships, weights, n_stations)
            for t in stations:
                crs = self._crs(rng)
                lon, lat = self._place(rng, t, crs)
                yield (f"{t.name}红十字服务站", "station", t.code, lon, lat, crs, self._opened(rng), None,
                       rng.choice(story.STATION_HOSTS), self._functions(rng, story.STATION_FUNCTIONS))
            points = list(self._points(c, rng))
            yield from points
            yield from self._later_sites(c, {t.code for t in stations}, {str(p[2]) for p in points})

    def _later_sites(self, county: County, stations: set[str], points: set[str]) -> Iterator[Row]:
        """Stations and points opened in 2023–2025: in townships without a station, mostly at the new branches."""
        rng = stream(self.seed, "sites-later", county.code)
        township_of = {v.code: t for t in county.townships for v in t.villages}
        without = [t for t in county.townships if t.code not in stations]
        weights = [1.0 if t.kind == URBAN_KIND else story.STATION_TOWN_WEIGHT for t in without]
        for t in weighted_sample(rng, without, weights, round(story.LATER_STATION_SHARE * len(without))):
            crs = self._crs(rng)
            lon, lat = self._place(rng, t, crs)
            yield (f"{t.name}红十字服务站", "station", t.code, lon, lat, crs, later_date(rng), None,
                   rng.choice(story.STATION_HOSTS), self._functions(rng, story.STATION_FUNCTIONS))
        new = [v for v in self._branches[county.code].new_villages if v.code not in points]
        others = [v for v in county.villages if v.code not in points and v not in new]
        k = round(story.LATER_POINT_SHARE * len(county.villages))
        k_branch = min(len(new), round(k * story.POINT_AT_BRANCH_SHARE))
        chosen = rng.sample(new, k_branch) + rng.sample(others, min(len(others), k - k_branch))
        for v in sorted(chosen, key=lambda v: v.code):
            crs = self._crs(rng)
            lon, lat = self._place(rng, township_of[v.code], crs)
            yield (f"{v.name}红十字服务点", "point", v.code, lon, lat, crs, later_date(rng), None,
                   rng.choice(story.POINT_HOSTS), self._functions(rng))

    def _points(self, county: County, rng: random.Random) -> Iterator[Row]:
        """Village service points, mostly where a branch works."""
        township_of = {v.code: t for t in county.townships for v in t.villages}
        with_branch = self.villages_with_branch(county)
        taken = {v.code for v in with_branch}
        others = [v for v in county.villages if v.code not in taken]
        k = round(story.POINT_SHARE * len(county.villages))
        k_branch = min(len(with_branch), round(k * story.POINT_AT_BRANCH_SHARE))
        chosen = rng.sample(with_branch, k_branch) + rng.sample(others, min(len(others), k - k_branch))
        for v in sorted(chosen, key=lambda v: v.code):
            crs = self._crs(rng)
            lon, lat = self._place(rng, township_of[v.code], crs)
            opened = self._opened(rng)
            closed = None
            if rng.random() < story.CLOSED_POINT_SHARE and opened < story.END - timedelta(days=120):
                closed = random_date(rng, opened + timedelta(days=60), story.END - timedelta(days=1))
            yield (f"{v.name}红十字服务点", "point", v.code, lon, lat, crs, opened, closed,
                   rng.choice(story.POINT_HOSTS), self._functions(rng))

    # teams --------------------------------------------------------------------------------------------------

    def teams(self) -> Iterator[Row]:
        """One rescue team and 2–5 volunteer teams per county, some below 20 volunteers."""
        for c in self.world.counties:
            rng = stream(self.seed, "teams", c.code)
            tale = c.story
            yield (f"{c.name}红十字应急救援队", RESCUE, tale.rescue_specialty, c.code, tale.rescue_founded, None,
                   rng.randint(*story.RESCUE_VOLUNTEERS), tale.rescue_has_party)
            n = tale.volunteer_teams
            used: set[str] = set()
            small = set(rng.sample(range(n), round(story.SMALL_TEAM_SHARE * n)))
            for i, specialty in enumerate(rng.sample(story.VOLUNTEER_SPECIALTIES, n)):
                if rng.random() < story.TOWNSHIP_TEAM_SHARE:
                    t = rng.choice(c.townships)
                    name, division = f"{t.name}红十字{specialty}志愿服务队", t.code
                else:
                    name, division = f"{c.name}红十字{specialty}志愿服务队", c.code
                founded = random_date(rng, *story.VOLUNTEER_TEAM_FOUNDED)
                volunteers = rng.randint(*story.SMALL_TEAM_VOLUNTEERS if i in small else story.TEAM_VOLUNTEERS)
                disbanded = None
                if rng.random() < story.DISBANDED_TEAM_SHARE and founded < story.LAST_DISBANDED_FOUNDING:
                    disbanded = random_date(rng, founded + timedelta(days=90), story.END - timedelta(days=1))
                yield (name, VOLUNTEER, specialty, division, founded, disbanded, volunteers,
                       rng.random() < story.VOLUNTEER_TEAM_PARTY_SHARE)
                used.add(specialty)
            yield from self._later_teams(c, used)

    def _later_teams(self, county: County, used: set[str]) -> Iterator[Row]:
        """Volunteer teams of 20+ founded in 2023–2025, in specialties the county had no team for."""
        rng = stream(self.seed, "teams-later", county.code)
        free = [s for s in story.VOLUNTEER_SPECIALTIES if s not in used]
        for specialty in rng.sample(free, min(len(free), county.story.later.new_volunteer_teams)):
            if rng.random() < story.TOWNSHIP_TEAM_SHARE:
                t = rng.choice(county.townships)
                name, division = f"{t.name}红十字{specialty}志愿服务队", t.code
            else:
                name, division = f"{county.name}红十字{specialty}志愿服务队", county.code
            yield (name, VOLUNTEER, specialty, division, random_date(rng, *story.LATER_TEAM_FOUNDED), None,
                   rng.randint(*story.TEAM_VOLUNTEERS), rng.random() < story.VOLUNTEER_TEAM_PARTY_SHARE)

    # activities ---------------------------------------------------------------------------------------------

    @staticmethod
    def _theme_day(year: int, month: int, theme: story.MonthlyTheme) -> date:
        """The day a month's theme is held (day 0: the second Saturday, 世界急救日)."""
        if theme.day:
            return date(year, month, theme.day)
        first = date(year, month, 1)
        return first + timedelta(days=(5 - first.weekday()) % 7 + 7)

    def _where(self, rng: random.Random, county: County) -> tuple[str, str]:
        """The division (code, name) an activity is held in: county, township or village."""
        level = rng.choices([x for x, _ in story.ACTIVITY_DIVISION_SHARES],
                            weights=[w for _, w in story.ACTIVITY_DIVISION_SHARES])[0]
        if level == "county":
            return county.code, county.name
        t = rng.choice(county.townships)
        if level == "township" or not t.villages:
            return t.code, t.name
        v = rng.choice(t.villages)
        return v.code, v.name

    def activities(self) -> Iterator[Row]:
        """Several activities most weeks, some silent weeks, one monthly theme per county per month (a few missed)."""
        for c in self.world.counties:
            tale = c.story
            # Each plan's years from their own stream, so the seed plan's story does not move when later years do.
            yield from self._county_activities(c, stream(self.seed, "activities", c.code), story.START, story.END,
                                               story.YEARS, tale.missed_theme_months, tale.weekly_activities)
            yield from self._county_activities(
                c, stream(self.seed, "activities-later", c.code), story.LATER_START, story.DATA_END,
                story.LATER_YEARS, tale.later.missed_theme_months, tale.weekly_activities * story.LATER_ACTIVITY_GROWTH)

    def _county_activities(self, c: County, rng: random.Random, first: date, last: date, years: Sequence[int],
                           missed_months: tuple[tuple[int, int], ...], weekly: float) -> Iterator[Row]:
        """One county's activities from first to last (whole years), week by week."""
        categories = list(story.CATEGORY_WEIGHTS)
        tale = c.story
        keys: set[tuple[date, str, str]] = set()
        themes: dict[date, tuple[story.MonthlyTheme, date]] = {}
        for m in month_starts(years):
            theme = story.THEME_OVERRIDES.get((m.year, m.month), story.MONTHLY_THEMES[m.month])
            missed = (m.year, m.month) in missed_months or (
                c.synthetic and rng.random() < story.SYNTHETIC_THEME_MISS)
            if not missed:
                day = self._theme_day(m.year, m.month, theme)
                themes[day - timedelta(days=day.weekday())] = (theme, day)
        monday = first - timedelta(days=first.weekday())
        while monday <= last:
            days = [d for d in (monday + timedelta(days=i) for i in range(7)) if first <= d <= last]
            rows: list[Row] = []
            themed = themes.get(monday)
            if themed is not None:
                theme, day = themed
                at_county = rng.random() < story.THEME_AT_COUNTY_SHARE
                code, place = (c.code, c.name) if at_county else self._where(rng, c)
                title = theme.title.format(place=place)
                keys.add((day, code, title))
                rows.append((day, code, title, theme.category, True, theme.theme,
                             rng.randint(*story.THEME_PARTICIPANTS)))
            silence = tale.silent_week_share
            if monday in story.SPRING_FESTIVAL_WEEKS:
                silence += story.SPRING_FESTIVAL_SILENCE
            if story.LOCKDOWN[0] <= monday <= story.LOCKDOWN[1]:
                silence += story.LOCKDOWN_SILENCE
            if themed is None and rng.random() < silence:
                monday += WEEK
                continue
            boost = theme.category if themed is not None else None
            weights = [w * (2 if k == boost else 1) for k, w in story.CATEGORY_WEIGHTS.items()]
            for _ in range(max(0 if themed else 1, poisson(rng, weekly))):
                day = rng.choice(days)
                category = rng.choices(categories, weights=weights)[0]
                code, place = self._where(rng, c)
                title = rng.choice(story.TITLES[category]).format(place=place)
                if (day, code, title) in keys:
                    continue  # the same item reported twice: the importer's key would merge it
                keys.add((day, code, title))
                rows.append((day, code, title, category, False, None, rng.randint(*story.PARTICIPANTS)))
            yield from sorted(rows, key=lambda r: (str(r[0]), str(r[1]), str(r[2])))  # ISO dates sort as text
            monday += WEEK

    # brands, funds ------------------------------------------------------------------------------------------

    def brands(self) -> Iterator[Row]:
        """一地一品 projects with a placeholder photo each (synthetic counties replay their template's)."""
        for c in self.world.counties:
            for b in c.story.all_brands:
                rng = stream(self.seed, "brands", c.code, b.name)
                yield (b.name, c.name, b.description, b.started_on, b.category, rng.randint(*story.BENEFICIARIES),
                       self.photos.get((c.template, b.name)), b.tags)

    def funds(self) -> Iterator[Row]:
        """Village 博爱基金 as they stand at 2025-12-31: most disclosed in its half-year, some stale, a few never."""
        for c in self.world.counties:
            seed_plan_funds = list(self._seed_plan_funds(c))
            yield from self._later_funds(c, seed_plan_funds)

    def _later_funds(self, c: County, funds: list[Row]) -> Iterator[Row]:
        """The funds of 2022 carried on to 2025, and those founded since.

        A fund row holds only its latest disclosure and its cumulative amounts, so a fund that kept disclosing
        carries its 2025 disclosure (viewed at an earlier date, the database cannot tell when it disclosed before).
        """
        rng = stream(self.seed, "funds-later", c.code)
        for name, division, established, raised, paid, disclosed in funds:
            regular = disclosed is None or disclosed >= story.FUND_RECENT_DISCLOSURE_FROM  # kept up to 2022
            if regular and rng.random() < story.LATER_FUND_STOPPED_SHARE:
                disclosed = random_date(rng, *story.LATER_STALE_DISCLOSURE)
            elif regular or rng.random() < story.LATER_FUND_RESUMED_SHARE:
                disclosed = random_date(rng, story.LATER_RECENT_DISCLOSURE_FROM, story.DATA_END)
            grown = float(raised) * rng.uniform(*story.LATER_FUND_GROWTH)  # type: ignore[arg-type]
            spent = float(paid) + (grown - float(raised)) * rng.uniform(*story.FUND_DISBURSED)  # type: ignore[arg-type]
            yield (name, division, established, round(grown, 2), round(spent, 2), disclosed)
        taken = {str(f[1]) for f in funds}
        new = [v for v in self._branches[c.code].new_villages if v.code not in taken]
        others = [v for v in c.villages if v.code not in taken and v not in new]
        k = round(story.LATER_FUND_SHARE * len(c.villages))
        k_branch = min(len(new), round(k * story.FUND_AT_BRANCH_SHARE))
        chosen = rng.sample(new, k_branch) + rng.sample(others, min(len(others), k - k_branch))
        for v in sorted(chosen, key=lambda v: v.code):
            if rng.random() < story.LATER_FUND_NEVER_DISCLOSED_SHARE:
                established, last = random_date(rng, *story.LATER_FUND_NEW_FOUNDED), None
            else:
                established = random_date(rng, *story.LATER_FUND_FOUNDED)
                last = random_date(rng, max(established, story.LATER_RECENT_DISCLOSURE_FROM), story.DATA_END)
            raised = story.FUND_RAISED_MEDIAN * rng.lognormvariate(0, story.FUND_RAISED_SIGMA)
            paid = raised * rng.uniform(*story.FUND_DISBURSED)
            yield (f"{v.name}博爱基金", v.code, established, round(raised, 2), round(paid, 2), last)

    def _seed_plan_funds(self, c: County) -> Iterator[Row]:
        """One county's funds as they stood at 2022-12-31."""
        rng = stream(self.seed, "funds", c.code)
        with_branch = self.villages_with_branch(c)
        taken = {v.code for v in with_branch}
        others = [v for v in c.villages if v.code not in taken]
        k = round(story.FUND_SHARE * len(c.villages))
        k_branch = min(len(with_branch), round(k * story.FUND_AT_BRANCH_SHARE))
        chosen = rng.sample(with_branch, k_branch) + rng.sample(others, min(len(others), k - k_branch))
        stale = set(rng.sample(range(len(chosen)), max(1, round(story.FUND_STALE_SHARE * len(chosen)))))
        for i, v in enumerate(sorted(chosen, key=lambda v: v.code)):
            disclosed: date | None
            if i in stale:
                disclosed = random_date(rng, *story.FUND_STALE_DISCLOSURE)
                established = random_date(rng, story.FUND_FOUNDED_FROM, disclosed)
            elif rng.random() < story.FUND_NEVER_DISCLOSED_SHARE:
                disclosed = None
                established = random_date(rng, *story.FUND_NEW_FOUNDED)
            else:
                disclosed = random_date(rng, story.FUND_RECENT_DISCLOSURE_FROM, story.END)
                established = random_date(rng, story.FUND_FOUNDED_FROM, min(disclosed, story.FUND_NEW_FOUNDED[0]))
            raised = story.FUND_RAISED_MEDIAN * rng.lognormvariate(0, story.FUND_RAISED_SIGMA)
            paid = raised * rng.uniform(*story.FUND_DISBURSED)
            yield (f"{v.name}博爱基金", v.code, established, round(raised, 2), round(paid, 2), disclosed)

    # county-level figures -------------------------------------------------------------------------------

    def rescue_stats(self) -> Iterator[Row]:
        """三救三献 figures per county per month, scaled by population, with seasons and the 2020 epidemic."""
        for c in self.world.counties:
            rng = stream(self.seed, "rescue-stats", c.code)
            for m in month_starts(story.DATA_YEARS):
                scale = c.population_in(m.year) / 100_000
                covid = story.COVID_FACTORS.get((m.year, m.month), {})
                i = m.month - 1
                figures = (
                    (story.FIRST_AID_CERTIFIED_PER_100K, story.TRAINING_SEASON[i], "training"),
                    (story.FIRST_AID_PUBLIC_PER_100K, story.TRAINING_SEASON[i], "training"),
                    (story.BLOOD_DONATIONS_PER_100K, story.BLOOD_SEASON[i], "blood"),
                    (story.STEM_CELL_PER_100K, 1.0, "blood"),
                    (story.ORGAN_DONATION_PER_100K, 1.0, "other"),
                    (story.RELIEF_PER_100K, story.RELIEF_SEASON[i], "relief"),
                )
                yield (c.name, m, *(
                    max(0, round(rate * scale * season * covid.get(factor, 1.0)
                                 * (1 + rng.uniform(-1, 1) * story.MONTH_NOISE)))
                    for rate, season, factor in figures
                ))

    def party(self) -> Iterator[Row]:
        """Half-yearly party-building status per county: most counties get there during the plan."""
        for c in self.world.counties:
            tale = c.story
            secretary_from = tale.secretary_from or tale.later.secretary_from
            for d in story.PARTY_DATES:
                group = tale.party_group_from is not None and d >= tale.party_group_from
                secretary = secretary_from is not None and d >= secretary_from
                yield (c.name, d, group, secretary)

    @staticmethod
    def targets() -> Iterator[Row]:
        """The plan's interim yearly targets."""
        yield from story.TARGETS
