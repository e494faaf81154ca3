"""Migrations build the schema the models describe, on both databases, in place."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import connectors.store.schema  # noqa: F401
from connectors.store.db import make_engine, upgrade


def test_upgrade_matches_models_and_is_repeatable(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)  # in place, twice: nothing to do the second time
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == []
