"""Score a case's risk (红/橙/黄/蓝) from its leads, with the signals and words behind it.

Points add up per distinct signal; a red-flag signal forces 红 whatever the points.
Signals come from the text (``triage.risk.text``), from the exports' structured
columns, and from the case's leads in time (``triage.risk.history``). Leads too old
to count still show: their signals are the case's history, not its level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from triage.domain import RISK_LEVELS, SOURCE_LABELS
from triage.risk.config import RiskConfig
from triage.risk.history import LeadFacts, escalation, faded, prior_red, repeated
from triage.risk.text import Hit, TextSignals


@dataclass
class Assessment:
    """One case's computed risk: level, points, the signals that count, and history."""

    level: str
    score: float
    signals: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)  # signals of faded leads

    @property
    def red_flags(self) -> list[str]:
        return [s["signal"] for s in self.signals if s["red_flag"]]


def level_for(score: float, thresholds: Mapping[str, float]) -> str:
    """The level a score reaches, from 蓝 up."""
    level = "蓝"
    for name in RISK_LEVELS[1:]:
        if score >= thresholds[name]:
            level = name
    return level


def _when(value: Any) -> datetime | None:
    """A datetime, or None for anything else (a missing value, pandas' NaT)."""
    return value if isinstance(value, datetime) and value == value else None


def _is(value: Any) -> bool:
    return value is True or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and value == 1)


class RiskScorer:
    """Scores cases from their leads; built once per run from the configuration."""

    def __init__(self, cfg: RiskConfig) -> None:
        self.cfg = cfg
        self.text = TextSignals(cfg)

    def text_hits(self, lead_id: int, text: str | None, year: int | None = None) -> list[Hit]:
        """Signals found in one description reported in ``year`` (see ``triage.risk.text``)."""
        return self.text.hits(lead_id, text, year)

    def flag_hits(self, lead: Mapping[str, Any], petitions: int = 1) -> list[Hit]:
        """Signals from the exports' structured columns; ``petitions`` is how many petition
        leads the case has (a skip-level petition counts only when it is also repeated)."""
        f = self.cfg.flags
        lid = lead.get("id")

        def hit(spec: Any, words: str) -> Hit:
            return Hit(spec.name, spec.points, spec.red_flag, spec.severity,
                       {"lead_id": lid, "words": words, "text": ""})

        hits = []
        if _is(lead.get("dv_flag")):
            hits.append(hit(f.dv_flag, "家暴标记=是"))
        repeated_petition = _is(lead.get("repeat_flag")) or petitions > 1
        if _is(lead.get("repeat_flag")):
            hits.append(hit(f.repeat_flag, "重复信访=是"))
        if _is(lead.get("skip_level")) and repeated_petition:
            hits.append(hit(f.skip_level, "越级=是，重复信访"))
        if lead.get("urgency") in f.urgent_values:
            hits.append(hit(f.urgent, f"紧急程度={lead['urgency']}"))
        headcount = lead.get("headcount")
        if isinstance(headcount, (int, float)) and headcount == headcount \
                and headcount >= f.collective_headcount:
            hits.append(hit(f.collective, f"人数={int(headcount)}"))
        extra = lead.get("extra")
        referral = extra.get("referral") if isinstance(extra, Mapping) else None
        if f.order_application and isinstance(referral, str) \
                and any(w in referral for w in f.order_words):
            hits.append(hit(f.order_application, f"转介={referral}"))
        return hits

    @staticmethod
    def updated(lead: Mapping[str, Any]) -> datetime | None:
        """When the lead last arrived or changed (its report time when the store has none)."""
        return _when(lead.get("updated_at")) or RiskScorer._at(lead)

    @staticmethod
    def report_year(lead: Mapping[str, Any]) -> int | None:
        """The year a lead was reported: the text's "now" for what it dates as history."""
        at = RiskScorer._at(lead)
        return at.year if at else None

    @staticmethod
    def _at(lead: Mapping[str, Any]) -> datetime | None:
        return _when(lead.get("reported_at")) or _when(lead.get("first_seen_at"))

    def facts(self, lead: Mapping[str, Any], petitions: int = 1,
              text_hits: list[Hit] | None = None) -> LeadFacts:
        """One lead's signals, each with the agency and date it came from; ``text_hits``, when
        given, are its description's (found beforehand, e.g. in worker processes)."""
        lid = int(lead.get("id") or 0)
        at = self._at(lead)
        found = (self.text_hits(lid, lead.get("description"), self.report_year(lead))
                 if text_hits is None else text_hits)
        hits = [*found, *self.flag_hits(lead, petitions)]
        source = str(lead.get("source") or "")
        for h in hits:
            h.evidence["source"] = SOURCE_LABELS.get(source, source)
            h.evidence["date"] = f"{at:%Y-%m-%d}" if at else None
        person = lead.get("person_id")
        return LeadFacts(lid, source, at, self.updated(lead),
                         int(person) if isinstance(person, (int, float)) and person == person else None,
                         hits)

    def score(self, leads: Sequence[Mapping[str, Any]], now: datetime | None = None,
              red_times: Sequence[tuple[datetime, str]] = ()) -> Assessment:
        """Assess one case from its leads (dicts with the lead columns). ``now`` is when the
        assessment holds (leads older than the fade period before it no longer count; by
        default nothing fades); ``red_times`` are when and where this case's persons were
        red in other cases."""
        petitions = sum(1 for lead in leads if lead.get("source") == "petition")
        facts = [self.facts(lead, petitions) for lead in leads]
        return self.assess(facts, now, red_times)

    def assess(self, facts: Sequence[LeadFacts], now: datetime | None,
               red_times: Sequence[tuple[datetime, str]] = (),
               extra: Sequence[Hit] = ()) -> Assessment:
        """Combine the leads' facts with the history rules (and ``extra`` hits from across
        cases) into an assessment."""
        h = self.cfg.history
        recent = [x for x in facts if not faded(x, now, h)]
        old = [x for x in facts if faded(x, now, h)]
        hits = [hit for x in recent for hit in x.hits]
        for rule in (repeated(recent, h), escalation(facts, now, h), prior_red(facts, now, h),
                     prior_red(facts, now, h, red_times, "当事人") if red_times else None):
            if rule is not None:
                hits.append(rule)
        out = self.combine([*hits, *extra])
        out.history = self.combine(hit for x in old for hit in x.hits).signals
        return out

    def combine(self, hits: Iterable[Hit]) -> Assessment:
        """Distinct signals count once; evidence of all their hits is kept (up to 5)."""
        by_signal: dict[str, dict[str, Any]] = {}
        for hit in hits:
            entry = by_signal.setdefault(hit.signal, {
                "signal": hit.signal, "points": hit.points, "red_flag": hit.red_flag,
                "severity": hit.severity, "evidence": []})
            entry["points"] = max(entry["points"], hit.points)
            entry["red_flag"] = entry["red_flag"] or hit.red_flag
            entry["severity"] = max(entry["severity"], hit.severity)
            if len(entry["evidence"]) < 5:
                entry["evidence"].append(hit.evidence)
        signals = sorted(by_signal.values(), key=lambda e: (-e["red_flag"], -e["points"]))
        score = float(sum(e["points"] for e in signals))
        level = level_for(score, self.cfg.levels)
        if any(e["red_flag"] for e in signals):
            level = "红"
        return Assessment(level, score, signals)
