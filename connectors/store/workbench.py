"""What the workbench pages read: today's work, one case whole, search, mediators, runs.

Each query reads only what its page shows, by index (case id, current flags), so a
page stays quick with a hundred thousand cases in the store.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Integer, Text, func, or_, select
from sqlmodel import Session, col

from connectors.store.access import now, read_frame, select_columns
from connectors.store.schema import (
    Alert,
    AlertDelivery,
    Assignment,
    Case,
    CaseEvent,
    CaseLink,
    FollowUpTask,
    Lead,
    LinkReview,
    Mediator,
    MediatorLeave,
    RiskAssessment,
    Run,
)
from connectors.store.sharing import LEAD_FIELDS
from triage.domain import SOURCE_LABELS

CASE_FIELDS = ("id", "status", "dispute_type", "town", "village", "lead_count", "sources",
               "first_reported_at", "last_reported_at", "risk_level", "risk_score", "outcome",
               "closed_at", "closed_by", "close_note", "created_at")


@dataclass(frozen=True)
class Scope:
    """Which cases a user may see: everything, a mediator's, or an agency's."""

    mediator_id: str | None = None
    agency: str | None = None  # a source: police, womens_federation …

    def cases(self) -> Any:
        """A select of the case ids in scope, or None for every case."""
        if self.mediator_id:
            return select(col(Assignment.case_id)).where(
                col(Assignment.is_current).is_(True), col(Assignment.mediator_id) == self.mediator_id)
        if self.agency:
            label = SOURCE_LABELS.get(self.agency, self.agency)
            reported = select(col(CaseLink.case_id)).join(Lead, col(Lead.id) == col(CaseLink.lead_id)) \
                .where(col(Lead.source) == self.agency)
            # co-agency lists are JSON: a case whose current route names the agency
            named = select(col(Assignment.case_id)).where(
                col(Assignment.is_current).is_(True),
                func.coalesce(func.cast(col(Assignment.co_agencies), Text()), "").like(f'%"{label}"%'))
            return reported.union(named)
        return None

    def allows(self, engine: Engine, case_id: str) -> bool:
        stmt = self.cases()
        if stmt is None:
            return True
        with Session(engine) as s:
            sub = stmt.subquery()
            return s.execute(select(func.count()).select_from(sub).where(
                sub.c[0] == case_id)).scalar_one() > 0


def _in_scope(stmt: Any, scope: Scope, column: Any) -> Any:
    cases = scope.cases()
    return stmt if cases is None else stmt.where(column.in_(cases))


def today(engine: Engine, scope: Scope, at: datetime | None = None, days: int = 1) -> dict[str, pd.DataFrame]:
    """New 红 and 橙 cases, alerts with their deliveries, overdue follow-ups, referred cases."""
    at = at or now()
    since = at - timedelta(days=days)
    high = read_frame(engine, _in_scope(
        select(col(Case.id), col(Case.risk_level), col(Case.dispute_type), col(Case.town),
               col(Case.village), col(Case.last_reported_at), col(RiskAssessment.level_since))
        .join(RiskAssessment, (col(RiskAssessment.case_id) == col(Case.id))
              & col(RiskAssessment.is_current).is_(True))
        .where(col(Case.status) == "open", col(Case.risk_level).in_(["红", "橙"]),
               or_(col(RiskAssessment.level_since) >= since, col(Case.created_at) >= since))
        .order_by(col(Case.risk_level).desc(), col(Case.risk_score).desc()).limit(200),
        scope, col(Case.id)))
    alerts = read_frame(engine, _in_scope(
        select(col(Alert.id), col(Alert.case_id), col(Alert.level), col(Alert.kind),
               col(Alert.created_at),
               func.sum(func.cast(col(AlertDelivery.status) == "delivered", Integer())).label("delivered"),
               func.count(col(AlertDelivery.id)).label("receivers"))
        .outerjoin(AlertDelivery, col(AlertDelivery.alert_id) == col(Alert.id))
        .where(col(Alert.created_at) >= since - timedelta(days=1))
        .group_by(col(Alert.id)).order_by(col(Alert.created_at).desc()).limit(100),
        scope, col(Alert.case_id)))
    overdue = read_frame(engine, _in_scope(
        select(col(FollowUpTask.id), col(FollowUpTask.case_id), col(FollowUpTask.kind),
               col(FollowUpTask.level), col(FollowUpTask.due_at))
        .join(Case, col(Case.id) == col(FollowUpTask.case_id))
        .where(col(FollowUpTask.status) == "open", col(FollowUpTask.due_at) < at,
               col(Case.status) == "open").order_by(col(FollowUpTask.due_at)).limit(200),
        scope, col(FollowUpTask.case_id)))
    referred = read_frame(engine, _in_scope(
        select(col(Assignment.case_id), col(Assignment.referred_to), col(Case.risk_level),
               col(Case.village))
        .join(Case, col(Case.id) == col(Assignment.case_id))
        .where(col(Assignment.is_current).is_(True), col(Assignment.route_status) == "referred",
               col(Case.status) == "open").limit(200),
        scope, col(Assignment.case_id)))
    return {"high": high, "alerts": alerts, "overdue": overdue, "referred": referred}


def review_count(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(LinkReview).where(
            col(LinkReview.status) == "pending")).scalar_one())


PER_CASE = 2  # pairs shown per case: one decision settles most of a case's other pairs


def reviews(engine: Engine, limit: int = 50) -> pd.DataFrame:
    """Pending pairs with both leads side by side, the ones whose decision changes most first:
    a pair touching a 红 or 橙 case, or joining cases of different levels, before a likelier
    pair of two quiet cases; at most ``PER_CASE`` pairs per case."""
    pairs = read_frame(engine, select_columns(LinkReview, "id", "lead_a", "lead_b", "score", "evidence")
                       .where(col(LinkReview.status) == "pending"))
    if pairs.empty:
        return pairs
    ids = set(pairs["lead_a"]) | set(pairs["lead_b"])
    leads = read_frame(engine, select(*(getattr(Lead, f) for f in LEAD_FIELDS), col(CaseLink.case_id),
                                      col(Case.risk_level))
                       .outerjoin(CaseLink, col(CaseLink.lead_id) == col(Lead.id))
                       .outerjoin(Case, col(Case.id) == col(CaseLink.case_id))
                       .where(col(Lead.id).in_(ids)))
    by_id = {int(r["id"]): r for r in leads.to_dict("records")}
    rank = {"红": 3, "橙": 2, "黄": 1, "蓝": 0}
    rows = []
    for p in pairs.to_dict("records"):
        a, b = by_id.get(int(p["lead_a"])), by_id.get(int(p["lead_b"]))
        if a and b and a["case_id"] != b["case_id"]:
            la, lb = rank.get(str(a["risk_level"]), 0), rank.get(str(b["risk_level"]), 0)
            rows.append({**p, "a": a, "b": b, "impact": 10 * max(la, lb) + 5 * (la != lb) + float(p["score"])})
    rows.sort(key=lambda r: -r["impact"])
    shown: dict[str, int] = {}
    out = []
    for r in rows:
        cases = (r["a"]["case_id"], r["b"]["case_id"])
        if any(shown.get(c, 0) >= PER_CASE for c in cases):
            continue
        for c in cases:
            shown[c] = shown.get(c, 0) + 1
        out.append(r)
        if len(out) >= limit:
            break
    return pd.DataFrame(out)


def case_detail(engine: Engine, case_id: str) -> dict[str, Any] | None:
    """One case whole: its row, leads, assessment, route, tasks, events and the people in it
    with their other cases."""
    case = read_frame(engine, select_columns(Case, *CASE_FIELDS).where(col(Case.id) == case_id))
    if case.empty:
        return None
    leads = read_frame(engine, select(*(getattr(Lead, f) for f in LEAD_FIELDS), col(Lead.person_id),
                                      col(CaseLink.case_id))
                       .join(CaseLink, col(CaseLink.lead_id) == col(Lead.id))
                       .where(col(CaseLink.case_id) == case_id).order_by(col(Lead.reported_at)))
    risk = read_frame(engine, select_columns(
        RiskAssessment, "level", "computed_level", "score", "signals", "explanation", "override_level",
        "override_by", "override_reason", "follow_up_by", "level_since").where(
        col(RiskAssessment.case_id) == case_id, col(RiskAssessment.is_current).is_(True)))
    route = read_frame(engine, select_columns(
        Assignment, "mediator_id", "co_agencies", "reasons", "runners_up", "status", "route_status",
        "referred_to", "decided_by", "decision_reason", "rejected_agencies", "added_agencies").where(
        col(Assignment.case_id) == case_id, col(Assignment.is_current).is_(True)))
    tasks = read_frame(engine, select_columns(
        FollowUpTask, "id", "kind", "level", "due_at", "status", "done_at", "done_by", "note").where(
        col(FollowUpTask.case_id) == case_id).order_by(col(FollowUpTask.due_at)))
    events = read_frame(engine, select_columns(CaseEvent, "kind", "other_case_id", "detail", "at")
                        .where(col(CaseEvent.case_id) == case_id).order_by(col(CaseEvent.at)))
    persons = [int(p) for p in leads["person_id"].dropna().unique()]
    others = read_frame(engine, select(col(Lead.person_id), col(CaseLink.case_id), col(Case.risk_level),
                                       col(Case.status), col(Case.dispute_type))
                        .join(CaseLink, col(CaseLink.lead_id) == col(Lead.id))
                        .join(Case, col(Case.id) == col(CaseLink.case_id))
                        .where(col(Lead.person_id).in_(persons), col(CaseLink.case_id) != case_id)
                        .distinct()) if persons else pd.DataFrame()
    return {"case": case.iloc[0].to_dict(), "leads": leads,
            "risk": risk.iloc[0].to_dict() if not risk.empty else None,
            "route": route.iloc[0].to_dict() if not route.empty else None,
            "tasks": tasks, "events": events, "others": others}


def search(engine: Engine, scope: Scope, q: str | None = None, village: str | None = None,
           level: str | None = None, on: date | None = None, limit: int = 200) -> pd.DataFrame:
    """Cases by number, village, level and report date, most severe first."""
    stmt = select_columns(Case, "id", "status", "risk_level", "dispute_type", "town", "village",
                          "lead_count", "last_reported_at")
    if q:
        stmt = stmt.where(col(Case.id).contains(q.strip().upper()))
    if village:
        stmt = stmt.where(col(Case.village).contains(village.strip()))
    if level:
        stmt = stmt.where(col(Case.risk_level) == level)
    if on:
        start = datetime.combine(on, datetime.min.time())
        stmt = stmt.where(col(Case.first_reported_at) < start + timedelta(days=1),
                          col(Case.last_reported_at) >= start)
    stmt = _in_scope(stmt, scope, col(Case.id)).order_by(col(Case.risk_score).desc()).limit(limit)
    return read_frame(engine, stmt)


def mediator_load(engine: Engine) -> pd.DataFrame:
    """Each mediator with open cases against capacity."""
    load = read_frame(engine, select(col(Assignment.mediator_id), func.count().label("open_cases"))
                      .join(Case, col(Case.id) == col(Assignment.case_id))
                      .where(col(Assignment.is_current).is_(True), col(Case.status) == "open",
                             col(Assignment.route_status) == "assigned")
                      .group_by(col(Assignment.mediator_id)))
    meds = read_frame(engine, select_columns(Mediator, "id", "name", "organization", "town", "capacity",
                                             "active", "leave"))
    out = meds.merge(load.rename(columns={"mediator_id": "id"}), on="id", how="left")
    out["open_cases"] = out["open_cases"].fillna(0).astype(int)
    return out.sort_values(["town", "organization", "id"])


def web_leave(engine: Engine, mediator_ids: Collection[str] | None = None) -> dict[str, list[tuple[date, date]]]:
    """Leave marked on the workbench, per mediator."""
    stmt = select_columns(MediatorLeave, "mediator_id", "first_day", "last_day")
    if mediator_ids is not None:
        stmt = stmt.where(col(MediatorLeave.mediator_id).in_(list(mediator_ids)))
    out: dict[str, list[tuple[date, date]]] = {}
    for r in read_frame(engine, stmt).to_dict("records"):
        out.setdefault(str(r["mediator_id"]), []).append(
            (pd.Timestamp(r["first_day"]).date(), pd.Timestamp(r["last_day"]).date()))
    return out


def add_leave(engine: Engine, mediator_id: str, first: date, last: date, by: str,
              reason: str | None) -> None:
    with Session(engine) as s, s.begin():
        if s.get(Mediator, mediator_id) is None:
            raise ValueError(f"名册中没有调解员 {mediator_id}")
        if last < first:
            raise ValueError("休假结束日期早于开始日期")
        s.add(MediatorLeave(mediator_id=mediator_id, first_day=first, last_day=last, by=by,
                            reason=reason, at=now()))


def recent_runs(engine: Engine, n: int = 20) -> pd.DataFrame:
    return read_frame(engine, select_columns(Run, "id", "kind", "started_at", "finished_at", "status",
                                             "counts").order_by(col(Run.id).desc()).limit(n))
