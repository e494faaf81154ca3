"""What the scoring stage reads from and writes to the store: leads by case, assessments,
alerts, and a coordinator's override."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from connectors.store.access import LEAD_COLUMNS, leads_frame, now, read_frame, select_columns
from connectors.store.schema import Alert, Case, CaseLink, Lead, RiskAssessment
from triage.frames import records

CHUNK = 900  # ids per IN (…): under SQLite's bound-parameter limit
CARRIED = ("level", "computed_level", "override_level", "override_by", "override_reason",
           "override_at", "override_from", "level_since", "signals")


def scoring_inputs(engine: Engine, case_ids: Collection[str] | None = None,
                   ) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """The linked leads with their ``case_id`` (of ``case_ids``, or all), and each of those
    cases' current assessment."""
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id"))
    if case_ids is not None:
        links = links[links["case_id"].isin(set(case_ids))]
    if links.empty:
        return pd.DataFrame(), {}
    if case_ids is None:
        leads = leads_frame(engine, (*LEAD_COLUMNS, "extra"))
    else:
        ids = sorted(int(i) for i in links["lead_id"])
        leads = pd.concat([read_frame(engine, select_columns(Lead, *LEAD_COLUMNS, "extra").where(
            col(Lead.id).in_(ids[i:i + CHUNK]))) for i in range(0, len(ids), CHUNK)],
            ignore_index=True)
    leads = leads.merge(links, left_on="id", right_on="lead_id")
    stmt = select_columns(RiskAssessment, "case_id", *CARRIED).where(
        col(RiskAssessment.is_current).is_(True))
    current = read_frame(engine, stmt)
    if case_ids is not None:
        current = current[current["case_id"].isin(set(case_ids))]
    return leads, {r["case_id"]: _plain(r) for r in records(current)}


def newest_report(engine: Engine) -> datetime | None:
    """When the newest lead in the store was reported (what signals fade against)."""
    with Session(engine) as s:
        return s.execute(select(func.max(col(Lead.reported_at)))).scalar()


def open_levels(engine: Engine) -> dict[str, int]:
    """How many open cases stand at each level."""
    with Session(engine) as s:
        return {str(level): int(n) for level, n in s.execute(
            select(col(Case.risk_level), func.count()).where(col(Case.status) == "open")
            .group_by(col(Case.risk_level))).all() if level}


def scoring_targets(engine: Engine, horizons: Collection[int],
                    also: Collection[str] = ()) -> set[str] | None:
    """The open cases a night must score again, with the cases that share a person with them
    (whose history they read), or None when every case must be scored (nothing scored yet).

    Again: cases the linking changed since their assessment (``risk_stale``: new or corrected
    leads, merged, split, new), and cases with a lead that has crossed one of the rules'
    time lines (``horizons`` in days: fading, escalation, prior red) since the moment their
    assessment was made at; the others' inputs have not changed."""
    with Session(engine) as s:
        as_of = dict(s.execute(select(col(RiskAssessment.case_id), col(RiskAssessment.as_of))
                               .where(col(RiskAssessment.is_current).is_(True))).all())
        if not as_of:
            return None
        cases = s.execute(select(col(Case.id), col(Case.risk_stale))
                          .where(col(Case.status) == "open")).all()
    newest = newest_report(engine)
    present = min(newest, now()) if newest else now()
    targets = {cid for cid, stale in cases if stale or as_of.get(cid) is None or cid in also}
    links = read_frame(engine, select_columns(CaseLink, "lead_id", "case_id"))
    times = read_frame(engine, select_columns(Lead, "id", "reported_at", "person_id"))
    joined = times.merge(links, left_on="id", right_on="lead_id")
    open_ids = {c[0] for c in cases}
    joined = joined[joined["case_id"].isin(open_ids)]
    then = pd.to_datetime(joined["case_id"].map(as_of))
    at = pd.to_datetime(joined["reported_at"])
    crossed = pd.Series(False, index=joined.index)
    for days in set(horizons):
        span = pd.Timedelta(days=days)
        crossed |= (at + span > then) & (at + span <= pd.Timestamp(present))
    targets |= set(joined.loc[crossed, "case_id"])
    if not targets:
        return targets
    involved = set(joined.loc[joined["case_id"].isin(targets), "person_id"].dropna())
    return targets | set(joined.loc[joined["person_id"].isin(involved), "case_id"])


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
                risk_level=r["level"], risk_score=r["score"], risk_stale=False))
        if alerts:
            s.execute(Alert.__table__.insert(), list(alerts))  # type: ignore[attr-defined]
