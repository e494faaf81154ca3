"""风险共评: each case's risk level (红/橙/黄/蓝), the signals and words behind it, and
its explanation in Chinese.

``RiskScorer`` scores one case from its leads; ``assess_cases`` scores them all with
each person's history across cases; ``reassess`` carries a coordinator's override into
a new assessment; ``explain`` writes what a coordinator reads. The lexicon, weights,
history rules and deadlines are ``data/lexicons/risk.toml`` (``RiskConfig``).
"""

from triage.risk.config import Deadline, RiskConfig, SignalSpec
from triage.risk.explain import due, explain
from triage.risk.history import LeadFacts
from triage.risk.override import (
    apply_override,
    check_override,
    effective_level,
    reassess,
    signals_without,
)
from triage.risk.persons import KeyPerson, assess_cases
from triage.risk.scorer import Assessment, RiskScorer, level_for
from triage.risk.text import Hit, TextSignals

__all__ = [
    "Assessment",
    "Deadline",
    "Hit",
    "KeyPerson",
    "LeadFacts",
    "RiskConfig",
    "RiskScorer",
    "SignalSpec",
    "TextSignals",
    "apply_override",
    "assess_cases",
    "check_override",
    "due",
    "effective_level",
    "explain",
    "level_for",
    "reassess",
    "signals_without",
]
