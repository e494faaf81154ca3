"""The generator's risk truth: issue 11's policy applied to what happened in a case.

A case's scenario draws *events* lead by lead (a threat, a weapon, a beating with
injury ...); each lead's text or structured columns tell them. This module is the
policy, written once, that turns the told events into the case's true level; it
never looks at wording. The scorer under test must reach the same level from the
text and the columns alone.

Policy (issue 11):

* 红 (red flags): a threat to kill or seriously harm (``threat``), a weapon or means in
  hand or named in a threat (``weapon``), a suicide threat (``suicide``), domestic
  violence with injury (``dv_injury``), strangulation or smothering, with or without
  injury (``strangle``), a breached protection order (``order_breach``); and
  escalation: 3 or more leads of the case within 30 days from 2 or more agencies,
  where a later lead reaches physical contact or worse and is more severe than the
  first (``escalation``).
* 橙: domestic violence without injury, physical (``dv_hit``: beating, habitual
  abuse) or not (``dv_control``: intimidation, control, stalking); physical conflict
  (``physical``: 推搡, 厮打, 轻微伤); a petition of 5 or more people
  (``group_petition``); a petition both repeated and skip-level (``repeat_skip``).
* 黄: heated words (``heated``), or a case of 3 or more leads (``three_leads``).
* 蓝: the rest. Negated, hedged and decoy mentions are not events at all.

(The policy's person rule -- a new case of a person who was red in the last 12
months -- is a cross-case rule; the generator's truth is per case and leaves it out.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

LEVELS: tuple[str, ...] = ("蓝", "黄", "橙", "红")

RED_EVENTS: tuple[str, ...] = ("threat", "weapon", "suicide", "dv_injury", "strangle",
                               "order_breach")
ORANGE_EVENTS: tuple[str, ...] = ("dv_hit", "dv_control", "physical", "group_petition",
                                  "repeat_skip")
YELLOW_EVENTS: tuple[str, ...] = ("heated",)
DV_EVENTS: frozenset[str] = frozenset({"dv_hit", "dv_control", "dv_injury", "strangle",
                                       "order_breach"})
CONTACT_EVENTS: frozenset[str] = frozenset({"dv_hit", "physical", "dv_injury", "strangle"})
"""Events where someone laid hands on someone (physical contact or worse)."""

EVENT_LEVEL: dict[str, str] = {
    **{e: "红" for e in RED_EVENTS}, **{e: "橙" for e in ORANGE_EVENTS}, "heated": "黄",
}
# Severity of a lead for the escalation rule: words < non-contact orange < contact < red.
EVENT_RANK: dict[str, int] = {
    "heated": 1, "dv_control": 2, "group_petition": 2, "repeat_skip": 2,
    "physical": 3, "dv_hit": 3, **{e: 4 for e in RED_EVENTS},
}
CONTACT_RANK = 3
ESCALATION_DAYS = 30.0


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What one lead tells: its day, its agency, the events its text tells, its flags."""

    day: float  # days since any fixed origin
    source: str | int
    events: frozenset[str] = frozenset()
    headcount: int | None = None
    repeat: bool = False
    skip: bool = False
    dv_flag: bool = False

    def all_events(self) -> frozenset[str]:
        """Told events plus those the structured columns tell."""
        extra = set()
        if self.headcount is not None and self.headcount >= 5:
            extra.add("group_petition")
        if self.repeat and self.skip:
            extra.add("repeat_skip")
        if self.dv_flag and not (self.events & DV_EVENTS):
            extra.add("dv_control")  # the 妇联 says it is domestic violence: at least that
        return self.events | extra if extra else self.events


@dataclass(frozen=True, slots=True)
class Truth:
    """A case's true level and the events behind it."""

    level: str
    events: tuple[str, ...]  # every event of the case, sorted, with case-level ones
    deciding: tuple[str, ...] = field(default=())  # the events that set the level


def lead_rank(events: Iterable[str]) -> int:
    return max((EVENT_RANK.get(e, 0) for e in events), default=0)


def escalates(leads: Sequence[LeadFacts]) -> bool:
    """Three or more leads within 30 days from two or more agencies, a later one reaching
    physical contact or worse and more severe than the first of them."""
    if len(leads) < 3:
        return False
    ordered = sorted(leads, key=lambda f: f.day)
    ranks = [lead_rank(f.all_events()) for f in ordered]
    for i, first in enumerate(ordered):
        window = [j for j in range(i, len(ordered))
                  if ordered[j].day - first.day <= ESCALATION_DAYS]
        if len(window) < 3 or len({ordered[j].source for j in window}) < 2:
            continue
        if any(ranks[j] >= CONTACT_RANK and ranks[j] > ranks[i] for j in window[1:]):
            return True
    return False


def case_truth(leads: Sequence[LeadFacts]) -> Truth:
    """The policy's level for a case from what its leads tell."""
    events: set[str] = set()
    for f in leads:
        events |= f.all_events()
    extra = []
    if escalates(leads):
        extra.append("escalation")
    if len(leads) >= 3:
        extra.append("three_leads")
    everything = tuple(sorted(events)) + tuple(extra)
    red = sorted(e for e in events if EVENT_LEVEL.get(e) == "红")
    if "escalation" in extra:
        red.append("escalation")
    if red:
        return Truth("红", everything, tuple(red))
    orange = sorted(e for e in events if EVENT_LEVEL.get(e) == "橙")
    if orange:
        return Truth("橙", everything, tuple(orange))
    yellow = sorted(e for e in events if EVENT_LEVEL.get(e) == "黄")
    if "three_leads" in extra:
        yellow.append("three_leads")
    if yellow:
        return Truth("黄", everything, tuple(yellow))
    return Truth("蓝", everything, ())
