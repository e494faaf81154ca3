"""Co-agencies (共调单位): which agencies join a case, from its risk signals and from words
in its text read as whole terms that no negation, hedge or question governs (不想去法院
brings no court)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from triage.risk import RiskConfig
from triage.risk.config import SignalSpec
from triage.risk.text import TextSignals
from triage.routing.cases import CaseToRoute
from triage.routing.config import CoAgencyRule

Cut = Callable[[str], list[str]]


class CoAgencies:
    """The co-agency rules, compiled once; the risk lexicon lends its negation, hedges,
    decoys and clause splitting, so a word here is read as a risk word would be."""

    def __init__(self, rules: Sequence[CoAgencyRule], risk: RiskConfig, cut: Cut) -> None:
        self.rules = list(rules)
        self._cut = cut
        specs = [SignalSpec(name=str(i), points=0, patterns=[re.escape(w) for w in rule.words])
                 for i, rule in enumerate(self.rules) if rule.words]
        self._words = TextSignals(risk.model_copy(update={"signal": specs, "decoys": []})) if specs else None

    def _whole(self, clause: str, word: str) -> bool:
        """The word ends where a word of the clause ends: a term of its own or the head of a
        compound (人民法院 for 法院, 保护令 cut as 保护/令), not the start of another word
        (起诉书)."""
        ends, at = set(), 0
        for token in self._cut(clause):
            at += len(token)
            ends.add(at)
        start = clause.find(word)
        while start >= 0:
            if start + len(word) in ends:
                return True
            start = clause.find(word, start + 1)
        return False

    def words_found(self, text: str) -> set[int]:
        """Indexes of the rules whose words the text states."""
        if self._words is None or not text:
            return set()
        return {int(h.signal) for h in self._words.hits(0, text)
                if self._whole(h.evidence["text"], h.evidence["words"])}

    def for_case(self, case: CaseToRoute,
                 rejected: Sequence[str] = ()) -> tuple[list[str], list[str]]:
        """The agencies that join, in rule order, and why; those a coordinator rejected for
        this case stay out."""
        said = self.words_found(case.text)
        agencies: list[str] = []
        reasons: list[str] = []
        for i, rule in enumerate(self.rules):
            signals = [s for s in rule.signals if s in case.signals]
            if not signals and i not in said:
                continue
            joined = [a for a in rule.agencies if a not in agencies and a not in rejected]
            agencies.extend(joined)
            basis = f"信号：{'、'.join(signals)}" if signals else "文本提及"
            reasons.append(f"{rule.reason}（{basis}）→ {'、'.join(rule.agencies)}"
                           + (f"；协调员已排除 {'、'.join(a for a in rule.agencies if a in rejected)}"
                              if set(rule.agencies) & set(rejected) else ""))
        return agencies, reasons
