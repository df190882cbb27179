"""The divisions an import resolves its cells against, read from the database only as far as the file needs.

A national database holds ~455,000 divisions; building the whole name index takes seconds, far longer than the
rest of an import. Plain codes are looked up in one query (levels_of). Names are resolved on a small index
(prepare) of every division answering to one of the names in the file's cells — found through the derived table
division_keys — with their ancestors, knowing only those names and matching them exactly, nothing weaker. So a
code it finds is the code the full index finds; a cell it cannot resolve (a typo, an ambiguous or variant name, a
wrong level) is resolved again on the full index, built on first need, which words the error and offers the
candidates as it always did. A database as small as one city's is simply indexed whole.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Iterator

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rcdash.db import cursor_of, load_sql, scalar, table_names
from rcdash.reference.divisions import (
    CODE_AND_NAME_RE,
    SEPARATORS,
    STANDARD_CODE_LENGTHS,
    DivisionIndex,
    Resolution,
    normalize,
    resolution_key,
)

WHOLE_INDEX_BELOW = 20_000  # divisions: a city indexes whole in ~20 ms, quicker than looking names up in SQL
_DIGITS = re.compile(r"[0-9]{2,12}")


class DivisionSource:
    """Resolves division cells against one database's divisions (the Resolver of validation)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, index: DivisionIndex | None = None) -> None:
        self._con = con
        self._full = index
        self._small: DivisionIndex | None = None
        self._small_keys: set[str] = set()
        self._cache: dict[tuple[str, str | None, frozenset[str] | None], Resolution] = {}

    def full(self) -> DivisionIndex:
        """The index of every division (built on first need)."""
        if self._full is None:
            frame = self._con.execute(load_sql("division_rows")).df()
            self._full = DivisionIndex(frame)
        return self._full

    def levels_of(self, codes: pa.Array) -> pa.Array:
        """The level of each code's division (NULL where there is none): codes that are numbers looked up among
        every numbered division, read in one go (division_numbers), the others in one query."""
        if self._full is not None:
            return pa.array(self._full.levels_of(codes), type=pa.string())
        numbers = code_numbers(codes)
        numbered = self._numbered_divisions()
        if numbered is None:  # a database written before division_numbers: every code is looked up as text
            return self._levels_by_code(codes)
        levels = levels_by_number(numbered, numbers)
        by_text = pc.and_(pc.is_valid(codes), pc.is_null(numbers))
        if pc.any(by_text).as_py():
            levels = pc.coalesce(levels, self._levels_by_code(pc.if_else(by_text, codes, pa.scalar(None, pa.string()))))
        return levels

    def _numbered_divisions(self) -> pa.Table | None:
        """(number, level) of every division whose code is a number, by number; None in an older database."""
        try:
            return self._con.sql(load_sql("division_numbers_all")).to_arrow_table()
        except duckdb.CatalogException:
            return None

    def _levels_by_code(self, codes: pa.Array) -> pa.Array:
        """The level of each code's division (NULL for NULL and where there is none), in one query by text."""
        positions = pa.array(np.flatnonzero(np.asarray(pc.is_valid(codes).to_numpy(zero_copy_only=False),
                                                       dtype=bool)), type=pa.int64())
        self._con.register("division_codes_wanted", pa.table({"i": positions, "code": codes.take(positions)}))
        try:
            found = self._con.sql(load_sql("division_levels_by_code")).to_arrow_table()
        finally:
            self._con.unregister("division_codes_wanted")
        at = np.full(len(codes), -1, dtype=np.int64)  # each code's row among those found
        at[found.column("i").to_numpy()] = np.arange(found.num_rows)
        return found.column("level").combine_chunks().cast(pa.string()).take(pa.array(at, mask=at < 0))

    @contextlib.contextmanager
    def beside(self) -> Iterator[DivisionSource]:
        """The same divisions on a cursor of its own, for lookups in another thread while this source is used in
        this one (a connection refuses two calls at once); the cursor is closed after."""
        cursor = cursor_of(self._con)
        try:
            yield DivisionSource(cursor, self._full)
        finally:
            cursor.close()

    def exact_codes(self, keys: list[str]) -> list[tuple[str, str] | None]:
        """(code, level) of each resolution key found in the derived table division_paths, else None (not
        found, or a database without the table): what resolving it on the full index gives (division_path_rows)."""
        out: list[tuple[str, str] | None] = [None] * len(keys)
        if not keys:
            return out
        wanted = pa.table({"i": pa.array(np.arange(len(keys), dtype=np.int64)), "key": pa.array(keys, pa.string())})
        self._con.register("division_keys_wanted", wanted)
        try:
            found = self._con.sql(load_sql("division_paths_of")).to_arrow_table().to_pydict()
        except duckdb.CatalogException:  # written before the table existed: every cell takes the per-cell path
            return out
        finally:
            self._con.unregister("division_keys_wanted")
        for i, code, level in zip(found["i"], found["code"], found["level"], strict=True):
            out[i] = (code, level)
        return out

    def prepare(self, texts: Iterable[str], townships: Iterable[str | None] = ()) -> None:
        """Load the divisions these cells (and township cells) could name into the small exact index: every
        division answering to one of their names (so a name found once there is not ambiguous in the full
        table), with all its ancestors. A small database is simply indexed whole."""
        if self._full is not None:
            return
        if "division_keys" not in table_names(self._con) or scalar(self._con, "SELECT count(*) FROM divisions") \
                <= WHOLE_INDEX_BELOW:
            self.full()  # an older database, or one so small that indexing it all is the quicker way
            return
        keys: set[str] = set()
        codes: set[str] = set()
        for text in [*texts, *(t for t in townships if t)]:
            _keys_of(text, keys, codes)
        if keys <= self._small_keys and not codes:
            return
        keys |= self._small_keys
        codes |= self._codes_named(keys)
        codes |= self._ancestors(codes)
        frame = self._rows(codes)
        self._small = DivisionIndex(frame, exact_only=True, names=keys)
        self._small_keys = keys
        self._cache.clear()

    def _query(self, sql: str, values: set[str]) -> pa.Table:
        """A query joining the table `wanted(value)`, registered from Python strings."""
        self._con.register("wanted", pa.table({"value": pa.array(sorted(values), type=pa.string())}))
        try:
            return self._con.sql(sql).to_arrow_table()
        finally:
            self._con.unregister("wanted")

    def _codes_named(self, keys: set[str]) -> set[str]:
        """Codes of the divisions answering to any of these names."""
        found = self._query("SELECT DISTINCT k.code FROM division_keys k JOIN wanted w ON w.value = k.key", keys)
        return set(found.column(0).to_pylist())

    def _ancestors(self, codes: set[str]) -> set[str]:
        """The codes of every division above these (by parent_code)."""
        found: set[str] = set()
        step = set(codes)
        sql = "SELECT DISTINCT d.parent_code FROM divisions d JOIN wanted w ON w.value = d.code"
        while step:
            parents = {p for p in self._query(sql, step).column(0).to_pylist() if p}
            step = parents - found - codes
            found |= step
        return found

    def _rows(self, codes: set[str]) -> pd.DataFrame:
        """These divisions, for an index."""
        return self._query(load_sql("division_rows_wanted"), codes).to_pandas()

    def resolve(self, text: str, township: str | None = None, levels: frozenset[str] | None = None) -> Resolution:
        """As DivisionIndex.resolve: on the small index when it finds a code there, else on the full index."""
        key = (text, township, levels)
        res = self._cache.get(key)
        if res is None:
            res = self._small.resolve(text, township, levels) if self._small is not None else None
            if res is None or res.code is None:
                res = self.full().resolve(text, township, levels)
            self._cache[key] = res
        return res


# A code that is a number as written (1 to 18 ASCII digits, no leading zero, which would name another number):
# what division_numbers holds.
NUMBER_DIGITS = 18


def code_numbers(codes: pa.Array) -> pa.Array:
    """Each code as the number it is written as (int64), NULL where it is not one (see NUMBER_DIGITS)."""
    length = pc.binary_length(codes)  # in bytes: only ASCII digits pass the next test anyway
    numbered = pc.and_(pc.and_(pc.ascii_is_decimal(codes), pc.less_equal(length, NUMBER_DIGITS)),
                       pc.invert(pc.starts_with(codes, "0")))
    return pc.cast(pc.if_else(pc.fill_null(numbered, False), codes, pa.scalar(None, pa.string())), pa.int64())


def levels_by_number(numbered: pa.Table, numbers: pa.Array) -> pa.Array:
    """The level of each number's division among `numbered` (number, level), NULL for NULL and where there is
    none. A binary search in the sorted numbers: for 100,000 codes among the national demo's 455,000 divisions
    (read in ~4 ms) about half the time of a join in DuckDB, and on one core where the join takes both."""
    known = numbered.column("number").to_numpy()
    levels = numbered.column("level").combine_chunks()
    if not len(known) or not len(numbers):
        return pa.nulls(len(numbers), pa.string())
    order = None
    if np.any(known[1:] < known[:-1]):  # stored in order (division_numbers.sql); a table's order is not promised
        order = np.argsort(known, kind="stable")
        known = known[order]
    wanted = np.asarray(pc.fill_null(numbers, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    at = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
    found = np.asarray(numbers.is_valid().to_numpy(zero_copy_only=False), dtype=bool) & (known[at] == wanted)
    rows = at if order is None else order[at]
    return levels.take(pa.array(rows, mask=~found)).cast(pa.string())


def _keys_of(text: str, keys: set[str], codes: set[str]) -> None:
    """The names (normalised) and codes a cell could stand for, whole and by path segment."""
    written = unicodedata.normalize("NFKC", text).strip()
    whole = normalize(written)
    keys.add(whole)
    for segment in [whole, *SEPARATORS.split(whole)]:
        if not segment:
            continue
        keys.add(segment)
        m = CODE_AND_NAME_RE.fullmatch(segment)
        if m is not None:  # "330603 柯桥区": the code, and the name that must agree with it
            keys.add(m.group(2))
            segment = m.group(1)
        digits = segment.split(".")[0]
        if _DIGITS.fullmatch(digits):
            codes.add(digits)
            codes.update(digits[:n] for n in STANDARD_CODE_LENGTHS if n < len(digits))


def division_path_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(key, code, level): the ways of writing a division most files use — its path as shown (柯桥区/福全街道/峡山村), its
    name, its short name, and township/village — each with the code the full index resolves it to, where it
    resolves at all. Resolving is exact-only, which finds a code only where the full index finds the same one
    (DivisionIndex), so every row is what the full index says; a key it cannot resolve is simply not stored."""
    frame = con.execute(load_sql("division_rows")).df()
    index = DivisionIndex(frame, exact_only=True)
    rows: dict[str, str] = {}
    for code, name, short, parent in con.execute(load_sql("division_path_texts")).fetchall():
        for text in {index.display_path(code), name, short, f"{parent}/{short}" if parent else short}:
            key = resolution_key(text)
            if key and key not in rows:
                found = index.resolve_key(key).code
                if found is not None:
                    rows[key] = found
    level = dict(zip(frame["code"].astype(str), frame["level"].astype(str), strict=True))
    return pd.DataFrame({"key": list(rows), "code": list(rows.values()), "level": [level[c] for c in rows.values()]},
                        dtype="string")
