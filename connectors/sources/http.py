"""HTTP sources: agency systems that serve their records as paged JSON.

A pull asks for the records updated since the last completed pull and walks the
pages by cursor. Each page is ingested like a small file (a ``SourceFile`` of kind
``http_page`` whose raw rows are the records) in one transaction that also stores
the cursor, so a crash loses at most the page in flight and the next pull resumes
exactly after the last committed page. Records repeated or reordered across pages
are recognized by their reference and content: nothing is counted twice.

Servers are slow, time out and answer 429 or 5xx: requests are retried with
exponential backoff (honouring ``Retry-After``). The bearer token comes from an
environment variable or a Prefect Secret block, never from a committed file, and
never appears in a message or a log.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import Connection, select

from connectors.sources.ingest import FileOutcome, Ingestor
from connectors.store.schema import SourceCursor
from triage.domain import SOURCES

_CURSOR = SourceCursor.__table__  # type: ignore[attr-defined]


class HttpSourceError(Exception):
    """A pull that cannot go on; the message (in Chinese) says why, without secrets."""


class HttpSource(BaseModel):
    """One ``[[sources]]`` entry of ``data/config/http_sources.toml``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)  # the cursor's key; unique
    source: str  # which agency the records come from
    base_url: str
    page_size: int = Field(default=500, gt=0, le=10_000)
    token_env: str | None = None  # name of the environment variable holding the token
    prefect_secret: str | None = None  # name of a Prefect Secret block holding it
    timeout: float = Field(default=30.0, gt=0)  # seconds per request, body included
    max_retries: int = Field(default=5, ge=0)
    backoff: float = Field(default=1.0, ge=0)  # first retry wait, doubled each time
    max_backoff: float = Field(default=60.0, ge=0)
    max_pages: int = Field(default=10_000, gt=0)  # per pull: a cursor that never ends
    max_page_mb: float = Field(default=50, gt=0)
    initial_since: str | None = None  # where the very first pull starts
    records_field: str = "records"
    next_field: str = "next_cursor"
    updated_field: str = "updated_at"  # each record's last update, for the next pull
    since_param: str = "updated_since"
    cursor_param: str = "cursor"
    size_param: str = "page_size"

    @field_validator("source")
    @classmethod
    def _known_source(cls, v: str) -> str:
        if v not in SOURCES:
            raise ValueError(f"unknown source {v!r}; expected one of {', '.join(SOURCES)}")
        return v

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return v

    @model_validator(mode="after")
    def _one_token_place(self) -> HttpSource:
        if self.token_env and self.prefect_secret:
            raise ValueError("give token_env or prefect_secret, not both")
        return self


class HttpSourcesFile(BaseModel):
    """The whole ``http_sources.toml``."""

    model_config = ConfigDict(extra="forbid")

    sources: list[HttpSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> HttpSourcesFile:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate source names: {dupes}")
        return self


def resolve_token(cfg: HttpSource) -> str | None:
    """The bearer token from the environment or a Prefect Secret; ``None`` if none is set up."""
    if cfg.token_env:
        token = os.environ.get(cfg.token_env)
        if not token:
            raise HttpSourceError(f"环境变量 {cfg.token_env} 未设置，无法取得 {cfg.name} 的访问令牌")
        return token
    if cfg.prefect_secret:
        try:
            from prefect.blocks.system import Secret

            block: Any = Secret.load(cfg.prefect_secret)  # sync call outside async code
            value = block.get()
        except Exception as exc:
            raise HttpSourceError(
                f"无法读取 Prefect Secret {cfg.prefect_secret}: {type(exc).__name__}") from exc
        return str(value)
    return None


@dataclass
class Page:
    """One page as received: its bytes (for the page's sha256) and what it holds."""

    body: bytes
    records: list[dict[str, Any]]
    next_cursor: str | None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class PageFetcher:
    """Gets pages over one ``httpx.Client``, retrying what a retry can fix.

    Timeouts, connection errors, 429 and 5xx are retried with exponential backoff
    and jitter, waiting at least what ``Retry-After`` asks (up to ``max_backoff``);
    other 4xx answers and malformed JSON stop the pull at once.
    """

    def __init__(self, cfg: HttpSource, token: str | None, client: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.cfg = cfg
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.client = client or httpx.Client(timeout=httpx.Timeout(cfg.timeout))
        self.headers = headers
        self.sleep = sleep
        self.attempts = 0  # requests sent, retries included
        self.retries = 0

    def close(self) -> None:
        self.client.close()

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        delay = min(self.cfg.max_backoff, self.cfg.backoff * 2 ** attempt)
        delay *= random.uniform(0.5, 1.0)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.cfg.max_backoff))
        self.retries += 1
        self.sleep(delay)

    def _get(self, params: Mapping[str, str | int]) -> tuple[int, bytes, str | None]:
        """Status, body and Retry-After of one request; the body read within the deadline."""
        cap = int(self.cfg.max_page_mb * 1024 * 1024)
        deadline = time.monotonic() + self.cfg.timeout
        with self.client.stream("GET", self.cfg.base_url, params=dict(params),
                                headers=self.headers) as resp:
            body = bytearray()
            for block in resp.iter_bytes():
                body += block
                if len(body) > cap:
                    raise HttpSourceError(f"{self.cfg.name}: 单页超过 {self.cfg.max_page_mb:g} MB 上限")
                if time.monotonic() > deadline:  # a body that trickles in
                    raise httpx.ReadTimeout("响应体读取超时")
            return resp.status_code, bytes(body), resp.headers.get("Retry-After")

    def fetch(self, params: Mapping[str, str | int]) -> Page:
        last = ""
        for attempt in range(self.cfg.max_retries + 1):
            self.attempts += 1
            try:
                status, body, retry_after = self._get(params)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last = f"{type(exc).__name__}"
                if attempt < self.cfg.max_retries:
                    self._wait(attempt, None)
                continue
            if status == 429 or status >= 500:
                last = f"HTTP {status}"
                if attempt < self.cfg.max_retries:
                    self._wait(attempt, _retry_after(retry_after))
                continue
            if status in (401, 403):
                raise HttpSourceError(f"{self.cfg.name}: 接口拒绝访问（HTTP {status}），请检查访问令牌")
            if status >= 400:
                raise HttpSourceError(f"{self.cfg.name}: 接口返回 HTTP {status}")
            return self._page(body)
        raise HttpSourceError(
            f"{self.cfg.name}: 重试 {self.cfg.max_retries} 次后仍失败（最后一次: {last}）")

    def _page(self, body: bytes) -> Page:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpSourceError(f"{self.cfg.name}: 返回的不是有效的 JSON") from exc
        records = payload.get(self.cfg.records_field) if isinstance(payload, dict) else None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise HttpSourceError(
                f"{self.cfg.name}: JSON 中没有记录列表 {self.cfg.records_field!r}")
        nxt = payload.get(self.cfg.next_field)
        return Page(body, records, None if nxt in (None, "") else str(nxt))


@dataclass
class PullResult:
    """What one source's pull did."""

    name: str
    source: str
    status: str = "ok"  # ok | failed
    pages: int = 0
    records: int = 0
    retries: int = 0
    error: str | None = None
    outcomes: list[FileOutcome] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "status": self.status,
                "pages": self.pages, "records": self.records, "retries": self.retries,
                "error": self.error}


def _latest(records: Sequence[Mapping[str, Any]], field_name: str, current: str | None) -> str | None:
    """The latest update time among the records (ISO strings compare as times)."""
    best = current
    for rec in records:
        v = rec.get(field_name)
        if v is not None and (best is None or str(v) > best):
            best = str(v)
    return best


def load_cursor(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(_CURSOR).where(_CURSOR.c.name == name)).mappings().first()
    return dict(row) if row is not None else None


def _save_cursor(conn: Connection, values: dict[str, Any]) -> None:
    if load_cursor(conn, values["name"]) is None:
        conn.execute(_CURSOR.insert(), [values])
    else:
        conn.execute(_CURSOR.update().where(_CURSOR.c.name == values["name"]).values(**values))


def pull(ingestor: Ingestor, cfg: HttpSource, fetcher: PageFetcher,
         result: PullResult | None = None) -> PullResult:
    """Pull one source from its stored cursor to the last page, counting into ``result``.

    Raises ``HttpSourceError``; pages already committed stay committed, and the cursor
    with them, so the next pull resumes after them.
    """
    result = result or PullResult(cfg.name, cfg.source)
    with ingestor.engine.connect() as conn:
        state = load_cursor(conn, cfg.name) or {}
    since = state.get("updated_since") or cfg.initial_since
    cursor = state.get("page_cursor")
    high = state.get("high_water")
    for _ in range(cfg.max_pages):
        params: dict[str, str | int] = {cfg.size_param: cfg.page_size}
        if since:
            params[cfg.since_param] = since
        if cursor:
            params[cfg.cursor_param] = cursor
        page = fetcher.fetch(params)
        high = _latest(page.records, cfg.updated_field, high)
        done = page.next_cursor is None
        values = {
            "name": cfg.name, "source": cfg.source,
            "updated_since": (high or since) if done else since,
            "page_cursor": None if done else page.next_cursor,
            "high_water": None if done else high,
            "pages": int(state.get("pages") or 0) + result.pages + 1,
            "records": int(state.get("records") or 0) + result.records + len(page.records),
            "last_error": None, "updated_at": datetime.now().replace(microsecond=0),
        }
        label = f"{cfg.name} since={since or '-'} cursor={cursor or '-'}"

        def store_cursor(conn: Connection, v: dict[str, Any] = values) -> None:
            _save_cursor(conn, v)

        out = ingestor.ingest_records(cfg.source, label, page.body, page.records,
                                      extra_writes=store_cursor)
        result.outcomes.append(out)
        result.pages += 1
        result.records += len(page.records)
        result.retries = fetcher.retries
        if done:
            return result
        cursor = page.next_cursor
    raise HttpSourceError(f"{cfg.name}: 一次拉取超过 {cfg.max_pages} 页，已停止（游标可能循环）")


def record_failure(ingestor: Ingestor, cfg: HttpSource, error: str) -> None:
    """Keep the last error with the source's cursor, leaving the cursor itself as it was."""
    with ingestor.engine.begin() as conn:
        state = load_cursor(conn, cfg.name)
        values = {"name": cfg.name, "source": cfg.source, "last_error": error[:1000],
                  "updated_at": datetime.now().replace(microsecond=0)}
        if state is None:
            values.update(updated_since=cfg.initial_since, pages=0, records=0)
        _save_cursor(conn, values)


def pull_all(ingestor: Ingestor, sources: Sequence[HttpSource],
             client_factory: Callable[[HttpSource], httpx.Client] | None = None,
             ) -> list[PullResult]:
    """Pull every configured source; a failing source is recorded and the others go on."""
    results = []
    for cfg in sources:
        result = PullResult(cfg.name, cfg.source)
        fetcher: PageFetcher | None = None
        try:
            fetcher = PageFetcher(cfg, resolve_token(cfg),
                                  client_factory(cfg) if client_factory else None)
            pull(ingestor, cfg, fetcher, result)
        except HttpSourceError as exc:
            result.status, result.error = "failed", str(exc)
        except Exception as exc:  # a bug or the database: still only this source fails
            result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
        finally:
            if fetcher is not None:
                result.retries = fetcher.retries
                fetcher.close()
        if result.status == "failed":
            record_failure(ingestor, cfg, result.error or "")
        results.append(result)
    return results
