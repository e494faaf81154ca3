"""What the linking stage reads from and writes to the store: cases, links, reviews, persons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from connectors.store.access import leads_frame, now, read_frame, select_columns, upsert
from connectors.store.bulk import bulk_insert, update_column
from connectors.store.schema import Case, CaseEvent, CaseLink, Lead, LinkReview, Person
from triage.domain import SOURCE_LABELS
from triage.frames import records
from triage.link import LinkResult
from triage.link.cases import case_summaries
from triage.link.features import same_version

CHUNK = 900  # ids per IN (…): under SQLite's bound-parameter limit

LINK_COLUMNS = (
    "id", "source", "reported_at", "reporter_name", "reporter_name_masked", "phones",
    "reporter_id", "reporter_id_valid", "district", "town", "village", "village_code",
    "address", "dispute_type", "description", "person_id", "updated_at",
)


SLIM_COLUMNS = ("id", "updated_at", "person_id")  # what every lead of an incremental run needs


@dataclass
class LinkInputs:
    """Everything a linking run starts from."""

    leads: pd.DataFrame  # LINK_COLUMNS, by id (only SLIM_COLUMNS on rows ``complete`` left out)
    previous: dict[int, str]  # lead id → its case now
    merges: list[tuple[int, int]]  # coordinators' decisions on lead pairs
    splits: list[tuple[int, int]]
    new_ids: list[int]  # leads not linked yet, or changed since their link was written


def link_inputs(engine: Engine, kept: Mapping[int, str | None] | None = None) -> LinkInputs:
    """The leads, their cases and the coordinators' decisions.

    ``kept`` is the linking index's version of each lead it holds features for: then only the
    leads without kept features (new, corrected, or new to the index) are read in full, the
    rest by ``SLIM_COLUMNS``, which keeps a drop-folder run off the whole history's text."""
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id", "linked_at"))
    ids = links["lead_id"].astype(int)
    previous = dict(zip(ids, links["case_id"], strict=True))
    leads = leads_frame(engine, LINK_COLUMNS if kept is None else SLIM_COLUMNS)
    unlinked = _unlinked(leads, links)
    new_ids = leads.loc[unlinked, "id"].astype(int).tolist()
    if kept is not None:
        lead_ids = leads["id"].tolist()
        held = np.fromiter((i in kept for i in lead_ids), dtype=bool, count=len(lead_ids))
        versions = np.array([kept.get(i) for i in lead_ids], dtype=object)
        changed = ~held | ~same_version(versions, leads["updated_at"])
        leads = complete(engine, leads, leads.loc[changed | unlinked, "id"])
    decisions = read_frame(engine, select_columns(LinkReview, "lead_a", "lead_b", "status")
                           .where(col(LinkReview.status).in_(["merge", "split"])))
    pairs = {s: [(int(a), int(b)) for a, b, d in decisions.itertuples(index=False) if d == s]
             for s in ("merge", "split")}
    return LinkInputs(leads, previous, pairs["merge"], pairs["split"], new_ids)


def _unlinked(leads: pd.DataFrame, links: pd.DataFrame) -> pd.Series:
    """Per lead, whether it has no link yet or changed after its link was written."""
    at = leads["id"].map(pd.Series(links["linked_at"].to_numpy(), index=links["lead_id"].to_numpy()))
    return at.isna() | (pd.to_datetime(leads["updated_at"]) > pd.to_datetime(at))


def complete(engine: Engine, leads: pd.DataFrame, ids: Iterable[int]) -> pd.DataFrame:
    """``leads`` with the rows of ``ids`` read in full (LINK_COLUMNS) where they were slim."""
    slim = leads["source"].isna() if "source" in leads.columns else pd.Series(True, leads.index)
    wanted = sorted(set(int(i) for i in ids) & set(leads.loc[slim, "id"].astype(int)))
    if "source" in leads.columns and not wanted:
        return leads
    stmt = select_columns(Lead, *LINK_COLUMNS)
    full = [read_frame(engine, stmt.where(col(Lead.id).in_(wanted[k:k + CHUNK])))
            for k in range(0, len(wanted), CHUNK)]
    rows = pd.concat(full, ignore_index=True) if full else pd.DataFrame(columns=list(LINK_COLUMNS))
    rest = leads[~leads["id"].isin(rows["id"])].reindex(columns=list(LINK_COLUMNS))
    for name in [c for c in rows.columns if pd.api.types.is_bool_dtype(rows[c])]:  # flags stay True/False
        rows[name] = rows[name].astype(object)
    out = (rest.reset_index(drop=True) if rows.empty
           else pd.concat([rest, rows], ignore_index=True).sort_values("id", ignore_index=True))
    out["person_id"] = pd.to_numeric(out["person_id"], errors="coerce")
    return out


def save_links(engine: Engine, leads: pd.DataFrame, previous: dict[int, str],
               result: LinkResult, run_id: int | None) -> None:
    """Write the cases a run touched, their links and events, the review list and persons."""
    stamp = now()
    region = set(result.evidence) | {lid for lid, cid in result.case_of.items()
                                     if previous.get(lid) != cid}
    touched_cases = {result.case_of[lid] for lid in region} | {
        e["case_id"] for e in result.events}
    case_of = leads["id"].astype(int).map(result.case_of)
    leads = complete(engine, leads, leads.loc[case_of.isin(touched_cases) | leads["person_id"].isna()
                                              | leads["id"].isin(region), "id"])
    leads = leads.assign(case_id=leads["id"].astype(int).map(result.case_of))
    touched = np.fromiter((c in touched_cases for c in leads["case_id"].tolist()), dtype=bool,
                          count=len(leads))  # a set lookup each: isin hashes every value again
    with Session(engine) as s, s.begin():
        cases = [{**c, "status": "open", "merged_into": None, "created_run_id": run_id,
                  "created_at": stamp, "updated_at": stamp, "risk_stale": True}
                 for c in case_summaries(leads[touched])]
        if cases:
            upsert(s, Case, cases, ["id"], update=[c for c in cases[0] if c not in (
                "id", "created_at", "created_run_id", "risk_level", "risk_score")])
        changed = []
        for lid in sorted(region):
            ev = result.evidence.get(lid)
            changed.append({"lead_id": lid, "case_id": result.case_of[lid],
                            "score": float(ev[0]["probability"]) if ev else 1.0, "method": "auto",
                            "evidence": ev, "run_id": run_id, "linked_at": stamp})
        upsert(s, CaseLink, changed, ["lead_id"])
        gone = set(previous.values()) - set(result.case_of.values())
        merged_into = {e["other_case_id"]: e["case_id"] for e in result.events
                       if e["kind"] == "merged"}
        for cid in sorted(gone):
            s.execute(update(Case).where(col(Case.id) == cid).values(
                status="merged", merged_into=merged_into.get(cid), updated_at=stamp))
        if result.events:
            bulk_insert(s.connection(), CaseEvent.__table__, [  # type: ignore[attr-defined]
                {**e, "run_id": run_id, "at": stamp, "detail": _detail(e)} for e in result.events],
                ["kind", "case_id", "other_case_id", "detail", "run_id", "at"])
        reviews = [{**r, "status": "pending", "run_id": run_id} for r in result.review]
        upsert(s, LinkReview, reviews, ["lead_a", "lead_b"], update=["score", "evidence", "run_id"])
        _save_persons(s, leads, result.person_of, stamp)


def _detail(event: dict[str, Any]) -> dict[str, Any] | None:
    detail = event.get("detail")
    if event["kind"] == "split" and detail:
        return {**detail, "by": "系统", "reason": "重新关联：这些线索与原案件其余线索不再匹配"}
    return detail


def _save_persons(s: Session, leads: pd.DataFrame, person_of: dict[int, int],
                  stamp: datetime) -> None:
    """Give every group of leads of one reporter a Person; keep existing person ids."""
    df = leads[["id", "person_id", "reporter_name", "reporter_name_masked", "reporter_id",
                "reporter_id_valid", "phones"]].copy()
    df["rep"] = df["id"].astype(int).map(person_of)
    known = df.dropna(subset=["person_id"]).groupby("rep")["person_id"].min()
    df["pid"] = df["rep"].map(known)
    fresh = df[df["pid"].isna()].drop_duplicates("rep")
    if not fresh.empty:
        rows = []
        for r in records(fresh):
            rows.append({
                "name": None if r["reporter_name_masked"] else r["reporter_name"],
                "id_number": r["reporter_id"] if r["reporter_id_valid"] is True else None,
                "phones": [p for p in (r["phones"] or []) if "*" not in p] or None,
                "created_at": stamp, "updated_at": stamp})
        result = s.execute(Person.__table__.insert().returning(  # type: ignore[attr-defined]
            Person.__table__.c.id, sort_by_parameter_order=True), rows)  # type: ignore[attr-defined]
        new = dict(zip(fresh["rep"], [r[0] for r in result], strict=True))
        df["pid"] = df["pid"].fillna(df["rep"].map(new))
    stale = df[df["person_id"].isna() | (df["person_id"] != df["pid"])]
    if not stale.empty:
        update_column(s.connection(), Lead.__table__, "id", "person_id",  # type: ignore[attr-defined]
                      [(int(i), int(p)) for i, p in zip(stale["id"], stale["pid"], strict=True)])


def pending_reviews(engine: Engine, limit: int = 50) -> list[dict[str, Any]]:
    """Uncertain pairs waiting for a coordinator, most likely first (no personal data)."""
    rows = read_frame(engine, select_columns(
        LinkReview, "lead_a", "lead_b", "score", "evidence").where(
        col(LinkReview.status) == "pending").order_by(col(LinkReview.score).desc()).limit(limit))
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id"))
    case_of = dict(zip(links["lead_id"].astype(int), links["case_id"], strict=True))
    out = [{**r, "case_a": case_of.get(int(r["lead_a"])), "case_b": case_of.get(int(r["lead_b"]))}
           for r in records(rows)]
    return [r for r in out if r["case_a"] != r["case_b"]]


def decide(engine: Engine, lead_a: int, lead_b: int, decision: str, by: str,
           reason: str | None = None) -> None:
    """Record a coordinator's merge or split, logged on both leads' cases with who and why;
    the next run applies it to the whole cases and every later run keeps it."""
    if decision not in ("merge", "split"):
        raise ValueError("只能是 merge（合并）或 split（分开）")
    if lead_a == lead_b:
        raise ValueError("两边是同一条线索，请给出两条不同的线索")
    a, b = min(lead_a, lead_b), max(lead_a, lead_b)
    with Session(engine) as s, s.begin():
        rows = s.execute(select(col(Lead.id), col(Lead.source), col(Lead.source_ref), col(CaseLink.case_id))
                         .outerjoin(CaseLink, col(CaseLink.lead_id) == col(Lead.id))
                         .where(col(Lead.id).in_([a, b]))).all()
        if len(rows) != 2:
            raise ValueError("找不到这两条线索中的一条，请用 triage review list 或台账中的原始编号")
        cases = {int(r[0]): r[3] for r in rows}
        if decision == "merge" and cases[a] is not None and cases[a] == cases[b]:
            raise ValueError(f"两条线索已在同一案件 {cases[a]}")
        stamp = now()
        upsert(s, LinkReview, [{"lead_a": a, "lead_b": b, "score": 0.0, "evidence": None,
                                "status": decision, "decided_by": by, "decided_at": stamp}],
               ["lead_a", "lead_b"], update=["status", "decided_by", "decided_at"])
        refs = {int(r[0]): f"{SOURCE_LABELS.get(r[1], r[1])} {r[2]}" for r in rows}
        for lead, other in ((a, b), (b, a)):
            if cases[lead] is not None:
                s.add(CaseEvent(kind=f"review_{decision}", case_id=cases[lead],
                                other_case_id=cases[other], at=stamp, detail={
                                    "by": by, "reason": reason, "lead": refs[lead], "other": refs[other]}))


def find_lead(engine: Engine, ref: str) -> int:
    """A lead by the agency's record number as the ledgers show it (``J2024000123``, or
    ``派出所:J2024000123`` where two agencies use one number); ValueError in words."""
    label, _, number = ref.replace("：", ":").rpartition(":")
    by_label = {v: k for k, v in SOURCE_LABELS.items()}
    source = by_label.get(label.strip(), label.strip()) if label else None
    with Session(engine) as s:
        stmt = select(col(Lead.id), col(Lead.source)).where(col(Lead.source_ref) == number.strip())
        if source:
            stmt = stmt.where(col(Lead.source) == source)
        found = s.execute(stmt).all()
    if not found:
        raise ValueError(f"找不到原始编号 {ref}（即台账“线索”表中的原始编号）")
    if len(found) > 1:
        both = "、".join(f"{SOURCE_LABELS.get(r[1], r[1])}:{number}" for r in found)
        raise ValueError(f"原始编号 {number} 在几个部门都有，请写明部门：{both}")
    return int(found[0][0])
