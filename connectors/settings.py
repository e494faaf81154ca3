"""Deployment settings read from the environment (``TRIAGE_*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from triage.domain import SOURCES

REPO_DATA = Path(__file__).resolve().parent.parent / "data"


class Settings(BaseSettings):
    """Where the pipeline keeps its database, drop folder and outputs.

    ``TRIAGE_HOME`` defaults to ``./triage_home``; ``TRIAGE_DATABASE_URL``
    defaults to a SQLite file inside it; ``TRIAGE_DATA_DIR`` points at the
    configuration files (gazetteer, rosters, lexicons, source headers).
    ``TRIAGE_LINK_KEY`` (or the Prefect Secret block named by
    ``TRIAGE_LINK_KEY_BLOCK``) is the key of the link index's phone and ID hashes;
    without either, the pipeline makes one and keeps it in the database.
    """

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.cwd() / "triage_home")
    database_url: str | None = None
    data_dir: Path = REPO_DATA
    link_key: SecretStr | None = None
    link_key_block: str | None = None

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'triage.db').resolve()}"

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def processed(self) -> Path:
        return self.home / "processed"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def outputs(self) -> Path:
        return self.home / "outputs"

    @property
    def models(self) -> Path:
        """The linking weights and the link index (no personal data in clear)."""
        return self.home / "models"

    def ensure_folders(self) -> None:
        """Create the home, the per-source inbox subfolders and the output folders."""
        for sub in SOURCES:
            (self.inbox / sub).mkdir(parents=True, exist_ok=True)
        for folder in (self.processed, self.quarantine, self.outputs):
            folder.mkdir(parents=True, exist_ok=True)
