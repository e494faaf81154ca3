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
from sqlalchemy import Engine, Select, String, cast, delete, or_, select, update
from sqlmodel import Session, col

from connectors.store.access import now, select_columns
from connectors.store.db import json_dumps
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
    RejectedRow,
    RiskAssessment,
    SourceFile,
)
from triage.link.cases import case_summaries
from triage.risk import signals_without

_CHUNK = 500


@dataclass
class Forgotten:
    """What forgetting one person removed."""

    person_id: int
    lead_ids: list[int] = field(default_factory=list)
    raw_rows: int = 0
    cases_deleted: list[str] = field(default_factory=list)
    cases_kept: list[str] = field(default_factory=list)


def persons_with_id_number(engine: Engine, id_number: str) -> list[int]:
    """The persons whose ID number this is (on the person, or on any of their leads)."""
    with Session(engine) as s:
        direct = s.execute(select(col(Person.id)).where(col(Person.id_number) == id_number))
        via = s.execute(select(col(Lead.person_id)).where(
            col(Lead.reporter_id) == id_number, col(Lead.person_id).is_not(None)))
        return sorted({int(i) for i in [*direct.scalars(), *via.scalars()] if i is not None})


def forget_person(engine: Engine, person_id: int) -> Forgotten:
    """Delete the person and every lead of theirs, with all that was derived from them."""
    out = Forgotten(person_id)
    with Session(engine) as s, s.begin():
        if s.get(Person, person_id) is None:
            raise LookupError(f"没有编号为 {person_id} 的人员")
        leads = s.execute(select(col(Lead.id), col(Lead.raw_row_id), col(Lead.source),
                                 col(Lead.source_ref)).where(col(Lead.person_id) == person_id)).all()
        out.lead_ids = ids = sorted(int(lead[0]) for lead in leads)
        raw = {int(lead[1]) for lead in leads if lead[1] is not None}
        raw.update(_rows_of_records(s, [(lead[2], lead[3]) for lead in leads]))
        cases: set[str] = set()
        for part in _chunks(ids):
            raw.update(int(r) for r in s.execute(select(col(LeadVersion.raw_row_id)).where(
                col(LeadVersion.lead_id).in_(part), col(LeadVersion.raw_row_id).is_not(None))).scalars())
            cases.update(s.execute(select(col(CaseLink.case_id)).where(
                col(CaseLink.lead_id).in_(part))).scalars())
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
        s.execute(delete(Person).where(col(Person.id) == person_id))
        s.flush()
        _settle_cases(s, sorted(cases), ids, out)
    return out


def _rows_of_records(s: Session, records: Sequence[tuple[str, str]]) -> set[int]:
    """Raw rows that carry these agency records: the row a lead was made from, and every
    repeat or rejected copy of it in later exports (they are kept for lineage, unlinked)."""
    found: set[int] = set()
    for source, ref in records:
        files = select(col(SourceFile.id)).where(col(SourceFile.source) == source)
        cell = json_dumps(ref)  # the record number as one whole cell (or JSON value)
        pattern = "%" + cell.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found.update(int(i) for i in s.execute(select(col(RawRow.id)).where(
            col(RawRow.file_id).in_(files),
            cast(col(RawRow.data), String).like(pattern, escape="\\"))).scalars())
    return found


def _settle_cases(s: Session, cases: Sequence[str], gone: Sequence[int], out: Forgotten) -> None:
    """Cases the forgotten leads were in: deleted if empty, else summarized anew without them."""
    if not cases:
        return
    stamp = now()
    links = _frame(s, select_columns(CaseLink, "lead_id", "case_id")
                   .where(col(CaseLink.case_id).in_(cases)))
    kept = set(links["case_id"])
    empty = [c for c in cases if c not in kept]
    if empty:
        for model in (FollowUpTask, Alert, Assignment, RiskAssessment):
            s.execute(delete(model).where(col(model.case_id).in_(empty)))  # type: ignore[attr-defined]
        s.execute(delete(CaseEvent).where(or_(col(CaseEvent.case_id).in_(empty),
                                              col(CaseEvent.other_case_id).in_(empty))))
        s.execute(update(Case).where(col(Case.merged_into).in_(empty)).values(merged_into=None))
        s.execute(delete(Case).where(col(Case.id).in_(empty)))
    out.cases_deleted = empty
    out.cases_kept = sorted(kept)
    if not kept:
        return
    leads = _frame(s, select_columns(Lead, *LINK_COLUMNS)
                   .where(col(Lead.id).in_(links["lead_id"].astype(int).tolist())))
    leads = leads.merge(links, left_on="id", right_on="lead_id")
    for summary in case_summaries(leads):
        s.execute(update(Case).where(col(Case.id) == summary.pop("id")).values(
            **summary, updated_at=stamp))
    assessed = s.execute(select(col(RiskAssessment.id), col(RiskAssessment.signals)).where(
        col(RiskAssessment.case_id).in_(sorted(kept)))).all()
    for rid, signals in assessed:
        cleaned = signals_without(signals, gone)
        if cleaned != (signals or []):
            s.execute(update(RiskAssessment).where(col(RiskAssessment.id) == rid)
                      .values(signals=cleaned))


def _frame(s: Session, stmt: Select[Any]) -> pd.DataFrame:
    """A select's rows as a frame, read inside the session's own transaction."""
    result = s.execute(stmt)
    return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i:i + _CHUNK] for i in range(0, len(values), _CHUNK)]
