"""The wording of a lead's description: who names whom how, the core sentence, the clauses.

A description is ``opening + (place) + core sentence + risk clauses + closing``, in the
voice of the agency (报警人称 / 市民来电反映 / 信访人反映 / 求助人称) and of the reporter's
side: a complainant names the other side by their relation (其丈夫鲁某), the other side
complains back and denies, a relative speaks for a party (其女儿王某与...), a neighbour
reports what they heard. The clauses carry the lead's stage of the case's signals
(``phrases``); the other side softens them, as people do.
"""

from __future__ import annotations

from collections.abc import Sequence

from samples.agencies import HOTLINE, PETITION, POLICE, WF
from samples.chance import Dice
from samples.parties import Actor, Cast
from samples.people import People
from samples.phrases import (
    DAMAGE_RURAL,
    DECOYS,
    DENIALS,
    NEGATIONS,
    NEGATIONS_FAMILY,
    NEGATIONS_MILD,
    ORANGE,
    RED,
    YELLOW,
)
from samples.places import Places, Village
from samples.scenarios import Case, Signals

_CORE_A = (
    "与{cp}因{S}发生纠纷", "因{S}与{cp}发生争执", "与{cp}因{S}问题产生矛盾",
    "{cp}因{S}的事与其闹矛盾", "因{S}一事与{cp}协商不成", "与{cp}因{S}多次发生口角",
)
_CORE_B = (
    "{cp}因{S}问题经常找其麻烦", "与{cp}因{S}发生口角，认为对方无理取闹",
    "{cp}为{S}的事多次到其家中吵闹", "{cp}因{S}一事纠缠不休",
)
_CORE_K = (
    "其{kin}{anc}与{cp}因{S}发生纠纷", "其{kin}{anc}因{S}与{cp}闹矛盾",
    "其{kin}{anc}因{S}和{cp}闹得很僵",
)
_CORE_N = (
    "邻居{a}与{b}因{S}发生争吵", "{a}和{b}两家因{S}闹得很僵", "听到{a}与{b}因{S}在吵闹",
    "邻居家{a}和{b}因{S}吵起来了",
)
_VERBAL = ("欠", "拖欠", "借款", "工钱")
_CORE_N_FAMILY = (
    "邻居家{a}和{b}因{S}吵起来了", "听到邻居{a}与{b}因{S}在吵闹", "隔壁{b}和{a}两口子因{S}吵架",
)
_CORE_SPECIFIC: dict[str, tuple[str, ...]] = {
    "债务/经济": ("{cp}{S}，多次催要无果", "{cp}{S}，电话也不接", "{cp}{S}，至今没有说法"),
    "劳资/欠薪": ("在{cp}手下干活，对方{S}", "其与工友在{org}干活，{cp}{S}",
              "{cp}{S}，多次讨要无果"),
    "物业": ("{org}{S}问题长期得不到解决", "与{cp}因{S}问题发生纠纷", "对{org}的{S}问题不满"),
    "消费": ("在{org}{S}遭拒", "与{cp}因{S}发生纠纷", "在{org}消费后{S}问题一直未解决"),
    "施工扰民": ("附近{org}承建的项目{S}问题严重", "{org}的项目{S}严重影响休息",
             "与{cp}因{S}发生争执"),
    "婚姻家庭": ("与{cp}因{S}经常吵架", "与{cp}因{S}闹矛盾", "和{cp}因{S}发生争吵"),
}
_OPEN = {
    POLICE: ("报警人称", "报警人称：", "{nm}报警称", "事主{nm}称", "报警人{nm}称"),
    HOTLINE: ("市民来电反映：", "来电人反映，", "市民反映：", "诉求人称", "来电人称"),
    PETITION: ("信访人反映：", "信访人{nm}反映", "来访人称", "信访人称"),
    WF: ("求助人称", "来电妇女称", "求助人{nm}反映", "求助人来访称"),
}
_OPEN_N = {
    POLICE: ("群众报警称", "邻居报警称", "报警人{nm}称"),
    HOTLINE: ("市民来电反映：", "来电人称"),
    PETITION: ("信访人称",),
    WF: ("来电人称",),
}
_CLOSE = {
    POLICE: ("", "", "。民警到场后进行了调解", "。民警已到场处置", "。现场双方情绪已平稳"),
    HOTLINE: ("，希望相关部门尽快协调解决", "，请求有关部门处理", "，要求{demand}", ""),
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
_GROUP = {"劳资/欠薪": "工人", "土地/宅基地": "村民", "物业": "业主", "施工扰民": "居民",
          "消费": "会员", "继承": "亲属", "婚姻家庭": "亲属", "邻里": "居民",
          "债务/经济": "债权人", "其他": "群众"}
_CN_COUNT = ("五", "六", "七", "八", "十", "十几", "二十多", "三十余", "四十多")


def _fix_object(text: str, pron: str) -> str:
    """``其`` reads badly as an object (``杀了其``, ``掐其的脖子``): use the pronoun there."""
    if text.endswith("其"):
        text = text[:-1] + pron
    return text.replace("其的", pron + "的")


class Writer:
    """Writes the descriptions of a run's leads."""

    def __init__(self, dice: Dice, people: People, places: Places) -> None:
        self.dice = dice
        self.people = people
        self.places = places

    def description(self, c: Case, cast: Cast, actor: Actor, src: int, S: str, nm: str | None,
                    stage: str, sig: Signals, first: bool) -> tuple[str, bool]:
        """The description ``actor`` gives ``src`` at ``stage``; did it carry the top signal?

        ``S``: the phrasing of the subject; ``nm``: the reporter's name as recorded;
        ``first``: the case's first lead (nothing "again" or "repeated" yet).
        """
        dice = self.dice
        rng = dice.rng
        v = self.places.villages[c.village]
        side = actor.side
        level = c.level
        fam = c.dtype == "婚姻家庭"
        text, who, vic, selfref = self.core(c, actor, cast, src, S, fam)
        pron = "他" if self.people.p_sex[actor.pid] else "她"
        clauses, top = self.clauses(c, v, sig, stage, first, who, vic, selfref, pron)
        if side == "B" and rng.random() < (0.5 if level in ("红", "橙") else 0.25):
            clauses.append(dice.ch(DENIALS))
        opening = dice.ch(_OPEN_N[src] if side == "N" else _OPEN[src])
        if "{nm}" in opening:
            opening = opening.replace("{nm}", nm or "")
        closing = dice.ch(_CLOSE[src])
        if stage == "blue" and rng.random() < 0.5:
            closing = "，" + dice.ch(_CONSULT)
        if "{demand}" in closing:
            demand = dice.ch(_DEMANDS[c.dtype]) if side != "B" else dice.ch(("调解", "依法处理"))
            closing = closing.replace("{demand}", demand)
        place = ""
        if src == POLICE and rng.random() < 0.25:
            place = f"在{v.short if v.is_village else v.core + '小区'}，"
        body = "，".join([text, *clauses]) if clauses else text
        desc = f"{opening}{place}{body}{closing}"
        if not desc.endswith("。"):
            desc += "。"
        return desc, top

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

    def clauses(self, c: Case, v: Village, sig: Signals, stage: str, first: bool, who: str,
                vic: str, selfref: str, pron: str) -> tuple[list[str], bool]:
        """The risk clauses of a lead at ``stage``; did they carry the case's top signal?"""
        dice = self.dice
        rng = dice.rng
        red, orange, yellow = sig.red, sig.orange, sig.yellow
        level = c.level
        negations = NEGATIONS_FAMILY if c.dtype == "婚姻家庭" else NEGATIONS
        top = False
        clauses: list[str] = []
        if stage == "red" and red is not None:
            clauses.append(self.red_clause(red, c, who, vic, selfref, pron))
            top = True
            if orange and rng.random() < 0.5:
                clauses.append(self.clause(ORANGE[dice.ch(orange)], who, vic, pron))
        elif stage == "orange" and orange:
            k = orange[0] if rng.random() < 0.6 else dice.ch(orange)
            if k == "repeat_across" and first:
                k = "heated" if not yellow else yellow[0]
                clauses.append(self.clause(YELLOW[k], who, vic, pron))
            else:
                clauses.append(self.clause(ORANGE[k], who, vic, pron))
                top = level == "橙"
            if "injury" in orange and k != "injury" and rng.random() < 0.5:
                clauses.append(self.clause(ORANGE["injury"], who, vic, pron))
            if yellow and rng.random() < 0.3:
                clauses.append(self.clause(YELLOW[yellow[0]], who, vic, pron))
        elif stage == "yellow":
            keys = yellow or ["heated"]
            k = dice.ch(keys)
            if k == "repeat_calls" and first:
                k = "worry"
            bank = YELLOW[k]
            if k == "damage" and v.is_village and c.dtype in ("邻里", "土地/宅基地", "其他"):
                bank = bank + DAMAGE_RURAL
            clauses.append(self.clause(bank, who, vic, pron))
            if rng.random() < (0.3 if level in ("黄", "蓝") else 0.12):
                clauses.append(self.clause(negations[:8], who, vic, pron))
        else:
            if rng.random() < 0.45:
                mild = c.dtype in ("物业", "消费", "施工扰民")
                clauses.append(self.clause(NEGATIONS_MILD if mild else negations, who, vic, pron))
            if rng.random() < 0.06 and c.dtype in DECOYS:
                clauses.append(dice.ch(DECOYS[c.dtype]))
        return clauses, top

    def clause(self, bank: Sequence[str], who: str, vic: str, pron: str) -> str:
        return _fix_object(self.dice.ch(bank).format(who=who, vic=vic), pron)

    def red_clause(self, key: str, c: Case, who: str, vic: str, selfref: str, pron: str) -> str:
        dice = self.dice
        rng = dice.rng
        tpl = dice.ch(RED[key])
        if key == "collective":
            h = dice.ri(5, 40)
            n_text = str(h) if rng.random() < 0.5 else dice.ch(_CN_COUNT)
            place = dice.ch(("镇政府", "村委会", "项目部", "区政府"))
            return tpl.format(n=n_text, group=_GROUP[c.dtype], place=place)
        if key == "suicide":
            actor = selfref if rng.random() < 0.6 else who
            return tpl.format(self=actor)
        if rng.random() < 0.12 and vic != "其":  # reported speech: the victim quotes the threat
            return f"{vic}称" + tpl.format(who=who, vic="自己")
        return _fix_object(tpl.format(who=who, vic=vic), pron)
