"""A batch's routes: referral outside the served towns, the solver inside them, and the
co-agencies of every case."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from triage.routing.assign import assign
from triage.routing.cases import CaseToRoute, Route
from triage.routing.coagency import CoAgencies
from triage.routing.config import MediatorSpec, RoutingConfig


def office_for(town: str, offices: Mapping[str, str]) -> str:
    """The judicial office that serves a town: the deployment's list, else the town's name."""
    return offices.get(town) or f"{town}司法所"


def route_cases(
    cases: Sequence[CaseToRoute], mediators: Sequence[MediatorSpec], cfg: RoutingConfig, *,
    day: date, served: Collection[str], offices: Mapping[str, str] | None = None,
    co: CoAgencies | None = None, load: Mapping[str, int] | None = None,
    rejected: Mapping[str, Sequence[str]] | None = None,
) -> list[Route]:
    """Every case's route: a case with no town goes to a coordinator, one in a town this
    deployment does not serve is referred (转办) to that town's office, the rest are assigned
    together by the solver."""
    rejected = rejected or {}
    agencies = {c.case_id: co.for_case(c, rejected.get(c.case_id, ())) if co else ([], [])
                for c in cases}
    inside: list[CaseToRoute] = []
    routes: list[Route] = []
    for c in cases:
        joined, why = agencies[c.case_id]
        if not c.town:
            routes.append(Route(c.case_id, "unroutable", co_agencies=joined, reasons=[
                "地址未能定位到镇街，无法确定属地，请人工指派", *why]))
        elif c.town not in served:
            office = office_for(c.town, offices or {})
            routes.append(Route(c.case_id, "referred", referred_to=office, co_agencies=joined,
                                reasons=[f"不属本辖区：{c.district or ''}{c.town}，转办{office}", *why]))
        else:
            inside.append(c)
    routes += assign(inside, mediators, cfg.weights, day, load, agencies)
    level = {c.case_id: c.level for c in cases}
    for r in routes:  # 四诊: the response the case's level gets
        if r.status != "referred" and level[r.case_id] in cfg.response:
            r.reasons.append(f"响应：{cfg.response[level[r.case_id]]}")
    return sorted(routes, key=lambda r: r.case_id)
