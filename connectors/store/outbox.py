"""The alert outbox: one row per alert and receiver, so each receiver gets each alert at
least once, retried with backoff, and never again once it acknowledged."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, bindparam, func, select, update
from sqlmodel import Session, col

from connectors.store.access import read_frame
from connectors.store.schema import Alert, AlertDelivery, Assignment, Case, RiskAssessment
from triage.frames import records


def enqueue(engine: Engine, receivers_of: Callable[[str | None, Sequence[str]], list[str]],
            stamp: datetime) -> int:
    """Outbox rows for every alert that has none yet, to the receivers of its case's current
    route (``receivers_of(mediator_id, co_agencies)``)."""
    with Session(engine) as s, s.begin():
        fresh = s.execute(select(col(Alert.id), col(Alert.case_id)).where(
            ~col(Alert.id).in_(select(col(AlertDelivery.alert_id))))).all()
        if not fresh:
            return 0
        routes = {a.case_id: a for a in s.execute(select(Assignment).where(
            col(Assignment.is_current).is_(True),
            col(Assignment.case_id).in_({c for _, c in fresh}))).scalars()}
        rows = []
        for alert_id, case_id in fresh:
            a = routes.get(case_id)
            for who in receivers_of(a.mediator_id if a else None, (a.co_agencies or []) if a else []):
                rows.append({"alert_id": alert_id, "receiver": who, "status": "pending",
                             "attempts": 0, "next_attempt_at": stamp, "created_at": stamp})
        s.execute(AlertDelivery.__table__.insert(), rows)  # type: ignore[attr-defined]
        return len(rows)


def due(engine: Engine, at: datetime) -> list[dict[str, Any]]:
    """Deliveries waiting to be tried, with what their payload needs."""
    stmt = (select(col(AlertDelivery.id), col(AlertDelivery.alert_id), col(AlertDelivery.receiver),
                   col(AlertDelivery.attempts), col(Alert.case_id), col(Alert.level),
                   col(Alert.kind), col(Case.village), col(Case.town))
            .join(Alert, col(Alert.id) == col(AlertDelivery.alert_id))
            .join(Case, col(Case.id) == col(Alert.case_id))
            .where(col(AlertDelivery.status) == "pending",
                   col(AlertDelivery.next_attempt_at) <= at)
            .order_by(col(AlertDelivery.id)))
    rows = records(read_frame(engine, stmt))  # type: ignore[arg-type]
    if not rows:
        return []
    cases = sorted({r["case_id"] for r in rows})
    signals = read_frame(engine, select(RiskAssessment.case_id, RiskAssessment.signals).where(  # type: ignore[call-overload]
        col(RiskAssessment.is_current).is_(True), col(RiskAssessment.case_id).in_(cases)))
    names = {r["case_id"]: list(dict.fromkeys(x["signal"] for x in (r["signals"] or [])))
             for r in records(signals)}
    return [{**r, "signals": names.get(r["case_id"], [])} for r in rows]


def record(engine: Engine, delivery_id: int, at: datetime, error: str | None,
           attempts: int, backoff: float) -> str:
    """The outcome of one try: delivered, or failed with the next try after
    ``backoff``·2^(tries−1) seconds, or undelivered for good after ``attempts`` tries."""
    with Session(engine) as s, s.begin():
        d = s.get(AlertDelivery, delivery_id)
        assert d is not None
        if error is None:
            d.attempts += 1
            d.status, d.delivered_at, d.last_error = "delivered", at, None
            alert = s.get(Alert, d.alert_id)
            if alert is not None and alert.delivered_at is None:
                alert.delivered_at = at
        else:
            d.attempts += 1
            d.last_error = error
            if d.attempts >= attempts:
                d.status = "failed"
            else:
                d.next_attempt_at = at + timedelta(seconds=backoff * 2 ** (d.attempts - 1))
        return d.status


def record_no_channel(engine: Engine, delivery_ids: Sequence[int]) -> None:
    """Deliveries with no address to send to, in one statement (nothing was tried)."""
    if not delivery_ids:
        return
    with Session(engine) as s, s.begin():
        table = AlertDelivery.__table__  # type: ignore[attr-defined]
        s.connection().execute(
            update(table).where(table.c.id == bindparam("did"))
            .values(status="no_channel", last_error="未配置接收地址"),
            [{"did": i} for i in delivery_ids])


def undelivered(engine: Engine) -> pd.DataFrame:
    """Deliveries that will not arrive without someone acting: retries spent, or no address."""
    stmt = (select(col(AlertDelivery.alert_id), col(AlertDelivery.receiver),
                   col(AlertDelivery.status), col(AlertDelivery.attempts),
                   col(AlertDelivery.last_error), col(Alert.case_id), col(Alert.level),
                   col(Alert.kind), col(Alert.created_at))
            .join(Alert, col(Alert.id) == col(AlertDelivery.alert_id))
            .where(col(AlertDelivery.status).in_(["failed", "no_channel"]))
            .order_by(col(Alert.created_at).desc()))
    return read_frame(engine, stmt)  # type: ignore[arg-type]


def delivery_counts(engine: Engine) -> Mapping[str, int]:
    with Session(engine) as s:
        rows = s.execute(select(col(AlertDelivery.status), func.count())
                         .group_by(col(AlertDelivery.status))).all()
    return {str(k): int(v) for k, v in rows}
