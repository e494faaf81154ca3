"""What the scoring stage reads from and writes to the store: leads by case, assessments,
alerts, and a coordinator's override."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from connectors.store.access import LEAD_COLUMNS, leads_frame, read_frame, select_columns
from connectors.store.schema import Alert, Case, CaseLink, RiskAssessment
from triage.frames import records

CARRIED = ("level", "computed_level", "override_level", "override_by", "override_reason",
           "override_at", "override_from", "level_since", "signals")


def scoring_inputs(engine: Engine) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """Every linked lead with its ``case_id``, and each case's current assessment by case."""
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id"))
    if links.empty:
        return pd.DataFrame(), {}
    leads = leads_frame(engine, (*LEAD_COLUMNS, "extra")).merge(links, left_on="id", right_on="lead_id")
    current = read_frame(engine, select_columns(RiskAssessment, "case_id", *CARRIED)
                         .where(col(RiskAssessment.is_current).is_(True)))
    return leads, {r["case_id"]: _plain(r) for r in records(current)}


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    """A frame row with pandas' missing values (NaN, NaT) as None and timestamps as datetimes."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if v is None or (not isinstance(v, (str, list, dict)) and pd.isna(v)):
            out[k] = None
        elif isinstance(v, pd.Timestamp):
            out[k] = v.to_pydatetime()
        else:
            out[k] = v
    return out


def current_assessment(engine: Engine, case_id: str) -> dict[str, Any] | None:
    """A case's current assessment record, or None when it has none."""
    with Session(engine) as s:
        row = s.exec(select(RiskAssessment).where(RiskAssessment.case_id == case_id)
                     .where(col(RiskAssessment.is_current).is_(True))).first()
        return None if row is None else row.model_dump()


def save_assessments(engine: Engine, rows: Sequence[Mapping[str, Any]],
                     alerts: Sequence[Mapping[str, Any]], *, only_cases: bool = False) -> None:
    """Make ``rows`` the current assessments (earlier ones kept as history), set each case's
    level, and store the alerts; one transaction. With ``only_cases`` only the rows' cases
    lose their current assessment (an override of one case)."""
    with Session(engine) as s, s.begin():
        stale = update(RiskAssessment).where(col(RiskAssessment.is_current).is_(True))
        if only_cases:
            stale = stale.where(col(RiskAssessment.case_id).in_([r["case_id"] for r in rows]))
        s.execute(stale.values(is_current=False))
        s.execute(RiskAssessment.__table__.insert(), list(rows))  # type: ignore[attr-defined]
        for r in rows:
            s.execute(update(Case).where(col(Case.id) == r["case_id"]).values(
                risk_level=r["level"], risk_score=r["score"]))
        if alerts:
            s.execute(Alert.__table__.insert(), list(alerts))  # type: ignore[attr-defined]
