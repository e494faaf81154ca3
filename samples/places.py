"""Where disputes happen: villages and communities, the homes in them, their addresses.

Villages come from the gazetteer units of the three towns of the article, weighted by
how busy each town is. Every household gets a home: a house on a village street, or
a flat (building, unit, floor, door) in a community; neighbours get homes next to (or
above) each other, so a quarrel over a leaking ceiling has the right two flats. Each
agency writes the same home its own way (full, without the city, only the village and
house, the official unit name ...), which ``address`` reproduces.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from samples.agencies import HOTLINE, PETITION, POLICE, WF
from samples.chance import Dice, Weighted

TOWN_CODES: tuple[str, ...] = ("110114115000", "110112114000", "110102020000")
"""北七家镇 (昌平区), 台湖镇 (通州区), 广安门外街道 (西城区): the towns of the article."""
_TOWN_WEIGHTS = (0.45, 0.30, 0.25)

_STREETS = ("东街", "西街", "南街", "北街", "中街", "前街", "后街", "东一条", "西二条", "南三条",
            "北一巷", "新村路", "村东路", "一队", "二队", "三队")
_ADDR_FORM = {  # 0 full, 1 district.., 2 town.., 3 village+house, 4 official, 5 town+core
    PETITION: Weighted({0: 1, 1: 1, 2: 1, 3: 1, 4: 2, 5: 2}),
    HOTLINE: Weighted({0: 35, 1: 25, 2: 20, 3: 15, 5: 5}),
    WF: Weighted({0: 20, 1: 20, 2: 25, 3: 30, 4: 3, 5: 2}),
    POLICE: Weighted({0: 15, 1: 15, 2: 25, 3: 35, 4: 5, 5: 5}),
}


@dataclass(slots=True)
class Village:
    """A village or community of the gazetteer, with the names agencies use for it."""

    code: str
    district: str
    district_code: str
    town: str
    town_alias: str
    town_code: str
    short: str
    official: str
    core: str
    is_village: bool
    police: str
    gov: str


def _neighbours(rows: Sequence[Mapping[str, str]], per_district: int = 2) -> list[str]:
    """Two other towns of each article town's district: a district's exports also hold
    disputes there, which a deployment serving only the three towns refers on."""
    districts = {c[:6] for c in TOWN_CODES}
    towns = sorted({str(u.get("parent_code")) for u in rows
                    if str(u.get("parent_code", ""))[:6] in districts
                    and u.get("parent_code") not in TOWN_CODES})
    return [t for d in sorted(districts) for t in [x for x in towns if x[:6] == d][:per_district]]


def _villages(units: Sequence[Mapping[str, str]],
              outside: float = 0.0) -> tuple[list[Village], list[float]]:
    """Villages/communities of the three towns (all villages if none of them is present),
    and with ``outside`` > 0 that share of disputes in neighbouring towns."""
    by_code = {str(u.get("code", "")): u for u in units}
    rows = [u for u in units if u.get("level") == "village"]
    near = _neighbours(rows) if outside > 0 else []
    chosen = [u for u in rows if u.get("parent_code") in TOWN_CODES or u.get("parent_code") in near]
    if not chosen:
        chosen = rows
    if not chosen:
        raise ValueError("units contain no village-level rows")
    out: list[Village] = []
    weights: list[float] = []
    for u in chosen:
        code = str(u["code"])
        parent = str(u.get("parent_code") or "")
        town_row = by_code.get(parent, {})
        town = str(town_row.get("short_name") or u.get("town") or "")
        town_aliases = [a for a in str(town_row.get("aliases") or "").split("|") if a]
        town_alias = min(town_aliases, key=len) if town_aliases else town
        district = str(u.get("district") or "")
        short = str(u.get("short_name") or u.get("name") or "")
        aliases = [a for a in str(u.get("aliases") or "").split("|") if a]
        core = aliases[0] if aliases and len(aliases[0]) >= 2 else short
        is_village = short.endswith("村")
        dshort = district[:-1] if district.endswith("区") else district
        gov = town + ("办事处" if town.endswith("街道") else "人民政府")
        out.append(Village(
            code=code, district=district, district_code=code[:6], town=town,
            town_alias=town_alias, town_code=parent, short=short,
            official=str(u.get("name") or short), core=core, is_village=is_village,
            police=f"{dshort}分局{town_alias}派出所", gov=gov,
        ))
        try:
            tw = _TOWN_WEIGHTS[TOWN_CODES.index(parent)]
        except ValueError:
            tw = outside / (1 - outside) / len(near) if parent in near else 1.0
        weights.append(tw)
    # spread each town's weight over its units, some units busier than others
    per_town: dict[str, int] = {}
    for v in out:
        per_town[v.town_code] = per_town.get(v.town_code, 0) + 1
    rng = random.Random(7)
    weights = [w / per_town[v.town_code] * rng.uniform(0.5, 1.5)
               for v, w in zip(out, weights, strict=True)]
    return out, weights




class Places:
    """The villages of a run and the homes of its households (a household's index is its home)."""

    def __init__(self, units: Sequence[Mapping[str, str]], dice: Dice, outside: float = 0.0) -> None:
        self.dice = dice
        self.villages, vweights = _villages(units, outside)
        self.village_w = Weighted(list(enumerate(vweights)))
        self.rural_w = Weighted([(i, w) for i, w in enumerate(vweights)
                                 if self.villages[i].is_village])
        self.urban_w = Weighted([(i, w) for i, w in enumerate(vweights)
                                 if not self.villages[i].is_village])
        self.h_village: list[int] = []
        self.h_loc: list[tuple[int, int, int, int]] = []  # building, unit, floor, door | street, no

    def new_home(self, vi: int, near: int | None = None, upstairs: bool = False) -> int:
        """A new home in village ``vi``, optionally next to (or above) home ``near``."""
        dice = self.dice
        v = self.villages[vi]
        if near is not None and self.h_village[near] == vi:
            a, b, c, d = self.h_loc[near]
            if v.is_village:
                loc = (a, max(1, b + dice.ch((-2, -1, 1, 2))), 0, 0)
            elif upstairs:
                loc = (a, b, c + 1, d)
            else:
                floor = c + dice.ch((1, -1)) or 2
                loc = (a, b, c, d % 4 + 1) if dice.rng.random() < 0.6 else (a, b, floor, d)
        elif v.is_village:
            loc = (dice.rr(len(_STREETS)), dice.ri(1, 260), 0, 0)
        else:
            loc = (dice.ri(1, 32), dice.ri(1, 6), dice.ri(1, 18), dice.ri(1, 4))
        self.h_village.append(vi)
        self.h_loc.append(loc)
        return len(self.h_village) - 1

    def village_of(self, hh: int) -> Village:
        return self.villages[self.h_village[hh]]

    def house_text(self, hh: int, style: int = 0) -> str:
        a, b, c, d = self.h_loc[hh]
        v = self.villages[self.h_village[hh]]
        if v.is_village:
            if style == 1:
                return f"{b}号院"
            return f"{_STREETS[a]}{b}号院" if style == 2 else f"{_STREETS[a]}{b}号"
        room = c * 100 + d
        return f"{a}号楼{b}单元{room}" if style != 1 else f"{a}-{b}-{room}"

    def full_address(self, hh: int) -> str:
        """The home's address in full, as the household register has it."""
        v = self.villages[self.h_village[hh]]
        return f"北京市{v.district}{v.town}{v.short}{self.house_text(hh)}"

    def address(self, hh: int, src: int, incident: bool) -> str:
        """The address as agency ``src`` recorded it, in one of the usual forms.

        ``incident``: the police may record the place of the quarrel instead of the home.
        """
        dice = self.dice
        rng = dice.rng
        v = self.villages[self.h_village[hh]]
        r = rng.random()
        if src == POLICE and incident and r < 0.12:
            if v.is_village:
                base, spot = v.short, dice.ch(("门口", "村委会门前", "村口", "路口"))
            else:
                base, spot = v.core + "小区", dice.ch(("东门", "北门", "楼下", "门口"))
            return f"{v.town}{base}{spot}" if rng.random() < 0.5 else base + spot
        r = rng.random()
        house = self.house_text(hh, 1 if r < 0.12 else (2 if r < 0.3 else 0))
        place = dice.ch((v.short, v.core + "小区", v.core)) if not v.is_village else v.short
        form = _ADDR_FORM[src].pick(rng)
        if form == 0:
            return f"北京市{v.district}{v.town}{place}{house}"
        if form == 1:
            return f"{v.district}{v.town}{place}{house}"
        if form == 2:
            return f"{v.town}{place}{house}"
        if form == 3:
            return f"{place}{house}"
        if form == 4:
            return f"{v.district}{v.town_alias}{v.official}"
        return f"{v.town}{v.core}"
