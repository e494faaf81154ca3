"""Database engine and schema upgrades (SQLite embedded, PostgreSQL in production)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlmodel import create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Chinese text as itself in JSON columns: a third of the bytes of \uXXXX escapes. One
# encoder for every call (``json.dumps`` with options builds a new one each time).
json_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_loads(text: str | bytes) -> Any:
    """JSON columns read by orjson: the outputs of a district read two million values a night,
    and the standard decoder took 14 s of the 35 s spent reading them. A value orjson refuses
    (``NaN``, which the standard encoder writes) is read by the standard decoder."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout. Bound values are
    never put into error messages (``hide_parameters``): a failing row holds names and phones,
    and errors reach logs and Prefect's run pages."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=json_dumps,
                               json_deserializer=json_loads, hide_parameters=True, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True, json_serializer=json_dumps,
                           json_deserializer=json_loads, hide_parameters=True, **kwargs)
    event.listen(engine, "handle_error", _without_row_values)
    return engine


def _without_row_values(context: Any) -> None:
    """PostgreSQL's own message quotes the refused row (DETAIL: Failing row contains …, Key
    (…)=(…)): keep the message, drop those lines, before anything logs or shows it."""
    orig = context.original_exception
    message = str(orig)
    if "DETAIL:" not in message:
        return
    kept = [line for line in message.splitlines() if not line.lstrip().startswith("DETAIL:")]
    redacted = "\n".join(kept) + "\n（出错行的内容已隐去）"
    orig.args = (redacted,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args:
        wrapped.args = (f"({type(orig).__module__}.{type(orig).__name__}) {redacted}",
                        *wrapped.args[1:])


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to ``engine`` and the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``; deployments upgrade in place."""
    command.upgrade(alembic_config(engine), revision)
