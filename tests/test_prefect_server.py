"""The production path, for real: a local Prefect server, prefect.yaml deployed to a process
work pool, a worker that runs what the deployments ask (SQLite and PostgreSQL stores)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from connectors.store.db import make_engine
from connectors.store.schema import Alert, AlertDelivery, Assignment, Lead, Run

from .exports import POLICE_HEADERS, drop_demo, red_police_row, write_csv

ROOT = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prefect_database() -> str | None:
    """A PostgreSQL database of its own for the Prefect server, as production runs it (with
    pg_trgm), or None where the machine has no PostgreSQL for tests."""
    from .conftest import _postgres_url

    try:
        url = _postgres_url()
    except pytest.skip.Exception:
        return None
    import psycopg

    plain = url.replace("+psycopg", "")
    name = f"prefect_{os.getpid()}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(plain.rsplit("/", 1)[0] + f"/{name}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return url.replace("+psycopg", "+asyncpg").rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A Prefect server on 127.0.0.1, its own database in PostgreSQL where the machine has
    it, with this repository's prefect.yaml deployed."""
    home = tmp_path_factory.mktemp("prefect")
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "TRIAGE_CODE_DIR": str(ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    database = _prefect_database()
    if database:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database
    env.pop("PREFECT_API_KEY", None)
    proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the Prefect server did not start"
            time.sleep(1)
        subprocess.run([PREFECT, "work-pool", "create", "triage", "--type", "process"], env=env,
                       check=True, capture_output=True, cwd=ROOT)
        deployed = subprocess.run([PREFECT, "--no-prompt", "deploy", "--all"], env=env,
                                  capture_output=True, text=True, cwd=ROOT)
        assert deployed.returncode == 0, deployed.stdout[-2000:] + deployed.stderr[-2000:]
        yield env
    finally:
        proc.terminate()
        proc.wait(30)
        if database:
            import psycopg

            admin = database.replace("+asyncpg", "").rsplit("/", 1)
            with psycopg.connect(admin[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {admin[1]} WITH (FORCE)")


def _run(env: dict[str, str], deployment: str, *params: str) -> None:
    """Trigger a deployment and let one worker pass run it."""
    args = [PREFECT, "deployment", "run", deployment]
    for p in params:
        args += ["--param", p]
    subprocess.run(args, env=env, check=True, capture_output=True, cwd=ROOT)
    worker = subprocess.run([PREFECT, "worker", "start", "--pool", "triage", "--run-once"],
                            env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]


def _count(engine, stmt) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return int(s.execute(stmt).scalar_one())


def test_deployments_run_on_a_worker_rerun_then_watch(server: dict[str, str], db_url: str,
                                                      tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**server, "TRIAGE_HOME": str(home), "TRIAGE_DATABASE_URL": db_url}
    manifest = drop_demo(home / "inbox", 20, 3)
    _run(env, "rerun-triage/rerun", "wait_seconds=0")
    engine = make_engine(db_url)
    with Session(engine) as s:
        runs = s.execute(select(Run.kind, Run.status)).all()
    assert ("rerun", "completed") in [tuple(r) for r in runs]
    assert _count(engine, select(func.count()).select_from(Lead)) == manifest.total_leads
    assert _count(engine, select(func.count()).select_from(Assignment)) > 0
    # the watch path: a red incident dropped into the inbox reaches its alert
    red = write_csv(home / "inbox" / "police" / "警情_红.csv", POLICE_HEADERS,
                    [red_police_row("J2026000009")])
    os.utime(red, (time.time() - 60, time.time() - 60))  # settled: not still being copied
    alerts_before = _count(engine, select(func.count()).select_from(Alert))
    _run(env, "watch-inbox/watch")
    assert not red.exists()
    assert _count(engine, select(func.count()).select_from(Alert)) > alerts_before
    assert _count(engine, select(func.count()).select_from(AlertDelivery)) >= 3
    with Session(engine) as s:
        kinds = [r[0] for r in s.execute(select(Run.kind)).all()]
    assert "watch" in kinds
    shutil.rmtree(home, ignore_errors=True)
