"""Columns of a read sheet, and their distinct cells: validation works on each distinct cell once, not per row."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

# A column as read: strings from the fast CSV reader, or the typed cells of a workbook (or the csv module).
Column = pa.Array | Sequence[object]


def cell(column: Column, i: int) -> object:
    """The i-th cell as the slow per-row path sees it (a Python object, None where the row has no cell)."""
    if isinstance(column, pa.Array):
        return column[i].as_py()
    return column[i]


NUMBER_TYPES = frozenset({bool, int, float})  # equal across types: True == 1 == 1.0


def _key(value: object) -> object:
    """A dictionary key that keeps cells apart that read differently though equal in Python (1, 1.0, True)."""
    return value if value.__class__ is str else (value.__class__, value)


def factorize(column: Column) -> tuple[np.ndarray, pa.Array | list[object]]:
    """(codes, uniques): column[i] is uniques[codes[i]]. An Arrow column's uniques stay an Arrow array (its
    dictionary: each distinct cell once, perhaps with some no row uses), a list column's are a list."""
    if isinstance(column, pa.Array):
        encoded = column if isinstance(column, pa.DictionaryArray) else column.dictionary_encode()
        return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary
    if len(set(map(type, column)) & NUMBER_TYPES) <= 1:
        # No two cells of different number types (1, 1.0, True) that Python would call equal: the cells are
        # their own dictionary keys, which is several times quicker than _key on every cell.
        try:
            distinct = list(dict.fromkeys(column))
        except TypeError:  # an unhashable cell cannot come from a reader; the general path keeps it apart
            pass
        else:
            position = {value: i for i, value in enumerate(distinct)}
            return np.fromiter(map(position.__getitem__, column), dtype=np.int64, count=len(column)), distinct
    index: dict[object, int] = {}
    uniques: list[object] = []
    codes = []
    append = codes.append
    for value in column:
        try:
            key = _key(value)
            code = index.get(key)
        except TypeError:  # an unhashable cell cannot come from a reader; keep it apart all the same
            key, code = object(), None
        if code is None:
            code = index[key] = len(uniques)
            uniques.append(value)
        append(code)
    return np.fromiter(codes, dtype=np.int64, count=len(codes)), uniques


def combine(codes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(combos, inverse, first): the distinct combinations of several code columns (one row of `combos` each),
    each row's combination, and the first row of each combination."""
    stacked = np.stack(codes, axis=1)
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in codes]
    if float(np.prod(sizes, dtype=np.float64)) < 2**62:  # one int64 key per row: far faster than rows of keys
        key = np.zeros(len(stacked), dtype=np.int64)
        for column, size in zip(codes, sizes, strict=True):
            key = key * size + column
        # By hashing, no sort: codes are numbered in order of first appearance, so code k first appears where
        # the running maximum of the codes first reaches k.
        inverse = pd.factorize(key)[0].astype(np.int64, copy=False)
        reached = np.maximum.accumulate(inverse)
        new = np.ones(len(inverse), dtype=bool)
        new[1:] = reached[1:] > reached[:-1]
        first = np.flatnonzero(new)
    else:
        _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    return stacked[first], inverse, first


def pair_codes(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, pairs): the distinct (first, second) code pairs, and each row's pair."""
    pairs, codes, _ = combine([first, second])
    return codes, pairs
