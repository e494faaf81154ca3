"""Follow-up and alerts (稳控共防): deadlines per risk level, and when a new lead alerts.

Policy only: the routing stage stores the tasks, the scoring stage stores the
alerts this module says to raise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from triage.domain import SOURCE_LABELS
from triage.risk import due
from triage.risk.config import Deadline
from triage.routing import RoutingConfig

ALERT_LEVELS = ("红", "橙")  # a new lead on a case already this high alerts at once
COORDINATOR = "司法所"  # the judicial office's coordinators: they receive every alert
MEDIATORS = "调解员"  # the receivers' key for every lead mediator without an address of their own


def follow_up_plan(level: str, since: datetime, cfg: RoutingConfig, deadline: Deadline,
                   agencies: Sequence[str] = ()) -> list[tuple[str, datetime]]:
    """The tasks a case gets when it reaches ``level`` at ``since``, each with its due time;
    a step without a deadline of its own is due at the level's (``deadline``). A joint
    consultation (会诊) names every agency taking part."""
    out = []
    for step in cfg.follow_up.get(level, []):
        kind = step.task
        if step.joint:
            kind = f"{kind}（{'、'.join([COORDINATOR, *agencies])}）"
        out.append((kind[:64], due(since, step.deadline() or deadline)))
    return out


def receivers(mediator_id: str | None, agencies: Sequence[str]) -> list[str]:
    """Who an alert goes to: the coordinators, the lead mediator and every co-agency."""
    return list(dict.fromkeys([COORDINATOR, *([mediator_id] if mediator_id else []), *agencies]))


def alert_payload(alert: Mapping[str, Any], village: str | None, signals: Sequence[str],
                  case_url: str) -> dict[str, Any]:
    """What a webhook receives: the case number, level, village, signal names and the link,
    as an enterprise-chat robot's markdown message. Built from those fields only, never from
    a lead's words, so no name, phone or ID number can ride along."""
    link = case_url.format(case_id=alert["case_id"])
    lines = [f"**{alert['kind']}**：案件 {alert['case_id']}，{alert['level']}色",
             f"地点：{village or '未定位'}",
             f"信号：{'、'.join(signals) or '无'}",
             f"查看：{link}"]
    return {"msgtype": "markdown", "markdown": {"content": "\n".join(lines)},
            "case_id": alert["case_id"], "level": alert["level"], "kind": alert["kind"],
            "village": village, "signals": list(signals), "link": link}


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
