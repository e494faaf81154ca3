"""The risk configuration of ``data/lexicons/risk.toml``, validated on load.

Everything a deployment tunes lives there: word lists, signals (frames over the word
lists) with their points, severity and examples, negation and hedges, decoys, the
structured flags of the exports, the history rules (escalation, prior red, fading,
key persons) and the follow-up deadline of each level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from triage.domain import RISK_LEVELS

WORD_LIST = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

SEVERITY_HELP = "0 nothing, 1 heated words, 2 physical contact or abuse, 3 injury, 4 red flag"


def _compiles(patterns: Iterable[str]) -> None:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"bad pattern {p!r}: {exc}") from exc


class FlagSpec(BaseModel):
    """A signal's name, its points, whether it is a red flag, and its severity."""

    model_config = ConfigDict(extra="forbid")

    name: str
    points: float = Field(ge=0)
    red_flag: bool = False
    severity: int = Field(default=0, ge=0, le=4, description=SEVERITY_HELP)


class SignalSpec(FlagSpec):
    """One text signal: its patterns, and the context it needs or excludes in the lead."""

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


class FlagsConfig(BaseModel):
    """Signals from the exports' structured columns."""

    model_config = ConfigDict(extra="forbid")

    dv_flag: FlagSpec
    skip_level: FlagSpec  # counts only together with a repeated petition (policy: both)
    repeat_flag: FlagSpec
    urgent: FlagSpec
    urgent_values: list[str] = Field(default_factory=lambda: ["紧急", "特急"])
    collective: FlagSpec
    collective_headcount: int = Field(default=5, ge=2)
    order_application: FlagSpec | None = None  # a referral (转介) that names a protection order
    order_words: list[str] = Field(default_factory=lambda: ["保护令"])


class HistoryConfig(BaseModel):
    """Rules over a case's leads in time, and over a person's cases."""

    model_config = ConfigDict(extra="forbid")

    repeat_leads: int = Field(default=3, ge=2)  # a case of this many recent leads ...
    repeat_points: float = 15  # ... gets these points (黄 on its own)
    escalation_days: int = Field(default=30, ge=1)  # so many leads within so many days ...
    escalation_leads: int = Field(default=3, ge=2)
    escalation_agencies: int = Field(default=2, ge=1)  # ... from so many agencies ...
    escalation_severity: int = Field(default=2, ge=1, le=4)  # ... a later one this severe
    prior_red_days: int = Field(default=365, ge=1)  # a new incident within this of a red one
    fade_days: int = Field(default=90, ge=1)  # signals older than this stop counting
    key_person_cases: int = Field(default=2, ge=2)  # a person behind this many cases ...
    key_person_red: int = Field(default=2, ge=1)  # ... or this many red ones is 重点人员
    key_person_points: float = Field(default=0, ge=0)
    red_points: float = Field(default=60, ge=0)  # points of the red flags these rules raise


class NegationConfig(BaseModel):
    """What negates, what only looks like it, what hedges, and where a scope ends."""

    model_config = ConfigDict(extra="forbid")

    words: list[str] = Field(min_length=1)
    pseudo: list[str] = Field(default_factory=list)  # 无故, 未成年: contain a negation, negate nothing
    hedges: list[str] = Field(default_factory=list)  # 担心, 怕, 如果: what follows is not a fact
    boundaries: list[str] = Field(default_factory=list)  # 但, 随后, 就: a negation's scope ends here
    not_turns: list[str] = Field(default_factory=list)  # 就医, 还钱: hold a turn's word, turn nothing
    refutations: list[str] = Field(default_factory=list)  # 系误传, 与事实不符: what came before is denied
    past: list[str] = Field(default_factory=list)  # 十年前: the clause tells history
    # 小说, 段子, 哈哈, 听邻居说: the whole sentence is a story, a joke or hearsay (unless
    # negated right before: 不是开玩笑)
    scenes: list[str] = Field(default_factory=list)
    # A sentence that says it is over and has not come back (戒酒后一年多没再发生过) tells history,
    # unless it also tells it came back (又, 昨晚): regular expressions, like ``scenes``
    resolved: list[str] = Field(default_factory=list)
    relapse: list[str] = Field(default_factory=list)
    # A what-if followed by advice (如果他以后动手，应该先验伤还是先报警) asks, it tells nothing;
    # unless someone is quoted or retold saying it (对方称如果不还钱就……)
    conditional: list[str] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)
    speech: list[str] = Field(default_factory=list)
    # The words of a law, quoted or applied in general (《反家庭暴力法》第二条规定，……;
    # 殴打他人的，处……拘留): from where one starts to the end of its sentence, no fact of the case
    law: list[str] = Field(default_factory=list)


class Deadline(BaseModel):
    """How soon a case of a level must be followed up: hours, days, or working days."""

    model_config = ConfigDict(extra="forbid")

    hours: float | None = Field(default=None, gt=0)
    days: float | None = Field(default=None, gt=0)
    working_days: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one(self) -> Deadline:
        if sum(v is not None for v in (self.hours, self.days, self.working_days)) != 1:
            raise ValueError("a deadline sets exactly one of hours, days, working_days")
        return self

    def label(self) -> str:
        """The deadline as a coordinator reads it: 2小时, 3个工作日, 7天."""
        if self.hours is not None:
            return f"{self.hours:g}小时"
        if self.working_days is not None:
            return f"{self.working_days}个工作日"
        return f"{self.days:g}天"


class RiskConfig(BaseModel):
    """The risk lexicon and weights of ``data/lexicons/risk.toml``, validated."""

    model_config = ConfigDict(extra="forbid")

    levels: dict[str, float]
    deadlines: dict[str, Deadline]
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
        if set(self.deadlines) != set(RISK_LEVELS):
            raise ValueError(f"[deadlines] must set exactly {list(RISK_LEVELS)}")
        return self
