"""Persons: the same reporter across leads and cases, so risk can see a history.

Same valid ID; or the same full phone with a compatible surname; or the same
full name (by pinyin) in the same village. Two different valid IDs never end
up in one person.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from triage.link.table import FeatureTable


def group_persons(table: FeatureTable) -> list[int]:
    """Per row of ``table``, the smallest row of the same reporter."""
    n = len(table)
    id_full, surname = table.scalars["id_full"], table.scalars["surname"]
    name_py, village, phones = table.scalars["name_py"], table.scalars["village"], table.sets["phones"]
    parent = list(range(n))
    ids: dict[int, set[int]] = defaultdict(set)
    surnames: dict[int, set[int]] = defaultdict(set)
    for i, (ident, sur) in enumerate(zip(id_full.tolist(), surname.tolist(), strict=True)):
        if ident:
            ids[i].add(ident)
        if sur:
            surnames[i].add(sur)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: int, b: int, need_surname: bool) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        if ids[ra] and ids[rb] and ids[ra] != ids[rb]:
            return
        if need_surname and surnames[ra] and surnames[rb] and not surnames[ra] & surnames[rb]:
            return
        keep, drop = min(ra, rb), max(ra, rb)
        parent[drop] = keep
        ids[keep] |= ids.pop(drop, set())
        surnames[keep] |= surnames.pop(drop, set())

    def chain(rows: np.ndarray, keys: np.ndarray, need_surname: bool) -> None:
        """Join each row to the first row before it with the same key."""
        first: dict[int, int] = {}
        for i, key in zip(rows.tolist(), keys.tolist(), strict=True):
            if key in first:
                join(first[key], i, need_surname)
            else:
                first[key] = i

    rows = np.arange(n, dtype=np.int64)
    has_id = id_full > 0
    chain(rows[has_id], id_full[has_id], need_surname=False)
    chain(phones.owner, phones.values, need_surname=True)
    both = (name_py > 0) & (village > 0)
    chain(rows[both], name_py[both] * (int(village.max(initial=0)) + 1) + village[both],
          need_surname=True)
    return [find(i) for i in range(n)]
