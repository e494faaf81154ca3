"""Scenario engine: disputes, their parties, and the reports they give rise to.

A dispute is one conflict between the same parties.  Each dispute gets a
report pattern (which agencies, when, who reports, which reports describe the
same incident) and each incident gets its risk events from what happens in the
scenario; the words are written later (wording.py) from these facts.
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import dataclass, field

from places import new_addr, same_building

KINDS = ["婚姻家庭", "邻里", "债务/经济", "物业", "劳资/欠薪", "土地/宅基地", "继承", "消费", "施工扰民", "其他"]
KIND_W = [0.27, 0.18, 0.10, 0.10, 0.10, 0.05, 0.05, 0.06, 0.05, 0.04]

SUBTYPES = {
    "婚姻家庭": [("夫妻矛盾", 50), ("婆媳矛盾", 12), ("翁婿债务", 6), ("赡养", 14), ("抚养探视", 10), ("离婚财产", 8)],
    "邻里": [("漏水", 16), ("噪音", 16), ("楼道堆物", 8), ("停车", 12), ("空调外机", 8), ("宠物", 10),
             ("采光树木", 8), ("排水", 10), ("通道", 8), ("私搭乱建", 6)],
    "债务/经济": [("借款", 50), ("合伙", 15), ("租金", 15), ("货款", 10), ("装修款", 10)],
    "物业": [("物业费", 30), ("漏水维修", 20), ("停车位", 15), ("电梯", 12), ("供暖", 13), ("装修管理", 10)],
    "劳资/欠薪": [("拖欠工资", 65), ("工伤", 12), ("辞退补偿", 13), ("包工头跑路", 10)],
    "土地/宅基地": [("宅基地界址", 40), ("翻建房屋", 20), ("承包地", 20), ("补偿分配", 20)],
    "继承": [("房产", 50), ("拆迁款", 30), ("存款", 20)],
    "消费": [("预付卡", 25), ("装修", 20), ("保健品", 20), ("二手车", 10), ("家电维修", 10), ("教培退费", 15)],
    "施工扰民": [("夜间施工", 60), ("扬尘", 20), ("渣土车", 20)],
    "其他": [("租房押金", 35), ("宠物伤人", 25), ("交通事故", 25), ("广场舞", 15)],
}
SHOP_FOR = {"预付卡": ["健身", "美容美发", "洗衣店", "口腔诊所"], "装修": ["装饰"], "保健品": ["养生馆", "健康咨询"],
            "二手车": ["二手车"], "家电维修": ["家电维修"], "教培退费": ["教育培训"]}
VILLAGE_ONLY = {"采光树木", "排水", "通道", "私搭乱建"}
COMMUNITY_ONLY = {"漏水", "噪音", "楼道堆物", "空调外机"}

SOURCES = ["police", "hotline_12345", "petition", "womens_federation"]
P, H, X, F = SOURCES

# first agency / later agency weights per kind (police, 12345, petition, federation)
FIRST_W = {
    "婚姻家庭": [0.62, 0.12, 0.04, 0.22], "邻里": [0.52, 0.43, 0.05, 0], "债务/经济": [0.55, 0.25, 0.20, 0],
    "物业": [0.10, 0.85, 0.05, 0], "劳资/欠薪": [0.15, 0.62, 0.23, 0], "土地/宅基地": [0.30, 0.30, 0.40, 0],
    "继承": [0.35, 0.25, 0.15, 0.25], "消费": [0.15, 0.83, 0.02, 0], "施工扰民": [0.12, 0.86, 0.02, 0],
    "其他": [0.55, 0.40, 0.05, 0],
}
NEXT_W = {
    "婚姻家庭": [0.55, 0.10, 0.12, 0.23], "邻里": [0.50, 0.35, 0.15, 0], "债务/经济": [0.45, 0.20, 0.35, 0],
    "物业": [0.12, 0.68, 0.20, 0], "劳资/欠薪": [0.15, 0.45, 0.40, 0], "土地/宅基地": [0.30, 0.20, 0.50, 0],
    "继承": [0.30, 0.20, 0.25, 0.25], "消费": [0.15, 0.75, 0.10, 0], "施工扰民": [0.15, 0.80, 0.05, 0],
    "其他": [0.50, 0.35, 0.15, 0],
}
STAY = {"婚姻家庭": 0.55, "邻里": 0.5, "债务/经济": 0.45, "物业": 0.6, "劳资/欠薪": 0.45, "土地/宅基地": 0.5,
        "继承": 0.4, "消费": 0.6, "施工扰民": 0.7, "其他": 0.4}

# records-per-dispute base distribution (mean about 2.2 once the kind tweaks apply)
K_VALUES = list(range(1, 16))
K_W = [0.56, 0.19, 0.095, 0.058, 0.035, 0.021, 0.013, 0.006, 0.005, 0.004, 0.0035, 0.003, 0.0025, 0.002, 0.0015]
K_CUM = list(itertools.accumulate(K_W))

EVENT_ORDER = ["threat_kill", "weapon", "suicide_threat", "dv_injury", "strangulation", "order_breach", "dv",
               "physical", "heated", "order_application"]
DV_CODES = {"dv", "dv_injury", "strangulation", "order_breach", "order_application"}


def wchoice(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


@dataclass
class Org:
    oid: str
    name: str
    kind: str              # company / property / project / merchant / village
    place: object
    addr: dict | None
    boss: str | None = None   # pid
    short: str = ""


@dataclass
class Rec:
    source: str
    t: dt.datetime
    reporter: str | None         # pid (None = anonymous / unit)
    role: str                    # reporter's role in the scenario
    side: str                    # a / b / t (third party)
    incident: int
    events: tuple = ()
    co_reporters: list = field(default_factory=list)
    # per-agency scenario facts
    headcount: int = 1
    repeat: bool = False
    skip_level: bool = False
    channel: str = ""
    urgency: str = "一般"
    dv_flag: bool = False
    n_before: int = 0            # records of this dispute before this one
    n_before_same: int = 0       # ... at the same agency
    at_home: bool = True         # incident place is the household (vs workplace etc.)
    ref: str = ""                # source_ref, assigned by writer
    file: str = ""


@dataclass
class Dispute:
    did: str
    kind: str
    subtype: str
    place: object
    roles: dict = field(default_factory=dict)     # role -> pid
    sides: dict = field(default_factory=dict)     # pid -> side
    parties: list = field(default_factory=list)   # pids / org ids
    orgs: dict = field(default_factory=dict)      # role -> Org
    facts: dict = field(default_factory=dict)
    recs: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    hh_keys: list = field(default_factory=list)
    dv: bool = False
    abuser: str | None = None
    escalating: bool = False


class World:
    """Holds population, places and organisation pools; builds disputes."""

    def __init__(self, rng, pop, area, elsewhere, start: dt.datetime, days: int, n_cases: int):
        self.rng, self.pop = rng, pop
        self.area, self.elsewhere = area, elsewhere
        self.area_cum = list(itertools.accumulate(p.weight for p in area))
        self.else_cum = list(itertools.accumulate(p.weight for p in elsewhere))
        self.start, self.days = start, days
        self.end = start + dt.timedelta(days=days)
        self.hh_by_place: dict[str, list] = {}
        self.orgs: list[Org] = []
        self.history: list[tuple] = []      # (hid, kind, t0, t1, did) for household reuse
        self._init_orgs(n_cases)

    # ---------------------------------------------------------- places/orgs
    def pick_place(self, elsewhere_p=0.05):
        rng = self.rng
        if rng.random() < elsewhere_p:
            return self.elsewhere[bisect.bisect_right(self.else_cum, rng.random() * self.else_cum[-1])]
        return self.area[bisect.bisect_right(self.area_cum, rng.random() * self.area_cum[-1])]

    def _init_orgs(self, n):
        rng = self.rng
        brand = ("鑫达 宏远 恒通 金泰 华鑫 顺利达 兴业 永盛 嘉禾 天成 瑞丰 博远 中兴 万和 广源 恒泰 福瑞 隆昌 安达 "
                 "聚源 宏图 通达 华盛 德润 鼎盛 东方 金鼎 长城 新世纪 京华 燕京 北辰 创新 利民").split()
        trades = ["建筑工程有限公司", "装饰工程有限公司", "物流有限公司", "餐饮管理有限公司", "商贸有限公司",
                  "保洁服务有限公司", "劳务派遣有限公司", "汽车维修有限公司", "科技有限公司", "建材有限公司",
                  "家政服务有限公司", "食品有限公司", "印刷厂", "服装厂", "保安服务有限公司"]
        self.companies, self.company_w = [], []
        for i in range(max(25, n // 120)):
            p = self.pick_place(0.1)
            name = f"北京{rng.choice(brand)}{rng.choice(trades)}"
            if rng.random() < 0.2:
                name = name.replace("北京", "北京市")
            o = self._org(name, "company", p)
            self.companies.append(o)
            self.company_w.append(1 / (i + 6))      # a few big employers, a long tail of small ones
        self.company_cum = list(itertools.accumulate(self.company_w))
        # property companies: one per community, some shared
        self.property = {}
        pcs = [self._org(f"北京{rng.choice(brand)}物业管理有限公司", "property", None) for _ in range(12)]
        for p in self.area + self.elsewhere:
            if not p.is_village:
                self.property[p.code] = rng.choice(pcs)
        self.projects = []
        for i in range(max(8, n // 600)):
            p = self.pick_place(0.05)
            comp = f"{rng.choice(['中建', '北京城建', '北京住总', '中铁', '北京建工', '京冶'])}{rng.choice(['一局', '二公司', '集团', '三局', '建设公司'])}"
            o = self._org(f"{comp}{p.base}{rng.choice(['项目', '安置房项目', '地块项目', '道路改造工程', '管网改造工程'])}", "project", p)
            self.projects.append(o)
        self.merchants = []
        shops = ["健身", "美容美发", "教育培训", "装饰", "二手车", "家电维修", "养生馆", "健康咨询", "洗衣店", "口腔诊所"]
        for i in range(max(30, n // 80)):
            p = self.pick_place(0.05)
            s = shops[i % len(shops)] if i < len(shops) else rng.choice(shops)
            nm = rng.choice([f"{p.base}{rng.choice(brand)}{s}", f"{rng.choice(brand)}{s}中心", f"北京{rng.choice(brand)}{s}有限公司"])
            o = self._org(nm, "merchant", p)
            o.short = s
            self.merchants.append(o)

    def _org(self, name, kind, place):
        boss = None
        if kind in ("company", "merchant", "property"):
            district = place.district if place else "110114"
            boss = self.pop.new_person(None, (30, 62), district=district, local=0.4).pid
        addr = new_addr(place, self.rng) if place is not None else None
        o = Org(oid=f"O{len(self.orgs) + 1:05d}", name=name, kind=kind, place=place, addr=addr, boss=boss)
        self.orgs.append(o)
        return o

    # ---------------------------------------------------------- households
    def household(self, place, near=None, reuse=0.0):
        rng = self.rng
        lst = self.hh_by_place.setdefault(place.code, [])
        if lst and rng.random() < reuse:
            return self.pop.hh(rng.choice(lst))
        a = new_addr(place, rng, near)
        h = self.pop.new_household(place, a)
        lst.append(h.hid)
        return h

    def building_neighbour(self, place):
        """A household in a building that already has one (different flat)."""
        rng = self.rng
        lst = self.hh_by_place.get(place.code, [])
        if place.is_village or not lst:
            return None
        other = self.pop.hh(rng.choice(lst))
        a = same_building(place, other.addr, rng)
        h = self.pop.new_household(place, a)
        lst.append(h.hid)
        return h

    def adults_of(self, hh):
        return [self.pop.get(pid) for pid in hh.members if self.pop.get(pid).age_at(self.start.date()) >= 18]

    def couple_in(self, hh, age=(24, 68)):
        ad = self.adults_of(hh)
        men = [p for p in ad if p.sex == "男"]
        women = [p for p in ad if p.sex == "女"]
        if men and women:
            return men[0], women[0]
        return self.pop.couple(hh, hh.place.district, age)

    def resident(self, hh, sex=None, age=(25, 75)):
        for p in self.adults_of(hh):
            if sex is None or p.sex == sex:
                return p
        return self.pop.new_person(sex, age, district=hh.place.district, hh=hh)

    def third_party(self, place, near=None):
        hh = self.household(place, near=near)
        return self.resident(hh)

    # ---------------------------------------------------------- disputes
    def make(self, did: str) -> Dispute:
        rng = self.rng
        place = self.pick_place()
        kind = wchoice(rng, KINDS, KIND_W)
        if kind == "土地/宅基地" and not place.is_village:
            kind = "邻里"
        if kind == "物业" and place.is_village:
            kind = rng.choice(["土地/宅基地", "邻里", "债务/经济"])
        subs = [(s, w) for s, w in SUBTYPES[kind]
                if not (place.is_village and s in COMMUNITY_ONLY) and not (not place.is_village and s in VILLAGE_ONLY)]
        subtype = wchoice(rng, [s for s, _ in subs], [w for _, w in subs])
        d = Dispute(did=did, kind=kind, subtype=subtype, place=place)
        skeleton = self._skeleton(d)
        t0, t1 = skeleton[0][1], skeleton[-1][1]
        getattr(self, "_build_" + {
            "婚姻家庭": "family", "邻里": "neighbour", "债务/经济": "debt", "物业": "property", "劳资/欠薪": "wage",
            "土地/宅基地": "land", "继承": "inherit", "消费": "consumer", "施工扰民": "construction", "其他": "other",
        }[kind])(d, t0, t1)
        self._reports(d, skeleton)
        for hk in d.hh_keys:
            self.history.append((hk, kind, t0, t1, did))
        return d

    # --- report skeleton: (agency, time, incident, cross_report) -----------
    def _k(self, kind):
        rng = self.rng
        k = K_VALUES[bisect.bisect_right(K_CUM, rng.random() * K_CUM[-1])]
        if kind in ("消费", "施工扰民") and rng.random() < 0.35:
            k = min(k, 2)
        if kind == "婚姻家庭" and rng.random() < 0.18:
            k += rng.randint(1, 3)
        return min(k, 15)

    def _skeleton(self, d):
        rng = self.rng
        kind = d.kind
        k = self._k(kind)
        seq = []
        inc = 0
        t = 0.0
        chronic = k >= 8
        for i in range(k):
            if i == 0:
                ag = wchoice(rng, SOURCES, FIRST_W[kind])
                seq.append([ag, 0.0, inc, False])
                continue
            prev = seq[-1][0]
            r = rng.random()
            if prev in (P, H) and r < 0.16:
                ag = rng.choice([P, H, H] if prev == P else [P, P, H])
                gap = rng.uniform(0.003, 0.3)
                seq.append([ag, t + gap, inc, True])
                t += gap
                continue
            if rng.random() < STAY[kind]:
                ag = prev
            else:
                w = list(NEXT_W[kind])
                w[2] *= 1 + 0.25 * i
                ag = wchoice(rng, SOURCES, w)
            if chronic:
                gap = rng.uniform(2, 30)
            else:
                g = rng.random()
                gap = (rng.uniform(0.5, 7) if g < 0.28 else rng.uniform(7, 45) if g < 0.72
                       else rng.uniform(45, 150) if g < 0.92 else rng.uniform(150, 300))
            inc += 1
            t += gap
            seq.append([ag, t, inc, False])
        span = seq[-1][1]
        days = self.days
        if span > days * 0.92:
            f = days * 0.92 / span
            for s in seq:
                s[1] *= f
            span = seq[-1][1]
        t0 = rng.uniform(0, days - span - 0.05)
        base = self.start
        out = []
        for ag, off, incid, cross in seq:
            tt = base + dt.timedelta(days=t0 + off)
            out.append((ag, tt, incid, cross))
        return out

    # --- household reuse (hard negative: same family, another dispute) ----
    def reused_household(self, kind, t0, t1, place_village=None):
        rng = self.rng
        if not self.history or rng.random() > 0.05:
            return None
        for _ in range(6):
            hid, k2, a0, a1, did2 = rng.choice(self.history)
            hh = self.pop.hh(hid)
            if place_village is not None and hh.place.is_village != place_village:
                continue
            if k2 == kind:
                if not (t0 > a1 + dt.timedelta(days=180) or t1 < a0 - dt.timedelta(days=180)):
                    continue
            elif not (t0 > a1 + dt.timedelta(days=20) or t1 < a0 - dt.timedelta(days=20)):
                continue
            return hh, did2
        return None

    def _home(self, d, t0, t1, village=None):
        r = self.reused_household(d.kind, t0, t1, village)
        if r:
            hh, did2 = r
            d.place = hh.place
            d.tags.append(f"same_household_as:{did2}")
            return hh
        return self.household(d.place)

    # --- builders ----------------------------------------------------------
    def _build_family(self, d, t0, t1):
        rng, pop = self.rng, self.pop
        st = d.subtype
        hh = self._home(d, t0, t1)
        dist = hh.place.district
        d.place = hh.place
        d.hh_keys.append(hh.hid)
        if st in ("夫妻矛盾", "离婚财产", "婆媳矛盾", "翁婿债务"):
            h, w = self.couple_in(hh)
            d.roles.update(husband=h.pid, wife=w.pid)
            d.sides.update({w.pid: "a", h.pid: "b"})
            d.parties = [w.pid, h.pid]
            d.dv = rng.random() < {"夫妻矛盾": 0.45, "离婚财产": 0.2, "婆媳矛盾": 0.12, "翁婿债务": 0.08}[st]
            d.abuser = h.pid if rng.random() < 0.93 else w.pid
            if d.abuser == w.pid:
                d.sides.update({w.pid: "b", h.pid: "a"})
            wm_place = hh.place if rng.random() < 0.35 else self.pick_place(0.2)
            wm = pop.parent_of(w, "女", wm_place.district, hh=self.household(wm_place), same_surname=False)
            d.roles["wife_mother"] = wm.pid
            d.sides[wm.pid] = d.sides[w.pid]
            mil = pop.parent_of(h, "女", dist, hh=hh if rng.random() < 0.5 else self.household(hh.place),
                                same_surname=False)
            d.roles["husband_mother"] = mil.pid
            d.sides[mil.pid] = d.sides[h.pid]
            if st == "婆媳矛盾":
                d.parties = [w.pid, mil.pid, h.pid]
                d.sides[mil.pid] = "b"
                d.sides[h.pid] = "b"
                d.abuser = mil.pid if rng.random() < 0.5 else h.pid
            if st == "翁婿债务":
                d.parties = [h.pid, wm.pid, w.pid]
                d.sides.update({wm.pid: "a", w.pid: "a", h.pid: "b"})
                d.facts["amount"] = rng.choice([3, 5, 8, 10, 12, 15, 20, 30, 50]) * 10000
            if h.age_at(t0.date()) > 42 and rng.random() < 0.6:
                c = pop.child_of(h, dist, hh=hh if rng.random() < 0.5 else None)
                d.roles["child"] = c.pid
                d.sides[c.pid] = "t"
            d.facts["years"] = max(1, min(h.age_at(t0.date()), w.age_at(t0.date())) - rng.randint(20, 26))
            d.facts["kids"] = rng.choice(["一子", "一女", "一儿一女", "两个孩子", "一个孩子", ""])
            if st == "离婚财产":
                d.facts["amount"] = rng.choice([20, 50, 80, 100, 150, 200, 300]) * 10000
        elif st == "赡养":
            parent = pop.new_person(None, (70, 90), district=dist, hh=hh)
            kids = [pop.child_of(parent, dist, min_age=38, hh=self.household(self.pick_place(0.15)))
                    for _ in range(rng.randint(1, 3))]
            d.roles["elder"] = parent.pid
            d.sides[parent.pid] = "a"
            for i, c in enumerate(kids):
                d.roles[f"child{i}"] = c.pid
                d.sides[c.pid] = "b"
            d.parties = [parent.pid] + [c.pid for c in kids]
            d.dv = rng.random() < 0.1
            d.abuser = kids[0].pid
        else:  # 抚养探视: ex-spouses in different households
            h, w = self.couple_in(hh, (25, 50))
            other = self.household(self.pick_place(0.2))
            if rng.random() < 0.5:
                pop.join(h, other)   # he moved out
                hh.members.remove(h.pid)
            d.hh_keys.append(other.hid)
            d.roles.update(husband=h.pid, wife=w.pid)
            d.sides.update({w.pid: "a", h.pid: "b"})
            d.parties = [w.pid, h.pid]
            d.dv = rng.random() < 0.25
            d.abuser = h.pid
            d.facts["kids"] = rng.choice(["一子", "一女", "两个孩子", "儿子", "女儿"])
        d.escalating = d.dv and rng.random() < 0.55 or rng.random() < 0.1
        n = self.third_party(d.place, near=hh.addr)
        d.roles["neighbour"] = n.pid
        d.sides[n.pid] = "t"

    def _build_neighbour(self, d, t0, t1):
        rng = self.rng
        ha = self._home(d, t0, t1, village=d.place.is_village)
        d.place = ha.place
        hb = None
        if not d.place.is_village and rng.random() < 0.25:
            hb = self.building_neighbour(d.place)
            if hb:
                d.tags.append("building_with_other_disputes")
        if hb is None:
            hb = self.household(d.place, near=ha.addr)
        a = self.resident(ha)
        b = self.resident(hb)
        d.roles.update(a=a.pid, b=b.pid)
        a2 = [p for p in self.adults_of(ha) if p.pid != a.pid]
        if not a2 and rng.random() < 0.6:
            a2 = [self.pop.new_person("女" if a.sex == "男" else "男", (max(22, a.age_at(t0.date()) - 5),
                                      a.age_at(t0.date()) + 5), district=ha.place.district, hh=ha)]
        if a2:
            d.roles["a2"] = a2[0].pid
            d.sides[a2[0].pid] = "a"
        d.sides.update({a.pid: "a", b.pid: "b"})
        d.parties = [a.pid, b.pid]
        d.hh_keys += [ha.hid, hb.hid]
        n = self.third_party(d.place, near=ha.addr)
        d.roles["neighbour"] = n.pid
        d.sides[n.pid] = "t"
        d.escalating = rng.random() < 0.2
        d.facts["same_surname"] = a.surname == b.surname

    def _build_debt(self, d, t0, t1):
        rng = self.rng
        ha = self._home(d, t0, t1)
        d.place = ha.place
        lender = self.resident(ha)
        hb = self.household(self.pick_place(0.1) if rng.random() < 0.5 else d.place)
        borrower = self.resident(hb)
        d.roles.update(a=lender.pid, b=borrower.pid)
        d.sides.update({lender.pid: "a", borrower.pid: "b"})
        d.parties = [lender.pid, borrower.pid]
        d.hh_keys += [ha.hid, hb.hid]
        d.facts["rel"] = rng.choice(["朋友", "老乡", "亲戚", "同事", "生意伙伴", "战友", "前同事", "邻居"])
        st = d.subtype
        if st == "租金":
            d.facts["rel"] = "房东"
        base = {"借款": [0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 50], "合伙": [5, 10, 20, 30, 50, 80],
                "租金": [0.6, 0.9, 1.2, 1.8, 2.4, 3.6], "货款": [1, 3, 5, 8, 12, 20],
                "装修款": [1, 2, 3, 5, 8]}[st]
        d.facts["amount"] = int(rng.choice(base) * 10000 * rng.choice([1, 1, 1.1, 1.25, 0.8]))
        d.escalating = rng.random() < 0.2
        n = self.third_party(d.place, near=ha.addr)
        d.roles["neighbour"] = n.pid
        d.sides[n.pid] = "t"

    def _build_property(self, d, t0, t1):
        rng = self.rng
        ho = self._home(d, t0, t1, village=False)
        d.place = ho.place
        if d.place.is_village:   # reused village household: treat as 邻里-like service dispute
            d.place = self.pick_place()
            ho = self.household(d.place) if not d.place.is_village else ho
        owner = self.resident(ho)
        co = self.property.get(d.place.code) or self._org("北京安居物业管理有限公司", "property", None)
        self.property.setdefault(d.place.code, co)
        d.orgs["company"] = co
        d.roles["a"] = owner.pid
        d.sides[owner.pid] = "a"
        sp = [p for p in self.adults_of(ho) if p.pid != owner.pid]
        if sp:
            d.roles["a2"] = sp[0].pid
            d.sides[sp[0].pid] = "a"
        mgr = self.pop.new_person(None, (28, 55), district=d.place.district, local=0.3)
        d.roles["b"] = mgr.pid
        d.sides[mgr.pid] = "b"
        d.parties = [owner.pid, co.oid]
        d.hh_keys.append(ho.hid)
        d.facts["amount"] = int(rng.choice([1800, 2400, 3600, 4800, 6000, 9000, 12000]) * rng.choice([1, 1.5, 2]))
        d.escalating = rng.random() < 0.1

    def _build_wage(self, d, t0, t1):
        rng = self.rng
        co = self.companies[bisect.bisect_right(self.company_cum, rng.random() * self.company_cum[-1])]
        d.orgs["company"] = co
        d.place = co.place
        d.tags.append(f"company:{co.oid}")
        collective = rng.random() < 0.1
        nw = rng.randint(5, 40) if collective else 1
        workers = []
        for i in range(nw):
            if rng.random() < 0.6:
                hh = self.household(self.pick_place(0.15))
                w = self.resident(hh, age=(20, 60))
                d.hh_keys.append(hh.hid)
            else:   # lives in a dorm / elsewhere: no household in the area
                w = self.pop.new_person(None, (19, 58), local=0.1)
            workers.append(w)
        d.roles["a"] = workers[0].pid
        for i, w in enumerate(workers):
            d.sides[w.pid] = "a"
            if i:
                d.roles[f"w{i}"] = w.pid
        boss = self.pop.get(co.boss)
        d.roles["b"] = boss.pid
        d.sides[boss.pid] = "b"
        d.parties = [w.pid for w in workers] + [co.oid]
        d.facts["collective"] = collective
        d.facts["n_workers"] = nw
        per = rng.choice([3000, 4500, 6000, 8000, 9600, 12000, 15000, 18000, 24000, 30000, 45000, 60000])
        d.facts["amount"] = per * nw if collective else per
        d.facts["months"] = rng.randint(1, 8)
        d.escalating = rng.random() < 0.2
        if d.subtype == "包工头跑路":
            d.roles["foreman"] = self.pop.new_person("男", (35, 58), local=0.1).pid

    def _build_land(self, d, t0, t1):
        rng = self.rng
        ha = self._home(d, t0, t1, village=True)
        d.place = ha.place
        if not d.place.is_village:
            d.place = next((p for p in self.area if p.is_village and p.town_code == ha.place.town_code), d.place)
            ha = self.household(d.place)
        a = self.resident(ha, "男")
        d.roles["a"] = a.pid
        d.sides[a.pid] = "a"
        d.hh_keys.append(ha.hid)
        if d.subtype == "补偿分配" and rng.random() < 0.5:
            vc = self._org(f"{d.place.base}村民委员会", "village", d.place)
            d.orgs["village"] = vc
            d.parties = [a.pid, vc.oid]
            off = self.pop.new_person("男", (40, 65), district=d.place.district)
            d.roles["b"] = off.pid
            d.sides[off.pid] = "b"
        else:
            hb = self.household(d.place, near=ha.addr)
            sn = a.surname if rng.random() < 0.45 else None
            b = self.resident(hb, "男") if hb.members else self.pop.new_person("男", (35, 80), surname=sn,
                                                                             district=d.place.district, hh=hb)
            d.roles["b"] = b.pid
            d.sides[b.pid] = "b"
            d.parties = [a.pid, b.pid]
            d.hh_keys.append(hb.hid)
            d.facts["relatives"] = a.surname == b.surname
        son = self.pop.child_of(a, d.place.district, sex="男", min_age=20, hh=ha)
        d.roles["a2"] = son.pid
        d.sides[son.pid] = "a"
        d.facts["area"] = rng.choice([0.3, 0.5, 0.8, 1, 1.5, 2, 3, 5]) if d.subtype != "承包地" else rng.choice([1, 2, 3, 5, 8])
        d.facts["amount"] = rng.choice([5, 10, 20, 30, 50, 80, 120]) * 10000
        d.escalating = rng.random() < 0.25

    def _build_inherit(self, d, t0, t1):
        rng = self.rng
        hh = self._home(d, t0, t1)
        d.place = hh.place
        d.hh_keys.append(hh.hid)
        first = self.resident(hh, age=(40, 70))
        sibs = [first]
        for _ in range(rng.randint(1, 3)):
            hh2 = self.household(self.pick_place(0.2) if rng.random() < 0.4 else d.place)
            sex = rng.choice("男女")
            s = self.pop.new_person(sex, (max(30, first.age_at(t0.date()) - 12), first.age_at(t0.date()) + 12),
                                    surname=first.surname if sex == "男" or rng.random() < 0.9 else None,
                                    district=hh2.place.district, hh=hh2)
            sibs.append(s)
            d.hh_keys.append(hh2.hid)
        for i, s in enumerate(sibs):
            d.roles[f"s{i}"] = s.pid
            d.sides[s.pid] = "a" if i == 0 else "b"
        d.roles["a"], d.roles["b"] = sibs[0].pid, sibs[1].pid
        d.parties = [s.pid for s in sibs]
        d.facts["deceased"] = rng.choice(["父亲", "母亲", "父母", "老父亲", "老母亲"])
        d.facts["amount"] = rng.choice([80, 120, 150, 200, 260, 300, 450, 600]) * 10000
        d.escalating = rng.random() < 0.15

    def _build_consumer(self, d, t0, t1):
        rng = self.rng
        hh = self._home(d, t0, t1)
        d.place = hh.place
        d.hh_keys.append(hh.hid)
        if d.subtype == "保健品":
            c = self.resident(hh, age=(65, 88))
            kid = self.pop.child_of(c, d.place.district, min_age=30)
            d.roles["a2"] = kid.pid
            d.sides[kid.pid] = "a"
        else:
            c = self.resident(hh)
        want = SHOP_FOR[d.subtype]
        m = rng.choice([o for o in self.merchants if o.short in want])
        d.orgs["company"] = m
        d.roles["a"] = c.pid
        d.sides[c.pid] = "a"
        d.roles["b"] = m.boss
        d.sides[m.boss] = "b"
        d.parties = [c.pid, m.oid]
        d.facts["amount"] = rng.choice([800, 1500, 2980, 3600, 5000, 6800, 12000, 19800, 28000, 46000])
        d.escalating = False

    def _build_construction(self, d, t0, t1):
        rng = self.rng
        pr = rng.choice([p for p in self.projects if p.place.town_code == d.place.town_code] or self.projects)
        d.orgs["company"] = pr
        d.place = pr.place if rng.random() < 0.5 else d.place
        hh = self.household(d.place)
        r = self.resident(hh)
        d.roles["a"] = r.pid
        d.sides[r.pid] = "a"
        sp = [p for p in self.adults_of(hh) if p.pid != r.pid]
        if sp:
            d.roles["a2"] = sp[0].pid
            d.sides[sp[0].pid] = "a"
        d.parties = [r.pid, pr.oid]
        d.hh_keys.append(hh.hid)
        d.tags.append(f"project:{pr.oid}")
        d.escalating = False

    def _build_other(self, d, t0, t1):
        rng = self.rng
        ha = self._home(d, t0, t1)
        d.place = ha.place
        a = self.resident(ha)
        hb = self.household(d.place if rng.random() < 0.6 else self.pick_place(0.1))
        b = self.resident(hb)
        d.roles.update(a=a.pid, b=b.pid)
        d.sides.update({a.pid: "a", b.pid: "b"})
        d.parties = [a.pid, b.pid]
        d.hh_keys += [ha.hid, hb.hid]
        d.facts["amount"] = rng.choice([1500, 2000, 3000, 4500, 6000, 8000, 12000, 20000])
        d.escalating = rng.random() < 0.1

    # --- reports -------------------------------------------------------------
    def _reporter(self, d, ag, prev_rep=None):
        """(pid, role, side) of who reports this record."""
        rng = self.rng
        R = d.roles
        k, st = d.kind, d.subtype
        cand = []   # (role, weight)
        if k == "婚姻家庭":
            if st == "赡养":
                cand = [("elder", 5), ("child0", 2), ("neighbour", 1.5 if ag != X else 0.2)]
                if "child1" in R:
                    cand.append(("child1", 1.5))
            elif st == "抚养探视":
                cand = [("wife", 6), ("husband", 3)]
            else:
                vw = {"police": [("wife", 5.5), ("husband", 1.5), ("wife_mother", 1), ("husband_mother", 0.5),
                                 ("neighbour", 1), ("child", 0.5)],
                      "hotline_12345": [("wife", 4), ("husband", 1.5), ("neighbour", 3), ("wife_mother", 1)],
                      "petition": [("wife", 5), ("husband", 3), ("wife_mother", 1), ("husband_mother", 1)],
                      "womens_federation": [("wife", 8.5), ("wife_mother", 1), ("child", 0.5)]}[ag]
                cand = vw
                if st == "婆媳矛盾":
                    cand = cand + [("husband_mother", 2)]
                if st == "翁婿债务":
                    cand = [("wife_mother", 4), ("husband", 2), ("wife", 2)]
            if ag == F:
                cand = [(r, w) for r, w in cand if r in R and self.pop.get(R[r]).sex == "女"] or cand
        elif k == "劳资/欠薪":
            cand = [("a", 6)] + [(f"w{i}", 1) for i in range(1, min(d.facts["n_workers"], 8))] + [("b", 0.6 if ag == P else 0)]
        elif k in ("物业", "施工扰民"):
            cand = [("a", 6), ("a2", 2), ("b", 0.5 if ag == P else 0)]
        elif k == "继承":
            cand = [(f"s{i}", 3 if i == 0 else 1.5) for i in range(4) if f"s{i}" in R]
            if ag == F:
                cand = [(r, w) for r, w in cand if self.pop.get(R[r]).sex == "女"] or cand
        elif k == "消费":
            cand = [("a", 5), ("a2", 4 if d.subtype == "保健品" else 0)]
        else:
            cand = [("a", 5), ("a2", 1.5), ("b", 3), ("neighbour", 1 if ag in (P, H) else 0)]
        cand = [(r, w) for r, w in cand if r in R and w > 0]
        if prev_rep and rng.random() < 0.45 and any(R[r] == prev_rep for r, _ in cand):
            role = next(r for r, _ in cand if R[r] == prev_rep)
        else:
            role = wchoice(rng, [r for r, _ in cand], [w for _, w in cand])
        pid = R[role]
        if d.dv and ag == F and pid == d.abuser:
            role = "wife" if "wife" in R else role
            pid = R[role]
        return pid, role, d.sides.get(pid, "t")

    def _reports(self, d, skeleton):
        rng = self.rng
        recs = []
        last_by_inc = {}
        prev_rep = None
        for ag, t, inc, cross in skeleton:
            pid, role, side = self._reporter(d, ag, prev_rep)
            if cross and rng.random() < 0.35 and prev_rep:   # same person calls both
                pid = prev_rep
                role = next((r for r, p in d.roles.items() if p == pid), role)
                side = d.sides.get(pid, "t")
            if cross and recs:
                t = recs[-1].t + dt.timedelta(minutes=rng.randint(4, 300), seconds=rng.randrange(60))
            else:
                t = self._office_hours(ag, t, d)
                if recs and t <= recs[-1].t:
                    t = recs[-1].t + dt.timedelta(hours=rng.randint(2, 30), minutes=rng.randrange(60))
            if t >= self.end:
                t = self.end - dt.timedelta(minutes=rng.randint(5, 600))
            r = Rec(source=ag, t=t, reporter=pid, role=role, side=side, incident=inc)
            recs.append(r)
            prev_rep = pid
        recs.sort(key=lambda r: r.t)
        # events per incident; an incident reported twice shares its events
        lvl = 0.0
        rate = rng.uniform(0.5, 1.0) if getattr(d, "escalating", False) else rng.uniform(0.0, 0.25)
        ordered = d.dv and rng.random() < 0.1     # a protection order granted before the period
        if ordered:
            d.tags.append("prior_protection_order")
        seen_ev = set()
        for i, r in enumerate(recs):
            if r.incident in last_by_inc and r.source not in (X, F):
                r.events = last_by_inc[r.incident]
            else:
                r.events = self._events(d, r, lvl, ordered)
                last_by_inc[r.incident] = r.events
                lvl += rate
            if "order_application" in r.events:
                ordered = True
            seen_ev |= set(r.events)
            r.n_before = i
            r.n_before_same = sum(1 for q in recs[:i] if q.source == r.source)
            self._extras(d, r, recs[:i], seen_ev)
        d.recs = recs

    def _office_hours(self, ag, t, d):
        rng = self.rng
        day = t.replace(hour=0, minute=0, second=0, microsecond=0)
        if ag == P:
            if d.kind in ("婚姻家庭", "邻里") and rng.random() < 0.6:
                h = rng.choice([18, 19, 20, 20, 21, 21, 22, 22, 23, 0, 1, 2])
            else:
                h = rng.randint(0, 23)
            return day + dt.timedelta(hours=h, minutes=rng.randrange(60), seconds=rng.randrange(60))
        if ag == H:
            if d.kind == "施工扰民" and rng.random() < 0.5:
                h = rng.choice([22, 23, 0, 1, 5, 6])
            else:
                h = rng.choices(range(24), weights=[1, 1, 0.5, 0.5, 0.5, 1, 3, 6, 9, 10, 10, 9, 7, 8, 9, 9, 9, 8,
                                                    7, 7, 6, 5, 3, 2])[0]
            return day + dt.timedelta(hours=h, minutes=rng.randrange(60), seconds=rng.randrange(60))
        hotline = ag == F and rng.random() < 0.35
        if not hotline:
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            if day >= self.end:
                day -= dt.timedelta(days=3)
                while day.weekday() >= 5:
                    day -= dt.timedelta(days=1)
            h = rng.choice([8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 15, 16])
            m = rng.randrange(30, 60) if h == 8 else rng.randrange(60)
            return day + dt.timedelta(hours=h, minutes=m, seconds=rng.randrange(60))
        h = rng.choice([9, 10, 11, 14, 15, 16, 19, 20, 21])
        return day + dt.timedelta(hours=h, minutes=rng.randrange(60), seconds=rng.randrange(60))

    # --- events ---------------------------------------------------------------
    def _events(self, d, r, lvl, ordered) -> tuple:
        rng = self.rng
        k, ag = d.kind, r.source
        tier = min(3, int(lvl))
        E = set()
        reporter_is_abuser = r.reporter == d.abuser
        if k == "婚姻家庭":
            if ag == F:
                if d.dv:
                    E.add(rng.choice(["dv", "dv", "dv_injury"]))
                    if rng.random() < 0.3:
                        E.add("dv")
                    if rng.random() < 0.08 + 0.05 * tier:
                        E.add("strangulation")
                    if rng.random() < 0.12 + 0.05 * tier:
                        E.add("threat_kill")
                    if not ordered and rng.random() < 0.5:
                        E.add("order_application")
                else:
                    E.add(rng.choice(["heated", "heated", "none"]))
                    if rng.random() < 0.05:
                        E.add("suicide_threat")
            elif ag == X:
                E.add(rng.choice(["none", "none", "heated"]))
                if rng.random() < 0.04:
                    E.add("suicide_threat")
                if d.dv and rng.random() < 0.4:
                    E.add("dv")
            else:
                if d.dv and not reporter_is_abuser and rng.random() < 0.8:
                    sev = rng.random() + 0.22 * tier
                    if sev < 0.55:
                        E.add("dv")
                        if rng.random() < 0.5:
                            E.add("heated")
                    elif sev < 0.95:
                        E.add("dv_injury")
                    else:
                        E.add(rng.choice(["dv_injury", "dv"]))
                        E.add(rng.choice(["strangulation", "threat_kill", "weapon", "threat_kill"]))
                        if "threat_kill" in E and rng.random() < 0.4:
                            E.add("weapon")
                    if ordered and rng.random() < 0.5:
                        E.add("order_breach")
                    if ag == H and not ordered and rng.random() < 0.12:
                        E.add("order_application")
                    if rng.random() < 0.05:
                        E.add("suicide_threat")
                else:
                    E.add("heated" if rng.random() < 0.85 else "none")
                    x = rng.random()
                    if x < 0.02 + 0.02 * tier:
                        E.add("threat_kill")
                    elif x < 0.05 + 0.03 * tier:
                        E.add("suicide_threat")
                    if d.subtype == "翁婿债务" and rng.random() < 0.25:
                        E.add("threat_kill")
                    if ag == H and "none" in E and rng.random() < 0.5:
                        E.discard("none")
                        E.add("heated")
        elif k in ("邻里", "土地/宅基地", "其他", "债务/经济", "继承"):
            if ag == X:
                E.add(rng.choice(["none", "none", "heated"]))
                if rng.random() < 0.02:
                    E.add("suicide_threat")
            elif ag == F:
                E.add(rng.choice(["none", "heated"]))
            else:
                base = {"邻里": 0.75, "土地/宅基地": 0.7, "其他": 0.55, "债务/经济": 0.6, "继承": 0.7}[k]
                E.add("heated" if rng.random() < base else "none")
                x = rng.random() - 0.07 * tier
                phys = {"邻里": 0.2, "土地/宅基地": 0.25, "其他": 0.12, "债务/经济": 0.12, "继承": 0.15}[k]
                if d.subtype == "宠物伤人":
                    phys = 0.0
                if x < phys:
                    E.add("physical")
                    E.discard("none")
                y = rng.random() - 0.03 * tier
                if y < 0.04:
                    E.add("threat_kill")
                    E.discard("none")
                    if rng.random() < 0.45:
                        E.add("weapon")
                elif y < 0.07 and k in ("邻里", "土地/宅基地"):
                    E.add("weapon")
                    E.discard("none")
                if k == "债务/经济" and rng.random() < 0.03:
                    E.add("suicide_threat")
        elif k == "劳资/欠薪":
            if ag == X:
                E.add(rng.choice(["none", "none", "heated"]))
            else:
                E.add("heated" if rng.random() < (0.6 if ag == P else 0.2) else "none")
            x = rng.random()
            if x < 0.05:
                E.add("suicide_threat")
            elif x < 0.07:
                E.add("threat_kill")
            elif x < 0.12 and ag == P:
                E.add("physical")
            if len(E) > 1:
                E.discard("none")
        else:   # 物业 / 消费 / 施工扰民
            E.add("none" if rng.random() < (0.75 if ag != P else 0.3) else "heated")
            if ag == P and rng.random() < 0.1:
                E.add("physical")
                E.discard("none")
            if rng.random() < 0.01:
                E.add("threat_kill")
                E.discard("none")
        if len(E) > 1:
            E.discard("none")
        if not E:
            E.add("none")
        return tuple(e for e in EVENT_ORDER + ["none"] if e in E)

    def _extras(self, d, r, before, seen):
        rng = self.rng
        ev = set(r.events)
        if r.source == X:
            prev_pet = [q for q in before if q.source == X]
            r.repeat = bool(prev_pet)
            r.skip_level = rng.random() < (0.2 if prev_pet else 0.03)
            r.channel = wchoice(rng, ["来访", "来信", "网上信访", "电话"], [0.6, 0.08, 0.22, 0.1])
            if d.kind == "劳资/欠薪" and d.facts.get("collective"):
                r.headcount = rng.randint(5, min(60, max(5, d.facts["n_workers"] + 2)))
                r.channel = "来访"
            elif d.kind in ("土地/宅基地", "继承", "婚姻家庭") and rng.random() < 0.3:
                r.headcount = rng.randint(2, 4)
            elif d.kind in ("物业", "施工扰民") and rng.random() < 0.15:
                r.headcount = rng.randint(2, 4)
            if r.channel in ("来信", "网上信访", "电话") and r.headcount >= 5:
                r.channel = "来访"
            if r.channel != "来访":
                r.headcount = 1
            if r.headcount > 1:
                others = [p for p, s in d.sides.items() if s == r.side and p != r.reporter]
                rng.shuffle(others)
                r.co_reporters = others[: r.headcount - 1]
        elif r.source == H:
            if ev & {"threat_kill", "weapon", "suicide_threat", "strangulation", "order_breach"}:
                r.urgency = "特急"
            elif ev & {"dv_injury", "physical", "dv"}:
                r.urgency = "紧急"
            else:
                r.urgency = "一般"
        elif r.source == F:
            r.dv_flag = bool(seen & DV_CODES) or d.dv and bool(ev & DV_CODES)
            r.channel = "12338热线" if r.t.hour >= 18 or r.t.weekday() >= 5 or rng.random() < 0.25 else "来访"
        r.at_home = not (d.kind in ("劳资/欠薪",) or (d.kind == "消费" and rng.random() < 0.5))
