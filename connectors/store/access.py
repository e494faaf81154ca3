"""Database access shared by the stages: frames, upserts, runs and the roster."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import DateTime, Engine, Executable, Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col

from connectors.store.bulk import execute_many, processors
from connectors.store.schema import CaseLink, Lead, LinkReview, Mediator, Run
from triage.routing import MediatorSpec

CHUNK = 500
LEAD_COLUMNS = (
    "id", "source", "source_ref", "reported_at", "reporter_name", "reporter_name_masked",
    "reporter_phone", "phones", "reporter_id", "reporter_id_valid", "district", "town",
    "village", "village_code", "dispute_type", "description", "urgency", "headcount",
    "repeat_flag", "skip_level", "dv_flag", "person_id", "first_seen_at", "updated_at",
)


def now() -> datetime:
    """Wall-clock now (Asia/Shanghai on deployments), to the second."""
    return datetime.now().replace(microsecond=0)


def read_frame(engine: Engine, stmt: Executable) -> pd.DataFrame:
    """Run a select and return its rows as a DataFrame (JSON columns decoded).

    Rows come straight from the driver's cursor and each column is converted whole: SQLAlchemy's
    per-row processing (a regular expression per SQLite datetime) was half the time of reading
    a district's two million leads. The frame is the one ``Result.all()`` would give."""
    with engine.connect() as conn:
        result = conn.execute(stmt)
        keys = list(result.keys())
        types: list[Any] = [c.type for c in getattr(stmt, "selected_columns", ())]
        cursor = result.cursor
        if len(types) != len(keys) or cursor is None or cursor.description is None:
            rows: Sequence[Any] = result.all()  # not a plain select: SQLAlchemy converts the rows
            types = [None] * len(keys)
            codes: list[Any] = [None] * len(keys)
        else:
            codes = [d[1] for d in cursor.description]  # the driver's type of each column
            rows = cursor.fetchall()
            result.close()
        dialect = engine.dialect
    # column by column: pandas builds a frame from columns far faster than from row objects
    columns = zip(*rows, strict=True) if rows else ([] for _ in keys)
    return pd.DataFrame({k: _converted(list(v), t, c, dialect)
                         for k, v, t, c in zip(keys, columns, types, codes, strict=True)},
                        columns=keys)


def _converted(values: list[Any], typ: Any, code: Any, dialect: Any) -> Any:
    """A column of driver values as SQLAlchemy would give them: datetimes SQLite keeps as
    text are parsed in one call, other types by their own converter."""
    if typ is None or not values:
        return values
    proc = typ.dialect_impl(dialect).result_processor(dialect, code)
    if proc is None:
        return values
    if isinstance(typ, DateTime) and isinstance(next((v for v in values if v is not None), None), str):
        return pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601").astype(
            "datetime64[us]").to_numpy()
    return [None if v is None else proc(v) for v in values]


def select_columns(model: type[SQLModel], *names: str) -> Select[Any]:
    """``select`` of some columns of a table, by name."""
    table = model.__table__  # type: ignore[attr-defined]
    return select(*(table.c[n] for n in names))


def leads_frame(engine: Engine, columns: Sequence[str] = LEAD_COLUMNS) -> pd.DataFrame:
    """All leads with the columns the linking, scoring and sharing stages use."""
    return read_frame(engine, select_columns(Lead, *columns).order_by(col(Lead.id)))


def upsert(
    session: Session, model: type[SQLModel], rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str], update: Iterable[str] | None = None,
) -> None:
    """Insert rows, updating ``update`` columns where ``keys`` already exist.

    Every row has the keys of the first. The statement is compiled once and the rows go
    to the driver's ``executemany`` with their values converted as ``bulk`` converts
    them: SQLAlchemy's own per-row parameter processing cost more than the writing (a
    full link writes a row per lead)."""
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    dialect = conn.dialect
    ins_mod: Any = postgresql if dialect.name == "postgresql" else sqlite
    names = list(rows[0])
    cols = list(update) if update is not None else [c for c in names if c not in keys]
    stmt = ins_mod.insert(table)
    if cols:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in cols})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    compiled = stmt.compile(dialect=dialect, column_keys=names)
    if set(compiled.bind_names.values()) != set(names):  # column defaults to fill in: SQLAlchemy's way
        for start in range(0, len(rows), CHUNK):
            session.execute(stmt, list(rows[start:start + CHUNK]))
        return
    order = list(compiled.positiontup) if compiled.positiontup else names
    convert = [(i, p) for i, p in enumerate(processors(conn, table, order)) if p is not None]
    values = [list(map(row.__getitem__, order)) for row in rows]
    for v in values:
        for i, p in convert:
            if v[i] is not None:
                v[i] = p(v[i])
    params: Sequence[Any] = (values if compiled.positiontup
                             else [dict(zip(order, v, strict=True)) for v in values])
    execute_many(conn, compiled.string, params)


def unlinked_leads(engine: Engine) -> int:
    """Leads no case holds yet (ingested by hand, or a run that stopped before linking)."""
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(Lead).where(
            ~col(Lead.id).in_(select(col(CaseLink.lead_id))))).scalar_one())


def waiting_decisions(engine: Engine) -> int:
    """Coordinators' merge or split decisions made since the last linking: a run links for them
    even with nothing new to ingest."""
    with Session(engine) as s:
        last = s.execute(select(func.max(col(CaseLink.linked_at)))).scalar()
        stmt = select(func.count()).select_from(LinkReview).where(
            col(LinkReview.status).in_(["merge", "split"]), col(LinkReview.decided_at).is_not(None))
        if last is not None:
            stmt = stmt.where(col(LinkReview.decided_at) > last)
        return int(s.execute(stmt).scalar_one())


def sync_roster(engine: Engine, mediators: Sequence[MediatorSpec]) -> int:
    """Make the mediator table match the roster file; missing ones become inactive."""
    rows = [{
        "id": m.mediator_id, "name": m.name, "phone": m.phone, "organization": m.organization,
        "town": m.town, "village_codes": m.village_codes, "specialties": m.specialties,
        "max_level": m.max_level, "capacity": m.capacity, "active": m.active,
    } for m in mediators]
    with Session(engine) as s, s.begin():
        upsert(s, Mediator, rows, ["id"])
        listed = [r["id"] for r in rows]
        s.execute(Mediator.__table__.update().where(  # type: ignore[attr-defined]
            Mediator.id.not_in(listed)).values(active=False))  # type: ignore[attr-defined]
    return len(rows)


def start_run(engine: Engine, kind: str, params: Mapping[str, Any]) -> int:
    with Session(engine) as s:
        run = Run(kind=kind, started_at=now(), params=dict(params))
        s.add(run)
        s.commit()
        assert run.id is not None
        return run.id


def last_runs(engine: Engine, n: int = 5) -> list[Run]:
    """The latest runs, newest first, detached from their session."""
    with Session(engine) as s:
        runs = list(s.execute(select(Run).order_by(col(Run.id).desc()).limit(n)).scalars().all())
        for r in runs:
            s.expunge(r)
        return runs


def finish_run(engine: Engine, run_id: int, counts: Mapping[str, Any], status: str) -> None:
    with Session(engine) as s:
        run = s.get(Run, run_id)
        if run is None:
            return
        run.finished_at = now()
        run.status = status
        run.counts = dict(counts)
        s.add(run)
        s.commit()
