"""A row the database refuses does not put its values into the error: errors reach logs,
Prefect's run pages and coordinators' screens (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from connectors.store.db import make_engine, upgrade
from connectors.store.schema import Lead

PHONE = "13912345678"
NAME = "欧阳秀英"
ID_NUMBER = "110114198507061234"


def _lead(**kw: datetime) -> Lead:
    return Lead(source="police", source_ref="J1", content_hash="h", reporter_name=NAME,
                reporter_phone=PHONE, reporter_id=ID_NUMBER, description=f"{NAME}称{PHONE}", **kw)


def test_a_refused_row_keeps_its_values_out_of_the_error(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    # a row without its required first_seen_at: PostgreSQL answers "Failing row contains
    # (…every value…)", SQLite names the column
    with pytest.raises(SQLAlchemyError) as refused, Session(engine) as s:
        s.add(_lead())
        s.commit()
    text = str(refused.value)
    assert "first_seen_at" in text
    assert PHONE not in text and NAME not in text and ID_NUMBER not in text
    stamp = datetime(2026, 12, 7)
    with Session(engine) as s:
        s.add(_lead(first_seen_at=stamp, updated_at=stamp))
        s.commit()
    with pytest.raises(SQLAlchemyError) as twice, Session(engine) as s:
        s.add(_lead(first_seen_at=stamp, updated_at=stamp))  # the unique key refuses it
        s.commit()
    assert "J1" not in str(twice.value).split("[SQL")[0]
