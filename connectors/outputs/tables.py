"""The rows every output shows, in words people read, and each receiver's masked copy.

The frames of :mod:`connectors.store.sharing` become rows with Chinese values
(部门, 分派状态, 信号及依据 …); :class:`Masker` then makes a copy fit for one
receiver through the masking policy. No output builds its rows another way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from connectors.outputs.names import NameFinder
from connectors.store.sharing import ShareInputs
from triage.domain import ROUTE_STATUSES, SOURCE_LABELS
from triage.frames import records
from triage.masking import DV_WITHHELD, MaskingPolicy, ReceiverPolicy, mask_record

LEVEL_ORDER = {"红": 0, "橙": 1, "黄": 2, "蓝": 3}
DELIVERY_STATUS = {"pending": "待发送", "failed": "发送失败", "no_channel": "未配置接收渠道"}
TASK_STATUS = {"open": "未完成", "done": "已完成"}
CASE_FIELDS = {"signals_text": "text", "explanation": "text"}
LEAD_FIELDS = {"reporter_name": "name", "reporter_phone": "phone", "reporter_id": "id_number",
               "address": "address", "description": "text", "disposition": "text"}


def _label(source: Any) -> str:
    return SOURCE_LABELS.get(str(source), str(source))


def _join(v: Any, sep: str = "、") -> str:
    return sep.join(str(x) for x in v) if isinstance(v, list) else ""


def _where(e: Mapping[str, Any]) -> str:
    """The agency and the day of one piece of evidence: 派出所 10-03."""
    return " ".join(str(x) for x in (e.get("source"), str(e.get("date") or "")[5:]) if x)


def _flagged(s: Mapping[str, Any], detail: list[str], sep: str) -> str:
    flag = "【红色预警】" if s.get("red_flag") else ""
    return f"{flag}{s['signal']}（{sep.join(detail)}）" if detail else f"{flag}{s['signal']}"


def signals_text(signals: Any) -> str:
    """Each signal with what it rests on: 扬言伤害/报复（派出所 10-03：“扬言要弄死他”）."""
    if not isinstance(signals, list):
        return ""
    parts = []
    for s in signals:
        quotes = []
        for e in s.get("evidence", [])[:3]:
            said = e.get("text") or str(e.get("words") or "").replace("=", "：")  # 家暴标记：是
            if said:
                quotes.append(f"{_where(e)}：“{said}”" if _where(e) else f"“{said}”")
        parts.append(_flagged(s, quotes, "；"))
    return "\n".join(parts)


def signals_where(signals: Any) -> str:
    """Each signal with where and when it was reported, without the words: 持械（派出所 10-03）.
    What a receiver who reads no descriptions is shown."""
    if not isinstance(signals, list):
        return ""
    return "\n".join(_flagged(s, [w for w in dict.fromkeys(_where(e) for e in s.get("evidence", [])[:3]) if w],
                               "、") for s in signals)


def signal_columns(signals: Any) -> dict[str, str]:
    """A case's signals as the outputs show them: with their quotes, with only where and when
    (for receivers who read no text), and their names alone (for domestic-violence cases)."""
    names = "、".join(dict.fromkeys(s["signal"] for s in signals)) if isinstance(signals, list) else ""
    return {"signals_text": signals_text(signals), "signals_where": signals_where(signals),
            "signal_names": names}


def case_rows(inputs: ShareInputs, at: datetime) -> pd.DataFrame:
    """One row per case of the outputs, most urgent first, in words."""
    df = inputs.cases.copy()
    tasks = inputs.tasks
    overdue = tasks[(tasks["status"] == "open") & (tasks["due_at"] < at)] if not tasks.empty \
        else tasks
    late = overdue.groupby("case_id").size() if not overdue.empty else pd.Series(dtype=int)
    df["overdue_tasks"] = df["case_id"].map(late).fillna(0).astype(int)
    df["sources_text"] = df["sources"].map(lambda v: "、".join(_label(s) for s in v)
                                           if isinstance(v, list) else "")
    shown = pd.DataFrame([signal_columns(v) for v in df["signals"]], index=df.index,
                         columns=["signals_text", "signals_where", "signal_names"])
    df[shown.columns] = shown
    df["co_agencies_text"] = df["co_agencies"].map(_join)
    df["reasons_text"] = df["reasons"].map(lambda v: _join(v, "；"))
    df["route_text"] = [
        "" if not isinstance(st, str) else
        f"已分派（{'已确认' if dec == 'confirmed' else '待确认'}）" if st == "assigned"
        else ROUTE_STATUSES.get(st, st)
        for st, dec in zip(df["route_status"], df["route_decision"], strict=True)]
    df["mediator_text"] = [
        n if isinstance(n, str) else f"转办 {r}" if st == "referred" else
        "待人工指派" if isinstance(st, str) else ""
        for n, st, r in zip(df["mediator_name"], df["route_status"], df["referred_to"], strict=True)]
    df["status_text"] = df["status"].map({"open": "在办", "closed": "已结案"}).fillna(df["status"])
    df["_order"] = df["risk_level"].map(LEVEL_ORDER).fillna(9)
    return df.sort_values(["_order", "risk_score", "case_id"],
                          ascending=[True, False, True]).drop(columns="_order")


def lead_rows(inputs: ShareInputs) -> pd.DataFrame:
    df = inputs.leads.copy()
    df["source_text"] = df["source"].map(_label)
    level = dict(zip(inputs.cases["case_id"], inputs.cases["risk_level"], strict=True))
    df["risk_level"] = df["case_id"].map(level)
    return df.sort_values(["case_id", "reported_at", "id"])


def task_rows(inputs: ShareInputs, at: datetime) -> pd.DataFrame:
    df = inputs.tasks.copy()
    if df.empty:
        return df.assign(status_text=[], overdue=[])
    df["status_text"] = df["status"].map(TASK_STATUS).fillna(df["status"])
    df["overdue"] = ["逾期" if s == "open" and d < at else "" for s, d in
                     zip(df["status"], df["due_at"], strict=True)]
    return df.sort_values(["status", "due_at"])


def review_rows(inputs: ShareInputs) -> pd.DataFrame:
    df = inputs.reviews.copy()
    if df.empty:
        return df
    df["source_a"] = df["source_a"].map(_label)
    df["source_b"] = df["source_b"].map(_label)
    df["chance"] = (df["score"] * 100).round(1)
    df["evidence_text"] = df["evidence"].map(lambda ev: "；".join(
        f"{e['label']} {e['level']}（{e['weight']:+.1f}）" for e in ev) if isinstance(ev, list) else "")
    return df.sort_values("score", ascending=False)


def alert_rows(inputs: ShareInputs) -> pd.DataFrame:
    df = inputs.undelivered.copy()
    df["status_text"] = df["status"].map(DELIVERY_STATUS).fillna(df["status"])
    return df.sort_values("created_at", ascending=False)


def rejected_rows(inputs: ShareInputs) -> pd.DataFrame:
    df = inputs.rejected.copy()
    df["source_text"] = df["source"].map(_label)
    return df


@dataclass
class Masker:
    """Masks rows for one receiver at a time; knows each case's people and which cases are
    about domestic violence (a lead flagged so, or a signal the policy names)."""

    policy: MaskingPolicy
    finder: NameFinder
    case_names: Mapping[str, tuple[str, ...]]
    dv_cases: frozenset[str]

    @classmethod
    def of(cls, inputs: ShareInputs, policy: MaskingPolicy, finder: NameFinder) -> Masker:
        return cls.for_frames(inputs.leads, inputs.cases, policy, finder)

    @classmethod
    def for_frames(cls, leads: pd.DataFrame, cases: pd.DataFrame, policy: MaskingPolicy,
                   finder: NameFinder) -> Masker:
        """From the leads (with ``case_id``) and the cases (with ``signals``) being shown."""
        names: dict[str, set[str]] = {}
        for cid, rn, rns, parties in zip(leads["case_id"], leads["reporter_name"],
                                         leads["reporter_names"], leads["parties"], strict=True):
            bucket = names.setdefault(cid, set())
            bucket.update(n for n in [rn, *(rns if isinstance(rns, list) else []),
                                      *(parties if isinstance(parties, list) else [])]
                          if isinstance(n, str) and len(n) >= 2 and "某" not in n)
        dv = set(leads.loc[leads["dv_flag"].fillna(False).astype(bool), "case_id"])
        wanted = set(policy.dv_signals)
        for cid, signals in zip(cases["case_id"], cases["signals"], strict=True):
            if isinstance(signals, list) and any(s.get("signal") in wanted for s in signals):
                dv.add(cid)
        return cls(policy, finder, {k: tuple(v) for k, v in names.items()}, frozenset(dv))

    def _names(self, case_id: Any, texts: Iterable[Any]) -> list[str]:
        out = list(self.case_names.get(case_id, ()))
        for t in texts:
            if isinstance(t, str) and t:
                out.extend(self.finder.find(t))
        return out

    def rows(self, df: pd.DataFrame, receiver: str, fields: Mapping[str, str],
             own_source: str | None = None) -> pd.DataFrame:
        """``df`` masked for ``receiver``; ``own_source``: the receiver's own agency."""
        policy = self.policy.for_receiver(receiver)
        if df.empty:
            return df
        if _sees_everything(policy):
            return df  # the judicial office: every field in full, nothing to mask
        text_cols = [c for c, k in fields.items() if k == "text" and c in df.columns]
        # names are looked for only in text the receiver reads with names masked
        needs_names = policy.text != "absent" and (policy.name != "full" or policy.text == "masked")
        out = []
        for r in records(df):
            own = own_source is not None and r.get("source") == own_source
            names = self._names(r.get("case_id"), (r.get(c) for c in text_cols)) \
                if needs_names and not own else []
            dv = r.get("case_id") in self.dv_cases
            row = mask_record(r, policy, fields, names=names, own=own, dv=dv)
            if "signals_text" in row and policy.text == "absent" and r.get("signals_where"):
                row["signals_text"] = r["signals_where"]  # no descriptions read: signals, where, when
            if dv and not policy.dv_details and r.get("signal_names") and "signals_text" in row:
                row["signals_text"] = f"{r['signal_names']}{DV_WITHHELD}"  # the names, no words
            out.append(row)
        return pd.DataFrame(out, columns=df.columns, index=df.index)


def _sees_everything(policy: ReceiverPolicy) -> bool:
    return (policy.dv_details and policy.text == "full"
            and all(policy.visibility(k) == "full" for k in ("name", "phone", "id_number", "address", "plate")))
