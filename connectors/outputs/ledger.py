"""Share back (信息共享): per-agency ledgers, mediator work lists, the briefing, exports.

Every output is masked for its receiver by ``data/config/masking.toml``.
Column headers are in Chinese for people; the ``export cases`` CSV keeps
English names so that other tools can read it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import col

from connectors.store.access import leads_frame, read_frame, select_columns
from connectors.store.schema import Assignment, Case, CaseLink, Mediator, RiskAssessment
from triage.domain import ROUTE_STATUSES, SOURCE_LABELS, SOURCES
from triage.frames import records
from triage.masking import MaskingPolicy, mask_record

LEAD_HEADERS = {
    "case_id": "案件编号", "risk_level": "风险等级", "source": "来源部门",
    "source_ref": "原始编号", "reported_at": "报告时间", "reporter_name": "报告人",
    "reporter_phone": "联系电话", "reporter_id": "身份证号", "dispute_type": "纠纷类型",
    "town": "镇街", "village": "村/社区", "address": "地址", "description": "内容摘要",
}
CASE_HEADERS = {
    "case_id": "案件编号", "risk_level": "风险等级", "risk_score": "风险分",
    "dispute_type": "纠纷类型", "town": "镇街", "village": "村/社区", "lead_count": "线索数",
    "sources": "报告部门", "first_reported_at": "首次报告", "last_reported_at": "最近报告",
    "follow_up_by": "跟进时限", "mediator": "牵头调解员", "co_agencies": "共调单位",
    "signals": "风险信号及依据", "explanation": "风险说明",
    "route_status": "分派状态", "referred_to": "转办至", "reasons": "分派理由", "status": "状态",
}
LEVEL_ORDER = {"红": 0, "橙": 1, "黄": 2, "蓝": 3}
EXPORT_COLUMNS = ["source", "source_ref", "case_id", "person_id", "dispute_type", "town",
                  "village", "risk_level", "risk_score", "lead_mediator", "lead_mediator_name",
                  "route_status", "referred_to"]


def case_table(engine: Engine, mediators: pd.DataFrame) -> pd.DataFrame:
    """One row per open case with risk, signals, assignment and reporting agencies."""
    cases = read_frame(engine, select_columns(
        Case, "id", "status", "dispute_type", "town", "village", "lead_count", "sources",
        "first_reported_at", "last_reported_at", "risk_level", "risk_score",
    ).where(col(Case.status) == "open"))
    risk = read_frame(engine, select(RiskAssessment.case_id, RiskAssessment.signals,  # type: ignore[call-overload]
                                     RiskAssessment.explanation, RiskAssessment.follow_up_by)
                      .where(RiskAssessment.is_current == True))  # noqa: E712
    assign = read_frame(engine, select(  # type: ignore[call-overload]
        Assignment.case_id, Assignment.mediator_id, Assignment.co_agencies, Assignment.reasons,
        Assignment.route_status, Assignment.referred_to)
        .where(Assignment.is_current == True))  # noqa: E712
    df = cases.rename(columns={"id": "case_id"})
    df = df.merge(risk, on="case_id", how="left").merge(assign, on="case_id", how="left")
    names = dict(zip(mediators["id"], mediators["name"], strict=True)) if not mediators.empty \
        else {}
    df["mediator"] = [names.get(m, m) if isinstance(m, str) else
                      f"转办 {r}" if st == "referred" else "待人工指派"
                      for m, st, r in zip(df["mediator_id"], df["route_status"], df["referred_to"],
                                          strict=True)]
    df["route_status"] = df["route_status"].map(lambda v: ROUTE_STATUSES.get(v, "") if isinstance(v, str) else "")
    df["referred_to"] = df["referred_to"].map(lambda v: v if isinstance(v, str) else "")
    df["signals"] = df["signals"].map(_signals_text)
    df["co_agencies"] = df["co_agencies"].map(lambda v: "、".join(v) if isinstance(v, list) else "")
    df["reasons"] = df["reasons"].map(lambda v: "；".join(v) if isinstance(v, list) else "")
    df["sources"] = df["sources"].map(
        lambda v: "、".join(SOURCE_LABELS.get(str(s), str(s)) for s in v) if isinstance(v, list) else "")
    df["_order"] = df["risk_level"].map(LEVEL_ORDER).fillna(9)
    return df.sort_values(["_order", "risk_score", "case_id"],
                          ascending=[True, False, True]).drop(columns="_order")


def _signals_text(signals: Any) -> str:
    if not isinstance(signals, list):
        return ""
    parts = []
    for s in signals:
        words = "、".join(dict.fromkeys(e.get("words", "") for e in s.get("evidence", [])))
        parts.append(f"{s['signal']}（{words}）" if words else s["signal"])
    return "；".join(parts)


def lead_table(engine: Engine) -> pd.DataFrame:
    """Every lead with its case, risk level and lead mediator."""
    leads = leads_frame(engine, ("id", "source", "source_ref", "reported_at", "reporter_name",
                                 "reporter_phone", "reporter_id", "dispute_type", "town",
                                 "village", "address", "description", "person_id"))
    links = read_frame(engine, select(CaseLink.lead_id, CaseLink.case_id))  # type: ignore[call-overload]
    cases = read_frame(engine, select(Case.id, Case.risk_level, Case.risk_score))  # type: ignore[call-overload]
    assign = read_frame(engine, select(Assignment.case_id, Assignment.mediator_id,  # type: ignore[call-overload]
                                       Assignment.route_status, Assignment.referred_to)
                        .where(Assignment.is_current == True))  # noqa: E712
    med = read_frame(engine, select(Mediator.id, Mediator.name))  # type: ignore[call-overload]
    df = leads.merge(links, left_on="id", right_on="lead_id", how="left")
    df = df.merge(cases.rename(columns={"id": "case_id"}), on="case_id", how="left")
    df = df.merge(assign, on="case_id", how="left")
    df = df.merge(med.rename(columns={"id": "mediator_id", "name": "lead_mediator_name"}),
                  on="mediator_id", how="left")
    return df.rename(columns={"mediator_id": "lead_mediator"})


def export_cases(engine: Engine, out: Path) -> int:
    """``triage export cases``: one row per lead, English columns, no personal data."""
    df = lead_table(engine)
    df["person_id"] = df["person_id"].map(lambda p: f"P{int(p):07d}" if pd.notna(p) else "")
    out.parent.mkdir(parents=True, exist_ok=True)
    df[EXPORT_COLUMNS].to_csv(out, index=False, encoding="utf-8")
    return len(df)


def _masked(df: pd.DataFrame, masking: MaskingPolicy, receiver: str) -> pd.DataFrame:
    policy = masking.for_receiver(receiver)
    return pd.DataFrame([mask_record(r, policy) for r in records(df)],
                        columns=df.columns)


def _write_sheets(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    # strings_to_formulas off: a lead's text starting with "=" stays text, never a formula.
    with pd.ExcelWriter(tmp, engine="xlsxwriter", datetime_format="yyyy-mm-dd hh:mm",
                        engine_kwargs={"options": {"strings_to_formulas": False}}) as xw:
        for name, frame in sheets.items():
            frame.to_excel(xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            ws.freeze_panes(1, 0)
            for i, col in enumerate(frame.columns):
                width = 12 if col not in ("内容摘要", "风险信号及依据", "分派理由") else 50
                ws.set_column(i, i, width)
    tmp.replace(path)


def _lead_sheet(leads: pd.DataFrame) -> pd.DataFrame:
    out = leads.assign(source=leads["source"].map(lambda s: SOURCE_LABELS.get(s, s)))
    return out[list(LEAD_HEADERS)].rename(columns=LEAD_HEADERS)


def write_outputs(
    engine: Engine, outdir: Path, masking: MaskingPolicy, mediators: pd.DataFrame,
    summary: dict[str, Any],
) -> list[Path]:
    """All share-back workbooks for today, each masked for its receiver."""
    day = datetime.now().strftime("%Y%m%d")
    folder = outdir / day
    cases = case_table(engine, mediators)
    leads = lead_table(engine)
    # ledgers are working lists: the leads of open cases (closed ones stay in the store)
    leads = leads[leads["case_id"].isin(set(cases["case_id"]))].sort_values(["case_id", "reported_at"])
    def case_sheet(receiver: str, rows: pd.DataFrame = cases) -> pd.DataFrame:
        """The case rows for one receiver: risk evidence quotes descriptions, so it is
        masked as they are."""
        return _masked(rows, masking, receiver)[list(CASE_HEADERS)].rename(columns=CASE_HEADERS)

    written = []
    for source in SOURCES:
        label = SOURCE_LABELS[source]
        own = leads[leads["source"] == source]
        touched = set(own["case_id"].dropna())
        path = folder / f"台账_{label}_{day}.xlsx"
        _write_sheets(path, {
            "全部案件": case_sheet(source),
            "本部门线索": _lead_sheet(_masked(own, masking, source)),
            "相关案件线索": _lead_sheet(_masked(leads[leads["case_id"].isin(touched)], masking,
                                          source)),
        })
        written.append(path)
    path = folder / f"台账_司法所_{day}.xlsx"
    _write_sheets(path, {"全部案件": case_sheet("coordinator"),
                         "全部线索": _lead_sheet(_masked(leads, masking, "coordinator"))})
    written.append(path)
    for mid, mine in cases.dropna(subset=["mediator_id"]).groupby("mediator_id"):
        name = mine["mediator"].iloc[0]
        their_leads = _masked(leads[leads["case_id"].isin(set(mine["case_id"]))], masking,
                              "mediator")
        path = folder / "调解员工作清单" / f"工作清单_{name}_{mid}_{day}.xlsx"
        _write_sheets(path, {"我的案件": case_sheet("mediator", mine),
                             "案件线索": _lead_sheet(their_leads)})
        written.append(path)
    briefing = folder / f"每日简报_{day}.md"
    briefing.write_text(briefing_text(cases, summary), encoding="utf-8")
    written.append(briefing)
    return written


def briefing_text(cases: pd.DataFrame, summary: dict[str, Any]) -> str:
    """The night's briefing: counts and high-risk cases, no personal data."""
    lines = [f"# 矛盾纠纷排查简报 {datetime.now():%Y-%m-%d}", ""]
    ing = summary.get("ingest", {})
    if ing:
        lines += [
            f"- 收到文件 {len(ing.get('files', []))} 个（隔离 {ing.get('quarantined', 0)} 个，"
            f"重复 {ing.get('duplicates', 0)} 个）",
            f"- 数据行 {ing.get('rows_in', 0)}：新线索 {ing.get('leads_new', 0)}，"
            f"更正 {ing.get('leads_updated', 0)}，重复 {ing.get('leads_unchanged', 0)}，"
            f"拒收 {ing.get('rejected', 0)}",
        ]
    counts = cases["risk_level"].value_counts()
    lines.append(f"- 在办案件 {len(cases)}：" + "，".join(
        f"{lvl} {int(counts.get(lvl, 0))}" for lvl in ("红", "橙", "黄", "蓝")))
    high = cases[cases["risk_level"].isin(["红", "橙"])].head(30)
    if not high.empty:
        lines += ["", "## 红色、橙色案件", "", "| 案件 | 等级 | 类型 | 村/社区 | 牵头调解员 | 共调单位 | 信号 |",
                  "|---|---|---|---|---|---|---|"]
        for r in records(high):
            signals = "；".join(s.split("（")[0] for s in str(r["signals"]).split("；"))
            lines.append(f"| {r['case_id']} | {r['risk_level']} | {r['dispute_type']} | "
                         f"{r['village'] or r['town'] or ''} | {r['mediator']} | "
                         f"{r['co_agencies']} | {signals} |")
    return "\n".join(lines) + "\n"
