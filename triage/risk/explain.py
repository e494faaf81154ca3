"""Each case's explanation in Chinese, and the follow-up deadline of its level.

What a coordinator reads: the level (and the computed one, if a coordinator changed
it), the red flags, each signal with its quote, the agency, the date and the lead it
came from, who did it to whom where the text says, the deadline to follow up, the
override with who, when and why, and the history that no longer counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from triage.masking import scrub_numbers
from triage.risk.config import Deadline


def due(since: datetime, deadline: Deadline) -> datetime:
    """When a case that reached its level at ``since`` must have been followed up. Working
    days skip Saturdays and Sundays (public holidays are not known here)."""
    if deadline.hours is not None:
        return since + timedelta(hours=deadline.hours)
    if deadline.days is not None:
        return since + timedelta(days=deadline.days)
    at, left = since, deadline.working_days or 0
    while left:
        at += timedelta(days=1)
        if at.weekday() < 5:
            left -= 1
    return at


def _evidence(ev: Mapping[str, Any]) -> str:
    parts = []
    quote = scrub_numbers(ev.get("text")) or ""  # no phone or ID number reaches what is shown
    words = scrub_numbers(ev.get("words")) or ""
    parts.append(f"“{quote}”" if quote else words)
    if quote and words and words not in quote:
        parts.append(f"（{words}）")
    where = "，".join(str(x) for x in (ev.get("source"), ev.get("date")) if x)
    if isinstance(ev.get("lead_id"), int):
        where = f"{where}，线索#{ev['lead_id']}" if where else f"线索#{ev['lead_id']}"
    line = "".join(parts) + (f"——{where}" if where else "")
    who = [f"行为人：{ev['actor']}" if ev.get("actor") else "",
           f"对象：{ev['target']}" if ev.get("target") else ""]
    if any(who):
        line += "（" + "，".join(w for w in who if w) + "）"
    return line


def _signals(signals: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = []
    for s in signals:
        tag = "（红色预警）" if s.get("red_flag") else ""
        evidence = s.get("evidence") or [{}]
        lines.append(f"· {s['signal']}{tag}：{_evidence(evidence[0])}")
        lines.extend(f"    另见：{_evidence(ev)}" for ev in evidence[1:3])
    return lines


def explain(record: Mapping[str, Any], deadline: Deadline, by: datetime | None,
            fade_days: int) -> str:
    """The explanation of one assessment record (as ``reassess`` returns it)."""
    level, computed = record["level"], record["computed_level"]
    head = f"风险等级：{level}"
    if level != computed:
        head += f"（系统计算为{computed}）"
    lines = [head]
    red = [s["signal"] for s in record.get("signals") or [] if s.get("red_flag")]
    lines.append("红色预警：" + ("、".join(red) if red else "无"))
    when = f"（{by:%Y-%m-%d %H:%M}前）" if by else ""
    lines.append(f"跟进时限：{deadline.label()}内{when}")
    if record.get("override_level"):
        at = record.get("override_at")
        stamp = f"{at:%Y-%m-%d %H:%M}" if isinstance(at, datetime) else ""
        lines.append(f"协调员调整：{record.get('override_by') or '协调员'}{stamp}调为"
                     f"{record['override_level']}，理由：{record.get('override_reason') or '无'}")
    if record.get("note"):
        lines.append(f"提示：{record['note']}")
    signals = record.get("signals") or []
    lines.append("依据：" if signals else "依据：未发现风险信号")
    lines.extend(_signals(signals))
    history = record.get("history") or []
    if history:
        lines.append(f"历史信号（线索已超过{fade_days}天，不再计入等级）：")
        lines.extend(_signals(history))
    return "\n".join(lines)
