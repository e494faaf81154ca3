"""The key of the link index's phone and ID hashes: from the environment, Prefect, or the store.

Resolved in that order: ``TRIAGE_LINK_KEY``; the Prefect Secret block named by
``TRIAGE_LINK_KEY_BLOCK``; else a random key made once and kept in the
database (``app_secret``), so the embedded default needs no set-up and the key
never lies in the folder beside the index.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from connectors.settings import Settings
from connectors.store.access import now
from connectors.store.schema import StoredSecret

LINK_KEY = "link_key"
MIN_KEY = 16


class SecretUnavailable(RuntimeError):
    """A configured secret could not be read (the Prefect block is missing, say)."""


def link_key(engine: Engine, settings: Settings) -> bytes:
    """The deployment's key for pseudonymizing phone and ID numbers in the link index."""
    if settings.link_key is not None and settings.link_key.get_secret_value():
        return _long_enough(settings.link_key.get_secret_value(), "TRIAGE_LINK_KEY")
    if settings.link_key_block:
        return _long_enough(_prefect_secret(settings.link_key_block), settings.link_key_block)
    return stored_secret(engine, LINK_KEY).encode("utf-8")


def _long_enough(value: str, where: str) -> bytes:
    """A key short enough to guess would let anyone with the index test every phone number."""
    if len(value) < MIN_KEY:
        raise SecretUnavailable(f"{where} 太短：关联索引的密钥至少 {MIN_KEY} 个字符（建议随机 64 位十六进制）")
    return value.encode("utf-8")


def _prefect_secret(block: str) -> str:
    from prefect.blocks.system import Secret

    try:
        value = Secret.load(block).get()  # type: ignore[union-attr]
    except Exception as exc:  # a missing block or no API: say which block, not the value
        raise SecretUnavailable(f"Prefect Secret 块 {block!r} 无法读取: {type(exc).__name__}") from exc
    return str(value)


def stored_secret(engine: Engine, name: str) -> str:
    """The secret ``name`` kept in the database, made (random, 256 bits) on first use."""
    with Session(engine) as s, s.begin():
        found = s.execute(select(col(StoredSecret.value)).where(col(StoredSecret.name) == name)).scalar()
        if found is not None:
            return str(found)
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        s.execute(dialect.insert(StoredSecret.__table__).values(  # type: ignore[attr-defined]
            name=name, value=secrets.token_hex(32), created_at=now(),
        ).on_conflict_do_nothing(index_elements=["name"]))  # two workers at once: one wins
        return str(s.execute(select(col(StoredSecret.value)).where(col(StoredSecret.name) == name)).scalar_one())
