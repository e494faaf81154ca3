"""Stable case ids: clusters keep the id their leads already had.

A cluster holding leads of one earlier case keeps its id; a cluster joining
several earlier cases keeps the oldest and the others are logged as merged;
a case whose leads now fall apart keeps its id for the larger part and the
rest is logged as split off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd


def new_case_id(lead_id: int, taken: set[str]) -> str:
    """An id derived from the case's first lead: short, unique, never reused."""
    base = f"C{lead_id:07d}"
    cid, n = base, 1
    while cid in taken:
        cid, n = f"{base}-{n}", n + 1
    return cid


def assign_case_ids(
    components: Iterable[Sequence[int]], previous: Mapping[int, str],
) -> tuple[dict[int, str], list[dict[str, Any]]]:
    """Lead id → case id for each component (of lead ids), and the identity events."""
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
    case_of: dict[int, str] = {}
    events: list[dict[str, Any]] = []
    held_by: dict[int, list[str]] = defaultdict(list)
    for cid, (_n, idx) in claimed.items():
        held_by[idx].append(cid)
    for idx, comp in enumerate(comps):
        held = sorted(held_by.get(idx, []))
        if held:
            cid = held[0]
            events.extend({"kind": "merged", "case_id": cid, "other_case_id": other}
                          for other in held[1:])
        else:
            cid = new_case_id(comp[0], taken)
            taken.add(cid)
            was = sorted({previous[lid] for lid in comp if lid in previous})
            event: dict[str, Any] = {"kind": "split" if was else "created", "case_id": cid,
                                     "other_case_id": was[0] if was else None}
            if was:  # what left which case: the leads, for whoever checks the split
                event["detail"] = {"lead_ids": list(comp), "from": was}
            events.append(event)
        for lid in comp:
            case_of[lid] = cid
    return case_of, events


def case_summaries(leads: pd.DataFrame) -> list[dict[str, Any]]:
    """Each case's type, place, counts and dates, from its leads (columns as linked, plus ``case_id``).

    The type is the commonest one other than 其他 (其他 only if every lead says so);
    the place is the latest lead's that resolved to a village or community, else
    the latest lead's.
    """
    if leads.empty:
        return []
    ordered = leads.sort_values(["case_id", "reported_at"])
    typed = ordered[ordered["dispute_type"] != "其他"]
    # the commonest type of each case, ties to the first in sort order (as Series.mode)
    counts = typed.groupby(["case_id", "dispute_type"]).size().rename("n").reset_index()
    counts = counts.sort_values(["case_id", "n", "dispute_type"], ascending=[True, False, True])
    dtype = dict(zip(*(counts.drop_duplicates("case_id")[c] for c in ("case_id", "dispute_type")),
                     strict=True))
    cols = ("district", "town", "village", "village_code")
    places = ordered[["case_id", *cols]]
    located = places.dropna(subset=["village_code"]).groupby("case_id").last()
    anywhere = places.groupby("case_id").last()
    place = located.combine_first(anywhere)
    agg = ordered.groupby("case_id").agg(
        lead_count=("id", "size"), first=("reported_at", "min"), last=("reported_at", "max"))
    pairs = ordered[["case_id", "source"]].drop_duplicates().sort_values(["case_id", "source"])
    case_ids = pairs["case_id"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, case_ids[1:] != case_ids[:-1]])  # each case's first pair
    sources = dict(zip(case_ids[starts].tolist(), np.split(
        pairs["source"].to_numpy(dtype=object), starts[1:]), strict=True))
    where = place.reindex(agg.index)
    out = []
    for cid, n, first, last, *at in zip(agg.index, agg["lead_count"], agg["first"], agg["last"],
                                        *(where[c] for c in cols), strict=True):
        out.append({
            "id": cid, "dispute_type": dtype.get(cid, "其他"),
            **{c: _opt(v) for c, v in zip(cols, at, strict=True)},
            "lead_count": int(n), "sources": [str(x) for x in sources[cid]],
            "first_reported_at": first.to_pydatetime(),
            "last_reported_at": last.to_pydatetime(),
        })
    return out


def _opt(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and v != v) or v is pd.NA else v
