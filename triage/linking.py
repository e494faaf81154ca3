"""Group leads into cases, and reporters into persons, with stable ids.

First version: two leads are the same dispute when they share a full phone
number or a valid ID number, fall within a time window of each other, and do
not disagree on a specific dispute type. Each link records the key that joined
it. Case ids of cases a run does not touch never change; when cases merge, the
oldest id survives and the merge is reported.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from triage.frames import records
from triage.normalize.phones import mask_phone


class DisjointSet:
    """Union-find over integer ids with path halving."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class LinkRules:
    window_days: int = 120


@dataclass
class LinkResult:
    """Case of every lead, the evidence of each link, and case identity changes."""

    case_of: dict[int, str]
    evidence: dict[int, list[dict[str, Any]]]
    events: list[dict[str, Any]] = field(default_factory=list)


def _keys(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = []
    ident = row.get("reporter_id")
    if isinstance(ident, str) and row.get("reporter_id_valid") is True:
        keys.append(("id", ident))
    phones = row.get("phones")
    if isinstance(phones, (list, tuple)):
        keys.extend(("phone", p) for p in phones if isinstance(p, str) and "*" not in p)
    return keys


def _types_agree(a: object, b: object) -> bool:
    return a == b or a == "其他" or b == "其他" or a is None or b is None


def _describe(kind: str, value: str) -> str:
    if kind == "phone":
        return f"共用电话 {mask_phone(value)}"
    return f"同一身份证号 {value[:6]}********{value[-4:]}"


def link_leads(
    leads: pd.DataFrame, previous: Mapping[int, str], rules: LinkRules = LinkRules(),
) -> LinkResult:
    """Cluster all leads; reuse the case ids in ``previous`` (lead id → case id).

    ``leads`` needs columns id, reported_at, reporter_id, reporter_id_valid,
    phones and dispute_type.
    """
    ds = DisjointSet()
    evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_key: dict[tuple[str, str], list[tuple[datetime, int, object]]] = defaultdict(list)
    for row in records(leads):
        lid = int(row["id"])
        ds.find(lid)
        when = row.get("reported_at")
        when = when.to_pydatetime() if isinstance(when, pd.Timestamp) else when
        if not isinstance(when, datetime):
            continue
        for key in _keys(row):
            by_key[key].append((when, lid, row.get("dispute_type")))
    window = timedelta(days=rules.window_days)
    for (kind, value), members in by_key.items():
        if len(members) < 2:
            continue
        members.sort()
        for (t0, a, ta), (t1, b, tb) in itertools.pairwise(members):
            if t1 - t0 > window or not _types_agree(ta, tb):
                continue
            if ds.find(a) != ds.find(b):
                ds.union(a, b)
                evidence[b].append({"with_lead": a, "field": kind, "detail": _describe(kind, value),
                                    "weight": 1.0})
    components: dict[int, list[int]] = defaultdict(list)
    for lid in ds.parent:
        components[ds.find(lid)].append(lid)
    return _assign_ids(components.values(), previous, evidence)


def _new_id(lead_id: int, taken: set[str]) -> str:
    base = f"C{lead_id:07d}"
    cid, n = base, 1
    while cid in taken:
        cid, n = f"{base}-{n}", n + 1
    return cid


def _assign_ids(
    components: Iterable[Sequence[int]], previous: Mapping[int, str],
    evidence: Mapping[int, list[dict[str, Any]]],
) -> LinkResult:
    taken = set(previous.values())
    claimed: dict[str, tuple[int, int]] = {}  # case id → (members held, component index)
    comps = [sorted(c) for c in components]
    for idx, comp in enumerate(comps):
        counts: dict[str, int] = defaultdict(int)
        for lid in comp:
            if lid in previous:
                counts[previous[lid]] += 1
        for cid, n in counts.items():
            if cid not in claimed or n > claimed[cid][0]:
                claimed[cid] = (n, idx)
    result = LinkResult({}, {})
    for idx, comp in enumerate(comps):
        held = sorted(cid for cid, (_n, i) in claimed.items() if i == idx)
        if held:
            cid = held[0]
            for other in held[1:]:
                result.events.append({"kind": "merged", "case_id": cid, "other_case_id": other})
        else:
            cid = _new_id(comp[0], taken)
            taken.add(cid)
            was = sorted({previous[lid] for lid in comp if lid in previous})
            result.events.append({"kind": "split" if was else "created", "case_id": cid,
                                  "other_case_id": was[0] if was else None})
        for lid in comp:
            result.case_of[lid] = cid
            result.evidence[lid] = list(evidence.get(lid, []))
    return result


def person_keys(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Keys that identify a reporter: a valid ID, or a full mobile with the surname."""
    keys = []
    ident = row.get("reporter_id")
    if isinstance(ident, str) and row.get("reporter_id_valid") is True:
        keys.append(("id", ident))
    name = row.get("reporter_name")
    surname = name[0] if isinstance(name, str) and name else ""
    phones = row.get("phones")
    if isinstance(phones, (list, tuple)) and surname:
        keys.extend(("phone", f"{p}:{surname}") for p in phones
                    if isinstance(p, str) and "*" not in p and "-" not in p)
    return keys


def group_persons(leads: pd.DataFrame) -> dict[int, int]:
    """Lead id → representative lead id of its reporter (same person across cases)."""
    ds = DisjointSet()
    first: dict[tuple[str, str], int] = {}
    for row in records(leads):
        lid = int(row["id"])
        ds.find(lid)
        for key in person_keys(row):
            if key in first:
                ds.union(first[key], lid)
            else:
                first[key] = lid
    return {lid: ds.find(lid) for lid in ds.parent}
