"""What the routing stage reads from and writes to the store: open cases with their current
routes, the routes a run decides, case events, follow-up tasks and overdue ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select, update
from sqlmodel import Session, col

from connectors.store.access import read_frame, select_columns
from connectors.store.schema import (
    Assignment,
    Case,
    CaseEvent,
    CaseLink,
    FollowUpTask,
    Lead,
    RiskAssessment,
)
from triage.frames import records
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
    scored_in: dict[str, int] = field(default_factory=dict)  # the run of each case's assessment
    added: dict[str, list[str]] = field(default_factory=dict)  # co-agencies a coordinator brought in


def _dt(v: Any) -> datetime | None:
    if v is None or (not isinstance(v, datetime) and pd.isna(v)):
        return None
    return v.to_pydatetime() if isinstance(v, pd.Timestamp) else v


def routing_inputs(engine: Engine, run_id: int | None = None) -> RoutingInputs:
    """Every open case with its signals (texts come from ``case_texts``, for the cases that
    need them), its route in force, what changed, and its task keys. With ``run_id``, only
    the open cases that run scored or that have no route yet (the watch path: the others'
    routes are checked by the night)."""
    is_open = col(Case.status) == "open"  # closed cases' assessments and routes are not read
    if run_id is not None:
        scored = select(col(RiskAssessment.case_id)).where(
            col(RiskAssessment.is_current).is_(True), col(RiskAssessment.run_id) == run_id)
        has_route = select(col(Assignment.case_id)).where(col(Assignment.is_current).is_(True))
        is_open = and_(is_open, or_(col(Case.id).in_(scored), col(Case.id).not_in(has_route)))
    cases = read_frame(engine, select_columns(
        Case, "id", "village_code", "town", "dispute_type", "risk_level", "district", "village",
        "outcome").where(is_open))
    open_ids = set(cases["id"])
    assess = read_frame(engine, select_columns(
        RiskAssessment, "case_id", "signals", "level_since", "run_id").join(
        Case, col(Case.id) == col(RiskAssessment.case_id)).where(
        col(RiskAssessment.is_current).is_(True), is_open))
    routes = read_frame(engine, select_columns(
        Assignment, "case_id", "route_status", "mediator_id", "status", "level", "assigned_at",
        "co_agencies", "rejected_agencies", "added_agencies").join(
        Case, col(Case.id) == col(Assignment.case_id)).where(
        col(Assignment.is_current).is_(True), is_open))
    with Session(engine) as s:
        changed: dict[str, datetime] = {str(k): v for k, v in s.execute(
            select(col(CaseEvent.case_id), func.max(col(CaseEvent.at))).where(
                col(CaseEvent.kind).in_(["merged", "split"])).group_by(col(CaseEvent.case_id)))}
        tasks = s.execute(select(col(FollowUpTask.case_id), col(FollowUpTask.level),
                                 col(FollowUpTask.level_since)).join(
            Case, col(Case.id) == col(FollowUpTask.case_id)).where(is_open)).all()
    route_rows, assess_rows, case_rows = records(routes), records(assess), records(cases)
    current = {r["case_id"]: CurrentRoute(
        r["case_id"], r["route_status"], _str(r["mediator_id"]), r["status"] == "confirmed",
        _str(r["level"]), _dt(r["assigned_at"]) or datetime.min) for r in route_rows}
    signals = {r["case_id"]: tuple(x["signal"] for x in (r["signals"] or []))
               for r in assess_rows}
    routed = [CaseToRoute(
        c["id"], _str(c["village_code"]), _str(c["town"]), c["dispute_type"],
        _str(c["risk_level"]) or "蓝", signals.get(c["id"], ()), "", _str(c["district"]),
        _str(c["village"]), current[c["id"]].mediator_id if c["id"] in current else None)
        for c in case_rows]
    return RoutingInputs(
        routed, current,
        {r["case_id"]: list(r["co_agencies"] or []) for r in route_rows},
        {r["case_id"]: list(r["rejected_agencies"] or []) for r in route_rows},
        {k: v for k, v in changed.items() if k in open_ids},
        {r["case_id"]: ls for r in assess_rows if (ls := _dt(r["level_since"])) is not None},
        {(t[0], t[1], t[2]) for t in tasks if t[1] is not None and t[2] is not None},
        [c["id"] for c in case_rows if _str(c["outcome"]) is not None],
        {r["case_id"]: int(r["run_id"]) for r in assess_rows if _str(r["run_id"]) is not None},
        {r["case_id"]: list(r["added_agencies"]) for r in route_rows
         if isinstance(r["added_agencies"], list) and r["added_agencies"]})


def case_texts(engine: Engine, case_ids: Iterable[str]) -> dict[str, str]:
    """The descriptions of each case's leads (in lead order), joined, for the co-agency words.
    Only these cases' links are read: the history's are not."""
    wanted = sorted(set(case_ids))
    out: dict[str, list[str]] = {}
    with Session(engine) as s:
        for start in range(0, len(wanted), 900):
            rows = s.execute(select(col(CaseLink.case_id), col(Lead.description))
                             .join(Lead, col(Lead.id) == col(CaseLink.lead_id))
                             .where(col(CaseLink.case_id).in_(wanted[start:start + 900]))
                             .order_by(col(CaseLink.case_id), col(Lead.id))).all()
            for cid, text in rows:
                parts = out.setdefault(str(cid), [])
                if isinstance(text, str) and text:
                    parts.append(text)
    return {k: "。".join(v) for k, v in out.items()}


def _str(v: Any) -> Any:
    return None if v is None or (not isinstance(v, (str, list, dict)) and pd.isna(v)) else v


def save_routes(engine: Engine, routes: Sequence[Route], why: Mapping[str, str],
                levels: Mapping[str, str], rejected: Mapping[str, Sequence[str]],
                run_id: int | None, stamp: datetime,
                added: Mapping[str, Sequence[str]] | None = None) -> int:
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
                rejected_agencies=list(rejected.get(r.case_id, [])) or None,
                added_agencies=list((added or {}).get(r.case_id, [])) or None))
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


def routes_in_force(engine: Engine) -> Counter[tuple[str, str | None]]:
    """Open cases by the status (assigned, referred, unroutable) and mediator of their route
    in force."""
    with Session(engine) as s:
        rows = s.execute(select(col(Assignment.route_status), col(Assignment.mediator_id), func.count())
                         .join(Case, col(Case.id) == col(Assignment.case_id))
                         .where(col(Assignment.is_current).is_(True), col(Case.status) == "open")
                         .group_by(col(Assignment.route_status), col(Assignment.mediator_id))).all()
    return Counter({(str(status), _str(m)): int(n) for status, m, n in rows})


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


def current_route(engine: Engine, case_id: str) -> Assignment | None:
    """A case's route in force, detached from its session."""
    with Session(engine) as s:
        a = s.execute(select(Assignment).where(col(Assignment.case_id) == case_id,
                                               col(Assignment.is_current).is_(True))).scalar_one_or_none()
        if a is not None:
            s.expunge(a)
        return a


def open_tasks(engine: Engine, at: datetime, *, overdue: bool = False,
               case_id: str | None = None) -> list[FollowUpTask]:
    """Open follow-up tasks of open cases, soonest due first (only overdue ones, or a case's)."""
    stmt = (select(FollowUpTask).join(Case, col(Case.id) == col(FollowUpTask.case_id))
            .where(col(Case.status) == "open", col(FollowUpTask.status) == "open")
            .order_by(col(FollowUpTask.due_at)))
    if overdue:
        stmt = stmt.where(col(FollowUpTask.due_at) < at)
    if case_id:
        stmt = stmt.where(col(FollowUpTask.case_id) == case_id)
    with Session(engine) as s:
        tasks = list(s.execute(stmt).scalars().all())
        for t in tasks:
            s.expunge(t)
        return tasks
