"""Score each case's risk (红/橙/黄/蓝) with the signals and words behind it.

Points add up per distinct signal; a red-flag signal forces 红. Every signal
keeps its evidence: which lead, which words, in which sentence.

Text signals are frames written in ``data/lexicons/risk.toml``: patterns built
from named word lists (``{cue}.{0,12}{harm}``: a threat cue, then a harm), with
context a signal requires or excludes (a family relation for domestic violence).
Every match in a clause is examined. A match does not count when a negation
governs it (没有动手, 否认扬言, 双方无肢体冲突): the scope of a negation runs
from it to the end of its part of the clause, which ends at a turn such as 但,
随后 or 就. Words that merely contain a negation character (无故, 未成年,
不是第一次) negate nothing. Hedges (担心, 怕, 如果) make what follows them in
their part of the clause no signal: fear is a reason to follow up, not a threat.
Decoys (跳楼价, 砍价, 打官司, 气死我了) are blanked before anything is matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from triage.domain import RISK_LEVELS, SOURCE_LABELS

CLAUSE = re.compile(r"[^，,。；;！!？?\n]+")  # quotes stay inside: 他说“弄死你” is one clause
SENTENCE = re.compile(r"[^。！!？?\n]+[。！!？?]*")
WORD_LIST = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
BLANK = "□"  # stands for a decoy's or a pseudo-negation's characters, keeping positions


def _compiles(patterns: Iterable[str]) -> None:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"bad pattern {p!r}: {exc}") from exc


class SignalSpec(BaseModel):
    """One text signal: its patterns, and the context it needs or excludes in the lead."""

    name: str
    points: float = Field(ge=0)
    red_flag: bool = False
    patterns: list[str]
    requires: list[str] = Field(default_factory=list)  # each of these somewhere in the text
    unless: list[str] = Field(default_factory=list)  # none of these anywhere in the text
    examples: list[str] = Field(default_factory=list)  # sentences it must fire on (tested)

    @field_validator("patterns")
    @classmethod
    def _some(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("a signal needs at least one pattern")
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
    """What negates, what only looks like it, what hedges, and where a scope ends."""

    model_config = ConfigDict(extra="forbid")

    words: list[str] = Field(min_length=1)
    pseudo: list[str] = Field(default_factory=list)  # 无故, 未成年: contain a negation, negate nothing
    hedges: list[str] = Field(default_factory=list)  # 担心, 怕, 如果: what follows is not a fact
    boundaries: list[str] = Field(default_factory=list)  # 但, 随后, 就: a negation's scope ends here
    refutations: list[str] = Field(default_factory=list)  # 系误传, 与事实不符: what came before is denied


class RiskConfig(BaseModel):
    """The risk lexicon and weights of ``data/lexicons/risk.toml``, validated."""

    model_config = ConfigDict(extra="forbid")

    levels: dict[str, float]
    negation: NegationConfig
    words: dict[str, list[str]] = Field(default_factory=dict)  # {name} in a pattern: any of them
    decoys: list[str] = Field(default_factory=list)
    signal: list[SignalSpec]
    flags: FlagsConfig
    history: HistoryConfig

    def expand(self, pattern: str, depth: int = 0) -> str:
        """A pattern with each ``{name}`` replaced by the alternation of that word list (a
        list may name other lists, a few levels deep)."""
        if depth > 4:
            raise ValueError(f"word lists name each other too deeply in {pattern!r}")

        def one(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in self.words:
                raise ValueError(f"pattern {pattern!r} names an unknown word list {{{name}}}")
            return "(?:" + "|".join(self.expand(w, depth + 1)
                                    for w in sorted(self.words[name], key=len, reverse=True)) + ")"
        return WORD_LIST.sub(one, pattern)

    @model_validator(mode="after")
    def _patterns(self) -> RiskConfig:
        for name, words in self.words.items():
            if not words:
                raise ValueError(f"[words] {name} is empty")
        for spec in self.signal:
            _compiles(self.expand(p) for p in (*spec.patterns, *spec.requires, *spec.unless))
        _compiles(self.decoys)
        return self

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

        def alternation(words: Iterable[str]) -> re.Pattern[str] | None:
            words = sorted({w for w in words if w}, key=len, reverse=True)
            return re.compile("|".join(map(re.escape, words))) if words else None

        def compiled(patterns: Iterable[str]) -> list[re.Pattern[str]]:
            return [re.compile(cfg.expand(p)) for p in patterns]

        self._signals = [(s, compiled(s.patterns), compiled(s.requires), compiled(s.unless))
                         for s in cfg.signal]
        neg = cfg.negation
        self._decoys = re.compile("|".join(f"(?:{d})" for d in cfg.decoys)) if cfg.decoys else None
        self._negation = alternation(neg.words)
        self._pseudo = alternation(neg.pseudo)
        self._hedges = alternation(neg.hedges)
        self._boundaries = alternation(neg.boundaries)
        self._refutations = alternation(neg.refutations)

    def _blank(self, pattern: re.Pattern[str] | None, text: str) -> str:
        return text if pattern is None else pattern.sub(lambda m: BLANK * len(m.group(0)), text)

    def _starts(self, pattern: re.Pattern[str] | None, text: str) -> list[int]:
        return [] if pattern is None else [m.start() for m in pattern.finditer(text)]

    def _denied(self, text: str) -> list[tuple[int, int]]:
        """Spans whose words are no fact: a question (咨询：如果对方动手，要验伤吗？), or what a
        later refutation in the same sentence denies (所称“不想活”系误传)."""
        out = []
        for s in SENTENCE.finditer(text):
            body = s.group(0)
            if body.rstrip().endswith(("？", "?", "吗")):
                out.append(s.span())
                continue
            at = self._starts(self._refutations, body)
            if at:
                out.append((s.start(), s.start() + max(at)))
        return out

    @staticmethod
    def _governed(m: re.Match[str], markers: Sequence[int], cut: Sequence[int]) -> bool:
        """Whether a negation or hedge governs the match: it stands before the match's end
        (not as its first character) with no turn of the sentence in between."""
        return any(n != m.start() and n < m.end() and not any(n < b < m.end() for b in cut)
                   for n in markers)

    def text_hits(self, lead_id: int, text: str | None) -> list[Hit]:
        """Signals found in one description, with the matched words and their clause."""
        hits: list[Hit] = []
        if not text:
            return hits
        plain = unicodedata.normalize("NFKC", text)
        seen = self._blank(self._decoys, plain)
        bare = self._blank(self._pseudo, seen)  # for finding negations only
        denied = self._denied(seen)
        for clause_m in CLAUSE.finditer(seen):
            lo, hi = clause_m.span()
            if any(a <= lo < b for a, b in denied):
                continue
            clause = seen[lo:hi]
            cut = self._starts(self._boundaries, clause)
            negated = self._starts(self._negation, bare[lo:hi])
            hedged = self._starts(self._hedges, clause)
            for spec, patterns, requires, unless in self._signals:
                if not all(r.search(seen) for r in requires):
                    continue
                if any(u.search(seen) for u in unless):
                    continue
                for m in (m for pat in patterns for m in pat.finditer(clause)):
                    if self._governed(m, (*negated, *hedged), cut):
                        continue
                    hits.append(Hit(spec.name, spec.points, spec.red_flag, {
                        "lead_id": lead_id, "words": plain[lo + m.start():lo + m.end()],
                        "text": plain[lo:hi].strip()}))
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
