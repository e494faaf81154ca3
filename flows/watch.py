"""The watch flow: a file dropped into the inbox is ingested, linked, scored, routed and
alerted within minutes; nothing else (no ledgers). A tick with no settled file exits at once,
before touching the store; a tick that finds another run holding the store leaves the file
for the next tick."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger

from connectors.resources import open_resources
from connectors.settings import Settings
from connectors.sources.dropfolder import pending_files
from connectors.store.access import finish_run, start_run
from connectors.store.lock import RunLocked, run_lock
from flows import stages
from flows.nightly import _counts, alert, link, prepare, route, score


@flow(name="watch-inbox", log_prints=False)
def watch() -> dict[str, Any]:
    """Take the settled files of the inbox through to routes and alerts."""
    logger = get_run_logger()
    settings = Settings()
    res = open_resources(settings, migrate=False)
    settle = res.config.ingest.settle_seconds
    if not pending_files(settings, settle):
        return {"nothing_new": True}
    try:
        with run_lock(res.engine, "watch"):
            prepare(settings)
            run_id = start_run(res.engine, "watch", {})
            summary: dict[str, Any] = {"run_id": run_id}
            try:
                got = stages.ingest_inbox(open_resources(settings, migrate=False), run_id, settle)
                summary["ingest"] = stages.summary_dict(got)
                if got.leads_new or got.leads_updated:
                    summary["link"] = link(settings, run_id)
                    summary["risk"] = score(settings, run_id, got.new_lead_ids)
                    summary["route"] = route(settings, run_id, retry=False)
                    summary["alerts"] = alert(settings, run_id)
            except Exception:
                finish_run(res.engine, run_id, _counts(summary), "failed")
                raise
            finish_run(res.engine, run_id, _counts(summary), "completed")
            return summary
    except RunLocked as busy:
        logger.info("store busy (%s): the files wait for the next tick", busy.holder)
        return {"busy": busy.holder}
