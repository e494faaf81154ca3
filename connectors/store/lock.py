"""One run at a time on a database: an advisory lock on PostgreSQL, a file lock beside the
SQLite file. Both die with the process that holds them, so a crashed run never leaves the
store locked; a run that finds the lock taken waits or is refused with who holds it."""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text

LOCK_KEY = 0x7472_6961  # "tria": the advisory lock every run of this pipeline takes
APP_PREFIX = "triage-run:"


class RunLocked(RuntimeError):
    """Another run holds the store; the message says which, in Chinese."""

    def __init__(self, holder: str) -> None:
        self.holder = readable(holder)
        super().__init__(f"另一个运行正在使用数据库：{self.holder}。请等它结束后再试。")


def describe(kind: str) -> str:
    """Who holds the lock, in ASCII (PostgreSQL keeps application names in ASCII):
    ``kind|pid|host|started``."""
    return f"{kind}|{os.getpid()}|{socket.gethostname()[:20]}|{datetime.now():%Y-%m-%d %H:%M:%S}"


def readable(holder: str) -> str:
    """A holder as a coordinator reads it: nightly（2026-12-07 02:00:01 开始，进程 123@host）."""
    parts = holder.split("|")
    if len(parts) != 4:
        return holder or "未知的运行"
    kind, pid, host, started = parts
    return f"{kind}（{started} 开始，进程 {pid}@{host}）"


@contextmanager
def run_lock(engine: Engine, kind: str, wait_seconds: float = 0.0,
             poll_seconds: float = 0.5) -> Iterator[None]:
    """Hold the store's run lock for the block; wait up to ``wait_seconds`` for it."""
    holder = describe(kind)
    deadline = time.monotonic() + wait_seconds
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT set_config('application_name', :a, false)"),
                         {"a": (APP_PREFIX + holder)[:63]})
            conn.commit()
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar():
                conn.commit()
                if time.monotonic() >= deadline:
                    raise RunLocked(_pg_holder(engine))
                time.sleep(poll_seconds)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                conn.commit()
        return
    path = _lock_path(engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as fh:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    raise RunLocked(fh.read().strip() or "未知的运行") from None
                time.sleep(poll_seconds)
        fh.seek(0)
        fh.truncate()
        fh.write(holder)
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _lock_path(engine: Engine) -> Path:
    database = engine.url.database or ""
    if not database or database == ":memory:":
        raise ValueError("the run lock needs a database file")
    return Path(database).with_name(Path(database).name + ".run.lock")


def _pg_holder(engine: Engine) -> str:
    with engine.connect() as conn:
        name = conn.execute(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.objid = :k AND l.granted LIMIT 1"),
            {"k": LOCK_KEY}).scalar()
    return str(name).removeprefix(APP_PREFIX) if name else "未知的运行"
