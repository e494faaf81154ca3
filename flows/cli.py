"""``triage``: the command line coordinators use (help in Chinese and English)."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from connectors.config import ConfigError
from connectors.settings import Settings
from flows import cli_routing, cli_web
from triage.domain import SOURCE_LABELS, SOURCES

app = typer.Typer(
    help="矛盾纠纷多部门研判分流（五共）流水线 / Multi-agency dispute triage pipeline.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)
export_app = typer.Typer(help="导出数据 / Export data.", no_args_is_help=True)
app.add_typer(export_app, name="export")
console = Console()


def _quiet_prefect(verbose: bool) -> None:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _run_flow(kind: str, verbose: bool) -> dict[str, Any]:
    from connectors.config import load_config

    load_config(Settings().data_dir)  # a configuration error is told before Prefect starts
    _quiet_prefect(verbose)
    from connectors.store.lock import RunLocked
    from flows.nightly import nightly

    progress = logging.getLogger("triage.progress")
    handler = _ConsoleLines()
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False  # said once, here; Prefect's console handler would say it again
    try:
        return nightly(kind=kind)
    except RunLocked as busy:
        console.print(f"[red]未运行[/red]：{busy}")
        raise typer.Exit(code=3) from busy
    finally:
        progress.removeHandler(handler)
        progress.propagate = True


class _ConsoleLines(logging.Handler):
    """Each stage as it starts and ends, so a long run is never silent."""

    def emit(self, record: logging.LogRecord) -> None:
        console.print(f"[dim]{escape(record.getMessage())}[/dim]", highlight=False)


def _print_summary(summary: dict[str, Any], settings: Settings) -> None:
    ing = summary["ingest"]
    table = Table(title="文件 / Files", show_lines=False)
    for col in ("文件", "来源", "状态", "数据行", "新线索", "更正", "重复", "拒收", "说明"):
        table.add_column(col)
    status_cn = {"ingested": "已导入", "duplicate": "重复文件", "quarantined": "已隔离",
                 "failed": "导入失败"}
    for f in ing["files"]:
        table.add_row(f["file"], SOURCE_LABELS.get(f["source"] or "", "-"),
                      status_cn.get(f["status"], f["status"]),
                      str(f["rows_in"]), str(f["leads_new"]), str(f["leads_updated"]),
                      str(f["leads_unchanged"]), str(f["rejected"]), f["reason"] or "")
    console.print(table)
    _print_sources(ing.get("sources", []))
    ok = "✓ 相符" if ing["balanced"] else "✗ 不符"
    console.print(
        f"数据行 {ing['rows_in']} = 新线索 {ing['leads_new']} + 更正 {ing['leads_updated']} + "
        f"重复 {ing['leads_unchanged']} + 拒收 {ing['rejected']}  {ok}")
    link = summary.get("link", {})
    risk = summary.get("risk", {})
    route = summary.get("route", {})
    if summary.get("nothing_new"):
        console.print("没有新的或更正的线索：案件与风险等级保持上次运行的结果 / nothing new: "
                      "cases and levels stand")
    else:
        console.print(f"案件 / cases: {link.get('cases', 0)}（新建 {link.get('created', 0)}，"
                      f"合并 {link.get('merged', 0)}）")
        console.print("风险 / risk: " + "，".join(f"{k} {risk.get(k, 0)}" for k in ("红", "橙", "黄", "蓝"))
                      + f"；告警 {risk.get('alerts', 0)}")
    if risk.get("quiet"):
        console.print(f"  其中 {risk['quiet']} 个案件 {risk.get('fade_days', 90)} 天内没有新线索，"
                      "此前的风险信号只作历史显示 / quiet cases: earlier signals shown as history")
    if risk.get("key_persons"):
        console.print(f"  重点人员 / key persons: {risk['key_persons']}")
    console.print(f"分派 / routing: 本次分派 {route.get('routed', 0)}；在办 已分派 {route.get('assigned', 0)}，"
                  f"转办 {route.get('referred', 0)}，待人工指派 {route.get('unroutable', 0)}")
    console.print(f"跟进 / follow-up: 新任务 {route.get('tasks', 0)}，逾期 {route.get('overdue', 0)}"
                  + ("（triage followup list --overdue）" if route.get("overdue") else ""))
    alerts = summary.get("alerts", {})
    if alerts:
        console.print(f"告警推送 / alerts: 送达 {alerts.get('sent', 0)}，待重试 {alerts.get('pending', 0)}，"
                      f"未送达 {alerts.get('undelivered', 0)}"
                      + ("（triage alerts list）" if alerts.get("undelivered") else ""))
    outputs = summary.get("outputs", [])
    if outputs:
        console.print(f"输出 / outputs ({len(outputs)} 个文件): {Path(outputs[0]).parent}")
    console.print(f"数据库 / database: {settings.db_url.split('@')[-1]}")


def _print_sources(sources: list[dict[str, Any]]) -> None:
    for src in sources:
        state = "成功" if src["status"] == "ok" else "[red]失败[/red]"
        console.print(f"接口 / HTTP {src['name']}（{SOURCE_LABELS.get(src['source'], src['source'])}）: "
                      f"{state}，{src['pages']} 页，{src['records']} 条，重试 {src['retries']} 次"
                      + (f"；{src['error']}" if src["error"] else ""))


@app.command()
def demo(
    cases: Annotated[int, typer.Option(help="示例案件数 / number of sample cases")] = 300,
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 7,
    verbose: Annotated[bool, typer.Option(help="显示详细日志 / show Prefect logs")] = False,
) -> None:
    """生成示例导出文件放入收件箱并运行一次夜间流程 /
    Write sample exports to the drop folder and run the nightly flow once."""
    from samples.exports import write_demo_exports

    settings = Settings()
    settings.ensure_folders()
    staging = settings.home / "demo" / f"cases{cases}-seed{seed}"
    if staging.exists():
        shutil.rmtree(staging)
    manifest = write_demo_exports(staging, cases, seed, outside=0.05)  # some to refer on
    for f in manifest.files:  # the agencies' files go to the inbox; the truth stays beside
        shutil.copy(f.path, settings.inbox / f.source / Path(f.path).name)
    console.print(f"已生成示例数据 / sample exports: {len(manifest.files)} 个文件，"
                  f"{manifest.total_rows} 行 → {settings.inbox}（真值表 / truth: {manifest.truth_path}）")
    _print_summary(_run_flow("demo", verbose), settings)


@app.command()
def run(
    verbose: Annotated[bool, typer.Option(help="显示详细日志 / show Prefect logs")] = False,
) -> None:
    """立即运行夜间流程（收件箱和已配置的接口）/ Run the nightly flow now over the drop folder."""
    _print_summary(_run_flow("manual", verbose), Settings())


@app.command("rerun")
def rerun_cmd(
    start: Annotated[str | None, typer.Option("--from", help="开始日期 YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option("--to", help="结束日期 YYYY-MM-DD")] = None,
    source: Annotated[list[str] | None, typer.Option(help="来源部门，可多次 / agency, repeatable")] = None,
    stage: Annotated[list[str] | None, typer.Option(
        help="环节，可多次：ingest link score route alerts outputs（默认全部）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="演练：不做任何更改，只报告 / change nothing")] = False,
    verbose: Annotated[bool, typer.Option(help="显示详细日志 / show Prefect logs")] = False,
) -> None:
    """按日期范围、来源和环节重跑；--dry-run 只报告将改变什么 /
    Run stages again over a date range and agencies; --dry-run changes nothing."""
    from datetime import date

    from flows.rerun import ALL_STAGES

    bad = [s for s in source or [] if s not in SOURCES] + [s for s in stage or [] if s not in ALL_STAGES]
    if bad:
        console.print(f"[red]未知的来源或环节[/red] {'、'.join(bad)}；来源：{'、'.join(SOURCES)}；"
                      f"环节：{'、'.join(ALL_STAGES)}")
        raise typer.Exit(code=2)
    try:
        first = date.fromisoformat(start) if start else None
        last = date.fromisoformat(end) if end else None
    except ValueError:
        console.print("[red]日期格式应为 YYYY-MM-DD[/red]")
        raise typer.Exit(code=2) from None
    from connectors.config import load_config
    from connectors.store.lock import RunLocked
    from flows.rerun import rerun

    load_config(Settings().data_dir)
    _quiet_prefect(verbose)
    try:
        out = rerun(start=first, end=last, sources=source, stages=stage,  # type: ignore[arg-type]
                    dry_run=dry_run)
    except RunLocked as exc:
        console.print(f"[red]未运行[/red]：{escape(str(exc))}")
        raise typer.Exit(code=3) from exc
    if dry_run:
        console.print(f"演练（未做任何更改）：范围内案件 {out['cases']}；将改变等级 {out['would_change_levels']} 个，"
                      f"将改变分派 {out['would_change_routes']} 个")
        for line in out.get("examples", []):
            console.print(f"  {line}", highlight=False)
    else:
        console.print(f"已重跑：运行 {out['run_id']}，范围内案件 {out['cases']}")


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="要导入的文件 / files to ingest",
                                                exists=True, dir_okay=False)],
    source: Annotated[str | None, typer.Option(
        help="来源：police / womens_federation / petition / hotline_12345（不填则按表头识别）")] = None,
) -> None:
    """手工导入文件（不移动原文件）/ Ingest files by hand (the files stay where they are)."""
    from connectors.resources import open_resources
    from flows.stages import ingest_paths

    if source is not None and source not in SOURCES:
        console.print(f"[red]未知的来源[/red] {source!r}；可选：{'、'.join(SOURCES)} / unknown source")
        raise typer.Exit(code=2)
    res = open_resources()
    summary = ingest_paths(res, files, source)
    for f in summary.files:
        console.print(f"{f['file']}: {f['status']} {f['source'] or ''} 数据行 {f['rows_in']}，"
                      f"新线索 {f['leads_new']}，更正 {f['leads_updated']}，"
                      f"重复 {f['leads_unchanged']}，拒收 {f['rejected']} {f['reason'] or ''}")
    if summary.quarantined or summary.failed:
        raise typer.Exit(code=2)


@app.command()
def pull(
    names: Annotated[list[str] | None, typer.Argument(
        help="接口来源名（不填则全部）/ source names from http_sources.toml (default: all)")] = None,
) -> None:
    """立即拉取已配置的接口来源（不运行其余环节）/ Pull the configured HTTP sources now."""
    from connectors.resources import open_resources
    from flows.stages import pull_http_sources

    res = open_resources()
    known = [src.name for src in res.config.http_sources]
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        console.print(f"[red]未配置的接口来源[/red] {'、'.join(unknown)}；已配置：{'、'.join(known) or '无'}"
                      " (data/config/http_sources.toml)")
        raise typer.Exit(code=2)
    summary = pull_http_sources(res, None, names)
    if not summary.sources:
        console.print("没有已配置的接口来源 / no HTTP sources configured (data/config/http_sources.toml)")
        return
    _print_sources(summary.sources)
    console.print(f"数据行 {summary.rows_in} = 新线索 {summary.leads_new} + 更正 {summary.leads_updated}"
                  f" + 重复 {summary.leads_unchanged} + 拒收 {summary.rejected}")
    if any(src["status"] != "ok" for src in summary.sources):
        raise typer.Exit(code=2)


@app.command()
def report(
    run: Annotated[int | None, typer.Option("--run", help="运行编号（triage status 可查）/ run number")] = None,
    day: Annotated[str | None, typer.Option("--date", help="日期，如 2026-12-07 / a date")] = None,
) -> None:
    """重新生成某次运行或某天的台账、派单和简报 / Write the outputs of a past run or date again."""
    from datetime import datetime as _dt

    from connectors.resources import open_resources
    from connectors.store.sharing import runs_of_day
    from flows.stages.share import report_stage

    if (run is None) == (day is None):
        console.print("[red]请给出 --run 或 --date 之一[/red]（例：triage report --date 2026-12-07）")
        raise typer.Exit(code=2)
    res = open_resources()
    if day is not None:
        try:
            when = _dt.strptime(day, "%Y-%m-%d")
        except ValueError:
            console.print(f"[red]日期格式不对[/red] {day!r}；请写成 2026-12-07")
            raise typer.Exit(code=2) from None
        runs = [int(r) for r in runs_of_day(res.engine, when)["id"]]
        if not runs:
            console.print(f"[red]{day} 没有运行记录[/red]（triage status 可查看最近的运行）")
            raise typer.Exit(code=2)
    else:
        runs = [run] if run is not None else []
    paths: list[Path] = []
    for r in runs:
        try:
            paths += report_stage(res, r)
        except LookupError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(code=2) from None
    for p in dict.fromkeys(paths):
        console.print(str(p))


@app.command("demo-data")
def demo_data(
    outdir: Annotated[Path, typer.Argument(help="输出文件夹 / output folder")],
    cases: Annotated[int, typer.Option(help="案件数 / number of cases")] = 300,
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 7,
    formats: Annotated[str, typer.Option(help="mixed / csv / xlsx")] = "mixed",
) -> None:
    """生成四个部门的示例导出文件及真值表 / Generate sample exports of the four agencies with a truth file."""
    from samples.exports import write_demo_exports

    manifest = write_demo_exports(outdir, cases, seed, formats=formats)
    console.print(f"{len(manifest.files)} 个文件，{manifest.total_rows} 行，"
                  f"线索 {manifest.total_leads} → {outdir}")


@export_app.command("cases")
def export_cases_cmd(
    out: Annotated[Path, typer.Option(help="输出 CSV 文件 / output CSV file")],
) -> None:
    """每条线索一行：来源、编号、案件、报告人、类型、地点、风险、调解员 /
    One row per lead with its case, risk and mediator."""
    from connectors.outputs.export import export_cases
    from connectors.resources import open_resources

    n = export_cases(open_resources().engine, out)
    console.print(f"已导出 {n} 行 → {out}")


review_app = typer.Typer(help="待确认的线索关联 / Uncertain links for a coordinator.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="最多显示几条 / how many")] = 20,
) -> None:
    """列出待确认的线索对及依据（案件编号和各部门原始编号，与台账一致）/ Uncertain pairs, by the
    case and record numbers the ledgers show."""
    from connectors.resources import open_resources
    from connectors.store.workbench import reviews

    table = Table(title="待确认关联 / pending links")
    for c in ("案件A", "线索A（部门 原始编号）", "案件B", "线索B（部门 原始编号）", "把握", "依据"):
        table.add_column(c)
    for r in reviews(open_resources().engine, limit).to_dict("records"):
        a, b = r["a"], r["b"]
        why = "，".join(f"{e['label']}{e['level']}({e['weight']:+.1f})" for e in (r["evidence"] or [])[:4])
        table.add_row(str(a["case_id"]), f"{SOURCE_LABELS.get(a['source'], a['source'])} {a['source_ref']}",
                      str(b["case_id"]), f"{SOURCE_LABELS.get(b['source'], b['source'])} {b['source_ref']}",
                      f"{r['score']:.0%}", why)
    console.print(table)
    console.print("确认：triage review merge <原始编号A> <原始编号B> --by 姓名 --reason 理由"
                  "（两部门编号相同时写 派出所:J2024000123）")


def _decide(ref_a: str, ref_b: str, decision: str, by: str, reason: str | None) -> None:
    from connectors.resources import open_resources
    from connectors.store.linking import decide, find_lead

    engine = open_resources().engine
    try:
        decide(engine, find_lead(engine, ref_a), find_lead(engine, ref_b), decision, by, reason)
    except ValueError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=2) from None
    word = "合并为同一案件" if decision == "merge" else "分开，不是同一纠纷"
    console.print(f"已记录：{ref_a} 与 {ref_b} {word}（{by}）；下次运行时两边的案件整体生效，并一直保留。")


RefA = Annotated[str, typer.Argument(help="一条线索的原始编号（台账“线索”表）/ a record number")]
RefB = Annotated[str, typer.Argument(help="另一条线索的原始编号 / the other record number")]


@review_app.command("merge")
def review_merge(
    ref_a: RefA, ref_b: RefB,
    by: Annotated[str, typer.Option(help="协调员姓名 / coordinator")] = "协调员",
    reason: Annotated[str | None, typer.Option(help="理由 / why")] = None,
) -> None:
    """确认两条线索是同一纠纷，两边的案件合并 / The two leads are one dispute: their cases join."""
    _decide(ref_a, ref_b, "merge", by, reason)


@review_app.command("split")
def review_split(
    ref_a: RefA, ref_b: RefB,
    by: Annotated[str, typer.Option(help="协调员姓名 / coordinator")] = "协调员",
    reason: Annotated[str | None, typer.Option(help="理由 / why")] = None,
) -> None:
    """确认两条线索不是同一纠纷，分开 / The two leads are different disputes: kept apart."""
    _decide(ref_a, ref_b, "split", by, reason)


@app.command()
def weights() -> None:
    """显示关联模型从数据中估计出的权重 / Show the linking weights estimated from the data."""
    from connectors.resources import open_resources
    from connectors.store.link_files import load_model

    model = load_model(open_resources().settings.models)
    if model is None:
        console.print("尚未运行关联 / no linking run yet")
        raise typer.Exit(code=1)
    table = Table(title=f"关联权重 / linking weights (prior {model.prior:.2e})")
    for c in ("字段", "等级", "m", "u", "同一案件的对数", "随机对数", "权重(bit)"):
        table.add_column(c)
    for f in model.to_dict()["fields"]:
        for lv in f["levels"]:
            table.add_row(f["label"], lv["level"], f"{lv['m']:.4f}", f"{lv['u']:.6f}",
                          "-" if lv.get("m_count") is None else f"{lv['m_count']:.0f}",
                          "-" if lv.get("u_count") is None else f"{lv['u_count']:.0f}",
                          f"{lv['weight']:+.2f}")
    console.print(table)
    console.print("权重按同一案件的对数收缩（对数少的等级更接近 0），并保证一致程度越高权重不降低 / "
                  "weights shrink where few matched pairs inform them, and never fall as agreement rises")
    if model.repeat is not None:
        repeat = Table(title=f"同一报告人：同一纠纷还是另一纠纷 / one reporter: the same quarrel or "
                             f"another (share alike {model.repeat.prior:.2f}, "
                             f"{model.repeat.pairs} pairs)")
        for c in ("字段", "等级", "同一纠纷 m", "另一纠纷 u", "权重(bit)"):
            repeat.add_column(c)
        for label, level, m, u, w in model.repeat.levels():
            repeat.add_row(label, level, f"{m:.4f}", f"{u:.4f}", f"{w:+.2f}")
        console.print(repeat)


@app.command()
def forget(
    person: Annotated[int | None, typer.Option("--person", help="人员编号 / person id")] = None,
    id_number: Annotated[str | None, typer.Option(
        "--id-number", help="或按身份证号查找 / or find the person by ID number")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="不再确认 / do not ask")] = False,
) -> None:
    """删除一个人的全部线索及由此产生的数据 / Forget a person: their leads and all derived data."""
    from connectors.resources import open_resources
    from connectors.store.forget import persons_with_id_number
    from flows.forget import forget as forget_person

    res = open_resources()
    if (person is None) == (id_number is None):
        console.print("请给出 --person 或 --id-number 之一 / give --person or --id-number")
        raise typer.Exit(code=2)
    targets = [person] if person is not None else persons_with_id_number(res.engine, id_number or "")
    if not targets:
        console.print("没有找到此人 / no such person")
        raise typer.Exit(code=1)
    if not yes and not typer.confirm(
            f"将永久删除人员 {', '.join(map(str, targets))} 的全部线索、原始行和引用，不可恢复。确认？"):
        raise typer.Exit(code=1)
    for pid in targets:
        try:
            done = forget_person(res, pid)
        except LookupError as exc:
            console.print(str(exc))
            raise typer.Exit(code=1) from exc
        console.print(f"已删除人员 {pid}：线索 {len(done.lead_ids)} 条，原始行 {done.raw_rows} 行；"
                      f"删除案件 {len(done.cases_deleted)} 个，保留并更新案件 {len(done.cases_kept)} 个。")
        if done.files:
            console.print("其记录还在以下原始导出文件中（processed/ 下的存档），请按规定处理："
                          + "、".join(done.files))
        console.print("此前生成的台账、工作清单（outputs/）和已发出的副本不在数据库内，请一并处理。")


risk_app = typer.Typer(help="风险等级：查看说明、人工调整 / Risk: explain, override.",
                       no_args_is_help=True)
app.add_typer(risk_app, name="risk")


@risk_app.command("show")
def risk_show(case_id: Annotated[str, typer.Argument(help="案件编号 / case id")]) -> None:
    """查看案件的风险等级和依据 / Show a case's risk level and why."""
    from connectors.resources import open_resources
    from connectors.store.risk import current_assessment

    record = current_assessment(open_resources().engine, case_id)
    if record is None:
        console.print(f"案件 {case_id} 尚无风险评估 / no assessment for this case")
        raise typer.Exit(code=1)
    console.print(record["explanation"] or record["level"], markup=False, highlight=False,
                  soft_wrap=True)


@risk_app.command("set")
def risk_set(
    case_id: Annotated[str, typer.Argument(help="案件编号 / case id")],
    level: Annotated[str, typer.Argument(help="红/橙/黄/蓝")],
    by: Annotated[str, typer.Option("--by", help="调整人 / who")],
    reason: Annotated[str | None, typer.Option(
        "--reason", help="理由（降低等级时必填）/ why (required to lower)")] = None,
) -> None:
    """人工调整风险等级：上调无需理由，下调必须填写理由 / Override a case's level."""
    from connectors.resources import open_resources
    from flows.stages.score import override_case

    try:
        row = override_case(open_resources(), case_id, level, by, reason)
    except ValueError as exc:
        console.print(str(exc))
        raise typer.Exit(code=2) from exc
    console.print(row["explanation"], markup=False, highlight=False, soft_wrap=True)


cli_routing.register(app)
cli_web.register(app)


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        console.print(f"[red]配置错误 / configuration error[/red]: {escape(str(exc))}",
                      soft_wrap=True, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
