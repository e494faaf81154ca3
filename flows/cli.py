"""``triage``: the command line coordinators use (help in Chinese and English)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from connectors.config import ConfigError
from connectors.settings import Settings
from triage.risk import SOURCE_LABELS

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
    _quiet_prefect(verbose)
    from flows.nightly import nightly

    return nightly(kind=kind)


def _print_summary(summary: dict[str, Any], settings: Settings) -> None:
    ing = summary["ingest"]
    table = Table(title="文件 / Files", show_lines=False)
    for col in ("文件", "来源", "状态", "数据行", "新线索", "更正", "重复", "拒收", "说明"):
        table.add_column(col)
    status_cn = {"ingested": "已导入", "duplicate": "重复文件", "quarantined": "已隔离"}
    for f in ing["files"]:
        table.add_row(f["file"], SOURCE_LABELS.get(f["source"] or "", "-"),
                      status_cn.get(f["status"], f["status"]),
                      str(f["rows_in"]), str(f["leads_new"]), str(f["leads_updated"]),
                      str(f["leads_unchanged"]), str(f["rejected"]), f["reason"] or "")
    console.print(table)
    ok = "✓ 相符" if ing["balanced"] else "✗ 不符"
    console.print(
        f"数据行 {ing['rows_in']} = 新线索 {ing['leads_new']} + 更正 {ing['leads_updated']} + "
        f"重复 {ing['leads_unchanged']} + 拒收 {ing['rejected']}  {ok}")
    link = summary.get("link", {})
    risk = summary.get("risk", {})
    route = summary.get("route", {})
    console.print(f"案件 / cases: {link.get('cases', 0)}（新建 {link.get('created', 0)}，"
                  f"合并 {link.get('merged', 0)}）")
    console.print("风险 / risk: " + "，".join(f"{k} {risk.get(k, 0)}" for k in ("红", "橙", "黄", "蓝"))
                  + f"；告警 {risk.get('alerts', 0)}")
    console.print(f"分派 / routed: {route.get('routed', 0)}，待人工指派 {route.get('unrouted', 0)}")
    outputs = summary.get("outputs", [])
    if outputs:
        console.print(f"输出 / outputs ({len(outputs)} 个文件): {Path(outputs[0]).parent}")
    console.print(f"数据库 / database: {settings.db_url.split('@')[-1]}")


@app.command()
def demo(
    cases: Annotated[int, typer.Option(help="示例案件数 / number of sample cases")] = 300,
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 7,
    verbose: Annotated[bool, typer.Option(help="显示详细日志 / show Prefect logs")] = False,
) -> None:
    """生成示例导出文件放入收件箱并运行一次夜间流程 /
    Write sample exports to the drop folder and run the nightly flow once."""
    from connectors.demo_exports import write_demo_exports

    settings = Settings()
    settings.ensure_folders()
    staging = settings.home / "demo" / f"cases{cases}-seed{seed}"
    if staging.exists():
        shutil.rmtree(staging)
    manifest = write_demo_exports(staging, cases, seed)
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


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="要导入的文件 / files to ingest",
                                                exists=True, dir_okay=False)],
    source: Annotated[str | None, typer.Option(
        help="来源：police / womens_federation / petition / hotline_12345（不填则按表头识别）")] = None,
) -> None:
    """手工导入文件（不移动原文件）/ Ingest files by hand (the files stay where they are)."""
    from connectors.store import open_resources
    from flows.stages import ingest_paths

    res = open_resources()
    summary = ingest_paths(res, files, source)
    for f in summary.files:
        console.print(f"{f['file']}: {f['status']} {f['source'] or ''} 数据行 {f['rows_in']}，"
                      f"新线索 {f['leads_new']}，更正 {f['leads_updated']}，"
                      f"重复 {f['leads_unchanged']}，拒收 {f['rejected']} {f['reason'] or ''}")
    if summary.quarantined:
        raise typer.Exit(code=2)


@app.command("demo-data")
def demo_data(
    outdir: Annotated[Path, typer.Argument(help="输出文件夹 / output folder")],
    cases: Annotated[int, typer.Option(help="案件数 / number of cases")] = 300,
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 7,
    formats: Annotated[str, typer.Option(help="mixed / csv / xlsx")] = "mixed",
) -> None:
    """生成四个部门的示例导出文件及真值表 / Generate sample exports of the four agencies with a truth file."""
    from connectors.demo_exports import write_demo_exports

    manifest = write_demo_exports(outdir, cases, seed, formats=formats)
    console.print(f"{len(manifest.files)} 个文件，{manifest.total_rows} 行，"
                  f"线索 {manifest.total_leads} → {outdir}")


@export_app.command("cases")
def export_cases_cmd(
    out: Annotated[Path, typer.Option(help="输出 CSV 文件 / output CSV file")],
) -> None:
    """每条线索一行：来源、编号、案件、报告人、类型、地点、风险、调解员 /
    One row per lead with its case, risk and mediator."""
    from connectors.ledger import export_cases
    from connectors.store import open_resources

    n = export_cases(open_resources().engine, out)
    console.print(f"已导出 {n} 行 → {out}")


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        console.print(f"[red]配置错误 / configuration error[/red]: {exc}")
        sys.exit(2)
