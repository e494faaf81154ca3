"""A coordinator's override, carried from one assessment to the next, and its limits.

Raising a level is free; lowering it needs a reason. Who, when and why are kept and
reruns keep them. A raise never hides a higher computed level. A lowered level stands
until a new red-flag lead arrives after it: then the case is red again, and the
assessment says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from triage.domain import RISK_LEVELS
from triage.risk.scorer import Assessment


def rank(level: str) -> int:
    return RISK_LEVELS.index(level)


def lowered(override: str | None, before: str | None, computed: str) -> bool:
    """Whether the override lowered the level it was set on (``before``; when unknown, the
    level computed now)."""
    return bool(override) and rank(str(override)) < rank(before or computed)


def effective_level(computed: str, override: str | None, before: str | None = None) -> str:
    """A lowered level (with its reason) stands; a raise never hides a higher computed one."""
    if not override:
        return computed
    if lowered(override, before, computed):
        return override
    return max(override, computed, key=rank)


def check_override(current: str, new: str, reason: str | None) -> None:
    """Raising a level needs nothing; lowering it needs a recorded reason."""
    if new not in RISK_LEVELS:
        raise ValueError(f"未知风险等级 {new!r}，应为 {'/'.join(RISK_LEVELS)}")
    if rank(new) < rank(current) and not (reason or "").strip():
        raise ValueError("降低风险等级必须填写理由")


def _red_leads(signals: Sequence[Mapping[str, Any]] | None) -> set[int]:
    return {ev["lead_id"] for s in signals or [] if s.get("red_flag")
            for ev in s.get("evidence") or [] if isinstance(ev.get("lead_id"), int)}


def new_red_leads(assessment: Assessment, previous: Mapping[str, Any],
                  updated: Mapping[int, datetime | None]) -> list[int]:
    """Leads behind the assessment's red flags that the previous assessment did not have,
    or that changed after the override."""
    since = previous.get("override_at")
    known = _red_leads(previous.get("signals"))
    return sorted(i for i in _red_leads(assessment.signals)
                  if i not in known or (isinstance(since, datetime)
                                        and (t := updated.get(i)) is not None and t > since))


def reassess(assessment: Assessment, previous: Mapping[str, Any] | None,
             updated: Mapping[int, datetime | None] | None = None) -> dict[str, Any]:
    """A case's new assessment record: the computed level, the override carried over from
    the previous record, and a note when a new red flag lifted a lowered override.
    ``updated`` maps lead ids to when each lead last arrived or changed."""
    prev = previous or {}
    override = prev.get("override_level") or None
    by, reason, at = prev.get("override_by"), prev.get("override_reason"), prev.get("override_at")
    before = prev.get("override_from")
    note = None
    computed = assessment.level
    if lowered(override, before, computed) and computed == "红":
        fresh = new_red_leads(assessment, prev, updated or {})
        if fresh:
            when = f"{at:%Y-%m-%d %H:%M}" if isinstance(at, datetime) else "此前"
            note = (f"{by or '协调员'}于{when}将等级调为{override}（理由：{reason or '无'}），"
                    f"此后出现新的红色风险线索（{'、'.join(f'线索#{i}' for i in fresh)}），"
                    "已自动恢复为红")
            override, by, reason, at, before = None, None, None, None, None
    return {"level": effective_level(computed, override, before), "score": assessment.score,
            "computed_level": computed, "signals": assessment.signals,
            "history": assessment.history, "override_level": override, "override_by": by,
            "override_reason": reason, "override_at": at, "override_from": before, "note": note}


def signals_without(signals: Sequence[Mapping[str, Any]] | None,
                    lead_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Stored signals with every piece of evidence from these leads taken out (a person
    forgotten); a signal left with no evidence is dropped."""
    gone = set(lead_ids)
    out = []
    for sig in signals or []:
        kept = []
        for ev in sig.get("evidence") or []:
            if ev.get("lead_id") in gone:
                continue
            if "lead_ids" in ev:
                ev = {**ev, "lead_ids": [i for i in ev["lead_ids"] if i not in gone]}
                if not ev["lead_ids"]:
                    continue
            kept.append(ev)
        if kept:
            out.append({**sig, "evidence": kept})
    return out


def apply_override(record: Mapping[str, Any], level: str, by: str, reason: str | None,
                   at: datetime) -> dict[str, Any]:
    """A case's assessment record with a coordinator's new level: raising is free, lowering
    needs a reason; who, when, why and the level it changed are kept. Setting the computed
    level again clears the override."""
    if not by.strip():
        raise ValueError("调整风险等级必须注明调整人")
    check_override(record["level"], level, reason)
    out = {**record, "note": None}
    if level == record["computed_level"]:
        out.update(level=level, override_level=None, override_by=None, override_reason=None,
                   override_at=None, override_from=None)
        return out
    out.update(level=level, override_level=level, override_by=by.strip(),
               override_reason=(reason or "").strip() or None, override_at=at,
               override_from=record["level"])
    return out
