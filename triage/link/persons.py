"""Persons: the same reporter across leads and cases, so risk can see a history.

Same valid ID; or the same full phone with a compatible surname; or the same
full name (by pinyin) in the same village. Two different valid IDs never end
up in one person.
"""

from __future__ import annotations

import numba
import numpy as np

from triage.link.table import FeatureTable


def group_persons(table: FeatureTable) -> np.ndarray:
    """Per row of ``table``, the smallest row of the same reporter.

    A union-find over the rows sharing an ID, a phone, or a name in a village, in that order;
    compiled (numba), as a district's two million leads make a million joins a run."""
    n = len(table)
    name_py, village, phones = table.scalars["name_py"], table.scalars["village"], table.sets["phones"]
    parent = np.arange(n, dtype=np.int64)
    ident = table.scalars["id_full"].astype(np.int64)  # per root: its valid ID (0 none)
    # per root, its surnames as a linked list of rows (head -1: none); a root joined by one ID
    # may hold two
    surname = table.scalars["surname"].astype(np.int64)
    head = np.where(surname > 0, np.arange(n, dtype=np.int64), -1)
    nxt = np.full(n, -1, dtype=np.int64)
    rows = np.arange(n, dtype=np.int64)
    has_id = ident > 0
    steps = [(rows[has_id], ident[has_id], False),
             (phones.owner.astype(np.int64), phones.values.astype(np.int64), True)]
    both = (name_py > 0) & (village > 0)
    steps.append((rows[both], name_py[both].astype(np.int64) * (int(village.max(initial=0)) + 1)
                  + village[both], True))
    for step_rows, keys, need_surname in steps:
        a, b = _chained(step_rows, keys)
        _join_all(a, b, need_surname, parent, ident, surname, head, nxt)
    return _roots(parent)


def _chained(rows: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs joining each row to the first row before it with the same key, in key order."""
    order = np.lexsort((rows, keys))
    rows, keys = rows[order], keys[order]
    if not len(keys):
        return rows, rows
    same = np.flatnonzero(keys[1:] == keys[:-1]) + 1
    start = np.maximum.accumulate(np.where(np.r_[True, keys[1:] != keys[:-1]],
                                           np.arange(len(keys)), 0))
    return rows[start[same]], rows[same]


@numba.njit(cache=True, nogil=True)
def _find(parent: np.ndarray, x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        up = parent[x]
        parent[x] = root
        x = up
    return root


@numba.njit(cache=True, nogil=True)
def _holds(surname: np.ndarray, head: np.ndarray, nxt: np.ndarray, root: int, value: int) -> bool:
    node = head[root]
    while node >= 0:
        if surname[node] == value:
            return True
        node = nxt[node]
    return False


@numba.njit(cache=True, nogil=True)
def _join_all(a: np.ndarray, b: np.ndarray, need_surname: bool, parent: np.ndarray,
              ident: np.ndarray, surname: np.ndarray, head: np.ndarray, nxt: np.ndarray) -> None:
    for k in range(len(a)):
        ra, rb = _find(parent, a[k]), _find(parent, b[k])
        if ra == rb:
            continue
        if ident[ra] and ident[rb] and ident[ra] != ident[rb]:
            continue  # two different valid IDs are two persons
        if need_surname and head[ra] >= 0 and head[rb] >= 0:
            meet = False
            node = head[rb]
            while node >= 0 and not meet:
                meet = _holds(surname, head, nxt, ra, surname[node])
                node = nxt[node]
            if not meet:
                continue  # a phone or a name shared by two surnames: a household, not a person
        keep, drop = min(ra, rb), max(ra, rb)
        parent[drop] = keep
        if not ident[keep]:
            ident[keep] = ident[drop]
        node = head[drop]  # the dropped root's surnames move to the kept one
        head[drop] = -1
        while node >= 0:
            up = nxt[node]
            if not _holds(surname, head, nxt, keep, surname[node]):
                nxt[node] = head[keep]
                head[keep] = node
            node = up


@numba.njit(cache=True, nogil=True)
def _roots(parent: np.ndarray) -> np.ndarray:
    out = np.empty(len(parent), dtype=np.int64)
    for i in range(len(parent)):
        out[i] = _find(parent, i)
    return out
