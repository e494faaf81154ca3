"""The scoring stage (风险共评): every linked case's risk level, with its evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from connectors.resources import Resources
from connectors.store.access import now
from connectors.store.risk import save_assessments, scoring_inputs
from triage.domain import RISK_LEVELS
from triage.followup import new_lead_alert
from triage.frames import records
from triage.risk import RiskScorer, reassess


def score_stage(res: Resources, run_id: int | None = None,
                new_lead_ids: Sequence[int] = ()) -> dict[str, int]:
    """Assess every linked case; alert when a new lead touches an open high-risk case."""
    leads, before = scoring_inputs(res.engine)
    if leads.empty:
        return {}
    scorer = RiskScorer(res.config.risk)
    stamp = now()
    rows, alerts = [], []
    new_ids = set(new_lead_ids)
    for cid, group in leads.groupby("case_id"):
        rows_of_case = records(group)
        prev = before.get(str(cid), {})
        row = {"case_id": cid, "run_id": run_id, **reassess(scorer.score(rows_of_case), prev),
               "is_current": True, "assessed_at": stamp}
        rows.append(row)
        alert = new_lead_alert(str(cid), prev.get("level"), row["level"],
                               [r for r in rows_of_case if int(r["id"]) in new_ids])
        if alert is not None:
            alerts.append({**alert, "run_id": run_id, "created_at": stamp})
    save_assessments(res.engine, rows, alerts)
    counts = Counter(r["level"] for r in rows)
    return {**{lvl: counts.get(lvl, 0) for lvl in reversed(RISK_LEVELS)}, "alerts": len(alerts)}
