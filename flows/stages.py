"""The pipeline's stages as plain functions: read the store, call the core, write back.

No Prefect here, so every stage runs and is tested on its own; ``flows.nightly``
wraps them as tasks with retries, logging and artifacts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select, update
from sqlmodel import Session, col

from connectors import dropfolder
from connectors.ingest import FileOutcome, ingest_file
from connectors.ledger import write_outputs
from connectors.store import Resources, leads_frame, now, read_frame, upsert
from triage.canonical import NormalizeContext
from triage.frames import records
from triage.linking import group_persons, link_leads
from triage.models import (
    RISK_LEVELS,
    Alert,
    Assignment,
    Case,
    CaseEvent,
    CaseLink,
    FollowUpTask,
    Lead,
    Mediator,
    Person,
    RiskAssessment,
)
from triage.risk import RiskScorer, effective_level
from triage.routing import CaseToRoute, follow_up_plan, route_cases


def normalize_context(res: Resources) -> NormalizeContext:
    cfg = res.config
    return NormalizeContext(cfg.gazetteer, cfg.categories, cfg.default_area_code, cfg.jurisdiction)


@dataclass
class IngestSummary:
    files: list[dict[str, Any]] = field(default_factory=list)
    rows_in: int = 0
    leads_new: int = 0
    leads_updated: int = 0
    leads_unchanged: int = 0
    rejected: int = 0
    quarantined: int = 0
    duplicates: int = 0
    new_lead_ids: list[int] = field(default_factory=list)

    def add(self, out: FileOutcome, where: Path | None) -> None:
        self.files.append({
            "file": out.path.name, "status": out.status, "source": out.source,
            "rows_in": out.rows_in, "leads_new": out.leads_new,
            "leads_updated": out.leads_updated, "leads_unchanged": out.leads_unchanged,
            "rejected": out.rejected, "reason": out.reason, "moved_to": str(where or ""),
        })
        self.rows_in += out.rows_in
        self.leads_new += out.leads_new
        self.leads_updated += out.leads_updated
        self.leads_unchanged += out.leads_unchanged
        self.rejected += out.rejected
        self.quarantined += out.status == "quarantined"
        self.duplicates += out.status == "duplicate"
        self.new_lead_ids.extend(out.new_lead_ids)

    @property
    def balanced(self) -> bool:
        return self.rows_in == (self.leads_new + self.leads_updated + self.leads_unchanged
                                + self.rejected)


def ingest_paths(
    res: Resources, paths: Sequence[Path], source: str | None = None, run_id: int | None = None,
    *, move: bool = False,
) -> IngestSummary:
    """Ingest files; with ``move`` (the drop folder), file them as processed or quarantined."""
    summary = IngestSummary()
    ctx = normalize_context(res)
    specs = list(res.config.specs.values())
    for path in paths:
        out = ingest_file(res.engine, path, specs, ctx, source_hint=source, run_id=run_id)
        where: Path | None = None
        if move and out.status == "quarantined":
            where = dropfolder.quarantine(res.settings, path, out.reason or "", out.headers_found,
                                          specs)
        elif move:
            where = dropfolder.move_processed(res.settings, path, out.source)
        summary.add(out, where)
    return summary


def ingest_inbox(res: Resources, run_id: int | None = None) -> IngestSummary:
    """Ingest everything waiting in the drop folder."""
    summary = IngestSummary()
    for path, hint in dropfolder.pending_files(res.settings):
        part = ingest_paths(res, [path], hint, run_id, move=True)
        for f in part.files:
            f["folder_hint"] = hint
        _merge(summary, part)
    return summary


def _merge(into: IngestSummary, part: IngestSummary) -> None:
    into.files.extend(part.files)
    for name in ("rows_in", "leads_new", "leads_updated", "leads_unchanged", "rejected",
                 "quarantined", "duplicates"):
        setattr(into, name, getattr(into, name) + getattr(part, name))
    into.new_lead_ids.extend(part.new_lead_ids)


def link_stage(res: Resources, run_id: int | None = None) -> dict[str, int]:
    """Group leads into cases and reporters into persons; persist with evidence."""
    leads = leads_frame(res.engine)
    if leads.empty:
        return {"cases": 0, "created": 0, "merged": 0}
    previous_df = read_frame(res.engine, select(CaseLink.lead_id, CaseLink.case_id))  # type: ignore[call-overload]
    previous = dict(zip(previous_df["lead_id"].astype(int), previous_df["case_id"], strict=True))
    result = link_leads(leads, previous)
    stamp = now()
    leads = leads.assign(case_id=leads["id"].astype(int).map(result.case_of))
    with Session(res.engine) as s, s.begin():
        cases = _case_rows(leads, run_id, stamp)
        upsert(s, Case, cases, ["id"], update=[c for c in cases[0] if c not in
                                               ("id", "created_at", "created_run_id",
                                                "risk_level", "risk_score")])
        changed = [
            {"lead_id": lid, "case_id": cid, "score": 1.0, "method": "auto",
             "evidence": result.evidence.get(lid) or None, "run_id": run_id, "linked_at": stamp}
            for lid, cid in result.case_of.items() if previous.get(lid) != cid
        ]
        upsert(s, CaseLink, changed, ["lead_id"])
        merged = [e for e in result.events if e["kind"] == "merged"]
        for e in merged:
            s.execute(update(Case).where(Case.id == e["other_case_id"]).values(  # type: ignore[arg-type]
                status="merged", merged_into=e["case_id"], updated_at=stamp))
        if result.events:
            s.execute(CaseEvent.__table__.insert(), [  # type: ignore[attr-defined]
                {**e, "run_id": run_id, "at": stamp, "detail": None} for e in result.events])
        _persist_persons(s, leads, stamp)
    kinds = Counter(e["kind"] for e in result.events)
    return {"cases": int(leads["case_id"].nunique()), "created": kinds["created"],
            "merged": kinds["merged"], "split": kinds["split"]}


def _case_rows(leads: pd.DataFrame, run_id: int | None, stamp: Any) -> list[dict[str, Any]]:
    rows = []
    for cid, group in leads.sort_values("reported_at").groupby("case_id", sort=False):
        types = group["dispute_type"][group["dispute_type"] != "其他"]
        located = group.dropna(subset=["village_code"])
        place = located.iloc[-1] if not located.empty else group.iloc[-1]
        rows.append({
            "id": cid, "status": "open", "merged_into": None,
            "dispute_type": types.mode().iloc[0] if not types.empty else "其他",
            "district": place["district"], "town": place["town"], "village": place["village"],
            "village_code": place["village_code"], "lead_count": len(group),
            "sources": sorted(set(group["source"])),
            "first_reported_at": group["reported_at"].min().to_pydatetime(),
            "last_reported_at": group["reported_at"].max().to_pydatetime(),
            "created_run_id": run_id, "created_at": stamp, "updated_at": stamp,
        })
    return rows


def _persist_persons(s: Session, leads: pd.DataFrame, stamp: Any) -> None:
    groups = group_persons(leads)
    members: dict[int, list[int]] = {}
    for lid, rep in groups.items():
        members.setdefault(rep, []).append(lid)
    person_of = leads.set_index(leads["id"].astype(int))["person_id"]
    by_id = leads.set_index(leads["id"].astype(int))
    for lids in members.values():
        known = sorted({int(p) for p in person_of.loc[lids].dropna()})
        if known:
            pid = known[0]
        else:
            first = by_id.loc[lids[0]]
            person = Person(
                name=None if first["reporter_name_masked"] else str(first["reporter_name"] or "") or None,
                id_number=next((r for r, v in zip(by_id.loc[lids, "reporter_id"],
                                                  by_id.loc[lids, "reporter_id_valid"],
                                                  strict=True) if v is True), None),
                phones=sorted({p for ps in by_id.loc[lids, "phones"] if isinstance(ps, list)
                               for p in ps if "*" not in p}) or None,
                created_at=stamp, updated_at=stamp)
            s.add(person)
            s.flush()
            assert person.id is not None
            pid = person.id
        stale = [lid for lid in lids if person_of.loc[lid] != pid]
        if stale:
            s.execute(update(Lead).where(col(Lead.id).in_(stale)).values(person_id=pid))  # type: ignore[attr-defined]


def score_stage(res: Resources, run_id: int | None = None,
                new_lead_ids: Sequence[int] = ()) -> dict[str, int]:
    """Assess every open case; alert when a new lead touches an open high-risk case."""
    leads = leads_frame(res.engine)
    links = read_frame(res.engine, select(CaseLink.lead_id, CaseLink.case_id))  # type: ignore[call-overload]
    if links.empty:
        return {}
    leads = leads.merge(links, left_on="id", right_on="lead_id")
    current = read_frame(res.engine, select(  # type: ignore[call-overload]
        RiskAssessment.case_id, RiskAssessment.level, RiskAssessment.override_level,
        RiskAssessment.override_by, RiskAssessment.override_reason,
    ).where(RiskAssessment.is_current == True))  # noqa: E712
    before = {r["case_id"]: r for r in records(current)}
    scorer = RiskScorer(res.config.risk)
    stamp = now()
    rows, case_updates = [], []
    new_ids = set(new_lead_ids)
    alerts = []
    for cid, group in leads.groupby("case_id"):
        rows_of_case = records(group)
        a = scorer.score(rows_of_case)
        prev = before.get(cid, {})
        override = prev.get("override_level") or None
        level = effective_level(a.level, override)
        rows.append({"case_id": cid, "run_id": run_id, "level": level, "score": a.score,
                     "computed_level": a.level, "signals": a.signals,
                     "override_level": override, "override_by": prev.get("override_by"),
                     "override_reason": prev.get("override_reason"), "is_current": True,
                     "assessed_at": stamp})
        case_updates.append({"id": cid, "risk_level": level, "risk_score": a.score})
        fresh = [r for r in rows_of_case if int(r["id"]) in new_ids]
        was = prev.get("level")
        if fresh and was in ("红", "橙"):
            alerts.append({
                "case_id": cid, "lead_id": int(fresh[0]["id"]), "level": level,
                "kind": "高风险案件新线索",
                "message": f"{was}色案件 {cid} 新增 {len(fresh)} 条线索（{_sources(fresh)}），"
                           f"当前等级 {level}", "run_id": run_id, "created_at": stamp})
    with Session(res.engine) as s, s.begin():
        s.execute(update(RiskAssessment).where(RiskAssessment.is_current == True)  # type: ignore[arg-type]  # noqa: E712
                  .values(is_current=False))
        s.execute(RiskAssessment.__table__.insert(), rows)  # type: ignore[attr-defined]
        for u in case_updates:
            s.execute(update(Case).where(Case.id == u["id"]).values(  # type: ignore[arg-type]
                risk_level=u["risk_level"], risk_score=u["risk_score"]))
        if alerts:
            s.execute(Alert.__table__.insert(), alerts)  # type: ignore[attr-defined]
    counts = Counter(r["level"] for r in rows)
    return {**{lvl: counts.get(lvl, 0) for lvl in reversed(RISK_LEVELS)}, "alerts": len(alerts)}


def _sources(records: Sequence[dict[str, Any]]) -> str:
    from triage.risk import SOURCE_LABELS

    return "、".join(sorted({SOURCE_LABELS.get(r["source"], r["source"]) for r in records}))


def route_stage(res: Resources, run_id: int | None = None) -> dict[str, int]:
    """Route cases whose level or membership changed, and plan follow-ups for 红/橙."""
    cases = read_frame(res.engine, select(Case).where(col(Case.status) == "open"))  # type: ignore[call-overload]
    if cases.empty:
        return {"routed": 0}
    assess = read_frame(res.engine, select(RiskAssessment.case_id, RiskAssessment.signals)  # type: ignore[call-overload]
                        .where(RiskAssessment.is_current == True))  # noqa: E712
    signals = {r["case_id"]: tuple(s["signal"] for s in (r["signals"] or []))
               for r in records(assess)}
    leads = leads_frame(res.engine, ("id", "description"))
    links = read_frame(res.engine, select(CaseLink.lead_id, CaseLink.case_id))  # type: ignore[call-overload]
    texts = (leads.merge(links, left_on="id", right_on="lead_id")
             .groupby("case_id")["description"].apply(lambda d: "。".join(x for x in d if x)))
    current = read_frame(res.engine, select(  # type: ignore[call-overload]
        Assignment.case_id, Assignment.mediator_id, Assignment.status
    ).where(Assignment.is_current == True))  # noqa: E712
    confirmed = set(current.loc[current["status"] == "confirmed", "case_id"]) if not current.empty \
        else set()
    load = Counter(current["mediator_id"].dropna()) if not current.empty else Counter()
    to_route = [
        CaseToRoute(r["id"], r["village_code"], r["town"], r["dispute_type"],
                    r["risk_level"] or "蓝", signals.get(r["id"], ()), texts.get(r["id"], ""))
        for r in records(cases) if r["id"] not in confirmed
    ]
    for c in to_route:  # re-routing: a case's own proposed assignment does not count as load
        prev = current.loc[current["case_id"] == c.case_id, "mediator_id"] if not current.empty \
            else pd.Series(dtype=str)
        for mid in prev.dropna():
            load[mid] -= 1
    routes = route_cases(to_route, res.config.mediators, res.config.routing, load)
    level_of = {c.case_id: c.level for c in to_route}
    stamp = now()
    with Session(res.engine) as s, s.begin():
        ids = [r.case_id for r in routes]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            s.execute(update(Assignment).where(Assignment.case_id.in_(chunk))  # type: ignore[attr-defined]
                      .values(is_current=False))
            s.execute(FollowUpTask.__table__.delete().where(  # type: ignore[attr-defined]
                FollowUpTask.case_id.in_(chunk), FollowUpTask.status == "open"))  # type: ignore[attr-defined]
        for r in routes:
            a = Assignment(case_id=r.case_id, mediator_id=r.mediator_id,
                           co_agencies=r.co_agencies, reasons=r.reasons,
                           runners_up=r.runners_up, run_id=run_id, assigned_at=stamp)
            s.add(a)
            s.flush()
            for task, due in follow_up_plan(level_of[r.case_id], stamp, res.config.routing):
                s.add(FollowUpTask(case_id=r.case_id, assignment_id=a.id, kind=task,
                                   due_at=due, created_at=stamp))
    unrouted = sum(1 for r in routes if r.mediator_id is None)
    return {"routed": len(routes) - unrouted, "unrouted": unrouted}


def share_stage(res: Resources, run_id: int | None = None,
                summary: dict[str, Any] | None = None) -> list[Path]:
    """Write ledgers, mediator work lists and the briefing into the outputs folder."""
    mediators = read_frame(res.engine, select(Mediator.id, Mediator.name,  # type: ignore[call-overload]
                                              Mediator.organization))
    return write_outputs(res.engine, res.settings.outputs, res.config.masking, mediators,
                         summary or {})


def summary_dict(ingest: IngestSummary) -> dict[str, Any]:
    d = asdict(ingest)
    d.pop("new_lead_ids")
    d["balanced"] = ingest.balanced
    return d
