"""A copy of a store's rows into another (empty, migrated) store: a dry run's scratch copy.

A dry run on PostgreSQL cannot copy a file; it copies the rows, table by table in
foreign-key order and in chunks, into a scratch SQLite store, and runs there.
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

import connectors.store.schema  # noqa: F401  (every table registered on the metadata)

CHUNK = 5000


def copy_store(source: Engine, target: Engine, chunk: int = CHUNK) -> dict[str, int]:
    """Every row of every table of ``source`` into ``target`` (same schema, empty); rows per table."""
    counts: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        for table in SQLModel.metadata.sorted_tables:
            result = src.execution_options(stream_results=True, yield_per=chunk).execute(select(table))
            n = 0
            for part in result.mappings().partitions(chunk):
                dst.execute(table.insert(), [dict(r) for r in part])
                n += len(part)
            counts[table.name] = n
    return counts
