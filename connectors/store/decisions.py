"""Coordinators' decisions on routes, tasks and cases: confirm, reassign, reject a co-agency,
mark a task done, move a deadline, close, reopen. Each is stored with who, when and why, is
logged as a case event, and holds in every later run (the routing stage reads them back)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from connectors.store.access import now
from connectors.store.schema import Assignment, Case, CaseEvent, FollowUpTask
from triage.domain import CASE_OUTCOMES
from triage.routing import CaseToRoute, Eligibility, MediatorSpec


class DecisionError(ValueError):
    """A decision that cannot be taken as asked; the message says why, in Chinese."""


def _need(by: str, reason: str | None = None, reason_required: bool = False) -> None:
    if not by.strip():
        raise DecisionError("请用 --by 写明决定人")
    if reason_required and not (reason or "").strip():
        raise DecisionError("此项决定须写明理由（--reason）")


def _case(s: Session, case_id: str) -> Case:
    case = s.get(Case, case_id)
    if case is None:
        raise DecisionError(f"没有编号为 {case_id} 的案件")
    if case.status == "merged":
        raise DecisionError(f"案件 {case_id} 已并入 {case.merged_into}，请对 {case.merged_into} 操作")
    return case


def _current(s: Session, case_id: str) -> Assignment | None:
    return s.execute(select(Assignment).where(col(Assignment.case_id) == case_id,
                                              col(Assignment.is_current).is_(True))).scalar_one_or_none()


def _route(s: Session, case_id: str) -> Assignment:
    a = _current(s, case_id)
    if a is None:
        raise DecisionError(f"案件 {case_id} 尚未分派，请先运行一次（triage run）")
    return a


def _event(s: Session, kind: str, case_id: str, at: datetime, **detail: Any) -> None:
    s.add(CaseEvent(kind=kind, case_id=case_id, at=at, detail=detail))


def confirm(engine: Engine, case_id: str, by: str) -> Assignment:
    """The coordinator confirms the proposed mediator; later runs keep the route."""
    _need(by)
    stamp = now()
    with Session(engine) as s, s.begin():
        _case(s, case_id)
        a = _route(s, case_id)
        if a.mediator_id is None:
            raise DecisionError(f"案件 {case_id} 没有拟派调解员，请用 reassign 指定")
        a.status, a.decided_by, a.decided_at = "confirmed", by, stamp
        _event(s, "confirmed", case_id, stamp, by=by, to=a.mediator_id)
        s.flush()
        s.expunge(a)
        return a


def reassign(engine: Engine, case_id: str, mediator: MediatorSpec | None, by: str,
             reason: str, covers: bool | None = None) -> Assignment:
    """A coordinator's choice of mediator, with the reason; refused when the mediator does
    not take the case's level or its place (``covers``: whether the mediator's jurisdiction
    holds the case, worked out from the roster when not given)."""
    _need(by, reason, reason_required=True)
    if mediator is None:
        raise DecisionError("名册中没有这位调解员，请检查编号（data/rosters/mediators.csv）")
    stamp = now()
    with Session(engine) as s, s.begin():
        case = _case(s, case_id)
        level = case.risk_level or "蓝"
        if not mediator.takes(level):
            raise DecisionError(f"{mediator.name}可承接 {'、'.join(mediator.levels)} 色案件，"
                                f"本案为{level}色；请选择可承接的调解员或先调整等级")
        if covers is None:
            covers = mediator in Eligibility([mediator], now().date()).covering(CaseToRoute(
                case.id, case.village_code, case.town, case.dispute_type, level))
        if not covers:
            raise DecisionError(f"{mediator.name}不负责{case.village or case.town or '该地'}；"
                                "如确需跨属地指派，请先在名册中调整其负责范围")
        old = _current(s, case_id)
        if old is not None:
            old.is_current = False
        a = Assignment(case_id=case_id, mediator_id=mediator.mediator_id,
                       co_agencies=old.co_agencies if old else [],
                       reasons=[f"协调员 {by} 指派：{reason}"], runners_up=[],
                       status="confirmed", assigned_at=stamp, route_status="assigned",
                       level=level, route_reason="协调员改派", decided_by=by, decided_at=stamp,
                       decision_reason=reason,
                       rejected_agencies=old.rejected_agencies if old else None)
        s.add(a)
        _event(s, "reassigned", case_id, stamp, by=by, reason=reason,
               **{"from": old.mediator_id if old else None}, to=mediator.mediator_id)
        s.flush()
        s.expunge(a)
        return a


def reject_agency(engine: Engine, case_id: str, agency: str, by: str, reason: str) -> list[str]:
    """A co-agency the coordinator rules out for this case, in this and every later run."""
    _need(by, reason, reason_required=True)
    stamp = now()
    with Session(engine) as s, s.begin():
        _case(s, case_id)
        a = _route(s, case_id)
        if agency not in (a.co_agencies or []):
            have = "、".join(a.co_agencies or []) or "无"
            raise DecisionError(f"案件 {case_id} 的共调单位中没有 {agency}（现有：{have}）")
        a.co_agencies = [x for x in (a.co_agencies or []) if x != agency]
        a.rejected_agencies = sorted({*(a.rejected_agencies or []), agency})
        a.added_agencies = [x for x in (a.added_agencies or []) if x != agency] or None
        _event(s, "agency_rejected", case_id, stamp, by=by, reason=reason, agency=agency)
        return list(a.co_agencies)


def add_agency(engine: Engine, case_id: str, agency: str, by: str, reason: str,
               known: Sequence[str]) -> list[str]:
    """A co-agency the coordinator brings in for this case (one of ``known``, the agencies of
    the routing rules), kept by every later run."""
    _need(by, reason, reason_required=True)
    if agency not in known:
        raise DecisionError(f"未知的共调单位 {agency}；可选：{'、'.join(known)}")
    stamp = now()
    with Session(engine) as s, s.begin():
        _case(s, case_id)
        a = _route(s, case_id)
        if agency in (a.co_agencies or []):
            raise DecisionError(f"{agency} 已是案件 {case_id} 的共调单位")
        a.co_agencies = sorted({*(a.co_agencies or []), agency})
        a.added_agencies = sorted({*(a.added_agencies or []), agency})
        a.rejected_agencies = [x for x in (a.rejected_agencies or []) if x != agency] or None
        _event(s, "agency_added", case_id, stamp, by=by, reason=reason, agency=agency)
        return list(a.co_agencies)


def close(engine: Engine, case_id: str, outcome: str, by: str, note: str | None = None) -> None:
    """Close a case with its outcome; a later lead on it opens it again (and says so)."""
    _need(by)
    if outcome not in CASE_OUTCOMES:
        raise DecisionError(f"结案结果须为：{'、'.join(CASE_OUTCOMES)}")
    stamp = now()
    with Session(engine) as s, s.begin():
        case = _case(s, case_id)
        if case.status == "closed":
            raise DecisionError(f"案件 {case_id} 已于 {case.closed_at:%Y-%m-%d} 结案（{case.outcome}）")
        case.status, case.outcome, case.closed_at, case.closed_by, case.close_note = (
            "closed", outcome, stamp, by, note)
        _event(s, "closed", case_id, stamp, by=by, outcome=outcome, reason=note)


def reopen(engine: Engine, case_id: str, by: str, reason: str) -> None:
    _need(by, reason, reason_required=True)
    stamp = now()
    with Session(engine) as s, s.begin():
        case = _case(s, case_id)
        if case.status != "closed":
            raise DecisionError(f"案件 {case_id} 未结案，无需重新打开")
        case.status, case.outcome, case.closed_at, case.closed_by, case.close_note = (
            "open", None, None, None, None)
        _event(s, "reopened", case_id, stamp, by=by, reason=reason)


def task_done(engine: Engine, task_id: int, by: str, note: str | None = None) -> FollowUpTask:
    _need(by)
    stamp = now()
    with Session(engine) as s, s.begin():
        t = s.get(FollowUpTask, task_id)
        if t is None:
            raise DecisionError(f"没有编号为 {task_id} 的跟进任务")
        if t.status == "done":
            raise DecisionError(f"任务 {task_id} 已于 {t.done_at:%Y-%m-%d %H:%M} 由 {t.done_by} 完成")
        t.status, t.done_at, t.done_by, t.note = "done", stamp, by, note
        _event(s, "task_done", t.case_id, stamp, by=by, task=t.kind, reason=note)
        s.flush()
        s.expunge(t)
        return t


def move_due(engine: Engine, task_id: int, due_at: datetime, by: str, reason: str) -> None:
    """Only a coordinator moves a deadline, and says why."""
    _need(by, reason, reason_required=True)
    stamp = now()
    with Session(engine) as s, s.begin():
        t = s.get(FollowUpTask, task_id)
        if t is None:
            raise DecisionError(f"没有编号为 {task_id} 的跟进任务")
        before = t.due_at
        t.due_at, t.due_set_by, t.due_reason = due_at, by, reason
        _event(s, "due_moved", t.case_id, stamp, by=by, reason=reason, task=t.kind,
               **{"from": f"{before:%Y-%m-%d %H:%M}"}, to=f"{due_at:%Y-%m-%d %H:%M}")


def case_events(engine: Engine, case_id: str) -> Sequence[CaseEvent]:
    with Session(engine) as s:
        rows = s.execute(select(CaseEvent).where(col(CaseEvent.case_id) == case_id)
                         .order_by(col(CaseEvent.at), col(CaseEvent.id))).scalars().all()
        for r in rows:
            s.expunge(r)
        return rows
