"""Disputes: parties, how the conflict unfolds over time, who reports it to which
agency, and what really happened at each incident (the risk truth)."""
from __future__ import annotations

import datetime as dt

from places import new_addr, neighbour_addr
from people import Person

KINDS = [("婚姻家庭", 27), ("邻里", 18), ("债务/经济", 10), ("物业", 9), ("劳资/欠薪", 11),
         ("土地/宅基地", 5), ("继承", 5), ("消费", 6), ("施工扰民", 4), ("其他", 5)]
SUBS = {
    "婚姻家庭": [("couple", 62), ("divorce_property", 8), ("custody", 8), ("elder", 12), ("inlaw_debt", 10)],
    "邻里": [("nb_leak", 16), ("nb_noise", 20), ("nb_parking", 10), ("nb_drain", 7), ("nb_aircon", 6), ("nb_clutter", 8),
           ("nb_dog", 8), ("nb_tree", 4), ("nb_renovation", 7), ("nb_passage", 5), ("nb_smoke", 4), ("nb_wall", 5)],
    "债务/经济": [("debt_loan", 50), ("debt_partner", 15), ("debt_rent", 15), ("debt_goods", 12), ("debt_car", 8)],
    "物业": [("pm_fee", 25), ("pm_repair", 25), ("pm_elevator", 10), ("pm_parking", 12), ("pm_heating", 13), ("pm_delivery", 15)],
    "劳资/欠薪": [("wage_wage", 55), ("wage_injury", 12), ("wage_dismiss", 15), ("wage_group", 18)],
    "土地/宅基地": [("land_boundary", 35), ("land_rebuild", 25), ("land_contract", 20), ("land_comp", 20)],
    "继承": [("inh_house", 60), ("inh_money", 40)],
    "消费": [("con_prepaid", 35), ("con_decor", 30), ("con_goods", 25), ("con_car", 10)],
    "施工扰民": [("cs_night", 50), ("cs_dust", 30), ("cs_truck", 20)],
    "其他": [("ot_traffic", 30), ("ot_dogbite", 20), ("ot_online", 15), ("ot_cowork", 15), ("ot_mental", 20)],
}
COUPLE_CAUSES = [("drink", 18), ("gamble", 8), ("affair", 12), ("money", 14), ("chores", 16), ("kids", 8), ("divorce", 12),
                 ("inlaws", 6), ("separated", 5), ("bride", 1)]
# which agency a report goes to, per kind (police, hotline, petition, federation)
AGENCY_W = {
    "婚姻家庭": (45, 13, 10, 32), "邻里": (45, 45, 8, 2), "债务/经济": (55, 25, 15, 5), "物业": (10, 75, 15, 0),
    "劳资/欠薪": (18, 55, 27, 0), "土地/宅基地": (30, 30, 40, 0), "继承": (35, 20, 25, 20), "消费": (18, 80, 2, 0),
    "施工扰民": (13, 85, 2, 0), "其他": (60, 38, 2, 0),
}
SOURCES = ("police", "hotline_12345", "petition", "womens_federation")
VIOLENT = {"physical", "dv", "dv_injury", "strangulation"}
DV_EV = {"dv", "dv_injury", "strangulation", "order_breach"}

JOBS = {"建筑劳务": ["木工", "钢筋工", "瓦工", "力工", "水电工", "架子工"], "餐饮": ["服务员", "厨师", "配菜员", "洗碗工"],
        "保洁": ["保洁员"], "物流": ["快递员", "分拣员", "司机"], "装饰": ["装修工", "油漆工"], "制造": ["普工", "操作工"],
        "保安": ["保安"], "家政": ["保姆", "月嫂"]}
ORG_WORDS = ["鑫盛", "恒达", "宏远", "金鼎", "华泰", "顺通", "永盛", "兴旺", "博远", "众诚", "利民", "天成", "嘉禾", "聚福", "万通",
             "广源", "正阳", "盛世", "长城", "东方", "瑞丰", "安泰", "凯达", "德润", "汇通", "京北", "通达", "新元", "昌盛", "锦程"]
PM_BRANDS = ["万科", "碧桂园", "首开", "金隅", "鸿坤", "中铁", "世纪", "宏福", "天鸿", "远洋", "龙湖", "保利", "京城", "华远",
             "城建", "住总", "新华", "和谐", "安居", "嘉诚"]
SHOP_TYPES = {"con_prepaid": ["健身房", "游泳馆", "英语培训学校", "美容院", "理发店", "舞蹈培训中心", "早教中心"],
              "con_decor": ["装饰工程有限公司", "装饰公司", "家装公司"], "con_goods": ["家具城", "电器商行", "保健品店", "建材店"],
              "con_car": ["二手车行", "汽车修理厂", "汽修店"]}
BUILDERS = ["中建一局", "北京城建", "北京住总", "中铁建工", "北京建工", "城建九公司", "中建二局", "北京六建"]


class Org:
    __slots__ = ("oid", "name", "aliases", "kind", "addr", "phone", "boss", "weight", "town")

    def __init__(self, oid, name, aliases, kind, addr, phone, boss=None, town=None):
        self.oid, self.name, self.aliases, self.kind, self.addr, self.phone, self.boss = oid, name, aliases, kind, addr, phone, boss
        self.weight = 1.0
        self.town = town


class Incident:
    __slots__ = ("t", "events", "actor", "victim", "suicide_role")

    def __init__(self, t, events, actor="B", victim="A", suicide_role=None):
        self.t, self.events, self.actor, self.victim, self.suicide_role = t, events, actor, victim, suicide_role


class Record:
    __slots__ = ("source", "t", "rep_role", "rep", "incident", "events", "actor", "victim", "suicide_role", "ref",
                 "fields", "history_note", "rep_text_name", "headcount", "repeat", "skip", "dv_flag", "station_dc",
                 "place_addr", "group_names", "file", "fields_hint")

    def __init__(self, source, t, rep_role, rep, incident):
        self.source, self.t, self.rep_role, self.rep, self.incident = source, t, rep_role, rep, incident
        self.events = set(incident.events)
        self.actor, self.victim, self.suicide_role = incident.actor, incident.victim, incident.suicide_role
        self.ref = None
        self.fields = None
        self.history_note = ""
        self.rep_text_name = ""
        self.headcount = 1
        self.repeat = False
        self.skip = False
        self.dv_flag = False
        self.station_dc = None
        self.place_addr = None
        self.group_names = None
        self.file = None


class Dispute:
    __slots__ = ("did", "kind", "sub", "roles", "rel", "facts", "domestic", "records", "used", "place", "unit",
                 "town_code", "town_short", "level", "escalating", "order_at", "group", "first", "prior_petition",
                 "households", "hidden")

    def __init__(self, did, kind, sub):
        self.did, self.kind, self.sub = did, kind, sub
        self.roles = {}
        self.rel = {}
        self.facts = {}
        self.domestic = False
        self.records = []
        self.used = set()
        self.group = []
        self.order_at = None
        self.prior_petition = False
        self.households = []

    def quote(self, rep_role):
        """the sum as quoted by this reporter: claimants round up (interest, losses), the other side lowers it"""
        a = self.facts.get("amount", 0)
        q = self.facts.setdefault("_q", {})
        if rep_role not in q:
            import random as _r
            import zlib
            rr = _r.Random(zlib.crc32(f"{self.did}|{rep_role}".encode()))
            if rep_role in ("B", "B_sp", "B_staff"):
                f = rr.choice([0.5, 0.6, 0.7, 0.8, 1.0])
            else:
                f = rr.choice([1.0, 1.0, 1.0, 1.1, 1.2, 1.3, 1.5])
            v = a * f
            v = round(v, -3) if v >= 5000 else round(v, -2)
            q[rep_role] = max(100, v)
        return q[rep_role]


# ------------------------------------------------------------------------------------------
def wchoice(rng, pairs):
    tot = 0
    for _, w in pairs:
        tot += w
    r = rng.random() * tot
    for k, w in pairs:
        r -= w
        if r < 0:
            return k
    return pairs[-1][0]


SPOUSE_W = {"M": ["@丈夫", "@老公", "@爱人", "男方", "@丈夫"], "F": ["@妻子", "@老婆", "@媳妇", "@爱人", "女方"]}
EX_W = {"M": ["@前夫", "前夫", "孩子他爸", "@前夫"], "F": ["@前妻", "前妻", "孩子他妈", "@前妻"]}
CHILD_W = {"M": ["@儿子", "@儿子"], "F": ["@女儿", "@闺女"]}
PARENT_W = {"M": ["@父亲", "@爸爸", "@父亲"], "F": ["@母亲", "@妈妈", "@母亲"]}


def sib_word(me, other, on):
    older = other.birth < me.birth
    if other.sex == "M":
        return ["@哥哥", "@大哥"] if older else ["@弟弟", "@弟弟"]
    return ["@姐姐", "@大姐"] if older else ["@妹妹", "@妹妹"]


def nbr_words(p, on=None):
    sx = "男" if p.sex == "M" else "女"
    if on is not None and p.age(on) >= 62:
        return ["邻居家老人", "{s}大爷" if p.sex == "M" else "{s}大妈", "邻居{n}", "老人{n}"]
    return ["邻居{n}", f"邻居家{sx}的", "{s}家" + ("男主人" if p.sex == "M" else "女主人"), "邻居{n}"]


class World:
    def __init__(self, rng, places, people, start: dt.date, days: int, n_cases: int = 1000):
        self.rng = rng
        self.n_cases = n_cases
        self.places = places
        self.people = people
        self.start = start
        self.days = days
        self.end = dt.datetime.combine(start, dt.time()) + dt.timedelta(days=days)
        self.t0 = dt.datetime.combine(start, dt.time())
        self.orgs = []
        self.pm_by_unit = {}
        self.pm_brands = {}
        self.pm_staff = {}
        self.employers = {}
        self.shops = {}
        self.builders = {}
        self.vc_by_unit = {}
        self.used_households = []   # (household, first_day) of earlier disputes
        self.used_buildings = []
        self.cadres = {}

    # orgs ------------------------------------------------------------------------------
    def _org(self, name, aliases, kind, unit, boss=None):
        rng = self.rng
        addr = new_addr(rng, unit)
        phone = self.people.landline(unit.district_code) if rng.random() < 0.7 else self.people.mobile()
        o = Org(f"O{len(self.orgs) + 1:06d}", name, aliases, kind, addr, phone, boss, unit.town_code)
        self.orgs.append(o)
        return o

    def property_co(self, unit):
        """the property company of a community; one company manages several communities"""
        o = self.pm_by_unit.get(unit.code)
        if o is None:
            rng = self.rng
            b = rng.choice(PM_BRANDS)
            o = self.pm_brands.get(b)
            if o is None:
                nm = rng.choice([f"北京{b}物业管理有限公司", f"北京{b}物业服务有限公司", f"{b}物业服务集团有限公司北京分公司"])
                o = self._org(nm, [nm, f"{b}物业", "物业公司", "小区物业", "物业", f"{b}物业公司"], "物业", unit)
                self.pm_brands[b] = o
            self.pm_by_unit[unit.code] = o
        return o

    def village_committee(self, unit):
        o = self.vc_by_unit.get(unit.code)
        if o is None:
            o = self._org(unit.raw, [unit.raw, "村委会", "村里", "村干部", "村委会"], "村委会", unit)
            self.vc_by_unit[unit.code] = o
        return o

    def _zipf_pick(self, pool, create, cap):
        rng = self.rng
        if len(pool) < cap and (not pool or rng.random() < 0.35):
            o = create()
            o.weight = 1.0 / (len(pool) + 1) ** 0.7 * 10
            pool.append(o)
            return o
        return rng.choices(pool, weights=[o.weight for o in pool])[0]

    def employer(self, town_unit):
        rng = self.rng
        town = town_unit.town_code
        pool = self.employers.setdefault(town, [])

        def create():
            typ = rng.choice(list(JOBS))
            w = rng.choice(ORG_WORDS)
            nm = f"北京{w}{typ}" + rng.choice(["有限公司", "有限责任公司", "服务有限公司"])
            boss = self.people.new_person("M" if rng.random() < 0.8 else "F", rng.randint(32, 60),
                                          self.people.new_household(unit=self.places.near_unit(rng, town_unit)))
            o = self._org(nm, [nm, f"{w}公司", f"{w}{typ}公司", nm, "公司"], typ, self.places.near_unit(rng, town_unit), boss)
            return o
        return self._zipf_pick(pool, create, 10 + self.n_cases // 150)

    def shop(self, sub, unit):
        rng = self.rng
        pool = self.shops.setdefault((sub, unit.town_code), [])

        def create():
            typ = rng.choice(SHOP_TYPES[sub])
            w = rng.choice(ORG_WORDS)
            nm = (f"北京{w}{typ}" if typ.endswith("公司") else f"{w}{typ}")
            staff = self.people.new_person(rng.choice("MF"), rng.randint(25, 55), self.people.new_household(unit=self.places.near_unit(rng, unit)))
            return self._org(nm, [nm, typ.replace("有限公司", ""), "商家", "店家", nm], typ, self.places.near_unit(rng, unit), staff)
        return self._zipf_pick(pool, create, 20)

    def builder(self, unit):
        rng = self.rng
        pool = self.builders.setdefault(unit.town_code, [])

        def create():
            b = rng.choice(BUILDERS)
            site = self.places.near_unit(rng, unit)
            nm = f"{b}{site.base}项目部" if rng.random() < 0.6 else f"{b}{site.base}{rng.choice(['改造', '安置房', '商品房', '道路'])}工程"
            staff = self.people.new_person("M", rng.randint(30, 55), self.people.new_household(unit=site))
            return self._org(nm, [nm, "工地", "施工方", "施工单位", nm, f"{site.base}工地"], "施工", site, staff)
        return self._zipf_pick(pool, create, 6)

    def cadre(self, unit):
        c = self.cadres.get(unit.code)
        if c is None:
            hh = self.people.new_household(unit=unit)
            c = self.people.new_person(self.rng.choice("MF"), self.rng.randint(28, 58), hh)
            self.cadres[unit.code] = c
        return c

    # households ---------------------------------------------------------------------------
    def reuse_household(self, p=0.07):
        rng = self.rng
        if self.used_households and rng.random() < p:
            return rng.choice(self.used_households)
        return None

    def first_day(self, prev=None, span=0):
        rng = self.rng
        hi = max(1, self.days - int(min(span, self.days * 0.7)))
        if prev is not None:
            cand = prev + rng.randint(90, 400)
            if cand < self.days - 1:
                return cand
        return rng.randrange(hi)


# ------------------------------------------------------------------------------------------
def build_dispute(w: World, idx: int):
    rng = w.rng
    P = w.people
    kind = wchoice(rng, KINDS)
    sub = wchoice(rng, SUBS[kind])
    d = Dispute(f"D{idx + 1:06d}", kind, sub)
    on = w.start
    R = d.roles
    rel = d.rel
    prev_day = None
    reuse = w.reuse_household()
    if reuse is not None:
        prev_day = reuse[1]
        reuse = reuse[0]
    # --- parties -------------------------------------------------------------------------
    if kind == "婚姻家庭" and sub in ("couple", "divorce_property", "custody"):
        d.domestic = True
        if reuse is not None and len([m for m in reuse.members if m.age(on) >= 20]) >= 2 and sub == "couple":
            adults = [m for m in reuse.members if m.age(on) >= 20]
            h = next((m for m in adults if m.sex == "M" and m.kin.get("spouse") in adults), None)
            if h is None:
                h, wf, hh = P.couple(on)
            else:
                wf, hh = h.kin["spouse"], reuse
        else:
            young = sub == "custody" or rng.random() < 0.3
            h, wf, hh = P.couple(on, age=rng.randint(24, 40) if young else None)
        if rng.random() < 0.1 and sub == "couple":
            A, B = h, wf   # the husband is the one beaten / complaining
        else:
            A, B = wf, h
        ex = sub != "couple"
        d.facts["cause"] = wchoice(rng, COUPLE_CAUSES) if sub == "couple" else None
        if sub != "couple":
            # ex-partners: the other lives elsewhere now
            nb = P.new_household(unit=hh.addr.unit if rng.random() < 0.5 else None)
            if B in hh.members:
                hh.members.remove(B)
            B.hh = nb
            nb.members.append(B)
            ex = True
        R.update(A=A, B=B)
        R["A_mother"] = P.parent(A, "F", on)
        R["A_father"] = P.parent(A, "M", on)
        R["B_mother"] = P.parent(B, "F", on)
        R["A_sib"] = P.sibling(A, on)
        if A.age(on) > 42:
            R["child"] = P.child(A, on, adult=True)
        sw = EX_W if ex else SPOUSE_W
        rel[("A", "B")] = sw[B.sex] + ["{n}"]
        rel[("B", "A")] = sw[A.sex] + ["{n}"]
        for k in ("A_mother", "A_father"):
            rel[(k, "A")] = CHILD_W[A.sex]
            rel[(k, "B")] = (["@女婿", "@女婿", "{n}"] if B.sex == "M" else ["@儿媳", "@儿媳妇"])
        rel[("A_sib", "A")] = sib_word(R["A_sib"], A, on)
        rel[("A_sib", "B")] = (["@姐夫" if A.birth < R["A_sib"].birth else "@妹夫", "{n}"] if B.sex == "M"
                               else ["@嫂子" if A.birth < R["A_sib"].birth else "@弟妹", "{n}"])
        rel[("B_mother", "B")] = CHILD_W[B.sex]
        rel[("B_mother", "A")] = ["@儿媳", "@儿媳妇", "{n}"] if A.sex == "F" else ["@女婿"]
        if "child" in R:
            rel[("child", "A")] = PARENT_W[A.sex]
            rel[("child", "B")] = PARENT_W[B.sex]
        d.facts["amount"] = rng.choice([2000, 3000, 5000, 12000, 50000, 100000, 300000, 800000])
        place_h = hh
        d.households = [hh, B.hh] if B.hh is not hh else [hh]
    elif kind == "婚姻家庭" and sub == "elder":
        d.domestic = True
        son_hh = reuse if reuse is not None else P.new_household()
        age = rng.randint(35, 60)
        B = P.new_person("M" if rng.random() < 0.75 else "F", age, son_hh)
        A = P.parent(B, rng.choice("MF"), on, same_house_p=0.5)
        A_child2 = P.sibling(B, on)
        Bsp = P.spouse(B, on)
        R.update(A=A, B=B, A_child2=A_child2, B_sp=Bsp)
        rank = rng.choice(["大", "二", "小", "", ""])
        rel[("A", "B")] = CHILD_W[B.sex] + ([f"@{rank}儿子"] if B.sex == "M" else [f"@{rank}女儿"])
        rel[("A", "B_sp")] = ["@儿媳", "@儿媳妇"] if Bsp.sex == "F" else ["@女婿"]
        rel[("A_child2", "B")] = sib_word(A_child2, B, on)
        rel[("A_child2", "A")] = PARENT_W[A.sex] + (["@老父亲"] if A.sex == "M" else ["@老母亲"])
        rel[("B_sp", "A")] = ["@婆婆", "@公公"] if Bsp.sex == "F" else ["@岳母"]
        rel[("B_sp", "B")] = SPOUSE_W[B.sex]
        rel[("*", "A")] = ["老人", "{n}", "老人{n}"]
        d.facts["amount"] = rng.choice([500, 800, 1000, 1500, 2000])
        place_h = A.hh
        d.households = [A.hh, son_hh]
    elif kind == "婚姻家庭":  # inlaw_debt (the article's 丈母娘 and 女婿)
        d.domestic = True
        if reuse is not None:
            adults = [m for m in reuse.members if m.age(on) >= 25 and m.sex == "M" and "spouse" in m.kin]
        else:
            adults = []
        if adults:
            B = adults[0]
            W = B.kin["spouse"]
        else:
            B, W, _ = P.couple(on)
        A = P.parent(W, "F", on, same_house_p=0.2)
        R.update(A=A, B=B, W=W)
        rel[("A", "B")] = ["@女婿", "@女婿", "{n}"]
        rel[("A", "W")] = ["@女儿", "@闺女"]
        rel[("B", "A")] = ["@丈母娘", "@岳母", "@丈母娘"]
        rel[("W", "A")] = PARENT_W["F"]
        rel[("W", "B")] = SPOUSE_W["M"]
        rel[("B", "W")] = SPOUSE_W["F"]
        d.facts["amount"] = rng.choice([30000, 50000, 80000, 100000, 150000, 200000, 300000])
        place_h = B.hh if rng.random() < 0.6 else A.hh
        d.households = [A.hh, B.hh]
    elif kind == "邻里" or kind == "土地/宅基地" and sub in ("land_boundary", "land_rebuild") or sub in ("ot_dogbite",):
        village = sub in ("nb_drain", "nb_wall", "nb_tree", "land_boundary", "land_rebuild") or (sub == "nb_passage" and rng.random() < 0.5)
        if reuse is not None and (reuse.addr.unit.is_village == village or not village):
            hA = reuse
        elif w.used_buildings and rng.random() < 0.3:
            bh = rng.choice(w.used_buildings)
            if bh.addr.unit.is_village == village or not village:
                hA = P.new_household(addr=neighbour_addr(rng, bh.addr, rng.choice(["up", "down", "door"])))
            else:
                hA = P.new_household(village_only=village, community_only=not village)
        else:
            hA = P.new_household(village_only=village, community_only=not village and sub in ("nb_leak", "nb_noise", "nb_clutter", "nb_smoke"))
        rel_kind = "next"
        if not hA.addr.unit.is_village:
            rel_kind = {"nb_leak": "up", "nb_noise": rng.choice(["up", "up", "door"]), "nb_renovation": "up"}.get(sub, rng.choice(["up", "down", "door"]))
        naddr = neighbour_addr(rng, hA.addr, rel_kind)
        exist = [h for h in P.by_building.get(naddr.building_key(), []) if h.addr.key() == naddr.key() and h is not hA]
        hB = exist[0] if exist else P.new_household(addr=naddr)
        A = next((m for m in hA.members if m.age(on) >= 20), None) or P.new_person(rng.choice("MF"), rng.randint(28, 78), hA)
        B = next((m for m in hB.members if m.age(on) >= 20), None) or P.new_person(rng.choice("MF"), rng.randint(28, 78), hB)
        R.update(A=A, B=B, A_sp=P.spouse(A, on), B_sp=P.spouse(B, on))
        pos = {"up": ["楼上邻居", "楼上住户", "楼上", "楼上{s}家"], "down": ["楼下邻居", "楼下住户", "楼下"],
               "door": ["对门邻居", "隔壁", "对门", "隔壁{s}家"], "next": ["邻居", "隔壁邻居", "东邻", "西邻", "后院邻居", "邻居{n}"]}
        back = {"up": "down", "down": "up", "door": "door", "next": "next"}
        rel[("A", "B")] = pos[rel_kind] + ["{n}"]
        rel[("A_sp", "B")] = pos[rel_kind]
        rel[("B", "A")] = pos[back[rel_kind]] + ["{n}"]
        rel[("B_sp", "A")] = pos[back[rel_kind]]
        rel[("A_sp", "A")] = SPOUSE_W[A.sex]
        rel[("B_sp", "B")] = SPOUSE_W[B.sex]
        rel[("*", "A")] = nbr_words(A)
        rel[("*", "B")] = nbr_words(B)
        rel[("nbr", "A")] = nbr_words(A)
        rel[("nbr", "B")] = nbr_words(B)
        R["nbr"] = P.new_person(rng.choice("MF"), rng.randint(30, 75), P.new_household(addr=neighbour_addr(rng, hA.addr, "door")))
        d.facts["amount"] = rng.choice([500, 1000, 2000, 3000, 5000, 8000, 20000])
        place_h = hA
        d.households = [hA, hB]
        w.used_buildings.append(hA)
    elif kind in ("债务/经济", "继承") or sub in ("ot_traffic", "ot_online", "ot_cowork", "ot_mental"):
        if reuse is not None:
            A = next((m for m in reuse.members if m.age(on) >= 22), None) or P.new_person(rng.choice("MF"), rng.randint(25, 70), reuse)
        else:
            A = P.new_person(rng.choice("MF"), rng.randint(25, 72), P.new_household())
        R["A"] = A
        R["A_sp"] = P.spouse(A, on)
        rel[("A_sp", "A")] = SPOUSE_W[A.sex]
        if kind == "继承":
            P.parent(A, "M", on)
            B = P.sibling(A, on, new=True)
            C = P.sibling(A, on, new=True) if rng.random() < 0.4 else None
            R["B"] = B
            R["B_sp"] = P.spouse(B, on)
            rel[("A", "B")] = sib_word(A, B, on) + ["{n}"]
            rel[("B", "A")] = sib_word(B, A, on) + ["{n}"]
            older = B.birth < A.birth
            if A.sex == "M":   # A_sp is his wife
                kw = ("@大伯子" if older else "@小叔子") if B.sex == "M" else ("@大姑子" if older else "@小姑子")
            else:              # A_sp is her husband
                kw = ("@大舅子" if older else "@小舅子") if B.sex == "M" else ("@大姨子" if older else "@小姨子")
            rel[("A_sp", "B")] = [kw, "{n}", "对方"]
            rel[("B_sp", "A")] = ["{n}", "对方"]
            if C is not None:
                R["C"] = C
                rel[("C", "A")] = sib_word(C, A, on)
                rel[("C", "B")] = sib_word(C, B, on)
            d.facts["amount"] = rng.choice([50000, 200000, 500000, 1200000, 2000000, 3500000])
            d.households = [A.hh, B.hh]
        elif sub == "ot_mental":
            d.domestic = True
            B = P.child(A, on, adult=True) if A.age(on) > 45 else P.spouse(A, on)
            R["B"] = B
            if R.get("A_sp") is B:
                del R["A_sp"]
            rel[("A", "B")] = (CHILD_W[B.sex] if B.kin.get("mother") is A or B.kin.get("father") is A else SPOUSE_W[B.sex]) + ["{n}"]
            d.households = [A.hh]
        else:
            hB = P.new_household(unit=A.hh.addr.unit if rng.random() < 0.4 else None)
            B = P.new_person(rng.choice("MF"), rng.randint(25, 65), hB)
            R["B"] = B
            R["B_sp"] = P.spouse(B, on)
            kinw = (["@表哥", "亲戚{n}"] if B.sex == "M" else ["@表姐", "亲戚{n}"]) if B.birth < A.birth else (["@表弟", "亲戚{n}"] if B.sex == "M" else ["@表妹", "亲戚{n}"])
            relw = rng.choice([["朋友", "朋友{n}"], ["老乡", "老乡{n}"], ["前同事", "同事{n}"], kinw, ["生意伙伴", "合伙人{n}"],
                               ["对方", "{n}"], ["房东", "房东{n}"] if sub == "debt_rent" else ["对方", "{n}"]])
            if sub == "debt_rent":
                d.facts["landlord"] = rng.choice("AB")
                relw = ["房东", "房东{n}"] if d.facts["landlord"] == "B" else ["租户", "租户{n}", "房客"]
            rel[("A", "B")] = relw + ["{n}", "对方"]
            rel[("A_sp", "B")] = ["{n}", "对方"]
            rel[("B", "A")] = ["{n}", "对方"]
            d.facts["amount"] = {"debt_car": [800, 1500, 3000, 6000], "debt_rent": [3000, 4500, 6000, 9000, 15000, 24000]}.get(
                sub, [3000, 8000, 20000, 50000, 80000, 100000, 200000, 500000])
            d.facts["amount"] = rng.choice(d.facts["amount"])
            d.households = [A.hh, hB]
        place_h = A.hh
    elif kind == "劳资/欠薪":
        hA = reuse if reuse is not None else P.new_household()
        A = next((m for m in hA.members if 18 <= m.age(on) <= 62), None) or P.new_person("M" if rng.random() < 0.7 else "F", rng.randint(20, 58), hA)
        org = w.employer(hA.addr.unit if hA.addr.unit.main else w.places.pick_unit(rng))
        R.update(A=A, B=org.boss, B_org=org, A_sp=P.spouse(A, on))
        d.facts["job"] = rng.choice(JOBS[org.kind])
        d.facts["months"] = rng.randint(1, 10)
        monthly = rng.choice([3500, 4000, 4500, 5000, 6000, 7000, 8000])
        d.facts["amount"] = monthly * d.facts["months"]
        bs = org.boss.name[0]
        rel[("A", "B")] = ["老板", "包工头", "工头", f"{bs}老板", f"{bs}经理", "项目负责人", "{n}"]
        rel[("A_sp", "B")] = ["老板", f"{bs}老板", "包工头"]
        rel[("*", "B_org")] = ["{o}"]
        rel[("B", "A")] = ["工人{n}", "原员工{n}", "员工", "以前的工人"]
        rel[("A_sp", "A")] = SPOUSE_W[A.sex]
        if sub == "wage_group":
            n = rng.randint(5, 40)
            d.facts["group"] = n
            d.facts["amount"] = monthly * d.facts["months"] * n
            d.group = [A] + [P.new_person("M" if rng.random() < 0.8 else "F", rng.randint(22, 60), P.new_household(unit=w.places.near_unit(rng, org.addr.unit)))
                             for _ in range(min(n, 12) - 1)]
        place_h = org
        d.households = [hA]
    elif kind == "土地/宅基地":  # contract / compensation: villager(s) vs village committee
        hA = reuse if reuse is not None and reuse.addr.unit.is_village else P.new_household(village_only=True)
        A = next((m for m in hA.members if m.age(on) >= 25), None) or P.new_person(rng.choice("MF"), rng.randint(35, 78), hA)
        R["A"] = A
        R["A_sp"] = P.spouse(A, on)
        rel[("A_sp", "A")] = SPOUSE_W[A.sex]
        if sub == "land_comp" or rng.random() < 0.4:
            vc = w.village_committee(hA.addr.unit)
            R["B"] = vc
            R["B_staff"] = w.cadre(hA.addr.unit)
            rel[("A", "B")] = ["{o}"]
            rel[("*", "B")] = ["{o}"]
            rel[("*", "B_staff")] = ["村干部", "村委会主任", "村支书", "{n}"]
            if rng.random() < 0.5:
                n = rng.randint(5, 30)
                d.facts["group"] = n
                d.group = [A] + [P.new_person(rng.choice("MF"), rng.randint(35, 75), P.new_household(unit=hA.addr.unit)) for _ in range(min(n, 10) - 1)]
        else:
            hB = P.new_household(addr=neighbour_addr(rng, hA.addr, "next"))
            B = P.new_person(rng.choice("MF"), rng.randint(30, 75), hB)
            R["B"] = B
            rel[("A", "B")] = ["同村村民{n}", "邻居{n}", "{n}", "本村{n}"]
            rel[("B", "A")] = ["同村村民{n}", "{n}"]
        d.facts["amount"] = rng.choice([20000, 50000, 100000, 300000, 600000])
        place_h = hA
        d.households = [hA]
    else:  # 物业, 消费, 施工扰民, 其他 with an organisation or a stranger
        community = kind in ("物业", "施工扰民")
        hA = reuse if reuse is not None else P.new_household(community_only=community)
        A = next((m for m in hA.members if m.age(on) >= 22), None) or P.new_person(rng.choice("MF"), rng.randint(25, 78), hA)
        R["A"] = A
        R["A_sp"] = P.spouse(A, on)
        rel[("A_sp", "A")] = SPOUSE_W[A.sex]
        unit = hA.addr.unit
        if kind == "物业":
            org = w.property_co(unit)
            staff = w.pm_staff.get(unit.code)
            if staff is None:
                staff = w.pm_staff[unit.code] = P.new_person(rng.choice("MF"), rng.randint(28, 55), P.new_household(unit=w.places.near_unit(rng, unit)))
            if org.boss is None:
                org.boss = staff
        elif kind == "消费":
            org = w.shop(sub, unit)
            staff = org.boss
            d.facts["product"] = {"家具城": "家具", "电器商行": "电器", "保健品店": "保健品", "建材店": "建材"}.get(org.kind, org.kind)
            d.facts["kids_class"] = org.kind in ("英语培训学校", "舞蹈培训中心", "早教中心")
        elif kind == "施工扰民":
            org = w.builder(unit)
            staff = org.boss
        else:
            org = None
        if org is not None:
            R.update(B=org, B_staff=staff)
            rel[("*", "B")] = ["{o}"]
            rel[("*", "B_staff")] = [{"物业": "物业经理", "消费": "店长", "施工扰民": "工地负责人"}[kind], "工作人员", "{n}", "负责人{n}"]
            rel[("B_staff", "A")] = ["业主{n}", "住户", "顾客{n}", "居民"]
            if sub in ("pm_delivery",) or (kind == "施工扰民" and rng.random() < 0.2) or (kind == "物业" and rng.random() < 0.08):
                n = rng.randint(5, 60)
                d.facts["group"] = n
                d.group = [A] + [P.new_person(rng.choice("MF"), rng.randint(28, 70), P.new_household(unit=unit)) for _ in range(min(n, 10) - 1)]
        else:
            hB = P.new_household(unit=unit if rng.random() < 0.5 else None)
            B = P.new_person(rng.choice("MF"), rng.randint(20, 65), hB)
            R["B"] = B
            rel[("A", "B")] = ["对方", "{n}"]
        d.facts["amount"] = rng.choice([1000, 2000, 5000, 8000, 12000, 30000, 60000])
        place_h = org if kind == "施工扰民" or (kind == "消费" and rng.random() < 0.7) else hA
        d.households = [hA]
    # --- place and bookkeeping ---------------------------------------------------------------
    if isinstance(place_h, Org):
        d.place = place_h.addr
    else:
        d.place = place_h.addr
    d.unit = d.place.unit
    seen = []
    for h in d.households:
        if h is not None and h not in seen:
            seen.append(h)
    d.households = seen
    d.town_code = d.unit.town_code
    d.town_short = d.unit.town_short
    for role in ("A", "B"):
        e = R.get(role)
        if isinstance(e, Person):
            e.n_disputes += 1
    d.level = 0
    if d.domestic:
        d.level = wchoice(rng, [(0, 40), (1, 30), (2, 17), (3, 9), (4, 4)])
        d.escalating = rng.random() < 0.3
    else:
        d.level = wchoice(rng, [(0, 75), (1, 18), (2, 7)])
        d.escalating = rng.random() < 0.15
    if kind in ("劳资/欠薪", "土地/宅基地", "继承", "物业") and rng.random() < 0.12:
        d.prior_petition = True
    plan_records(w, d, prev_day)
    for h in d.households:
        if h is not None:
            w.used_households.append((h, d.first))
    return d


# ------------------------------------------------------------------------------------------
# how many records, over what time, at which agencies
N_DIST = [(1, 560), (2, 170), (3, 90), (4, 55), (5, 35), (6, 25), (7, 17), (8, 12), (9, 9), (10, 8), (11, 6), (12, 5),
          (13, 3), (14, 3), (15, 2)]
PATTERNS = {
    "dom": [("repeat_police", 30), ("dual_week", 10), ("chain", 25), ("petition_repeat", 5), ("chronic", 15), ("two_reporters", 15)],
    "nbr": [("repeat_police", 25), ("dual_week", 25), ("petition_repeat", 5), ("chronic", 25), ("two_reporters", 20)],
    "wage": [("dual_week", 20), ("petition_repeat", 35), ("chronic", 30), ("repeat_police", 5), ("two_reporters", 10)],
    "org": [("dual_week", 15), ("petition_repeat", 20), ("chronic", 45), ("two_reporters", 20)],
    "land": [("petition_repeat", 35), ("chronic", 30), ("repeat_police", 15), ("dual_week", 10), ("two_reporters", 10)],
    "misc": [("repeat_police", 35), ("dual_week", 20), ("chronic", 30), ("petition_repeat", 15)],
}
GROUP_OF = {"婚姻家庭": "dom", "邻里": "nbr", "劳资/欠薪": "wage", "物业": "org", "消费": "org", "施工扰民": "org",
            "土地/宅基地": "land", "继承": "land", "债务/经济": "misc", "其他": "misc"}

ROLE_W = {
    "couple": {"police": [("A", 55), ("B", 10), ("A_mother", 10), ("A_sib", 5), ("child", 6), ("nbr", 10), ("B_mother", 4)],
               "hotline_12345": [("A", 45), ("nbr", 30), ("A_mother", 10), ("B", 15)],
               "petition": [("A", 50), ("B", 25), ("A_mother", 10), ("A_father", 10), ("B_mother", 5)],
               "womens_federation": [("A", 80), ("A_mother", 10), ("A_sib", 6), ("child", 4)]},
    "elder": {"police": [("A", 55), ("A_child2", 20), ("nbr", 15), ("B", 10)],
              "hotline_12345": [("A", 40), ("A_child2", 35), ("cadre", 10), ("nbr", 15)],
              "petition": [("A", 60), ("A_child2", 40)], "womens_federation": [("A", 50), ("A_child2", 30), ("B_sp", 20)]},
    "inlaw_debt": {"police": [("A", 55), ("B", 25), ("W", 20)], "hotline_12345": [("A", 60), ("W", 25), ("B", 15)],
                   "petition": [("A", 70), ("B", 30)], "womens_federation": [("W", 70), ("A", 30)]},
    "nbr": {"police": [("A", 60), ("A_sp", 15), ("B", 20), ("nbr", 5)], "hotline_12345": [("A", 70), ("A_sp", 20), ("B", 10)],
            "petition": [("A", 80), ("B", 20)], "womens_federation": [("A", 100)]},
    "two": {"police": [("A", 65), ("A_sp", 10), ("B", 25)], "hotline_12345": [("A", 80), ("A_sp", 15), ("B", 5)],
            "petition": [("A", 85), ("A_sp", 15)], "womens_federation": [("A", 100)]},
    "org": {"police": [("A", 70), ("A_sp", 10), ("B_staff", 20)], "hotline_12345": [("A", 85), ("A_sp", 15)],
            "petition": [("A", 100)], "womens_federation": [("A", 100)]},
    "wage": {"police": [("A", 55), ("A_sp", 15), ("B", 30)], "hotline_12345": [("A", 80), ("A_sp", 20)],
             "petition": [("A", 100)], "womens_federation": [("A", 100)]},
}


def role_table(d):
    if d.sub in ("couple", "divorce_property", "custody"):
        return ROLE_W["couple"]
    if d.sub in ("elder", "inlaw_debt"):
        return ROLE_W[d.sub]
    if d.kind == "邻里" or d.sub in ("land_boundary", "land_rebuild", "ot_dogbite"):
        return ROLE_W["nbr"]
    if d.kind == "劳资/欠薪":
        return ROLE_W["wage"]
    if d.roles.get("B_staff") is not None:
        return ROLE_W["org"]
    return ROLE_W["two"]


def pick_agency(rng, d, exclude=()):
    w = AGENCY_W[d.kind]
    if d.sub == "inh_house" or d.sub == "inh_money":
        w = (35, 20, 25, 20)
    if not d.domestic and d.kind != "继承":
        w = (w[0], w[1], w[2], 0)
    pairs = [(s, x) for s, x in zip(SOURCES, w) if s not in exclude and x > 0]
    if not pairs:
        pairs = [("police", 1)]
    return wchoice(rng, pairs)


def pick_reporter(w, d, source, avoid=None):
    rng = w.rng
    tab = role_table(d)[source]
    for _ in range(4):
        role = wchoice(rng, tab)
        if role != avoid:
            break
    if d.group and source in ("petition", "hotline_12345") and rng.random() < 0.6:
        return "A", rng.choice(d.group)
    e = d.roles.get(role)
    if role == "cadre":
        e = w.cadre(d.unit)
        d.roles.setdefault("cadre", e)
        d.rel.setdefault(("cadre", "A"), ["村民{n}", "居民{n}", "{n}"])
        d.rel.setdefault(("cadre", "B"), ["{n}", "其家人"])
    if role == "nbr" and e is None:
        e = w.people.new_person(rng.choice("MF"), rng.randint(30, 75), w.people.new_household(addr=neighbour_addr(rng, d.place, "door")))
        d.roles["nbr"] = e
    if e is None or not isinstance(e, Person):
        return "A", d.roles["A"]
    if role == "nbr":
        d.rel.setdefault(("nbr", "A"), nbr_words(d.roles["A"], w.start) if isinstance(d.roles["A"], Person) else ["{n}"])
        if isinstance(d.roles.get("B"), Person):
            d.rel.setdefault(("nbr", "B"), nbr_words(d.roles["B"], w.start))
    return role, e


def sample_events(rng, d, source, mode, t):
    """what happened at one incident"""
    if d.domestic and mode in ("new", "hear"):
        lv = d.level
        r = rng.random()
        ev = set()
        if lv == 0:
            if r < 0.85:
                ev.add("heated")
            if rng.random() < 0.05:
                ev.add("suicide_threat")
        elif lv == 1:
            ev.add("dv")
            if r < 0.6:
                ev.add("heated")
        elif lv == 2:
            ev.add("dv_injury")
            if r < 0.5:
                ev.add("heated")
            if rng.random() < 0.3:
                ev.add("dv")
        elif lv == 3:
            ev.add("dv_injury" if rng.random() < 0.6 else "dv")
            extra = rng.sample(["strangulation", "threat_kill", "weapon", "threat_kill"], rng.randint(1, 2))
            ev.update(extra)
            if rng.random() < 0.4:
                ev.add("heated")
        else:
            ev.update(["threat_kill", "weapon"])
            ev.add("dv_injury" if rng.random() < 0.6 else "strangulation")
            if rng.random() < 0.3:
                ev.add("suicide_threat")
            if rng.random() < 0.3:
                ev.add("heated")
        if d.sub == "ot_mental":
            ev.discard("heated")
        if d.order_at is not None and t > d.order_at and rng.random() < 0.6:
            ev.add("order_breach")
        if d.sub in ("divorce_property", "custody", "inlaw_debt", "elder") and lv <= 1 and rng.random() < 0.5:
            ev.discard("dv")
            ev.add("heated")
        if d.sub == "inlaw_debt" and rng.random() < 0.15:
            ev.add("threat_kill")  # 极端言论
        if mode == "hear":
            ev.discard("order_breach")
        if d.escalating and rng.random() < 0.45:
            d.level = min(4, d.level + 1)
        return ev
    if mode in ("new", "hear"):
        lv = d.level
        r = rng.random()
        ev = set()
        if source == "hotline_12345":
            p_none, p_phys = 0.5, 0.05
        else:
            p_none, p_phys = 0.12, 0.2
        if d.kind in ("物业", "消费", "施工扰民"):
            p_phys *= 0.4
        if lv >= 1:
            p_phys += 0.2
            p_none *= 0.5
        if r < p_none:
            pass
        else:
            ev.add("heated")
            if rng.random() < p_phys:
                ev.add("physical")
                if rng.random() < 0.3:
                    ev.discard("heated")
        if rng.random() < 0.015 + 0.05 * lv:
            ev.add("threat_kill")
        if rng.random() < 0.01 + 0.04 * lv:
            ev.add("weapon")
        if d.kind in ("劳资/欠薪",) and rng.random() < 0.03:
            ev.add("suicide_threat")
        if d.escalating and rng.random() < 0.4:
            d.level = min(2, d.level + 1)
        return ev
    # visit / consult: petition office, federation, 12345 follow-ups
    ev = set()
    r = rng.random()
    if source == "petition":
        if r < 0.12:
            ev.add("heated")
        if rng.random() < (0.08 if d.kind in ("劳资/欠薪", "土地/宅基地", "继承", "婚姻家庭") else 0.03):
            ev.add("suicide_threat")
        if rng.random() < 0.03:
            ev.add("threat_kill")
    elif source == "womens_federation":
        if d.domestic and d.level >= 1 and rng.random() < 0.6:
            ev.add("dv")
        if rng.random() < 0.04:
            ev.add("suicide_threat")
    else:
        if r < 0.2:
            ev.add("heated")
    return ev


def _gap(rng, style):
    if style == "burst":
        return rng.uniform(0.05, 6)
    if style == "weeks":
        return rng.expovariate(1 / 14) + 1
    # chronic: mostly weeks apart, sometimes quiet months
    if rng.random() < 0.35:
        return rng.uniform(35, 130)
    return rng.expovariate(1 / 12) + 0.5


def plan_records(w, d, prev_day):
    rng = w.rng
    n = wchoice(rng, N_DIST)
    g = GROUP_OF[d.kind]
    if g in ("org", "misc") and n > 1 and rng.random() < 0.3:
        n = max(1, n // 2)
    if g in ("dom", "wage", "land") and rng.random() < 0.12:
        n += rng.randint(1, 3)
    if d.domestic and d.level >= 3 and n < 3 and rng.random() < 0.5:
        n += rng.randint(1, 3)
    n = min(n, 15)
    steps = []   # (day offset, source, mode)
    if n == 1:
        pattern = "single"
        src = pick_agency(rng, d)
        steps.append((0.0, src, "new" if src in ("police", "hotline_12345") else "visit"))
    else:
        pattern = wchoice(rng, PATTERNS[g])
        if pattern == "chain" and not d.domestic:
            pattern = "chronic"
        t = 0.0
        if pattern == "repeat_police":
            style = "weeks" if n < 6 else "chronic"
            for i in range(n):
                src = "police" if rng.random() < 0.8 else pick_agency(rng, d)
                steps.append((t, src, "new" if src in ("police", "hotline_12345") else "visit"))
                t += _gap(rng, style)
        elif pattern == "dual_week":
            a = rng.choice(["police", "hotline_12345"])
            b = "hotline_12345" if a == "police" else "police"
            steps.append((t, a, "new"))
            steps.append((t + rng.uniform(0.02, 6), b, "same" if rng.random() < 0.6 else "new"))
            t = steps[-1][0]
            for i in range(n - 2):
                t += _gap(rng, "weeks")
                src = pick_agency(rng, d)
                steps.append((t, src, "new" if src in ("police", "hotline_12345") else "visit"))
        elif pattern == "chain":
            k_pol = rng.randint(1, max(1, min(3, n - 1)))
            for i in range(k_pol):
                steps.append((t, "police", "new"))
                t += _gap(rng, "weeks")
            order = ["womens_federation", "petition", "police", "womens_federation", "police", "hotline_12345", "petition"]
            i = 0
            while len(steps) < n:
                src = order[i % len(order)]
                mode = {"womens_federation": "retell", "petition": "retell" if rng.random() < 0.5 else "visit"}.get(src, "new")
                steps.append((t, src, mode))
                t += _gap(rng, "weeks" if len(steps) < 5 else "chronic")
                i += 1
        elif pattern == "petition_repeat":
            for i in range(n):
                src = "petition" if (i == 0 or rng.random() < 0.65) else pick_agency(rng, d, exclude=("petition",))
                steps.append((t, src, "visit" if src != "police" else "new"))
                t += rng.uniform(12, 60) if rng.random() < 0.8 else rng.uniform(60, 150)
        elif pattern == "two_reporters":
            a = pick_agency(rng, d)
            b = pick_agency(rng, d)
            steps.append((t, a, "new" if a in ("police", "hotline_12345") else "visit"))
            steps.append((t + rng.uniform(0.01, 3), b, "same2"))
            t = steps[-1][0]
            for i in range(n - 2):
                t += _gap(rng, "chronic")
                src = pick_agency(rng, d)
                steps.append((t, src, "new" if src in ("police", "hotline_12345") else "visit"))
        else:  # chronic
            for i in range(n):
                src = pick_agency(rng, d)
                steps.append((t, src, "new" if src in ("police", "hotline_12345") else "visit"))
                t += _gap(rng, "chronic" if n > 3 else "weeks")
    span = steps[-1][0]
    day0 = w.first_day(prev_day, span)
    if len(steps) >= 4 and pattern in ("chronic", "petition_repeat", "repeat_police") and rng.random() < 0.25:
        day0 = -rng.randint(20, 240)   # it began before the period: the early reports are not in these exports
    d.first = day0
    base = w.t0 + dt.timedelta(days=day0)
    d.facts["pattern"] = pattern
    last_inc = None
    last_violent = None
    last_rep = None
    n_petitions = 0
    dv_hist = False
    for off, src, mode in steps:
        t = base + dt.timedelta(days=off)
        t = clock(rng, src, t)
        if t >= w.end:
            break
        # reporter
        if mode in ("same", "same2") and last_inc is not None:
            role, rep = pick_reporter(w, d, src, avoid=last_rep if mode == "same2" else None)
            if mode == "same2" and role == last_rep:
                role, rep = pick_reporter(w, d, src, avoid=last_rep)
            inc = last_inc
            if t <= inc.t:
                t = inc.t + dt.timedelta(minutes=rng.randint(5, 600))
        else:
            role, rep = pick_reporter(w, d, src)
            if mode == "retell" and last_violent is not None:
                inc = last_violent
            else:
                m = "new" if mode in ("new", "same", "same2") else ("hear" if mode == "retell" else "visit")
                if m == "new" and role == "nbr":
                    m = "hear"
                ev = sample_events(rng, d, src, m, t)
                actor, victim = "B", "A"
                if not d.domestic and rng.random() < 0.25:
                    actor, victim = "A", "B"
                if d.roles.get("B_staff") is not None and actor == "B":
                    actor = "B_staff"
                if not isinstance(d.roles.get(victim), Person):
                    victim = "B_staff" if d.roles.get("B_staff") is not None else "A"
                if victim == actor:
                    actor, victim = "B_staff", "A"
                sr = role if m == "visit" else (actor if rng.random() < 0.5 else victim)
                inc = Incident(t, ev, actor, victim, sr)
        rec = Record(src, t, role, rep, inc)
        if mode == "retell" and src == "womens_federation" and d.domestic and d.order_at is None and (dv_hist or inc.events & DV_EV) and rng.random() < 0.45:
            rec.events.add("order_application")
            d.order_at = t
        # a perpetrator (or his side) does not report his own violence or threats
        if rec.events & (VIOLENT | {"threat_kill", "weapon"}) and side(role) == side(rec.actor):
            v = rec.victim if isinstance(d.roles.get(rec.victim), Person) else ("A" if side(rec.actor) != "A" else "B")
            rep = d.roles.get(v)
            if not isinstance(rep, Person) or side(v) == side(rec.actor):
                v, rep = "A", d.roles["A"]
            role = v
            rec.rep_role, rec.rep = role, rep
        if rec.events & DV_EV:
            dv_hist = True
        rec.dv_flag = dv_hist
        if src == "petition":
            rec.repeat = n_petitions > 0 or d.prior_petition
            rec.skip = (rec.repeat and rng.random() < 0.3) or rng.random() < 0.04
            n_petitions += 1
            if d.group and rng.random() < 0.75:
                rec.headcount = max(5, min(d.facts.get("group", 5), rng.randint(5, 40)))
            elif d.domestic or d.kind == "继承":
                rec.headcount = rng.choice([1, 1, 1, 2, 2, 3])
            else:
                rec.headcount = rng.choice([1, 1, 1, 1, 2])
        # a line of history the agency sometimes writes
        prior = len(d.records)
        if prior and rng.random() < 0.35:
            same_src = sum(1 for r in d.records if r.source == src)
            rec.history_note = rng.choice(
                [f"此前已报警{prior}次。" if same_src and src == "police" else "",
                 "系重复来电。" if same_src and src == "hotline_12345" else "",
                 "双方此前已因此事多次发生纠纷。", "该户此前有过报警记录。" if src == "police" else "",
                 "曾到妇联求助。" if any(r.source == "womens_federation" for r in d.records) else "",
                 "已到派出所报过警。" if any(r.source == "police" for r in d.records) else "",
                 "此前已多次反映，问题未解决。"])
        if d.domestic and d.sub == "couple" and rng.random() < 0.02:
            rec.history_note += "该户有未成年子女。"
        d.records.append(rec)
        last_inc = inc
        if inc.events & (VIOLENT | {"threat_kill", "weapon"}):
            last_violent = inc
        last_rep = role
    d.hidden = [r for r in d.records if r.t < w.t0]
    d.records = [r for r in d.records if r.t >= w.t0]
    if not d.records:
        # nothing inside the period: move the first step inside
        if d.hidden:
            t = clock(rng, steps[0][1], w.t0 + dt.timedelta(days=rng.uniform(0.5, 30)))
        else:
            t = clock(rng, steps[0][1], w.end - dt.timedelta(days=rng.uniform(0.5, 20)))
        t = max(w.t0, min(t, w.end - dt.timedelta(minutes=30)))
        role, rep = pick_reporter(w, d, steps[0][1])
        ev = sample_events(rng, d, steps[0][1], "new" if steps[0][1] in ("police", "hotline_12345") else "visit", t)
        rec = Record(steps[0][1], t, role, rep, Incident(t, ev, "B_staff" if d.roles.get("B_staff") is not None else "B", "A", role))
        if rec.events & (VIOLENT | {"threat_kill", "weapon"}) and side(role) == side(rec.actor):
            v = rec.victim if isinstance(d.roles.get(rec.victim), Person) and side(rec.victim) != side(rec.actor) else "A"
            rec.rep_role, rec.rep = v, d.roles[v]
        if rec.source == "petition":
            rec.repeat = d.prior_petition
        rec.dv_flag = bool(rec.events & DV_EV)
        d.records.append(rec)


B_SIDE_ROLES = {"B", "B_sp", "B_staff", "B_mother", "B_father", "B_org"}


def side(role):
    if role in B_SIDE_ROLES:
        return "B"
    if role in ("nbr", "cadre"):
        return "third"
    return "A"


def clock(rng, src, t):
    """time of day per agency; office agencies work weekdays"""
    day = dt.datetime(t.year, t.month, t.day)
    if src == "police":
        h = rng.choices(range(24), weights=[5, 4, 3, 2, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 5, 6, 8, 9, 10, 9, 8, 6])[0]
    elif src == "hotline_12345":
        h = rng.choices(range(24), weights=[1, 1, 0, 0, 0, 0, 1, 3, 6, 8, 8, 7, 5, 6, 7, 7, 6, 6, 5, 5, 5, 4, 3, 2])[0]
    else:
        if src == "womens_federation" and rng.random() < 0.25:  # 12338 hotline
            h = rng.randint(8, 21)
        else:
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            h = rng.choice([8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17])
    return day + dt.timedelta(hours=h, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
