"""What the agencies write in a lead's structured fields, and the run's leads column by column.

Each agency has its own fields (``agency-exports.md``): the police a category, a
disposition and the station; 12345 an urgency, a request type, a deadline and the
office it goes to; the petition office a channel, a headcount and the repeat and
skip-level flags; the women's federation a domestic-violence flag and a referral. The
flags are consistent with the events the lead tells: a head count of 5 or more only
with a collective petition, 重复 and 越级 together only with a repeated skip-level
petition, the DV flag exactly when the lead tells domestic violence, 12345's urgency
and the police disposition by how grave the lead is. How a reporter's phone and ID number were
recorded (none, masked, old 15-digit, a typo, a relative's phone ...) is drawn here per
lead; the values themselves are filled in at the end, when the numbers exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samples.agencies import HOTLINE, PETITION, POLICE, WF
from samples.chance import Dice, Weighted
from samples.parties import Cast
from samples.people import People
from samples.places import Places
from samples.risk_truth import CONTACT_EVENTS, DV_EVENTS, EVENT_LEVEL
from samples.scenarios import Case, Plan

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
_RANK = {"蓝": 0, "黄": 1, "橙": 2, "红": 3}


@dataclass
class LeadColumns:
    """The run's leads, one list per field, in the order they were made (case by case)."""

    case: list[int] = field(default_factory=list)
    src: list[int] = field(default_factory=list)
    sec: list[int] = field(default_factory=list)  # seconds after the run's start
    rep: list[int] = field(default_factory=list)  # the reporter
    name: list[str | None] = field(default_factory=list)
    phone_pid: list[int] = field(default_factory=list)  # whose phone the reporter gave
    phone_form: list[int] = field(default_factory=list)
    id_form: list[int] = field(default_factory=list)
    addr: list[str] = field(default_factory=list)
    cat: list[str] = field(default_factory=list)
    req: list[str | None] = field(default_factory=list)
    desc: list[str] = field(default_factory=list)
    disp: list[str | None] = field(default_factory=list)
    urg: list[str | None] = field(default_factory=list)
    chan: list[str | None] = field(default_factory=list)
    head: list[int] = field(default_factory=list)  # -1 = none
    repeat: list[str | None] = field(default_factory=list)
    skip: list[str | None] = field(default_factory=list)
    dv: list[str | None] = field(default_factory=list)
    refer: list[str | None] = field(default_factory=list)
    unit: list[str | None] = field(default_factory=list)
    handler: list[str | None] = field(default_factory=list)
    deadline: list[int] = field(default_factory=list)  # days after report, -1 = none


class Recorder:
    """Records each lead: its description and the fields its agency fills in."""

    def __init__(self, dice: Dice, people: People, places: Places, leads: LeadColumns) -> None:
        self.dice = dice
        self.people = people
        self.places = places
        self.leads = leads

    def record(self, c: Case, cast: Cast, plan: Plan, *, src: int, sec: int, rep: int,
               side: str, events: set[str], head: int, name: str | None, desc: str,
               earlier_petitions: int) -> None:
        """One lead of case ``c`` reported by ``rep`` (on ``side``) to agency ``src``.

        ``events``: what the description tells; ``head``: the head count of a collective
        petition (0 otherwise); ``earlier_petitions``: the case's petitions before this lead.
        """
        dice = self.dice
        rng = dice.rng
        people = self.people
        leads = self.leads
        v = self.places.villages[c.village]
        b1 = cast.b1
        level_now = max((EVENT_LEVEL.get(e, "蓝") for e in events), key=_RANK.__getitem__,
                        default="蓝")
        leads.case.append(c.idx)
        leads.src.append(src)
        leads.sec.append(sec)
        leads.rep.append(rep)
        leads.name.append(name)
        leads.desc.append(desc)
        phone_form = _PHONE_FORM[src].pick(rng)
        phone_pid = rep
        if phone_form == 5:
            others = [m for m in people.h_members[people.p_hh[rep]] if m != rep]
            phone_pid = others[0] if others else rep
            phone_form = 1
        leads.phone_form.append(phone_form)
        leads.phone_pid.append(phone_pid)
        leads.id_form.append(_ID_FORM[src].pick(rng) if src in _ID_FORM else 0)
        incident_hh = people.p_hh[cast.a1.pid]
        home = src in (PETITION, WF) or side in ("K", "N")
        hh = people.p_hh[rep] if home else (incident_hh if rng.random() < 0.8
                                            else people.p_hh[b1.pid])
        if self.places.h_village[hh] != c.village and not home:
            hh = incident_hh
        leads.addr.append(self.places.address(hh, src, not home))
        dv = bool(events & DV_EVENTS)
        if src == POLICE:
            leads.cat.append("治安-殴打他人" if events & CONTACT_EVENTS and rng.random() < 0.4
                             else _POLICE_CAT[c.dtype].pick(rng))
            disp = dice.ch(_POLICE_DISPO[level_now])
            if "告诫书" in disp and not dv:
                disp = "对双方进行批评教育"
            leads.disp.append(disp.replace("{b}", people.p_sur[b1.pid] + "某"))
            leads.unit.append(v.police)
        elif src == HOTLINE:
            leads.cat.append(_HOTLINE_GENERIC.pick(rng) if rng.random() < 0.1
                             else _HOTLINE_CAT[c.dtype].pick(rng))
            leads.disp.append(None)
            leads.unit.append(None)
        elif src == PETITION:
            leads.cat.append(_PETITION_CAT[c.dtype].pick(rng))
            leads.disp.append(None)
            leads.unit.append(None)
        else:
            leads.cat.append(self._wf_category(c, dv or plan.dv))
            leads.disp.append(dice.ch(_WF_DISPO["dv" if dv else "low"]))
            leads.unit.append(None)
        if src == HOTLINE:
            urg = _URGENCY[level_now].pick(rng)
            leads.urg.append(urg)
            leads.req.append(_REQUEST_TYPES[level_now].pick(rng))
            leads.deadline.append(1 if urg == "特急" else (3 if urg == "紧急" else dice.ch((7, 15))))
            bureau = _BUREAU.get(c.dtype)
            leads.handler.append(v.district + bureau if bureau and rng.random() < 0.25 else v.gov)
        else:
            leads.urg.append(None)
            leads.req.append(None)
            leads.deadline.append(-1)
            leads.handler.append(None)
        if src == PETITION:
            collective = "group_petition" in events
            if collective:
                head = max(5, head)
            elif c.dtype in ("劳资/欠薪", "土地/宅基地", "物业", "施工扰民"):
                head = 1 if rng.random() < 0.7 else dice.ri(2, 4)
            else:
                head = 1 if rng.random() < 0.85 else dice.ri(2, 3)
            leads.head.append(head)
            leads.chan.append("来访" if collective else _CHANNEL.pick(rng))
            if "repeat_skip" in events:
                repeat, skip = "是", "是"
            else:
                if earlier_petitions > 0:
                    repeat = "是" if rng.random() < 0.9 else "否"
                else:
                    repeat = "是" if rng.random() < 0.05 else "否"
                skip = "是" if repeat == "否" and rng.random() < 0.03 else "否"
            leads.repeat.append(repeat)
            leads.skip.append(skip)
        else:
            leads.head.append(-1)
            leads.chan.append(None)
            leads.repeat.append(None)
            leads.skip.append(None)
        if src == WF:
            leads.dv.append("是" if dv else "否")
            leads.refer.append(_WF_REFERRAL["dv" if dv else "low"].pick(rng))
        else:
            leads.dv.append(None)
            leads.refer.append(None)

    def _wf_category(self, c: Case, dv: bool) -> str:
        if dv:
            return "家庭暴力" if self.dice.rng.random() < 0.8 else "婚姻家庭"
        if c.dtype == "继承":
            return "财产继承"
        if c.subject == "抚养":
            return "子女抚养"
        if c.dtype == "婚姻家庭":
            return "婚姻家庭"
        return "其他"


def recorded_phones(leads: LeadColumns, mobiles: list[str], landlines: list[str | None],
                    p_hh: list[int]) -> list[str | None]:
    """Each lead's phone as recorded: none, the mobile (masked), the landline, or both."""
    phones: list[str | None] = []
    for form, pid in zip(leads.phone_form, leads.phone_pid, strict=True):
        m = mobiles[pid]
        if form == 0:
            phones.append(None)
        elif form == 2:
            phones.append(m[:3] + "****" + m[-4:])
        elif form in (3, 4):
            ll = landlines[p_hh[pid]]
            phones.append(m if ll is None else (ll if form == 3 else f"{m}/{ll}"))
        else:
            phones.append(m)
    return phones


def recorded_ids(leads: LeadColumns, ids: list[str], dice: Dice) -> list[str | None]:
    """Each lead's ID number as recorded: none, in full, old 15-digit, masked or mistyped."""
    idv: list[str | None] = []
    for form, pid in zip(leads.id_form, leads.rep, strict=True):
        full = ids[pid]
        if form == 0:
            idv.append(None)
        elif form == 2 and full[6:8] == "19":
            idv.append(full[:6] + full[8:17])
        elif form == 3:
            idv.append(full[:6] + "********" + full[14:])
        elif form == 4:
            pos = dice.ri(6, 16)
            d = (int(full[pos]) + dice.ri(1, 9)) % 10
            idv.append(full[:pos] + str(d) + full[pos + 1:])
        else:
            idv.append(full)
    return idv
