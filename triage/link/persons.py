"""Persons: the same reporter across leads and cases, so risk can see a history.

Same valid ID; or the same full phone with a compatible surname; or the same
full name (by pinyin) in the same village. Two different valid IDs never end
up in one person.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd


def group_persons(feats: pd.DataFrame) -> list[int]:
    """Per row of ``feats``, the smallest row of the same reporter."""
    n = len(feats)
    parent = list(range(n))
    ids: dict[int, set[str]] = defaultdict(set)
    surnames: dict[int, set[str]] = defaultdict(set)
    for i, (ident, surname) in enumerate(zip(feats["id_full"], feats["surname"], strict=True)):
        if ident:
            ids[i].add(ident)
        if surname:
            surnames[i].add(surname)

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

    first: dict[str, int] = {}
    for i, ident in enumerate(feats["id_full"]):
        if ident:
            if ident in first:
                join(first[ident], i, need_surname=False)
            else:
                first[ident] = i
    first.clear()
    for i, phones in enumerate(feats["phones_full"]):
        for p in phones:
            if p in first:
                join(first[p], i, need_surname=True)
            else:
                first[p] = i
    first.clear()
    for i, (py, village) in enumerate(zip(feats["name_py"], feats["village"], strict=True)):
        if py and village:
            key = f"{village}|{py}"
            if key in first:
                join(first[key], i, need_surname=True)
            else:
                first[key] = i
    return [find(i) for i in range(n)]
