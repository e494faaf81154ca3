"""The nightly flow: ingest → link → score → route → share, one task per stage."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from connectors.resources import open_resources
from connectors.settings import Settings
from connectors.store.access import finish_run, start_run, sync_roster, unlinked_leads, waiting_decisions
from connectors.store.lock import run_lock
from flows import stages


@task(retries=2, retry_delay_seconds=10)
def prepare(settings: Settings) -> int:
    res = open_resources(settings)
    return sync_roster(res.engine, res.config.mediators)


@task
def ingest(settings: Settings, run_id: int) -> stages.IngestSummary:
    """The drop folder, then the HTTP sources (a failing source is reported, not fatal)."""
    return stages.ingest_all(open_resources(settings, migrate=False), run_id)


@task
def link(settings: Settings, run_id: int) -> dict[str, int]:
    return stages.link_stage(open_resources(settings, migrate=False), run_id)


@task
def score(settings: Settings, run_id: int, new_lead_ids: list[int]) -> dict[str, int]:
    return stages.score_stage(open_resources(settings, migrate=False), run_id, new_lead_ids)


@task
def route(settings: Settings, run_id: int, retry: bool = True) -> dict[str, int]:
    return stages.route_stage(open_resources(settings, migrate=False), run_id, retry=retry)


@task(retries=1, retry_delay_seconds=5)
def alert(settings: Settings, run_id: int) -> dict[str, Any]:
    """Alerts go out in the run that raised them (a drop-folder run too)."""
    return stages.alert_stage(open_resources(settings, migrate=False))


@task
def share(settings: Settings, run_id: int, summary: dict[str, Any]) -> list[str]:
    paths = stages.share_stage(open_resources(settings, migrate=False), run_id, summary)
    return [str(p) for p in paths]


PROGRESS = logging.getLogger("triage.progress")  # stage by stage, for whoever started the run


@contextmanager
def _stage(name: str) -> Iterator[None]:
    PROGRESS.info("%s …", name)
    started = time.perf_counter()
    yield
    PROGRESS.info("%s 完成（%.1f 秒）", name, time.perf_counter() - started)


@flow(name="nightly-triage", log_prints=False)
def nightly(kind: str = "nightly", wait_seconds: int = 0) -> dict[str, Any]:
    """Run every stage over what waits in the drop folder; return the run summary. One run
    at a time per store: another run waits up to ``wait_seconds`` for the lock, else it is
    refused with who holds it (``RunLocked``)."""
    settings = Settings()
    res = open_resources(settings, migrate=False)
    with run_lock(res.engine, kind, wait_seconds=wait_seconds):
        return _run(settings, kind)


def _run(settings: Settings, kind: str) -> dict[str, Any]:
    logger = get_run_logger()
    mediators = prepare(settings)
    res = open_resources(settings, migrate=False)
    run_id = start_run(res.engine, kind, {})
    summary: dict[str, Any] = {"run_id": run_id, "mediators": mediators}
    try:
        with _stage("导入 / ingest"):
            got = ingest(settings, run_id)
            PROGRESS.info("  数据行 %s：新线索 %s，更正 %s，重复 %s，拒收 %s", got.rows_in, got.leads_new,
                          got.leads_updated, got.leads_unchanged, got.rejected)
        summary["ingest"] = stages.summary_dict(got)
        logger.info("ingested %s rows: %s new, %s updated, %s unchanged, %s rejected; "
                    "%s files quarantined", got.rows_in, got.leads_new, got.leads_updated,
                    got.leads_unchanged, got.rejected, got.quarantined)
        for src in got.sources:
            if src["status"] != "ok":
                logger.warning("HTTP source %s failed: %s", src["name"], src["error"])
        if got.leads_new or got.leads_updated or unlinked_leads(res.engine) or waiting_decisions(res.engine):
            with _stage("关联 / link"):
                summary["link"] = link(settings, run_id)
            with _stage("风险 / score"):
                summary["risk"] = score(settings, run_id, got.new_lead_ids)
        else:  # nothing new: cases and levels stand as the last run left them
            logger.info("no new or corrected leads: linking and scoring skipped")
            PROGRESS.info("没有新的或更正的线索：跳过关联与风险评估")
            summary["nothing_new"] = True
        with _stage("分派 / route"):
            summary["route"] = route(settings, run_id)
        with _stage("告警 / alerts"):
            summary["alerts"] = alert(settings, run_id)
        with _stage("输出 / outputs"):
            summary["outputs"] = share(settings, run_id, summary)
    except Exception:
        finish_run(res.engine, run_id, _counts(summary), "failed")
        raise
    finish_run(res.engine, run_id, _counts(summary), "completed")
    create_table_artifact(key="ingested-files", table=[
        {k: v for k, v in f.items() if k != "moved_to"} for f in summary["ingest"]["files"]],
        description="每个文件：数据行 = 新线索 + 更正 + 重复 + 拒收")
    create_markdown_artifact(key="run-summary", markdown=_markdown(summary))
    create_table_artifact(key="run-figures", table=_figures(summary),
                          description="本次运行的数字（不含个人信息）/ this run in figures")
    if summary.get("outputs"):
        create_markdown_artifact(key="run-outputs", markdown=_outputs(summary["outputs"]))
    return summary


def _figures(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures a coordinator checks each morning, one row each."""
    ing, link = summary.get("ingest", {}), summary.get("link", {})
    risk, route, alerts = summary.get("risk", {}), summary.get("route", {}), summary.get("alerts", {})
    rows = [("数据行", ing.get("rows_in")), ("新线索", ing.get("leads_new")),
            ("更正", ing.get("leads_updated")), ("拒收行", ing.get("rejected")),
            ("隔离文件", ing.get("quarantined")), ("新建案件", link.get("created")),
            ("合并案件", link.get("merged")), ("拆分案件", link.get("split")),
            *[(f"{lvl}色案件", risk.get(lvl)) for lvl in ("红", "橙", "黄", "蓝")],
            ("本次分派", route.get("routed")), ("在办·已分派", route.get("assigned")),
            ("在办·转办", route.get("referred")), ("在办·待人工指派", route.get("unroutable")),
            ("告警送达", alerts.get("sent")), ("告警未送达", alerts.get("undelivered")),
            ("逾期跟进任务", route.get("overdue"))]
    return [{"项目": name, "数量": "-" if value is None else value} for name, value in rows]


def _outputs(paths: list[str]) -> str:
    folder = Path(paths[0]).parent if paths else None
    lines = [f"# 本次输出（{len(paths)} 个文件）", f"文件夹：`{folder}`", ""]
    lines += [f"- [{Path(p).name}]({Path(p).resolve().as_uri()})" for p in paths[:50]]
    if len(paths) > 50:
        lines.append(f"- ……另有 {len(paths) - 50} 个")
    return "\n".join(lines)


def _counts(summary: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in summary.items() if k not in ("ingest", "outputs")}
    ing = summary.get("ingest", {})
    out["ingest"] = {k: v for k, v in ing.items() if k != "files"}
    return out


RISK_LABELS = {"alerts": "告警", "key_persons": "重点人员", "quiet": "久无新线索的案件", "scored": "本次评估"}


def _markdown(summary: dict[str, Any]) -> str:
    ing = summary["ingest"]
    risk = summary.get("risk", {})
    return "\n".join([
        f"# 运行 {summary['run_id']}",
        f"- 数据行 {ing['rows_in']} = 新线索 {ing['leads_new']} + 更正 {ing['leads_updated']}"
        f" + 重复 {ing['leads_unchanged']} + 拒收 {ing['rejected']}",
        f"- 隔离文件 {ing['quarantined']}，重复文件 {ing['duplicates']}，"
        f"导入失败（留在收件箱）{ing.get('failed', 0)}",
        *[f"- 接口 {src['name']}：{'成功' if src['status'] == 'ok' else '失败'}，"
          f"{src['pages']} 页 {src['records']} 条" + (f"，{src['error']}" if src['error'] else "")
          for src in ing.get("sources", [])],
        "- 没有新的或更正的线索：案件与风险等级保持上次运行的结果" if summary.get("nothing_new") else
        f"- 案件 {summary.get('link', {}).get('cases', 0)}；"
        + "，".join(f"{RISK_LABELS.get(k, k)} {v}" for k, v in risk.items() if k != "fade_days"),
        _route_line(summary.get("route", {})),
        _alert_line(summary.get("alerts", {})),
    ])


def _route_line(route: dict[str, Any]) -> str:
    line = (f"- 本次分派 {route.get('routed', 0)}；在办案件：已分派 {route.get('assigned', 0)}，"
            f"转办 {route.get('referred', 0)}，待人工指派 {route.get('unroutable', 0)}；"
            f"新跟进任务 {route.get('tasks', 0)}，逾期任务 {route.get('overdue', 0)}")
    late = route.get("overdue_list", [])
    if late:  # listed every run, most overdue first (case numbers and tasks only)
        line += "\n\n| 案件 | 等级 | 逾期任务 | 时限 | 调解员 |\n|---|---|---|---|---|\n" + "\n".join(
            f"| {t['case_id']} | {t['level'] or ''} | {t['task']} | {t['due_at']} | "
            f"{t['mediator_id'] or '未分派'} |" for t in late)
        if route.get("overdue", 0) > len(late):
            line += f"\n\n（另有 {route['overdue'] - len(late)} 项，见 triage followup list --overdue）"
    return line


def _alert_line(alerts: dict[str, Any]) -> str:
    return (f"- 告警推送：新入队 {alerts.get('queued', 0)}，送达 {alerts.get('sent', 0)}，"
            f"待重试 {alerts.get('pending', 0)}，未送达 {alerts.get('undelivered', 0)}")
