"""Blocking: the few candidate pairs worth comparing, out of millions of leads.

Each lead emits keys (a phone, an ID, a name's pinyin, a name its text
mentions, a house number in its village, its village with a surname or a rare
subject word). Leads sharing a key within the time window become candidate
pairs; within a crowded key only the nearest neighbours in time pair up, so
the count of pairs grows linearly with the number of leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from triage.frames import records
from triage.link.features import TextModel


@dataclass(frozen=True)
class BlockingRules:
    window_days: float = 90.0
    neighbours: int = 6  # per lead and key, in time order
    subject_keys: int = 1  # rarest subject words per lead used as keys


def lead_keys(feats: pd.DataFrame, text: TextModel, rules: BlockingRules,
              rows: np.ndarray | None = None) -> pd.DataFrame:
    """(key, row) for every blocking key of every lead.

    ``key`` is a 64-bit hash of the key text (cheap to keep and to match between
    runs); ``row`` indexes ``feats``, or is ``rows[i]`` when given.
    """
    keys: list[str] = []
    owner: list[int] = []
    for i, f in enumerate(records(feats)):
        ks: set[str] = set()
        ks.update("p" + p for p in f["phones_full"])
        ks.update("s" + s for s in f["phone_sigs"])
        if f["id_full"]:
            ks.add("i" + f["id_full"])
        if f["id_sig"]:
            ks.add("j" + f["id_sig"])
        if f["name_py"]:
            ks.add("n" + f["name_py"])
        ks.update("n" + c for c in f["cands"])
        ks.update("n" + c for c in f["named"])
        place = f["village"] or f["town"]
        if place:
            if f["house"] and f["village"]:
                ks.add(f"h{f['village']}|{f['house']}")
            if f["surname"]:
                ks.add(f"v{place}|{f['surname']}")
            ks.update(f"v{place}|{s}" for s in f["mentions"])
            tokens: frozenset[str] = f["tokens"]
            rare = sorted(tokens, key=lambda t: (-text.weight(t), t))[:rules.subject_keys]
            ks.update(f"t{place}|{f['dtype']}|{t}" for t in rare)
        keys.extend(ks)
        owner.extend([i] * len(ks))
    at = np.asarray(owner, dtype=np.int64)
    hashed = pd.util.hash_array(np.asarray(keys, dtype=object)) if keys else np.empty(0, np.uint64)
    return pd.DataFrame({"key": hashed, "row": at if rows is None else rows[at]})


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
    out = []
    n = len(row)
    for off in range(1, rules.neighbours + 1):
        if off >= n:
            break
        same = codes[off:] == codes[:-off]
        near = np.abs(tt[off:] - tt[:-off]) <= rules.window_days
        sel = same & near
        if not sel.any():
            break
        a, b = row[:-off][sel], row[off:][sel]
        out.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    both = np.concatenate(out)
    width = np.int64(len(t))
    flat = np.unique(both[:, 0] * width + both[:, 1])  # one int per pair: a fast unique
    pairs = np.stack([flat // width, flat % width], axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if only_rows is not None:
        mark = np.zeros(len(t), dtype=bool)
        mark[only_rows] = True
        pairs = pairs[mark[pairs[:, 0]] | mark[pairs[:, 1]]]
    return pairs
