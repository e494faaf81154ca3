"""What the routing stage reads from and writes to the store: open cases, assignments, tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from connectors.store.access import leads_frame, read_frame, select_columns
from connectors.store.schema import Assignment, Case, CaseLink, FollowUpTask, RiskAssessment
from triage.frames import records
from triage.routing import CaseToRoute, Route

_CHUNK = 500


@dataclass
class RoutingInputs:
    """Open cases as the router sees them, and the assignments in force."""

    cases: list[CaseToRoute]
    assignments: list[tuple[str, str | None]]  # (case, mediator) of current assignments
    confirmed: set[str]  # cases whose assignment a coordinator confirmed


def routing_inputs(engine: Engine) -> RoutingInputs:
    cases = read_frame(engine, select(Case).where(col(Case.status) == "open"))  # type: ignore[call-overload]
    if cases.empty:
        return RoutingInputs([], [], set())
    assess = read_frame(engine, select_columns(RiskAssessment, "case_id", "signals")
                        .where(col(RiskAssessment.is_current).is_(True)))
    signals = {r["case_id"]: tuple(s["signal"] for s in (r["signals"] or []))
               for r in records(assess)}
    leads = leads_frame(engine, ("id", "description"))
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id"))
    texts = (leads.merge(links, left_on="id", right_on="lead_id")
             .groupby("case_id")["description"].apply(lambda d: "。".join(x for x in d if x)))
    current = read_frame(engine, select_columns(Assignment, "case_id", "mediator_id", "status")
                         .where(col(Assignment.is_current).is_(True)))
    routed = [CaseToRoute(r["id"], r["village_code"], r["town"], r["dispute_type"],
                          r["risk_level"] or "蓝", signals.get(r["id"], ()), texts.get(r["id"], ""))
              for r in records(cases)]
    return RoutingInputs(
        routed,
        [(c, None if pd.isna(m) else str(m)) for c, m in zip(current["case_id"], current["mediator_id"],
                                                             strict=True)],
        set(current.loc[current["status"] == "confirmed", "case_id"]))


def save_routes(engine: Engine, routes: Sequence[Route], run_id: int | None, stamp: datetime,
                plan: Callable[[str], Iterable[tuple[str, datetime]]]) -> None:
    """Replace these cases' current assignments and open follow-ups; ``plan(case_id)`` gives
    each new assignment's follow-up tasks and deadlines."""
    with Session(engine) as s, s.begin():
        ids = [r.case_id for r in routes]
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            s.execute(update(Assignment).where(col(Assignment.case_id).in_(chunk))
                      .values(is_current=False))
            s.execute(FollowUpTask.__table__.delete().where(  # type: ignore[attr-defined]
                col(FollowUpTask.case_id).in_(chunk), col(FollowUpTask.status) == "open"))
        for r in routes:
            a = Assignment(case_id=r.case_id, mediator_id=r.mediator_id,
                           co_agencies=r.co_agencies, reasons=r.reasons,
                           runners_up=r.runners_up, run_id=run_id, assigned_at=stamp)
            s.add(a)
            s.flush()
            for task, due in plan(r.case_id):
                s.add(FollowUpTask(case_id=r.case_id, assignment_id=a.id, kind=task,
                                   due_at=due, created_at=stamp))
