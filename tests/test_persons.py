"""Persons (the same reporter across leads): the compiled union-find must group rows exactly
as the plain one it replaced, whatever the order of IDs, phones, surnames and villages."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.link.persons import group_persons
from triage.link.table import FeatureTable, Ragged


def _plain(table: FeatureTable) -> list[int]:
    """The rule in plain Python: the oracle (the implementation before it was compiled)."""
    n = len(table)
    name_py, village, phones = table.scalars["name_py"], table.scalars["village"], table.sets["phones"]
    parent = list(range(n))
    ident = [int(x) for x in table.scalars["id_full"]]
    surname = [int(x) for x in table.scalars["surname"]]
    more: dict[int, set[int]] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    def surnames(r: int) -> set[int]:
        return more.get(r) or ({surname[r]} if surname[r] else set())

    def join(a: int, b: int, need_surname: bool) -> None:
        ra, rb = find(a), find(b)
        if ra == rb or (ident[ra] and ident[rb] and ident[ra] != ident[rb]):
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

    def chain(pairs: list[tuple[int, int]], need_surname: bool) -> None:
        first: dict[int, int] = {}
        for key, row in sorted(pairs):
            if key in first:
                join(first[key], row, need_surname)
            else:
                first[key] = row

    chain([(int(k), r) for r, k in enumerate(table.scalars["id_full"]) if k > 0], False)
    chain([(int(v), int(o)) for o, v in zip(phones.owner, phones.values, strict=True)], True)
    chain([(int(p) * 1000 + int(v), r) for r, (p, v) in enumerate(zip(name_py, village, strict=True))
           if p > 0 and v > 0], True)
    return [find(i) for i in range(n)]


SMALL = st.integers(0, 3)  # few distinct values: many collisions, many guarded joins


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(SMALL, SMALL, SMALL, SMALL, st.lists(st.integers(0, 4), max_size=2)),
                min_size=1, max_size=40))
def test_compiled_persons_group_as_the_plain_rule(rows: list[tuple[int, int, int, int, list[int]]]) -> None:
    n = len(rows)
    col = {k: np.array([r[i] for r in rows], dtype=np.int64)
           for i, k in enumerate(("id_full", "surname", "name_py", "village"))}
    owner = np.array([i for i, r in enumerate(rows) for _ in r[4]], dtype=np.int64)
    values = np.array([v for r in rows for v in r[4]], dtype=np.int64)
    table = FeatureTable(np.arange(n, dtype=np.int64), np.array([None] * n, dtype=object),
                         np.zeros(n), col, {"phones": Ragged.build(owner, values, n)})
    assert group_persons(table).tolist() == _plain(table)


def test_two_ids_never_meet_and_a_shared_phone_needs_a_shared_surname() -> None:
    # rows: 0 and 1 share a phone and a surname; 2 shares the phone with another surname;
    # 3 and 4 share the phone with 0 but hold different IDs from each other
    col = {"id_full": np.array([0, 0, 0, 7, 8]), "surname": np.array([1, 1, 2, 1, 1]),
           "name_py": np.zeros(5, dtype=np.int64), "village": np.zeros(5, dtype=np.int64)}
    phones = Ragged.build(np.arange(5), np.full(5, 9), 5)
    table = FeatureTable(np.arange(5), np.array([None] * 5, dtype=object), np.zeros(5), col,
                         {"phones": phones})
    got = group_persons(table).tolist()
    assert got[0] == got[1] == got[3] != got[2]
    assert got[4] != got[3]
