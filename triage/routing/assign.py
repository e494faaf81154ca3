"""Assignment of a batch of cases to mediators as a min-cost flow (OR-Tools).

Jurisdiction, level, availability and capacity are hard: a case only has arcs to the mediators
who may take it, and a mediator only has as many slots as capacity left. Specialty, distance
and leaving the previous mediator cost per arc; load costs per slot, growing with the share of
capacity used (convex, so the cheapest plan spreads cases). Leaving a case unassigned costs more
than any assignment, and more the higher its level, so when capacity runs short it is the 蓝
cases that wait.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from ortools.graph.python import min_cost_flow

from triage.domain import RISK_LEVELS
from triage.routing.cases import CaseToRoute, Route
from triage.routing.config import CostWeights, MediatorSpec
from triage.routing.eligibility import Eligibility

SCALE = 1000  # costs go to the solver as integers
COST_LABELS = {"specialty": "非专长", "distance": "距离", "keep": "更换调解员", "load": "负荷"}


@dataclass(frozen=True)
class Pricing:
    """What one mediator costs for one case, part by part."""

    weights: CostWeights

    def distance(self, case: CaseToRoute, m: MediatorSpec) -> int:
        """Steps from the mediator's seat to the case: own village 0, own town 1, own district
        2, beyond 3 (the gazetteer has no coordinates; the hierarchy is the distance)."""
        if m.home_code is not None and case.village_code == m.home_code:
            return 0
        if case.town is not None and case.town == m.town:
            return 1
        if case.district is not None and case.district == m.district:
            return 2
        return 3

    def fixed(self, case: CaseToRoute, m: MediatorSpec) -> dict[str, float]:
        w = self.weights
        return {
            "specialty": 0.0 if case.dispute_type in m.specialties else w.specialty,
            "distance": w.distance * self.distance(case, m),
            "keep": w.keep if case.previous and case.previous != m.mediator_id else 0.0,
        }

    def slot(self, k: int, capacity: int) -> float:
        """The cost of a mediator's k-th open case (k from 1): the increase of
        load·(cases/capacity)²·capacity, so marginal cost grows with the share used."""
        return self.weights.load * (2 * k - 1) / capacity


def _unassigned_cost(level: str) -> int:
    return SCALE * 10_000 * (1 + RISK_LEVELS.index(level))


def assign(cases: Sequence[CaseToRoute], mediators: Sequence[MediatorSpec],
           weights: CostWeights, day: date, load: Mapping[str, int] | None = None) -> list[Route]:
    """Routes for cases inside the served towns; ``load`` counts each mediator's open cases
    that are not in this batch."""
    if not cases:
        return []
    load = dict(load or {})
    elig = Eligibility(mediators, day)
    price = Pricing(weights)
    cases = sorted(cases, key=lambda c: c.case_id)
    cands: list[list[MediatorSpec]] = []
    why_none: dict[str, str] = {}
    for case in cases:
        who, why = elig.eligible(case)
        cands.append(who)
        if why:
            why_none[case.case_id] = why
    used_ids = sorted({m.mediator_id for who in cands for m in who})
    node_of = {mid: len(cases) + i for i, mid in enumerate(used_ids)}
    sink = len(cases) + len(used_ids)
    tails: list[int] = []
    heads: list[int] = []
    costs: list[int] = []
    fixed: list[list[dict[str, float]]] = []
    for i, (case, who) in enumerate(zip(cases, cands, strict=True)):
        row = [price.fixed(case, m) for m in who]
        fixed.append(row)
        for m, p in zip(who, row, strict=True):
            tails.append(i)
            heads.append(node_of[m.mediator_id])
            costs.append(round(SCALE * sum(p.values())))
        tails.append(i)
        heads.append(sink)
        costs.append(_unassigned_cost(case.level))
    n_case_arcs = len(tails)
    spec = elig.mediators
    for used in used_ids:
        m = spec[used]
        have = load.get(used, 0)
        for k in range(have + 1, m.capacity + 1):
            tails.append(node_of[used])
            heads.append(sink)
            costs.append(round(SCALE * price.slot(k, m.capacity)))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
        np.ones(len(tails), dtype=np.int64), np.array(costs, dtype=np.int64))
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:len(cases)] = 1
    supplies[sink] = -len(cases)
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed on {len(cases)} cases")
    flows = flow.flows(np.arange(n_case_arcs, dtype=np.int32))
    chosen: dict[int, str] = {}
    for arc in range(n_case_arcs):
        if flows[arc] and heads[arc] != sink:
            chosen[tails[arc]] = used_ids[heads[arc] - len(cases)]
    final = Counter(load)
    final.update(chosen.values())
    routes = []
    for i, case in enumerate(cases):
        mid = chosen.get(i)
        if mid is None:
            why = why_none.get(case.case_id) or _full(cands[i], final)
            routes.append(Route(case.case_id, "unroutable", reasons=[why]))
            continue
        options = []
        for other, base in zip(cands[i], fixed[i], strict=True):
            k = final[other.mediator_id] + (0 if other.mediator_id == mid else 1)
            options.append((other, {**base, "load": price.slot(min(k, other.capacity),
                                                                other.capacity)},
                            k > other.capacity))
        m, parts = next((o[0], o[1]) for o in options if o[0].mediator_id == mid)
        others = sorted((o for o in options if o[0].mediator_id != mid),
                        key=lambda o: (o[2], sum(o[1].values()), o[0].mediator_id))[:2]
        routes.append(Route(
            case.case_id, "assigned", mid,
            reasons=[*_why(case, m, final[mid], price), _breakdown(parts)],
            cost={k: round(v, 2) for k, v in parts.items()},
            runners_up=[{"mediator_id": o.mediator_id, "name": o.name,
                         "cost": round(sum(p.values()), 2),
                         "parts": {k: round(v, 2) for k, v in p.items()},
                         "note": f"已满（{final[o.mediator_id]}/{o.capacity}）" if full
                         else f"负荷 {final[o.mediator_id]}/{o.capacity}"}
                        for o, p, full in others]))
    return routes


def _full(who: Sequence[MediatorSpec], final: Mapping[str, int]) -> str:
    loads = "，".join(f"{m.name} {final.get(m.mediator_id, 0)}/{m.capacity}" for m in who[:4])
    return f"可承接的调解员均已满负荷（{loads}），请调整名册容量或人工指派"


def _why(case: CaseToRoute, m: MediatorSpec, load: int, price: Pricing) -> list[str]:
    place = case.village or case.town or ""
    steps = price.distance(case, m)
    seat = ("本村/社区调解员" if steps == 0 else "负责全镇/街道" if steps == 1
            else "同区" if steps == 2 else "区外")
    out = [f"属地：{m.organization or m.town}（{seat}）负责{place}",
           f"可承接{'、'.join(m.levels)}色案件，本案{case.level}色",
           f"专长：{case.dispute_type}" if case.dispute_type in m.specialties
           else f"非专长：{case.dispute_type}（专长 {'、'.join(m.specialties) or '无'}）",
           f"负荷：{load}/{m.capacity}"]
    if case.previous == m.mediator_id:
        out.append("延续原调解员")
    return out


def _breakdown(parts: Mapping[str, float]) -> str:
    total = sum(parts.values())
    return f"成本 {total:.2f} = " + " + ".join(
        f"{COST_LABELS[k]} {v:.2f}" for k, v in parts.items())
