"""One transaction per ingested unit, with SQLite's checkpoint moved off the commit.

On SQLite, copying the write-ahead log into the database after a large commit (the
checkpoint) takes seconds of mostly waiting for the disk; it runs in a background
thread instead of at the commit, so the next file starts at once. A checkpoint is
maintenance: committed data is safe in the log already.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator

from sqlalchemy import Connection, Engine


class UnitTransactions:
    """Opens the units' transactions on ``engine``; ``close`` waits for a checkpoint."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._checkpoint: threading.Thread | None = None

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
            self._start_checkpoint(str(engine.url.database))

    def close(self) -> None:
        """Wait for the checkpoint in flight, if any."""
        if self._checkpoint is not None:
            self._checkpoint.join()
            self._checkpoint = None

    def _start_checkpoint(self, database: str) -> None:
        self.close()

        def checkpoint() -> None:
            with contextlib.suppress(sqlite3.Error), contextlib.closing(
                    sqlite3.connect(database, timeout=60)) as db:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")

        self._checkpoint = threading.Thread(target=checkpoint, name="sqlite-checkpoint",
                                            daemon=True)
        self._checkpoint.start()
