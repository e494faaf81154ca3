"""Follow-up and alerts (稳控共防): deadlines per risk level, and when a new lead alerts.

Policy only: the routing stage stores the tasks, the scoring stage stores the
alerts this module says to raise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from triage.domain import SOURCE_LABELS
from triage.routing import RoutingConfig

ALERT_LEVELS = ("红", "橙")  # a new lead on a case already this high alerts at once


def follow_up_plan(level: str, start: datetime, cfg: RoutingConfig) -> list[tuple[str, datetime]]:
    """The follow-up tasks and deadlines a case of this level gets."""
    return [(s.task, start + timedelta(hours=s.hours)) for s in cfg.follow_up.get(level, [])]


def new_lead_alert(case_id: str, was: str | None, level: str,
                   fresh: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The alert a case raises when this run brought it new leads (``fresh``), or None.

    A new lead on a case that was already 红 or 橙 alerts the same run.
    """
    if not fresh or was not in ALERT_LEVELS:
        return None
    agencies = "、".join(sorted({SOURCE_LABELS.get(r["source"], r["source"]) for r in fresh}))
    return {"case_id": case_id, "lead_id": int(fresh[0]["id"]), "level": level,
            "kind": "高风险案件新线索",
            "message": f"{was}色案件 {case_id} 新增 {len(fresh)} 条线索（{agencies}），当前等级 {level}"}
