"""The linking stage: read leads and decisions, link, persist cases, links, reviews, persons.

Plain functions, no Prefect. A full run re-estimates the match weights and
writes them to ``TRIAGE_HOME/models/linking.json``; an incremental run (the
default once cases exist) compares only new or corrected leads with the
history, with the stored weights.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import logging
import multiprocessing
import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import jieba
import jieba.posseg
import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlmodel import Session, col

from connectors.resources import Resources
from connectors.store.access import leads_frame, now, read_frame, select_columns, upsert
from connectors.store.schema import Case, CaseEvent, CaseLink, Lead, LinkReview, Person
from triage.frames import records
from triage.link import LinkIndex, LinkResult, MatchModel, link
from triage.link.engine import ChunkMap
from triage.link.table import LeadChunk

LINK_COLUMNS = (
    "id", "source", "reported_at", "reporter_name", "reporter_name_masked", "phones",
    "reporter_id", "reporter_id_valid", "district", "town", "village", "village_code",
    "address", "dispute_type", "description", "person_id", "updated_at",
)
_jieba_ready = False
log = logging.getLogger(__name__)
FEATURE_WORKERS = 2  # processes computing lead features when many leads are new
PARALLEL_FROM = 20_000  # fewer new leads than this: computed in-process (no pool start-up)


def cut(text: str) -> list[str]:
    """jieba's precise mode, its dictionary loaded once per process."""
    global _jieba_ready
    if not _jieba_ready:
        jieba.setLogLevel(60)
        jieba.initialize()
        _jieba_ready = True
    return jieba.lcut(text)


def word_tags() -> Mapping[str, str]:
    """jieba's dictionary, word → part of speech: names are tagged ``nr``."""
    cut("")
    return jieba.posseg.dt.word_tag_tab  # type: ignore[no-any-return]


def pooled(workers: int) -> ChunkMap:
    """Map over chunks of leads in fresh worker processes, closed (memory freed) when done."""
    def run(fn: Callable[[pd.DataFrame], LeadChunk], parts: list[pd.DataFrame]) -> Iterator[LeadChunk]:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            yield from pool.map(fn, parts)
        release_memory()

    return run


def release_memory() -> None:
    """Give freed heap back to the system (the workers' results leave many small holes)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def model_path(res: Resources) -> Path:
    return res.settings.home / "models" / "linking.json"


def load_model(res: Resources) -> MatchModel | None:
    path = model_path(res)
    if not path.exists():
        return None
    try:
        return MatchModel.from_dict(json.loads(path.read_text("utf-8")))
    except (ValueError, KeyError, TypeError) as exc:  # weights of an older model: estimate anew
        log.warning("linking weights %s not usable (%s): the next run estimates them", path, exc)
        return None


def save_model(res: Resources, model: MatchModel, run_id: int | None) -> Path:
    path = model_path(res)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"run_id": run_id, "estimated_at": now().isoformat(), **model.to_dict()}
    text = json.dumps(body, ensure_ascii=False, indent=2)
    path.write_text(text, "utf-8")
    (path.parent / f"linking-run{run_id or 0}.json").write_text(text, "utf-8")
    return path


def index_path(res: Resources) -> Path:
    return res.settings.home / "models" / "link_index.pkl"


def load_index(res: Resources) -> LinkIndex | None:
    """The previous run's features and keys; None (so all is recomputed) if missing or unreadable."""
    path = index_path(res)
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or outdated file only costs a recomputation
        log.warning("linking index %s unreadable (%s): features are recomputed", path, exc)
        return None
    if not isinstance(index, LinkIndex) or not index.current():
        log.warning("linking index %s is from another version: features are recomputed", path)
        return None
    return index


def save_index(res: Resources, index: LinkIndex) -> None:
    path = index_path(res)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def link_stage(res: Resources, run_id: int | None = None, *, full: bool = False) -> dict[str, Any]:
    """Link leads into cases; incremental unless ``full`` or nothing was linked before."""
    leads = leads_frame(res.engine, LINK_COLUMNS)
    if leads.empty:
        return {"cases": 0, "created": 0, "merged": 0, "split": 0, "mode": "empty"}
    links = read_frame(res.engine, select_columns(CaseLink, "lead_id", "case_id", "linked_at"))
    previous = dict(zip(links["lead_id"].astype(int), links["case_id"], strict=True))
    decisions = read_frame(res.engine, select_columns(LinkReview, "lead_a", "lead_b", "status")
                           .where(col(LinkReview.status).in_(["merge", "split"])))
    merges = [(int(a), int(b)) for a, b, s in decisions.itertuples(index=False) if s == "merge"]
    splits = [(int(a), int(b)) for a, b, s in decisions.itertuples(index=False) if s == "split"]
    model = None if full else load_model(res)
    new_ids: list[int] | None = None
    if previous and model is not None:
        linked_at = dict(zip(links["lead_id"].astype(int), links["linked_at"], strict=True))
        new_ids = [int(i) for i, u in zip(leads["id"], leads["updated_at"], strict=True)
                   if int(i) not in linked_at or u > linked_at[int(i)]]
    index = load_index(res)
    unknown = len(leads) - (0 if index is None else int(np.isin(index.table.ids, leads["id"]).sum()))
    result = link(leads, previous, cut, res.config.linking, model=model, new_ids=new_ids,
                  merges=merges, splits=splits, words=word_tags(), index=index,
                  chunks=pooled(FEATURE_WORKERS) if unknown >= PARALLEL_FROM else None,
                  progress=lambda stage: log.info("linking: %s done", stage))
    if new_ids is None:
        save_model(res, result.model, run_id)
    if result.index is not None:
        save_index(res, result.index)
    _persist(res, leads, previous, result, run_id)
    kinds = Counter(e["kind"] for e in result.events)
    return {"cases": len(set(result.case_of.values())), "created": kinds["created"],
            "merged": kinds["merged"], "split": kinds["split"],
            "mode": "full" if new_ids is None else "incremental",
            "review": len(result.review), **{f"{k}": v for k, v in result.stats.items()}}


def _persist(res: Resources, leads: pd.DataFrame, previous: dict[int, str],
             result: LinkResult, run_id: int | None) -> None:
    stamp = now()
    leads = leads.assign(case_id=leads["id"].astype(int).map(result.case_of))
    region = set(result.evidence) | {lid for lid, cid in result.case_of.items()
                                     if previous.get(lid) != cid}
    touched_cases = {result.case_of[lid] for lid in region} | {
        e["case_id"] for e in result.events}
    with Session(res.engine) as s, s.begin():
        cases = case_rows(leads[leads["case_id"].isin(touched_cases)], run_id, stamp)
        if cases:
            upsert(s, Case, cases, ["id"], update=[c for c in cases[0] if c not in (
                "id", "created_at", "created_run_id", "risk_level", "risk_score")])
        changed = [
            {"lead_id": lid, "case_id": cid, "score": _score(result, lid),
             "method": "auto", "evidence": result.evidence.get(lid), "run_id": run_id,
             "linked_at": stamp}
            for lid, cid in result.case_of.items()
            if previous.get(lid) != cid or lid in result.evidence
        ]
        upsert(s, CaseLink, changed, ["lead_id"])
        gone = set(previous.values()) - set(result.case_of.values())
        merged_into = {e["other_case_id"]: e["case_id"] for e in result.events
                       if e["kind"] == "merged"}
        for cid in sorted(gone):
            s.execute(update(Case).where(col(Case.id) == cid).values(
                status="merged", merged_into=merged_into.get(cid), updated_at=stamp))
        if result.events:
            s.execute(CaseEvent.__table__.insert(), [  # type: ignore[attr-defined]
                {**e, "run_id": run_id, "at": stamp, "detail": None} for e in result.events])
        reviews = [{**r, "status": "pending", "run_id": run_id} for r in result.review]
        upsert(s, LinkReview, reviews, ["lead_a", "lead_b"], update=["score", "evidence", "run_id"])
        _persist_persons(s, leads, result.person_of, stamp)


def _score(result: LinkResult, lead_id: int) -> float:
    ev = result.evidence.get(lead_id)
    return float(ev[0]["probability"]) if ev else 1.0


def case_rows(leads: pd.DataFrame, run_id: int | None, stamp: datetime) -> list[dict[str, Any]]:
    """Case records (type, place, counts, dates) from their leads."""
    if leads.empty:
        return []
    ordered = leads.sort_values(["case_id", "reported_at"])
    typed = ordered[ordered["dispute_type"] != "其他"]
    dtype = typed.groupby("case_id")["dispute_type"].agg(lambda s: s.mode().iloc[0])
    located = ordered.dropna(subset=["village_code"]).groupby("case_id").last()
    anywhere = ordered.groupby("case_id").last()
    place = located.combine_first(anywhere)
    agg = ordered.groupby("case_id").agg(
        lead_count=("id", "size"), first=("reported_at", "min"), last=("reported_at", "max"),
        sources=("source", lambda s: sorted(set(s))))
    out = []
    for cid, r in agg.iterrows():
        p = place.loc[str(cid)]
        out.append({
            "id": cid, "status": "open", "merged_into": None,
            "dispute_type": dtype.get(cid, "其他"),
            "district": _opt(p["district"]), "town": _opt(p["town"]),
            "village": _opt(p["village"]), "village_code": _opt(p["village_code"]),
            "lead_count": int(r["lead_count"]), "sources": r["sources"],
            "first_reported_at": r["first"].to_pydatetime(),
            "last_reported_at": r["last"].to_pydatetime(),
            "created_run_id": run_id, "created_at": stamp, "updated_at": stamp,
        })
    return out


def _opt(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and v != v) or v is pd.NA else v


def _persist_persons(s: Session, leads: pd.DataFrame, person_of: dict[int, int],
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
        s.execute(update(Lead), [
            {"id": int(i), "person_id": int(p)} for i, p in zip(stale["id"], stale["pid"],
                                                                 strict=True)])


def pending_reviews(res: Resources, limit: int = 50) -> list[dict[str, Any]]:
    """Uncertain pairs waiting for a coordinator, most likely first (no personal data)."""
    rows = read_frame(res.engine, select_columns(
        LinkReview, "lead_a", "lead_b", "score", "evidence").where(
        col(LinkReview.status) == "pending").order_by(col(LinkReview.score).desc()).limit(limit))
    links = read_frame(res.engine, select_columns(CaseLink, "lead_id", "case_id"))
    case_of = dict(zip(links["lead_id"].astype(int), links["case_id"], strict=True))
    out = [{**r, "case_a": case_of.get(int(r["lead_a"])), "case_b": case_of.get(int(r["lead_b"]))}
           for r in records(rows)]
    return [r for r in out if r["case_a"] != r["case_b"]]


def decide(res: Resources, lead_a: int, lead_b: int, decision: str, by: str) -> None:
    """Record a coordinator's merge or split; the next run applies it and keeps it."""
    if decision not in ("merge", "split"):
        raise ValueError("decision must be merge or split")
    a, b = min(lead_a, lead_b), max(lead_a, lead_b)
    with Session(res.engine) as s, s.begin():
        found = s.execute(select(col(Lead.id)).where(col(Lead.id).in_([a, b]))).scalars().all()
        if len(set(found)) != 2:
            raise ValueError(f"线索 {a} 或 {b} 不存在")
        upsert(s, LinkReview, [{"lead_a": a, "lead_b": b, "score": 0.0, "evidence": None,
                                "status": decision, "decided_by": by, "decided_at": now()}],
               ["lead_a", "lead_b"], update=["status", "decided_by", "decided_at"])
