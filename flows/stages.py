"""The pipeline's stages as plain functions: read the store, call the core, write back.

No Prefect here, so every stage runs and is tested on its own; ``flows.nightly``
wraps them as tasks with retries, logging and artifacts.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select, update
from sqlmodel import Session, col

from connectors.outputs.ledger import write_outputs
from connectors.resources import Resources
from connectors.sources import dropfolder, http
from connectors.sources.ingest import FileOutcome, Ingestor
from connectors.store.access import leads_frame, now, read_frame
from connectors.store.schema import (
    Alert,
    Assignment,
    Case,
    CaseLink,
    FollowUpTask,
    Mediator,
    RiskAssessment,
)
from triage.domain import RISK_LEVELS, SOURCE_LABELS
from triage.frames import records
from triage.normalize.lead import NormalizeContext
from triage.risk import RiskScorer, effective_level
from triage.routing import CaseToRoute, follow_up_plan, route_cases

log = logging.getLogger(__name__)


def normalize_context(res: Resources) -> NormalizeContext:
    cfg = res.config
    return NormalizeContext(cfg.gazetteer, cfg.categories, cfg.default_area_code, cfg.jurisdiction)


def ingestor(res: Resources, run_id: int | None = None) -> Ingestor:
    """An ``Ingestor`` with the deployment's sources, normalization and limits."""
    return Ingestor(res.engine, list(res.config.specs.values()), normalize_context(res),
                    res.config.ingest, run_id=run_id)


@dataclass
class IngestSummary:
    """What one ingest did: per file (or HTTP page) and in total; rows in = leads + rejected."""

    files: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)  # HTTP sources pulled
    rows_in: int = 0
    leads_new: int = 0
    leads_updated: int = 0
    leads_unchanged: int = 0
    rejected: int = 0
    quarantined: int = 0
    duplicates: int = 0
    failed: int = 0
    new_lead_ids: list[int] = field(default_factory=list)

    def add(self, out: FileOutcome, where: Path | None) -> None:
        self.files.append({
            "file": out.path.name, "kind": out.kind, "status": out.status, "source": out.source,
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
        self.failed += out.status == "failed"
        self.new_lead_ids.extend(out.new_lead_ids)

    def merge(self, part: IngestSummary) -> None:
        self.files.extend(part.files)
        self.sources.extend(part.sources)
        for name in ("rows_in", "leads_new", "leads_updated", "leads_unchanged", "rejected",
                     "quarantined", "duplicates", "failed"):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        self.new_lead_ids.extend(part.new_lead_ids)

    @property
    def balanced(self) -> bool:
        return self.rows_in == (self.leads_new + self.leads_updated + self.leads_unchanged
                                + self.rejected)


def _ingest_one(ing: Ingestor, path: Path, hint: str | None) -> FileOutcome:
    """One file; a failure that is not the file's fault (database down, a bug) is
    reported as failed and leaves the file where it is, for the next run."""
    try:
        return ing.ingest_file(path, hint)
    except Exception as exc:
        log.exception("导入文件失败 %s", path.name)
        return FileOutcome(path, "failed", reason=f"导入失败（文件保留在原处，下次运行重试）: "
                                                  f"{type(exc).__name__}: {exc}"[:500])


def ingest_paths(
    res: Resources, paths: Sequence[Path], source: str | None = None, run_id: int | None = None,
    *, move: bool = False, hints: Sequence[str | None] | None = None,
) -> IngestSummary:
    """Ingest files; with ``move`` (the drop folder), file them as processed or quarantined.

    A bad file never stops the others: it is quarantined (or, if the failure is not
    the file's fault, reported as failed) and the next file goes on.
    """
    summary = IngestSummary()
    specs = list(res.config.specs.values())
    with ingestor(res, run_id) as ing:
        for i, path in enumerate(paths):
            hint = hints[i] if hints is not None else source
            out = _ingest_one(ing, path, hint)
            where: Path | None = None
            if move and out.status == "quarantined":
                where = dropfolder.quarantine(res.settings, path, out.reason or "",
                                              out.headers_found, specs)
            elif move and out.status in ("ingested", "duplicate"):
                where = dropfolder.move_processed(res.settings, path, out.source)
            summary.add(out, where)
            if hints is not None:
                summary.files[-1]["folder_hint"] = hint
    return summary


def ingest_inbox(res: Resources, run_id: int | None = None) -> IngestSummary:
    """Ingest everything waiting in the drop folder."""
    pending = dropfolder.pending_files(res.settings)
    return ingest_paths(res, [p for p, _ in pending], None, run_id, move=True,
                        hints=[h for _, h in pending])


def pull_http_sources(
    res: Resources, run_id: int | None = None, names: Sequence[str] | None = None,
) -> IngestSummary:
    """Pull the HTTP sources of ``data/config/http_sources.toml`` (or those ``names``).

    Every page counts like a file (rows in = leads + rejected); a source that fails is
    listed with its error and the others go on.
    """
    summary = IngestSummary()
    sources = [s for s in res.config.http_sources if names is None or s.name in names]
    if not sources:
        return summary
    with ingestor(res, run_id) as ing:
        for result in http.pull_all(ing, sources):
            for out in result.outcomes:
                summary.add(out, None)
                summary.files[-1]["http_source"] = result.name
            summary.sources.append(result.as_dict())
            if result.status != "ok":
                log.warning("接口来源 %s 拉取失败: %s", result.name, result.error)
    return summary


def ingest_all(res: Resources, run_id: int | None = None) -> IngestSummary:
    """The ingest stage: the drop folder, then the HTTP sources."""
    summary = ingest_inbox(res, run_id)
    summary.merge(pull_http_sources(res, run_id))
    return summary


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
