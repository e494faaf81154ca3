"""The scoring stage (风险共评): every linked case's risk level, with its evidence and its
explanation; and a coordinator's override of one case."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from connectors.resources import Resources
from connectors.store.access import now
from connectors.store.risk import (
    current_assessment,
    newest_report,
    open_levels,
    save_assessments,
    scoring_inputs,
    scoring_targets,
)
from flows.pool import WORKERS, pooled_text_hits
from triage.domain import RISK_LEVELS
from triage.followup import new_lead_alert
from triage.frames import records
from triage.risk import RiskConfig, RiskScorer, apply_override, assess_cases, due, explain, reassess

PARALLEL_FROM = 30_000  # fewer leads than this: read in-process (no pool start-up)
STORED = ("case_id", "run_id", "level", "score", "computed_level", "signals", "history",
          "override_level", "override_by", "override_reason", "override_at", "override_from",
          "note", "explanation", "level_since", "follow_up_by", "is_current", "assessed_at", "as_of")


def _finish(record: dict[str, Any], prev: Mapping[str, Any], cfg: RiskConfig,
            stamp: datetime) -> dict[str, Any]:
    """The record with since when the case has had its level, its deadline and explanation."""
    since = prev.get("level_since") if prev.get("level") == record["level"] else None
    since = since or stamp
    deadline = cfg.deadlines[record["level"]]
    by = due(since, deadline)
    record.update(level_since=since, follow_up_by=by, is_current=True, assessed_at=stamp,
                  explanation=explain(record, deadline, by, cfg.history.fade_days))
    return {k: record.get(k) for k in STORED}


def score_stage(res: Resources, run_id: int | None = None,
                new_lead_ids: Sequence[int] = (), *, full: bool = False,
                also: Collection[str] = ()) -> dict[str, int]:
    """Assess the cases whose inputs changed (all of them on the first run, or ``full``), and
    ``also`` these (a rerun's range); alert when a new lead touches an open high-risk case,
    and when a new red flag lifts a coordinator's lowered level."""
    cfg = res.config.risk
    h = cfg.history
    targets = None if full else scoring_targets(
        res.engine, (h.fade_days, h.escalation_days, h.prior_red_days), also)
    leads, before = scoring_inputs(res.engine, targets) if targets != set() else (pd.DataFrame(), {})
    if leads.empty:
        return {**_levels(res), "scored": 0, "alerts": 0, "fade_days": cfg.history.fade_days}
    scorer = RiskScorer(cfg)
    stamp = now()
    lead_rows = records(leads)
    cases = _by_case(lead_rows)
    newest = newest_report(res.engine)
    present = stamp if newest is None else min(stamp, newest)
    texts = None
    if len(leads) >= PARALLEL_FROM:  # a history's first scoring: its text in worker processes
        texts = pooled_text_hits(cfg, WORKERS, [
            (int(r["id"]), r.get("description"), scorer.report_year(r)) for r in lead_rows])
    assessed, keys = assess_cases(scorer, cases, now=present, text_hits=texts)
    rows, alerts = [], []
    new_ids = set(new_lead_ids)
    for cid, rows_of_case in cases.items():
        prev = before.get(cid, {})
        updated = {int(r["id"]): scorer.updated(r) for r in rows_of_case}
        record = reassess(assessed[cid], prev, updated)
        row = _finish({"case_id": cid, "run_id": run_id, **record, "as_of": present}, prev, cfg, stamp)
        rows.append(row)
        alert = new_lead_alert(cid, prev.get("level"), row["level"],
                               [r for r in rows_of_case if int(r["id"]) in new_ids],
                               assessed[cid].red_flags)
        if alert is not None:
            alerts.append({**alert, "run_id": run_id, "created_at": stamp})
        if row["note"]:
            alerts.append({"case_id": cid, "lead_id": None, "level": row["level"],
                           "kind": "降级后新红色线索", "message": f"案件 {cid}：{row['note']}",
                           "run_id": run_id, "created_at": stamp})
    save_assessments(res.engine, rows, alerts, only_cases=targets is not None)
    quiet = sum(1 for a in assessed.values() if a.history and not a.signals)
    return {**_levels(res), "scored": len(rows), "alerts": len(alerts), "key_persons": len(keys),
            "quiet": quiet, "fade_days": cfg.history.fade_days}


def _by_case(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by case, cases in order, rows in the frame's order. One pass: a pandas
    group per case costs about a millisecond, which is minutes for a district's history."""
    cases: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        cases.setdefault(str(row["case_id"]), []).append(row)
    return dict(sorted(cases.items()))


def _levels(res: Resources) -> dict[str, int]:
    counts = open_levels(res.engine)
    return {lvl: counts.get(lvl, 0) for lvl in reversed(RISK_LEVELS)}


def override_case(res: Resources, case_id: str, level: str, by: str,
                  reason: str | None = None) -> dict[str, Any]:
    """A coordinator sets a case's level: raising is free, lowering needs a reason. The new
    record becomes current (the old one stays as history) and the next runs keep it."""
    current = current_assessment(res.engine, case_id)
    if current is None:
        raise ValueError(f"案件 {case_id} 尚无风险评估，请先运行一次流水线")
    stamp = now()
    record = apply_override(current, level, by, reason, stamp)
    row = _finish({**record, "run_id": None}, current, res.config.risk, stamp)
    save_assessments(res.engine, [row], [], only_cases=True)
    return row
