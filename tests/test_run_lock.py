"""One run at a time on a store, across real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connectors.store.db import make_engine
from connectors.store.lock import RunLocked, run_lock

ROOT = Path(__file__).resolve().parent.parent
HOLD = """
import sys, time
from connectors.store.db import make_engine
from connectors.store.lock import run_lock
with run_lock(make_engine(sys.argv[1]), "nightly"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(url: str, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, url, str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_run_is_refused_with_who_holds_it_then_waits_its_turn(db_url: str) -> None:
    engine = make_engine(db_url)
    proc = _holder(db_url, 3)
    try:
        with pytest.raises(RunLocked) as refused, run_lock(engine, "manual"):
            pass
        assert "nightly" in str(refused.value) and f"进程 {proc.pid}" in str(refused.value)
        started = time.monotonic()
        with run_lock(engine, "manual", wait_seconds=30, poll_seconds=0.2):
            waited = time.monotonic() - started
        assert proc.wait(10) == 0 and waited > 0.5
    finally:
        proc.kill()


def test_a_killed_run_leaves_no_lock_behind(db_url: str) -> None:
    engine = make_engine(db_url)
    proc = _holder(db_url, 60)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with run_lock(engine, "manual", wait_seconds=10, poll_seconds=0.2):
        pass
