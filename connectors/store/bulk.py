"""Bulk inserts inside an open SQLAlchemy transaction, at driver speed.

SQLAlchemy's executemany builds each row's parameters in Python, which costs more
than normalizing the row did. Here rows go straight to the driver on the same
connection (so the surrounding transaction still covers them): PostgreSQL through
``COPY ... FROM STDIN``, SQLite through ``executemany`` with values converted by the
very SQLAlchemy type processors a normal insert would use, so reads see the same
stored forms either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, DateTime, Integer, String, Table, bindparam, update
from sqlalchemy.exc import DBAPIError

from connectors.store.db import json_dumps

_Processor = Callable[[Any], Any] | None


def _sqlite_datetime(v: Any) -> Any:
    # SQLAlchemy's SQLite DATETIME storage format, at C speed.
    return v.isoformat(" ", "microseconds") if isinstance(v, datetime) else v


def processors(conn: Connection, table: Table, columns: Sequence[str]) -> list[_Processor]:
    """Per column, what turns a Python value into what the driver stores (or ``None``)."""
    out: list[_Processor] = []
    postgres = conn.dialect.name == "postgresql"
    for c in columns:
        kind = table.c[c].type
        if isinstance(kind, JSON):
            out.append(json_dumps)
        elif postgres or isinstance(kind, (Boolean, Integer, String)):
            out.append(None)  # the driver adapts these itself
        elif isinstance(kind, DateTime):
            out.append(_sqlite_datetime)
        else:
            out.append(kind._cached_bind_processor(conn.dialect))
    return out


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]],
                columns: Sequence[str] | None = None) -> None:
    """Insert ``rows`` (dicts; missing keys are NULL) into ``table`` in one driver call.

    Values must already be valid for their columns: nothing is validated here.
    """
    if not rows:
        return
    cols = list(columns) if columns is not None else [c.name for c in table.columns
                                                      if c.name in rows[0]]
    procs = processors(conn, table, cols)
    convert = [(i, p) for i, p in enumerate(procs) if p is not None]
    tuples: list[Sequence[Any]] = []
    for row in rows:
        values = list(map(row.get, cols))
        for i, p in convert:
            v = values[i]
            if v is not None:
                values[i] = p(v)
        tuples.append(values)
    insert_tuples(conn, table, cols, tuples, converted=True)


def insert_tuples(conn: Connection, table: Table, columns: Sequence[str],
                  tuples: Sequence[Sequence[Any]], *, converted: bool = False) -> None:
    """Insert rows given as tuples in ``columns`` order (JSON columns as serialized text
    when ``converted``, else as Python values)."""
    if not tuples:
        return
    if not converted:
        procs = processors(conn, table, columns)
        if any(procs):
            tuples = [tuple(v if v is None or p is None else p(v)
                            for v, p in zip(t, procs, strict=True)) for t in tuples]
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    quoted = ", ".join(f'"{c}"' for c in columns)
    driver_error = conn.dialect.loaded_dbapi.Error
    if conn.dialect.name == "postgresql":
        sql = f'COPY "{table.name}" ({quoted}) FROM STDIN'
        try:
            with dbapi.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[attr-defined]
                for t in tuples:
                    copy.write_row(t)
        except driver_error as exc:  # as SQLAlchemy would raise it
            raise DBAPIError.instance(sql, None, exc, driver_error) from exc
        return
    marks = ", ".join("?" for _ in columns)
    execute_many(conn, f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', tuples)


def execute_many(conn: Connection, sql: str, params: Sequence[Any]) -> None:
    """Run ``sql`` once per parameter set in one driver call, inside ``conn``'s transaction;
    a driver error is raised as SQLAlchemy raises it, without the rows' values."""
    if not params:
        return
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    driver_error = conn.dialect.loaded_dbapi.Error
    cur = dbapi.cursor()
    try:
        cur.executemany(sql, params)
    except driver_error as exc:
        raise DBAPIError.instance(sql, None, exc, driver_error) from exc
    finally:
        cur.close()


def update_column(conn: Connection, table: Table, key: str, column: str,
                  pairs: Sequence[tuple[Any, Any]]) -> None:
    """Set ``column`` to each pair's value on the row whose ``key`` is the pair's key, in
    one driver call; values go as given (plain numbers and text)."""
    stmt = update(table).where(table.c[key] == bindparam("k")).values({column: bindparam("v")})
    compiled = stmt.compile(dialect=conn.dialect)
    order = compiled.positiontup
    params: list[Any] = ([tuple(k if n == "k" else v for n in order) for k, v in pairs] if order
                         else [{"k": k, "v": v} for k, v in pairs])
    execute_many(conn, compiled.string, params)
