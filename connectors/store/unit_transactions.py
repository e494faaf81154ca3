"""One transaction per ingested unit, with SQLite's checkpoint moved off the commit.

On SQLite, copying the write-ahead log into the database after a large commit (the
checkpoint) takes seconds of mostly waiting for the disk; it runs in a background
thread instead of at the commit, so the next file starts at once; and not after every
unit (a backfill of a thousand small files checkpointed a thousand times, a fifth of
the writer's time) but every ``CHECKPOINT_UNITS`` units, after a unit that grew the log
by ``CHECKPOINT_WAL_BYTES`` or more, and when ingestion ends.
A checkpoint is maintenance: committed data is safe in the log already.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator

from sqlalchemy import Connection, Engine

CHECKPOINT_UNITS = 64
CHECKPOINT_WAL_BYTES = 32 << 20


class UnitTransactions:
    """Opens the units' transactions on ``engine``; ``close`` waits for a checkpoint."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._checkpoint: threading.Thread | None = None
        self._unsettled = 0  # units committed since the last checkpoint started
        self._wal_bytes = 0  # the log's size then (it is reused, not shrunk, once checkpointed)

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """One unit's transaction: committed when the block ends, rolled back if it raises."""
        engine = self.engine
        sqlite_file = engine.dialect.name == "sqlite" and engine.url.database not in (
            None, "", ":memory:")
        with engine.connect() as conn:
            if sqlite_file:
                conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
                conn.commit()
            try:
                with conn.begin():
                    yield conn
            finally:
                if sqlite_file:
                    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=1000")
                    conn.commit()
        if sqlite_file:
            self._unsettled += 1
            database = str(engine.url.database)
            if (self._unsettled >= CHECKPOINT_UNITS
                    or _size(database + "-wal") >= self._wal_bytes + CHECKPOINT_WAL_BYTES):
                self._start_checkpoint(database)

    def close(self) -> None:
        """Checkpoint what the last units wrote, and wait for it."""
        if self._unsettled:
            self._start_checkpoint(str(self.engine.url.database))
        self._wait()

    def _wait(self) -> None:
        if self._checkpoint is not None:
            self._checkpoint.join()
            self._checkpoint = None

    def _start_checkpoint(self, database: str) -> None:
        self._wait()
        self._unsettled = 0
        self._wal_bytes = _size(database + "-wal")

        def checkpoint() -> None:
            with contextlib.suppress(sqlite3.Error), contextlib.closing(
                    sqlite3.connect(database, timeout=60)) as db:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")

        self._checkpoint = threading.Thread(target=checkpoint, name="sqlite-checkpoint",
                                            daemon=True)
        self._checkpoint.start()


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
