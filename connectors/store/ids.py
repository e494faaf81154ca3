"""Primary keys handed out before a bulk insert.

Bulk inserts (``insert_tuples``) return no ids, yet raw rows, leads and rejected rows
refer to each other and to their file: taking the ids first links them without one
RETURNING round trip per row.
"""

from __future__ import annotations

from sqlalchemy import Connection, text


class Ids:
    """Ids of one transaction's bulk inserts, per table.

    PostgreSQL takes them from the table's sequence. SQLite continues from the
    largest id: the file's transaction holds SQLite's single write lock from its first
    statement (a delete) on, so no one else can take the same numbers.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.next: dict[str, int] = {}

    def take(self, table: str, n: int) -> list[int]:
        """``n`` unused ids of ``table``, in increasing order."""
        if n <= 0:
            return []
        if self.postgres:
            rows = self.conn.execute(
                text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                {"t": table, "n": n})
            return [r[0] for r in rows]
        if table not in self.next:
            self.next[table] = int(self.conn.execute(
                text(f'SELECT coalesce(max(id), 0) FROM "{table}"')).scalar_one()) + 1
        start = self.next[table]
        self.next[table] = start + n
        return list(range(start, start + n))
