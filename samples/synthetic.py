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
* Risk truth (红/橙/黄/蓝 about 5/15/30/50 %) is carried by the text of the leads
  (threats, weapons, suicide threats, injuries, domestic violence, vulnerable parties,
  negated mentions in low-risk cases) and by the structured flags, mostly consistently.

Everything is deterministic for a seed. Per-lead work is a few string formats; IDs,
phones and references are vectorized at the end: a million leads take about 35 s on
one core (``triage.synthetic.generate(425_000, ...)``).
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from samples.agencies import HOTLINE, PETITION, POLICE, SOURCES, WF, source_refs
from samples.chance import Dice, Weighted
from samples.names import homophone_variant
from samples.parties import Actor, Parties
from samples.people import People, id_check_digit
from samples.places import TOWN_CODES, Places
from samples.scenarios import RISK_SHARES, TYPES, Case, Scenarios
from samples.texts import Writer

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
    first_reported_at, last_reported_at, lookalike_of, signals, org``.
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


# --------------------------------------------------------------------------- helpers


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
# Agency category texts per dispute type.
_POLICE_CAT = {
    "婚姻家庭": Weighted({"纠纷-家庭纠纷": 80, "求助": 8, "纠纷-婚姻纠纷": 12}),
    "邻里": Weighted({"纠纷-邻里纠纷": 88, "求助": 6, "纠纷-其他纠纷": 6}),
    "债务/经济": Weighted({"纠纷-经济纠纷": 85, "纠纷-其他纠纷": 10, "求助": 5}),
    "物业": Weighted({"纠纷-物业纠纷": 70, "纠纷-其他纠纷": 30}),
    "劳资/欠薪": Weighted({"纠纷-劳资纠纷": 80, "求助": 10, "纠纷-其他纠纷": 10}),
    "土地/宅基地": Weighted({"纠纷-土地纠纷": 75, "纠纷-邻里纠纷": 15, "纠纷-其他纠纷": 10}),
    "继承": Weighted({"纠纷-家庭纠纷": 40, "纠纷-其他纠纷": 50, "求助": 10}),
    "消费": Weighted({"纠纷-消费纠纷": 80, "纠纷-经济纠纷": 20}),
    "施工扰民": Weighted({"扰民-施工扰民": 70, "治安-噪声扰民": 30}),
    "其他": Weighted({"纠纷-其他纠纷": 70, "求助": 30}),
}
_HOTLINE_CAT = {
    "婚姻家庭": Weighted({"社会管理>婚姻家庭>家庭纠纷": 5, "民政>婚姻家庭": 3, "社会秩序>家庭矛盾": 2}),
    "邻里": Weighted({"社会管理>邻里纠纷": 5, "社会秩序>邻里纠纷": 3, "城乡建设>住房管理>邻里纠纷": 2}),
    "债务/经济": Weighted({"社会管理>经济纠纷": 6, "经济管理>债务纠纷": 4}),
    "物业": Weighted({"城乡建设>住房管理>物业管理": 7, "城乡建设>物业服务>物业收费": 3}),
    "劳资/欠薪": Weighted({"劳动和社会保障>劳动关系>拖欠工资": 7, "劳动和社会保障>劳动保障监察": 3}),
    "土地/宅基地": Weighted({"农村管理>土地>宅基地": 7, "农业农村>农村土地>承包地": 3}),
    "继承": Weighted({"司法>法律咨询>继承": 6, "社会管理>继承纠纷": 4}),
    "消费": Weighted({"市场监管>消费纠纷>预付卡": 6, "市场监管>商品质量": 4}),
    "施工扰民": Weighted({"城乡建设>施工管理>施工扰民": 7, "环境保护>噪声污染>施工噪音": 3}),
    "其他": Weighted({"其他>其他": 6, "社会管理>其他": 4}),
}
_HOTLINE_GENERIC = Weighted({"其他>其他": 5, "综合>咨询": 3, "社会管理>矛盾纠纷": 4})
_PETITION_CAT = {
    "婚姻家庭": Weighted({"婚姻家庭": 7, "民政>婚姻家庭": 3}),
    "邻里": Weighted({"邻里纠纷": 7, "城乡建设>邻里矛盾": 3}),
    "债务/经济": Weighted({"经济纠纷": 6, "债务纠纷": 4}),
    "物业": Weighted({"城乡建设>物业管理": 10}),
    "劳资/欠薪": Weighted({"劳动社保>拖欠工资": 7, "劳动保障": 3}),
    "土地/宅基地": Weighted({"农村农业>土地>宅基地": 6, "国土资源>宅基地": 4}),
    "继承": Weighted({"财产继承": 6, "继承纠纷": 4}),
    "消费": Weighted({"市场监管>消费维权": 10}),
    "施工扰民": Weighted({"城乡建设>施工扰民": 10}),
    "其他": Weighted({"其他": 10}),
}
_REQUEST_TYPES = {
    "蓝": Weighted({"咨询": 35, "求助": 20, "投诉": 35, "建议": 5, "举报": 5}),
    "黄": Weighted({"咨询": 12, "求助": 30, "投诉": 50, "举报": 8}),
    "橙": Weighted({"咨询": 5, "求助": 55, "投诉": 35, "举报": 5}),
    "红": Weighted({"求助": 65, "投诉": 30, "举报": 5}),
}
_HOUR_W = {
    POLICE: Weighted(list(enumerate(
        (3, 2, 1.5, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 3, 3, 3, 4, 5, 7, 8, 9, 9, 7, 5)))),
    HOTLINE: Weighted(list(enumerate(
        (.3, .2, .1, .1, .1, .2, .5, 2, 5, 7, 7, 6, 4, 5, 6, 6, 5, 4, 3, 3, 2, 2, 1, .6)))),
    WF: Weighted(list(enumerate(
        (0, 0, 0, 0, 0, 0, 0, .5, 4, 6, 6, 5, 2, 4, 6, 6, 5, 2, 1, 1, .5, .3, 0, 0)))),
}

_POLICE_DISPO = {
    "蓝": ("现场调解，双方达成和解", "告知双方通过诉讼途径解决", "已移交司法所调解", "双方各自离开",
          "告知拨打12345反映"),
    "黄": ("现场调解，双方达成和解", "对双方进行批评教育", "已移交司法所调解",
          "告知通过诉讼途径解决"),
    "橙": ("对双方进行批评教育", "建议就医验伤", "已移交司法所调解", "已出具家庭暴力告诫书"),
    "红": ("已将{b}带回派出所调查", "已对{b}依法行政拘留", "已出具家庭暴力告诫书",
          "已受理为治安案件",
          "已通报属地司法所和村居重点关注"),
}
_WF_DISPO = {
    "low": ("提供法律咨询", "已转介司法所调解", "已联系社区妇联主席回访", "已解答"),
    "dv": ("协助申请人身安全保护令", "已陪同报警并联系社区", "已转介区妇联法律援助站",
           "已联系派出所出具告诫书"),
}
_WF_REFERRAL = {
    "low": Weighted({"司法所": 35, "社区居委会": 25, "无": 30, "法律援助中心": 10}),
    "dv": Weighted({"派出所": 35, "区法院": 20, "司法所": 20, "法律援助中心": 15, "社区居委会": 10}),
}
_CHANNEL = Weighted({"来访": 50, "来信": 10, "网上信访": 25, "电话": 15})
_PHONE_FORM = {  # 0 none, 1 mobile, 2 masked mobile, 3 landline, 4 mobile/landline, 5 borrowed
    POLICE: Weighted({1: 62, 2: 20, 3: 5, 4: 5, 0: 5, 5: 3}),
    HOTLINE: Weighted({1: 58, 2: 15, 3: 14, 4: 5, 0: 5, 5: 3}),
    PETITION: Weighted({1: 80, 0: 10, 3: 4, 4: 4, 5: 2}),
    WF: Weighted({1: 84, 3: 5, 4: 5, 0: 4, 5: 2}),
}
_ID_FORM = {  # 0 none, 1 18-digit, 2 old 15-digit, 3 masked, 4 typo (invalid)
    POLICE: Weighted({0: 60, 1: 30, 3: 10}),
    PETITION: Weighted({1: 70, 2: 8, 3: 15, 4: 3, 0: 4}),
}
_URGENCY = {
    "红": Weighted({"特急": 50, "紧急": 35, "一般": 15}),
    "橙": Weighted({"紧急": 40, "特急": 5, "一般": 55}),
    "黄": Weighted({"紧急": 10, "一般": 90}),
    "蓝": Weighted({"紧急": 3, "一般": 97}),
}
_BUREAU = {"物业": "住房和城乡建设委员会", "劳资/欠薪": "人力资源和社会保障局",
           "消费": "市场监督管理局", "施工扰民": "城市管理委员会", "土地/宅基地": "农业农村局"}
_PERSP_N = Weighted({"A": 55, "B": 22, "K": 13, "N": 10})
_PERSP = Weighted({"A": 55, "B": 22, "K": 20})



class _Gen:
    """Holds the state of one generation run (persons, households, leads)."""

    def __init__(self, seed: int, start: date, days: int,
                 units: Sequence[Mapping[str, str]]) -> None:
        self.dice = Dice(seed)
        self.rng = self.dice.rng
        self.np = self.dice.np
        self.start = start
        self.days = max(1, int(days))
        self.places = Places(units, self.dice)
        self.people = People(self.dice, self.places)
        self.parties = Parties(self.dice, self.places, self.people)
        self.scenarios = Scenarios(self.dice, self.places, self.days)
        self.writer = Writer(self.dice, self.people, self.places)
        # leads (columnar)
        self.l_case: list[int] = []
        self.l_src: list[int] = []
        self.l_sec: list[int] = []
        self.l_rep: list[int] = []
        self.l_name: list[str | None] = []
        self.l_phone_pid: list[int] = []
        self.l_phone_form: list[int] = []
        self.l_id_form: list[int] = []
        self.l_addr: list[str] = []
        self.l_cat: list[str] = []
        self.l_req: list[str | None] = []
        self.l_desc: list[str] = []
        self.l_disp: list[str | None] = []
        self.l_urg: list[str | None] = []
        self.l_chan: list[str | None] = []
        self.l_head: list[int] = []
        self.l_repeat: list[str | None] = []
        self.l_skip: list[str | None] = []
        self.l_dv: list[str | None] = []
        self.l_refer: list[str | None] = []
        self.l_unit: list[str | None] = []
        self.l_handler: list[str | None] = []
        self.l_deadline: list[int] = []  # days after report, -1 = none
        # cases (columnar)
        self.c_rows: list[dict[str, Any]] = []

    # ------------------------------------------------------------ persons & homes

    # ------------------------------------------------------------ one case

    def build(self, c: Case) -> None:
        """Parties, leads and texts of one case."""
        rng = self.rng
        sig = self.scenarios.signals(c)
        red, orange = sig.red, sig.orange
        self.scenarios.fit_subject(c, sig)
        cast = self.parties.cast(c)
        actors, party_ids, org = cast.actors, cast.party_ids, cast.org
        n = c.n_leads
        if "repeat_across" in orange and n < 3:
            n = 3
        if red == "collective" and n < 3:
            n = 3
        level = c.level
        subject_phr = self.scenarios.subject_phrases(c)

        # sources per position (escalating cases drift to police and petitions)
        srcs: list[int] = []
        for i in range(n):
            if level in ("红", "橙") and i >= n // 2:
                srcs.append(_SOURCE_W_ESCALATED[c.dtype].pick(rng))
            else:
                srcs.append(_SOURCE_W[c.dtype].pick(rng))
        if red == "collective":
            for i in range(max(1, n - 2), n):
                srcs[i] = PETITION
        if "repeat_across" in orange and len(set(srcs)) < 2:
            srcs[-1] = PETITION if srcs[-1] != PETITION else POLICE

        # times: gaps shrink as a risky case escalates
        base = {"蓝": 12.0, "黄": 8.0, "橙": 6.0, "红": 9.0}[level]
        decay = {"蓝": 1.0, "黄": 0.95, "橙": 0.82, "红": 0.62}[level]
        offs = [0.0]
        g = base
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
                tod = 0
            else:
                h = _HOUR_W[s].pick(rng)
                tod = h * 3600 + self.dice.rr(60) * 60 + (self.dice.rr(60) if s == POLICE else 0)
            secs.append(day * 86400 + tod)
        order = sorted(range(n), key=secs.__getitem__)
        srcs = [srcs[i] for i in order]
        secs = [secs[i] for i in order]

        # escalation stages per lead
        if level == "红":
            turn = self.dice.ri(max(1, n // 2), n - 1)
            stages = ["red" if i >= turn else ("orange" if i and rng.random() < 0.5 else
                                               ("yellow" if rng.random() < 0.7 else "blue"))
                      for i in range(n)]
        elif level == "橙":
            turn = self.dice.ri(n // 2, n - 1) if n > 1 else 0
            stages = ["orange" if i >= turn else ("yellow" if rng.random() < 0.6 else "blue")
                      for i in range(n)]
        elif level == "黄":
            stages = ["yellow" if rng.random() < 0.65 else "blue" for _ in range(n)]
            stages[-1] = "yellow"
        else:
            stages = ["blue"] * n

        a_side, b_side = cast.a_side, cast.b_side
        a1, b1 = cast.a1, cast.b1
        fam = c.dtype == "婚姻家庭"
        allow_n = c.dtype in ("婚姻家庭", "邻里", "土地/宅基地", "其他")
        top_done = False  # has a lead carried the case's top signal yet?
        persp_w = _PERSP_N if allow_n else _PERSP
        kin: Actor | None = None
        nb: Actor | None = None
        petitions = 0
        reporters: list[int] = []
        v = self.places.villages[c.village]
        incident_hh = self.people.p_hh[a1.pid]
        for i in range(n):
            src = srcs[i]
            stage = stages[i]
            p = (("A" if rng.random() < 0.85 else ("B" if rng.random() < 0.4 else "A2"))
                 if i == 0 else persp_w.pick(rng))
            top = (stage == "red" and level == "红") or (stage == "orange" and level == "橙")
            if top and p == "B" and i == n - 1 and not top_done:
                p = "A"  # the case's top signal must reach some agency
            if p == "A2" or (p == "A" and len(a_side) > 1 and rng.random() < 0.3):
                actor = a_side[self.dice.rr(len(a_side))]
            elif p == "A":
                actor = a1
            elif p == "B":
                actor = b_side[self.dice.rr(len(b_side))] if rng.random() < 0.3 else b1
            elif p == "K":
                if kin is None:
                    kin = self.parties.relative(a1.pid if rng.random() < 0.8 else b1.pid)
                actor = kin
            else:
                if nb is None:
                    nb = self.parties.neighbour(a1.pid)
                actor = nb
            rep = actor.pid
            if src == WF and self.people.p_sex[rep] == 1 and actor.side != "K" and rng.random() < 0.7:
                src = POLICE if rng.random() < 0.5 else HOTLINE
            if src == PETITION and stage == "red" and red == "collective":
                actor = a1 if actor.side not in ("A",) else actor
                rep = actor.pid
            reporters.append(rep)

            # --- description
            side = actor.side
            if side == "B":
                stage = "yellow" if stage in ("red", "orange") else stage
            S = subject_phr[0] if rng.random() < 0.55 else self.dice.ch(subject_phr)
            second = None
            if src == PETITION:
                mates = [a.pid for a in actors if a.side == side and a.pid != rep]
                second = mates[0] if mates else None
            nm = self.people.recorded_name(rep, src, second)
            desc, carried = self.writer.description(c, cast, actor, src, S, nm, stage, sig, i == 0)
            top_done = top_done or carried

            # --- structured fields
            level_now = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}[stages[i]]
            self.l_case.append(c.idx)
            self.l_src.append(src)
            self.l_sec.append(secs[i])
            self.l_rep.append(rep)
            self.l_name.append(nm)
            self.l_desc.append(desc)
            phone_form = _PHONE_FORM[src].pick(rng)
            phone_pid = rep
            if phone_form == 5:
                others = [m for m in self.people.h_members[self.people.p_hh[rep]] if m != rep]
                phone_pid = others[0] if others else rep
                phone_form = 1
            self.l_phone_form.append(phone_form)
            self.l_phone_pid.append(phone_pid)
            self.l_id_form.append(_ID_FORM[src].pick(rng) if src in _ID_FORM else 0)
            home = src in (PETITION, WF) or side in ("K", "N")
            hh = self.people.p_hh[rep] if home else (incident_hh if rng.random() < 0.8
                                              else self.people.p_hh[b1.pid])
            if self.places.h_village[hh] != c.village and not home:
                hh = incident_hh
            self.l_addr.append(self.places.address(hh, src, not home))
            dv = "dv" in orange or red == "breached_order"
            if src == POLICE:
                self.l_cat.append("治安-殴打他人" if stage in ("red", "orange") and
                                  ("assault" in orange or dv) and rng.random() < 0.4
                                  else _POLICE_CAT[c.dtype].pick(rng))
                disp = self.dice.ch(_POLICE_DISPO[level_now])
                if "告诫书" in disp and not dv:
                    disp = "对双方进行批评教育"
                self.l_disp.append(disp.replace("{b}", self.people.p_sur[b1.pid] + "某"))
                self.l_unit.append(v.police)
            elif src == HOTLINE:
                self.l_cat.append(_HOTLINE_GENERIC.pick(rng) if rng.random() < 0.1
                                  else _HOTLINE_CAT[c.dtype].pick(rng))
                self.l_disp.append(None)
                self.l_unit.append(None)
            elif src == PETITION:
                self.l_cat.append(_PETITION_CAT[c.dtype].pick(rng))
                self.l_disp.append(None)
                self.l_unit.append(None)
            else:
                if dv:
                    cat = "家庭暴力" if rng.random() < 0.8 else "婚姻家庭"
                elif c.dtype == "继承":
                    cat = "财产继承"
                elif c.subject == "抚养":
                    cat = "子女抚养"
                elif fam:
                    cat = "婚姻家庭"
                else:
                    cat = "其他"
                self.l_cat.append(cat)
                self.l_disp.append(self.dice.ch(_WF_DISPO["dv" if dv else "low"]))
                self.l_unit.append(None)
            if src == HOTLINE:
                urg = _URGENCY[level_now].pick(rng)
                self.l_urg.append(urg)
                self.l_req.append(_REQUEST_TYPES[level_now].pick(rng))
                self.l_deadline.append(1 if urg == "特急" else (3 if urg == "紧急" else
                                                                 self.dice.ch((7, 15))))
                bureau = _BUREAU.get(c.dtype)
                self.l_handler.append(v.district + bureau if bureau and rng.random() < 0.25
                                      else v.gov)
            else:
                self.l_urg.append(None)
                self.l_req.append(None)
                self.l_deadline.append(-1)
                self.l_handler.append(None)
            if src == PETITION:
                collective = stages[i] == "red" and red == "collective"
                if collective:
                    head = self.dice.ri(5, 40)
                elif c.dtype in ("劳资/欠薪", "土地/宅基地", "物业", "施工扰民"):
                    r = rng.random()
                    head = 1 if r < 0.7 else (self.dice.ri(2, 4) if r < 0.985 else self.dice.ri(5, 6))
                else:
                    head = 1 if rng.random() < 0.85 else self.dice.ri(2, 3)
                self.l_head.append(head)
                self.l_chan.append("来访" if collective or head >= 5 else _CHANNEL.pick(rng))
                rep_flag = petitions > 0
                if rep_flag:
                    self.l_repeat.append("是" if rng.random() < 0.9 else "否")
                else:
                    p_yes = 0.2 if level in ("红", "橙") else 0.03
                    self.l_repeat.append("是" if rng.random() < p_yes else "否")
                p_skip = (0.6 if collective else 0.2) if level == "红" else (
                    0.05 if level == "橙" else 0.01)
                self.l_skip.append("是" if rng.random() < p_skip else "否")
                petitions += 1
            else:
                self.l_head.append(-1)
                self.l_chan.append(None)
                self.l_repeat.append(None)
                self.l_skip.append(None)
            if src == WF:
                self.l_dv.append(("是" if rng.random() < 0.92 else "否") if dv
                                 else ("是" if rng.random() < 0.03 else "否"))
                self.l_refer.append(_WF_REFERRAL["dv" if dv else "low"].pick(rng))
            else:
                self.l_dv.append(None)
                self.l_refer.append(None)

        last_day = secs[-1] / 86400.0
        self.parties.done(cast, last_day)
        seen: list[int] = []
        for r in reporters:
            if r not in seen:
                seen.append(r)
        self.c_rows.append({
            "case_idx": c.idx,
            "dispute_type": c.dtype,
            "subject": subject_phr[0],
            "district": v.district,
            "town": v.town,
            "village": v.short,
            "village_code": v.code,
            "risk_level": level,
            "party_idx": party_ids,
            "reporter_idx": seen,
            "lead_count": n,
            "sources": "|".join(dict.fromkeys(SOURCES[s] for s in srcs)),
            "first_sec": secs[0],
            "last_sec": secs[-1],
            "lookalike_of": c.lookalike_of,
            "signals": "|".join(sig.keys()),
            "org": org or None,
        })

    # ------------------------------------------------------------ assembly

    def finish(self) -> SyntheticData:
        """Vectorized IDs, phones and references; the three frames."""
        npr = self.np
        people = self.people
        n_p = len(people.p_sur)
        sex = np.asarray(people.p_sex, dtype=np.int64)
        birth = people.birth_dates()
        ids = people.id_numbers(npr)
        mob = people.mobiles(npr)
        land = people.landlines(npr)
        n_h = len(self.places.h_village)
        pids = [f"P{i:08d}" for i in range(n_p)]
        houses = [self.places.full_address(h) for h in range(n_h)]
        hh_arr = np.asarray(self.people.p_hh, dtype=np.int64)
        hv = np.asarray(self.places.h_village, dtype=np.int64)
        vcodes = np.asarray([v.code for v in self.places.villages])
        persons = pd.DataFrame({
            "person_id": _strs(pids),
            "name": _strs([s + g for s, g in zip(self.people.p_sur, self.people.p_giv, strict=True)]),
            "sex": _strs(pa.array(["女", "男"], type=pa.large_string()), sex),
            "birth_date": birth,
            "id_number": _strs(ids),
            "mobile": _strs(mob),
            "landline": _strs(land, hh_arr),
            "household_id": _strs([f"H{h:08d}" for h in range(n_h)], hh_arr),
            "village_code": _strs(vcodes.tolist(), hv[hh_arr]),
            "address": _strs(houses, hh_arr),
        })

        # leads
        phones: list[str | None] = []
        for form, pid in zip(self.l_phone_form, self.l_phone_pid, strict=True):
            m = mob[pid]
            if form == 0:
                phones.append(None)
            elif form == 2:
                phones.append(m[:3] + "****" + m[-4:])
            elif form in (3, 4):
                ll = land[self.people.p_hh[pid]]
                phones.append(m if ll is None else (ll if form == 3 else f"{m}/{ll}"))
            else:
                phones.append(m)
        idv: list[str | None] = []
        for form, pid in zip(self.l_id_form, self.l_rep, strict=True):
            full = ids[pid]
            if form == 0:
                idv.append(None)
            elif form == 2 and full[6:8] == "19":
                idv.append(full[:6] + full[8:17])
            elif form == 3:
                idv.append(full[:6] + "********" + full[14:])
            elif form == 4:
                pos = self.dice.ri(6, 16)
                d = (int(full[pos]) + self.dice.ri(1, 9)) % 10
                idv.append(full[:pos] + str(d) + full[pos + 1:])
            else:
                idv.append(full)
        src = np.asarray(self.l_src, dtype=np.int64)
        rep = np.asarray(self.l_rep, dtype=np.int64)
        case_arr = np.asarray(self.l_case, dtype=np.int64)
        sec = np.asarray(self.l_sec, dtype=np.int64)
        # one permutation to report-time order, applied to every column once
        order = np.lexsort((case_arr, src, sec))
        src, rep, case_arr, sec = src[order], rep[order], case_arr[order], sec[order]
        epoch = np.datetime64(self.start, "s")
        reported = epoch + sec.astype("timedelta64[s]")
        is_wf = src == WF
        age = (reported.astype("datetime64[D]") - birth[rep]).astype(np.int64) // 365.25
        head = np.asarray(self.l_head, dtype=np.int64)[order]
        dl = np.asarray(self.l_deadline, dtype=np.int64)[order]
        deadline = reported.astype("datetime64[D]") + np.maximum(dl, 0).astype("timedelta64[D]")
        deadline = np.where(dl < 0, np.datetime64("NaT"), deadline).astype("datetime64[s]")
        level_by_case = [r["risk_level"] for r in sorted(self.c_rows, key=lambda r: r["case_idx"])]
        sources = np.asarray(SOURCES)[src]
        case_ids = pa.array([f"C{c:07d}" for c in range(len(self.c_rows))], type=pa.large_string())
        pid_arr = pa.array(pids, type=pa.large_string())
        leads = pd.DataFrame({
            "source": _strs(pa.array(SOURCES, type=pa.large_string()), src),
            "source_ref": _strs(source_refs(sources, reported)),
            "reported_at": reported,
            "reporter_name": _strs(self.l_name, order),
            "reporter_phone": _strs(phones, order),
            "reporter_id": _strs(idv, order),
            "reporter_sex": _strs(pa.array(["女", "男"], type=pa.large_string()),
                                  sex[rep]).where(is_wf),
            "reporter_age": pd.array(np.where(is_wf, age, 0), dtype="Int64"),
            "address": _strs(self.l_addr, order),
            "category": _strs(self.l_cat, order),
            "description": _strs(self.l_desc, order),
            "disposition": _strs(self.l_disp, order),
            "urgency": _strs(self.l_urg, order),
            "channel": _strs(self.l_chan, order),
            "headcount": pd.array(head, dtype="Int64"),
            "repeat_flag": _strs(self.l_repeat, order),
            "skip_level": _strs(self.l_skip, order),
            "dv_flag": _strs(self.l_dv, order),
            "referral": _strs(self.l_refer, order),
            "unit": _strs(self.l_unit, order),
            "handler": _strs(self.l_handler, order),
            "deadline": deadline,
            "request_type": _strs(self.l_req, order),
            "case_id": _strs(case_ids, case_arr),
            "person_id": _strs(pid_arr, rep),
            "risk_level": _strs(level_by_case, case_arr),
        })
        leads.loc[~is_wf, "reporter_age"] = pd.NA
        leads.loc[head < 0, "headcount"] = pd.NA

        # cases
        base = pd.Timestamp(self.start)
        crow = self.c_rows
        cases = pd.DataFrame({
            "case_id": _strs([f"C{r['case_idx']:07d}" for r in crow]),
            "dispute_type": _strs([r["dispute_type"] for r in crow]),
            "subject": _strs([r["subject"] for r in crow]),
            "district": _strs([r["district"] for r in crow]),
            "town": _strs([r["town"] for r in crow]),
            "village": _strs([r["village"] for r in crow]),
            "village_code": _strs([r["village_code"] for r in crow]),
            "risk_level": _strs([r["risk_level"] for r in crow]),
            "parties": _strs(["|".join([pids[p] for p in r["party_idx"]]) for r in crow]),
            "party_names": _strs(["|".join([self.people.name(p) for p in r["party_idx"]]) for r in crow]),
            "reporters": _strs(["|".join([pids[p] for p in r["reporter_idx"]]) for r in crow]),
            "lead_count": np.asarray([r["lead_count"] for r in crow], dtype=np.int64),
            "sources": _strs([r["sources"] for r in crow]),
            "first_reported_at": base + pd.to_timedelta([r["first_sec"] for r in crow], unit="s"),
            "last_reported_at": base + pd.to_timedelta([r["last_sec"] for r in crow], unit="s"),
            "lookalike_of": _strs([f"C{r['lookalike_of']:07d}" if r["lookalike_of"] >= 0
                                   else None for r in crow]),
            "signals": _strs([r["signals"] for r in crow]),
            "org": _strs([r["org"] for r in crow]),
        })
        cases = cases.sort_values("case_id", ignore_index=True)
        return SyntheticData(leads=leads, cases=cases, persons=persons)

def _strs(values: Any, order: np.ndarray | None = None) -> pd.Series:
    """A pandas ``str`` column built through Arrow (much faster than from a list).

    ``values`` taken at ``order`` when given (a permutation or a lookup by index).
    """
    arr = values if isinstance(values, pa.Array) else pa.array(values, type=pa.large_string())
    if order is not None:
        arr = arr.take(pa.array(order))
    return pd.Series(arr, dtype="str")


def generate(cases: int, seed: int, *, start: date = date(2024, 1, 1), days: int = 365,
             units: Sequence[Mapping[str, str]]) -> SyntheticData:
    """Generate ``cases`` disputes and their leads from ``start`` over ``days`` days.

    ``units`` are gazetteer rows (``units.csv`` as dicts); leads fall in the villages and
    communities of 北七家镇, 台湖镇 and 广安门外街道 (or any villages given if those
    towns are absent). Same arguments, same frames.
    """
    if cases < 0:
        raise ValueError("cases must be >= 0")
    gen = _Gen(seed, start, days, units)
    # millions of small, acyclic objects: the cyclic GC would rescan them over and over
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        skeletons = gen.scenarios.seeds(cases)
        for c in skeletons:
            gen.build(c)
        del skeletons
        return gen.finish()
    finally:
        if gc_was_enabled:
            gc.enable()
