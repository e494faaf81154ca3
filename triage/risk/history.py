"""Rules over a case's leads in time: repeated reports, escalation, prior red, fading.

Each lead is reduced to its facts (when, which agency, whose, how severe, red or not);
the rules read only those. Severity: 0 nothing, 1 heated words, 2 physical contact or
abuse, 3 injury, 4 a red flag. A lead older than ``fade_days`` before the assessment
no longer counts (a case quiet for months is not red forever); its signals still show
as history, and a red one still makes any new incident within ``prior_red_days`` red.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from triage.domain import SOURCE_LABELS
from triage.risk.config import HistoryConfig
from triage.risk.text import Hit

SEVERITY_WORDS = ("无", "言语冲突", "肢体冲突", "伤害", "红色风险")


@dataclass
class LeadFacts:
    """What the history rules need of one lead."""

    id: int
    source: str
    at: datetime | None  # reported, else first seen
    updated: datetime | None  # last time its content changed in the store
    person_id: int | None
    hits: list[Hit] = field(default_factory=list)

    @property
    def severity(self) -> int:
        return max((h.severity for h in self.hits), default=0)

    @property
    def red(self) -> bool:
        return any(h.red_flag for h in self.hits)


def faded(lead: LeadFacts, now: datetime | None, cfg: HistoryConfig) -> bool:
    """Whether a lead is too old to count (a lead without a date always counts)."""
    return now is not None and lead.at is not None and now - lead.at > timedelta(days=cfg.fade_days)


def _agencies(leads: Sequence[LeadFacts]) -> str:
    return "、".join(SOURCE_LABELS.get(s, s) for s in sorted({lead.source for lead in leads}))


def repeated(recent: Sequence[LeadFacts], cfg: HistoryConfig) -> Hit | None:
    """A case of ``repeat_leads`` or more leads that still count."""
    if len(recent) < cfg.repeat_leads:
        return None
    return Hit("反复报告", cfg.repeat_points, False, 0, {
        "lead_ids": [lead.id for lead in recent], "words": f"{len(recent)}条线索",
        "text": f"近{cfg.fade_days}天内{len(recent)}条线索（{_agencies(recent)}）"})


def escalation(leads: Sequence[LeadFacts], now: datetime | None, cfg: HistoryConfig) -> Hit | None:
    """Three or more leads within 30 days from two or more agencies, where a later lead
    reaches physical contact or worse and is more severe than the first (a red flag)."""
    dated = sorted((lead for lead in leads if lead.at is not None), key=lambda x: (x.at, x.id))
    span = timedelta(days=cfg.escalation_days)
    for i, first in enumerate(dated):
        assert first.at is not None
        window = [x for x in dated[i:] if x.at is not None and x.at - first.at <= span]
        if len(window) < cfg.escalation_leads or len({x.source for x in window}) < cfg.escalation_agencies:
            continue
        worse = [x for x in window[1:] if x.severity >= cfg.escalation_severity
                 and x.severity > first.severity and not faded(x, now, cfg)]
        if worse:
            top = max(worse, key=lambda x: x.severity)
            return Hit("升级态势", cfg.red_points, True, 4, {
                "lead_ids": [x.id for x in window], "lead_id": top.id,
                "words": f"{cfg.escalation_days}天内{len(window)}条线索",
                "text": (f"{cfg.escalation_days}天内{len(window)}条线索（{_agencies(window)}），"
                         f"由{SEVERITY_WORDS[first.severity]}升级为{SEVERITY_WORDS[top.severity]}")})
    return None


def prior_red(leads: Sequence[LeadFacts], now: datetime | None, cfg: HistoryConfig,
              red_times: Sequence[tuple[datetime, str]] = (), what: str = "本案") -> Hit | None:
    """A new incident (a lead that still counts) within ``prior_red_days`` after a red one
    that no longer counts: in this case's own leads, or at ``red_times`` (when, where) of
    its persons' other cases."""
    past = [(x.at, f"线索#{x.id}") for x in leads if x.red and x.at is not None and faded(x, now, cfg)]
    past += list(red_times)
    if not past:
        return None
    window = timedelta(days=cfg.prior_red_days)
    for lead in leads:
        if lead.at is None or faded(lead, now, cfg):
            continue
        for when, where in sorted(past):
            if when < lead.at <= when + window:
                name = "既往红色风险" if what == "本案" else "当事人既往红色风险"
                return Hit(name, cfg.red_points, True, 4, {
                    "lead_id": lead.id, "words": f"{when:%Y-%m-%d}曾为红色（{where}）",
                    "text": f"{what}{when:%Y-%m-%d}曾有红色风险（{where}），{cfg.prior_red_days}天内再次发生"})
    return None
