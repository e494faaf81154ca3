"""What the share-back outputs read from the store, as plain frames (one query per table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Engine, func, select
from sqlmodel import col

from connectors.store.access import read_frame, select_columns
from connectors.store.schema import (
    Alert,
    AlertDelivery,
    Assignment,
    Case,
    CaseLink,
    FollowUpTask,
    Lead,
    LinkReview,
    Mediator,
    RejectedRow,
    RiskAssessment,
    Run,
    SourceFile,
)

LEAD_FIELDS = ("id", "source", "source_ref", "reported_at", "reporter_name", "reporter_names",
               "reporter_phone", "phones", "reporter_id", "reporter_sex", "dispute_type", "town",
               "village", "address", "description", "disposition", "parties", "dv_flag")


@dataclass(frozen=True)
class ShareInputs:
    """Everything one run's outputs are made of."""

    cases: pd.DataFrame  # open cases with risk, route and mediator
    leads: pd.DataFrame  # the leads of those cases
    tasks: pd.DataFrame  # their follow-up tasks
    reviews: pd.DataFrame  # uncertain pairs, with case numbers and agency record numbers
    undelivered: pd.DataFrame  # alerts that did not arrive
    rejected: pd.DataFrame  # the rows the run's files could not turn into leads
    trend: pd.DataFrame  # leads of the last weeks, with their case's level (the briefing)
    runs: pd.DataFrame  # the day's runs, with their counts


def _current(model: type[Assignment] | type[RiskAssessment]) -> ColumnElement[bool]:
    return col(model.is_current).is_(True)


def share_inputs(engine: Engine, run_ids: list[int], day: datetime, weeks: int = 12,
                 closed_days: int = 30) -> ShareInputs:
    """The frames of the outputs for the runs ``run_ids`` of ``day``: open cases and those
    closed in the last ``closed_days`` days (with their outcome)."""
    shown = select(col(Case.id)).where((col(Case.status) == "open") | (
        (col(Case.status) == "closed") & (col(Case.closed_at) >= day - timedelta(days=closed_days))))
    cases = read_frame(engine, select_columns(
        Case, "id", "status", "dispute_type", "town", "village", "lead_count", "sources",
        "first_reported_at", "last_reported_at", "risk_level", "risk_score", "outcome",
    ).where(col(Case.id).in_(shown))).rename(columns={"id": "case_id"})
    # only the shown cases' assessments, routes and links: a year of closed cases is not read
    risk = read_frame(engine, select_columns(
        RiskAssessment, "case_id", "signals", "explanation", "follow_up_by").where(
        _current(RiskAssessment), col(RiskAssessment.case_id).in_(shown)))
    routes = read_frame(engine, select_columns(
        Assignment, "case_id", "mediator_id", "co_agencies", "reasons", "route_status",
        "referred_to", "status").where(_current(Assignment), col(Assignment.case_id).in_(shown)))
    routes = routes.rename(columns={"status": "route_decision"})
    mediators = read_frame(engine, select_columns(Mediator, "id", "name", "organization"))
    mediators = mediators.rename(columns={"id": "mediator_id", "name": "mediator_name",
                                          "organization": "mediator_org"})
    cases = (cases.merge(risk, on="case_id", how="left").merge(routes, on="case_id", how="left")
             .merge(mediators, on="mediator_id", how="left"))

    links = read_frame(engine, select(col(CaseLink.lead_id), col(CaseLink.case_id))
                       .where(col(CaseLink.case_id).in_(shown)))
    leads = read_frame(engine, select(*(getattr(Lead, f) for f in LEAD_FIELDS)).where(
        col(Lead.id).in_(select(col(CaseLink.lead_id)).where(col(CaseLink.case_id).in_(shown)))))
    leads = leads.merge(links, left_on="id", right_on="lead_id", how="inner").drop(columns="lead_id")

    tasks = read_frame(engine, select_columns(
        FollowUpTask, "id", "case_id", "kind", "level", "due_at", "status", "done_at", "done_by",
        "note").where(col(FollowUpTask.case_id).in_(shown)))

    reviews = read_frame(engine, select_columns(LinkReview, "lead_a", "lead_b", "score", "evidence")
                         .where(col(LinkReview.status) == "pending"))
    if not reviews.empty:
        ids = set(reviews["lead_a"]) | set(reviews["lead_b"])
        refs = read_frame(engine, select(col(Lead.id), col(Lead.source), col(Lead.source_ref),
                                         col(CaseLink.case_id))
                          .outerjoin(CaseLink, col(CaseLink.lead_id) == col(Lead.id))
                          .where(col(Lead.id).in_(ids)))
        for side in ("a", "b"):
            reviews = reviews.merge(refs.rename(columns={
                "id": f"lead_{side}", "source": f"source_{side}", "source_ref": f"ref_{side}",
                "case_id": f"case_{side}"}), on=f"lead_{side}", how="left")
        reviews = reviews[reviews["case_a"] != reviews["case_b"]]

    undelivered = read_frame(engine, select(
        col(Alert.case_id), col(Alert.level), col(Alert.kind), col(Alert.created_at),
        col(AlertDelivery.receiver), col(AlertDelivery.status), col(AlertDelivery.attempts),
        col(AlertDelivery.last_error))
        .join(Alert, col(Alert.id) == col(AlertDelivery.alert_id))
        .where(col(AlertDelivery.status) != "delivered"))

    rejected = read_frame(engine, select(
        col(SourceFile.source), col(SourceFile.name), col(RejectedRow.row_number),
        col(RejectedRow.column), col(RejectedRow.reason))
        .join(SourceFile, col(SourceFile.id) == col(RejectedRow.file_id))
        .where(col(RejectedRow.run_id).in_(run_ids))
        .order_by(col(SourceFile.name), col(RejectedRow.row_number)))

    # the last weeks of data: up to the day, or up to the newest report when the store is older
    newest = read_frame(engine, select(func.max(col(Lead.reported_at)).label("at")))["at"].iloc[0]
    end = min(day, pd.Timestamp(newest).to_pydatetime()) if newest is not None and not pd.isna(newest) \
        else day
    since = end - timedelta(weeks=weeks)
    trend = read_frame(engine, select(
        col(Lead.source), col(Lead.reported_at), col(Lead.dispute_type), col(Lead.village),
        col(Lead.reporter_sex), col(Case.risk_level))
        .join(CaseLink, col(CaseLink.lead_id) == col(Lead.id))
        .join(Case, col(Case.id) == col(CaseLink.case_id))
        .where(col(Lead.reported_at) >= since, col(Lead.reported_at) < end + timedelta(days=1)))

    return ShareInputs(cases, leads, tasks, reviews, undelivered, rejected, trend,
                       runs_of_day(engine, day))


def intake(engine: Engine, run_ids: list[int]) -> pd.DataFrame:
    """What the runs received, per agency: files, rows and what became of them."""
    return read_frame(engine, select_columns(
        SourceFile, "source", "status", "rows_in", "leads_new", "leads_updated", "leads_unchanged",
        "rejected").where(col(SourceFile.run_id).in_(run_ids)))


def runs_of_day(engine: Engine, day: datetime) -> pd.DataFrame:
    """The runs started on ``day``, oldest first."""
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)
    return read_frame(engine, select_columns(Run, "id", "kind", "started_at", "status", "counts")
                      .where(col(Run.started_at) >= start,
                             col(Run.started_at) < start + timedelta(days=1)).order_by(col(Run.id)))


def run_day(engine: Engine, run_id: int) -> datetime | None:
    """When the run started, or None for no such run."""
    df = read_frame(engine, select_columns(Run, "started_at").where(col(Run.id) == run_id))
    return None if df.empty else pd.Timestamp(df["started_at"].iloc[0]).to_pydatetime()


def new_cases(engine: Engine, day: datetime) -> pd.DataFrame:
    """Cases created on ``day``, with their level now (open ones)."""
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)
    return read_frame(engine, select_columns(Case, "id", "risk_level").where(
        col(Case.created_at) >= start, col(Case.created_at) < start + timedelta(days=1)))
