"""``triage route``, ``triage case``, ``triage followup``, ``triage alerts``: coordinators'
decisions on routes, cases and tasks, and the state of alerts (help in Chinese and English)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from triage.domain import CASE_OUTCOMES, ROUTE_STATUSES

console = Console()
T = TypeVar("T")

route_app = typer.Typer(help="分派：查看、确认、改派、排除共调单位 / Routes: show, confirm, reassign.",
                        no_args_is_help=True)
case_app = typer.Typer(help="案件：结案、重新打开、事件记录 / Cases: close, reopen, events.",
                       no_args_is_help=True)
followup_app = typer.Typer(help="跟进任务：列表、完成、调整时限 / Follow-up tasks.",
                           no_args_is_help=True)
alerts_app = typer.Typer(help="告警推送：列表、重发 / Alerts: list, send.", no_args_is_help=True)

By = Annotated[str, typer.Option("--by", help="决定人 / who decides")]
Reason = Annotated[str, typer.Option("--reason", help="理由 / why")]
CaseId = Annotated[str, typer.Argument(help="案件编号 / case id")]


def _decide(action: Callable[[], T]) -> T:
    """Run a decision; a refusal is a message and exit code 2, never a traceback."""
    from connectors.store.decisions import DecisionError

    try:
        return action()
    except DecisionError as exc:
        console.print(f"[red]未执行[/red]：{exc}")
        raise typer.Exit(code=2) from exc


def _res() -> Any:
    from connectors.resources import open_resources

    return open_resources()


@route_app.command("show")
def route_show(case_id: CaseId) -> None:
    """案件的分派、理由、成本和备选 / A case's route, reasons, cost and runners-up."""
    from connectors.store.routing import current_route

    res = _res()
    a = current_route(res.engine, case_id)
    if a is None:
        console.print(f"案件 {case_id} 尚未分派 / not routed")
        raise typer.Exit(code=1)
    m = res.config.mediator(a.mediator_id)
    who = (f"{m.name}（{m.organization}，{a.mediator_id}）" if m else a.mediator_id) or "无"
    console.print(f"案件 {case_id}：{ROUTE_STATUSES.get(a.route_status, a.route_status)}"
                  + (f" → {a.referred_to}" if a.referred_to else f"，牵头调解员 {who}")
                  + ("（已确认）" if a.status == "confirmed" else "（拟派）"), markup=False)
    if a.route_reason:
        console.print(f"本次分派原因：{a.route_reason}", markup=False)
    for line in a.reasons or []:
        console.print(f"  · {line}", markup=False)
    console.print(f"共调单位：{'、'.join(a.co_agencies or []) or '无'}"
                  + (f"（已排除 {'、'.join(a.rejected_agencies)}）" if a.rejected_agencies else ""),
                  markup=False)
    for r in a.runners_up or []:
        console.print(f"  备选 {r['name']}（{r['mediator_id']}）成本 {r['cost']}，{r['note']}",
                      markup=False)


@route_app.command("confirm")
def route_confirm(case_id: CaseId, by: By) -> None:
    """确认拟派调解员，以后的运行不再改动 / Confirm the proposed mediator."""
    from connectors.store.decisions import confirm

    a = _decide(lambda: confirm(_res().engine, case_id, by))
    console.print(f"已确认：案件 {case_id} 由 {a.mediator_id} 牵头调解")


@route_app.command("reassign")
def route_reassign(case_id: CaseId,
                   mediator_id: Annotated[str, typer.Argument(help="调解员编号 / mediator id")],
                   by: By, reason: Reason) -> None:
    """改派调解员（须写理由）/ Give the case to another mediator, with the reason."""
    from connectors.store.decisions import reassign

    res = _res()
    _decide(lambda: reassign(res.engine, case_id, res.config.mediator(mediator_id), by, reason))
    console.print(f"已改派：案件 {case_id} → {mediator_id}（{reason}）")


@route_app.command("reject-agency")
def route_reject_agency(case_id: CaseId,
                        agency: Annotated[str, typer.Argument(help="共调单位 / co-agency")],
                        by: By, reason: Reason) -> None:
    """排除本案的某个共调单位（以后的运行也不再加入）/ Rule a co-agency out for this case."""
    from connectors.store.decisions import reject_agency

    left = _decide(lambda: reject_agency(_res().engine, case_id, agency, by, reason))
    console.print(f"已排除 {agency}；现有共调单位：{'、'.join(left) or '无'}")


@case_app.command("close")
def case_close(case_id: CaseId, outcome: Annotated[str, typer.Option(
        "--outcome", help="结案结果 / outcome: " + "、".join(CASE_OUTCOMES))], by: By,
               note: Annotated[str | None, typer.Option("--note", help="说明 / note")] = None) -> None:
    """结案 / Close a case with its outcome."""
    from connectors.store.decisions import close

    _decide(lambda: close(_res().engine, case_id, outcome, by, note))
    console.print(f"案件 {case_id} 已结案：{outcome}")


@case_app.command("reopen")
def case_reopen(case_id: CaseId, by: By, reason: Reason) -> None:
    """重新打开已结案件 / Reopen a closed case."""
    from connectors.store.decisions import reopen

    _decide(lambda: reopen(_res().engine, case_id, by, reason))
    console.print(f"案件 {case_id} 已重新打开")


@case_app.command("events")
def case_events_cmd(case_id: CaseId) -> None:
    """案件的事件记录：合并、拆分、分派、改派、结案……谁、何时、为何 / A case's event log."""
    from connectors.store.decisions import case_events

    table = Table(title=f"案件 {case_id} 事件")
    for c in ("时间", "事件", "人", "内容"):
        table.add_column(c)
    for e in case_events(_res().engine, case_id):
        d = dict(e.detail or {})
        who = str(d.pop("by", "系统"))
        table.add_row(f"{e.at:%Y-%m-%d %H:%M}", e.kind, who,
                      "；".join(f"{k}={v}" for k, v in d.items() if v))
    console.print(table)


@followup_app.command("list")
def followup_list(overdue: Annotated[bool, typer.Option(
        "--overdue", help="只看逾期 / overdue only")] = False,
                  case_id: Annotated[str | None, typer.Option("--case", help="案件编号")] = None) -> None:
    """跟进任务及时限 / Follow-up tasks and their deadlines."""
    from connectors.store.access import now
    from connectors.store.routing import open_tasks

    stamp = now()
    tasks = open_tasks(_res().engine, stamp, overdue=overdue, case_id=case_id)
    table = Table(title=f"跟进任务（{'逾期 ' if overdue else ''}{len(tasks)} 项）")
    for c in ("编号", "案件", "等级", "任务", "时限", ""):
        table.add_column(c)
    for t in tasks:
        late = "逾期" if t.due_at < stamp else ""
        table.add_row(str(t.id), t.case_id, t.level or "", t.kind, f"{t.due_at:%Y-%m-%d %H:%M}", late)
    console.print(table)


@followup_app.command("done")
def followup_done(task_id: Annotated[int, typer.Argument(help="任务编号 / task id")], by: By,
                  note: Annotated[str | None, typer.Option("--note", help="情况说明")] = None) -> None:
    """记录任务完成 / Record a task as done."""
    from connectors.store.decisions import task_done

    t = _decide(lambda: task_done(_res().engine, task_id, by, note))
    console.print(f"已完成：{t.case_id} {t.kind}")


@followup_app.command("due")
def followup_due(task_id: Annotated[int, typer.Argument(help="任务编号 / task id")],
                 at: Annotated[str, typer.Option("--at", help="新时限 YYYY-MM-DD HH:MM")],
                 by: By, reason: Reason) -> None:
    """调整任务时限（只有协调员可以，须写理由）/ Move a task's deadline."""
    from connectors.store.decisions import DecisionError, move_due

    def act() -> None:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            raise DecisionError(f"时限格式应为 YYYY-MM-DD HH:MM，收到 {at!r}") from None
        move_due(_res().engine, task_id, when, by, reason)

    _decide(act)
    console.print(f"任务 {task_id} 时限已调整为 {at}")


@alerts_app.command("list")
def alerts_list() -> None:
    """未送达的告警（重试用尽或未配置接收地址）/ Alerts that did not arrive."""
    from connectors.store.outbox import undelivered

    df = undelivered(_res().engine)
    table = Table(title=f"未送达告警 {len(df)} 条")
    for c in ("告警", "案件", "等级", "类型", "接收方", "状态", "尝试", "原因"):
        table.add_column(c)
    for r in df.to_dict("records"):
        table.add_row(str(r["alert_id"]), r["case_id"], r["level"], r["kind"], r["receiver"],
                      {"failed": "重试用尽", "no_channel": "未配置地址"}.get(r["status"], r["status"]),
                      str(r["attempts"]), str(r["last_error"] or ""))
    console.print(table)


@alerts_app.command("send")
def alerts_send() -> None:
    """立即推送到期的告警 / Send the alerts that are due now."""
    from flows.stages.alerts import alert_stage

    out = alert_stage(_res())
    console.print(f"送达 {out['sent']}，失败 {out['failed_tries']}，待重试 {out['pending']}，"
                  f"未送达 {out['undelivered']}")


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.add_typer(route_app, name="route")
    app.add_typer(case_app, name="case")
    app.add_typer(followup_app, name="followup")
    app.add_typer(alerts_app, name="alerts")


def status() -> None:
    """运行状态：最近的运行、收件箱待处理文件、逾期任务、未送达告警 /
    The last runs, what waits in the inbox, overdue follow-ups, undelivered alerts."""
    from connectors.sources.dropfolder import pending_files
    from connectors.store.access import last_runs, now
    from connectors.store.outbox import undelivered
    from connectors.store.routing import overdue_tasks
    from triage.domain import SOURCE_LABELS

    res = _res()
    runs = last_runs(res.engine)
    table = Table(title="最近的运行 / last runs")
    for c in ("编号", "类型", "开始", "用时", "结果", "新线索", "案件", "已分派"):
        table.add_column(c)
    labels = {"completed": "完成", "failed": "[red]失败[/red]", "running": "进行中或中断"}
    for r in runs:
        counts = r.counts or {}
        took = f"{(r.finished_at - r.started_at).total_seconds():.0f} 秒" if r.finished_at else "-"
        table.add_row(str(r.id), r.kind, f"{r.started_at:%Y-%m-%d %H:%M}", took,
                      labels.get(r.status, r.status),
                      str((counts.get("ingest") or {}).get("leads_new", "-")),
                      str((counts.get("link") or {}).get("cases", "-")),
                      str((counts.get("route") or {}).get("assigned", "-")))
    console.print(table)
    waiting = pending_files(res.settings)
    settle = res.config.ingest.settle_seconds
    fresh = {p for p, _ in waiting} - {p for p, _ in pending_files(res.settings, settle)}
    by_source: dict[str, int] = {}
    for _path, hint in waiting:
        key = SOURCE_LABELS.get(hint or "", "未分类")
        by_source[key] = by_source.get(key, 0) + 1
    console.print(f"收件箱 / inbox: {len(waiting)} 个文件待处理"
                  + (f"（{'，'.join(f'{k} {v}' for k, v in by_source.items())}）" if waiting else "")
                  + (f"，其中 {len(fresh)} 个仍在写入" if fresh else ""), highlight=False)
    late = overdue_tasks(res.engine, now())
    console.print(f"逾期跟进任务 / overdue follow-ups: {len(late)}"
                  + ("（triage followup list --overdue）" if len(late) else ""), highlight=False)
    lost = undelivered(res.engine)
    console.print(f"未送达告警 / undelivered alerts: {len(lost)}"
                  + ("（triage alerts list）" if len(lost) else ""), highlight=False)
