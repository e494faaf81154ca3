"""Places: villages/communities of the three deployment towns, read from the raw
NBS gazetteer files (shared/data/gazetteer/*.csv), and the many ways people write
an address."""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

DISTRICTS = {"110114": "昌平区", "110112": "通州区", "110102": "西城区"}
MAIN_TOWNS = ("110114115000", "110112114000", "110102020000")
# share of households (and so of disputes) per deployment town
TOWN_WEIGHT = {"110114115000": 0.45, "110112114000": 0.25, "110102020000": 0.30}

# names people use for the three towns (first = official)
TOWN_ALIASES = {
    "110114115000": ["北七家镇", "北七家", "北七家镇", "北七家地区"],
    "110112114000": ["台湖镇", "台湖", "台湖镇", "台湖地区"],
    "110102020000": ["广安门外街道", "广外街道", "广外", "广安门外", "广安门外街道办事处"],
}
POLICE_STATION = {
    "110114115000": "北七家派出所",
    "110112114000": "台湖派出所",
    "110102020000": "广安门外派出所",
}
TOWN_GOV = {
    "110114115000": "北七家镇人民政府",
    "110112114000": "台湖镇人民政府",
    "110102020000": "广安门外街道办事处",
}
LANDMARKS = {
    "110114115000": ["北七家镇政府附近", "北七家镇政府对面", "北七家派出所旁边", "七北路边上",
                     "定泗路路口", "立汤路辅路", "北七家温泉路附近", "北七家镇卫生院门口",
                     "北七家中心小学附近", "未来科学城附近"],
    "110112114000": ["台湖镇政府附近", "台湖演艺小镇", "台湖镇政府对面", "京津高速辅路边",
                     "台湖公园附近", "次渠地铁站附近", "台湖镇中心小学门口", "台湖大集"],
    "110102020000": ["广安门外大街", "马连道茶城附近", "湾子路口", "广外街道办事处附近",
                     "北京西站南广场", "天宁寺桥附近", "红莲南路", "广外派出所对面", "手帕口桥下"],
}
DISTRICT_LANDLINE = {
    "110114": ["6171", "6172", "6173", "6974", "8078", "8079", "6975"],
    "110112": ["6952", "6954", "8057", "8156", "6956", "8958"],
    "110102": ["6332", "6345", "6348", "6326", "6355", "6396"],
}

VILLAGE_STREETS = ["东街", "西街", "南街", "北街", "中街", "前街", "后街", "大街", "东路",
                   "一街", "二街", "三街", "新村街", "东胡同", "西胡同", "北一街", "南二街"]
NEW_COMPOUND_SUFFIX = ["家园", "嘉园", "新城", "雅苑", "公馆", "花园", "新村"]
NEW_COMPOUND_HEAD = ["未来", "温泉", "七北", "蓬莱", "悦府", "和悦", "锦绣", "演艺", "京津", "翠湖",
                     "首开", "龙湖", "中海", "融创", "金地", "泰禾", "合景", "保利"]


def find_gazetteer(explicit: str | None = None) -> Path:
    cands = []
    if explicit:
        cands.append(Path(explicit))
    env = os.environ.get("GEN3_GAZETTEER")
    if env:
        cands.append(Path(env))
    here = Path(__file__).resolve()
    for p in here.parents:
        cands.append(p / "shared" / "data" / "gazetteer")
    cands.append(Path("/work/shared/data/gazetteer"))
    for c in cands:
        if (c / "110114.csv").exists():
            return c
    raise FileNotFoundError("gazetteer not found; pass --gazetteer or set GEN3_GAZETTEER")


def town_display(raw: str) -> tuple[str, str]:
    """official-ish display name and short name of a town/street row"""
    if raw.endswith("街道办事处"):
        full = raw[:-3]
        return full, full[:-2]
    if raw.endswith("地区办事处"):
        short = raw[:-5]
        return short + "地区", short
    if raw.endswith("回族乡"):
        return raw, raw[:-3]
    if raw.endswith("镇"):
        return raw, raw[:-1]
    return raw, raw


class Unit:
    __slots__ = ("code", "raw", "base", "is_village", "town_code", "town", "town_short",
                 "district_code", "district", "ur", "main", "streets", "surnames", "weight",
                 "new_compounds", "prop_org", "n_build")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    # name forms -----------------------------------------------------------
    def forms(self):
        """ways of writing the village/community name itself"""
        b = self.base
        if self.is_village:
            if b.endswith("村"):
                return [b, b, b + "委会", b]
            return [b + "村", b + "村", b, b + "村委会", b + "村"]
        if b.endswith(("里", "区", "街", "院")):
            return [b, b + "社区", b + "社区", b + "社区居委会"]
        return [b, b + "社区", b + "小区", b + "社区居委会", b]


def _base_name(raw: str):
    m = re.match(r"^(.*?)社区(第.居委会|居委会)$", raw)
    if m:
        return m.group(1), False
    if raw.endswith("村委会"):
        return raw[:-3], True
    if raw.endswith("居委会"):
        return raw[:-3], False
    return raw, True


class Places:
    def __init__(self, rng, gazetteer_dir: str | None = None):
        gdir = find_gazetteer(gazetteer_dir)
        self.units: list[Unit] = []
        towns = {}
        rows = []
        for dc in DISTRICTS:
            with open(gdir / f"{dc}.csv", encoding="utf-8") as fh:
                for r in csv.reader(fh):
                    rows.append(r)
        for r in rows:
            if r[3] == "town":
                towns[r[0]] = r[2]
        for r in rows:
            if r[3] != "village":
                continue
            code, parent, raw = r[0], r[1], r[2]
            if parent not in towns:
                continue
            base, is_v = _base_name(raw)
            tfull, tshort = town_display(towns[parent])
            dc = code[:6]
            u = Unit(code=code, raw=raw, base=base, is_village=is_v, town_code=parent,
                     town=tfull, town_short=tshort, district_code=dc, district=DISTRICTS[dc],
                     ur=r[8], main=parent in MAIN_TOWNS)
            self.units.append(u)
        self.main_units = [u for u in self.units if u.main]
        self.other_units = [u for u in self.units if not u.main]
        # per-unit population weight and local character
        for u in self.units:
            if u.is_village:
                u.weight = rng.choice([0.6, 0.8, 1.0, 1.0, 1.3, 1.8, 2.5])
                k = rng.randint(3, 6)
                u.streets = rng.sample(VILLAGE_STREETS, k)
                u.n_build = 0
            else:
                u.weight = rng.choice([0.8, 1.0, 1.2, 1.5, 2.0, 3.0])
                u.streets = []
                u.n_build = rng.randint(6, 40)
            u.surnames = None  # filled by people module (clan surnames of a village)
            u.new_compounds = []
            if not u.is_village and u.main and rng.random() < 0.35:
                u.new_compounds = [rng.choice(NEW_COMPOUND_HEAD) + rng.choice(NEW_COMPOUND_SUFFIX)]
        self.by_town = {}
        for u in self.main_units:
            self.by_town.setdefault(u.town_code, []).append(u)
        self._cum = {}

    def pick_unit(self, rng, elsewhere_p=0.05, town=None, village_only=False, community_only=False):
        if town is None:
            if rng.random() < elsewhere_p:
                pool = self.other_units
            else:
                r = rng.random()
                acc = 0.0
                town = MAIN_TOWNS[-1]
                for t in MAIN_TOWNS:
                    acc += TOWN_WEIGHT[t]
                    if r < acc:
                        town = t
                        break
                pool = self.by_town[town]
        else:
            pool = self.by_town.get(town) or [u for u in self.units if u.town_code == town]
        if village_only:
            p2 = [u for u in pool if u.is_village]
            if not p2:
                p2 = [u for u in self.main_units if u.is_village]
            pool = p2
        elif community_only:
            p2 = [u for u in pool if not u.is_village]
            if not p2:
                p2 = [u for u in self.main_units if not u.is_village]
            pool = p2
        return rng.choices(pool, weights=[u.weight for u in pool])[0]

    def near_unit(self, rng, unit):
        """another unit of the same town"""
        pool = self.by_town.get(unit.town_code) or [u for u in self.units if u.town_code == unit.town_code]
        return rng.choice(pool)


# ---------------------------------------------------------------------------
# address of a household
class Addr:
    __slots__ = ("unit", "street", "no", "yard", "team", "b", "u", "room", "gate", "compound",
                 "yard_no", "huiqian")

    def __init__(self):
        self.street = self.no = self.yard = self.team = None
        self.b = self.u = self.room = None
        self.gate = False
        self.compound = None
        self.yard_no = None
        self.huiqian = False

    def key(self):
        if self.unit.is_village:
            if self.huiqian:
                return f"{self.unit.code}|回迁楼{self.b}-{self.u}-{self.room}"
            return f"{self.unit.code}|{self.street}|{self.no}"
        return f"{self.unit.code}|{self.compound or ''}|{self.b}-{self.u}-{self.room}"

    def building_key(self):
        if self.unit.is_village:
            return f"{self.unit.code}|{self.street}"
        return f"{self.unit.code}|{self.compound or ''}|{self.b}"


def new_addr(rng, unit, building=None):
    a = Addr()
    a.unit = unit
    if unit.is_village:
        if unit.ur and unit.ur.startswith("1") and rng.random() < 0.15:
            a.huiqian = True
            a.b = building if building is not None else rng.randint(1, 12)
            a.u = rng.randint(1, 4)
            a.room = rng.randint(1, 6) * 100 + rng.randint(1, 4)
        else:
            a.street = building if building is not None else rng.choice(unit.streets)
            a.no = rng.randint(1, 220)
            a.yard = rng.random() < 0.3
            a.team = rng.randint(1, 8)
    else:
        if unit.new_compounds and rng.random() < 0.3:
            a.compound = unit.new_compounds[0]
        a.b = building if building is not None else rng.randint(1, unit.n_build)
        a.u = rng.randint(1, 6)
        floor = rng.randint(1, 18 if rng.random() < 0.4 else 6)
        a.room = floor * 100 + rng.randint(1, 4)
        a.gate = unit.district_code == "110102" and rng.random() < 0.5
        if unit.district_code == "110102" and rng.random() < 0.25:
            a.yard_no = rng.randint(1, 60)
    return a


def neighbour_addr(rng, a: Addr, relation: str):
    """an address next to a: 'up' (the flat above), 'down', 'door' (same floor), 'next' (village next door)"""
    n = Addr()
    n.unit = a.unit
    for k in Addr.__slots__[1:]:
        setattr(n, k, getattr(a, k))
    if a.unit.is_village and not a.huiqian:
        n.no = a.no + (1 if relation != "back" else 2) if a.no < 220 else a.no - 1
        n.yard = rng.random() < 0.3
        return n
    if relation == "up":
        n.room = a.room + 100
    elif relation == "down":
        n.room = a.room - 100 if a.room >= 200 else a.room + 100
    else:
        last = a.room % 100
        n.room = a.room - last + (last % 4) + 1
    return n


FW = str.maketrans("0123456789-()#:", "０１２３４５６７８９－（）＃：")
CN_NUM = "零一二三四五六七八九十"


def cn_small(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n > 10 else "")
    if n < 100:
        return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")
    return str(n)


def render_addr(rng, a: Addr, style: int | None = None, vague_p: float = 0.04) -> str:
    """write an address one of the many ways people do"""
    u = a.unit
    r = rng.random
    tname = rng.choice(TOWN_ALIASES.get(u.town_code, [u.town, u.town_short, u.town]))
    if style is None:
        style = rng.randint(0, 9)
    if r() < vague_p:
        if u.main and r() < 0.5:
            return rng.choice(LANDMARKS[u.town_code])
        nm = rng.choice(u.forms()).replace("居委会", "").replace("村委会", "村")
        return rng.choice([f"{nm}附近", f"{nm}门口", f"{tname}{nm}那边", f"{nm}村口" if u.is_village else f"{nm}南门",
                           f"{nm}东边", f"{tname}{nm}一带"])
    name = rng.choice(u.forms())
    prefix = ""
    if style <= 2:
        prefix = ("北京市" if r() < 0.6 else "北京") + u.district + tname
    elif style <= 4:
        prefix = u.district + tname
    elif style <= 6:
        prefix = tname
    elif style == 7:
        prefix = u.district
    if u.is_village:
        bare = name.replace("村委会", "村").replace("村村", "村")
        if a.huiqian:
            num = rng.choice([f"回迁楼{a.b}号楼{a.u}单元{a.room}", f"回迁房{a.b}-{a.u}-{a.room}",
                              f"{a.b}号楼{a.u}单元{a.room}室", f"新村{a.b}号楼{a.room}"])
            body = bare + num
        else:
            c = rng.randint(0, 9)
            if c <= 3:
                body = f"{bare}{a.street}{a.no}号" + ("院" if a.yard and r() < 0.7 else "")
            elif c <= 5:
                body = f"{bare}{a.no}号"
            elif c == 6:
                body = f"{bare}{cn_small(a.team)}队{a.no}号"
            elif c == 7:
                body = f"{bare}{a.street}{a.no}号院" if a.yard else f"{bare}{a.street}"
            elif c == 8:
                body = name if name.endswith("村委会") else bare
            else:
                body = f"{bare}{a.street}{a.no}号"
            if bare.endswith("村") is False and r() < 0.1:
                body = body.replace(bare, bare + "村", 1)
    else:
        nm = name.replace("社区居委会", "社区") if rng.random() < 0.85 else name
        cname = a.compound
        if cname and r() < 0.8:
            nm = cname if r() < 0.6 else f"{cname}（{u.base}社区）"
        unit_word = "门" if a.gate else "单元"
        c = rng.randint(0, 9)
        yard = f"{a.yard_no}号院" if a.yard_no and r() < 0.7 else ""
        if c <= 4:
            body = f"{nm}{yard}{a.b}号楼{a.u}{unit_word}{a.room}" + ("室" if r() < 0.3 else "")
        elif c == 5:
            body = f"{nm}{yard}{a.b}-{a.u}-{a.room}"
        elif c == 6:
            body = f"{nm}{yard}{a.b}号楼"
        elif c == 7:
            body = f"{nm}{a.b}楼{a.u}{unit_word}{a.room}号"
        elif c == 8:
            body = name if r() < 0.5 else nm
        else:
            body = f"{nm}{a.b}号楼{a.room}"
    s = prefix + body
    if r() < 0.03:
        s = s.translate(FW)
    return s


def render_place_only(rng, unit: Unit) -> str:
    tname = rng.choice(TOWN_ALIASES.get(unit.town_code, [unit.town, unit.town_short]))
    nm = rng.choice(unit.forms())
    c = rng.randint(0, 3)
    if c == 0:
        return unit.district + tname + nm
    if c == 1:
        return tname + nm
    if c == 2:
        return nm
    return "北京市" + unit.district + tname + nm
