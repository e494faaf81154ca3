"""``triage export cases``: one row per lead for other tools, English columns, no personal data.

The ``export`` receiver of the masking policy sees no name, phone, ID, address or
text, so the export carries none: record numbers, the pseudonymous person, the
case, its place, level and route.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from connectors.store.access import leads_frame, read_frame
from connectors.store.schema import Assignment, Case, CaseLink, Mediator

EXPORT_COLUMNS = ["source", "source_ref", "case_id", "person_id", "dispute_type", "town",
                  "village", "risk_level", "risk_score", "lead_mediator", "lead_mediator_name",
                  "route_status", "referred_to"]


def lead_table(engine: Engine) -> pd.DataFrame:
    """Every lead with its case, risk level and lead mediator."""
    leads = leads_frame(engine, ("id", "source", "source_ref", "dispute_type", "town", "village",
                                 "person_id"))
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
    """Write the export CSV; the number of rows written."""
    df = lead_table(engine)
    df["person_id"] = df["person_id"].map(lambda p: f"P{int(p):07d}" if pd.notna(p) else "")
    out.parent.mkdir(parents=True, exist_ok=True)
    df[EXPORT_COLUMNS].to_csv(out, index=False, encoding="utf-8")
    return len(df)
