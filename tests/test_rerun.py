"""The rerun: a dry run changes nothing and says what would change; a real rerun over the
same range gives the same levels and routes, and a coordinator's confirmed route holds."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from connectors.resources import open_resources
from connectors.settings import REPO_DATA, Settings
from connectors.store import decisions
from connectors.store.reruns import cases_in_range
from connectors.store.schema import Assignment, Case
from flows.rerun import _dry_run, run_stages

from .exports import drop_demo


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith((".lock", "-wal", "-shm"))}


def _state(res) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    with Session(res.engine) as s:
        cases = dict(s.execute(select(Case.id, Case.risk_level).where(col(Case.status) == "open")).all())
        routes = {a.case_id: (a.id, a.mediator_id, a.route_status) for a in s.execute(
            select(Assignment).where(col(Assignment.is_current).is_(True))).scalars()}
    return {c: (lvl, routes.get(c)) for c, lvl in cases.items()}


@pytest.fixture
def home(tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path / "home", database_url=None, data_dir=REPO_DATA)
    res = open_resources(settings)
    drop_demo(settings.inbox, 50, 13)
    run_stages(res, None, ["ingest", "link", "score", "route", "outputs"], set())
    return settings


def test_a_dry_run_changes_nothing_and_reports_what_would_change(home: Settings) -> None:
    drop_demo(home.inbox, 60, 14)  # new exports wait in the inbox
    # committed pages still in SQLite's write-ahead log would move into the file whenever a
    # connection closes, changing its bytes but not its content: settle them first
    with closing(sqlite3.connect(home.home / "triage.db")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _tree(home.home)
    report = _dry_run(home, ["ingest", "link", "score", "route", "alerts", "outputs"], None, None, None)
    assert _tree(home.home) == before  # store, inbox, index and outputs untouched
    assert report["dry_run"] and report["ingest"]["leads_new"] > 0
    assert report["would_change_levels"] >= 0 and "would_change_routes" in report


def test_a_dry_run_on_either_store_changes_nothing(tmp_path: Path, db_url: str) -> None:
    """On SQLite it runs on a copy of the file; on PostgreSQL on a scratch SQLite store its rows
    are copied into. Either way the store, the inbox and the outputs are as they were."""
    settings = Settings(home=tmp_path / "h", database_url=db_url, data_dir=REPO_DATA)
    res = open_resources(settings)
    drop_demo(settings.inbox, 30, 15)
    run_stages(res, None, ["ingest", "link", "score", "route"], set())
    drop_demo(settings.inbox, 20, 16)
    state, inbox = _state(res), _tree(settings.inbox)
    report = _dry_run(settings, ["ingest", "link", "score", "route", "alerts", "outputs"],
                      None, None, None)
    assert report["dry_run"] and report["ingest"]["leads_new"] > 0
    assert _state(res) == state and _tree(settings.inbox) == inbox
    assert not (settings.home / "outputs").exists() or not any((settings.home / "outputs").rglob("*.xlsx"))


def test_a_rerun_of_a_range_is_reproducible_and_keeps_a_confirmed_route(home: Settings) -> None:
    res = open_resources(home)
    cases = cases_in_range(res.engine, None, None, ["police"])
    assert cases
    first = _state(res)
    confirmed = next(c for c in sorted(cases) if first[c][1] and first[c][1][1])
    decisions.confirm(res.engine, confirmed, "李协调")
    run_stages(res, None, ["score", "route"], cases)
    once = _state(res)
    run_stages(res, None, ["score", "route"], cases)
    twice = _state(res)
    assert once == twice  # same levels, same routes, not even rewritten
    assert {c: v[0] for c, v in once.items()} == {c: v[0] for c, v in first.items()}
    assert once[confirmed][1] == first[confirmed][1]
