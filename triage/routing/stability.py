"""Which cases a run routes: a case keeps its mediator unless it changed (merged or split,
level raised) or the mediator can no longer take it, and then the reason is said."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from triage.domain import RISK_LEVELS
from triage.routing.cases import CaseToRoute
from triage.routing.eligibility import Eligibility

RETRY, CHECK_REFERRAL = "再次尝试分派", "核对转办"  # nobody could take it; referred elsewhere
RECHECKS = frozenset({RETRY, CHECK_REFERRAL})  # the night's re-checks: most end as they were
RERUN = "协调员重跑"  # a coordinator asked for the case to be routed again


@dataclass(frozen=True)
class CurrentRoute:
    """The route in force for a case."""

    case_id: str
    route_status: str  # assigned | referred | unroutable
    mediator_id: str | None
    confirmed: bool  # a coordinator confirmed or chose the mediator
    level: str | None  # the case's level when it was routed
    assigned_at: datetime


def reroute_reason(case: CaseToRoute, current: CurrentRoute | None,
                   changed_at: datetime | None, elig: Eligibility) -> str | None:
    """Why the case is routed in this run, or None when its route stands. ``changed_at`` is
    when the case was last merged or split."""
    if current is None:
        return "新案件"
    if current.route_status != "assigned":
        return RETRY if current.route_status == "unroutable" else CHECK_REFERRAL
    if (why := elig.keeps(case, current.mediator_id)) is not None:
        return why
    if current.confirmed:
        return None  # a coordinator's choice holds while the mediator can take the case
    if changed_at is not None and changed_at > current.assigned_at:
        return "案件合并或拆分后重新分派"
    if current.level and RISK_LEVELS.index(case.level) > RISK_LEVELS.index(current.level):
        return f"等级由{current.level}升至{case.level}"
    return None


def current_load(routes: Iterable[CurrentRoute], rerouted: Iterable[str] = ()) -> Counter[str]:
    """Open cases per mediator; a case being routed again does not count against the
    mediator it had (its route is replaced, not added to)."""
    skip = set(rerouted)
    return Counter(r.mediator_id for r in routes
                   if r.mediator_id and r.route_status == "assigned" and r.case_id not in skip)
