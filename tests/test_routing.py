"""Routing in the core: hard constraints on generated rosters, costs, referral, co-agencies,
stability; over the shipped roster and over rosters drawn by hypothesis."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.tokenizer import cut
from triage.domain import DISPUTE_TYPES, RISK_LEVELS
from triage.routing import (
    CaseToRoute,
    CoAgencies,
    CostWeights,
    CurrentRoute,
    Eligibility,
    MediatorSpec,
    assign,
    current_load,
    reroute_reason,
    route_cases,
)

DAY = date(2026, 12, 7)  # a Monday


def _village(config, town: str, name: str) -> str:
    m = config.gazetteer.resolve(f"{town}{name}")
    assert m.village_code
    return m.village_code


def _route(config, cases, **kw):
    return route_cases(cases, config.mediators, config.routing, day=kw.pop("day", DAY),
                       served=config.served_towns, offices=config.offices,
                       co=CoAgencies(config.routing.co_agency, config.risk, cut), **kw)


def _spec(mid: str, villages: list[str], capacity: int, levels: str = "蓝|黄|橙|红",
          **kw) -> MediatorSpec:
    return MediatorSpec.model_validate({
        "mediator_id": mid, "name": mid, "town": "甲镇", "villages": villages,
        "village_codes": villages, "levels": levels.split("|"), "capacity": capacity, **kw})


def test_every_choice_is_local_explained_and_priced(config) -> None:
    code = _village(config, "北七家镇", "东三旗村")
    [route] = _route(config, [CaseToRoute("C1", code, "北七家镇", "邻里", "蓝", village="东三旗村")])
    chosen = config.mediator(route.mediator_id)
    assert route.status == "assigned" and code in chosen.village_codes
    assert any("属地" in r for r in route.reasons) and any(r.startswith("成本") for r in route.reasons)
    assert set(route.cost) == {"specialty", "distance", "keep", "load"}
    assert len(route.runners_up) == 2
    assert all(r["mediator_id"] != route.mediator_id for r in route.runners_up)
    assert all(r["cost"] >= sum(route.cost.values()) for r in route.runners_up)


def test_red_cases_go_to_mediators_who_take_red_with_police_and_womens_federation(config) -> None:
    code = _village(config, "台湖镇", "台湖村")
    case = CaseToRoute("C2", code, "台湖镇", "婚姻家庭", "红", ("家庭暴力", "扬言伤害/报复"))
    [route] = _route(config, [case])
    assert config.mediator(route.mediator_id).takes("红")
    assert {"妇联", "派出所"} <= set(route.co_agencies)


def test_capacity_holds_with_one_village_and_one_town_mediator() -> None:
    """The issue's case: 40 黄 cases, a village mediator of capacity 5 and a town one of 30."""
    village = _spec("V", ["v1"], 5, home_code="v1")
    town = _spec("T", ["v1", "v2"], 30)
    cases = [CaseToRoute(f"C{i:02d}", "v1", "甲镇", "邻里", "黄") for i in range(40)]
    routes = assign(cases, [village, town], CostWeights(), DAY)
    load = Counter(r.mediator_id for r in routes if r.status == "assigned")
    assert load["V"] <= 5 and load["T"] <= 30
    assert sum(load.values()) == 35
    full = [r for r in routes if r.status == "unroutable"]
    assert len(full) == 5 and all("满负荷" in r.reasons[0] for r in full)


def test_when_capacity_runs_short_the_red_cases_are_placed_first() -> None:
    m = _spec("M", ["v1"], 3)
    cases = [CaseToRoute(f"B{i}", "v1", "甲镇", "邻里", "蓝") for i in range(4)] + [
        CaseToRoute(f"R{i}", "v1", "甲镇", "邻里", "红") for i in range(2)]
    routes = {r.case_id: r for r in assign(cases, [m], CostWeights(), DAY)}
    assert routes["R0"].status == routes["R1"].status == "assigned"
    assert sum(r.status == "assigned" for r in routes.values()) == 3


def test_load_spreads_over_equal_mediators() -> None:
    roster = [_spec(f"T{i}", ["v1", "v2"], 40) for i in range(4)]
    cases = [CaseToRoute(f"C{i:03d}", "v1", "甲镇", "邻里", "黄") for i in range(100)]
    load = Counter(r.mediator_id for r in assign(cases, roster, CostWeights(), DAY))
    mean = sum(load.values()) / len(roster)
    assert max(load.values()) / mean <= 1.25


def test_nobody_eligible_is_said_with_the_place_and_level(config) -> None:
    only_yellow = _spec("V", ["v1"], 10, levels="蓝|黄")
    [route] = assign([CaseToRoute("C1", "v1", "甲镇", "邻里", "红", village="平西府村")],
                     [only_yellow], CostWeights(), DAY)
    assert route.status == "unroutable" and route.reasons[0] == "平西府村无可承接红色案件的调解员"
    [nobody] = assign([CaseToRoute("C2", "v9", "甲镇", "邻里", "蓝", village="某村")],
                      [only_yellow], CostWeights(), DAY)
    assert "名册中无人负责某村" in nobody.reasons[0]


def test_outside_the_served_towns_a_case_is_referred_to_that_towns_office(config) -> None:
    code = _village(config, "南口地区", "南口村") if config.gazetteer.resolve(
        "南口地区南口村").village_code else None
    case = CaseToRoute("C1", code, "南口地区", "邻里", "黄", district="昌平区")
    nowhere = CaseToRoute("C2", None, None, "邻里", "黄")
    routes = {r.case_id: r for r in _route(config, [case, nowhere])}
    assert routes["C1"].status == "referred" and routes["C1"].mediator_id is None
    assert routes["C1"].referred_to == config.offices["南口地区"] and "司法所" in routes["C1"].referred_to
    assert "转办" in routes["C1"].reasons[0]
    assert routes["C2"].status == "unroutable" and "人工指派" in routes["C2"].reasons[0]


def test_leave_and_off_days_keep_a_mediator_from_new_cases() -> None:
    away = _spec("A", ["v1"], 10, leave="2026-12-01~2026-12-10", specialties=["邻里"])
    rest = _spec("R", ["v1"], 10, off_days="周一")
    other = _spec("O", ["v1"], 10)
    routes = assign([CaseToRoute("C1", "v1", "甲镇", "邻里", "黄")], [away, rest, other],
                    CostWeights(), DAY)
    assert routes[0].mediator_id == "O"
    elig = Eligibility([away, rest, other], DAY)
    case = CaseToRoute("C1", "v1", "甲镇", "邻里", "黄")
    assert "休假" in (elig.keeps(case, "A") or "")
    assert elig.keeps(case, "R") is None  # an off day does not move open cases
    assert elig.keeps(case, "O") is None
    assert elig.keeps(case, "gone") == "原调解员已不在名册"


def test_a_rerouted_case_stays_with_its_mediator_when_the_cost_allows() -> None:
    roster = [_spec("A", ["v1"], 10), _spec("B", ["v1"], 10)]
    routes = assign([CaseToRoute("C1", "v1", "甲镇", "邻里", "橙", previous="B")], roster,
                    CostWeights(), DAY, load={"B": 3})
    assert routes[0].mediator_id == "B" and "延续原调解员" in routes[0].reasons


def test_which_cases_a_run_routes() -> None:
    elig = Eligibility([_spec("A", ["v1"], 10, levels="蓝|黄"), _spec("B", ["v1"], 10)], DAY)
    at = datetime(2026, 12, 1)
    case = CaseToRoute("C1", "v1", "甲镇", "邻里", "黄")
    cur = CurrentRoute("C1", "assigned", "A", False, "黄", at)
    assert reroute_reason(case, None, None, elig) == "新案件"
    assert reroute_reason(case, cur, None, elig) is None
    assert reroute_reason(case, cur, at - timedelta(days=1), elig) is None
    assert "合并" in (reroute_reason(case, cur, at + timedelta(hours=1), elig) or "")
    red = CaseToRoute("C1", "v1", "甲镇", "邻里", "红")
    assert "超出原调解员" in (reroute_reason(red, cur, None, elig) or "")
    orange_b = CurrentRoute("C1", "assigned", "B", False, "黄", at)
    assert reroute_reason(CaseToRoute("C1", "v1", "甲镇", "邻里", "橙"), orange_b, None, elig) \
        == "等级由黄升至橙"
    confirmed = CurrentRoute("C1", "assigned", "B", True, "黄", at)
    assert reroute_reason(CaseToRoute("C1", "v1", "甲镇", "邻里", "橙"), confirmed,
                          at + timedelta(hours=1), elig) is None
    assert current_load([cur, orange_b], rerouted=["x"]) == {"A": 1, "B": 1}


def test_co_agency_words_are_whole_terms_and_negation_is_respected(config) -> None:
    co = CoAgencies(config.routing.co_agency, config.risk, cut)
    case = CaseToRoute("C1", None, None, "继承", "黄", text="当事人表示不想去法院，希望调解解决。")
    assert "人民法庭" not in co.for_case(case)[0]
    sued = CaseToRoute("C1", None, None, "继承", "黄", text="弟弟已向人民法院起诉。")
    assert "人民法庭" in co.for_case(sued)[0]
    assert "人民法庭" not in co.for_case(sued, rejected=["人民法庭"])[0]
    petition = CaseToRoute("C1", None, None, "邻里", "黄", ("重复信访",))
    assert co.for_case(petition)[0] == ["信访办"]
    suicide = CaseToRoute("C1", None, None, "邻里", "红", ("自杀/自伤倾向",))
    assert "心理援助" in co.for_case(suicide)[0]


def test_every_documented_co_agency_example_holds(config) -> None:
    co = CoAgencies(config.routing.co_agency, config.risk, cut)
    for i, rule in enumerate(config.routing.co_agency):
        for text in rule.examples:
            assert i in co.words_found(text), (rule.reason, text)
        for text in rule.counter_examples:
            assert i not in co.words_found(text), (rule.reason, text)


# rosters and batches drawn at random: the hard constraints hold whatever the draw
VILLAGES = [f"v{i}" for i in range(6)]


@st.composite
def rosters(draw: st.DrawFn) -> list[MediatorSpec]:
    out = []
    for i in range(draw(st.integers(1, 8))):
        villages = draw(st.lists(st.sampled_from(VILLAGES), min_size=1, max_size=6, unique=True))
        top = draw(st.integers(0, 3))
        out.append(_spec(
            f"M{i}", villages, draw(st.integers(1, 6)), "|".join(RISK_LEVELS[:top + 1]),
            specialties=draw(st.lists(st.sampled_from(DISPUTE_TYPES), max_size=3, unique=True)),
            home_code=villages[0],
            leave="2026-12-05~2026-12-09" if draw(st.booleans()) and i % 3 == 0 else "",
            active=draw(st.sampled_from([True, True, True, False]))))
    return out


@st.composite
def batches(draw: st.DrawFn) -> list[CaseToRoute]:
    n = draw(st.integers(0, 30))
    return [CaseToRoute(f"C{i:03d}", draw(st.sampled_from(VILLAGES)), "甲镇",
                        draw(st.sampled_from(DISPUTE_TYPES)), draw(st.sampled_from(RISK_LEVELS)),
                        previous=draw(st.sampled_from([None, "M0", "M1"])))
            for i in range(n)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roster=rosters(), cases=batches(), load=st.dictionaries(
    st.sampled_from([f"M{i}" for i in range(8)]), st.integers(0, 4), max_size=4))
def test_hard_constraints_hold_on_any_roster(roster, cases, load) -> None:
    routes = assign(cases, roster, CostWeights(), DAY, load)
    spec = {m.mediator_id: m for m in roster}
    by_id = {c.case_id: c for c in cases}
    assert sorted(r.case_id for r in routes) == sorted(by_id)
    taken = Counter(r.mediator_id for r in routes if r.status == "assigned")
    for mid, n in taken.items():
        m = spec[mid]
        assert load.get(mid, 0) + n <= m.capacity
    for r in routes:
        case = by_id[r.case_id]
        if r.status == "assigned":
            m = spec[r.mediator_id]
            assert case.village_code in m.village_codes and m.takes(case.level)
            assert m.absent(DAY) is None
        else:
            assert r.status == "unroutable" and r.reasons and r.reasons[0]
            # nobody who could take it had room
            for m in roster:
                if case.village_code in m.village_codes and m.takes(case.level) \
                        and m.absent(DAY) is None:
                    assert load.get(m.mediator_id, 0) + taken[m.mediator_id] >= m.capacity


@pytest.mark.parametrize(("column", "value", "words"), [
    ("off_days", "周八", "off_days"), ("leave", "2026-13-01", "leave"),
    ("org_kind", "居委会", "org_kind"), ("levels", "紫", "levels"),
])
def test_a_bad_roster_row_is_named(tmp_path, config, column, value, words) -> None:
    from connectors.config import ConfigError, load_roster

    src = (config.data_dir / "rosters" / "mediators.csv").read_text("utf-8").splitlines()
    header = src[0].split(",")
    row = next(csv_row for csv_row in __import__("csv").reader(src[1:3]))
    row[header.index(column)] = value
    path = tmp_path / "mediators.csv"
    path.write_text("\n".join([src[0], src[1], ",".join(row)]) + "\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        load_roster(path, config.gazetteer)
    assert "第3行" in str(err.value) and words in str(err.value)
