"""A run's share-back outputs, in the run's own folder, and the day's briefing.

``outputs/<日期>/运行<N>/``: the judicial office's ledger, one ledger per agency,
the mediators' work lists. ``outputs/<日期>/研判简报_<日期>.html`` covers every run
of the day and is written again by each run. A run that received nothing writes
no ledgers: the last set still stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

import pandas as pd
from sqlalchemy import Engine

from connectors.outputs import briefing as bf
from connectors.outputs.ledgers import agency_ledger, judicial_ledger, worklists
from connectors.outputs.names import NameFinder
from connectors.outputs.tables import (
    CASE_FIELDS,
    Masker,
    alert_rows,
    case_rows,
    lead_rows,
    rejected_rows,
    review_rows,
    task_rows,
)
from connectors.store.sharing import ShareInputs, intake, new_cases, share_inputs
from triage.domain import SOURCE_LABELS, SOURCES
from triage.masking import MaskingPolicy
from triage.routing.config import MediatorSpec

RUN_KINDS = {"nightly": "夜间", "rerun": "重跑", "watch": "即时", "demo": "演示", "manual": "手动",
             "relearn": "重学"}


@dataclass(frozen=True)
class ShareSetup:
    """What the outputs need besides the store: the policy, the roster, the name finder."""

    masking: MaskingPolicy
    roster: Sequence[MediatorSpec]
    finder: NameFinder


def run_folder(root: Path, day: datetime, run_id: int) -> Path:
    return root / f"{day:%Y-%m-%d}" / f"运行{run_id}"


def briefing_path(root: Path, day: datetime) -> Path:
    return root / f"{day:%Y-%m-%d}" / f"研判简报_{day:%Y-%m-%d}.html"


def write_run_outputs(engine: Engine, root: Path, setup: ShareSetup, run_id: int, day: datetime,
                      at: datetime | None = None, ledgers: bool = True) -> list[Path]:
    """The run's ledgers and work lists (when ``ledgers``), then the day's briefing."""
    at = at or datetime.now()
    inputs = share_inputs(engine, [run_id], day)
    masker = Masker.of(inputs, setup.masking, setup.finder)
    cases, leads, tasks = case_rows(inputs, at), lead_rows(inputs), task_rows(inputs, at)
    written: list[Path] = []
    if ledgers:
        folder = run_folder(root, day, run_id)
        suffix = f"{day:%Y%m%d}_运行{run_id}"
        stamp = f"运行 {run_id}，生成于 {at:%Y-%m-%d %H:%M}"
        rejected = rejected_rows(inputs)
        # two at a time: the workbook writer releases the GIL while it assembles and deflates
        # a workbook, so one ledger is compressed while the next is masked
        with ThreadPoolExecutor(2, thread_name_prefix="ledger") as pool:
            books = [pool.submit(judicial_ledger, folder / f"司法所台账_{suffix}.xlsx", masker, cases,
                                 leads, tasks, review_rows(inputs), alert_rows(inputs), rejected, stamp)]
            books += [pool.submit(agency_ledger, folder / f"{SOURCE_LABELS[source]}台账_{suffix}.xlsx",
                                  masker, source, cases, leads, rejected, stamp) for source in SOURCES]
            lists = pool.submit(worklists, folder, masker, setup.roster, cases, leads, tasks, suffix)
            written += [b.result() for b in books] + lists.result()
    page = briefing_path(root, day)
    ledger_name = next((p.name for p in written if p.name.startswith("司法所台账")), "司法所台账")
    page.parent.mkdir(parents=True, exist_ok=True)
    tmp = page.with_name(f".{page.name}.tmp")
    tmp.write_text(bf.render(build_briefing(engine, inputs, masker, cases, tasks, day, at,
                                            ledger_name, [p.name for p in written])), "utf-8")
    tmp.replace(page)
    return [*written, page]


def _intake_rows(engine: Engine, run_ids: list[int]) -> list[dict[str, object]]:
    df = intake(engine, run_ids)
    rows = []
    for source in SOURCES:
        g = df[df["source"] == source]
        rows.append({"部门": SOURCE_LABELS[source], "文件": len(g), "数据行": int(g["rows_in"].sum()),
                     "新线索": int(g["leads_new"].sum()), "更正": int(g["leads_updated"].sum()),
                     "重复": int(g["leads_unchanged"].sum()), "拒收": int(g["rejected"].sum())})
    return rows


def _villages(cases: pd.DataFrame) -> list[dict[str, object]]:
    """Per town, its villages with open cases as tiles: the worst level colours the tile."""
    open_ = cases[cases["status"] == "open"]
    if open_.empty:
        return []
    table = (open_.assign(town=open_["town"].fillna("未定位"), village=open_["village"].fillna("未定位"))
             .pivot_table(index=["town", "village"], columns="risk_level", values="case_id",
                          aggfunc="count", fill_value=0))
    for lvl in bf.LEVELS:
        if lvl not in table.columns:
            table[lvl] = 0
    table = table.sort_values(["红", "橙", "黄", "蓝"], ascending=False)
    towns: dict[str, list[dict[str, object]]] = {}
    for key, r in table.iterrows():
        town, village = cast(tuple[str, str], key)
        worst = next(lvl for lvl in [*bf.LEVELS, "蓝"] if lvl == "蓝" or int(r[lvl]))
        towns.setdefault(str(town), []).append(
            {"村/社区": village, "worst": worst, **{lvl: int(r[lvl]) for lvl in bf.LEVELS}})
    order = sorted(towns, key=lambda t: (-sum(int(v["红"]) for v in towns[t]),  # type: ignore[call-overload]
                                         -sum(int(v["橙"]) for v in towns[t]), t))  # type: ignore[call-overload]
    return [{"镇街": t, "villages": towns[t]} for t in order]


def build_briefing(engine: Engine, inputs: ShareInputs, masker: Masker, cases: pd.DataFrame,
                   tasks: pd.DataFrame, day: datetime, at: datetime, ledger: str,
                   files: list[str]) -> bf.Briefing:
    """The page's content, masked for the ``briefing`` receiver."""
    runs = inputs.runs
    run_ids = [int(r) for r in runs["id"]] if not runs.empty else []
    open_ = cases[cases["status"] == "open"]
    shown = masker.rows(open_[open_["risk_level"].isin(["红", "橙"])], "briefing", CASE_FIELDS)
    where = f"{ledger}“案件”表"
    created = new_cases(engine, day)
    high = bf.listed(shown, {"case_id": "案件编号", "risk_level": "等级", "dispute_type": "类型",
                             "town": "镇街", "village": "村/社区", "sources_text": "报告部门",
                             "signals_text": "风险信号及依据", "mediator_text": "牵头调解员",
                             "co_agencies_text": "共调单位", "follow_up_by": "跟进时限"}, where)
    brief_cols = {"case_id": "案件编号", "risk_level": "等级", "dispute_type": "类型",
                  "village": "村/社区", "reasons_text": "原因"}
    overdue = tasks[tasks["overdue"] == "逾期"] if not tasks.empty else tasks
    fair = bf.fairness(inputs.trend)
    return bf.Briefing(
        day=day, generated_at=at,
        runs=[{"时间": pd.Timestamp(t).strftime("%H:%M"), "类型": RUN_KINDS.get(str(k), str(k))}
              for t, k in zip(runs.get("started_at", []), runs.get("kind", []), strict=True)],
        intake=_intake_rows(engine, run_ids),
        level_counts={str(k): int(v) for k, v in open_["risk_level"].value_counts().items()},
        new_cases={str(k): int(v) for k, v in created["risk_level"].value_counts().items()},
        villages=_villages(cases),
        high=high,
        unroutable=bf.listed(open_[open_["route_status"] == "unroutable"], brief_cols,
                             f"{ledger}“待人工指派”表"),
        referred=bf.listed(open_[open_["route_status"] == "referred"],
                           {**brief_cols, "referred_to": "转办至"}, f"{ledger}“转办”表"),
        overdue=bf.listed(overdue, {"case_id": "案件编号", "level": "等级", "kind": "任务",
                                    "due_at": "时限"}, f"{ledger}“跟进任务”表"),
        undelivered=bf.listed(alert_rows(inputs), {"case_id": "案件编号", "level": "等级",
                                                   "kind": "告警", "receiver": "接收方",
                                                   "status_text": "状态"}, f"{ledger}“未送达告警”表"),
        reviews=len(inputs.reviews),
        fairness=fair, charts=bf.charts(inputs.trend, fair), files=files,
    )
