"""Shared fixtures: a real SQLite file and a real PostgreSQL database per test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="triage-prefect-"))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from connectors.resources import Resources, open_resources
from connectors.settings import REPO_DATA, Settings
from connectors.store.db import make_engine

from .postgres import ensure_test_database

_pg_url: str | None = None
_pg_error: str | None = None


def _postgres_url() -> str:
    global _pg_url, _pg_error
    if _pg_url is None and _pg_error is None:
        try:
            _pg_url = os.environ.get("TRIAGE_TEST_DATABASE_URL") or ensure_test_database()
        except Exception as exc:
            _pg_error = str(exc)
    if _pg_url is None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {_pg_error}")
        pytest.skip(f"PostgreSQL not available: {_pg_error}")
    return _pg_url


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or the PostgreSQL test database reset."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'triage.db'}"
    url = _postgres_url()
    _reset_postgres(url)
    return url


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(home=tmp_path / "home", database_url=db_url, data_dir=REPO_DATA)


@pytest.fixture
def res(settings: Settings) -> Iterator[Resources]:
    resources = open_resources(settings)
    yield resources
    resources.engine.dispose()


@pytest.fixture(scope="session")
def config():  # type: ignore[no-untyped-def]
    from connectors.config import load_config

    return load_config(REPO_DATA)
