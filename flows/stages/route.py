"""The routing stage (矛盾共调, 稳控共防): a route for each case that needs one, co-agencies
kept current, follow-up tasks once per level reached, and the overdue tasks counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from typing import Any

from connectors.resources import Resources
from connectors.store.access import now
from connectors.store.routing import (
    case_texts,
    mark_reopened,
    overdue_tasks,
    routes_in_force,
    routing_inputs,
    save_routes,
    save_tasks,
    update_agencies,
)
from connectors.store.workbench import web_leave
from connectors.tokenizer import cut
from triage.followup import follow_up_plan
from triage.frames import records
from triage.routing import (
    RECHECKS,
    RERUN,
    CoAgencies,
    Eligibility,
    current_load,
    finish_routes,
    plan_routes,
    reroute_reason,
)
from triage.routing.config import with_web_leave


def route_stage(res: Resources, run_id: int | None = None,
                at: datetime | None = None, *, retry: bool = True,
                again: Collection[str] = (), every_case: bool = False) -> dict[str, Any]:
    """Route the open cases that are new, changed, or whose mediator can no longer take them;
    leave every other route as it stands. Cases nobody could take, and referrals, are tried
    again when ``retry`` (the nightly run; the watch path routes only what it brought).
    ``at`` is the present (tests set it). Without ``retry`` (and with a run) only the cases
    that run scored, and new ones, are read, unless ``every_case``: the night checks the
    others' routes (a mediator on leave, a merge)."""
    stamp = at or now()
    cfg = res.config
    only = None if retry or run_id is None or every_case else run_id  # the watch: what it scored
    got = routing_inputs(res.engine, only)
    mark_reopened(res.engine, got.reopened, run_id, stamp)
    mediators = with_web_leave(cfg.mediators, web_leave(res.engine))
    elig = Eligibility(mediators, stamp.date())
    why = {}
    for case in got.cases:
        reason = reroute_reason(case, got.current.get(case.case_id),
                                got.changed_at.get(case.case_id), elig)
        if reason is not None and (retry or reason not in RECHECKS):
            why[case.case_id] = reason
        elif case.case_id in again and not (case.case_id in got.current
                                            and got.current[case.case_id].confirmed):
            why[case.case_id] = RERUN
    batch = [c for c in got.cases if c.case_id in why]
    # each mediator's open cases, counted in the store (the watch reads only a few cases),
    # less the cases being routed again
    assigned = Counter({m: n for (status, m), n in routes_in_force(res.engine).items()
                        if status == "assigned" and m})
    load = assigned - current_load(got.current[c] for c in why if c in got.current)
    # a re-check that changes nothing (still unroutable, still referred, the same mediator
    # on a coordinator's rerun) makes no route: the route in force stands
    standing = {cid: (got.current[cid].route_status, got.current[cid].mediator_id)
                for cid, reason in why.items()
                if (reason in RECHECKS or reason == RERUN) and cid in got.current}
    planned = plan_routes(batch, mediators, cfg.routing, day=stamp.date(),
                          served=cfg.served_towns, offices=cfg.offices, load=load,
                          standing=standing)
    # co-agency words are read where a route is made or a case was scored again this run
    # (on a run without an id, everywhere): other cases' texts have not changed
    fresh = {c.case_id for c in got.cases if run_id is None or got.scored_in.get(c.case_id) == run_id}
    texts = case_texts(res.engine, {r.case_id for r in planned} | fresh)
    got.cases = [replace(c, text=texts.get(c.case_id, "")) for c in got.cases]
    co = CoAgencies(cfg.routing.co_agency, cfg.risk, cut)
    changed = finish_routes(planned, got.cases, cfg.routing, co=co, rejected=got.rejected)
    # co-agencies a coordinator brought in stay with the case, whatever its signals say
    changed = [replace(r, co_agencies=sorted({*r.co_agencies, *got.added[r.case_id]}))
               if r.case_id in got.added and r.status == "assigned" else r for r in changed]
    level = {c.case_id: c.level for c in got.cases}
    save_routes(res.engine, changed, why, level, got.rejected, run_id, stamp, got.added)
    # co-agencies follow the case's signals on the routes that stand
    moved = {r.case_id for r in changed}
    agencies = {**got.agencies, **{r.case_id: r.co_agencies for r in changed}}
    updates = {}
    for case in got.cases:
        if case.case_id in moved or case.case_id not in got.current or case.case_id not in fresh:
            continue
        joined, reasons = co.for_case(case, got.rejected.get(case.case_id, ()))
        if case.case_id in got.added:
            joined = sorted({*joined, *got.added[case.case_id]})
        agencies[case.case_id] = joined
        if joined != got.agencies.get(case.case_id, []):
            updates[case.case_id] = (joined, reasons)
    update_agencies(res.engine, updates, run_id, stamp)
    tasks = _new_tasks(res, got, agencies, {r.case_id: r.status for r in changed}, stamp)
    save_tasks(res.engine, tasks)
    in_force = routes_in_force(res.engine)
    counts = {s: sum(n for (status, _m), n in in_force.items() if status == s)
              for s in ("assigned", "referred", "unroutable")}
    late = overdue_tasks(res.engine, stamp)
    return {"routed": len(changed), **counts, "tasks": len(tasks), "overdue": len(late),
            "overdue_list": [{"case_id": r["case_id"], "task": r["kind"], "level": r["level"],
                              "due_at": f"{r['due_at']:%Y-%m-%d %H:%M}",
                              "mediator_id": r["mediator_id"]}
                             for r in records(late.head(50))],
            "agencies_changed": len(updates)}


def _new_tasks(res: Resources, got: Any, agencies: dict[str, list[str]],
               new_status: dict[str, str], stamp: datetime) -> list[dict[str, Any]]:
    """Tasks for each case that reached a level it has no tasks for yet (keyed by the level
    and since when the case has had it); cases referred to another town get none."""
    cfg = res.config
    out = []
    for case in got.cases:
        cid = case.case_id
        status = new_status.get(cid) or (got.current[cid].route_status if cid in got.current
                                         else None)
        since = got.level_since.get(cid)
        if status == "referred" or since is None or (cid, case.level, since) in got.task_keys:
            continue
        for kind, due_at in follow_up_plan(case.level, since, cfg.routing,
                                           cfg.risk.deadlines[case.level],
                                           agencies.get(cid, [])):
            out.append({"case_id": cid, "kind": kind, "due_at": due_at, "status": "open",
                        "created_at": stamp, "level": case.level, "level_since": since})
    return out
