"""The store's schema: one SQLModel table per record the pipeline keeps.

One schema serves SQLite (embedded default) and PostgreSQL (production). Times
are naive wall-clock datetimes in Asia/Shanghai, the zone every agency exports
in. Schema changes go through Alembic migrations in ``connectors/store/migrations``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

JSONType = JSON().with_variant(JSONB(), "postgresql")


def _json(**kw: Any) -> Any:
    return Field(default=None, sa_column=Column(JSONType, nullable=True), **kw)


class Run(SQLModel, table=True):
    """One execution of the pipeline (nightly, manual rerun, demo)."""

    __tablename__ = "run"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="nightly", max_length=32)
    started_at: NaiveDatetime
    finished_at: NaiveDatetime | None = None
    status: str = Field(default="running", max_length=16)
    params: dict[str, Any] | None = _json()
    counts: dict[str, Any] | None = _json()


class SourceFile(SQLModel, table=True):
    """An ingested unit of input: a dropped file or one HTTP page."""

    __tablename__ = "source_file"
    __table_args__ = (UniqueConstraint("sha256", name="uq_source_file_sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    source: str | None = Field(default=None, max_length=32, index=True)
    kind: str = Field(default="file", max_length=16)  # file | http_page
    name: str = Field(max_length=512)
    sha256: str = Field(max_length=64)
    size: int = 0
    file_format: str | None = Field(default=None, max_length=16)
    encoding: str | None = Field(default=None, max_length=32)
    sheet: str | None = Field(default=None, max_length=256)
    header_row: int | None = None
    status: str = Field(default="ingested", max_length=16)  # ingested | quarantined
    rows_in: int = 0
    leads_new: int = 0
    leads_updated: int = 0
    leads_unchanged: int = 0
    rejected: int = 0
    blank_rows: int = 0
    headers: list[str] | None = _json()  # the header as read; raw rows of files are cell lists
    notes: dict[str, Any] | None = _json()  # hidden columns, two-row header, cells cleaned ...
    error: str | None = None
    run_id: int | None = Field(default=None, foreign_key="run.id")
    ingested_at: NaiveDatetime


class RawRow(SQLModel, table=True):
    """A row exactly as read (after header detection), kept for lineage."""

    __tablename__ = "raw_row"
    id: int | None = Field(default=None, primary_key=True)
    file_id: int = Field(foreign_key="source_file.id", index=True)
    row_number: int  # 1-based row number in the sheet or CSV, header included
    # A file row: its cells in header order (``SourceFile.headers``); an HTTP record: the
    # JSON object as received.
    data: list[Any] | dict[str, Any] | None = _json()


class RawRowRepeat(SQLModel, table=True):
    """A raw row that repeated a lead already stored (same record, same content).

    Lineage for the rows that made no change: a later cumulative export repeats most
    of the earlier one. Kept so a person's every copy can be found and forgotten.
    """

    __tablename__ = "raw_row_repeat"
    raw_row_id: int = Field(primary_key=True, foreign_key="raw_row.id")
    lead_id: int = Field(foreign_key="lead.id", index=True)


class Lead(SQLModel, table=True):
    """A canonical lead: one agency record, normalized."""

    __tablename__ = "lead"
    __table_args__ = (UniqueConstraint("source", "source_ref", name="uq_lead_source_ref"),)
    # Indexed only where a lookup or foreign key needs it: every index costs each ingested
    # lead a write (stages read leads whole; migration 0003 dropped the unused ones).
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=32)
    source_ref: str = Field(max_length=128)
    raw_row_id: int | None = Field(default=None, foreign_key="raw_row.id")
    file_id: int | None = Field(default=None, foreign_key="source_file.id")
    version: int = 1
    content_hash: str = Field(max_length=64)
    reported_at: NaiveDatetime | None = Field(default=None, index=True)
    reporter_name: str | None = Field(default=None, max_length=128)
    reporter_name_masked: bool = False
    reporter_names: list[str] | None = _json()
    reporter_phone: str | None = Field(default=None, max_length=32)
    phones: list[str] | None = _json()
    reporter_id: str | None = Field(default=None, max_length=18)
    reporter_id_valid: bool | None = None
    reporter_sex: str | None = Field(default=None, max_length=2)
    reporter_birth: date | None = None
    reporter_age: int | None = None
    address: str | None = None
    district: str | None = Field(default=None, max_length=64)
    town: str | None = Field(default=None, max_length=64)
    village: str | None = Field(default=None, max_length=64)
    village_code: str | None = Field(default=None, max_length=12)
    category_raw: str | None = Field(default=None, max_length=256)
    dispute_type: str = Field(default="其他", max_length=16)
    dispute_words: list[str] | None = _json()  # the category or description words that decided it
    description: str | None = None
    disposition: str | None = None
    urgency: str | None = Field(default=None, max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    headcount: int | None = None
    repeat_flag: bool | None = None
    skip_level: bool | None = None
    dv_flag: bool | None = None
    parties: list[str] | None = _json()  # other people the description names, e.g. 鲁某
    flags: list[str] | None = _json()  # normalization warnings kept with the lead
    extra: dict[str, Any] | None = _json()  # source fields without a canonical column
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    first_seen_at: NaiveDatetime
    updated_at: NaiveDatetime


class LeadVersion(SQLModel, table=True):
    """A superseded version of a lead that its agency later corrected."""

    __tablename__ = "lead_version"
    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="lead.id", index=True)
    version: int
    content_hash: str = Field(max_length=64)
    raw_row_id: int | None = Field(default=None, foreign_key="raw_row.id")
    data: dict[str, Any] | None = _json()
    replaced_at: NaiveDatetime


class RejectedRow(SQLModel, table=True):
    """An input row that could not become a lead, with the reason."""

    __tablename__ = "rejected_row"
    id: int | None = Field(default=None, primary_key=True)
    file_id: int = Field(foreign_key="source_file.id", index=True)
    raw_row_id: int | None = Field(default=None, foreign_key="raw_row.id")
    row_number: int
    column: str | None = Field(default=None, max_length=128)
    reason: str
    run_id: int | None = Field(default=None, foreign_key="run.id")


class Person(SQLModel, table=True):
    """A person recognized across leads and cases (reporter or named party)."""

    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    name: str | None = Field(default=None, max_length=128)
    name_pinyin: str | None = Field(default=None, max_length=256)
    id_number: str | None = Field(default=None, max_length=18, index=True)
    phones: list[str] | None = _json()
    created_at: NaiveDatetime
    updated_at: NaiveDatetime


class Case(SQLModel, table=True):
    """One dispute between the same parties, grouping leads from any agency."""

    __tablename__ = "case"
    # the workbench's today page and search read cases by level: a few hundred red and orange
    # among a hundred thousand
    __table_args__ = (Index("ix_case_level_status", "risk_level", "status"),)
    id: str = Field(primary_key=True, max_length=32)  # stable, e.g. C20240503-000123
    status: str = Field(default="open", max_length=16)  # open | closed | merged
    merged_into: str | None = Field(default=None, max_length=32)
    dispute_type: str = Field(default="其他", max_length=16)
    district: str | None = Field(default=None, max_length=64)
    town: str | None = Field(default=None, max_length=64)
    village: str | None = Field(default=None, max_length=64)
    village_code: str | None = Field(default=None, max_length=12)
    lead_count: int = 0
    sources: list[str] | None = _json()
    first_reported_at: NaiveDatetime | None = None
    last_reported_at: NaiveDatetime | None = None
    risk_level: str | None = Field(default=None, max_length=2)
    risk_score: float | None = None
    # linking changed the case since it was last scored: the next run scores it
    risk_stale: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    created_run_id: int | None = Field(default=None, foreign_key="run.id")
    created_at: NaiveDatetime
    updated_at: NaiveDatetime
    outcome: str | None = Field(default=None, max_length=16)  # how a coordinator closed it
    closed_at: NaiveDatetime | None = None
    closed_by: str | None = Field(default=None, max_length=64)
    close_note: str | None = None


class CaseLink(SQLModel, table=True):
    """The link of one lead to its case, with the evidence that joined it."""

    __tablename__ = "case_link"
    lead_id: int = Field(primary_key=True, foreign_key="lead.id")
    case_id: str = Field(foreign_key="case.id", index=True, max_length=32)
    score: float = 0.0
    method: str = Field(default="auto", max_length=16)  # auto | seed | coordinator
    evidence: list[dict[str, Any]] | None = _json()
    run_id: int | None = Field(default=None, foreign_key="run.id")
    linked_at: NaiveDatetime


class LinkReview(SQLModel, table=True):
    """A pair of leads in the uncertain band, waiting for a coordinator."""

    __tablename__ = "link_review"
    __table_args__ = (UniqueConstraint("lead_a", "lead_b", name="uq_link_review_pair"),)
    id: int | None = Field(default=None, primary_key=True)
    lead_a: int = Field(foreign_key="lead.id")
    lead_b: int = Field(foreign_key="lead.id")
    score: float
    evidence: list[dict[str, Any]] | None = _json()
    status: str = Field(default="pending", max_length=16)  # pending | merge | split
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: NaiveDatetime | None = None
    run_id: int | None = Field(default=None, foreign_key="run.id")


class CaseEvent(SQLModel, table=True):
    """A change in case identity (created, merged, split), logged per run."""

    __tablename__ = "case_event"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="run.id")
    kind: str = Field(max_length=16)  # created | merged | split | grown
    case_id: str = Field(max_length=32, index=True)
    other_case_id: str | None = Field(default=None, max_length=32)
    detail: dict[str, Any] | None = _json()
    at: NaiveDatetime


class RiskAssessment(SQLModel, table=True):
    """A case's risk level with the signals and source words behind it."""

    __tablename__ = "risk_assessment"
    __table_args__ = (Index("ix_risk_case_current", "case_id", "is_current"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", max_length=32)
    run_id: int | None = Field(default=None, foreign_key="run.id")
    level: str = Field(max_length=2)
    score: float
    computed_level: str = Field(max_length=2)
    signals: list[dict[str, Any]] | None = _json()  # [{signal, points, red_flag, evidence}]
    override_level: str | None = Field(default=None, max_length=2)
    override_by: str | None = Field(default=None, max_length=64)
    override_reason: str | None = None
    override_at: NaiveDatetime | None = None
    override_from: str | None = Field(default=None, max_length=2)  # the level it changed
    history: list[dict[str, Any]] | None = _json()  # signals of leads too old to count
    note: str | None = None  # e.g. a new red flag lifted a lowered override
    explanation: str | None = None  # what a coordinator reads, in Chinese
    level_since: NaiveDatetime | None = None  # when the case reached this level
    follow_up_by: NaiveDatetime | None = None  # the level's follow-up deadline
    is_current: bool = True
    assessed_at: NaiveDatetime
    as_of: NaiveDatetime | None = None  # the present its time rules were measured against


class Mediator(SQLModel, table=True):
    """A mediator of the roster, with jurisdiction, specialties and capacity."""

    __tablename__ = "mediator"
    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    organization: str | None = Field(default=None, max_length=128)
    town: str | None = Field(default=None, max_length=64)
    village_codes: list[str] | None = _json()
    specialties: list[str] | None = _json()
    max_level: str = Field(default="红", max_length=2)
    capacity: int = 20
    active: bool = True
    org_kind: str | None = Field(default=None, max_length=16)
    levels: list[str] | None = _json()
    home_code: str | None = Field(default=None, max_length=12)
    off_days: list[int] | None = _json()
    leave: list[list[str]] | None = _json()  # [first, last] ISO dates
    languages: list[str] | None = _json()


class Assignment(SQLModel, table=True):
    """A case routed to a lead mediator and co-agencies, with the why."""

    __tablename__ = "assignment"
    __table_args__ = (Index("ix_assignment_case_current", "case_id", "is_current"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", max_length=32)
    mediator_id: str | None = Field(default=None, foreign_key="mediator.id", max_length=32)
    co_agencies: list[str] | None = _json()
    reasons: list[str] | None = _json()
    runners_up: list[dict[str, Any]] | None = _json()
    status: str = Field(default="proposed", max_length=16)  # proposed | confirmed
    is_current: bool = True
    run_id: int | None = Field(default=None, foreign_key="run.id")
    assigned_at: NaiveDatetime
    route_status: str = Field(default="assigned", max_length=16)  # assigned | referred | unroutable
    referred_to: str | None = Field(default=None, max_length=128)  # the other town's office
    level: str | None = Field(default=None, max_length=2)  # the case's level when routed
    cost: dict[str, Any] | None = _json()  # the cost breakdown of the chosen mediator
    route_reason: str | None = None  # why the case was routed this time (new, merged, leave …)
    rejected_agencies: list[str] | None = _json()  # co-agencies a coordinator ruled out
    added_agencies: list[str] | None = _json()  # co-agencies a coordinator brought in
    decided_by: str | None = Field(default=None, max_length=64)  # who confirmed or reassigned
    decided_at: NaiveDatetime | None = None
    decision_reason: str | None = None


class FollowUpTask(SQLModel, table=True):
    """A follow-up step of a high-risk case's plan, with its deadline."""

    __tablename__ = "follow_up_task"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", max_length=32, index=True)
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id")
    kind: str = Field(max_length=64)
    due_at: NaiveDatetime
    status: str = Field(default="open", max_length=16)  # open | done
    created_at: NaiveDatetime
    level: str | None = Field(default=None, max_length=2)  # the level whose plan made the task
    level_since: NaiveDatetime | None = None  # when the case reached that level
    done_at: NaiveDatetime | None = None
    done_by: str | None = Field(default=None, max_length=64)
    note: str | None = None
    due_set_by: str | None = Field(default=None, max_length=64)  # a coordinator who moved the due
    due_reason: str | None = None


class AlertDelivery(SQLModel, table=True):
    """The outbox: one alert to one receiver, retried with backoff until acknowledged."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("alert_id", "receiver", name="uq_alert_delivery_receiver"),)
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    receiver: str = Field(max_length=64)  # a co-agency, a mediator id, or 司法所
    status: str = Field(default="pending", max_length=16)  # pending | delivered | failed | no_channel
    attempts: int = 0
    next_attempt_at: NaiveDatetime | None = None
    last_error: str | None = None
    delivered_at: NaiveDatetime | None = None
    created_at: NaiveDatetime


class Alert(SQLModel, table=True):
    """A new lead that touched an open high-risk case; masked text only."""

    __tablename__ = "alert"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", max_length=32, index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    level: str = Field(max_length=2)
    kind: str = Field(max_length=32)
    message: str
    run_id: int | None = Field(default=None, foreign_key="run.id")
    created_at: NaiveDatetime
    delivered_at: NaiveDatetime | None = None


class SourceCursor(SQLModel, table=True):
    """Where an HTTP source's pull stands, committed with each page's leads.

    A pull asks for records updated since ``updated_since`` and walks pages by
    ``page_cursor``; ``high_water`` is the latest update time seen in the pull so far
    and becomes ``updated_since`` when the last page is in.
    """

    __tablename__ = "source_cursor"
    name: str = Field(primary_key=True, max_length=64)
    source: str | None = Field(default=None, max_length=32)
    updated_since: str | None = Field(default=None, max_length=64)
    page_cursor: str | None = Field(default=None, max_length=256)
    high_water: str | None = Field(default=None, max_length=64)
    pages: int = 0
    records: int = 0
    last_error: str | None = None
    updated_at: NaiveDatetime


class StoredSecret(SQLModel, table=True):
    """A deployment secret the pipeline made itself, kept under the database's access control.

    Only when the environment or a Prefect Secret block gives none: the key of the
    link index's phone and ID hashes must outlive every run, and must not lie in
    the folder beside the index.
    """

    __tablename__ = "app_secret"
    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=256)
    created_at: NaiveDatetime


class AppUser(SQLModel, table=True):
    """A person who signs in to the workbench, with the role that bounds what they see and do."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)  # the login name
    display_name: str | None = Field(default=None, max_length=64)
    role: str = Field(max_length=16)  # coordinator | mediator | liaison | admin
    agency: str | None = Field(default=None, max_length=32)  # a liaison's agency (police …)
    mediator_id: str | None = Field(default=None, max_length=32)  # a mediator's roster id
    password_hash: str = Field(max_length=256)  # argon2id
    active: bool = True
    created_at: NaiveDatetime


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random token, the store only its hash."""

    __tablename__ = "web_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: NaiveDatetime
    expires_at: NaiveDatetime


class LoginAttempt(SQLModel, table=True):
    """A sign-in try: wrong passwords in a row lock the login for a while."""

    __tablename__ = "login_attempt"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True)
    ok: bool
    at: NaiveDatetime


class AuditLog(SQLModel, table=True):
    """Every workbench action: who, when, what, on which case (no personal data)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime
    user_name: str = Field(max_length=64)
    action: str = Field(max_length=32)
    target: str | None = Field(default=None, max_length=64)
    detail: dict[str, Any] | None = _json()


class MediatorLeave(SQLModel, table=True):
    """Leave marked on the workbench; routing adds it to the roster's own."""

    __tablename__ = "mediator_leave"
    id: int | None = Field(default=None, primary_key=True)
    mediator_id: str = Field(max_length=32, index=True)
    first_day: date
    last_day: date
    by: str = Field(max_length=64)
    reason: str | None = None
    at: NaiveDatetime
