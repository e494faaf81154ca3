"""``read_frame`` reads columns from the driver's cursor and converts each whole; the frame
must be the one SQLAlchemy's own row processing gives, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
)

from connectors.store.access import read_frame
from connectors.store.db import make_engine

META = MetaData()
KINDS = Table(
    "frame_kinds", META,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=True),
    Column("at", DateTime, nullable=True),
    Column("flag", Boolean, nullable=True),
    Column("payload", JSON, nullable=True),
    Column("score", Float, nullable=True),
    Column("day", Date, nullable=True),
)

TEXT = st.text(alphabet=st.sampled_from("张三李四村镇0123456789 -:某"), max_size=8)
ROW = st.fixed_dictionaries({
    "name": st.none() | TEXT,
    "at": st.none() | st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1)),
    "flag": st.none() | st.booleans(),
    "payload": st.none() | st.lists(st.fixed_dictionaries({"signal": TEXT, "n": st.integers(-5, 5)}),
                                    max_size=3),
    "score": st.none() | st.floats(-1e6, 1e6, allow_nan=False),
    "day": st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)),
})


def _reference(engine: Engine, stmt: Any) -> pd.DataFrame:
    """The frame built from SQLAlchemy's processed rows (how ``read_frame`` used to read)."""
    with engine.connect() as conn:
        result = conn.execute(stmt)
        keys = list(result.keys())
        rows = result.all()
    columns = zip(*rows, strict=True) if rows else ([] for _ in keys)
    return pd.DataFrame({k: list(v) for k, v in zip(keys, columns, strict=True)}, columns=keys)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=12))
def test_a_frame_read_from_the_cursor_is_the_one_sqlalchemy_gives(db_url: str,
                                                                    rows: list[dict[str, Any]]) -> None:
    engine = make_engine(db_url)
    try:
        META.create_all(engine)
        with engine.begin() as conn:
            conn.execute(delete(KINDS))
            if rows:
                conn.execute(insert(KINDS), [{"id": i, **r} for i, r in enumerate(rows)])
        for stmt in (select(KINDS).order_by(KINDS.c.id),
                     select(KINDS.c.at, KINDS.c.payload).where(KINDS.c.id >= 3).order_by(KINDS.c.id),
                     select(KINDS.c.flag, KINDS.c.day, KINDS.c.name).order_by(KINDS.c.id.desc())):
            got, want = read_frame(engine, stmt), _reference(engine, stmt)
            pd.testing.assert_frame_equal(got, want)
    finally:
        META.drop_all(engine)
        engine.dispose()
