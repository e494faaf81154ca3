"""One case over time: which agencies hear of it when, how it escalates, who reports.

A case's leads go to the agencies its type usually reaches (wages to 12345 and the
petition office, family quarrels to the police and the women's federation); the
second half of an escalating case drifts to the police and petitions. Gaps between
reports shrink as a risky case escalates, at the hours each agency takes reports.
Each lead has a reporter (mostly the complainant, sometimes the other side, a
relative or a neighbour) and the events it tells, drawn from the case's plan: the
top event once or more (at the turn of an escalating case, or first of all), lower
events before it. Each lead is then written (``texts``) and recorded (``records``);
the case's true level is computed from what its leads told (``risk_truth``).
"""

from __future__ import annotations

from typing import Any

from samples.agencies import HOTLINE, PETITION, POLICE, SOURCES, WF
from samples.chance import Dice, Weighted
from samples.parties import Actor, Cast, Parties
from samples.people import People
from samples.places import Places
from samples.records import Recorder
from samples.risk_truth import CONTACT_EVENTS, DV_EVENTS, LeadFacts, case_truth, escalates
from samples.scenarios import Case, Plan, Scenarios
from samples.texts import Writer

# police, women's federation, petition, 12345
_SOURCE_BY_TYPE = {
    "婚姻家庭": (44, 30, 5, 21), "邻里": (38, 2, 6, 54), "债务/经济": (48, 2, 15, 35),
    "物业": (8, 0, 10, 82), "劳资/欠薪": (18, 0, 30, 52), "土地/宅基地": (25, 1, 40, 34),
    "继承": (22, 16, 25, 37), "消费": (8, 0, 2, 90), "施工扰民": (15, 0, 5, 80),
    "其他": (40, 2, 6, 52),
}
_SOURCE_W = {t: Weighted(list(enumerate(w))) for t, w in _SOURCE_BY_TYPE.items()}
_SOURCE_W_ESCALATED = {
    t: Weighted([(0, w[0] * 1.5), (1, w[1]), (2, w[2] * 2.0 + 3), (3, w[3] * 0.7)])
    for t, w in _SOURCE_BY_TYPE.items()
}
_HOUR_W = {
    POLICE: Weighted(list(enumerate(
        (3, 2, 1.5, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 3, 3, 3, 4, 5, 7, 8, 9, 9, 7, 5)))),
    HOTLINE: Weighted(list(enumerate(
        (.3, .2, .1, .1, .1, .2, .5, 2, 5, 7, 7, 6, 4, 5, 6, 6, 5, 4, 3, 3, 2, 2, 1, .6)))),
    WF: Weighted(list(enumerate(
        (0, 0, 0, 0, 0, 0, 0, .5, 4, 6, 6, 5, 2, 4, 6, 6, 5, 2, 1, 1, .5, .3, 0, 0)))),
}
# Gaps between reports (days): the first gap, and how each next gap shrinks, by level.
_GAP = {"蓝": 12.0, "黄": 8.0, "橙": 6.0, "红": 9.0}
_DECAY = {"蓝": 1.0, "黄": 0.95, "橙": 0.82, "红": 0.62}
# Who reports a later lead: A complainant, B the other side, K a relative, N a neighbour.
_PERSP_N = Weighted({"A": 55, "B": 22, "K": 13, "N": 10})
_PERSP = Weighted({"A": 55, "B": 22, "K": 20})


class Timeline:
    """Unfolds each case of a run into its leads and keeps the cases' truth rows."""

    def __init__(self, dice: Dice, places: Places, people: People, parties: Parties,
                 scenarios: Scenarios, writer: Writer, recorder: Recorder, days: int) -> None:
        self.dice = dice
        self.places = places
        self.people = people
        self.parties = parties
        self.scenarios = scenarios
        self.writer = writer
        self.recorder = recorder
        self.days = days
        self.case_rows: list[dict[str, Any]] = []

    def build(self, c: Case) -> None:
        """Parties, leads, texts and the true level of one case."""
        plan = self.scenarios.plan(c)
        self.scenarios.fit_subject(c, plan)
        cast = self.parties.cast(c)
        n = c.n_leads
        if plan.kind in ("escalation", "three_leads") and n < 3:
            n = 3
        if plan.kind == "repeat_skip" and n < 2:
            n = 2
        subject_phr = self.scenarios.subject_phrases(c)
        srcs = self._agencies(c, plan, n)
        srcs, secs = self._times(c, srcs, tight=plan.kind == "escalation")
        actors = self._reporters(c, cast, srcs)
        events = self._events(c, plan, srcs, secs)
        facts = self._leads(c, cast, plan, subject_phr, srcs, secs, actors, events)
        truth = case_truth(facts)
        reporters = [a.pid for a in actors]
        self.parties.done(cast, secs[-1] / 86400.0)
        v = self.places.villages[c.village]
        self.case_rows.append({
            "case_idx": c.idx,
            "dispute_type": c.dtype,
            "subject": subject_phr[0],
            "district": v.district,
            "town": v.town,
            "village": v.short,
            "village_code": v.code,
            "risk_level": truth.level,
            "party_idx": cast.party_ids,
            "reporter_idx": list(dict.fromkeys(reporters)),
            "lead_count": n,
            "sources": "|".join(dict.fromkeys(SOURCES[s] for s in srcs)),
            "first_sec": secs[0],
            "last_sec": secs[-1],
            "lookalike_of": c.lookalike_of,
            "signals": plan.kind or "",
            "risk_events": "|".join(truth.events),
            "red_flags": "|".join(truth.deciding) if truth.level == "红" else "",
            "target_level": c.level,
            "org": cast.org or None,
        })

    def _agencies(self, c: Case, plan: Plan, n: int) -> list[int]:
        """The agency of each lead (escalating cases drift to police and petitions)."""
        rng = self.dice.rng
        srcs: list[int] = []
        for i in range(n):
            if c.level in ("红", "橙") and i >= n // 2:
                srcs.append(_SOURCE_W_ESCALATED[c.dtype].pick(rng))
            else:
                srcs.append(_SOURCE_W[c.dtype].pick(rng))
        if plan.kind == "group_petition":
            srcs[-1] = PETITION
        elif plan.kind == "repeat_skip":
            srcs[-1] = srcs[-2] = PETITION
        elif plan.kind == "escalation" and len(set(srcs[:3])) < 2:
            w = _SOURCE_W[c.dtype]
            other = srcs[0]
            for _ in range(8):
                other = w.pick(rng)
                if other != srcs[0]:
                    break
            srcs[2] = other if other != srcs[0] else (POLICE if srcs[0] != POLICE else HOTLINE)
        return srcs

    def _times(self, c: Case, srcs: list[int], tight: bool = False) -> tuple[list[int], list[int]]:
        """Report times (seconds after the start) in order, with the agencies reordered.

        ``tight``: the first three reports fall within 25 days (an escalation).
        """
        dice = self.dice
        rng = dice.rng
        n = len(srcs)
        offs = [0.0]
        g = _GAP[c.level] if not tight else 4.0
        decay = _DECAY[c.level]
        for _ in range(n - 1):
            offs.append(offs[-1] + rng.expovariate(1.0 / g) + 0.02)
            g *= decay
        if tight and offs[2] > 25.0:
            offs = [o * 25.0 / offs[2] for o in offs]
        span = offs[-1]
        limit = self.days - 1.0
        if span > limit:
            offs = [o * limit / span for o in offs]
            span = limit
        start = min(c.start, limit - span)
        secs: list[int] = []
        for i in range(n):
            day = int(start + offs[i])
            s = srcs[i]
            if s == PETITION:
                tod = 0  # the petition office registers a date only
            else:
                h = _HOUR_W[s].pick(rng)
                tod = h * 3600 + dice.rr(60) * 60 + (dice.rr(60) if s == POLICE else 0)
            secs.append(day * 86400 + tod)
        order = sorted(range(n), key=secs.__getitem__)
        return [srcs[i] for i in order], [secs[i] for i in order]

    def _reporters(self, c: Case, cast: Cast, srcs: list[int]) -> list[Actor]:
        """Who reports each lead; men rarely go to the 妇联 (their lead goes elsewhere)."""
        rng = self.dice.rng
        persp_w = _PERSP_N if c.dtype in ("婚姻家庭", "邻里", "土地/宅基地", "其他") else _PERSP
        actors: list[Actor] = []
        for i, src in enumerate(srcs):
            actor = self._reporter(cast, persp_w, i)
            if src == WF and self.people.p_sex[actor.pid] == 1 and actor.side != "K" \
                    and rng.random() < 0.7:
                srcs[i] = POLICE if rng.random() < 0.5 else HOTLINE
            actors.append(actor)
        return actors

    def _events(self, c: Case, plan: Plan, srcs: list[int], secs: list[int]) -> list[set[str]]:
        """The events each lead tells, drawn from the plan; the policy decides the level."""
        dice = self.dice
        rng = dice.rng
        n = len(srcs)
        kind = plan.kind
        fam = c.dtype == "婚姻家庭"
        contact = "dv_hit" if fam else "physical"
        ev: list[set[str]] = [set() for _ in range(n)]

        def lower(allow_contact: bool) -> set[str]:
            r = rng.random()
            if plan.dv:
                if allow_contact and r < 0.2:
                    return {"dv_hit"}
                return {"dv_control"} if r < 0.45 else ({"heated"} if r < 0.8 else set())
            if allow_contact and not fam and r < 0.2:
                return {"physical"}
            return {"heated"} if r < 0.6 else set()

        if kind == "escalation":
            days = [s / 86400.0 for s in secs]
            k = max([j for j in range(2, n) if days[j] - days[0] <= 30.0], default=2)
            ev[0] = {"heated"} if rng.random() < 0.6 else set()
            for j in range(1, k):
                ev[j] = {"heated"} if rng.random() < 0.5 else set()
            ev[k] = {contact}
            for j in range(k + 1, n):
                ev[j] = {contact} if rng.random() < 0.4 else lower(False)
        elif kind is not None and c.level == "红":
            turn = dice.ri(max(1, n // 2), n - 1) if n > 1 else 0
            for j in range(turn):
                ev[j] = lower(True)
            ev[turn] = {kind}
            if kind != "threat" and rng.random() < 0.15:
                ev[turn].add("threat")
            if plan.dv and kind == "threat" and rng.random() < 0.4:
                ev[turn].add("dv_hit")
            for j in range(turn + 1, n):
                ev[j] = {kind} if rng.random() < 0.45 else lower(True)
        elif kind in ("group_petition", "repeat_skip"):
            turn = next(j for j in range(n - 1, -1, -1) if srcs[j] == PETITION)
            if kind == "repeat_skip":  # an earlier petition first, then the repeated one
                turn = max(j for j in range(n) if srcs[j] == PETITION)
            for j in range(n):
                ev[j] = {kind} if j == turn else lower(False)
        elif kind in ("dv_hit", "physical", "dv_control"):
            prefix = n == 1 or rng.random() < 0.5 or kind == "dv_control"
            turn = 0 if prefix else dice.ri(max(1, n // 2), n - 1)
            for j in range(n):
                if j == turn or (j > turn and rng.random() < 0.4):
                    ev[j] = {kind}
                else:
                    ev[j] = lower(False)
        elif kind == "heated":
            for j in range(n):
                ev[j] = {"heated"} if j == n - 1 or rng.random() < 0.4 else set()
        if plan.dv:  # the 妇联 hears of domestic violence and flags it
            for j in range(n):
                if srcs[j] == WF and not ev[j] & DV_EVENTS:
                    ev[j].add("dv_control")
        if c.level == "橙" and kind in CONTACT_EVENTS and self._escalates(srcs, secs, ev):
            # keep the drawn orange: the contact came first, later reports are milder
            for j in range(n):
                ev[j].discard(kind)
            ev[0].add(kind)
        return ev

    @staticmethod
    def _escalates(srcs: list[int], secs: list[int], ev: list[set[str]]) -> bool:
        return escalates([LeadFacts(s / 86400.0, src, frozenset(e))
                          for src, s, e in zip(srcs, secs, ev, strict=True)])

    def _leads(self, c: Case, cast: Cast, plan: Plan, subject_phr: list[str],
               srcs: list[int], secs: list[int], actors: list[Actor],
               events: list[set[str]]) -> list[LeadFacts]:
        """Write and record each lead; return what each told (the truth's input)."""
        dice = self.dice
        rng = dice.rng
        n = len(srcs)
        a1 = cast.a1
        recorder = self.recorder
        cols = recorder.leads
        petitions = 0
        facts: list[LeadFacts] = []
        for i in range(n):
            src = srcs[i]
            actor = actors[i]
            ev = events[i]
            if actor.side == "B" and ev & DV_EVENTS:
                actor = a1  # the one beaten or stalked tells it
            if "group_petition" in ev and actor.side != "A":
                actor = a1  # the complainants petition together
            actors[i] = actor
            rep = actor.pid
            S = subject_phr[0] if rng.random() < 0.55 else dice.ch(subject_phr)
            second = None
            if src == PETITION:
                mates = [a.pid for a in cast.actors if a.side == actor.side and a.pid != rep]
                second = mates[0] if mates else None
            nm = self.people.recorded_name(rep, src, second)
            head = dice.ri(5, 40) if "group_petition" in ev else 0
            desc, told = self.writer.description(c, cast, actor, src, S, nm, ev, head)
            recorder.record(c, cast, plan, src=src, sec=secs[i], rep=rep, side=actor.side,
                            events=told, head=head, name=nm, desc=desc,
                            earlier_petitions=petitions)
            h = cols.head[-1]
            facts.append(LeadFacts(secs[i] / 86400.0, src, frozenset(told),
                                   headcount=h if h >= 0 else None,
                                   repeat=cols.repeat[-1] == "是", skip=cols.skip[-1] == "是",
                                   dv_flag=cols.dv[-1] == "是"))
            if src == PETITION:
                petitions += 1
        return facts

    def _reporter(self, cast: Cast, persp_w: Weighted, i: int) -> Actor:
        """Who reports lead ``i``: the first lead mostly the complainant."""
        dice = self.dice
        rng = dice.rng
        a_side, b_side, a1, b1 = cast.a_side, cast.b_side, cast.a1, cast.b1
        p = (("A" if rng.random() < 0.85 else ("B" if rng.random() < 0.4 else "A2"))
             if i == 0 else persp_w.pick(rng))
        if p == "A2" or (p == "A" and len(a_side) > 1 and rng.random() < 0.3):
            return a_side[dice.rr(len(a_side))]
        if p == "A":
            return a1
        if p == "B":
            return b_side[dice.rr(len(b_side))] if rng.random() < 0.3 else b1
        if p == "K":
            if cast.kin is None:
                cast.kin = self.parties.relative(a1.pid if rng.random() < 0.8 else b1.pid)
            return cast.kin
        if cast.nb is None:
            cast.nb = self.parties.neighbour(a1.pid)
        return cast.nb
