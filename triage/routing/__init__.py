"""矛盾共调: a lead mediator and co-agencies for every case, chosen by a min-cost flow over
hard constraints (jurisdiction, level, availability, capacity) and weighted costs; referral
outside the served towns; stable routes across runs."""

from triage.routing.assign import COST_LABELS, Pricing, assign
from triage.routing.cases import CaseToRoute, Route
from triage.routing.coagency import CoAgencies
from triage.routing.config import (
    AlertConfig,
    CoAgencyRule,
    CostWeights,
    FollowUpStep,
    MediatorSpec,
    RoutingConfig,
)
from triage.routing.eligibility import Eligibility
from triage.routing.plan import finish_routes, office_for, plan_routes, route_cases
from triage.routing.stability import RECHECKS, RERUN, CurrentRoute, current_load, reroute_reason

__all__ = [
    "COST_LABELS", "RECHECKS", "RERUN", "AlertConfig", "CaseToRoute", "CoAgencies",
    "CoAgencyRule", "CostWeights",
    "CurrentRoute", "Eligibility", "FollowUpStep", "MediatorSpec", "Pricing", "Route",
    "RoutingConfig", "assign", "current_load", "finish_routes", "office_for", "plan_routes",
    "reroute_reason", "route_cases",
]
