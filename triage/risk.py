"""Score each case's risk (红/橙/黄/蓝) with the signals and words behind it.

Points add up per distinct signal; a red-flag signal forces 红. Every signal
keeps its evidence: which lead, which words, in which sentence. Negated
mentions (没有动手) do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from triage.domain import RISK_LEVELS, SOURCE_LABELS

CLAUSE = re.compile(r"[^，,。；;！!？?\n]+")


class SignalSpec(BaseModel):
    name: str
    points: float = Field(ge=0)
    red_flag: bool = False
    patterns: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("a signal needs at least one pattern")
        for p in v:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"bad pattern {p!r}: {exc}") from exc
        return v


class FlagSpec(BaseModel):
    name: str
    points: float = Field(ge=0)
    red_flag: bool = False


class FlagsConfig(BaseModel):
    dv_flag: FlagSpec
    skip_level: FlagSpec
    repeat_flag: FlagSpec
    urgent: FlagSpec
    collective: FlagSpec
    collective_headcount: int = 5


class HistoryConfig(BaseModel):
    repeat_leads: int = 3
    repeat_points: float = 15
    cross_agency: int = 2
    cross_agency_points: float = 10
    accelerating_days: int = 7
    accelerating_leads: int = 3
    accelerating_points: float = 15


class NegationConfig(BaseModel):
    words: list[str]
    window: int = 6


class RiskConfig(BaseModel):
    """The risk lexicon and weights of ``data/lexicons/risk.toml``, validated."""

    levels: dict[str, float]
    negation: NegationConfig
    signal: list[SignalSpec]
    flags: FlagsConfig
    history: HistoryConfig

    @model_validator(mode="after")
    def _levels(self) -> RiskConfig:
        expected = set(RISK_LEVELS[1:])
        if set(self.levels) != expected:
            raise ValueError(f"[levels] must set exactly {sorted(expected)}")
        if not self.levels["黄"] <= self.levels["橙"] <= self.levels["红"]:
            raise ValueError("[levels] must rise: 黄 ≤ 橙 ≤ 红")
        return self


@dataclass
class Hit:
    signal: str
    points: float
    red_flag: bool
    evidence: dict[str, Any]


@dataclass
class Assessment:
    """One case's computed risk."""

    level: str
    score: float
    signals: list[dict[str, Any]] = field(default_factory=list)


class RiskScorer:
    """Scores cases from their leads; built once per run from the configuration."""

    def __init__(self, cfg: RiskConfig) -> None:
        self.cfg = cfg
        self._signals = [(s, [re.compile(p) for p in s.patterns]) for s in cfg.signal]
        self._negation = re.compile("|".join(map(re.escape, sorted(cfg.negation.words,
                                                                     key=len, reverse=True))))

    def _negated(self, clause: str, start: int) -> bool:
        window = clause[max(0, start - self.cfg.negation.window):start]
        return bool(self._negation.search(window))

    def text_hits(self, lead_id: int, text: str | None) -> list[Hit]:
        """Signals found in one description, with the matched words."""
        hits: list[Hit] = []
        if not text:
            return hits
        for clause_m in CLAUSE.finditer(text):
            clause = clause_m.group(0)
            for spec, patterns in self._signals:
                for pat in patterns:
                    m = pat.search(clause)
                    if m is None or self._negated(clause, m.start()):
                        continue
                    hits.append(Hit(spec.name, spec.points, spec.red_flag, {
                        "lead_id": lead_id, "words": m.group(0), "text": clause.strip()}))
                    break
        return hits

    def flag_hits(self, lead: Mapping[str, Any]) -> list[Hit]:
        """Signals from the exports' structured columns."""
        f = self.cfg.flags
        lid = lead.get("id")
        hits = []
        for key, spec in (("dv_flag", f.dv_flag), ("skip_level", f.skip_level),
                          ("repeat_flag", f.repeat_flag)):
            if lead.get(key) is True:
                hits.append(Hit(spec.name, spec.points, spec.red_flag,
                                {"lead_id": lid, "words": f"{key}=是", "text": ""}))
        if lead.get("urgency") in ("紧急", "特急"):
            hits.append(Hit(f.urgent.name, f.urgent.points, f.urgent.red_flag,
                            {"lead_id": lid, "words": str(lead["urgency"]), "text": ""}))
        headcount = lead.get("headcount")
        if isinstance(headcount, int) and headcount >= f.collective_headcount:
            hits.append(Hit(f.collective.name, f.collective.points, f.collective.red_flag,
                            {"lead_id": lid, "words": f"人数={headcount}", "text": ""}))
        return hits

    def history_hits(self, leads: Sequence[Mapping[str, Any]]) -> list[Hit]:
        """Repeated, cross-agency and accelerating reports."""
        h = self.cfg.history
        hits = []
        ids = [lead.get("id") for lead in leads]
        if len(leads) >= h.repeat_leads:
            hits.append(Hit("反复报告", h.repeat_points, False,
                            {"lead_ids": ids, "words": f"{len(leads)}条线索", "text": ""}))
        agencies = sorted({str(lead.get("source")) for lead in leads})
        if len(agencies) >= h.cross_agency:
            labels = "、".join(SOURCE_LABELS.get(a, a) for a in agencies)
            hits.append(Hit("多部门报告", h.cross_agency_points, False,
                            {"lead_ids": ids, "words": labels, "text": ""}))
        times = sorted(t for t in (lead.get("reported_at") for lead in leads)
                       if isinstance(t, datetime))
        span = timedelta(days=h.accelerating_days)
        n = h.accelerating_leads
        if any(times[i + n - 1] - times[i] <= span for i in range(len(times) - n + 1)):
            hits.append(Hit("短期内频繁报告", h.accelerating_points, False,
                            {"lead_ids": ids, "words": f"{h.accelerating_days}天内{n}条以上",
                             "text": ""}))
        return hits

    def score(self, leads: Sequence[Mapping[str, Any]]) -> Assessment:
        """Assess one case from its leads (dicts with id, description and flags)."""
        hits: list[Hit] = []
        for lead in leads:
            hits.extend(self.text_hits(int(lead.get("id") or 0), lead.get("description")))
            hits.extend(self.flag_hits(lead))
        hits.extend(self.history_hits(leads))
        return self.combine(hits)

    def combine(self, hits: Iterable[Hit]) -> Assessment:
        """Distinct signals count once; evidence of all their hits is kept (up to 5)."""
        by_signal: dict[str, dict[str, Any]] = {}
        for hit in hits:
            entry = by_signal.setdefault(hit.signal, {
                "signal": hit.signal, "points": hit.points, "red_flag": hit.red_flag,
                "evidence": []})
            entry["points"] = max(entry["points"], hit.points)
            entry["red_flag"] = entry["red_flag"] or hit.red_flag
            if len(entry["evidence"]) < 5:
                entry["evidence"].append(hit.evidence)
        signals = sorted(by_signal.values(), key=lambda e: (-e["red_flag"], -e["points"]))
        score = float(sum(e["points"] for e in signals))
        level = level_for(score, self.cfg.levels)
        if any(e["red_flag"] for e in signals):
            level = "红"
        return Assessment(level, score, signals)


def reassess(assessment: Assessment, previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """A case's new assessment record: the computed level, and a coordinator's override
    carried over from the previous assessment (it stands until a coordinator changes it)."""
    prev = previous or {}
    override = prev.get("override_level") or None
    return {"level": effective_level(assessment.level, override), "score": assessment.score,
            "computed_level": assessment.level, "signals": assessment.signals,
            "override_level": override, "override_by": prev.get("override_by"),
            "override_reason": prev.get("override_reason")}


def level_for(score: float, thresholds: Mapping[str, float]) -> str:
    """The level a score reaches, from 蓝 up."""
    level = "蓝"
    for name in RISK_LEVELS[1:]:
        if score >= thresholds[name]:
            level = name
    return level


def effective_level(computed: str, override: str | None) -> str:
    """A coordinator's override stands (raising is free; lowering was recorded with a reason)."""
    return override or computed


def check_override(current: str, new: str, reason: str | None) -> None:
    """Raising a level needs nothing; lowering it needs a recorded reason."""
    if new not in RISK_LEVELS:
        raise ValueError(f"未知风险等级 {new!r}，应为 {'/'.join(RISK_LEVELS)}")
    if RISK_LEVELS.index(new) < RISK_LEVELS.index(current) and not (reason or "").strip():
        raise ValueError("降低风险等级必须填写理由")


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
