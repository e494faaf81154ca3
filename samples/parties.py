"""Who a dispute is between: the parties of each kind of case, and who else reports it.

Each dispute type has its own cast: wife and husband (sometimes a mother-in-law), two
neighbours (upstairs and downstairs for a leak), creditor and debtor, workers and a
contractor, owner and property manager, residents and a site manager, customer and
shop owner, brothers or neighbours over a plot, siblings over an inheritance. Each
party names the other side its own way (丈夫, 楼上邻居, 包工头 ...), which the texts use.
Parties sometimes come back in a later, unrelated case, and relatives of earlier
parties share their home and landline: the confounders linking has to get right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from samples.chance import Dice
from samples.names import SURNAMES
from samples.people import People
from samples.places import Places
from samples.scenarios import Case

_BRANDS = ("万科", "鸿坤", "金隅", "首开", "天鸿", "合生", "远洋", "北辰", "华远", "龙湖",
           "保利", "京城", "恒信", "瑞达", "安居", "宏达", "兴业", "美嘉", "康桥", "佳园",
           "鑫源", "利民", "泰和", "永兴")
_DEBT_RELATIONS = {  # subject -> (what the creditor calls the debtor, and back)
    "借款": (("欠款人", "借款人", "朋友", "同村的", "老乡", "对方"),
             ("债主", "出借人", "对方", "朋友")),
    "货款": (("客户", "买家", "对方"), ("供货商", "卖家", "对方")),
    "装修款": (("房主", "业主", "对方"), ("装修队老板", "装修师傅", "对方")),
    "房租": (("租户", "房客", "对方"), ("房东", "对方")),
    "合伙": (("合伙人", "朋友", "对方"), ("合伙人", "朋友", "对方")),
}
_SHOPS = {"预付卡": "美容店", "健身卡": "健身房", "装修": "装饰公司", "电器": "电器店",
          "培训费": "培训学校"}


@dataclass(slots=True)
class Actor:
    """A person who may report a lead of the case, with how they name the other side."""

    pid: int
    side: str  # A | B | K (relative) | N (neighbour)
    target: int  # the person they complain about (K: the relative they speak for)
    rel: str  # how they name the target ("丈夫", "邻居", "包工头" ...)
    kin: str = ""  # K only: the anchor's relation to them ("女儿")
    party: bool = True


@dataclass(slots=True)
class Cast:
    """The people of one case: the parties, and a relative and a neighbour once they report."""

    actors: list[Actor]
    org: str  # the company or shop of the case ("" if none)
    party_ids: list[int] = field(init=False)
    a_side: list[Actor] = field(init=False)
    b_side: list[Actor] = field(init=False)
    kin: Actor | None = None
    nb: Actor | None = None

    def __post_init__(self) -> None:
        self.party_ids = [a.pid for a in self.actors]
        self.a_side = [a for a in self.actors if a.side == "A"]
        self.b_side = [a for a in self.actors if a.side == "B"]

    @property
    def a1(self) -> Actor:
        """The first complainant."""
        return self.a_side[0]

    @property
    def b1(self) -> Actor:
        """The one complained about first."""
        return self.b_side[0]


class Parties:
    """Casts the cases of a run and remembers who was a party where and until when."""

    def __init__(self, dice: Dice, places: Places, people: People) -> None:
        self.dice = dice
        self.places = places
        self.people = people
        self.village_parties: dict[int, list[int]] = {}
        self.last_seen: dict[int, float] = {}  # party -> last day they were a party of a case
        self._by_type: dict[str, Callable[[Case], tuple[list[Actor], str]]] = {
            "婚姻家庭": self._couple, "邻里": self._neighbours, "其他": self._neighbours,
            "债务/经济": self._debt, "劳资/欠薪": self._wages, "物业": self._property,
            "施工扰民": self._construction, "消费": self._consumer, "土地/宅基地": self._land,
            "继承": self._inheritance,
        }

    def cast(self, c: Case) -> Cast:
        """The parties of case ``c``, who are then busy with it from its start."""
        actors, org = self._by_type[c.dtype](c)
        cast = Cast(actors, org)
        for pid in cast.party_ids:
            if pid not in self.last_seen:  # a new party: may come back in a later case
                self.village_parties.setdefault(self.people.village(pid), []).append(pid)
            self.last_seen[pid] = max(self.last_seen.get(pid, c.start), c.start)
        return cast

    def done(self, cast: Cast, last_day: float) -> None:
        """The case's parties were busy with it until ``last_day``."""
        for pid in cast.party_ids:
            self.last_seen[pid] = max(self.last_seen[pid], last_day)

    # ------------------------------------------------------------ persons of a case

    def reuse(self, vi: int, day: float, sex: int | None) -> int | None:
        """An earlier party from the village, free for at least two months (a confounder)."""
        pool = self.village_parties.get(vi)
        if not pool:
            return None
        for _ in range(4):
            pid = pool[self.dice.rr(len(pool))]
            if self.last_seen[pid] <= day - 60 and (sex is None or self.people.p_sex[pid] == sex):
                return pid
        return None

    def party(self, vi: int, day: float, sex: int, by0: int, by1: int,
              surname: str | None = None, near: int | None = None, upstairs: bool = False,
              local: float = 0.85, reuse: float = 0.07) -> int:
        """A case party: sometimes a person known from an earlier case, else a new one."""
        rng = self.dice.rng
        people = self.people
        if near is None and surname is None and rng.random() < reuse:
            pid = self.reuse(vi, day, sex)
            if pid is not None:
                return pid
        if near is None and rng.random() < 0.02:
            # a relative of an earlier party: same home and family landline, new person
            pool = self.village_parties.get(vi)
            if pool:
                other = pool[self.dice.rr(len(pool))]
                hh = people.p_hh[other]
                sur = people.p_sur[other] if rng.random() < 0.7 else surname
                return people.person(hh, sex, by0, by1, sur, local)
        hh = people.household(vi, near, upstairs)
        return people.person(hh, sex, by0, by1, surname, local)

    def org(self, vi: int, kind: str) -> str:
        """An organization of the case; a community keeps one property company."""
        if kind == "物业":
            return _BRANDS[int(self.places.villages[vi].code[-4:]) % len(_BRANDS)] + "物业"
        return self.dice.ch(_BRANDS) + kind

    def relative(self, anchor: int) -> Actor:
        """A relative of a party who reports on their behalf (not a party)."""
        dice = self.dice
        rng = dice.rng
        people = self.people
        village_w = self.places.village_w
        ay = people.byear(anchor)
        if ay <= 1978 and (ay < 1965 or rng.random() < 0.4):  # an adult child speaks for a parent
            sex = dice.ri(0, 1)
            sur = people.p_sur[anchor] if people.p_sex[anchor] else None
            home = people.village(anchor)
            vi = home if rng.random() < 0.6 else village_w.pick(rng)
            hh = people.p_hh[anchor] if rng.random() < 0.3 else people.household(vi)
            pid = people.person(hh, sex, max(ay + 22, 1950), min(ay + 34, 2004), sur)
            kin = "父亲" if people.p_sex[anchor] else "母亲"
        elif ay > 1975 and rng.random() < 0.5:  # a parent speaks for an adult child
            sex = dice.ri(0, 1)
            sur = people.p_sur[anchor] if sex else None
            home = people.village(anchor)
            vi = home if rng.random() < 0.5 else village_w.pick(rng)
            pid = people.person(people.household(vi), sex, ay - 32, ay - 22, sur)
            kin = "儿子" if people.p_sex[anchor] else "女儿"
        else:  # a sibling
            sex = dice.ri(0, 1)
            home = people.village(anchor)
            vi = home if rng.random() < 0.5 else village_w.pick(rng)
            pid = people.person(people.household(vi), sex, ay - 8, ay + 8, people.p_sur[anchor])
            kin = people.sibling_word(pid, anchor)
        return Actor(pid, "K", anchor, "", kin=kin, party=False)

    def neighbour(self, near_pid: int) -> Actor:
        """A neighbour who witnessed the quarrel (not a party)."""
        people = self.people
        hh = people.household(people.village(near_pid), near=people.p_hh[near_pid])
        pid = people.person(hh, self.dice.ri(0, 1), 1945, 1998)
        return Actor(pid, "N", near_pid, "邻居", party=False)

    def _spouse(self, actors: list[Actor], pid: int, side: str, target: int, rel: str,
                p: float) -> None:
        """Sometimes the party's spouse joins their side (never more than four actors)."""
        people = self.people
        if len(actors) < 4 and self.dice.rng.random() < p:
            y = people.byear(pid)
            sp = people.person(people.p_hh[pid], 1 - people.p_sex[pid], y - 4, y + 4)
            actors.append(Actor(sp, side, target, rel))

    # ------------------------------------------------------------ casts by dispute type

    def _couple(self, c: Case) -> tuple[list[Actor], str]:
        """Wife and husband, sometimes her mother or his mother."""
        dice = self.dice
        rng = dice.rng
        people = self.people
        vi = c.village
        hint = c.surname_hint
        actors: list[Actor] = []
        wy = dice.ri(1962, 2001)
        hh = people.household(vi)
        w = people.person(hh, 0, wy, wy, hint if hint and rng.random() < 0.5 else None)
        m = people.person(hh, 1, wy - 2, wy + 6, hint)
        husband_first = c.subject in ("离婚", "抚养", "彩礼") and rng.random() < 0.3
        a1, b1 = (m, w) if husband_first else (w, m)
        actors.append(Actor(a1, "A", b1, dice.ch(("妻子", "媳妇", "爱人")) if husband_first
                            else dice.ch(("丈夫", "丈夫", "老公", "爱人"))))
        actors.append(Actor(b1, "B", a1, dice.ch(("丈夫", "老公")) if husband_first
                            else dice.ch(("妻子", "媳妇", "爱人"))))
        if rng.random() < 0.4:
            my = wy - dice.ri(22, 32)
            near = hh if rng.random() < 0.4 else None
            mhh = people.household(vi, near) if rng.random() < 0.7 else people.household(
                self.places.village_w.pick(rng))
            wm = people.person(mhh, 0, my, my)
            actors.append(Actor(wm, "A", m, "女婿"))
            if rng.random() < 0.5:  # the son-in-law complains about his mother-in-law
                actors[1 if not husband_first else 0].target = wm
                actors[1 if not husband_first else 0].rel = dice.ch(("岳母", "丈母娘"))
        elif rng.random() < 0.3:
            hy = people.byear(m) - dice.ri(22, 32)
            hm = people.person(hh, 0, hy, hy)
            actors.append(Actor(hm, "B", w, "儿媳"))
        return actors, ""

    def _neighbours(self, c: Case) -> tuple[list[Actor], str]:
        """Two neighbouring households (邻里), or two neighbours over a dog, a car ... (其他)."""
        dice = self.dice
        vi, day, hint = c.village, c.start, c.surname_hint
        a1 = self.party(vi, day, dice.ri(0, 1), 1940, 2000, hint)
        hh = self.people.p_hh[a1]
        upstairs = c.subject in ("漏水", "噪音")
        b1 = self.party(vi, day, dice.ri(0, 1), 1940, 2000, near=hh, upstairs=upstairs)
        if c.dtype == "邻里":
            if upstairs:
                r_ab, r_ba = dice.ch((("楼上住户", "楼下住户"), ("楼上邻居", "楼下邻居")))
            else:
                rural = self.places.villages[vi].is_village
                r_ab = dice.ch(("邻居", "邻居", "隔壁", "同村村民") if rural
                               else ("邻居", "邻居", "对门邻居", "隔壁邻居"))
                r_ba = "邻居"
        else:
            r_ab = dice.ch(("对方", "邻居", "狗主人" if c.subject == "狗咬" else "对方",
                            "车主" if c.subject == "刮蹭" else "邻居"))
            r_ba = "对方"
        actors = [Actor(a1, "A", b1, r_ab), Actor(b1, "B", a1, r_ba)]
        self._spouse(actors, a1, "A", b1, r_ab, 0.3)
        self._spouse(actors, b1, "B", a1, r_ba, 0.25)
        return actors, ""

    def _debt(self, c: Case) -> tuple[list[Actor], str]:
        """Creditor and debtor, often from the same village."""
        dice = self.dice
        rng = dice.rng
        vi, day, hint = c.village, c.start, c.surname_hint
        a1 = self.party(vi, day, dice.ri(0, 1), 1955, 1998, hint)
        bvi = vi if rng.random() < 0.7 else self.places.village_w.pick(rng)
        b1 = self.party(bvi, day, 1 if rng.random() < 0.7 else 0, 1955, 1998)
        rels_ab, rels_ba = _DEBT_RELATIONS.get(c.subject, _DEBT_RELATIONS["借款"])
        r_ab = dice.ch(rels_ab)
        r_ba = dice.ch(rels_ba)
        actors = [Actor(a1, "A", b1, r_ab), Actor(b1, "B", a1, r_ba)]
        self._spouse(actors, b1, "B", a1, r_ba, 0.3)
        self._spouse(actors, a1, "A", b1, r_ab, 0.2)
        return actors, ""

    def _wages(self, c: Case) -> tuple[list[Actor], str]:
        """Unpaid workers (one to three) and their contractor."""
        dice = self.dice
        rng = dice.rng
        vi, day, hint = c.village, c.start, c.surname_hint
        org = self.org(vi, dice.ch(("建筑劳务公司", "装饰公司", "建筑公司", "工程队")))
        b1 = self.party(self.places.village_w.pick(rng), day, 1, 1965, 1990, local=0.5)
        r_ab = dice.ch(("包工头", "老板", "工头", "项目负责人"))
        a1 = self.party(vi, day, 1 if rng.random() < 0.85 else 0, 1965, 2003, hint, local=0.35)
        actors = [Actor(a1, "A", b1, r_ab), Actor(b1, "B", a1, "工人")]
        for _ in range(dice.ch((0, 0, 1, 1, 2))):
            aw = self.party(vi, day, 1 if rng.random() < 0.85 else 0, 1965, 2003, local=0.35)
            actors.append(Actor(aw, "A", b1, r_ab))
        return actors, org

    def _property(self, c: Case) -> tuple[list[Actor], str]:
        """Owners and the property manager of the community's company."""
        dice = self.dice
        rng = dice.rng
        vi, day, hint = c.village, c.start, c.surname_hint
        org = self.org(vi, "物业")
        a1 = self.party(vi, day, dice.ri(0, 1), 1945, 1998, hint)
        b1 = self.party(self.places.village_w.pick(rng), day, dice.ri(0, 1), 1970, 1995)
        actors = [Actor(a1, "A", b1, dice.ch(("物业经理", "物业负责人", "物业管家"))),
                  Actor(b1, "B", a1, "业主")]
        if rng.random() < 0.3:
            a2 = self.party(vi, day, dice.ri(0, 1), 1945, 1998)
            actors.append(Actor(a2, "A", b1, "物业经理"))
        return actors, org

    def _construction(self, c: Case) -> tuple[list[Actor], str]:
        """Residents and the site manager of a building company."""
        dice = self.dice
        rng = dice.rng
        vi, day, hint = c.village, c.start, c.surname_hint
        org = self.org(vi, dice.ch(("建设工程公司", "建筑公司", "市政工程公司")))
        a1 = self.party(vi, day, dice.ri(0, 1), 1940, 2000, hint)
        b1 = self.party(self.places.village_w.pick(rng), day, 1, 1965, 1990, local=0.6)
        actors = [Actor(a1, "A", b1, dice.ch(("施工方负责人", "项目经理", "工地负责人"))),
                  Actor(b1, "B", a1, "附近居民")]
        if rng.random() < 0.35:
            a2 = self.party(vi, day, dice.ri(0, 1), 1940, 2000)
            actors.append(Actor(a2, "A", b1, "项目经理"))
        return actors, org

    def _consumer(self, c: Case) -> tuple[list[Actor], str]:
        """Customers and the owner of a shop, gym, school ..."""
        dice = self.dice
        rng = dice.rng
        vi, day, hint = c.village, c.start, c.surname_hint
        org = self.org(vi, _SHOPS.get(c.subject, "商店"))
        a1 = self.party(vi, day, dice.ri(0, 1), 1950, 2003, hint)
        b1 = self.party(self.places.village_w.pick(rng), day, dice.ri(0, 1), 1970, 1995, local=0.6)
        actors = [Actor(a1, "A", b1, dice.ch(("老板", "店主", "负责人"))), Actor(b1, "B", a1, "顾客")]
        if rng.random() < 0.2:
            a2 = self.party(vi, day, dice.ri(0, 1), 1950, 2003)
            actors.append(Actor(a2, "A", b1, "老板"))
        return actors, org

    def _land(self, c: Case) -> tuple[list[Actor], str]:
        """Brothers over the family plot, or neighbours over a boundary."""
        dice = self.dice
        rng = dice.rng
        people = self.people
        vi, day, hint = c.village, c.start, c.surname_hint
        a1 = self.party(vi, day, 1 if rng.random() < 0.8 else 0, 1945, 1985, hint)
        if rng.random() < 0.5:  # brothers quarrelling over the family plot
            ay = people.byear(a1)
            b1 = self.party(vi, day, 1, ay - 8, ay + 8, surname=people.p_sur[a1],
                            near=people.p_hh[a1])
            r_ab, r_ba = people.sibling_word(a1, b1), people.sibling_word(b1, a1)
        else:
            b1 = self.party(vi, day, 1 if rng.random() < 0.8 else 0, 1945, 1985,
                            near=people.p_hh[a1])
            r_ab = dice.ch(("邻居", "东邻", "西邻", "同村村民"))
            r_ba = dice.ch(("邻居", "同村村民"))
        actors = [Actor(a1, "A", b1, r_ab), Actor(b1, "B", a1, r_ba)]
        self._spouse(actors, a1, "A", b1, r_ab, 0.3)
        return actors, ""

    def _inheritance(self, c: Case) -> tuple[list[Actor], str]:
        """Siblings (two or three) over what the parents left."""
        dice = self.dice
        rng = dice.rng
        people = self.people
        vi, day = c.village, c.start
        py = dice.ri(1945, 1978)
        sur = c.surname_hint or SURNAMES.pick(rng)
        a1 = self.party(vi, day, dice.ri(0, 1), py - 6, py + 6, surname=sur)
        bvi = vi if rng.random() < 0.6 else self.places.village_w.pick(rng)
        b1 = self.party(bvi, day, dice.ri(0, 1), py - 6, py + 6, surname=sur)
        actors = [Actor(a1, "A", b1, people.sibling_word(a1, b1)),
                  Actor(b1, "B", a1, people.sibling_word(b1, a1))]
        if rng.random() < 0.35:
            b2 = self.party(self.places.village_w.pick(rng), day, dice.ri(0, 1), py - 6, py + 6,
                            surname=sur)
            actors.append(Actor(b2, "B", a1, people.sibling_word(b2, a1)))
        return actors, ""
