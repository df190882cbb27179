"""Reference divisions and population, and resolving division codes and names (as people write them) to codes."""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rcdash.labels import LEVEL_LABELS

REFERENCE_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "reference"
DIVISIONS_CSV = REFERENCE_DIR / "divisions.csv"
POPULATION_CSV = REFERENCE_DIR / "population_2020.csv"

COLUMNS = ("code", "name", "short_name", "level", "parent_code", "kind")
LEVELS = ("city", "county", "township", "village")
ALL_LEVELS = frozenset(LEVELS)
# A path prefix ("柯桥区/福全街道/…") or the separate township argument names an area, never a village.
SCOPE_LEVELS = frozenset({"city", "county", "township"})

# Suffix families: names that differ only by a suffix of one family are the same name (峡山村委会 = 峡山村).
# Longest suffix first, so 社区居委会 is stripped whole rather than as 居委会.
FAMILY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "村": ("村民委员会", "村委会", "村"),
    "社区": ("社区居民委员会", "社区居委会", "居民委员会", "居委会", "社区"),
    "乡镇": ("街道办事处", "街道", "镇", "乡"),
    "县": ("区", "县", "市"),
    "市": ("市",),
}
# Which families a division of each level can carry; the city keeps its own so 绍兴县 never means 绍兴市.
LEVEL_FAMILIES = {"city": ("市",), "county": ("县",), "township": ("乡镇",), "village": ("村", "社区")}

SEPARATORS = re.compile(r"[/>\-]")  # after NFKC, so ／ ＞ － are covered too
CODE_RE = re.compile(r"(\d{2,12})(?:\.0+)?")  # Excel hands numeric codes over as floats: 330603006.0
CODE_AND_NAME_RE = re.compile(r"(\d{4,12})(\D.*)")  # the "330603 柯桥区" form that candidates are shown in
STANDARD_CODE_LENGTHS = (4, 6, 9)  # shorter forms of a 12-digit code padded with zeros (330603000000)
WHITESPACE = re.compile(r"\s+")

# What clerks add to or leave off a village's name (董村, 董村村, 董村村委会 are all 董村村委会): within a named
# township or county, a name equal to one village there once these are removed on both sides is that village.
VILLAGE_SUFFIXES = tuple(sorted(("村委会", "村民委员会", "居委会", "社区居民委员会", "村", "社区"), key=len, reverse=True))

MAX_CANDIDATES = 5  # closest names offered for an unknown name; more is noise in an error cell
MAX_AMBIGUOUS_LISTED = 8  # ambiguous candidates listed in the message; the tuple keeps them all
FUZZY_CUTOFF = 0.5  # difflib ratio below which a name is not offered as "close"
FUZZY_SCAN_LIMIT = 5000  # up to this many divisions a miss is compared with each; above it, prefilter
FUZZY_SHORTLIST = 300  # prefiltered divisions that get the (slow) difflib comparison
COMMON_CHAR_SHARE = 0.02  # characters in more names than this share say little (村, 社, 新) and are skipped


def normalize(text: object) -> str:
    """NFKC (full-width digits and separators to ASCII) and no whitespace at all."""
    return WHITESPACE.sub("", unicodedata.normalize("NFKC", "" if text is None else str(text)))


def resolution_key(text: str) -> str:
    """What DivisionIndex.resolve looks a cell's text up by: the same key always resolves the same way."""
    return normalize(unicodedata.normalize("NFKC", text).strip())


def _suffix_pattern(families: Iterable[str]) -> re.Pattern[str]:
    """stem + longest suffix of any of families (the lazy stem makes the longest suffix win)."""
    suffixes = sorted({sfx for f in families for sfx in FAMILY_SUFFIXES[f]}, key=len, reverse=True)
    return re.compile("(.+?)(" + "|".join(map(re.escape, suffixes)) + ")")


FAMILY_PATTERNS = {family: _suffix_pattern([family]) for family in FAMILY_SUFFIXES}
LEVEL_PATTERNS = {level: _suffix_pattern(families) for level, families in LEVEL_FAMILIES.items()}
# Within one level no suffix belongs to two families, so a suffix names its family.
SUFFIX_FAMILY = {level: {sfx: f for f in families for sfx in FAMILY_SUFFIXES[f]}
                 for level, families in LEVEL_FAMILIES.items()}


def _canonical_keys(name: str) -> list[str]:
    """The keys a written name may mean: stem plus family, one for each family whose suffix it carries."""
    keys = []
    for family, pattern in FAMILY_PATTERNS.items():
        m = pattern.fullmatch(name)
        if m is not None:
            keys.append(f"{m.group(1)}\x1f{family}")
    return keys


def load_reference_divisions() -> pd.DataFrame:
    """The shipped divisions (data/reference/divisions.csv), every column as str."""
    return pd.read_csv(DIVISIONS_CSV, dtype=str, keep_default_na=False)


def load_reference_population() -> pd.DataFrame:
    """The shipped 2020 census populations: code, name (str), year, resident_population (int)."""
    return pd.read_csv(POPULATION_CSV, dtype={"code": str, "name": str, "year": "int64",
                                              "resident_population": "int64"})


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one cell: a code, or an error (in Chinese) and candidate display strings."""

    code: str | None = None
    error: str | None = None
    candidates: tuple[str, ...] = ()
    note: str | None = None  # how a name was understood when it was not written as in the reference (a warning)

    @property
    def ok(self) -> bool:
        """Whether a code was found."""
        return self.code is not None


@dataclass(frozen=True)
class _Scope:
    """An area that narrows a lookup: divisions at or under any of members; label is how the user wrote it."""

    members: frozenset[int]
    label: str


@dataclass
class _Match:
    """What one name matched: hits in scope at allowed levels, else what was found elsewhere."""

    hits: list[int]
    wrong_level: list[int]
    out_of_scope: list[int]


class DivisionIndex:
    """Codes and names of any division table (code, name, short_name, level, parent_code, kind), indexed once."""

    def __init__(self, frame: pd.DataFrame) -> None:
        """Build every lookup with dicts, so resolving an exact name or code is O(1)."""
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"division table lacks columns: {', '.join(missing)}")
        # Codes and parents from DuckDB or pandas may be None/NaN for the root; "" means "no parent".
        cols = {c: frame[c].astype("string").fillna("").str.strip() for c in COLUMNS}
        shorts = cols["short_name"].where(cols["short_name"] != "", cols["name"])
        self._codes: list[str] = cols["code"].tolist()
        self._names: list[str] = cols["name"].tolist()
        self._shorts: list[str] = shorts.tolist()
        self._levels: list[str] = cols["level"].tolist()
        unknown = set(self._levels) - ALL_LEVELS
        if unknown:
            raise ValueError(f"unknown division levels: {sorted(unknown)}")
        self._by_code: dict[str, int] = dict(zip(self._codes, range(len(self._codes)), strict=True))
        if len(self._by_code) < len(self._codes):
            dupes = cols["code"][cols["code"].duplicated()].head(3).tolist()
            raise ValueError(f"duplicate division codes: {dupes}")
        self._parent: list[int] = [self._by_code.get(p, -1) for p in cols["parent_code"].tolist()]
        self._roots = [i for i, p in enumerate(self._parent) if p < 0]
        # Tier 1, the hot path: exact official or short name (after normalize) → rows, ascending.
        self._exact: dict[str, list[int]] = {}
        setdefault = self._exact.setdefault
        for i, (name, short) in enumerate(zip(self._names, self._shorts, strict=True)):
            key = normalize(name)
            setdefault(key, []).append(i)
            if short != name and (other := normalize(short)) != key:
                setdefault(other, []).append(i)
        self._scopes: dict[str, _Scope | Resolution] = {}  # paths walked from the top, e.g. 柯桥区/福全街道
        # Built on first need: the weaker name tiers, error messages and fuzzy search.
        self._variants: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None
        self._children: dict[int, list[int]] | None = None
        self._name_count: Counter[tuple[str, str]] | None = None
        self._char_index: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        """Number of divisions."""
        return len(self._codes)

    def __contains__(self, code: object) -> bool:
        """Whether code is a division code in the table."""
        return isinstance(code, str) and code in self._by_code

    # ---- tree -------------------------------------------------------------------------------------------

    def _index(self, code: str) -> int:
        """Row index of a code; KeyError naming the code if unknown."""
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown division code {code!r}") from None

    def _ancestor_indices(self, i: int) -> list[int]:
        """Ancestors of row i, root first."""
        out = []
        p = self._parent[i]
        while p >= 0:
            out.append(p)
            p = self._parent[p]
        out.reverse()
        return out

    def ancestors(self, code: str) -> list[str]:
        """Codes of the divisions above code, root first (the city first for a village)."""
        return [self._codes[a] for a in self._ancestor_indices(self._index(code))]

    def county_of(self, code: str) -> str | None:
        """The county at or above code; None above county level or for an unknown code."""
        i = self._by_code.get(code)
        while i is not None and i >= 0:
            if self._levels[i] == "county":
                return self._codes[i]
            i = self._parent[i]
        return None

    def display_path(self, code: str) -> str:
        """Short names from below the root down to code, e.g. 柯桥区/福全街道/峡山村 (the root alone for itself)."""
        i = self._index(code)
        chain = [*self._ancestor_indices(i), i]
        # With a single root (one city) its name adds nothing; with several it tells them apart.
        if len(chain) > 1 and len(self._roots) == 1:
            chain = chain[1:]
        return "/".join(self._shorts[j] for j in chain)

    def _within(self, i: int, scope: _Scope | None) -> bool:
        """Whether row i is at or under any member of scope."""
        if scope is None:
            return True
        while i >= 0:
            if i in scope.members:
                return True
            i = self._parent[i]
        return False

    def _label(self, i: int) -> str:
        """How a candidate is shown: 福全街道/峡山村, 福全街道, or 330603 柯桥区."""
        level = self._levels[i]
        if level in ("city", "county"):
            return f"{self._codes[i]} {self._shorts[i]}"
        parts = [self._shorts[i]]
        # A village always shows its township; any level shows more ancestors while the name is not unique.
        j = self._parent[i] if level == "village" else i
        if j != i and j >= 0:
            parts.insert(0, self._shorts[j])
        while j >= 0 and self._name_counts()[(self._levels[j], self._shorts[j])] > 1:
            j = self._parent[j]
            if j < 0 or self._levels[j] == "city":
                break
            parts.insert(0, self._shorts[j])
        return "/".join(parts)

    def _labels(self, indices: Sequence[int]) -> tuple[str, ...]:
        """Labels for a candidate list; where two collide, official names and then codes tell them apart."""
        labels = [self._label(i) for i in indices]
        for fallback in (self._official_label, self._code_label):
            seen = Counter(labels)
            labels = [fallback(i, lab) if seen[lab] > 1 else lab for i, lab in zip(indices, labels, strict=True)]
        return tuple(labels)

    def _official_label(self, i: int, label: str) -> str:
        """label with its last part replaced by the official name (浦口街道/浦口居委会)."""
        head, sep, _ = label.rpartition("/")
        return f"{head}{sep}{self._names[i]}" if sep else f"{self._codes[i]} {self._names[i]}"

    def _code_label(self, i: int, label: str) -> str:
        """label prefixed with the code, unless it already starts with it."""
        return label if label.startswith(self._codes[i]) else f"{self._codes[i]} {label}"

    # ---- matching ---------------------------------------------------------------------------------------

    def _match(self, name: str, scope: _Scope | None, levels: frozenset[str]) -> _Match:
        """Rows whose name matches, strongest tier first, split by level and scope."""
        wrong_level: list[int] = []
        out_of_scope: list[int] = []
        for tier in range(3):
            if tier == 0:
                found = self._exact.get(name, [])
            else:
                canonical, stems = self._variant_indexes()
                found = ([i for key in _canonical_keys(name) for i in canonical.get(key, [])] if tier == 1
                         else stems.get(name, []))
            # A bare stem is a guess: never used when a real name matched somewhere (柯桥街道 ≠ 柯桥区).
            if tier == 2 and (wrong_level or out_of_scope):
                break
            found = list(dict.fromkeys(found))
            hits = []
            for i in found:
                if self._levels[i] not in levels:
                    wrong_level.append(i)
                elif self._within(i, scope):
                    hits.append(i)
                else:
                    out_of_scope.append(i)
            if hits:
                return _Match(self._prefer_exact(name, hits), [], [])
        return _Match([], list(dict.fromkeys(wrong_level)), list(dict.fromkeys(out_of_scope)))

    def _prefer_exact(self, name: str, hits: list[int]) -> list[int]:
        """Among siblings, the one whose official (else short) name is exactly what was written."""
        # Only among siblings: a township prefix cannot tell them apart, the exact name can (浦口社区 vs
        # 浦口居委会). Across townships an exact name is no evidence, so those stay ambiguous.
        if len(hits) < 2 or len({self._parent[i] for i in hits}) > 1:
            return hits
        for names in (self._names, self._shorts):
            exact = [i for i in hits if normalize(names[i]) == name]
            if len(exact) == 1:
                return exact
        return hits

    def _scope_from(self, text: str, scope: _Scope | None) -> _Scope | Resolution:
        """The area a township argument or path prefix names (all matches: any of them narrows enough)."""
        code = self._code_in(text)
        if code is not None:
            i = self._by_code.get(code)
            if i is None:
                return Resolution(error=f"所属区域的代码“{text}”不存在，请核对")
            return _Scope(frozenset([i]), self._shorts[i])
        match = self._match(text, scope, SCOPE_LEVELS)
        if match.hits:
            return _Scope(frozenset(match.hits), text)
        where = f"“{scope.label}”下" if scope else ""
        if match.wrong_level:
            lab = LEVEL_LABELS[self._levels[match.wrong_level[0]]]
            return Resolution(error=f"“{text}”是{lab}，不能作为所属乡镇（街道）或区、县（市），请核对")
        if match.out_of_scope:
            cands = self._labels(match.out_of_scope)
            return Resolution(error=f"{where}没有“{text}”，它在：{'、'.join(cands)}，请核对", candidates=cands)
        cands = self._closest(text, scope, SCOPE_LEVELS)
        return Resolution(error=f"找不到{where}乡镇（街道）或区、县（市）“{text}”" + _suggest(cands), candidates=cands)

    def _code_in(self, text: str) -> str | None:
        """The code text stands for, if it is all digits (tolerating zero padding to 12 digits)."""
        m = CODE_RE.fullmatch(text)
        if m is None:
            return None
        code = m.group(1)
        if code not in self._by_code:
            # 330603000000 / 330603006000: the 12-digit zero-padded form of a shorter code.
            for n in STANDARD_CODE_LENGTHS:
                if n < len(code) and code[:n] in self._by_code and set(code[n:]) == {"0"}:
                    return code[:n]
        return code

    def _resolve_code(self, code: str, written: str, scope: _Scope | None, levels: frozenset[str]) -> Resolution:
        """A code: present, at an allowed level and inside the scope, or an error saying which is wrong."""
        i = self._by_code.get(code)
        if i is None:
            return Resolution(error=f"区划代码“{written}”不存在，请核对代码，或改填名称")
        level = self._levels[i]
        if level not in levels:
            return Resolution(error=f"代码 {code}（{self.display_path(code)}）是{LEVEL_LABELS[level]}，"
                                    f"这里应填写{_levels_label(levels)}")
        if not self._within(i, scope):
            assert scope is not None
            return Resolution(error=f"代码 {code}（{self.display_path(code)}）不在“{scope.label}”范围内，"
                                    "请核对代码或所属乡镇（街道）")
        return Resolution(code=code)

    def _resolve_name(self, name: str, scope: _Scope | None, levels: frozenset[str]) -> Resolution:
        """A name within scope at allowed levels: exactly one hit, or an error that says how to fix it."""
        match = self._match(name, scope, levels)
        if len(match.hits) == 1:
            return Resolution(code=self._codes[match.hits[0]])
        if match.hits:
            return self._ambiguous(name, match.hits, scope)
        loose = self._village_by_stem(name, scope) if scope is not None and "village" in levels else []
        if len(loose) == 1:
            i = loose[0]
            return Resolution(code=self._codes[i],
                              note=f"“{scope.label}/{name}”按“{self._shorts[self._parent[i]]}/{self._names[i]}”"  # type: ignore[union-attr]
                                   f"（{self._codes[i]}）识别")
        if loose:
            return self._ambiguous(name, loose, scope)
        if match.wrong_level:
            return self._wrong_level(name, match.wrong_level, levels)
        if match.out_of_scope:
            assert scope is not None
            cands = self._labels(match.out_of_scope)
            return Resolution(error=f"“{scope.label}”下没有“{name}”；“{name}”在：{'、'.join(cands)}，"
                                    "请核对所属乡镇（街道）", candidates=cands)
        cands = self._closest(name, scope, levels)
        return Resolution(error=f"找不到“{name}”" + _suggest(cands), candidates=cands)

    def _village_by_stem(self, name: str, scope: _Scope) -> list[int]:
        """The villages and communities in scope whose names equal name once VILLAGE_SUFFIXES are removed from both."""
        stem = village_stem(name)
        found = []
        for member in sorted(scope.members):
            for i in self._subtree(member):
                if self._levels[i] == "village" and stem in (village_stem(normalize(self._names[i])),
                                                             village_stem(normalize(self._shorts[i]))):
                    found.append(i)
        return list(dict.fromkeys(found))

    def _ambiguous(self, name: str, hits: list[int], scope: _Scope | None) -> Resolution:
        """An error for a name that fits several divisions, with every one as a candidate."""
        cands = self._labels(hits)
        listed = "、".join(cands[:MAX_AMBIGUOUS_LISTED]) + ("等" if len(cands) > MAX_AMBIGUOUS_LISTED else "")
        parents = {self._parent[i] for i in hits}
        if len(parents) == 1:
            # Siblings with equivalent names: only the full official name or the code tells them apart.
            names = "、".join(f"“{self._names[i]}”（{self._codes[i]}）" for i in hits)
            parent = self._parent[hits[0]]
            where = self._labels([parent])[0] if parent >= 0 else self._root_label()
            return Resolution(error=f"“{name}”在“{where}”下有 {len(hits)} 处：{names}，"
                                    "请写全称或区划代码", candidates=cands)
        if len({self._levels[i] for i in hits}) > 1:
            return Resolution(error=f"“{name}”可指 {len(hits)} 处：{listed}，请写全称或区划代码",
                              candidates=cands)
        where = scope.label if scope else self._root_label()
        parent_levels = {self._levels[p] for p in parents if p >= 0}
        what = LEVEL_LABELS[parent_levels.pop()] if len(parent_levels) == 1 else "上级区划"
        return Resolution(error=f"“{name}”在{where}有 {len(hits)} 处，请写明所属{what}，例如“{cands[0]}”"
                                f"（可选：{listed}）", candidates=cands)

    def _wrong_level(self, name: str, found: list[int], levels: frozenset[str]) -> Resolution:
        """An error for a name that exists only at a level this column does not take."""
        level = self._levels[found[0]]
        # Offer the allowed division above it (a township written in a county column → its county).
        above = []
        for i in found:
            above += [a for a in self._ancestor_indices(i) if self._levels[a] in levels]
        above = list(dict.fromkeys(above))[:MAX_CANDIDATES]
        cands = self._labels(above)
        hint = "，它属于" + "、".join(f"“{self._shorts[a]}”（{self._codes[a]}）" for a in above) if above else ""
        return Resolution(error=f"“{name}”是{LEVEL_LABELS[level]}，这里应填写{_levels_label(levels)}{hint}",
                          candidates=cands)

    def _root_label(self) -> str:
        """How the whole table is named in messages: the city, or 参考区划 when there are several roots."""
        return self._shorts[self._roots[0]] if len(self._roots) == 1 else "参考区划中"

    # ---- fuzzy ------------------------------------------------------------------------------------------

    def _closest(self, name: str, scope: _Scope | None, levels: frozenset[str]) -> tuple[str, ...]:
        """Up to MAX_CANDIDATES labels of divisions whose names are closest to name (scope first)."""
        best = self._closest_in(name, scope, levels) if scope is not None else []
        if not best:
            best = self._closest_in(name, None, levels)
        return self._labels(best)

    def _closest_in(self, name: str, scope: _Scope | None, levels: frozenset[str]) -> list[int]:
        """Rows closest to name, compared with difflib over a pool small enough to afford it."""
        pool: Sequence[int]
        if scope is not None:
            pool = [i for m in scope.members for i in self._subtree(m)]
            if len(pool) > FUZZY_SCAN_LIMIT:
                pool = [i for i in self._shortlist(name) if self._within(i, scope)]
        elif len(self._codes) <= FUZZY_SCAN_LIMIT:
            pool = range(len(self._codes))
        else:
            pool = self._shortlist(name)
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(name)
        scored = []
        for i in pool:
            if self._levels[i] not in levels:
                continue
            score = 0.0
            for candidate in (self._shorts[i], self._names[i]):
                matcher.set_seq1(normalize(candidate))
                if matcher.real_quick_ratio() >= FUZZY_CUTOFF and matcher.quick_ratio() >= FUZZY_CUTOFF:
                    score = max(score, matcher.ratio())
            if score >= FUZZY_CUTOFF:
                scored.append((score, -i))
        return [-neg for _, neg in heapq.nlargest(MAX_CANDIDATES, scored)]

    def _variant_indexes(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """Tier 2 (stem + suffix family: 峡山村委会 = 峡山村) and tier 3 (bare stem: 福全) → rows, built once."""
        if self._variants is None:
            canonical: dict[str, list[int]] = {}
            stems: dict[str, list[int]] = {}
            for key, rows in self._exact.items():
                for level in {self._levels[i] for i in rows}:
                    at_level = [i for i in rows if self._levels[i] == level]
                    m = LEVEL_PATTERNS[level].fullmatch(key)
                    stem = key if m is None else m.group(1)
                    if m is not None:
                        canonical.setdefault(f"{stem}\x1f{SUFFIX_FAMILY[level][m.group(2)]}", []).extend(at_level)
                    stems.setdefault(stem, []).extend(at_level)
            # A row reaches one key through both its names: keep each row once, in table order.
            for index in (canonical, stems):
                for key, rows in index.items():
                    if len(rows) > 1:
                        index[key] = sorted(set(rows))
            self._variants = (canonical, stems)
        return self._variants

    def _child_rows(self) -> dict[int, list[int]]:
        """Parent row → child rows (built once, on first need)."""
        if self._children is None:
            children: dict[int, list[int]] = defaultdict(list)
            for i, p in enumerate(self._parent):
                children[p].append(i)
            self._children = dict(children)
        return self._children

    def _name_counts(self) -> Counter[tuple[str, str]]:
        """How often each (level, short name) occurs (built once, on first need)."""
        if self._name_count is None:
            self._name_count = Counter(zip(self._levels, self._shorts, strict=True))
        return self._name_count

    def _subtree(self, i: int) -> list[int]:
        """Row i and every row under it."""
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self._child_rows().get(j, ()))
        return out

    def _shortlist(self, name: str) -> list[int]:
        """Rows sharing the most distinctive characters with name (for tables too large to scan)."""
        if self._char_index is None:
            index: dict[str, list[int]] = defaultdict(list)
            for i, short in enumerate(self._shorts):
                for ch in set(normalize(short)):
                    index[ch].append(i)
            self._char_index = dict(index)
        limit = max(FUZZY_SHORTLIST, int(len(self._codes) * COMMON_CHAR_SHARE))
        postings = sorted((self._char_index.get(ch, []) for ch in set(name)), key=len)
        useful = [p for p in postings if 0 < len(p) <= limit] or [p for p in postings[:1] if p]
        overlap: Counter[int] = Counter()
        for p in useful:
            overlap.update(p)
        return [i for i, _ in overlap.most_common(FUZZY_SHORTLIST)]

    # ---- public -----------------------------------------------------------------------------------------

    def resolve(self, text: str, township: str | None = None, levels: frozenset[str] | None = None) -> Resolution:
        """Resolve a code, name or path (福全街道/峡山村), optionally within a township (name or code)."""
        allowed = ALL_LEVELS if not levels else frozenset(levels)
        if allowed - ALL_LEVELS:
            raise ValueError(f"unknown levels: {sorted(allowed - ALL_LEVELS)}")
        written = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()
        result = self._resolve(resolution_key(written), township, allowed)
        # "福全街道 峡山村": spaces used as the separator; tried only when the joined text found nothing.
        if result.code is None and WHITESPACE.search(written) and not SEPARATORS.search(written):
            spaced = self._resolve("/".join(WHITESPACE.split(written)), township, allowed)
            if spaced.code is not None:
                return spaced
        return result

    def _resolve(self, text: str, township: str | None, levels: frozenset[str]) -> Resolution:
        """resolve() on normalized text."""
        if not text:
            return Resolution(error="区划为空，请填写区划名称或代码")
        scope: _Scope | None = None
        township_text = normalize(township)
        if township_text:
            found = self._walk_scope(township_text, None)
            if isinstance(found, Resolution):
                return found
            scope = found

        code = self._code_in(text)
        if code is not None:
            return self._resolve_code(code, text, scope, levels)
        m = CODE_AND_NAME_RE.fullmatch(text)
        if m is not None:
            return self._resolve_code_and_name(m.group(1), m.group(2), scope, levels)

        # A whole name first: a table may hold names with a separator character in them.
        segments = [s for s in SEPARATORS.split(text) if s]
        if len(segments) <= 1 or text in self._exact:
            return self._resolve_name(segments[0] if segments else text, scope, levels)
        found = self._walk_scope("/".join(segments[:-1]), scope)
        if isinstance(found, Resolution):
            return found
        return self._resolve_name(segments[-1], found, levels)

    def _agrees(self, i: int, written: str) -> bool:
        """Whether row i answers to written (its last path segment), by any tier of name matching."""
        segments = [seg for seg in SEPARATORS.split(written) if seg]
        name = segments[-1] if segments else written
        canonical, stems = self._variant_indexes()
        return (i in self._exact.get(name, ()) or i in stems.get(name, ())
                or any(i in canonical.get(key, ()) for key in _canonical_keys(name)))

    def _walk_scope(self, path: str, scope: _Scope | None) -> _Scope | Resolution:
        """Narrow scope segment by segment along a path such as 柯桥区/福全街道."""
        if scope is None:  # every village of a township repeats its path: walk it once
            walked = self._scopes.get(path)
            if walked is None:
                walked = self._scopes[path] = self._walk_path(path, None)
            return walked
        return self._walk_path(path, scope)

    def _walk_path(self, path: str, scope: _Scope | None) -> _Scope | Resolution:
        """_walk_scope without the memory."""
        for segment in (s for s in SEPARATORS.split(path) if s):
            found = self._scope_from(segment, scope)
            if isinstance(found, Resolution):
                return found
            scope = found if scope is None else _Scope(found.members, f"{scope.label}/{found.label}")
        return scope

    def _resolve_code_and_name(self, code: str, name: str, scope: _Scope | None,
                               levels: frozenset[str]) -> Resolution:
        """"330603 柯桥区": the code decides; the name must agree with it."""
        res = self._resolve_code(self._code_in(code) or code, code, scope, levels)
        if res.code is None:
            return res
        if not self._agrees(self._by_code[res.code], name):
            return Resolution(error=f"代码 {res.code} 是“{self.display_path(res.code)}”，与“{name}”不符，"
                                    "请核对，或只填代码或名称之一")
        return res


def village_stem(name: str) -> str:
    """A village or community name with VILLAGE_SUFFIXES removed from its end, as often as they occur."""
    while True:
        suffix = next((s for s in VILLAGE_SUFFIXES if name.endswith(s) and len(name) > len(s)), None)
        if suffix is None:
            return name
        name = name[: -len(suffix)]


def _suggest(cands: tuple[str, ...]) -> str:
    """The tail of a not-found message: the closest names, or how to proceed without any."""
    if cands:
        return f"，相近的有：{'、'.join(cands)}，请核对名称或改填区划代码"
    return "，请核对名称或改填区划代码"


def _levels_label(levels: frozenset[str]) -> str:
    """The allowed levels in Chinese, in hierarchy order."""
    return "或".join(LEVEL_LABELS[lv] for lv in LEVELS if lv in levels)

