"""What the scoring stage reads from and writes to the store: leads by case, assessments, alerts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from connectors.store.access import leads_frame, read_frame, select_columns
from connectors.store.schema import Alert, Case, CaseLink, RiskAssessment
from triage.frames import records


def scoring_inputs(engine: Engine) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """Every linked lead with its ``case_id``, and each case's current assessment by case."""
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id"))
    if links.empty:
        return pd.DataFrame(), {}
    leads = leads_frame(engine).merge(links, left_on="id", right_on="lead_id")
    current = read_frame(engine, select_columns(
        RiskAssessment, "case_id", "level", "override_level", "override_by", "override_reason",
    ).where(col(RiskAssessment.is_current).is_(True)))
    return leads, {r["case_id"]: r for r in records(current)}


def save_assessments(engine: Engine, rows: Sequence[Mapping[str, Any]],
                     alerts: Sequence[Mapping[str, Any]]) -> None:
    """Make ``rows`` the current assessments (earlier ones kept as history), set each case's
    level, and store the alerts; one transaction."""
    with Session(engine) as s, s.begin():
        s.execute(update(RiskAssessment).where(col(RiskAssessment.is_current).is_(True))
                  .values(is_current=False))
        s.execute(RiskAssessment.__table__.insert(), list(rows))  # type: ignore[attr-defined]
        for r in rows:
            s.execute(update(Case).where(col(Case.id) == r["case_id"]).values(
                risk_level=r["level"], risk_score=r["score"]))
        if alerts:
            s.execute(Alert.__table__.insert(), list(alerts))  # type: ignore[attr-defined]
