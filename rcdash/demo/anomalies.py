"""Planted data-quality anomalies (DESIGN §10): a handful of the mistakes real spreadsheets carry, one or two per
check, so the 数据质量 page has something to show. Each is placed relative to the generated rows (never at a
fixed date) and away from the story's first and last snapshot, so the story's figures stay as they are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from rcdash.demo import story
from rcdash.demo.generate import Row
from rcdash.demo.world import County, World
from rcdash.geo.boundaries import county_shapes

# Which real county (by position in code order) carries which anomaly: spread out so every county shows something.
DUPLICATE_COUNTY, DROP_COUNTY, OVER_COUNTY, STALE_COUNTY, PARTICIPANTS_COUNTY, SITE_COUNTY = 0, 1, 2, 3, 4, 5
DIGIT = 10  # a digit too many or too few: the commonest typo in a count
OVER_SHARE = 0.12  # the over-population snapshot is raised at least this far (the check flags above 10 %)
STALE_GAP_MONTHS = 18  # the stale township's snapshots stop this long before the data's last snapshot
PARTICIPANTS_ROW = 100  # the county's n-th activity gets the inflated count (an ordinary one, mid-data)
PARTICIPANTS_TYPO = 1_000  # "45" typed as "45000": three zeros too many
FUTURE_YEARS = 30  # a population year typed with the wrong decade (2025 → 2055)
DUPLICATE_SPACE = " "  # the second registration of a branch, typed with a space inside its name
DUPLICATE_BEFORE = "红十字"  # the space goes before it (柯桥中学 红十字会)
DUPLICATE_LEVELS = ("学校", "企业", "两新", "医疗机构")  # branches that feed no figure of the story


def plant(kind: str, rows: Iterable[Row], world: World) -> Iterator[Row]:
    """The rows of one kind with this kind's anomalies planted (other kinds pass unchanged)."""
    counties = world.real_counties
    if len(counties) <= max(DUPLICATE_COUNTY, DROP_COUNTY, OVER_COUNTY, STALE_COUNTY, PARTICIPANTS_COUNTY,
                            SITE_COUNTY):
        return iter(rows)
    planter = {"members": _members, "activities": _activities, "sites": _sites, "branches": _branches,
               "population": _population}.get(kind)
    return iter(rows) if planter is None else planter(rows, counties)


def _members(rows: Iterable[Row], counties: tuple[County, ...]) -> Iterator[Row]:
    """A snapshot a digit short (member_drop), one a digit too long (member_over_population, then a drop), and a
    township whose snapshots stop early (stale_members)."""
    drop_t = counties[DROP_COUNTY].townships[0]
    over_c = counties[OVER_COUNTY]
    stale_t = min(counties[STALE_COUNTY].townships, key=lambda t: t.population)  # the least weight on the figures
    held: dict[str, list[Row]] = {}
    for row in rows:
        if row[0] in (drop_t.code, stale_t.code) or row[0][:6] == over_c.code:
            held.setdefault(row[0], []).append(row)
        else:
            yield row
    yield from _mid_changed(held.pop(drop_t.code, []), lambda r, _: (r[0], r[1], r[2] // DIGIT, r[3]))
    over_t = min(over_c.townships, key=lambda t: t.population)
    yield from _mid_changed(held.pop(over_t.code, []), lambda r, pop: (
        r[0], r[1], max(r[2] * DIGIT, round(pop * OVER_SHARE) + 1), r[3]), over_c, over_t.code)
    stale = sorted(held.pop(stale_t.code, []), key=lambda r: r[1])
    if stale:
        last = stale[-1]
        months = last[1].year * 12 + last[1].month - 1 - STALE_GAP_MONTHS
        cut = date(months // 12, months % 12 + 1, 1)
        kept = [r for r in stale if r[1] < cut]
        # The last report it sent already carries its final numbers, so every figure at the data's end (the
        # story's end among them) stays as it was; only the snapshot's date is old.
        if len(kept) > 1:
            kept[-1] = (*kept[-1][:2], *last[2:])
        yield from kept
    for kept in held.values():
        yield from kept


def _mid_changed(rows: list[Row], change: object, county: County | None = None, code: str = "") -> Iterator[Row]:
    """The rows with the middle one changed, by date among those that are neither the first nor the last nor a
    date the story's figures are checked on (story.START, story.END)."""
    ordered = sorted(rows, key=lambda r: r[1])
    eligible = [i for i, r in enumerate(ordered)
                if 0 < i < len(ordered) - 1 and r[1] not in (story.START, story.END)]
    middle = eligible[len(eligible) // 2] if eligible else None
    for i, row in enumerate(ordered):
        if i == middle:
            pop = 0
            if county is not None:
                index = [t.code for t in county.townships].index(code)
                pop = county.township_populations(row[1].year)[index]
            yield change(row, pop)  # type: ignore[operator]
        else:
            yield row


def _activities(rows: Iterable[Row], counties: tuple[County, ...]) -> Iterator[Row]:
    """One ordinary activity with three zeros too many in its participant count (participants_outlier)."""
    county, seen = counties[PARTICIPANTS_COUNTY].code, 0
    for row in rows:
        if row[1][:6] == county and not row[4] and row[6] is not None:
            seen += 1
            if seen == PARTICIPANTS_ROW:
                row = (*row[:6], row[6] * PARTICIPANTS_TYPO)
        yield row


def _sites(rows: Iterable[Row], counties: tuple[County, ...]) -> Iterator[Row]:
    """One WGS-84 service point whose coordinates were copied from a site in another county
    (site_outside_division)."""
    county, other = counties[SITE_COUNTY].code, counties[DUPLICATE_COUNTY].code
    moved = False
    for row in rows:
        if not moved and row[1] == "point" and row[2][:6] == county and row[5] == "WGS84":
            point = county_shapes()[other].representative_point()
            row = (*row[:3], f"{point.x:.6f}", f"{point.y:.6f}", *row[5:])
            moved = True
        yield row


def _branches(rows: Iterable[Row], counties: tuple[County, ...]) -> Iterator[Row]:
    """One school or firm branch registered twice, the second time with a space in its name (duplicate_name). Not
    a village branch: a village counts once however many it has, and the story counts villages with two."""
    county, done = counties[DUPLICATE_COUNTY].code, False
    for row in rows:
        yield row
        name = str(row[0])
        if not done and row[1][:6] == county and row[2] in DUPLICATE_LEVELS and DUPLICATE_BEFORE in name[1:]:
            cut = name.index(DUPLICATE_BEFORE, 1)
            yield (name[:cut] + DUPLICATE_SPACE + name[cut:], *row[1:])
            done = True


def _population(rows: Iterable[Row], counties: tuple[County, ...]) -> Iterator[Row]:
    """A township's population filed under a year decades ahead (future_date)."""
    township = counties[DROP_COUNTY].townships[1].code
    last: Row | None = None
    for row in rows:
        if row[0] == township and (last is None or row[1] > last[1]):
            last = row
        yield row
    if last is not None:
        yield (last[0], last[1] + FUTURE_YEARS, last[2])
