"""Start the machine's PostgreSQL 15 and create the test role and database.

Used by the test suite (and by ``.ci/run``): tests that need PostgreSQL start it
themselves. Prints nothing; returns the URL or raises with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import psycopg

ROLE = "triage_test"
PASSWORD = "triage_test"  # a throwaway local test role on 127.0.0.1 only
DATABASE = "triage_test"
URL = f"postgresql+psycopg://{ROLE}:{PASSWORD}@127.0.0.1:5432/{DATABASE}"


def _psql(sql: str) -> str:
    out = subprocess.run(
        ["su", "postgres", "-c", f'psql -tAc "{sql}"'],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def _reachable() -> bool:
    try:
        with psycopg.connect(URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def ensure_test_database() -> str:
    """Return a URL of a ready test database, starting the local cluster if needed."""
    if _reachable():
        return URL
    if shutil.which("pg_ctlcluster") is None:
        raise RuntimeError("PostgreSQL 15 is not installed (no pg_ctlcluster)")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"],
        capture_output=True, text=True,
    )
    for _ in range(30):
        try:
            _psql("select 1")
            break
        except subprocess.CalledProcessError:
            time.sleep(1)
    if _psql(f"select 1 from pg_roles where rolname='{ROLE}'") != "1":
        _psql(f"create role {ROLE} login createdb password '{PASSWORD}'")
    if _psql(f"select 1 from pg_database where datname='{DATABASE}'") != "1":
        _psql(f"create database {DATABASE} owner {ROLE}")
    if not _reachable():
        raise RuntimeError("PostgreSQL started but the test database is not reachable")
    return URL


if __name__ == "__main__":
    print(ensure_test_database())
