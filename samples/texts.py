"""The wording of a lead's description: who names whom how, the core sentence, the events.

A description is ``opening + (place) + core sentence + event clauses + closing``, in the
voice of the agency (接警/经了解 / 市民来电反映 / 信访人反映 / 来访妇女称) and of the
reporter's side: a complainant names the other side by their relation (其丈夫鲁某), the
other side complains back, a relative speaks for a party (其女儿王某与...), a neighbour
reports what they heard. The core sentence is neutral (a 纠纷, a 矛盾: no quarrel words);
the lead's drawn events are told by ``tellings`` in many wordings, and the clauses
return the events they actually tell, which are the truth's input (``risk_truth``).
Negated, hedged and decoy clauses are added in any case and tell nothing.
"""

from __future__ import annotations

from samples.agencies import HOTLINE, PETITION, POLICE, WF
from samples.chance import Dice
from samples.parties import Actor, Cast
from samples.people import People
from samples.places import Places
from samples.scenarios import Case
from samples.tellings import Teller

_CORE_A = (
    "与{cp}因{S}发生纠纷", "因{S}与{cp}产生矛盾", "与{cp}因{S}问题产生矛盾",
    "{cp}因{S}的事与其有矛盾", "因{S}一事与{cp}协商不成", "与{cp}因{S}一直谈不拢",
    "和{cp}在{S}问题上有分歧", "就{S}问题与{cp}多次协商未果", "与{cp}之间因{S}存在纠纷",
)
_CORE_B = (
    "{cp}因{S}问题经常找其麻烦", "与{cp}因{S}有纠纷，认为对方无理取闹",
    "{cp}为{S}的事多次到其家中", "{cp}因{S}一事不依不饶", "认为{cp}在{S}问题上说法不实",
)
_CORE_K = (
    "其{kin}{anc}与{cp}因{S}发生纠纷", "其{kin}{anc}因{S}与{cp}产生矛盾",
    "其{kin}{anc}因{S}和{cp}关系闹得很僵", "其{kin}{anc}和{cp}为{S}的事有纠纷",
)
_CORE_N = (
    "邻居{a}与{b}因{S}发生纠纷", "{a}和{b}两家因{S}关系很僵", "得知{a}与{b}因{S}闹纠纷",
    "邻居家{a}和{b}因{S}有矛盾",
)
_VERBAL = ("欠", "拖欠", "借款", "工钱")
_CORE_N_FAMILY = (
    "邻居家{a}和{b}因{S}闹矛盾", "邻居{a}与{b}因{S}有纠纷", "隔壁{b}和{a}两口子因{S}闹矛盾",
)
_CORE_SPECIFIC: dict[str, tuple[str, ...]] = {
    "债务/经济": ("{cp}{S}，多次催要无果", "{cp}{S}，电话也不接", "{cp}{S}，至今没有说法"),
    "劳资/欠薪": ("在{cp}手下干活，对方{S}", "其与工友在{org}干活，{cp}{S}",
              "{cp}{S}，多次讨要无果"),
    "物业": ("{org}{S}问题长期得不到解决", "与{cp}因{S}问题发生纠纷", "对{org}的{S}问题不满"),
    "消费": ("在{org}{S}遭拒", "与{cp}因{S}发生纠纷", "在{org}消费后{S}问题一直未解决"),
    "施工扰民": ("附近{org}承建的项目{S}问题严重", "{org}的项目{S}严重影响休息",
             "与{cp}因{S}发生纠纷"),
    "婚姻家庭": ("与{cp}因{S}产生矛盾", "与{cp}因{S}闹矛盾", "和{cp}因{S}关系紧张"),
}
_OPEN = {
    POLICE: ("报警人称", "报警人称：", "{nm}报警称", "事主{nm}称", "报警人{nm}称", "接警：报警人称",
             "民警出警后经了解，报警人", "经现场了解，报警人{nm}", "110指令：报警人称",
             "出警情况：经了解，{nm}"),
    HOTLINE: ("市民来电反映：", "来电人反映，", "市民反映：", "诉求人称", "来电人称",
              "市民来电反映，", "来电人{nm}反映："),
    PETITION: ("信访人反映：", "信访人{nm}反映", "来访人称", "信访人称", "信访事项：信访人",
               "信访人{nm}来访反映"),
    WF: ("求助人称", "来电妇女称", "求助人{nm}反映", "求助人来访称", "来访妇女称",
         "{nm}到妇联求助，称", "来访妇女{nm}反映"),
}
_OPEN_N = {
    POLICE: ("群众报警称", "邻居报警称", "报警人{nm}称", "接警：邻居报警称"),
    HOTLINE: ("市民来电反映：", "来电人称"),
    PETITION: ("信访人称",),
    WF: ("来电人称",),
}
_CLOSE = {
    POLICE: ("", "", "。民警到场后进行了调解", "。民警已到场处置", "。现场双方已被劝离",
             "。已告知双方通过法律途径解决"),
    HOTLINE: ("，希望相关部门尽快协调解决", "，请求有关部门处理", "，要求{demand}", "",
              "。诉求：{demand}", "。诉求：希望尽快处理"),
    PETITION: ("，要求依法处理", "，请求政府协调解决", "，要求{demand}"),
    WF: ("，希望妇联提供帮助", "，咨询离婚相关法律问题", "，想寻求法律援助", "，希望有人帮忙调解"),
}
_CONSULT = (
    "想咨询如何处理", "咨询相关法律规定", "希望了解起诉流程", "希望有人帮忙调解",
    "要求对方赔偿损失", "希望社区出面协调", "想了解能否申请法律援助",
)
_DEMANDS = {
    "婚姻家庭": ("依法处理", "调解", "给个说法"), "邻里": ("协调解决", "对方整改", "调解"),
    "债务/经济": ("对方还款", "依法处理", "调解"), "物业": ("物业整改", "维修", "协调解决"),
    "劳资/欠薪": ("结清工资", "尽快支付工资", "依法处理"),
    "土地/宅基地": ("确认界线", "依法确权", "协调解决"),
    "继承": ("依法分割遗产", "调解", "依法处理"), "消费": ("退款", "赔偿损失", "商家退费"),
    "施工扰民": ("停止夜间施工", "施工方整改", "协调解决"), "其他": ("协调解决", "赔偿", "调解"),
}
GROUP = {"劳资/欠薪": "工人", "土地/宅基地": "村民", "物业": "业主", "施工扰民": "居民",
         "消费": "会员", "继承": "亲属", "婚姻家庭": "亲属", "邻里": "居民",
         "债务/经济": "债权人", "其他": "群众"}
_ME = {POLICE: ("报警人", "其本人", "其"), HOTLINE: ("来电人", "其本人", "其"),
       PETITION: ("信访人", "其本人", "其"), WF: ("求助人", "其本人", "其")}
_NO_INJURY_TYPES = ("土地/宅基地", "继承")  # parties may be kin: keep 轻微伤 out (DV or not?)


class Writer:
    """Writes the descriptions of a run's leads."""

    def __init__(self, dice: Dice, people: People, places: Places) -> None:
        self.dice = dice
        self.people = people
        self.places = places
        self.teller = Teller(dice)

    def description(self, c: Case, cast: Cast, actor: Actor, src: int, S: str, nm: str | None,
                    events: set[str], headcount: int) -> tuple[str, set[str]]:
        """The description ``actor`` gives ``src`` telling ``events``; the events it tells.

        ``S``: the phrasing of the subject; ``nm``: the reporter's name as recorded;
        ``headcount``: the petition's head count (told with a collective petition).
        """
        dice = self.dice
        rng = dice.rng
        v = self.places.villages[c.village]
        side = actor.side
        fam = c.dtype == "婚姻家庭"
        text, who, vic, _ = self.core(c, actor, cast, src, S, fam)
        pron = "他" if self.people.p_sex[actor.pid] else "她"
        if vic == "其":
            vic = pron
        me = dice.ch(_ME[src])
        clauses, told = self.clauses(c, events, src, who, vic, me, headcount)
        quiet = None
        if rng.random() < (0.3 if not told else 0.15):
            quiet = self.teller.quiet(told, c.dtype, who, vic, me)
        opening = dice.ch(_OPEN_N[src] if side == "N" else _OPEN[src])
        if "{nm}" in opening:
            opening = opening.replace("{nm}", nm or "")
        closing = dice.ch(_CLOSE[src])
        if not told and rng.random() < 0.4:
            closing = "，" + dice.ch(_CONSULT)
        if "{demand}" in closing:
            demand = dice.ch(_DEMANDS[c.dtype]) if side != "B" else dice.ch(("调解", "依法处理"))
            closing = closing.replace("{demand}", demand)
        place = ""
        if src == POLICE and rng.random() < 0.25:
            place = f"在{v.short if v.is_village else v.core + '小区'}，"
        if clauses and rng.random() < 0.15:  # what happened first, then what it is about
            body = "，".join([*clauses, "事情起因是" + text])
        else:
            body = "，".join([text, *clauses])
        if quiet:
            body += "，" + quiet
        desc = f"{opening}{place}{body}{closing}"
        if not desc.endswith("。"):
            desc += "。"
        return desc, told

    def mention(self, pid: int, src: int, full: float | None = None) -> str:
        """How a description names a person: 鲁某, 鲁某某, 鲁建国, 老鲁 or nothing."""
        r = self.dice.rng.random()
        f = full if full is not None else (0.2 if src == POLICE else 0.4)
        sur = self.people.p_sur[pid]
        if r < f:
            return sur + self.people.p_giv[pid]
        if r < f + 0.38:
            return sur + "某"
        if r < f + 0.46:
            return sur + "某某"
        if r < f + 0.52:
            return "老" + sur if len(sur) == 1 else sur + "某"
        return ""

    def core(self, c: Case, actor: Actor, cast: Cast, src: int, S: str,
             fam: bool) -> tuple[str, str, str, str]:
        """The sentence naming the parties and the subject; who/vic/self for clauses."""
        dice = self.dice
        rng = dice.rng
        a1, b1, org = cast.a1, cast.b1, cast.org
        side = actor.side
        pron = "他" if self.people.p_sex[actor.pid] else "她"
        vic = dice.ch((pron, pron, "其"))
        selfref = dice.ch(("其", "其本人", pron))
        if side in ("A", "B"):
            tgt = actor.target
            m = self.mention(tgt, src)
            cp = ("其" if fam and rng.random() < 0.5 else "") + actor.rel + m
            if org and side == "A" and c.dtype in ("物业", "施工扰民", "消费"):
                r = rng.random()
                cp = org if r < 0.4 else (org + actor.rel + m if r < 0.7 else cp)
            who = dice.ch(("对方", m or "对方", actor.rel if side == "A" else "对方"))
            verbal = c.dtype not in ("债务/经济", "劳资/欠薪") or S.startswith(_VERBAL)
            if side == "A" and c.dtype in _CORE_SPECIFIC and verbal and rng.random() < 0.6:
                tpl = dice.ch(_CORE_SPECIFIC[c.dtype])
            else:
                tpl = dice.ch(_CORE_A if side == "A" else _CORE_B)
            text = tpl.format(cp=cp, S=S, org=org or "工地")
            return text, who, vic, selfref
        if side == "K":
            anchor = actor.target
            anc_actor = a1 if anchor == a1.pid else b1
            anc = self.mention(anchor, src, 0.5)
            m = self.mention(anc_actor.target, src)
            cp = anc_actor.rel + m
            text = dice.ch(_CORE_K).format(kin=actor.kin, anc=anc, cp=cp, S=S)
            return text, m or "对方", "其" + actor.kin, "其" + actor.kin
        # neighbour
        p_sex = self.people.p_sex
        if fam:
            am = self.mention(a1.pid, src) or ("女方" if not p_sex[a1.pid] else "男方")
            bm = self.mention(b1.pid, src) or ("男方" if p_sex[b1.pid] else "女方")
        else:
            am = self.mention(a1.pid, src) or "一户"
            bm = self.mention(b1.pid, src) or "另一户"
        text = dice.ch(_CORE_N_FAMILY if fam else _CORE_N).format(a=am, b=bm, S=S)
        return text, bm, am, am

    def clauses(self, c: Case, events: set[str], src: int, who: str, vic: str, me: str,
                headcount: int) -> tuple[list[str], set[str]]:
        """One clause per drawn event, worst first; the events the clauses tell."""
        teller = self.teller
        clauses: list[str] = []
        told: set[str] = set()
        for ev in sorted(events, key=_ORDER.__getitem__):
            if ev in told:
                continue  # a threat naming a knife already told the weapon
            if ev == "threat":
                text, evs = teller.threat(who, vic, me, "对方")
            elif ev == "weapon":
                text, evs = teller.weapon(who, vic)
            elif ev == "suicide":
                text, evs = teller.suicide(who, me)
            elif ev == "dv_injury":
                text, evs = teller.dv_injury(who, vic)
            elif ev == "strangle":
                text, evs = teller.strangle(who, vic)
            elif ev == "order_breach":
                text, evs = teller.order_breach(who, vic)
            elif ev == "dv_hit":
                text, evs = teller.dv_hit(who, vic)
            elif ev == "dv_control":
                text, evs = teller.dv_control(who, vic)
            elif ev == "physical":
                text, evs = teller.physical(who, vic, c.dtype not in _NO_INJURY_TYPES)
            elif ev == "group_petition":
                text, evs = teller.group_petition(headcount, GROUP[c.dtype])
            elif ev == "repeat_skip":
                text, evs = teller.repeat_skip()
            else:
                text, evs = teller.heated(who, vic)
            clauses.append(text)
            told |= evs
        return clauses, told


_ORDER = {e: i for i, e in enumerate((
    "group_petition", "repeat_skip", "order_breach", "strangle", "dv_injury", "weapon", "threat",
    "suicide", "dv_hit", "physical", "dv_control", "heated"))}
