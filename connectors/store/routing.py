"""What the routing stage reads from and writes to the store: open cases with their current
routes, the routes a run decides, case events, follow-up tasks and overdue ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session, col

from connectors.store.access import leads_frame, read_frame, select_columns
from connectors.store.schema import (
    Assignment,
    Case,
    CaseEvent,
    CaseLink,
    FollowUpTask,
    RiskAssessment,
)
from triage.routing import CaseToRoute, CurrentRoute, Route


@dataclass
class RoutingInputs:
    """Open cases as the router sees them, the routes in force and what changed since."""

    cases: list[CaseToRoute]
    current: dict[str, CurrentRoute]
    agencies: dict[str, list[str]]  # each current route's co-agencies
    rejected: dict[str, list[str]]  # co-agencies a coordinator ruled out, by case
    changed_at: dict[str, datetime]  # the last merge or split of each case
    level_since: dict[str, datetime]  # since when each case has had its level
    task_keys: set[tuple[str, str, datetime]] = field(default_factory=set)  # (case, level, since)
    reopened: list[str] = field(default_factory=list)  # closed cases a new lead opened again


def _dt(v: Any) -> datetime | None:
    if v is None or (not isinstance(v, datetime) and pd.isna(v)):
        return None
    return v.to_pydatetime() if isinstance(v, pd.Timestamp) else v


def routing_inputs(engine: Engine) -> RoutingInputs:
    """Every open case, its signals and text, its route in force, and its task keys."""
    with Session(engine) as s:
        cases = s.execute(select(Case).where(col(Case.status) == "open")).scalars().all()
        open_ids = {c.id for c in cases}
        assess = {a.case_id: a for a in s.execute(select(RiskAssessment).where(
            col(RiskAssessment.is_current).is_(True))).scalars().all() if a.case_id in open_ids}
        routes = [a for a in s.execute(select(Assignment).where(
            col(Assignment.is_current).is_(True))).scalars().all() if a.case_id in open_ids]
        changed: dict[str, datetime] = {str(k): v for k, v in s.execute(
            select(col(CaseEvent.case_id), func.max(col(CaseEvent.at))).where(
                col(CaseEvent.kind).in_(["merged", "split"])).group_by(col(CaseEvent.case_id)))}
        tasks = s.execute(select(col(FollowUpTask.case_id), col(FollowUpTask.level),
                                 col(FollowUpTask.level_since))).all()
    leads = leads_frame(engine, ("id", "description"))
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id"))
    texts = (leads.merge(links, left_on="id", right_on="lead_id")
             .groupby("case_id")["description"].apply(lambda d: "。".join(x for x in d if x)))
    current = {a.case_id: CurrentRoute(a.case_id, a.route_status, a.mediator_id,
                                       a.status == "confirmed", a.level, a.assigned_at)
               for a in routes}
    routed = [CaseToRoute(
        c.id, c.village_code, c.town, c.dispute_type, c.risk_level or "蓝",
        tuple(x["signal"] for x in (assess[c.id].signals or [])) if c.id in assess else (),
        texts.get(c.id, ""), c.district, c.village,
        current[c.id].mediator_id if c.id in current else None) for c in cases]
    return RoutingInputs(
        routed, current,
        {a.case_id: list(a.co_agencies or []) for a in routes},
        {a.case_id: list(a.rejected_agencies or []) for a in routes},
        {k: v for k, v in changed.items() if k in open_ids},
        {k: a.level_since for k, a in assess.items() if a.level_since is not None},
        {(t[0], t[1], t[2]) for t in tasks if t[1] is not None and t[2] is not None},
        [c.id for c in cases if c.outcome is not None])


def save_routes(engine: Engine, routes: Sequence[Route], why: Mapping[str, str],
                levels: Mapping[str, str], rejected: Mapping[str, Sequence[str]],
                run_id: int | None, stamp: datetime) -> int:
    """Replace these cases' current routes and log each change as a case event with the
    reason (``why``); returns how many were written."""
    with Session(engine) as s, s.begin():
        ids = [r.case_id for r in routes]
        for start in range(0, len(ids), 500):
            s.execute(update(Assignment).where(col(Assignment.case_id).in_(ids[start:start + 500]))
                      .values(is_current=False))
        events = []
        for r in routes:
            s.add(Assignment(
                case_id=r.case_id, mediator_id=r.mediator_id, co_agencies=r.co_agencies,
                reasons=r.reasons, runners_up=r.runners_up, run_id=run_id, assigned_at=stamp,
                route_status=r.status, referred_to=r.referred_to, level=levels.get(r.case_id),
                cost=r.cost or None, route_reason=why.get(r.case_id),
                rejected_agencies=list(rejected.get(r.case_id, [])) or None))
            kind = {"assigned": "routed", "referred": "referred"}.get(r.status, "unroutable")
            events.append({"kind": kind, "case_id": r.case_id, "run_id": run_id, "at": stamp,
                           "other_case_id": None, "detail": {
                               "by": "系统", "reason": why.get(r.case_id), "to": r.mediator_id,
                               "referred_to": r.referred_to,
                               "why": r.reasons[0] if r.status != "assigned" and r.reasons else None}})
        if events:
            s.execute(CaseEvent.__table__.insert(), events)  # type: ignore[attr-defined]
    return len(routes)


def update_agencies(engine: Engine, changes: Mapping[str, tuple[list[str], list[str]]],
                    run_id: int | None, stamp: datetime) -> None:
    """Co-agencies that changed on a route that stands: kept on the route, logged."""
    if not changes:
        return
    with Session(engine) as s, s.begin():
        for cid, (agencies, reasons) in changes.items():
            a = s.execute(select(Assignment).where(
                col(Assignment.case_id) == cid, col(Assignment.is_current).is_(True))).scalar_one()
            before = list(a.co_agencies or [])
            a.co_agencies = agencies
            a.reasons = [r for r in (a.reasons or []) if "→" not in r] + reasons
            s.add(CaseEvent(kind="agencies", case_id=cid, run_id=run_id, at=stamp, detail={
                "by": "系统", "from": before, "to": agencies}))


def save_tasks(engine: Engine, tasks: Iterable[Mapping[str, Any]]) -> int:
    rows = list(tasks)
    if rows:
        with Session(engine) as s, s.begin():
            s.execute(FollowUpTask.__table__.insert(), rows)  # type: ignore[attr-defined]
    return len(rows)


def mark_reopened(engine: Engine, case_ids: Sequence[str], run_id: int | None,
                  stamp: datetime) -> None:
    """Closed cases that a new lead opened again: the outcome is cleared and the event says so."""
    if not case_ids:
        return
    with Session(engine) as s, s.begin():
        s.execute(update(Case).where(col(Case.id).in_(case_ids)).values(
            outcome=None, closed_at=None, closed_by=None, close_note=None))
        for cid in case_ids:
            s.add(CaseEvent(kind="reopened", case_id=cid, run_id=run_id, at=stamp,
                            detail={"by": "系统", "reason": "新线索，案件重新打开"}))


def overdue_tasks(engine: Engine, at: datetime) -> pd.DataFrame:
    """Open follow-up tasks past their due time, of open cases, most overdue first."""
    stmt = (select(col(FollowUpTask.id), col(FollowUpTask.case_id), col(FollowUpTask.kind),
                   col(FollowUpTask.level), col(FollowUpTask.due_at), col(Assignment.mediator_id))
            .join(Case, col(Case.id) == col(FollowUpTask.case_id))
            .outerjoin(Assignment, (col(Assignment.case_id) == col(FollowUpTask.case_id))
                       & col(Assignment.is_current).is_(True))
            .where(col(FollowUpTask.status) == "open", col(FollowUpTask.due_at) < at,
                   col(Case.status) == "open")
            .order_by(col(FollowUpTask.due_at)))
    return read_frame(engine, stmt)  # type: ignore[arg-type]
