"""Persons: the same reporter across leads and cases, so risk can see a history.

Same valid ID; or the same full phone with a compatible surname; or the same
full name (by pinyin) in the same village. Two different valid IDs never end
up in one person.
"""

from __future__ import annotations

import numpy as np

from triage.link.table import FeatureTable


def group_persons(table: FeatureTable) -> list[int]:
    """Per row of ``table``, the smallest row of the same reporter."""
    n = len(table)
    name_py, village, phones = table.scalars["name_py"], table.scalars["village"], table.sets["phones"]
    parent = np.arange(n, dtype=np.int64)
    # Per root: its valid ID (0 none) and its surname (0 none); a root holding two
    # surnames (joined by one ID) keeps them all in ``more``.
    ident = table.scalars["id_full"].copy()
    surname = table.scalars["surname"].copy()
    more: dict[int, set[int]] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = int(parent[root])
        while parent[x] != root:
            parent[x], x = root, int(parent[x])
        return root

    def surnames(r: int) -> set[int]:
        return more.get(r) or ({int(surname[r])} if surname[r] else set())

    def join(a: int, b: int, need_surname: bool) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        if ident[ra] and ident[rb] and ident[ra] != ident[rb]:
            return
        sa, sb = surnames(ra), surnames(rb)
        if need_surname and sa and sb and not sa & sb:
            return
        keep, drop = min(ra, rb), max(ra, rb)
        parent[drop] = keep
        ident[keep] = ident[keep] or ident[drop]
        both = sa | sb
        more.pop(drop, None)
        if len(both) > 1:
            more[keep] = both
        elif both:
            surname[keep] = next(iter(both))

    def chain(rows: np.ndarray, keys: np.ndarray, need_surname: bool) -> None:
        """Join each row to the first row before it with the same key."""
        order = np.lexsort((rows, keys))
        rows, keys = rows[order], keys[order]
        same = np.flatnonzero(keys[1:] == keys[:-1]) + 1
        start = np.maximum.accumulate(np.where(np.r_[True, keys[1:] != keys[:-1]],
                                               np.arange(len(keys)), 0)) if len(keys) else keys
        for k in same.tolist():
            join(int(rows[start[k]]), int(rows[k]), need_surname)

    rows = np.arange(n, dtype=np.int64)
    has_id = table.scalars["id_full"] > 0
    chain(rows[has_id], table.scalars["id_full"][has_id], need_surname=False)
    chain(phones.owner, phones.values, need_surname=True)
    both = (name_py > 0) & (village > 0)
    chain(rows[both], name_py[both] * (int(village.max(initial=0)) + 1) + village[both],
          need_surname=True)
    return [find(i) for i in range(n)]
