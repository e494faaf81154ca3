"""The rerun flow: a coordinator runs chosen stages again over the cases of a date range and
of chosen agencies, for real or as a dry run.

A dry run changes nothing: the store, the inbox, the link index and the outputs are copied
to a scratch home, the run happens there, and what it would change (levels, routes) is
reported; the scratch is then removed. It needs the embedded SQLite store; on PostgreSQL it
is refused with the reason. A real rerun is reproducible: the same range gives the same
cases, levels and routes, and coordinators' decisions (confirmed routes, overrides, merges)
hold.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from connectors.resources import Resources, open_resources
from connectors.settings import Settings
from connectors.store.access import finish_run, start_run, sync_roster
from connectors.store.copy import copy_store
from connectors.store.lock import run_lock
from connectors.store.reruns import cases_in_range, levels_and_routes
from flows import stages

Source = Literal["police", "womens_federation", "petition", "hotline_12345"]
Stage = Literal["ingest", "link", "score", "route", "alerts", "outputs"]
ALL_STAGES: tuple[Stage, ...] = ("ingest", "link", "score", "route", "alerts", "outputs")


def run_stages(res: Resources, run_id: int | None, chosen: Sequence[str],
               cases: set[str]) -> dict[str, Any]:
    """The chosen stages, in the pipeline's order, over the chosen cases."""
    out: dict[str, Any] = {"cases": len(cases)}
    sync_roster(res.engine, res.config.mediators)
    new_ids: list[int] = []
    if "ingest" in chosen:
        got = stages.ingest_all(res, run_id)
        out["ingest"] = stages.summary_dict(got)
        new_ids = got.new_lead_ids
    if "link" in chosen:
        out["link"] = stages.link_stage(res, run_id)
    if "score" in chosen:
        out["risk"] = stages.score_stage(res, run_id, new_ids, also=cases)
    if "route" in chosen:
        out["route"] = stages.route_stage(res, run_id, again=cases)
    if "alerts" in chosen:
        out["alerts"] = stages.alert_stage(res)
    if "outputs" in chosen:
        out["outputs"] = [str(p) for p in stages.share_stage(res, run_id, out)]
    return out


def _dry_run(settings: Settings, chosen: Sequence[str], start: date | None, end: date | None,
            sources: Sequence[str] | None) -> dict[str, Any]:
    """The rerun on a scratch copy of the home (the SQLite file, or PostgreSQL's rows copied into
    a scratch SQLite store); the report of what it would change."""
    live = open_resources(settings, migrate=False)
    before = levels_and_routes(live.engine)
    with tempfile.TemporaryDirectory(prefix="triage-dry-") as scratch:
        home = Path(scratch) / "home"
        shutil.copytree(settings.home, home, ignore=shutil.ignore_patterns(
            "*.run.lock", "outputs", "triage.db-wal", "triage.db-shm"))
        copy = Settings(home=home, database_url=None, data_dir=settings.data_dir,
                        link_key=settings.link_key, link_key_block=settings.link_key_block)
        if live.engine.dialect.name != "sqlite":
            (home / "triage.db").unlink(missing_ok=True)
            res = open_resources(copy)
            copy_store(live.engine, res.engine)
        else:
            res = open_resources(copy)
        cases = cases_in_range(res.engine, start, end, sources)
        out = run_stages(res, None, [s for s in chosen if s != "alerts"], cases)
        after = levels_and_routes(res.engine)
    joined = before.merge(after, left_index=True, right_index=True, how="outer",
                          suffixes=("_now", "_then"))
    levels = joined[joined["risk_level_now"].fillna("") != joined["risk_level_then"].fillna("")]
    routes = joined[joined["mediator_id_now"].fillna("") != joined["mediator_id_then"].fillna("")]
    out.pop("outputs", None)
    return {**out, "dry_run": True, "would_change_levels": len(levels),
            "would_change_routes": len(routes),
            "examples": [f"{cid}: {r['risk_level_now']}→{r['risk_level_then']}"
                         for cid, r in levels.head(10).iterrows()]}


@flow(name="rerun-triage", log_prints=False)
def rerun(start: date | None = None, end: date | None = None,
          sources: list[Source] | None = None, stages: list[Stage] | None = None,
          dry_run: bool = False, wait_seconds: int = 0) -> dict[str, Any]:
    """Run ``stages`` (all by default) again over the cases with leads of ``sources`` reported
    between ``start`` and ``end``; a ``dry_run`` reports what would change and changes
    nothing."""
    chosen = list(stages or ALL_STAGES)
    settings = Settings()
    if dry_run:
        report = _dry_run(settings, chosen, start, end, sources)
        create_markdown_artifact(key="rerun-dry-run", markdown=(
            f"# 演练重跑（未做任何更改）\n- 范围内案件 {report['cases']}\n"
            f"- 将改变等级的案件 {report['would_change_levels']}\n"
            f"- 将改变分派的案件 {report['would_change_routes']}"))
        return report
    res = open_resources(settings, migrate=False)
    with run_lock(res.engine, "rerun", wait_seconds=wait_seconds):
        res = open_resources(settings)
        run_id = start_run(res.engine, "rerun", {"start": str(start), "end": str(end),
                                                  "sources": sources, "stages": chosen})
        try:
            out = run_stages(res, run_id, chosen, cases_in_range(res.engine, start, end, sources))
        except Exception:
            finish_run(res.engine, run_id, {}, "failed")
            raise
        finish_run(res.engine, run_id, {k: v for k, v in out.items() if k != "outputs"}, "completed")
        return {"run_id": run_id, **out}
