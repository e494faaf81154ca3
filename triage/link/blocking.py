"""Blocking: the few candidate pairs worth comparing, out of millions of leads.

Each lead emits keys (a phone, an ID, a name's pinyin, a name its text
mentions, a house number in its village, its village with a surname or a rare
subject word; a subject of the lexicon in its village; a surname with a subject
of the lexicon, wherever the lead comes from). Leads sharing a key within the
time window become candidate pairs; within a crowded key only the nearest
neighbours in time pair up (fewer for the crowded kinds: a surname with a
subject anywhere, a subject in a village), so the count of pairs grows linearly
with the number of leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from triage.link.encode import Encoded
from triage.link.table import Ragged, distinct


@dataclass(frozen=True)
class BlockingRules:
    window_days: float = 90.0
    neighbours: int = 6  # per lead and key, in time order
    subject_keys: int = 1  # rarest subject words per lead used as keys
    wide_neighbours: int = 1  # per lead, for the crowded kinds of key (marked WIDE)
    identity_window_days: float = 365.0  # a phone or an ID number: one person, however long ago


_K = 0x9E3779B97F4A7C15
WIDE = np.uint64(1 << 63)  # the top bit of a key of a crowded kind: fewer neighbours
LONG = np.uint64(1 << 62)  # the next bit: a key of a person (phone, ID), the identity window


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: spreads combined codes over 64 bits."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _key(kind: int, *parts: np.ndarray) -> np.ndarray:
    h = np.full(len(parts[0]), np.uint64(kind * _K % 2**64), dtype=np.uint64)
    for p in parts:
        h = _mix(h ^ p.astype(np.uint64))
    return h


def lead_keys(enc: Encoded, rules: BlockingRules, rows: np.ndarray | None = None) -> pd.DataFrame:
    """(key, row) for every blocking key of every lead.

    ``key`` is a 64-bit hash of the kind of key and the codes in it (codes are
    stable from run to run, so are keys); ``row`` indexes ``enc``, or is
    ``rows[i]`` when given.
    """
    n = len(enc.t)
    every = np.arange(n, dtype=np.int64)
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []

    def emit(row: np.ndarray, key: np.ndarray, wide: bool = False, long: bool = False) -> None:
        owners.append(row)
        key = key & ~(WIDE | LONG)
        keys.append(key | WIDE if wide else key | LONG if long else key)

    def scalar(kind: int, *codes: np.ndarray, long: bool = False) -> None:
        has = np.logical_and.reduce([c > 0 for c in codes])
        emit(every[has], _key(kind, *(c[has] for c in codes)), long=long)

    def each(kind: int, ragged: Ragged, *context: np.ndarray, wide: bool = False,
             long: bool = False) -> None:
        owner = ragged.owner
        ctx = [c[owner] for c in context]
        has = np.logical_and.reduce([c > 0 for c in ctx]) if ctx else np.ones(len(owner), bool)
        emit(owner[has], _key(kind, *(c[has] for c in ctx), ragged.values[has]), wide, long)

    # a person's own numbers pair leads across the identity window: a quarrel that drags on
    # for a year is reported by the same phone; whether it is still one quarrel, the model says
    each(1, enc.phones, long=True)
    each(2, enc.sigs, long=True)
    scalar(3, enc.id_full, long=True)
    scalar(4, enc.id_sig, long=True)
    scalar(5, enc.name_py)  # a name, whether the reporter's or one a text mentions
    each(5, enc.cands)
    each(5, enc.named)
    place = np.where(enc.village > 0, enc.village, enc.town)
    scalar(6, enc.village, enc.house)
    scalar(7, place, enc.reporter_surname)
    each(7, enc.mentioned, place)
    each(9, enc.amounts, enc.town)  # a sum of money in one town: 欠款12万元
    # A surname the lead names with a subject of the lexicon, wherever the reporter lives: a
    # brother calling from another district about 其妹妹老李 and 赡养老人.
    top, sur = enc.topics, enc.surnames
    if len(top.values) and len(sur.values):
        row = top.owner
        count = sur.counts[row]  # each topic word with every surname of its lead
        rep = np.repeat(np.arange(len(row)), count)
        at = sur.offsets[row][rep] + np.arange(len(rep)) - np.repeat(np.cumsum(count) - count, count)
        emit(row[rep], _key(10, top.values[rep], sur.values[at]), wide=True)
    # one 纠纷事由 in one village or town (私搭乱建 at 46号 and 48号): crowded, so WIDE
    each(12, enc.topics, place, wide=True)
    if rules.subject_keys > 0 and len(enc.tokens.values):
        tok = enc.tokens
        owner = tok.owner
        order = np.lexsort((tok.values, -enc.token_weight[tok.values], owner))
        rank = np.arange(len(order)) - tok.offsets[owner[order]]
        pick = order[rank < rules.subject_keys]
        who = owner[pick]
        has = place[who] > 0
        emit(who[has], _key(8, place[who[has]], enc.dtype[who[has]] + 1, tok.values[pick[has]]))
    key = np.concatenate(keys) if keys else np.empty(0, np.uint64)
    row = np.concatenate(owners) if owners else np.empty(0, np.int64)
    order = np.lexsort((row, key))  # sorted by key, then row; drop repeats of one key per lead
    key, row = key[order], row[order]
    first = np.r_[True, (key[1:] != key[:-1]) | (row[1:] != row[:-1])] if len(key) else np.zeros(0, bool)
    key, row = key[first], row[first]
    return pd.DataFrame({"key": key, "row": row if rows is None else rows[row]})


def candidate_pairs(t: np.ndarray, keys: pd.DataFrame, rules: BlockingRules,
                    only_rows: np.ndarray | None = None) -> np.ndarray:
    """Unique (i, j) row pairs, i < j, sharing a key within the window.

    ``t`` is each row's time in days. With ``only_rows`` (incremental runs), only
    pairs touching those rows are kept.
    """
    if keys.empty:
        return np.empty((0, 2), dtype=np.int64)
    row = keys["row"].to_numpy()
    tt = t[row]
    order = np.lexsort((row, tt, keys["key"].to_numpy()))
    codes, row, tt = keys["key"].to_numpy()[order], row[order], tt[order]
    window = np.where((codes & LONG) != 0, max(rules.identity_window_days, rules.window_days),
                      rules.window_days)
    width = np.int64(len(t))
    found: list[np.ndarray] = []  # one int per pair (a * width + b): half the memory of (a, b)
    n = len(row)
    for off in range(1, rules.neighbours + 1):
        if off >= n:
            break
        sel = (codes[off:] == codes[:-off]) & (np.abs(tt[off:] - tt[:-off]) <= window[off:])
        if off > rules.wide_neighbours:
            sel &= codes[off:] < WIDE
        if not sel.any():
            break
        a, b = row[:-off][sel], row[off:][sel]
        other = a != b  # one lead under one key twice is not a pair
        a, b = a[other], b[other]
        found.append(distinct(np.minimum(a, b) * width + np.maximum(a, b)))
        del a, b, sel, other
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    flat = distinct(np.concatenate(found))
    del found
    pairs = np.empty((len(flat), 2), dtype=np.int64)
    np.floor_divide(flat, width, out=pairs[:, 0])
    np.remainder(flat, width, out=pairs[:, 1])
    del flat
    if only_rows is not None:
        mark = np.zeros(len(t), dtype=bool)
        mark[only_rows] = True
        pairs = pairs[mark[pairs[:, 0]] | mark[pairs[:, 1]]]
    return pairs
