"""The relearn flow (weekly): a full link that re-estimates the match weights from all the
leads and may split cases that no longer hold together (each split a case event with its
leads); coordinators' merge and keep-apart decisions hold. Then scoring, routing and alerts
follow the new cases."""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from connectors.resources import open_resources
from connectors.settings import Settings
from connectors.store.access import finish_run, start_run
from connectors.store.lock import run_lock
from flows import stages
from flows.nightly import _counts, alert, prepare, route, score


@task
def relink(settings: Settings, run_id: int) -> dict[str, Any]:
    return stages.link_stage(open_resources(settings, migrate=False), run_id, full=True)


@flow(name="relearn-links", log_prints=False)
def relearn(wait_seconds: int = 3600) -> dict[str, Any]:
    """Re-estimate the linking weights on every lead and relink; waits for the store's lock."""
    settings = Settings()
    res = open_resources(settings, migrate=False)
    with run_lock(res.engine, "relearn", wait_seconds=wait_seconds):
        prepare(settings)
        run_id = start_run(res.engine, "relearn", {})
        summary: dict[str, Any] = {"run_id": run_id}
        try:
            summary["link"] = relink(settings, run_id)
            summary["risk"] = score(settings, run_id, [])
            summary["route"] = route(settings, run_id)
            summary["alerts"] = alert(settings, run_id)
        except Exception:
            finish_run(res.engine, run_id, _counts(summary), "failed")
            raise
        finish_run(res.engine, run_id, _counts(summary), "completed")
        link = summary["link"]
        create_markdown_artifact(key="relearn-summary", markdown=(
            f"# 重新关联 运行 {run_id}\\n- 案件 {link.get('cases', 0)}，新建 {link.get('created', 0)}，"
            f"合并 {link.get('merged', 0)}，拆分 {link.get('split', 0)}（每次拆分见案件事件 "
            "`triage case events`）\\n- 关联权重已按全部线索重新估计"))
        return summary
