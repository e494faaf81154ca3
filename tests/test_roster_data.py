"""The sample mediator roster (data/rosters/mediators.csv) against the gazetteer and taxonomy."""

from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from triage.normalize.addresses import Gazetteer

DATA = Path(__file__).resolve().parent.parent / "data"
TOWN_CODES = {"110114115000": "北七家镇", "110112114000": "台湖镇", "110102020000": "广安门外街道"}
COLUMNS = ["mediator_id", "name", "phone", "organization", "org_kind", "town", "villages",
           "home_village", "specialties", "max_level", "levels", "capacity", "active", "off_days",
           "leave", "languages", "worklist"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


UNITS = _read(DATA / "gazetteer" / "units.csv")
ROSTER = _read(DATA / "rosters" / "mediators.csv")
with (DATA / "taxonomy.toml").open("rb") as _fh:
    TYPES = set(tomllib.load(_fh)["types"])

VILLAGES: dict[str, set[str]] = defaultdict(set)  # town short name -> village short names
for _u in UNITS:
    if _u["level"] == "village" and _u["parent_code"] in TOWN_CODES:
        VILLAGES[TOWN_CODES[_u["parent_code"]]].add(_u["short_name"])


def split(cell: str) -> list[str]:
    return [x for x in cell.split("|") if x]


def is_active(row: dict[str, str]) -> bool:
    return row["active"].strip().lower() in ("true", "1", "是", "yes")


def test_header_and_ids() -> None:
    with (DATA / "rosters" / "mediators.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == COLUMNS
    ids = Counter(r["mediator_id"] for r in ROSTER)
    assert all(ids) and ids.most_common(1)[0][1] == 1
    phones = Counter(r["phone"] for r in ROSTER)
    assert phones.most_common(1)[0][1] == 1
    assert all(re.fullmatch(r"1390000\d{4}", p) for p in phones)
    names = Counter(r["name"] for r in ROSTER)
    assert names.most_common(1)[0][1] == 1
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in names)


def test_the_three_towns_are_in_the_gazetteer() -> None:
    assert set(VILLAGES) == set(TOWN_CODES.values())
    assert all(len(v) >= 19 for v in VILLAGES.values())


def test_every_village_has_an_active_village_level_mediator() -> None:
    covered: dict[str, set[str]] = defaultdict(set)
    for r in ROSTER:
        if is_active(r) and r["org_kind"] == "调委会" and len(split(r["villages"])) == 1:
            covered[r["town"]].update(split(r["villages"]))
    for town, villages in VILLAGES.items():
        assert villages - covered[town] == set(), town


def test_villages_belong_to_the_rows_town() -> None:
    for r in ROSTER:
        assert r["town"] in VILLAGES, r["mediator_id"]
        listed = split(r["villages"])
        assert listed and len(listed) == len(set(listed)), r["mediator_id"]
        unknown = set(listed) - VILLAGES[r["town"]]
        assert not unknown, (r["mediator_id"], unknown)


def test_specialties_are_taxonomy_types() -> None:
    for r in ROSTER:
        specialties = split(r["specialties"])
        assert specialties, r["mediator_id"]
        assert set(specialties) <= TYPES, (r["mediator_id"], set(specialties) - TYPES)


def test_levels_capacity_active() -> None:
    for r in ROSTER:
        assert r["max_level"] in ("蓝", "黄", "橙", "红"), r["mediator_id"]
        assert r["active"] in ("true", "false"), r["mediator_id"]
        cap = int(r["capacity"])
        if r["max_level"] == "红":
            assert 12 <= cap <= 30, r["mediator_id"]
        else:
            assert 8 <= cap <= 20, r["mediator_id"]


def test_village_level_mediators_sit_on_their_village_committee() -> None:
    for r in ROSTER:
        if len(split(r["villages"])) == 1:
            (village,) = split(r["villages"])
            assert r["organization"] == f"{village}人民调解委员会", r["mediator_id"]
            assert r["org_kind"] == "调委会" and r["home_village"] == village


def test_town_level_professionals_cover_their_whole_town() -> None:
    for town, villages in VILLAGES.items():
        pros = [r for r in ROSTER if r["town"] == town and r["max_level"] == "红"
                and r["organization"].startswith(town) and r["org_kind"] in ("司法所", "调委会")]
        assert 3 <= len(pros) <= 4, town
        assert any(r["organization"] == f"{town}司法所" for r in pros), town
        for r in pros:
            assert set(split(r["villages"])) == villages, r["mediator_id"]
            assert is_active(r)


def test_every_town_has_the_womens_federation_the_court_and_legal_advisers() -> None:
    for town, villages in VILLAGES.items():
        kinds = {r["org_kind"] for r in ROSTER if r["town"] == town
                 and set(split(r["villages"])) == villages}
        assert {"司法所", "妇联", "人民法庭", "法律顾问"} <= kinds, town


def test_joint_mediation_room_with_the_police_in_guangwai() -> None:
    joint = [r for r in ROSTER if r["organization"] == "广外派出所联合调解室"]
    assert 1 <= len(joint) <= 2
    for r in joint:
        assert r["town"] == "广安门外街道" and r["max_level"] == "红"
        assert set(split(r["villages"])) == VILLAGES["广安门外街道"]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    aliases = _read(DATA / "gazetteer" / "aliases.csv")
    return Gazetteer.from_rows(UNITS, aliases)


def test_roster_villages_resolve_in_the_gazetteer(gaz: Gazetteer) -> None:
    """The loader resolves ``town + village``: each must land on that very unit."""
    expected = {(TOWN_CODES[u["parent_code"]], u["short_name"]): u["code"] for u in UNITS
                if u["level"] == "village" and u["parent_code"] in TOWN_CODES}
    for r in ROSTER:
        for village in split(r["villages"]):
            m = gaz.resolve(f"{r['town']}{village}")
            assert m.village_code == expected[(r["town"], village)], (r["mediator_id"], village, m)
