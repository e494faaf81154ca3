"""Routing over the shipped roster: jurisdiction, tier, specialty, load, co-agencies."""

from __future__ import annotations

from datetime import datetime

from triage.followup import follow_up_plan
from triage.routing import CaseToRoute, route_cases


def _village(config, town: str, name: str) -> str:
    m = config.gazetteer.resolve(f"{town}{name}")
    assert m.village_code
    return m.village_code


def test_every_choice_is_local_and_explained(config) -> None:
    code = _village(config, "北七家镇", "东三旗村")
    case = CaseToRoute("C1", code, "北七家镇", "邻里", "蓝")
    [route] = route_cases([case], config.mediators, config.routing)
    chosen = next(m for m in config.mediators if m.mediator_id == route.mediator_id)
    assert code in chosen.village_codes
    assert any("属地" in r for r in route.reasons)
    assert all(r["mediator_id"] != route.mediator_id for r in route.runners_up)


def test_red_cases_go_to_mediators_who_may_take_them(config) -> None:
    code = _village(config, "台湖镇", "台湖村")
    case = CaseToRoute("C2", code, "台湖镇", "婚姻家庭", "红", ("家庭暴力", "扬言伤害/报复"))
    [route] = route_cases([case], config.mediators, config.routing)
    chosen = next(m for m in config.mediators if m.mediator_id == route.mediator_id)
    assert chosen.max_level == "红"
    assert {"妇联", "派出所"} <= set(route.co_agencies)


def test_load_spreads_cases(config) -> None:
    code = _village(config, "北七家镇", "东三旗村")
    cases = [CaseToRoute(f"C{i}", code, "北七家镇", "邻里", "橙") for i in range(40)]
    routes = route_cases(cases, config.mediators, config.routing)
    assert len({r.mediator_id for r in routes}) > 1


def test_court_and_petition_office_join_when_needed(config) -> None:
    code = _village(config, "北七家镇", "东三旗村")
    case = CaseToRoute("C3", code, "北七家镇", "继承", "黄", ("重复信访",), "已向法院起诉")
    [route] = route_cases([case], config.mediators, config.routing)
    assert {"人民法庭", "信访办"} <= set(route.co_agencies)


def test_unknown_place_goes_to_a_coordinator(config) -> None:
    [route] = route_cases([CaseToRoute("C4", None, None, "邻里", "蓝")], config.mediators,
                          config.routing)
    assert route.mediator_id is None and "人工" in route.reasons[0]


def test_follow_up_deadlines_per_level(config) -> None:
    start = datetime(2024, 5, 1, 8)
    red = follow_up_plan("红", start, config.routing)
    assert red and all(due > start for _task, due in red)
    assert follow_up_plan("蓝", start, config.routing) == []
