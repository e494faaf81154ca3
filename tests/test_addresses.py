"""Address resolution against the real gazetteer (data/gazetteer/units.csv).

Expected codes are looked up in units.csv by the test itself (``code_of``), never
taken from the resolver.
"""

from __future__ import annotations

import csv
import pickle
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from triage.normalize.addresses import AddressMatch, Gazetteer, normalize_address

DATA = Path(__file__).resolve().parent.parent / "data" / "gazetteer"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


ROWS = _read(DATA / "units.csv")
BY_CODE = {r["code"]: r for r in ROWS}


def forms(row: dict[str, str]) -> list[str]:
    """Every name units.csv gives a unit: official, short and aliases."""
    return list(dict.fromkeys([row["name"], row["short_name"],
                               *[a for a in row["aliases"].split("|") if a]]))


def code_of(town: str, village: str | None = None) -> str:
    """The code of a town (by short name), or of a village (short name) in that town."""
    towns = [r for r in ROWS if r["level"] == "town" and r["short_name"] == town]
    assert len(towns) == 1, town
    if village is None:
        return towns[0]["code"]
    found = [r["code"] for r in ROWS if r["level"] == "village"
             and r["parent_code"] == towns[0]["code"] and r["short_name"] == village]
    assert len(found) == 1, (town, village)
    return found[0]


@pytest.fixture(scope="session")
def unit_rows() -> list[dict[str, str]]:
    return [dict(r) for r in ROWS]


@pytest.fixture(scope="session")
def gaz(unit_rows: list[dict[str, str]]) -> Gazetteer:
    return Gazetteer.from_rows(unit_rows)


def assert_village(m: AddressMatch, town: str, village: str, method: str | None = None) -> None:
    assert m.level == "village", m
    assert m.village_code == code_of(town, village), m
    assert (m.town, m.village, m.town_code) == (town, village, code_of(town)), m
    assert m.district == BY_CODE[BY_CODE[code_of(town)]["parent_code"]]["name"]
    if method is not None:
        assert m.method == method, m


# ---------------------------------------------------------------- address forms
@pytest.mark.parametrize(("address", "method"), [
    ("北京市昌平区北七家镇东三旗村12号", "exact"),
    ("昌平区北七家东三旗村委会", "exact"),
    ("东三旗村北街12号院", "exact"),
    ("北七家镇东三旗", "alias"),
    ("北七家镇东三旗3号楼2单元501", "alias"),
    ("北京市 昌平区 北七家镇 东三旗村 １２号", "exact"),  # spaces, full-width digits
    ("昌平北七家东三旗村村委会旁", "exact"),
])
def test_spec_forms_of_one_village(gaz: Gazetteer, address: str, method: str) -> None:
    assert_village(gaz.resolve(address), "北七家镇", "东三旗村", method)


@pytest.mark.parametrize("address", [
    "定海园二里社区3号楼2单元501",
    "定海园二里3号楼2单元501室",
    "定海园二里小区12号楼",
    "定海园二里居委会",
    "定海园二里社区居委会",
    "定海园二里村委会",
    "通州区台湖镇定海园二里",
])
def test_community_with_and_without_suffix(gaz: Gazetteer, address: str) -> None:
    assert_village(gaz.resolve(address), "台湖镇", "定海园二里社区")


@pytest.mark.parametrize(("address", "town", "village"), [
    ("北京市西城区广安门外街道红莲南里5号楼2单元301", "广安门外街道", "红莲南里社区"),
    ("西城区马连道中里2号楼", "广安门外街道", "马连道中里社区"),  # not 马连道社区
    ("宏福苑东区5号楼", "北七家镇", "宏福苑东区社区"),  # not 宏福苑社区
    ("北七家镇温泉花园ａ区社区8号楼", "北七家镇", "温泉花园A区社区"),
    ("广安门外车站西街十五号院社区", "广安门外街道", "车站西街十五号院社区"),
    ("台湖镇董村", "台湖镇", "董村"),
    ("通州区台湖镇北火垡村委会", "台湖镇", "北火垡村"),
])
def test_other_villages_and_communities(gaz: Gazetteer, address: str, town: str,
                                        village: str) -> None:
    assert_village(gaz.resolve(address), town, village)


# --------------------------------------------------------------- substring traps
@pytest.mark.parametrize(("address", "town"), [
    ("北七家镇", "北七家镇"),
    ("昌平区北七家镇政府对面12号", "北七家镇"),
    ("昌平区北七家", "北七家镇"),
    ("台湖镇", "台湖镇"),
    ("通州区台湖", "台湖镇"),
    ("北京市通州区台湖镇政府东侧", "台湖镇"),
])
def test_town_names_are_not_read_as_villages(gaz: Gazetteer, address: str, town: str) -> None:
    m = gaz.resolve(address)
    assert (m.level, m.town_code, m.village_code) == ("town", code_of(town), None), m


@pytest.mark.parametrize(("address", "town", "village"), [
    ("北七家村", "北七家镇", "北七家村"),
    ("北七家村5号", "北七家镇", "北七家村"),
    ("北七家镇北七家村5号", "北七家镇", "北七家村"),
    ("北七家北七家村委会", "北七家镇", "北七家村"),
    ("北七家镇北七家3号", "北七家镇", "北七家村"),  # after the town, 北七家 is the village
    ("台湖村", "台湖镇", "台湖村"),
    ("通州区台湖镇台湖村", "台湖镇", "台湖村"),
    ("台湖镇台湖12号", "台湖镇", "台湖村"),
    ("南口镇南口镇村", "南口地区", "南口镇村"),  # 南口镇 is also an alias of 南口地区
])
def test_villages_named_like_their_town(gaz: Gazetteer, address: str, town: str,
                                        village: str) -> None:
    assert_village(gaz.resolve(address), town, village)


def test_longest_name_wins_over_a_name_inside_it(unit_rows: list[dict[str, str]]) -> None:
    # Give another town's village the alias 三旗: 东三旗 must still win.
    other = code_of("台湖镇", "东石村")
    g = Gazetteer.from_rows(unit_rows, [{"code": other, "alias": "三旗"}])
    assert_village(g.resolve("北七家镇东三旗"), "北七家镇", "东三旗村")
    assert_village(g.resolve("东三旗村12号"), "北七家镇", "东三旗村")
    assert_village(g.resolve("台湖镇三旗3号"), "台湖镇", "东石村")


def test_village_must_belong_to_the_town_in_the_text(gaz: Gazetteer) -> None:
    m = gaz.resolve("台湖镇东三旗村12号")
    assert (m.level, m.town_code, m.village_code) == ("town", code_of("台湖镇"), None)


def test_names_beyond_the_longest_reading_are_used_when_it_is_out_of_town(
        unit_rows: list[dict[str, str]]) -> None:
    # 乔庄北街 is a community of 玉桥街道; in 永顺地区 the text means 乔庄村 + 北街.
    rows = [r for r in unit_rows if r["short_name"] in ("乔庄北街社区", "乔庄村")]
    assert {r["town"] for r in rows} == {"玉桥街道", "永顺地区"}
    g = Gazetteer.from_rows(unit_rows)
    assert_village(g.resolve("通州区永顺地区乔庄北街12号院"), "永顺地区", "乔庄村")
    assert_village(g.resolve("乔庄北街12号院"), "玉桥街道", "乔庄北街社区")


# --------------------------------------------------------------------- ambiguity
def towns_with_village(short_name: str) -> list[dict[str, str]]:
    return [BY_CODE[r["parent_code"]] for r in ROWS
            if r["level"] == "village" and r["short_name"] == short_name]


def test_ambiguous_village_needs_context(gaz: Gazetteer) -> None:
    towns = towns_with_village("北小营村")
    assert {t["short_name"] for t in towns} == {"台湖镇", "马池口地区"}
    assert len({t["parent_code"] for t in towns}) == 2  # two districts: nothing in common
    m = gaz.resolve("北小营村12号")
    assert (m.level, m.village_code, m.town_code, m.district) == ("none", None, None, None)
    assert_village(gaz.resolve("通州区北小营村12号"), "台湖镇", "北小营村")
    assert_village(gaz.resolve("昌平区北小营村12号"), "马池口地区", "北小营村")
    assert_village(gaz.resolve("马池口北小营村"), "马池口地区", "北小营村")


def test_hint_town_breaks_ties(gaz: Gazetteer) -> None:
    assert_village(gaz.resolve("北小营村12号", hint_town="台湖镇"), "台湖镇", "北小营村")
    assert_village(gaz.resolve("北小营村12号", hint_town="台湖"), "台湖镇", "北小营村")
    assert_village(gaz.resolve("北小营村12号", hint_town=code_of("马池口地区")),
                   "马池口地区", "北小营村")
    # the town written in the address wins over the hint
    assert_village(gaz.resolve("马池口北小营村", hint_town="台湖镇"), "马池口地区", "北小营村")
    # a hint alone does not invent a place, and an unknown hint is ignored
    assert gaz.resolve("12号楼", hint_town="台湖镇").level == "none"
    assert gaz.resolve("北小营村", hint_town="不存在镇").level == "none"


def test_ambiguity_stops_at_the_shared_level(gaz: Gazetteer) -> None:
    changping = [t for t in towns_with_village("王庄村") if t["district"] == "昌平区"]
    assert len({t["code"] for t in changping}) >= 2
    m = gaz.resolve("昌平区王庄村")
    assert (m.level, m.district, m.town, m.village) == ("district", "昌平区", None, None)
    # two units of one town answer to 二街 (二街社区, 二街村)
    chengbei = code_of("城北街道")
    both = [r for r in ROWS if r["parent_code"] == chengbei and "二街" in forms(r)]
    assert len(both) == 2
    m = gaz.resolve("昌平区城北街道二街3号")
    assert (m.level, m.town_code, m.village_code) == ("town", chengbei, None)


def test_official_short_name_beats_another_units_alias_in_one_town(gaz: Gazetteer) -> None:
    # 南口村 is the short name of 南口村委会 and an alias of 南口村社区居委会
    owners = [r for r in ROWS if r["parent_code"] == code_of("南口地区") and "南口村" in forms(r)]
    assert len(owners) == 2
    assert_village(gaz.resolve("南口地区南口村8号"), "南口地区", "南口村", "exact")


def test_short_aliases_need_their_town(gaz: Gazetteer) -> None:
    row = BY_CODE[code_of("北七家镇", "岭上村")]
    assert "岭上" in forms(row)
    assert gaz.resolve("岭上12号").level == "none"
    assert_village(gaz.resolve("北七家镇岭上12号"), "北七家镇", "岭上村", "alias")
    assert_village(gaz.resolve("岭上12号", hint_town="北七家镇"), "北七家镇", "岭上村")
    assert_village(gaz.resolve("岭上村12号"), "北七家镇", "岭上村", "exact")


def test_no_one_character_names(gaz: Gazetteer) -> None:
    # 董村村委会 must not make 董 a name of 董村
    assert gaz.resolve("台湖镇老董家12号").village is None
    assert all(len(a) >= 2 for r in ROWS for a in forms(r))


def test_addresses_outside_the_gazetteer(gaz: Gazetteer) -> None:
    assert gaz.resolve("朝阳区青年湖北里3号").level == "none"
    assert gaz.resolve("海淀区西二旗大街").level == "none"
    assert_village(gaz.resolve("青年湖社区3号楼"), "广安门外街道", "青年湖社区")
    for empty in (None, "", "   ", "无"):
        assert gaz.resolve(empty).level == "none"


# ------------------------------------------------------------------------ fuzzy
def test_fuzzy_one_typo_in_a_long_name(gaz: Gazetteer) -> None:
    assert "西沙格庄村" not in {f for r in ROWS for f in forms(r)}
    assert_village(gaz.resolve("北七家镇西沙格庄村3号"), "北七家镇", "西沙各庄村", "fuzzy")
    assert_village(gaz.resolve("美树假曰嘉园5号楼"), "北七家镇", "美树假日嘉园社区", "fuzzy")


def test_fuzzy_never_on_short_names_or_ties(gaz: Gazetteer) -> None:
    # 东三骑: one typo from 东三旗, but the name is too short to guess
    m = gaz.resolve("北七家镇东三骑村12号")
    assert (m.level, m.method, m.village) == ("town", "exact", None)
    # 南沙各庄 is one edit from both 西沙各庄 and 东沙各庄
    m = gaz.resolve("北七家镇南沙各庄村")
    assert (m.level, m.village) == ("town", None)
    # a typo of another town's village does not move the address
    m = gaz.resolve("台湖镇西沙格庄村")
    assert (m.level, m.town, m.village) == ("town", "台湖镇", None)


# ---------------------------------------------------------------------- aliases
def test_deployment_aliases(unit_rows: list[dict[str, str]]) -> None:
    guangwai = code_of("广安门外街道")
    hongju = code_of("广安门外街道", "红居街社区")
    taihu_new = code_of("台湖镇", "定海园一里社区")
    aliases = [
        {"code": guangwai, "alias": "广外"},
        {"code": hongju, "alias": "红居暖阳家园"},
        {"code": taihu_new, "alias": "定海园新区"},
        {"code": "", "alias": ""},  # blank line
        {"code": hongju, "alias": "红"},  # one character: ignored
    ]
    g = Gazetteer.from_rows(unit_rows, aliases)
    m = g.resolve("西城区广外12号")
    assert (m.level, m.town_code, m.method) == ("town", guangwai, "alias")
    assert_village(g.resolve("广外红居暖阳家园3号楼"), "广安门外街道", "红居街社区", "alias")
    assert_village(g.resolve("定海园新区2号楼1单元101"), "台湖镇", "定海园一里社区", "alias")
    assert "红居暖阳家园" in g.units[hongju].aliases
    assert g.resolve("红3号").level == "none"
    # without the aliases these do not resolve to the village
    plain = Gazetteer.from_rows(unit_rows)
    assert plain.resolve("红居暖阳家园3号楼").village is None


def test_alias_for_unknown_code_is_an_error(unit_rows: list[dict[str, str]]) -> None:
    with pytest.raises(ValueError, match="999999999999"):
        Gazetteer.from_rows(unit_rows, [{"code": "999999999999", "alias": "新社区"}])


def test_deployment_units(unit_rows: list[dict[str, str]]) -> None:
    town = code_of("北七家镇")
    new = {"code": "110114115901", "parent_code": town, "level": "village",
           "name": "未来城社区居委会", "short_name": "未来城社区", "district": "", "town": "",
           "rural": "0", "aliases": "未来城"}
    g = Gazetteer.from_rows([*unit_rows, new])
    m = g.resolve("北七家镇未来城3号楼")
    assert (m.village_code, m.village, m.town, m.district) == (
        "110114115901", "未来城社区", "北七家镇", "昌平区")
    assert "110114115901" in {u.code for u in g.villages_of_town(town)}
    with pytest.raises(ValueError, match="110114115902"):
        Gazetteer.from_rows([*unit_rows, {**new, "code": "110114115902", "parent_code": "1"}])
    with pytest.raises(ValueError, match="duplicate"):
        Gazetteer.from_rows([*unit_rows, {**new, "code": town}])
    with pytest.raises(ValueError, match="level"):
        Gazetteer.from_rows([*unit_rows, {**new, "level": "hamlet"}])


# -------------------------------------------------------------------- accessors
def test_units_and_villages_of_town(gaz: Gazetteer) -> None:
    assert set(gaz.units) == {r["code"] for r in ROWS}
    for town in ("北七家镇", "台湖镇", "广安门外街道"):
        code = code_of(town)
        expected = {r["code"] for r in ROWS if r["parent_code"] == code}
        got = gaz.villages_of_town(code)
        assert {u.code for u in got} == expected
        assert all(u.level == "village" and u.town == town for u in got)
    assert gaz.villages_of_town("000000000000") == []
    unit = gaz.units[code_of("北七家镇", "东三旗村")]
    assert (unit.short_name, unit.town, unit.district) == ("东三旗村", "北七家镇", "昌平区")
    assert gaz.find_town("北七家") == gaz.units[code_of("北七家镇")]


def test_results_are_cached(gaz: Gazetteer) -> None:
    a = gaz.resolve("北七家镇东三旗村99号", "北七家镇")
    assert gaz.resolve("北七家镇东三旗村99号", "北七家镇") is a


# --------------------------------------------------------------------- property
def _town_unique_forms() -> list[tuple[str, str]]:
    """(village code, name form) for names that identify one unit within its town."""
    per_town: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in ROWS:
        if r["level"] == "village":
            for f in forms(r):
                per_town[(r["parent_code"], normalize_address(f))].add(r["code"])
    return [(r["code"], f) for r in ROWS if r["level"] == "village" for f in forms(r)
            if len(f) >= 2 and per_town[(r["parent_code"], normalize_address(f))] == {r["code"]}]


VILLAGE_FORMS = _town_unique_forms()
ALL_NAMES = {normalize_address(f) for r in ROWS for f in forms(r) if len(f) >= 2}


def _crosses_a_boundary(parts: list[str]) -> bool:
    """True if some gazetteer name straddles two adjacent parts (十三陵 + 胡庄 = 十三陵胡庄)."""
    text = "".join(normalize_address(p) for p in parts)
    cuts, pos = set(), 0
    for p in parts[:-1]:
        pos += len(normalize_address(p))
        cuts.add(pos)
    for name in ALL_NAMES:
        start = text.find(name)
        while start != -1:
            if any(start < c < start + len(name) for c in cuts):
                return True
            start = text.find(name, start + 1)
    return False


noise = st.one_of(
    st.just(""),
    st.builds("{}号".format, st.integers(1, 300)),
    st.builds("{}号院".format, st.integers(1, 99)),
    st.builds("{}号楼{}单元{}".format, st.integers(1, 40), st.integers(1, 8),
              st.integers(101, 2805)),
    st.builds("{}号楼{}单元{}室".format, st.integers(1, 40), st.integers(1, 8),
              st.integers(101, 2805)),
)


@st.composite
def village_addresses(draw: st.DrawFn) -> tuple[str, str]:
    code, form = draw(st.sampled_from(VILLAGE_FORMS))
    town = BY_CODE[BY_CODE[code]["parent_code"]]
    district = BY_CODE[town["parent_code"]]["name"]
    d = draw(st.sampled_from(["", district, "北京市" + district, district[:-1]]))
    t = draw(st.sampled_from(forms(town)))
    sep = draw(st.sampled_from(["", " "]))
    parts = [d, t, form, draw(noise)]
    assume(not _crosses_a_boundary(parts))
    return code, sep.join(parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(village_addresses())
def test_property_village_in_its_town_resolves(gaz: Gazetteer, case: tuple[str, str]) -> None:
    code, address = case
    m = gaz.resolve(address)
    assert m.village_code == code, (address, m)
    assert m.town_code == BY_CODE[code]["parent_code"]


def test_pickles_for_worker_processes(gaz: Gazetteer) -> None:
    clone = pickle.loads(pickle.dumps(gaz))
    for address in ("北七家镇东三旗", "北小营村", "台湖镇台湖12号", "北七家镇西沙格庄村"):
        assert clone.resolve(address, "台湖镇") == gaz.resolve(address, "台湖镇")
