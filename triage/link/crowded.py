"""Crowded addresses and counterparts: what many reporters share is an employer, not a quarrel.

Two reporters of different families who give one house number in one village are
usually one household in one quarrel. When a dozen reporters give it, it is a
factory's gate or a training school's shop front, and sharing it says little
more than sharing the street: dozens of workers' separate wage complaints against
one employer would otherwise look like one case. So it is with a person two leads
both name: a husband named by his wife and her mother is one quarrel; a boss named
in full by a dozen workers is a dozen quarrels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import pandas as pd

from triage.link.compare import FIELD_INDEX, _contains
from triage.link.repeat import same_reporter
from triage.link.table import FeatureTable, Ragged, Vocabularies

CAP = 8.0  # bits a crowded address may take away at most


def home_reporters(table: FeatureTable, person: np.ndarray) -> np.ndarray:
    """Per row, how many distinct reporters give its house number in its village (0: none)."""
    village = table.scalars["village"].astype(np.int64)
    house = table.scalars["house"].astype(np.int64)
    known = np.flatnonzero((village > 0) & (house > 0))
    out = np.zeros(len(table), dtype=np.int64)
    if len(known):
        key = village[known] * (int(house.max()) + 1) + house[known]
        out[known] = pd.DataFrame({"k": key, "p": person[known]}).groupby("k")["p"].transform("nunique")
    return out


def crowd_adjustment(gamma: np.ndarray, pairs: np.ndarray, reporters: np.ndarray | None,
                     household: int) -> np.ndarray:
    """Bits taken from pairs of two reporters who share a house given by more than
    ``household`` reporters: log2(reporters / household), at most ``CAP`` (none where
    ``reporters`` were not counted)."""
    out = np.zeros(len(pairs), dtype=np.float32)
    if not len(pairs) or reporters is None:
        return out
    n = np.maximum(reporters[pairs[:, 0]], reporters[pairs[:, 1]])
    return _crowding_bits(np.where(gamma[:, FIELD_INDEX["house"]] == 2, n, 0), gamma, household)


def _crowding_bits(reporters: np.ndarray, gamma: np.ndarray, household: int) -> np.ndarray:
    """-log2(reporters / household), at most ``CAP`` bits, for pairs of two reporters tied by
    something more than ``household`` reporters share; 0 for the rest."""
    out = np.zeros(len(gamma), dtype=np.float32)
    hit = (reporters > household) & ~same_reporter(gamma)
    out[hit] = -np.minimum(np.log2(reporters[hit].astype(np.float64) / household), CAP)
    return out


@dataclass(frozen=True)
class Named:
    """How many distinct reporters of a town name each person in full (a name span in its
    own characters): per town, because 王秀英 named across a district is many women."""

    keys: np.ndarray  # span code * width + town code, sorted
    counts: np.ndarray  # distinct reporters, per key
    width: int

    def lookup(self, span: np.ndarray, town: np.ndarray) -> np.ndarray:
        return _lookup(self.keys, self.counts, span.astype(np.int64) * self.width + town)


@numba.njit(cache=True, nogil=True)
def _count(keys: np.ndarray, counts: np.ndarray, key: int) -> int:
    at = np.searchsorted(keys, key)
    return counts[at] if at < len(keys) and keys[at] == key else 0


@numba.njit(cache=True, nogil=True)
def _lookup(keys: np.ndarray, counts: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    out = np.zeros(len(wanted), dtype=np.int64)
    for k in range(len(wanted)):
        out[k] = _count(keys, counts, wanted[k])
    return out


def named_reporters(table: FeatureTable, vocabs: Vocabularies, person: np.ndarray
                    ) -> tuple[Named, np.ndarray]:
    """Distinct reporters naming each person per town, and per row how many of its town's
    reporters name its own reporter in full (a boss a dozen workers name, whoever reports)."""
    spans, town = table.sets["spans"], table.scalars["town"].astype(np.int64)
    width = int(town.max(initial=0)) + 1
    key = spans.values.astype(np.int64) * width + town[spans.owner]
    who = pd.DataFrame({"k": key, "p": person[spans.owner]}).drop_duplicates()
    counts = who.groupby("k").size()
    named = Named(counts.index.to_numpy(dtype=np.int64), counts.to_numpy(dtype=np.int64), width)
    index = vocabs["span"].index
    span_of_name = np.array([index.get(n, 0) if n else 0 for n in vocabs["name"].strings],
                            dtype=np.int64)
    own = span_of_name[table.scalars["name"].astype(np.int64)]
    return named, named.lookup(own, town)  # no span has code 0: a reporter never named counts 0


@numba.njit(cache=True, nogil=True)
def _shared_named(pa: np.ndarray, pb: np.ndarray, party: np.ndarray, ne_o: np.ndarray,
                  ne_v: np.ndarray, cd_o: np.ndarray, cd_v: np.ndarray, name_py: np.ndarray,
                  town: np.ndarray, keys: np.ndarray, counts: np.ndarray, width: int,
                  named_as: np.ndarray, out: np.ndarray) -> None:
    for k in range(len(pa)):
        if party[k] != 7 and party[k] != 8:
            continue
        i, j = pa[k], pb[k]
        ij = name_py[j] > 0 and _contains(cd_o, cd_v, i, name_py[j])
        ji = name_py[i] > 0 and _contains(cd_o, cd_v, j, name_py[i])
        if ij or ji:  # one names the other: as many as name that reporter
            out[k] = max(named_as[j] if ij else 0, named_as[i] if ji else 0)
            continue
        least = -1
        for x in range(ne_o[i], ne_o[i + 1]):
            v = ne_v[x]
            if _contains(ne_o, ne_v, j, v):  # named in either's town by so many
                n = max(_count(keys, counts, v * width + town[i]),
                        _count(keys, counts, v * width + town[j]))
                if least < 0 or n < least:
                    least = n
        out[k] = max(least, 0)


def counterpart_adjustment(gamma: np.ndarray, pairs: np.ndarray, named: Ragged | None,
                           cands: Ragged | None, name_py: np.ndarray | None, town: np.ndarray,
                           reporters: Named | None, named_as: np.ndarray | None,
                           household: int) -> np.ndarray:
    """Bits taken from pairs of two reporters tied by a person named in full by more than
    ``household`` reporters of a town (a third person both name, the least named of them,
    or one's reporter whom the other names): log2(reporters / household), at most ``CAP``."""
    out = np.zeros(len(pairs), dtype=np.float32)
    if (not len(pairs) or reporters is None or named is None or cands is None or name_py is None
            or named_as is None):
        return out
    n = np.zeros(len(pairs), dtype=np.int64)
    _shared_named(pairs[:, 0], pairs[:, 1], gamma[:, FIELD_INDEX["party"]].astype(np.int64),
                  named.offsets, named.values, cands.offsets, cands.values, name_py,
                  town.astype(np.int64), reporters.keys, reporters.counts, reporters.width,
                  named_as, n)
    return _crowding_bits(n, gamma, household)
