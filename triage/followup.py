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
                   fresh: Sequence[Mapping[str, Any]],
                   red_flags: Sequence[str] = ()) -> dict[str, Any] | None:
    """The alert a case raises when this run brought it new leads (``fresh``), or None.

    A new lead alerts the same run when it makes the case 红 (on arrival, by escalation,
    by linking to a red case) or touches a case that was already 红 or 橙.
    """
    if not fresh or (was not in ALERT_LEVELS and level != "红"):
        return None
    agencies = "、".join(sorted({SOURCE_LABELS.get(r["source"], r["source"]) for r in fresh}))
    change = f"{was}→{level}" if was and was != level else (
        f"新案件，等级{level}" if not was else f"当前等级 {level}")
    flags = f"；红色预警：{'、'.join(red_flags)}" if red_flags else ""
    kind = "新增红色风险" if level == "红" and was != "红" else "高风险案件新线索"
    return {"case_id": case_id, "lead_id": int(fresh[0]["id"]), "level": level, "kind": kind,
            "message": f"案件 {case_id} 新增 {len(fresh)} 条线索（{agencies}），{change}{flags}"}
