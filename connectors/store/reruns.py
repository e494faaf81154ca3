"""What a rerun reads: the cases of a date range and agencies, and every open case's level
and route (a dry run compares them before and after)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import col

from connectors.store.access import read_frame, select_columns
from connectors.store.schema import Assignment, Case, CaseLink, Lead


def cases_in_range(engine: Engine, start: date | None, end: date | None,
                   sources: Sequence[str] | None) -> set[str]:
    """Open cases with a lead of these agencies reported within the range (days inclusive)."""
    leads = read_frame(engine, select_columns(Lead, "id", "source", "reported_at"))
    if sources:
        leads = leads[leads["source"].isin(list(sources))]
    at = pd.to_datetime(leads["reported_at"])
    keep = pd.Series(True, index=leads.index)  # no range: every lead, undated ones too
    if start is not None:
        keep &= at >= pd.Timestamp(datetime.combine(start, time.min))
    if end is not None:
        keep &= at <= pd.Timestamp(datetime.combine(end, time.max))
    leads = leads[keep]
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id"))
    open_ids = set(read_frame(engine, select_columns(Case, "id").where(
        col(Case.status) == "open"))["id"])
    chosen = links[links["lead_id"].isin(set(leads["id"]))]
    return set(chosen["case_id"]) & open_ids


def levels_and_routes(engine: Engine) -> pd.DataFrame:
    """Each open case's level and current route, by case id."""
    cases = read_frame(engine, select_columns(Case, "id", "risk_level").where(
        col(Case.status) == "open"))
    routes = read_frame(engine, select(Assignment.case_id, Assignment.mediator_id,  # type: ignore[call-overload]
                                           Assignment.route_status).where(
        col(Assignment.is_current).is_(True)))
    return cases.merge(routes, left_on="id", right_on="case_id", how="left").set_index("id")
