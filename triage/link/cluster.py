"""Clustering accepted pairs into cases, without chaining and without conflicts.

Strong pairs merge in order of confidence. Two clusters never merge when a
cannot-link pair (conflicting valid IDs for one name, or a coordinator's
split) runs between them; two clusters of several leads merge only on more
than one strong pair, or on a near-certain one, so one weak link cannot chain
unrelated disputes. Pairs in the uncertain band that end up apart go to review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from triage.link.table import distinct


@dataclass(frozen=True)
class ClusterRules:
    accept: float = 0.97  # at or above: same case
    review: float = 0.60  # between review and accept: ask a coordinator
    certain: float = 0.999  # a single pair this strong may join two larger clusters
    floor: float = 0.05  # below: a pair is no evidence at all (not even combined with others)
    reporters: int = 6  # past this many distinct reporters, a lead joins a case on two links


@dataclass
class Clusters:
    root: list[int]  # per row, the smallest row of its cluster
    review: list[int] = field(default_factory=list)  # pair indices for coordinators
    refused: list[int] = field(default_factory=list)  # strong pairs refused (conflict/chain)


def cluster(n: int, pairs: np.ndarray, prob: np.ndarray, rules: ClusterRules,
            cannot: Iterable[tuple[int, int]] = (), must: Iterable[tuple[int, int]] = (),
            person: np.ndarray | None = None) -> Clusters:
    """Group ``n`` rows; ``pairs`` are (i, j) rows with match probabilities ``prob``.

    ``person`` gives each row's reporter: a case that already has ``rules.reporters``
    distinct reporters takes another's lead only on two strong links (or a near-certain
    one), so the separate complaints of many people against one employer or one property
    company do not chain into one case through what they all share."""
    parent = list(range(n))
    members: dict[int, list[int]] = {}  # roots of several rows only: a million lists cost
    banned: dict[int, set[int]] = defaultdict(set)  # root → rows it must not join
    for a, b in cannot:
        banned[a].add(b)
        banned[b].add(a)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def conflict(ra: int, rb: int) -> bool:
        bans = banned.get(ra)
        return bans is not None and any(find(x) == rb for x in bans)

    def union(ra: int, rb: int) -> int:
        keep, drop = (ra, rb) if ra < rb else (rb, ra)
        parent[drop] = keep
        members.setdefault(keep, [keep]).extend(members.pop(drop, [drop]))
        if drop in banned:
            banned[keep] |= banned.pop(drop)
        return keep

    out = Clusters(root=[])
    for a, b in must:
        ra, rb = find(a), find(b)
        if ra != rb:
            union(ra, rb)
    strong = np.flatnonzero(prob >= rules.accept)
    order = strong[np.lexsort((pairs[strong, 1], pairs[strong, 0], -prob[strong]))]
    # Strong partners of each row as one sorted array with offsets (no list per row: a
    # million lists cost hundreds of MB).
    ends = np.concatenate([pairs[strong, 0], pairs[strong, 1]])
    partner = np.concatenate([pairs[strong, 1], pairs[strong, 0]])
    by_row = np.argsort(ends, kind="stable")
    partner = partner[by_row]
    start = np.searchsorted(ends[by_row], np.arange(n + 1))
    del ends, by_row
    for k in order.tolist():
        i, j = int(pairs[k, 0]), int(pairs[k, 1])
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if conflict(ri, rj):
            out.refused.append(k)
            continue
        rows_i, rows_j = members.get(ri, [ri]), members.get(rj, [rj])
        sizes = (len(rows_i) > 1) + (len(rows_j) > 1)  # how many sides are cases of several leads
        crowded = sizes > 0 and person is not None and len(
            {int(person[x]) for x in (*rows_i, *rows_j)}) > rules.reporters
        if prob[k] < rules.certain and (sizes == 2 or crowded):
            small, big = (rows_i, rj) if len(rows_i) <= len(rows_j) else (rows_j, ri)
            links = sum(1 for x in small
                        for y in partner[start[x]:start[x + 1]].tolist() if find(y) == big)
            if links < 2:
                out.refused.append(k)
                continue
        union(ri, rj)
    out.root = [find(i) for i in range(n)]
    seen: set[tuple[int, int]] = set()
    band = np.flatnonzero((prob >= rules.review) & (prob < rules.accept))
    for k in [*band.tolist(), *out.refused]:
        ri, rj = out.root[int(pairs[k, 0])], out.root[int(pairs[k, 1])]
        key = (min(ri, rj), max(ri, rj))
        if ri != rj and key not in seen:
            seen.add(key)
            out.review.append(k)
    return out


def _find(parent: dict[int, int], x: int) -> int:
    while parent.get(x, x) != x:
        x = parent[x]
    return x


def merge_on_combined_evidence(
    root: list[int], pairs: np.ndarray, gamma: np.ndarray, extra: np.ndarray,
    score: Callable[[np.ndarray, np.ndarray], np.ndarray], rules: ClusterRules,
    cannot: Iterable[tuple[int, int]] = (), rounds: int = 3, prob: np.ndarray | None = None,
    floor: float = 0.05, person: np.ndarray | None = None, worst: Sequence[int] = (),
) -> list[int]:
    """Join clusters whose leads, taken together, agree strongly enough.

    A lead may match a case on the surname with one member and on the house
    number with another: the best level per field over all pairs between two
    clusters is scored as one comparison. Larger clusters join only on a
    near-certain combined score, so evidence does not chain. Only clusters with
    at least one pair scoring ``floor`` or more (``prob``) are considered. With ``person``
    (each row's reporter), two clusters that would hold more than ``rules.reporters``
    distinct reporters are not joined on combined evidence: the best of many pairs is no
    evidence that many people's complaints are one dispute.

    ``extra`` is each pair's extra bits, or a column per kind of them; the best of each
    column counts, except the ``worst`` columns, whose worst counts: a door many reporters
    give takes its bits from the house that agrees, whichever pair the agreement came from.
    """
    roots = np.asarray(root, dtype=np.int64)
    width = np.int64(len(roots) + 1)
    banned = {(min(a, b), max(a, b)) for a, b in cannot}
    for _ in range(rounds):
        ra, rb = roots[pairs[:, 0]], roots[pairs[:, 1]]
        cross = np.flatnonzero(ra != rb)
        if not len(cross):
            break
        ra, rb = ra[cross], rb[cross]
        code = np.minimum(ra, rb) * width + np.maximum(ra, rb)
        del ra, rb
        if prob is not None:
            worth = distinct(code[prob[cross] >= floor])
            sel = np.isin(code, worth)
            cross, code = cross[sel], code[sel]
        if not len(cross):
            break
        order = np.argsort(code, kind="stable")
        cross, code = cross[order], code[order]
        starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
        best = np.maximum.reduceat(gamma[cross], starts, axis=0)
        bonus = _combined_bonus(extra[cross], starts, worst)
        merged_prob = score(best.astype(np.int8), bonus)
        first = code[starts]
        size = np.bincount(roots, minlength=len(roots))
        parent: dict[int, int] = {}
        find = partial(_find, parent)

        members_banned = {(int(roots[a]), int(roots[b])) for a, b in banned}
        people: dict[int, set[int]] = {}
        if person is not None:
            for r, who in zip(roots.tolist(), person.tolist(), strict=True):
                people.setdefault(r, set()).add(who)
        merged = 0
        for k in np.argsort(-merged_prob, kind="stable").tolist():
            if merged_prob[k] < rules.accept:
                break
            a, b = int(first[k] // width), int(first[k] % width)
            if (a, b) in members_banned or (b, a) in members_banned:
                continue
            if size[a] > 1 and size[b] > 1 and merged_prob[k] < rules.certain:
                continue
            fa, fb = find(a), find(b)
            if fa != fb and people and len(people[fa] | people[fb]) > rules.reporters:
                continue
            if fa != fb:
                parent[max(fa, fb)] = min(fa, fb)
                if people:
                    people[min(fa, fb)] = people[fa] | people[fb]
                merged += 1
        if not merged:
            break
        roots = np.array([find(int(r)) for r in roots.tolist()], dtype=np.int64)
    return roots.tolist()


def _combined_bonus(extra: np.ndarray, starts: np.ndarray, worst: Sequence[int]) -> np.ndarray:
    """Per group of pairs (``starts``), the best extra bits of each column (the worst of the
    ``worst`` ones), summed."""
    if extra.ndim == 1:
        return np.maximum.reduceat(extra, starts)
    out = np.zeros(len(starts), dtype=np.float64)
    for c in range(extra.shape[1]):
        reduce = np.minimum if c in worst else np.maximum
        out += reduce.reduceat(extra[:, c], starts)
    return out
