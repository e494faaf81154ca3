"""What the scoring stage reads from and writes to the store: leads by case, assessments,
alerts, and a coordinator's override."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, bindparam, func, update
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from connectors.store.access import LEAD_COLUMNS, now, read_frame, select_columns
from connectors.store.schema import Alert, Case, CaseLink, Lead, RiskAssessment
from triage.frames import records

CHUNK = 900  # ids per IN (…): under SQLite's bound-parameter limit
CARRIED = ("level", "computed_level", "override_level", "override_by", "override_reason",
           "override_at", "override_from", "level_since", "signals")


def scoring_inputs(engine: Engine, case_ids: Collection[str] | None = None,
                   ) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """The linked leads with their ``case_id`` (of ``case_ids``, or all), and each of those
    cases' current assessment."""
    lead_cols = [Lead.__table__.c[n] for n in (*LEAD_COLUMNS, "extra")]  # type: ignore[attr-defined]
    stmt = select_rows(*lead_cols, col(CaseLink.lead_id), col(CaseLink.case_id)).join(
        CaseLink, col(CaseLink.lead_id) == col(Lead.id))
    current = select_columns(RiskAssessment, "case_id", *CARRIED).where(
        col(RiskAssessment.is_current).is_(True))
    if case_ids is None:
        leads = read_frame(engine, stmt.order_by(col(Lead.id)))
        assessed = read_frame(engine, current)
    else:
        wanted = sorted(set(case_ids))
        chunks = [wanted[i:i + CHUNK] for i in range(0, len(wanted), CHUNK)]
        leads = _concat([read_frame(engine, stmt.where(col(CaseLink.case_id).in_(c)).order_by(col(Lead.id)))
                         for c in chunks])
        assessed = _concat([read_frame(engine, current.where(col(RiskAssessment.case_id).in_(c)))
                            for c in chunks])
    if leads.empty:
        return pd.DataFrame(), {}
    return leads, {r["case_id"]: _plain(r) for r in records(assessed)}


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


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
    open_case = col(Case.status) == "open"
    with Session(engine) as s:
        if s.execute(select(col(RiskAssessment.case_id)).where(
                col(RiskAssessment.is_current).is_(True)).limit(1)).first() is None:
            return None
        as_of = dict(s.execute(select(col(RiskAssessment.case_id), col(RiskAssessment.as_of))
                               .join(Case, col(Case.id) == col(RiskAssessment.case_id))
                               .where(col(RiskAssessment.is_current).is_(True), open_case)).all())
        cases = s.execute(select(col(Case.id), col(Case.risk_stale)).where(open_case)).all()
    newest = newest_report(engine)
    present = min(newest, now()) if newest else now()
    targets = {cid for cid, stale in cases if stale or as_of.get(cid) is None or cid in also}
    # the leads of open cases only: a closed case's history is read through its persons
    joined = read_frame(engine, select_rows(col(Lead.id), col(Lead.reported_at), col(Lead.person_id),
                                       col(CaseLink.case_id))
                        .join(CaseLink, col(CaseLink.lead_id) == col(Lead.id))
                        .join(Case, col(Case.id) == col(CaseLink.case_id)).where(open_case))
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
        conn = s.connection()  # core statements, each run once over all rows (executemany)
        ra, case = RiskAssessment.__table__, Case.__table__  # type: ignore[attr-defined]
        current = update(ra).where(ra.c.is_current.is_(True)).values(is_current=False)
        if only_cases:
            conn.execute(current.where(ra.c.case_id == bindparam("cid")),
                         [{"cid": r["case_id"]} for r in rows])
        else:
            conn.execute(current)
        conn.execute(ra.insert(), list(rows))
        conn.execute(update(case).where(case.c.id == bindparam("cid")).values(
            risk_level=bindparam("lvl"), risk_score=bindparam("pts"), risk_stale=False),
            [{"cid": r["case_id"], "lvl": r["level"], "pts": r["score"]} for r in rows])
        if alerts:
            s.execute(Alert.__table__.insert(), list(alerts))  # type: ignore[attr-defined]
