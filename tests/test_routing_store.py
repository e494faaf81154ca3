"""Routing and follow-up over the store, on SQLite and PostgreSQL: every case placed or
explained, routes and deadlines that hold across reruns, decisions that stick."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from connectors.resources import Resources
from connectors.store import decisions
from connectors.store.access import now, sync_roster
from connectors.store.schema import Assignment, Case, CaseEvent, FollowUpTask
from flows import stages
from flows.stages.score import override_case

from .exports import drop_demo


def _night(res: Resources, at: datetime | None = None) -> dict:
    sync_roster(res.engine, res.config.mediators)
    ingest = stages.ingest_inbox(res)
    stages.link_stage(res)
    stages.score_stage(res, None, ingest.new_lead_ids)
    return stages.route_stage(res, at=at)


def _routes(res: Resources) -> dict[str, Assignment]:
    with Session(res.engine) as s:
        rows = s.execute(select(Assignment).where(col(Assignment.is_current).is_(True))).scalars().all()
        for r in rows:
            s.expunge(r)
    return {r.case_id: r for r in rows}


def _tasks(res: Resources) -> list[tuple]:
    with Session(res.engine) as s:
        return sorted(s.execute(select(FollowUpTask.id, FollowUpTask.case_id, FollowUpTask.kind,
                                       FollowUpTask.due_at)).all())


def _cases(res: Resources) -> dict[str, Case]:
    with Session(res.engine) as s:
        rows = s.execute(select(Case).where(col(Case.status).in_(["open", "closed"]))).scalars().all()
        for r in rows:
            s.expunge(r)
    return {c.id: c for c in rows}


def _events(res: Resources, case_id: str) -> list[CaseEvent]:
    return list(decisions.case_events(res.engine, case_id))


def test_every_case_has_a_mediator_a_referral_or_a_reason(res: Resources) -> None:
    drop_demo(res.settings.inbox, 90, 3, outside=0.15)
    out = _night(res)
    cfg = res.config
    routes = _routes(res)
    cases = _cases(res)
    assert set(routes) == {c for c, case in cases.items() if case.status == "open"}
    load = Counter(r.mediator_id for r in routes.values() if r.route_status == "assigned")
    for mid, n in load.items():
        assert n <= cfg.mediator(mid).capacity
    referred = 0
    for cid, r in routes.items():
        case = cases[cid]
        if case.town in cfg.served_towns:
            if r.route_status == "assigned":
                m = cfg.mediator(r.mediator_id)
                assert m.takes(case.risk_level)
                assert case.village_code in m.village_codes or (
                    case.village_code is None and m.town == case.town)
                assert r.cost and r.reasons and r.level == case.risk_level
            else:
                assert r.route_status == "unroutable" and r.reasons[0]
        elif case.town:
            referred += 1
            assert r.route_status == "referred" and r.referred_to == cfg.offices[case.town]
        else:
            assert r.route_status == "unroutable" and "人工" in r.reasons[0]
    assert referred >= 1 and out["referred"] == referred
    assert out["assigned"] == sum(r.route_status == "assigned" for r in routes.values())


def test_routes_and_deadlines_hold_across_reruns_and_drop_folder_runs(res: Resources) -> None:
    drop_demo(res.settings.inbox, 60, 8)
    _night(res)
    routes, tasks = _routes(res), _tasks(res)
    assert tasks and all(t[3] > datetime(2020, 1, 1) for t in tasks)
    start = now()
    for i in range(10):  # the drop-folder deployment: every 5 minutes, an empty inbox
        out = _night(res, at=start + timedelta(minutes=5 * (i + 1)))
        assert out["routed"] == 0 and out["tasks"] == 0
    assert {c: r.id for c, r in _routes(res).items()} == {c: r.id for c, r in routes.items()}
    assert _tasks(res) == tasks


def test_coordinators_decisions_hold_in_every_later_run(res: Resources) -> None:
    drop_demo(res.settings.inbox, 60, 4)
    _night(res)
    routes = _routes(res)
    assigned = sorted(c for c, r in routes.items() if r.route_status == "assigned")
    confirm_id, reassign_id, close_id = assigned[:3]
    decisions.confirm(res.engine, confirm_id, "李协调")
    case = _cases(res)[reassign_id]
    other = next(m for m in res.config.mediators if m.mediator_id != routes[reassign_id].mediator_id
                 and case.village_code in m.village_codes and m.takes(case.risk_level))
    decisions.reassign(res.engine, reassign_id, other, "李协调", "熟悉当事人", covers=True)
    decisions.close(res.engine, close_id, "调解成功", "李协调", "双方签订协议")
    with_agency = next((c for c, r in routes.items() if r.co_agencies), None)
    if with_agency:
        gone = routes[with_agency].co_agencies[0]
        decisions.reject_agency(res.engine, with_agency, gone, "李协调", "该单位已表示不参与")
    for _ in range(2):
        _night(res)
    after = _routes(res)
    assert after[confirm_id].status == "confirmed" and after[confirm_id].decided_by == "李协调"
    assert after[reassign_id].mediator_id == other.mediator_id
    assert after[reassign_id].decision_reason == "熟悉当事人"
    assert _cases(res)[close_id].status == "closed" and _cases(res)[close_id].outcome == "调解成功"
    assert after[close_id].id == routes[close_id].id  # a closed case is not routed again
    if with_agency:
        assert gone not in after[with_agency].co_agencies
        assert gone in after[with_agency].rejected_agencies
    kinds = [e.kind for e in _events(res, reassign_id)]
    assert "routed" in kinds and "reassigned" in kinds
    ev = next(e for e in _events(res, reassign_id) if e.kind == "reassigned")
    assert ev.detail["by"] == "李协调" and ev.detail["reason"] == "熟悉当事人"


def test_wrong_decisions_are_refused_with_a_reason(res: Resources) -> None:
    drop_demo(res.settings.inbox, 30, 6)
    _night(res)
    routes = _routes(res)
    cid = next(c for c, r in routes.items() if r.route_status == "assigned")
    case = _cases(res)[cid]
    with pytest.raises(decisions.DecisionError, match="没有编号为 NOPE 的案件"):
        decisions.confirm(res.engine, "NOPE", "李")
    with pytest.raises(decisions.DecisionError, match="理由"):
        decisions.reassign(res.engine, cid, res.config.mediators[0], "李", "", covers=True)
    low = next(m for m in res.config.mediators if not m.takes("红"))
    override_case(res, cid, "红", "李")
    with pytest.raises(decisions.DecisionError, match="可承接"):
        decisions.reassign(res.engine, cid, low, "李", "试试", covers=True)
    with pytest.raises(decisions.DecisionError, match="不负责"):
        decisions.reassign(res.engine, cid, res.config.mediators[0], "李", "试试", covers=False)
    with pytest.raises(decisions.DecisionError, match="结案结果"):
        decisions.close(res.engine, cid, "办结", "李")
    with pytest.raises(decisions.DecisionError, match="未结案"):
        decisions.reopen(res.engine, cid, "李", "再看看")
    assert case.id == cid


def test_a_raised_level_adds_the_tighter_tasks_and_keeps_the_old(res: Resources) -> None:
    drop_demo(res.settings.inbox, 40, 9)
    _night(res)
    routes = _routes(res)
    cid = next(c for c, r in routes.items()
               if r.route_status == "assigned" and r.level == "蓝")
    before = [t for t in _tasks(res) if t[1] == cid]
    override_case(res, cid, "红", "李协调")
    out = stages.route_stage(res)
    after = [t for t in _tasks(res) if t[1] == cid]
    assert before and set(before) <= set(after)  # nothing moved
    red = [t for t in after if t not in before]
    assert red and any(t[2].startswith("急诊") for t in red)
    assert min(t[3] for t in red) < min(t[3] for t in before)  # tighter
    new_route = _routes(res)[cid]
    assert res.config.mediator(new_route.mediator_id).takes("红")
    assert "升至红" in (new_route.route_reason or "") or "超出" in (new_route.route_reason or "")
    assert out["routed"] >= 1
    # and a coordinator, only, moves a deadline
    task_id = red[0][0]
    decisions.move_due(res.engine, task_id, red[0][3] + timedelta(hours=4), "李协调", "当事人外出")
    stages.route_stage(res)
    moved = next(t for t in _tasks(res) if t[0] == task_id)
    assert moved[3] == red[0][3] + timedelta(hours=4)


def test_a_mediator_on_leave_hands_over_with_the_reason(res: Resources) -> None:
    drop_demo(res.settings.inbox, 60, 12)
    _night(res)
    routes = _routes(res)
    busiest, n = Counter(r.mediator_id for r in routes.values()
                         if r.route_status == "assigned").most_common(1)[0]
    today = now().date()
    roster = [m.model_copy(update={"leave": [(today - timedelta(days=1), today + timedelta(days=3))]})
              if m.mediator_id == busiest else m for m in res.config.mediators]
    away = Resources(res.settings, res.engine, dataclasses.replace(res.config, mediators=roster))
    stages.route_stage(away)
    after = _routes(res)
    moved = [c for c, r in routes.items() if r.mediator_id == busiest]
    assert len(moved) == n
    for cid in moved:
        assert after[cid].mediator_id != busiest
        assert "休假" in (after[cid].route_reason or "")
        assert any(e.kind in ("routed", "unroutable") and "休假" in (e.detail.get("reason") or "")
                   for e in _events(res, cid))


def test_the_watch_routes_what_it_scored_as_a_full_read_would(tmp_path) -> None:
    """The watch path reads only the cases its run scored (and new ones); the routes, tasks
    and counts it makes are those of a run that reads every open case, on a copy of the
    same store."""
    import shutil

    from connectors.resources import open_resources
    from connectors.settings import REPO_DATA, Settings
    from connectors.store.access import start_run

    def home(name: str) -> Resources:
        return open_resources(Settings(home=tmp_path / name, database_url=None, data_dir=REPO_DATA))

    r = home("watch")
    drop_demo(r.settings.inbox, 80, 5, outside=0.1)
    _night(r)
    drop_demo(r.settings.inbox, 30, 11)  # the day's files: new cases, and leads of old ones
    run = start_run(r.engine, "watch", {})
    got = stages.ingest_inbox(r, run)
    stages.link_stage(r, run)
    stages.score_stage(r, run, got.new_lead_ids)
    r.engine.dispose()
    shutil.copytree(tmp_path / "watch", tmp_path / "every")
    outs = []
    for name, every in (("watch", False), ("every", True)):
        r = home(name)
        out = stages.route_stage(r, run, retry=False, every_case=every)
        outs.append(({k: v for k, v in out.items() if k != "overdue_list"},
                     {c: (a.route_status, a.mediator_id, tuple(a.co_agencies or ()), a.route_reason,
                          tuple(a.reasons or ())) for c, a in _routes(r).items()},
                     sorted((t[1], t[2]) for t in _tasks(r))))
        r.engine.dispose()
    (watch, routes, tasks), (full, routes_full, tasks_full) = outs
    assert watch["routed"] > 0 and watch["tasks"] > 0
    assert watch == full
    assert routes == routes_full and tasks == tasks_full
