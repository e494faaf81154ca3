"""The ledger of ingested units (``source_file``): files and HTTP pages, by their bytes.

A unit's bytes (SHA-256) identify it: bytes ingested before are a duplicate, refused
bytes are kept as quarantined with the reason, and an ingested unit's record carries
its counts. A quarantined or failed record of the same bytes gives way when they are
ingested after all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from connectors.store.ids import Ids
from connectors.store.schema import SourceFile

_FILE = SourceFile.__table__  # type: ignore[attr-defined]


def ingested_with_digest(engine: Engine, digest: str) -> SourceFile | None:
    """The ingested file or page with these bytes, if any."""
    with engine.connect() as conn:
        row = conn.execute(select(_FILE).where(
            _FILE.c.sha256 == digest, _FILE.c.status == "ingested")).mappings().first()
    return SourceFile.model_validate(dict(row)) if row is not None else None


def record_quarantined(engine: Engine, values: Mapping[str, Any]) -> None:
    """Record (or refresh) a refused unit in its own transaction; never over an ingested one."""
    with engine.begin() as conn:
        ins: Any = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(_FILE)
        stmt = ins.values(**values).on_conflict_do_update(
            index_elements=["sha256"],
            set_={k: ins.excluded[k] for k in ("name", "error", "headers", "run_id",
                                               "ingested_at")},
            where=_FILE.c.status != "ingested")
        conn.execute(stmt)


def insert_ingested(conn: Connection, ids: Ids, values: Mapping[str, Any]) -> int:
    """Start a unit's record (status ``ingested``) in its transaction; its id.

    Its first statement deletes an earlier record of the same bytes that was not
    ingested: on SQLite that takes the write lock ``Ids`` relies on.
    """
    conn.execute(_FILE.delete().where(_FILE.c.sha256 == values["sha256"],
                                      _FILE.c.status != "ingested"))
    file_id = ids.take("source_file", 1)[0]
    conn.execute(_FILE.insert(), [{"id": file_id, **values, "status": "ingested"}])
    return file_id


def set_counts(conn: Connection, file_id: int, counts: Mapping[str, int]) -> None:
    """Store a unit's counts (rows in, leads new/updated/unchanged, rejected, blank rows)."""
    conn.execute(update(_FILE).where(_FILE.c.id == file_id).values(**counts))
