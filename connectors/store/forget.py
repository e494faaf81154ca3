"""Forgetting a person: their leads, raw rows, versions, links and quotes leave the store.

One transaction. Cases left with no lead are deleted with everything hung on
them; cases that keep other leads keep their ids, get their type, place and
counts from the leads that remain, and lose every quote of the forgotten leads
from their risk signals. The link index is cleaned by ``link_files`` and
``LinkIndex.without`` (see ``flows.forget``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, delete, or_, select, update
from sqlmodel import Session, col

from connectors.store.access import now, select_columns
from connectors.store.linking import LINK_COLUMNS
from connectors.store.schema import (
    Alert,
    Assignment,
    Case,
    CaseEvent,
    CaseLink,
    FollowUpTask,
    Lead,
    LeadVersion,
    LinkReview,
    Person,
    RawRow,
    RawRowRepeat,
    RejectedRow,
    RiskAssessment,
    SourceFile,
)
from triage.link.cases import case_summaries
from triage.risk import signals_without

FORGOTTEN_EXPLANATION = "（涉及已删除人员的线索，风险说明将在下次运行时重新生成）"

_CHUNK = 500


@dataclass
class Forgotten:
    """What forgetting one person removed."""

    person_id: int
    lead_ids: list[int] = field(default_factory=list)
    raw_rows: int = 0
    cases_deleted: list[str] = field(default_factory=list)
    cases_kept: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # exports that held their records


def persons_with_id_number(engine: Engine, id_number: str) -> list[int]:
    """The persons whose ID number this is (on the person, or on any of their leads)."""
    with Session(engine) as s:
        direct = s.execute(select(col(Person.id)).where(col(Person.id_number) == id_number))
        via = s.execute(select(col(Lead.person_id)).where(
            col(Lead.reporter_id) == id_number, col(Lead.person_id).is_not(None)))
        return sorted({int(i) for i in [*direct.scalars(), *via.scalars()] if i is not None})


def forget_person(engine: Engine, person_id: int) -> Forgotten:
    """Delete the person and every lead of theirs, with all that was derived from them.

    Their leads are those linked to them, and those not linked yet (ingested since the
    last linking run) that carry their valid ID number.
    """
    out = Forgotten(person_id)
    with Session(engine) as s, s.begin():
        person = s.get(Person, person_id)
        if person is None:
            raise LookupError(f"没有编号为 {person_id} 的人员")
        mine = col(Lead.person_id) == person_id
        if person.id_number:
            mine = or_(mine, col(Lead.person_id).is_(None) & (col(Lead.reporter_id) == person.id_number)
                       & col(Lead.reporter_id_valid).is_(True))
        leads = s.execute(select(col(Lead.id), col(Lead.raw_row_id), col(Lead.file_id)).where(mine)).all()
        out.lead_ids = ids = sorted(int(lead[0]) for lead in leads)
        raw = {int(lead[1]) for lead in leads if lead[1] is not None}
        files = {int(lead[2]) for lead in leads if lead[2] is not None}
        cases: set[str] = set()
        for part in _chunks(ids):
            repeats = select(col(RawRowRepeat.raw_row_id)).where(col(RawRowRepeat.lead_id).in_(part))
            for rid, fid in s.execute(select(col(RawRow.id), col(RawRow.file_id)).where(
                    col(RawRow.id).in_(repeats))).all():
                raw.add(int(rid))
                files.add(int(fid))
            raw.update(int(r) for r in s.execute(select(col(LeadVersion.raw_row_id)).where(
                col(LeadVersion.lead_id).in_(part), col(LeadVersion.raw_row_id).is_not(None))).scalars())
            cases.update(s.execute(select(col(CaseLink.case_id)).where(
                col(CaseLink.lead_id).in_(part))).scalars())
            s.execute(delete(RawRowRepeat).where(col(RawRowRepeat.lead_id).in_(part)))
            s.execute(delete(LinkReview).where(or_(col(LinkReview.lead_a).in_(part),
                                                   col(LinkReview.lead_b).in_(part))))
            s.execute(delete(Alert).where(col(Alert.lead_id).in_(part)))
            s.execute(delete(CaseLink).where(col(CaseLink.lead_id).in_(part)))
            s.execute(delete(LeadVersion).where(col(LeadVersion.lead_id).in_(part)))
            s.execute(delete(Lead).where(col(Lead.id).in_(part)))
        for part in _chunks(sorted(raw)):
            s.execute(delete(RejectedRow).where(col(RejectedRow.raw_row_id).in_(part)))
            s.execute(delete(RawRow).where(col(RawRow.id).in_(part)))
        out.raw_rows = len(raw)
        out.files = sorted(s.execute(select(col(SourceFile.name)).where(
            col(SourceFile.id).in_(sorted(files)))).scalars())
        s.execute(delete(Person).where(col(Person.id) == person_id))
        # person rows whose leads all went to another person when two groups merged: the
        # same people's names and numbers, with no lead left to reach them by
        s.execute(delete(Person).where(col(Person.id).not_in(
            select(col(Lead.person_id)).where(col(Lead.person_id).is_not(None)))))
        s.flush()
        _settle_cases(s, sorted(cases), ids, out)
    return out


def _settle_cases(s: Session, cases: Sequence[str], gone: Sequence[int], out: Forgotten) -> None:
    """Cases the forgotten leads were in: deleted if empty, else summarized anew without them."""
    if not cases:
        return
    stamp = now()
    links = _frame(s, select_columns(CaseLink, "lead_id", "case_id")
                   .where(col(CaseLink.case_id).in_(cases)))
    kept = set(links["case_id"])
    empty = [c for c in cases if c not in kept]
    related = _related_cases(s, set(cases))  # before the empty ones' events go
    if empty:
        for model in (FollowUpTask, Alert, Assignment, RiskAssessment):
            s.execute(delete(model).where(col(model.case_id).in_(empty)))  # type: ignore[attr-defined]
        s.execute(delete(CaseEvent).where(or_(col(CaseEvent.case_id).in_(empty),
                                              col(CaseEvent.other_case_id).in_(empty))))
        s.execute(update(Case).where(col(Case.merged_into).in_(empty)).values(merged_into=None))
        s.execute(delete(Case).where(col(Case.id).in_(empty)))
    out.cases_deleted = empty
    out.cases_kept = sorted(kept)
    _clean_quotes(s, [c for c in related if c not in empty], gone)
    if not kept:
        return
    leads = _frame(s, select_columns(Lead, *LINK_COLUMNS)
                   .where(col(Lead.id).in_(links["lead_id"].astype(int).tolist())))
    leads = leads.merge(links, left_on="id", right_on="lead_id")
    for summary in case_summaries(leads):
        s.execute(update(Case).where(col(Case.id) == summary.pop("id")).values(
            **summary, updated_at=stamp))


def _related_cases(s: Session, cases: set[str]) -> list[str]:
    """These cases and every case merged into or split from them, at any remove: earlier
    assessments of those may quote the forgotten leads too."""
    found, todo = set(cases), set(cases)
    while todo:
        part = sorted(todo)
        pairs = s.execute(select(col(CaseEvent.case_id), col(CaseEvent.other_case_id)).where(
            or_(col(CaseEvent.case_id).in_(part), col(CaseEvent.other_case_id).in_(part)))).all()
        merged = s.execute(select(col(Case.id)).where(col(Case.merged_into).in_(part))).scalars()
        near = {c for pair in pairs for c in pair if c} | set(merged)
        todo = near - found
        found |= near
    return sorted(found)


def _clean_quotes(s: Session, cases: Sequence[str], gone: Sequence[int]) -> None:
    """Take the forgotten leads out of these cases' risk evidence and link evidence."""
    lost = set(gone)
    for part in _chunks(list(cases)):
        for rid, signals, history in s.execute(
                select(col(RiskAssessment.id), col(RiskAssessment.signals),
                       col(RiskAssessment.history)).where(col(RiskAssessment.case_id).in_(part))).all():
            cleaned = signals_without(signals, gone)
            old = signals_without(history, gone)
            if cleaned != (signals or []) or old != (history or []):
                # the explanation quotes the evidence: it is written again on the next run
                s.execute(update(RiskAssessment).where(col(RiskAssessment.id) == rid)
                          .values(signals=cleaned, history=old or None,
                                  explanation=FORGOTTEN_EXPLANATION))
        for lid, evidence in s.execute(select(col(CaseLink.lead_id), col(CaseLink.evidence))
                                       .where(col(CaseLink.case_id).in_(part))).all():
            kept = [e for e in evidence or [] if e.get("with_lead") not in lost]
            if evidence and len(kept) != len(evidence):
                s.execute(update(CaseLink).where(col(CaseLink.lead_id) == lid)
                          .values(evidence=kept or None))


def _frame(s: Session, stmt: Select[Any]) -> pd.DataFrame:
    """A select's rows as a frame, read inside the session's own transaction."""
    result = s.execute(stmt)
    return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i:i + _CHUNK] for i in range(0, len(values), _CHUNK)]
