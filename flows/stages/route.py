"""The routing stage (矛盾共调, 稳控共防): a mediator and co-agencies per case, and follow-ups."""

from __future__ import annotations

from connectors.resources import Resources
from connectors.store.access import now
from connectors.store.routing import routing_inputs, save_routes
from triage.followup import follow_up_plan
from triage.routing import current_load, needs_routing, route_cases


def route_stage(res: Resources, run_id: int | None = None) -> dict[str, int]:
    """Route every open case a coordinator has not confirmed, and plan its follow-ups."""
    got = routing_inputs(res.engine)
    if not got.cases:
        return {"routed": 0}
    to_route = [c for c in got.cases if needs_routing(c.case_id, got.confirmed)]
    load = current_load(got.assignments, rerouted=[c.case_id for c in to_route])
    routes = route_cases(to_route, res.config.mediators, res.config.routing, load)
    level_of = {c.case_id: c.level for c in to_route}
    stamp = now()
    save_routes(res.engine, routes, run_id, stamp,
                lambda cid: follow_up_plan(level_of[cid], stamp, res.config.routing))
    unrouted = sum(1 for r in routes if r.mediator_id is None)
    return {"routed": len(routes) - unrouted, "unrouted": unrouted}
