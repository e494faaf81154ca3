"""A batch's routes: referral outside the served towns, the solver inside them, then the
co-agencies and the response of each route made."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
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
    standing: Mapping[str, tuple[str, str | None]] | None = None,
) -> list[Route]:
    """Every case's route, co-agencies and response (``plan_routes``, then ``finish_routes``)."""
    planned = plan_routes(cases, mediators, cfg, day=day, served=served, offices=offices,
                          load=load, standing=standing)
    return finish_routes(planned, cases, cfg, co=co, rejected=rejected)


def plan_routes(
    cases: Sequence[CaseToRoute], mediators: Sequence[MediatorSpec], cfg: RoutingConfig, *,
    day: date,
    served: Collection[str], offices: Mapping[str, str] | None = None,
    load: Mapping[str, int] | None = None,
    standing: Mapping[str, tuple[str, str | None]] | None = None,
) -> list[Route]:
    """Where each case goes: one with no town to a coordinator, one in a town this deployment
    does not serve referred (转办) to that town's office, the rest assigned together by the
    solver. ``standing`` holds, for a case that is only re-checked (nobody could take it, or it
    was referred), the status and mediator of its route in force: a re-check that ends the
    same makes no route, the route in force stands. Co-agencies and the response are not
    read here (``finish_routes``): they need the case's text, read only for routes made."""
    standing = standing or {}
    inside: list[CaseToRoute] = []
    routes: list[Route] = []
    for c in cases:
        if not c.town:
            routes.append(Route(c.case_id, "unroutable",
                                reasons=["地址未能定位到镇街，无法确定属地，请人工指派"]))
        elif c.town not in served:
            office = office_for(c.town, offices or {})
            routes.append(Route(c.case_id, "referred", referred_to=office, reasons=[
                f"不属本辖区：{c.district or ''}{c.town}，转办{office}"]))
        else:
            inside.append(c)
    routes += assign(inside, mediators, cfg.weights, day, load)
    return sorted((r for r in routes if standing.get(r.case_id) != (r.status, r.mediator_id)),
                  key=lambda r: r.case_id)


def finish_routes(routes: Sequence[Route], cases: Sequence[CaseToRoute], cfg: RoutingConfig, *,
                  co: CoAgencies | None = None,
                  rejected: Mapping[str, Sequence[str]] | None = None) -> list[Route]:
    """The routes with their co-agencies (from each case's signals and text; those a
    coordinator rejected stay out) and, but for referrals, the response (四诊) the case's
    level gets."""
    rejected = rejected or {}
    case_of = {c.case_id: c for c in cases}
    out = []
    for r in routes:
        case = case_of[r.case_id]
        joined, why = co.for_case(case, rejected.get(r.case_id, ())) if co else ([], [])
        reasons = [*r.reasons, *why]
        if r.status != "referred" and case.level in cfg.response:
            reasons.append(f"响应：{cfg.response[case.level]}")
        out.append(replace(r, co_agencies=joined, reasons=reasons))
    return out
