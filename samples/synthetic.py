"""Synthetic multi-agency dispute leads with ground truth, for the demo, tests and benchmarks.

Pure generation, no file I/O: ``generate`` returns frames; ``samples.exports``
turns them into messy agency files. The model follows how disputes really reach the
four agencies, because linking and risk scoring are measured against its truth:

* A *case* is one dispute between 2-4 parties (husband/wife/mother-in-law, two
  neighbours, creditor/debtor, workers/contractor, owner/property company ...) in one
  village or community, of one dispute type, about one subject (空调外机对着窗户,
  欠款3万元不还, 继承的房子 ...). It produces 1-12 leads over days to weeks; riskier
  cases produce more leads, closer together, with stronger words as they escalate.
* Reporters vary inside a case: the other party, a relative or a neighbour report a
  good share of the leads. Descriptions name the parties, often masked (``鲁某``).
* Each agency shows a person its own way (police masks names, 12345 mishears them,
  the petition office records ID numbers in old or masked forms). The leads frame
  holds these *recorded* values in clean canonical format; formatting noise (date
  forms, phone punctuation, full-width digits) is added by the export writer.
* Confounders: the same person in an unrelated case months later, look-alike cases
  (other households, same village, same kind of quarrel, same weeks), common
  surnames, a family landline shared by relatives in different cases.
* Risk truth comes from what happened: each case draws a target level (红/橙/黄/蓝 about
  5/15/30/50 %, to keep the mix) and from it the events of each lead (a threat, a
  weapon, a suicide threat, a beating with injury, strangulation, a breached protection
  order, domestic violence, a physical conflict, a collective or repeated skip-level
  petition, heated words, nothing). The leads tell those events in many wordings
  (``tellings``), with negated, hedged and decoy mentions in any case, and the
  structured flags agree with them. The true level is then computed from the told
  events by issue 11's policy (``risk_truth``), escalation across agencies included.

The parts, one module each, all drawing from one seeded stream (``chance``) in a fixed
order: ``places`` (villages, homes, addresses), ``names`` and ``people`` (persons,
households, ID numbers, phones), ``scenarios`` (case skeletons, plans),
``parties`` (who each case is between, who else reports), ``timeline`` (agencies,
times, reporters and events of a case's leads), ``texts`` and ``tellings`` (the
descriptions), ``risk_truth`` (the policy's level from the told events), ``records``
(the agencies' structured fields) and ``frames`` (the three frames). This module wires
them together and keeps the public names.

Everything is deterministic for a seed. Per-lead work is a few string formats; IDs,
phones and references are vectorized at the end: a million leads take about 35 s on
one core (``generate(425_000, ...)``).
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from samples.agencies import SOURCES
from samples.chance import Dice
from samples.frames import assemble
from samples.names import homophone_variant
from samples.parties import Parties
from samples.people import People, id_check_digit
from samples.places import TOWN_CODES, Places
from samples.records import LeadColumns, Recorder
from samples.scenarios import RISK_SHARES, TYPES, Scenarios
from samples.texts import Writer
from samples.timeline import Timeline

__all__ = [
    "LEAD_COLUMNS",
    "RISK_SHARES",
    "SOURCES",
    "TOWN_CODES",
    "TYPES",
    "SyntheticData",
    "generate",
    "homophone_variant",
    "id_check_digit",
]

LEAD_COLUMNS: tuple[str, ...] = (
    "source", "source_ref", "reported_at", "reporter_name", "reporter_phone", "reporter_id",
    "reporter_sex", "reporter_age", "address", "category", "description", "disposition",
    "urgency", "channel", "headcount", "repeat_flag", "skip_level", "dv_flag", "referral",
    "unit", "handler", "deadline", "request_type", "case_id", "person_id", "risk_level",
)
"""Columns of ``SyntheticData.leads``; the last three are truth, the rest agency data."""


@dataclass
class SyntheticData:
    """Generated leads with their truth, the cases they belong to and the persons.

    ``leads``: ``LEAD_COLUMNS``, one row per lead in report-time order; values as the
    agency recorded them (masked names, old IDs ...) in clean format; the truth columns
    are ``case_id``, ``person_id`` (the reporter) and ``risk_level`` (of the case).
    ``cases``: ``case_id, dispute_type, subject, district, town, village, village_code,
    risk_level, parties, party_names, reporters`` (``|``-joined), ``lead_count, sources,
    first_reported_at, last_reported_at, lookalike_of, signals`` (the drawn plan),
    ``risk_events`` (every event the leads told, ``|``-joined, with ``escalation`` and
    ``three_leads`` where the policy's case rules apply), ``red_flags`` (what made a red
    case red), ``org``.
    ``persons``: ``person_id, name, sex, birth_date, id_number`` (valid GB 11643),
    ``mobile, landline, household_id, village_code, address``.
    """

    leads: pd.DataFrame
    cases: pd.DataFrame
    persons: pd.DataFrame

    @property
    def truth(self) -> pd.DataFrame:
        """One row per lead: ``source, source_ref, case_id, person_id, risk_level``."""
        return self.leads[["source", "source_ref", "case_id", "person_id", "risk_level"]]


def generate(cases: int, seed: int, *, start: date = date(2024, 1, 1), days: int = 365,
             units: Sequence[Mapping[str, str]], outside: float = 0.0) -> SyntheticData:
    """Generate ``cases`` disputes and their leads from ``start`` over ``days`` days.

    ``units`` are gazetteer rows (``units.csv`` as dicts); leads fall in the villages and
    communities of 北七家镇, 台湖镇 and 广安门外街道 (or any villages given if those
    towns are absent), and with ``outside`` > 0 that share in neighbouring towns of their
    districts. Same arguments, same frames.
    """
    if not 0 <= outside < 1:
        raise ValueError("outside must be in [0, 1)")
    if cases < 0:
        raise ValueError("cases must be >= 0")
    days = max(1, int(days))
    dice = Dice(seed)
    places = Places(units, dice, outside)
    people = People(dice, places)
    scenarios = Scenarios(dice, places, days)
    leads = LeadColumns()
    timeline = Timeline(dice, places, people, Parties(dice, places, people), scenarios,
                        Writer(dice, people, places), Recorder(dice, people, places, leads), days)
    # millions of small, acyclic objects: the cyclic GC would rescan them over and over
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for c in scenarios.seeds(cases):
            timeline.build(c)
        lead_frame, case_frame, persons = assemble(start, dice, places, people, leads,
                                                    timeline.case_rows)
        return SyntheticData(leads=lead_frame, cases=case_frame, persons=persons)
    finally:
        if gc_was_enabled:
            gc.enable()
