"""The workbooks of a run: the judicial office's ledger, one per agency, the mediators' lists.

Each is written for its receiver through :class:`~connectors.outputs.tables.Masker`;
a column the receiver may not see at all is left out, header and all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from connectors.outputs.tables import CASE_FIELDS, LEAD_FIELDS, Masker
from connectors.outputs.workbook import Column, Sheet, write_workbook
from triage.domain import SOURCE_LABELS
from triage.masking import MaskingPolicy
from triage.routing.config import MediatorSpec

CASE_COLUMNS = (
    Column("case_id", "案件编号"), Column("risk_level", "风险等级", "level"),
    Column("risk_score", "风险分", "number"), Column("dispute_type", "纠纷类型"),
    Column("town", "镇街"), Column("village", "村/社区"), Column("lead_count", "线索数", "number"),
    Column("sources_text", "报告部门"), Column("first_reported_at", "首次报告", "datetime"),
    Column("last_reported_at", "最近报告", "datetime"),
    Column("signals_text", "风险信号及依据", "wrap"), Column("explanation", "风险说明", "wrap"),
    Column("route_text", "分派状态"), Column("mediator_text", "牵头调解员"),
    Column("mediator_org", "调解组织"), Column("co_agencies_text", "共调单位"),
    Column("reasons_text", "分派理由", "wrap"), Column("follow_up_by", "跟进时限", "datetime"),
    Column("overdue_tasks", "逾期跟进任务", "number"), Column("status_text", "状态"),
    Column("outcome", "结案结果"),
)
LEAD_COLUMNS = (
    Column("case_id", "案件编号"), Column("risk_level", "风险等级", "level"),
    Column("source_text", "来源部门"), Column("source_ref", "原始编号"),
    Column("reported_at", "报告时间", "datetime"), Column("reporter_name", "报告人"),
    Column("reporter_phone", "联系电话"), Column("reporter_id", "身份证号"),
    Column("dispute_type", "纠纷类型"), Column("town", "镇街"), Column("village", "村/社区"),
    Column("address", "地址", "wrap"), Column("description", "内容摘要", "wrap"),
    Column("disposition", "处理结果", "wrap"),
)
TASK_COLUMNS = (
    Column("case_id", "案件编号"), Column("level", "风险等级", "level"), Column("kind", "跟进任务"),
    Column("due_at", "时限", "datetime"), Column("overdue", "是否逾期"),
    Column("status_text", "状态"), Column("done_at", "完成时间", "datetime"),
    Column("done_by", "完成人"), Column("note", "备注", "wrap"),
)
REVIEW_COLUMNS = (
    Column("case_a", "案件编号（甲）"), Column("source_a", "来源部门（甲）"),
    Column("ref_a", "原始编号（甲）"), Column("case_b", "案件编号（乙）"),
    Column("source_b", "来源部门（乙）"), Column("ref_b", "原始编号（乙）"),
    Column("chance", "同一纠纷的把握（%）", "number"), Column("evidence_text", "依据", "wrap"),
)
ALERT_COLUMNS = (
    Column("case_id", "案件编号"), Column("level", "风险等级", "level"), Column("kind", "告警"),
    Column("created_at", "告警时间", "datetime"), Column("receiver", "接收方"),
    Column("status_text", "状态"), Column("attempts", "已尝试次数", "number"),
    Column("last_error", "最近一次错误", "wrap"),
)
REJECTED_COLUMNS = (
    Column("source_text", "来源部门"), Column("name", "文件"), Column("row_number", "行号", "number"),
    Column("column", "列"), Column("reason", "原因", "wrap"),
)
WORKLIST_COLUMNS = (*CASE_COLUMNS[:6], Column("leads_text", "各部门线索", "wrap"),
                    CASE_COLUMNS[10], CASE_COLUMNS[15], CASE_COLUMNS[17], CASE_COLUMNS[18],
                    Column("tasks_text", "跟进任务", "wrap"))
_FIELD_OF = {"reporter_name": "name", "reporter_phone": "phone", "reporter_id": "id_number",
             "address": "address"}


def _visible(columns: Sequence[Column], masking: MaskingPolicy, receiver: str,
             own: bool = False) -> list[Column]:
    """The columns the receiver may see: a field ``absent`` for them is left out entirely."""
    policy = masking.for_receiver(receiver)
    if own and policy.own_records:
        return list(columns)
    out = []
    for c in columns:
        kind = _FIELD_OF.get(c.key) or ("text" if c.key in LEAD_FIELDS or c.key in CASE_FIELDS
                                        else None)
        # the signals column stays: a receiver who reads no text gets them without the words
        if kind is None or c.key == "signals_text" or policy.visibility(kind) != "absent":
            out.append(c)
    return out


def _level_note(cases: pd.DataFrame, what: str) -> str:
    counts = cases["risk_level"].value_counts()
    levels = "，".join(f"{lvl} {int(counts.get(lvl, 0))}" for lvl in ("红", "橙", "黄", "蓝"))
    return f"{what} {len(cases)} 个（{levels}）"


def judicial_ledger(path: Path, masker: Masker, cases: pd.DataFrame, leads: pd.DataFrame,
                    tasks: pd.DataFrame, reviews: pd.DataFrame, alerts: pd.DataFrame,
                    rejected: pd.DataFrame, stamp: str) -> Path:
    """司法所台账: every case with its leads, tasks, the review list, referrals, alerts, rejects."""
    m, r = masker.policy, "judicial_office"
    masked = masker.rows(cases, r, CASE_FIELDS)
    referred = masked[masked["route_status"] == "referred"]
    unroutable = masked[masked["route_status"] == "unroutable"]
    return write_workbook(path, [
        Sheet("案件", masked, _visible(CASE_COLUMNS, m, r), f"{_level_note(cases, '案件')}。{stamp}"),
        Sheet("线索", masker.rows(leads, r, LEAD_FIELDS), _visible(LEAD_COLUMNS, m, r),
              f"在办案件的全部线索 {len(leads)} 条。{stamp}"),
        Sheet("跟进任务", tasks, TASK_COLUMNS,
              f"跟进任务 {len(tasks)} 个，其中逾期 {int((tasks['overdue'] == '逾期').sum())} 个"),
        Sheet("待确认关联", reviews, REVIEW_COLUMNS,
              f"可能是同一纠纷、需要人工确认的线索 {len(reviews)} 对（triage review 或工作台处理）"),
        Sheet("转办", referred, _visible(CASE_COLUMNS, m, r), f"转办其他镇街 {len(referred)} 个"),
        Sheet("待人工指派", unroutable, _visible(CASE_COLUMNS, m, r),
              f"无法自动分派的案件 {len(unroutable)} 个，理由见“分派理由”"),
        Sheet("未送达告警", alerts, ALERT_COLUMNS, f"未送达的告警 {len(alerts)} 条"),
        Sheet("拒收行", rejected, REJECTED_COLUMNS,
              f"本次导入无法识别的数据行 {len(rejected)} 行（已退回各部门核对）"),
    ])


def agency_ledger(path: Path, masker: Masker, source: str, cases: pd.DataFrame,
                  leads: pd.DataFrame, rejected: pd.DataFrame, stamp: str) -> Path:
    """One agency's ledger: the cases it takes part in (a lead of its own, or named co-agency),
    its own leads as it wrote them, the other agencies' leads masked, and its rejected rows."""
    label = SOURCE_LABELS[source]
    mine = set(leads.loc[leads["source"] == source, "case_id"])
    co = {cid for cid, agencies in zip(cases["case_id"], cases["co_agencies"], strict=True)
          if isinstance(agencies, list) and label in agencies}
    ids = mine | co
    their_cases = cases[cases["case_id"].isin(ids)]
    case_leads = leads[leads["case_id"].isin(ids)]
    own = case_leads[case_leads["source"] == source]
    others = case_leads[case_leads["source"] != source]
    m = masker.policy
    return write_workbook(path, [
        Sheet("案件", masker.rows(their_cases, source, CASE_FIELDS), _visible(CASE_COLUMNS, m, source),
              f"{label}报送或参与共调的{_level_note(their_cases, '案件')}。{stamp}"),
        Sheet("本部门线索", own, LEAD_COLUMNS, f"{label}报送的线索 {len(own)} 条（原样）"),
        Sheet("相关线索", masker.rows(others, source, LEAD_FIELDS, own_source=source),
              _visible(LEAD_COLUMNS, m, source), f"同一案件中其他部门的线索 {len(others)} 条（按规定脱敏）"),
        Sheet("拒收行", rejected[rejected["source"] == source], REJECTED_COLUMNS,
              f"{label}报送文件中无法识别的数据行 {int((rejected['source'] == source).sum())} 行，请核对后重报"),
    ])


def _leads_text(leads: pd.DataFrame) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for cid, src, at, name, phone, desc in zip(
            leads["case_id"], leads["source_text"], leads["reported_at"], leads["reporter_name"],
            leads["reporter_phone"], leads["description"], strict=True):
        when = at.strftime("%m-%d") if isinstance(at, datetime | pd.Timestamp) and not pd.isna(at) else ""
        who = "，".join(str(x) for x in (name, phone) if isinstance(x, str) and x)
        out.setdefault(cid, []).append(f"{src} {when} {who}：{desc or ''}".strip())
    return {k: "\n".join(v) for k, v in out.items()}


def _tasks_text(tasks: pd.DataFrame) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for cid, kind, due, status, late in zip(tasks["case_id"], tasks["kind"], tasks["due_at"],
                                            tasks["status"], tasks["overdue"], strict=True):
        if status == "open":
            out.setdefault(cid, []).append(f"{kind}（{pd.Timestamp(due):%m-%d %H:%M}前{'，已逾期' if late else ''}）")
    return {k: "\n".join(v) for k, v in out.items()}


def worklists(folder: Path, masker: Masker, roster: Sequence[MediatorSpec], cases: pd.DataFrame,
              leads: pd.DataFrame, tasks: pd.DataFrame, suffix: str) -> list[Path]:
    """派单: per organization a workbook with a sheet per mediator, one per mediator, or a named
    workbook for several organizations, as the roster's ``worklist`` column says. Rows are cases,
    with every agency's lead in one cell."""
    assigned = cases[cases["mediator_id"].notna() & (cases["route_status"] == "assigned")]
    if assigned.empty:
        return []
    masked_leads = masker.rows(leads[leads["case_id"].isin(set(assigned["case_id"]))],
                               "mediator", LEAD_FIELDS)
    rows = masker.rows(assigned, "mediator", CASE_FIELDS).copy()
    rows["leads_text"] = rows["case_id"].map(_leads_text(masked_leads)).fillna("")
    rows["tasks_text"] = rows["case_id"].map(_tasks_text(tasks)).fillna("") if not tasks.empty else ""
    by_mediator = {str(mid): g for mid, g in rows.groupby("mediator_id", sort=True)}
    spec = {m.mediator_id: m for m in roster}
    books: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for mid, g in by_mediator.items():
        s = spec.get(mid)
        name = str(g["mediator_name"].iloc[0])
        org = (s.organization if s and s.organization else "未注明单位")
        choice = s.worklist if s else "organization"
        key = org if choice == "organization" else f"{org}_{name}_{mid}" if choice == "mediator" \
            else choice
        books.setdefault(key, []).append((f"{name}_{mid}", g))
    written = []
    for key, sheets in sorted(books.items()):
        used: set[str] = set()
        out = []
        for title, g in sheets:
            sheet = re.sub(r"[\[\]:*?/\\]", "", title)[:31]
            while sheet in used:
                sheet = sheet[:28] + f"~{len(used)}"
            used.add(sheet)
            out.append(Sheet(sheet, g, WORKLIST_COLUMNS, _level_note(g, f"{title.split('_')[0]} 的在办案件")))
        safe = re.sub(r'[\\/:*?"<>|]', "_", key)
        written.append(write_workbook(folder / "调解员派单" / f"派单_{safe}_{suffix}.xlsx", out))
    return written

