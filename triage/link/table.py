"""Per-lead features as integer columns: compact at millions of leads, fast to compare.

Strings (phones, names, words) are coded once in vocabularies that grow from
run to run, so a code means the same string in every run; per-lead sets are
ragged arrays (sorted codes in one array, with offsets).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# Which vocabulary codes each column: columns sharing one can be compared
# (a reporter's name and a name another lead's text mentions are both pinyin).
SCALAR_VOCAB = {"village": "place", "town": "place", "dtype": "dtype", "id_full": "id",
                "id_sig": "id_sig", "name": "name", "name_py": "pinyin", "name_near": "pinyin",
                "surname": "surname", "house": "house", "street": "street", "proxy": "flag"}
SET_VOCAB = {"phones": "phone", "sigs": "sig", "msigs": "sig", "mentions": "surname", "cands": "pinyin",
             "spans": "span", "places": "pinyin", "words": "word", "amounts": "amount"}
# Sets whose values are already integers (31-bit hashes): too many distinct strings for a
# vocabulary, and only ever tested for equality.
HASHED_SETS = ("fulls",)


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. numpy 2.4's hash-based ``np.unique`` is ~100x slower on
    millions of distinct int64 (measured here: 4 s against 0.03 s for 5M)."""
    if not len(values):
        return values.copy()
    s = np.sort(values)
    return s[np.r_[True, s[1:] != s[:-1]]]


class Vocab:
    """Dense codes for strings, 1 upwards; 0 stands for none."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.strings: list[str] = [""]

    def __len__(self) -> int:
        return len(self.strings)

    def code(self, value: str) -> int:
        c = self.index.get(value)
        if c is None:
            c = self.index[value] = len(self.strings)
            self.strings.append(value)
        return c

    def codes(self, values: Sequence[str | None]) -> np.ndarray:
        """Codes of ``values``, new strings added."""
        if not len(values):
            return np.empty(0, dtype=np.int64)
        arr = np.asarray(values, dtype=object)
        arr[arr == ""] = None
        inverse, uniques = pd.factorize(arr, use_na_sentinel=True)
        ucodes = np.fromiter((self.code(u) for u in uniques), dtype=np.int64, count=len(uniques))
        return np.concatenate([[0], ucodes])[inverse + 1]  # -1 (none) → 0

    def lookup(self, values: Iterable[str]) -> np.ndarray:
        """Codes of the known ones among ``values`` (unknown ones are left out)."""
        return np.array([self.index[v] for v in values if v in self.index], dtype=np.int64)


@dataclass
class Vocabularies:
    """One vocabulary per kind of value, kept with the index so codes stay stable."""

    kinds: dict[str, Vocab] = field(default_factory=dict)
    derived: dict[str, np.ndarray] = field(default_factory=dict)  # per-code facts, kept

    def __getitem__(self, kind: str) -> Vocab:
        if kind not in self.kinds:
            self.kinds[kind] = Vocab()
        return self.kinds[kind]


@dataclass(frozen=True)
class Ragged:
    """Sorted integer sets, one per lead: values[offsets[i]:offsets[i + 1]]."""

    offsets: np.ndarray
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def owner(self) -> np.ndarray:
        """The row of each value."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.counts)

    @classmethod
    def build(cls, owner: np.ndarray, values: np.ndarray, rows: int) -> Ragged:
        """From (row, value) pairs in any order, duplicates and zeros dropped."""
        keep = values > 0
        owner, values = owner[keep], values[keep]
        if len(values):
            width = int(values.max()) + 1
            flat = distinct(owner.astype(np.int64) * width + values)
            owner, values = flat // width, flat % width
        counts = np.bincount(owner, minlength=rows) if len(owner) else np.zeros(rows, np.int64)
        offsets = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(offsets, values.astype(np.int64))

    def take(self, rows: np.ndarray) -> Ragged:
        lens = self.counts[rows]
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        at = np.repeat(self.offsets[rows] - offsets[:-1], lens) + np.arange(offsets[-1])
        return Ragged(offsets, self.values[at])

    def keep(self, mask: np.ndarray) -> Ragged:
        """Only the values whose ``mask[value]`` is true."""
        sel = mask[self.values]
        counts = np.bincount(self.owner[sel], minlength=len(self))
        offsets = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return Ragged(offsets, self.values[sel])

    def mapped(self, codes: np.ndarray) -> Ragged:
        """Each value replaced by ``codes[value]`` (0 drops it)."""
        return Ragged.build(self.owner, codes[self.values], len(self))

    def union(self, other: Ragged) -> Ragged:
        return Ragged.build(np.concatenate([self.owner, other.owner]),
                            np.concatenate([self.values, other.values]), len(self))

    @staticmethod
    def concat(parts: Sequence[Ragged]) -> Ragged:
        shift = np.cumsum([0] + [len(p.values) for p in parts[:-1]])
        offsets = np.concatenate([[0]] + [p.offsets[1:] + s for p, s in zip(parts, shift, strict=True)])
        return Ragged(offsets.astype(np.int64), np.concatenate([p.values for p in parts]))


@dataclass
class LeadChunk:
    """Per-lead features as strings, column by column: what a worker process sends back."""

    ids: np.ndarray
    version: list[str | None]
    t: np.ndarray
    scalars: dict[str, list[str | None]]
    sets: dict[str, tuple[list[Any], np.ndarray]]  # flat values (strings or hashes), count per lead


@dataclass
class FeatureTable:
    """Per-lead features coded against ``Vocabularies``: one row per lead."""

    ids: np.ndarray
    version: np.ndarray  # the lead's updated_at as text (object), to see corrections
    t: np.ndarray  # days since 2000-01-01
    scalars: dict[str, np.ndarray]
    sets: dict[str, Ragged]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def coded(cls, chunk: LeadChunk, vocabs: Vocabularies) -> FeatureTable:
        n = len(chunk.ids)
        scalars = {c: vocabs[SCALAR_VOCAB[c]].codes(v) for c, v in chunk.scalars.items()}
        sets = {}
        for c, (flat, counts) in chunk.sets.items():
            owner = np.repeat(np.arange(n, dtype=np.int64), counts)
            codes = (np.asarray(flat, dtype=np.int64) if c in HASHED_SETS
                     else vocabs[SET_VOCAB[c]].codes(flat))
            sets[c] = Ragged.build(owner, codes, n)
        return cls(chunk.ids.astype(np.int64), np.asarray(chunk.version, dtype=object),
                   chunk.t.astype(np.float64), scalars, sets)

    def take(self, rows: np.ndarray) -> FeatureTable:
        return FeatureTable(self.ids[rows], self.version[rows], self.t[rows],
                            {c: v[rows] for c, v in self.scalars.items()},
                            {c: r.take(rows) for c, r in self.sets.items()})

    @staticmethod
    def concat(parts: Sequence[FeatureTable]) -> FeatureTable:
        first = parts[0]
        return FeatureTable(
            np.concatenate([p.ids for p in parts]), np.concatenate([p.version for p in parts]),
            np.concatenate([p.t for p in parts]),
            {c: np.concatenate([p.scalars[c] for p in parts]) for c in first.scalars},
            {c: Ragged.concat([p.sets[c] for p in parts]) for c in first.sets})
