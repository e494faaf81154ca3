"""Places: villages/communities from the raw NBS gazetteer files, households'
addresses inside them, and the many ways people and agencies write an address.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field

DEFAULT_GAZ = os.environ.get("GEN2_GAZETTEER", "/work/shared/data/gazetteer")

TOWNS = {  # town code -> (district adcode)
    "110114115000": "110114",   # 北七家镇
    "110112114000": "110112",   # 台湖镇
    "110102020000": "110102",   # 广安门外街道
}
TOWN_WEIGHT = {"110114115000": 0.45, "110112114000": 0.33, "110102020000": 0.22}
DISTRICT_NAME = {"110114": "昌平区", "110112": "通州区", "110102": "西城区"}
DISTRICT_SHORT = {"110114": "昌平", "110112": "通州", "110102": "西城"}

# How people shorten the towns / streets.
TOWN_ALIASES = {
    "北七家镇": ["北七家镇", "北七家镇", "北七家", "北七家地区"],
    "台湖镇": ["台湖镇", "台湖镇", "台湖"],
    "广安门外街道": ["广安门外街道", "广外街道", "广安门外", "广外"],
}
TOWN_LANDMARKS = {
    "北七家镇": ["北七家镇政府附近", "北七家镇政府对面", "北七家地铁站附近", "未来科学城附近", "北七家镇蔬菜市场旁边",
               "北七家镇中心小学附近", "北七家大集"],
    "台湖镇": ["台湖镇政府附近", "台湖演艺小镇附近", "台湖镇大集", "台湖镇卫生院旁边", "台湖公园附近",
             "台湖镇政府东边"],
    "广安门外街道": ["广外街道办事处附近", "马连道茶城附近", "湾子路口", "天宁寺桥下", "广安门外大街路边",
                  "红莲南路菜市场旁", "北京西站南广场附近"],
}

VILLAGE_STREETS = ["北街", "南街", "东街", "西街", "中街", "前街", "后街", "大街", "新村", "东一巷", "西二巷",
                   "南三条", "北二条", "村西路", "村东路", "东胡同", "西胡同", "南大街", "北大街", "村中路"]
BLDG_UNIT = ["单元", "单元", "单元", "门"]


def _base(name: str) -> tuple[str, str]:
    for suf, typ in (("社区居委会", "社区"), ("村民委员会", "村"), ("村委会", "村"), ("居委会", "社区"),
                     ("家委会", "社区")):
        if name.endswith(suf):
            b = name[: -len(suf)]
            if typ == "村" and b.endswith("村") and len(b) > 2:
                b = b[:-1]
            return b, typ
    return name, "社区"


def _town_name(name: str) -> str:
    for suf in ("地区办事处", "街道办事处", "办事处"):
        if name.endswith(suf):
            return name[: -len(suf)] + ("地区" if suf == "地区办事处" else "街道")
    return name


@dataclass
class Place:
    code: str
    name: str            # official village-level name, e.g. 东三旗村委会
    base: str            # 东三旗
    typ: str             # 村 / 社区
    town: str            # 北七家镇
    town_code: str
    district: str        # adcode 110114
    ur: str
    in_area: bool
    weight: float = 1.0
    streets: list = field(default_factory=list)
    n_buildings: int = 0
    n_units: int = 0
    n_floors: int = 0
    n_rooms: int = 0
    old_style: bool = False

    @property
    def is_village(self) -> bool:
        return self.typ == "村"

    @property
    def district_name(self) -> str:
        return DISTRICT_NAME[self.district]


def load_places(rng, gaz_dir: str = DEFAULT_GAZ):
    area, elsewhere = [], []
    for adc in ("110114", "110112", "110102"):
        path = os.path.join(gaz_dir, f"{adc}.csv")
        towns = {}
        rows = []
        with open(path, encoding="utf-8") as f:
            for row in csv.reader(f):
                if len(row) < 20:
                    continue
                code, parent, name, level = row[0], row[1], row[2], row[3]
                if level == "town":
                    towns[code] = _town_name(name)
                elif level == "village":
                    rows.append((code, parent, name, row[8]))
        for code, parent, name, ur in rows:
            base, typ = _base(name)
            if not base or "虚拟" in name:
                continue
            p = Place(code=code, name=name, base=base, typ=typ, town=towns.get(parent, ""), town_code=parent,
                      district=adc, ur=ur, in_area=parent in TOWNS)
            _shape(p, rng)
            (area if p.in_area else elsewhere).append(p)
    # dispute weights: town share split over its units, lognormal sizes
    by_town = {}
    for p in area:
        by_town.setdefault(p.town_code, []).append(p)
    for tc, ps in by_town.items():
        ws = [rng.lognormvariate(0, 0.7) for _ in ps]
        s = sum(ws)
        for p, w in zip(ps, ws):
            p.weight = TOWN_WEIGHT[tc] * w / s
    for p in elsewhere:
        p.weight = rng.lognormvariate(0, 0.7)
    return area, elsewhere


def _shape(p: Place, rng):
    if p.is_village:
        p.streets = rng.sample(VILLAGE_STREETS, rng.randint(3, 7))
    else:
        old = p.district == "110102" or rng.random() < 0.2
        p.old_style = old
        p.n_buildings = rng.randint(6, 28) if old else rng.randint(10, 45)
        p.n_units = rng.randint(2, 6)
        p.n_floors = rng.randint(5, 7) if old else rng.choice([6, 6, 11, 16, 18, 24, 28])
        p.n_rooms = rng.randint(2, 4)


def new_addr(p: Place, rng, near: dict | None = None) -> dict:
    """Address detail for a household; `near` gives a neighbour of that one."""
    if p.is_village:
        if near:
            n = max(1, near["no"] + rng.choice([-2, -1, 1, 1, 2]))
            return {"street": near["street"], "no": n}
        return {"street": rng.choice(p.streets), "no": rng.randint(1, 320)}
    if near:
        b, u = near["bldg"], near["unit"]
        fl, rm = divmod(near["room"], 100)
        if rng.random() < 0.6 and fl < p.n_floors:   # upstairs / downstairs
            fl = fl + 1 if rng.random() < 0.5 or fl == 1 else fl - 1
        else:                                         # across the landing
            rm = rm % p.n_rooms + 1
        return {"bldg": b, "unit": u, "room": fl * 100 + rm}
    return {"bldg": rng.randint(1, p.n_buildings), "unit": rng.randint(1, p.n_units),
            "room": rng.randint(1, p.n_floors) * 100 + rng.randint(1, p.n_rooms)}


def same_building(p: Place, near: dict, rng) -> dict:
    fl = rng.randint(1, p.n_floors)
    return {"bldg": near["bldg"], "unit": rng.randint(1, p.n_units), "room": fl * 100 + rng.randint(1, p.n_rooms)}


# ---------------------------------------------------------------- rendering
def place_word(p: Place, rng) -> str:
    """How a place is named inside an address: 东三旗村 / 东三旗 / 燕城苑小区 ..."""
    b = p.base
    if p.is_village:
        return rng.choice([b + "村", b + "村", b + "村", b, b + "村委会"])
    if re.search(r"(里|街|院|胡同|巷|路)$", b):
        return rng.choice([b, b, b + "社区"])
    return rng.choice([b + "小区", b, b + "社区", b + "小区", b + "家园" if not b.endswith(("园", "苑")) else b])


def detail(p: Place, a: dict, rng, style: int | None = None) -> str:
    if p.is_village:
        s = rng.randrange(6) if style is None else style
        st, n = a["street"], a["no"]
        return [f"{st}{n}号", f"{n}号", f"{st}{n}号院", f"{st}{n}号", f"{st}", f"{n}号院"][s]
    b, u, r = a["bldg"], a["unit"], a["room"]
    uw = "门" if p.old_style and rng.random() < 0.5 else "单元"
    s = rng.randrange(8) if style is None else style
    return [f"{b}号楼{u}{uw}{r}", f"{b}号楼{u}{uw}{r}室", f"{b}-{u}-{r}", f"{b}号楼{r}", f"{b}号楼{u}{uw}{r}号",
            f"{b}号楼", f"{b}栋{u}单元{r}", f"{b}号楼{u}{uw}"][s]


def render(p: Place, a: dict | None, rng, voice: str = "any", home: bool = False) -> str:
    """One written address.  voice: police / hotline / petition / federation / speech."""
    d_full, d_short = DISTRICT_NAME[p.district], DISTRICT_SHORT[p.district]
    town = rng.choice(TOWN_ALIASES.get(p.town, [p.town]))
    pw = place_word(p, rng)
    det = detail(p, a, rng) if a else ""
    r = rng.random()
    if voice == "police":
        opts = [(0.30, f"北京市{d_full}{p.town}{pw}{det}"), (0.25, f"{d_full}{town}{pw}{det}"),
                (0.2, f"{pw}{det}"), (0.1, f"{town}{pw}{det}"), (0.1, f"{d_short}{town}{pw}"),
                (0.05, None)]
    elif voice == "hotline":
        opts = [(0.35, f"北京市{d_full}{p.town}{pw}{det}"), (0.25, f"{d_full}{town}{pw}{det}"),
                (0.15, f"{d_full}{town}{pw}"), (0.15, f"{town}{pw}{det}"), (0.05, f"{pw}"), (0.05, None)]
    elif voice == "petition":
        opts = [(0.45, f"北京市{d_full}{p.town}{pw}{det}"), (0.25, f"{d_full}{town}{pw}{det}"),
                (0.15, f"{d_full}{town}{p.name}"), (0.1, f"{town}{pw}{det}"), (0.05, f"{pw}{det}")]
    elif voice == "federation":
        opts = [(0.25, f"{d_full}{town}{pw}{det}"), (0.25, f"{town}{pw}"), (0.2, f"{pw}{det}"),
                (0.15, f"北京市{d_full}{p.town}{pw}{det}"), (0.1, f"{d_short}{town}{p.base}"), (0.05, None)]
    else:
        opts = [(0.4, f"{pw}{det}"), (0.3, f"{town}{pw}"), (0.3, f"{pw}")]
    acc = 0.0
    for w, s in opts:
        acc += w
        if r < acc:
            if s is None:
                if home:
                    return rng.choice([f"{p.town}{p.base}", f"{p.base}{'村' if p.is_village else ''}一带",
                                       f"{DISTRICT_SHORT[p.district]}{p.base}"])
                return vague(p, rng)
            return s
    return opts[0][1] or vague(p, rng)


def vague(p: Place, rng) -> str:
    r = rng.random()
    if r < 0.4:
        return rng.choice(TOWN_LANDMARKS.get(p.town, [p.town + "附近"])) if p.in_area else p.town + "政府附近"
    if p.is_village:
        return rng.choice([f"{p.base}村口", f"{p.base}村委会附近", f"{p.base}村东头", f"{p.base}村南边的地里",
                           f"{p.town}{p.base}一带", f"{p.base}村小卖部门口"])
    return rng.choice([f"{p.base}小区门口", f"{p.base}东门", f"{p.base}小区南门附近", f"{p.base}底商",
                       f"{p.base}小区里", f"{p.base}附近"])
