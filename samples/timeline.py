"""One case over time: which agencies hear of it when, how it escalates, who reports.

A case's leads go to the agencies its type usually reaches (wages to 12345 and the
petition office, family quarrels to the police and the women's federation); the
second half of an escalating case drifts to the police and petitions. Gaps between
reports shrink as a risky case escalates, at the hours each agency takes reports.
Each lead has a stage (blue to red) that rises towards the case's level, and a
reporter: mostly the complainant, sometimes the other side, a relative or a
neighbour; the case's top signal always reaches some agency. Each lead is then
written (``texts``) and recorded (``records``); the case gets its truth row.
"""

from __future__ import annotations

from typing import Any

from samples.agencies import HOTLINE, PETITION, POLICE, SOURCES, WF
from samples.chance import Dice, Weighted
from samples.parties import Actor, Cast, Parties
from samples.people import People
from samples.places import Places
from samples.records import Recorder
from samples.scenarios import Case, Scenarios, Signals
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
        """Parties, leads and texts of one case."""
        sig = self.scenarios.signals(c)
        self.scenarios.fit_subject(c, sig)
        cast = self.parties.cast(c)
        n = c.n_leads
        if ("repeat_across" in sig.orange or sig.red == "collective") and n < 3:
            n = 3  # reports to several agencies, or petitions after earlier reports
        subject_phr = self.scenarios.subject_phrases(c)
        srcs = self._agencies(c, sig, n)
        srcs, secs = self._times(c, srcs)
        stages = self._stages(c.level, n)
        reporters = self._leads(c, cast, sig, subject_phr, srcs, secs, stages)
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
            "risk_level": c.level,
            "party_idx": cast.party_ids,
            "reporter_idx": list(dict.fromkeys(reporters)),
            "lead_count": n,
            "sources": "|".join(dict.fromkeys(SOURCES[s] for s in srcs)),
            "first_sec": secs[0],
            "last_sec": secs[-1],
            "lookalike_of": c.lookalike_of,
            "signals": "|".join(sig.keys()),
            "org": cast.org or None,
        })

    def _agencies(self, c: Case, sig: Signals, n: int) -> list[int]:
        """The agency of each lead (escalating cases drift to police and petitions)."""
        rng = self.dice.rng
        srcs: list[int] = []
        for i in range(n):
            if c.level in ("红", "橙") and i >= n // 2:
                srcs.append(_SOURCE_W_ESCALATED[c.dtype].pick(rng))
            else:
                srcs.append(_SOURCE_W[c.dtype].pick(rng))
        if sig.red == "collective":
            for i in range(max(1, n - 2), n):
                srcs[i] = PETITION
        if "repeat_across" in sig.orange and len(set(srcs)) < 2:
            srcs[-1] = PETITION if srcs[-1] != PETITION else POLICE
        return srcs

    def _times(self, c: Case, srcs: list[int]) -> tuple[list[int], list[int]]:
        """Report times (seconds after the start) in order, with the agencies reordered."""
        dice = self.dice
        rng = dice.rng
        n = len(srcs)
        offs = [0.0]
        g = _GAP[c.level]
        decay = _DECAY[c.level]
        for _ in range(n - 1):
            offs.append(offs[-1] + rng.expovariate(1.0 / g) + 0.02)
            g *= decay
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

    def _stages(self, level: str, n: int) -> list[str]:
        """The escalation stage of each lead, rising to the case's level."""
        dice = self.dice
        rng = dice.rng
        if level == "红":
            turn = dice.ri(max(1, n // 2), n - 1)
            return ["red" if i >= turn else ("orange" if i and rng.random() < 0.5 else
                                             ("yellow" if rng.random() < 0.7 else "blue"))
                    for i in range(n)]
        if level == "橙":
            turn = dice.ri(n // 2, n - 1) if n > 1 else 0
            return ["orange" if i >= turn else ("yellow" if rng.random() < 0.6 else "blue")
                    for i in range(n)]
        if level == "黄":
            stages = ["yellow" if rng.random() < 0.65 else "blue" for _ in range(n)]
            stages[-1] = "yellow"
            return stages
        return ["blue"] * n

    def _leads(self, c: Case, cast: Cast, sig: Signals, subject_phr: list[str],
               srcs: list[int], secs: list[int], stages: list[str]) -> list[int]:
        """Write and record each lead; return the reporters in lead order."""
        dice = self.dice
        rng = dice.rng
        n = len(srcs)
        a1 = cast.a1
        persp_w = _PERSP_N if c.dtype in ("婚姻家庭", "邻里", "土地/宅基地", "其他") else _PERSP
        top_done = False  # has a lead carried the case's top signal yet?
        petitions = 0
        reporters: list[int] = []
        for i in range(n):
            src = srcs[i]
            stage = stages[i]
            actor = self._reporter(c, cast, persp_w, i, n, stage, top_done)
            rep = actor.pid
            if src == WF and self.people.p_sex[rep] == 1 and actor.side != "K" and rng.random() < 0.7:
                src = POLICE if rng.random() < 0.5 else HOTLINE  # men rarely go to the 妇联
            if src == PETITION and stage == "red" and sig.red == "collective":
                actor = a1 if actor.side != "A" else actor  # the complainants petition together
                rep = actor.pid
            reporters.append(rep)
            side = actor.side
            shown = "yellow" if side == "B" and stage in ("red", "orange") else stage
            S = subject_phr[0] if rng.random() < 0.55 else dice.ch(subject_phr)
            second = None
            if src == PETITION:
                mates = [a.pid for a in cast.actors if a.side == side and a.pid != rep]
                second = mates[0] if mates else None
            nm = self.people.recorded_name(rep, src, second)
            desc, carried = self.writer.description(c, cast, actor, src, S, nm, shown, sig, i == 0)
            top_done = top_done or carried
            self.recorder.record(c, cast, sig, src=src, sec=secs[i], rep=rep, side=side,
                                 stage=stage, shown=shown, name=nm, desc=desc,
                                 earlier_petitions=petitions)
            if src == PETITION:
                petitions += 1
        return reporters

    def _reporter(self, c: Case, cast: Cast, persp_w: Weighted, i: int, n: int, stage: str,
                  top_done: bool) -> Actor:
        """Who reports lead ``i``: the first lead mostly the complainant."""
        dice = self.dice
        rng = dice.rng
        a_side, b_side, a1, b1 = cast.a_side, cast.b_side, cast.a1, cast.b1
        level = c.level
        p = (("A" if rng.random() < 0.85 else ("B" if rng.random() < 0.4 else "A2"))
             if i == 0 else persp_w.pick(rng))
        top = (stage == "red" and level == "红") or (stage == "orange" and level == "橙")
        if top and p == "B" and i == n - 1 and not top_done:
            p = "A"  # the case's top signal must reach some agency
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
