"""Across cases: a person's red history, and the persons behind several cases (重点人员).

A new incident involving a person who was red in another case within the last
``prior_red_days`` is red (policy); a person behind ``key_person_cases`` cases, or
``key_person_red`` red ones, in that period is a key person, and every case of theirs
says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from triage.risk.history import LeadFacts
from triage.risk.scorer import Assessment, RiskScorer
from triage.risk.text import Hit


@dataclass
class KeyPerson:
    """A person behind several cases, or several red ones, in the period."""

    person_id: int
    case_ids: list[str]
    red_case_ids: list[str]


def _red_times(facts: Sequence[LeadFacts], a: Assessment) -> list[datetime]:
    """When the case was red: its red-flag leads, else (red by a rule over several leads,
    such as escalation) its latest lead."""
    times = [x.at for x in facts if x.red and x.at is not None]
    if times or a.level != "红":
        return times
    dated = [x.at for x in facts if x.at is not None]
    return [max(dated)] if dated else []


def assess_cases(scorer: RiskScorer, cases: Mapping[str, Sequence[Mapping[str, Any]]],
                 now: datetime | None = None, text_hits: Mapping[int, list[Hit]] | None = None,
                 ) -> tuple[dict[str, Assessment], list[KeyPerson]]:
    """Every case's assessment, with its persons' history in other cases, and the key
    persons. ``now`` as in ``RiskScorer.score``; ``text_hits`` by lead id, where they were
    found beforehand (a lead missing from it is read here)."""
    found = text_hits or {}
    h = scorer.cfg.history
    facts: dict[str, list[LeadFacts]] = {}
    out: dict[str, Assessment] = {}
    for cid, leads in cases.items():
        petitions = sum(1 for lead in leads if lead.get("source") == "petition")
        facts[cid] = [scorer.facts(lead, petitions, found.get(int(lead.get("id") or 0)))
                      for lead in leads]
        out[cid] = scorer.assess(facts[cid], now)

    period = timedelta(days=h.prior_red_days)
    by_person: dict[int, set[str]] = defaultdict(set)
    for cid, fs in facts.items():
        for x in fs:
            if x.person_id is not None and (now is None or x.at is None or now - x.at <= period):
                by_person[x.person_id].add(cid)
    red_at = {cid: _red_times(fs, out[cid]) for cid, fs in facts.items()}

    keys = []
    for pid, cids in sorted(by_person.items()):
        red = sorted(c for c in cids if red_at[c])
        if len(cids) >= h.key_person_cases or len(red) >= h.key_person_red:
            keys.append(KeyPerson(pid, sorted(cids), red))
    key_of = {k.person_id: k for k in keys}

    for cid, fs in facts.items():
        persons = {x.person_id for x in fs if x.person_id is not None}
        others = {c for p in persons for c in by_person.get(p, ()) if c != cid}
        times = [(t, f"案件{c}") for c in sorted(others) for t in red_at[c]]
        extra = []
        for p in sorted(persons & key_of.keys()):
            k = key_of[p]
            extra.append(Hit("重点人员", h.key_person_points, False, 0, {
                "person_id": p, "case_ids": k.case_ids,
                "words": f"{h.prior_red_days}天内涉及{len(k.case_ids)}件纠纷（红色{len(k.red_case_ids)}件）",
                "text": "当事人同时涉及案件" + "、".join(k.case_ids)}))
        if times or extra:
            out[cid] = scorer.assess(fs, now, times, extra)
    return out, keys
