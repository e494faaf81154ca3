"""What every stage is handed: settings, the database and the loaded configuration.

Resources are injected into the stages (``flows/stages``) so a test builds its
own (a temporary home, a real SQLite or PostgreSQL database) and calls a stage
directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from connectors.config import TriageConfig, load_config
from connectors.settings import Settings
from connectors.store.db import make_engine, upgrade


@dataclass
class Resources:
    """What every stage is handed: settings, the database and the loaded configuration."""

    settings: Settings
    engine: Engine
    config: TriageConfig


def open_resources(settings: Settings | None = None, *, migrate: bool = True) -> Resources:
    """Load configuration, open the database and bring its schema up to date."""
    settings = settings or Settings()
    config = load_config(settings.data_dir)
    settings.ensure_folders()
    engine = make_engine(settings.db_url)
    if migrate:
        upgrade(engine)
    return Resources(settings, engine, config)
