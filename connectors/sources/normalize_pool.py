"""Chunks of rows normalized into leads in stored form, by worker processes.

Normalizing a row costs more than writing it, so the chunks of a large file go to a
pool of worker processes while the writing process reads the next rows and writes
finished ones; a file of one chunk is normalized in place (starting workers would
cost more). Rows come and prepared chunks go as ``marshal`` bytes, far cheaper to
hand over than pickles. Bulk ingestion allocates millions of short-lived containers,
so the cyclic garbage collector runs rarely while it goes on (``relaxed_gc``).
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypeVar

from connectors.processes import without_main
from connectors.sources.files import RowChunk
from connectors.store.db import json_dumps
from connectors.store.stored_forms import json_text, json_value, stored_lead
from triage.normalize.headers import SourceSpec
from triage.normalize.lead import NormalizeContext, canonicalize


@dataclass
class Prepared:
    """A chunk made ready for the database (in a worker, off the writing process).

    ``leads`` are lists in ``LEAD_COLUMNS`` order holding the stored forms (JSON as
    text, times as ISO text); the writer fills in ids, row links and timestamps.
    """

    raw_json: list[str]
    leads: list[list[Any]]
    lead_rows: list[int]
    rejected: list[dict[str, Any]]


def prepare_chunk(
    source: str, columns: Mapping[str, int], headers: Sequence[str],
    rows: Sequence[Sequence[object]], scrubbed: Mapping[int, Sequence[int]],
    ctx: NormalizeContext, raw_is_text: bool,
) -> Prepared:
    """Normalize a chunk and put every row in the form it is stored in."""
    batch = canonicalize(source, columns, headers, rows, ctx, scrubbed)
    raw_json = ([json_text(r) for r in rows] if raw_is_text
                else [json_dumps([json_value(v) for v in r]) for r in rows])
    return Prepared(raw_json, [stored_lead(lead) for lead in batch.leads], batch.lead_rows,
                    batch.rejected)


# Bulk ingestion allocates millions of short-lived containers; at Python's default
# thresholds the cyclic collector runs every 700 of them and costs a fifth of the
# time. Reference counting frees them anyway: collect far less often while ingesting.
_GC_THRESHOLDS = (50_000, 20, 100)
_WORKER_GC_THRESHOLDS = (1_000_000, 50, 1000)
_WORKER_CTX: NormalizeContext | None = None
_WORKER_SPECS: list[SourceSpec] = []
T = TypeVar("T")


@contextlib.contextmanager
def relaxed_gc() -> Iterator[None]:
    """Collect cyclic garbage less often inside the block (see ``_GC_THRESHOLDS``)."""
    before = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _worker_start() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from a server process that has imported this
    module once, so that every worker is ready at once; spawned (each importing it anew,
    one after the other, with the writer waiting) where there is no fork server. Never a
    plain fork of this process, which runs threads."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    start = multiprocessing.get_context("forkserver")
    start.set_forkserver_preload([__name__])  # no effect once the server runs
    return start


def _init_worker(ctx: NormalizeContext, specs: list[SourceSpec]) -> None:
    global _WORKER_CTX, _WORKER_SPECS
    _WORKER_CTX = ctx
    _WORKER_SPECS = specs
    # A worker only normalizes chunks and lives for one batch of files: its garbage is
    # freed by reference counting, so the cyclic collector may run very rarely.
    gc.set_threshold(*_WORKER_GC_THRESHOLDS)
    gc.freeze()  # the gazetteer and taxonomy live as long as the worker


def _prepare_in_worker(
    source: str, columns: dict[str, int], headers: list[str], rows: bytes | list[list[object]],
    scrubbed: dict[int, list[int]], raw_is_text: bool,
) -> bytes:
    """``prepare_chunk`` in a worker; text rows come and prepared rows go as ``marshal``
    bytes, which for lists of strings and numbers cost a fraction of pickling them (the
    writing process pays half of that hand-off)."""
    assert _WORKER_CTX is not None, "worker started without its normalize context"
    table: list[list[object]] = marshal.loads(rows) if isinstance(rows, bytes) else rows
    p = prepare_chunk(source, columns, headers, table, scrubbed, _WORKER_CTX, raw_is_text)
    return marshal.dumps((p.raw_json, p.leads, p.lead_rows, p.rejected))


def _call_with_context(fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    """``fn(*args, ctx=…, specs=…)`` in a worker, with the worker's normalize context and
    source specs (sent once, when it started)."""
    assert _WORKER_CTX is not None, "worker started without its normalize context"
    return fn(*args, ctx=_WORKER_CTX, specs=_WORKER_SPECS)


def _unpack(packed: bytes) -> Prepared:
    return Prepared(*marshal.loads(packed))


class NormalizePool:
    """Worker processes (``workers`` of them; 1: none) that outlive one file.

    They start with the first file of more than one chunk and stop with ``close``.
    """

    def __init__(self, ctx: NormalizeContext, workers: int,
                 specs: Sequence[SourceSpec] = ()) -> None:
        self.ctx = ctx
        self.specs = list(specs)
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _started(self) -> ProcessPoolExecutor | None:
        if self.workers <= 1:
            return None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=_worker_start(),
                initializer=_init_worker, initargs=(self.ctx, self.specs))
        return self._pool

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T] | None:
        """Run ``fn(*args, ctx=…, specs=…)`` in a worker (a module-level function: it is pickled by
        name); None where there are no workers."""
        pool = self._started()
        if pool is None:
            return None
        with without_main():  # the first submissions start the workers
            return pool.submit(_call_with_context, fn, args)

    def prepared(
        self, source: str, columns: dict[str, int], headers: list[str], raw_is_text: bool,
        chunks: Iterator[RowChunk],
    ) -> Iterator[tuple[RowChunk, Prepared]]:
        """Each chunk, prepared for the database, in order; in worker processes once there
        is more than one chunk, while the caller reads ahead and writes."""
        first = next(chunks, None)
        if first is None:
            return
        second = next(chunks, None)
        head = [first] if second is None else [first, second]
        pool = self._started() if second is not None else None
        if pool is None:
            for chunk in chain(head, chunks):
                yield chunk, prepare_chunk(source, columns, headers, chunk.rows, chunk.scrubbed,
                                           self.ctx, raw_is_text)
            return
        ahead = 2 * self.workers
        pending: deque[tuple[RowChunk, Future[bytes]]] = deque()
        try:
            for chunk in chain(head, chunks):
                rows = marshal.dumps(chunk.rows) if raw_is_text else chunk.rows  # xlsx: dates
                with without_main():
                    pending.append((chunk, pool.submit(
                        _prepare_in_worker, source, columns, headers, rows, chunk.scrubbed,
                        raw_is_text)))
                if len(pending) > ahead:
                    done, fut = pending.popleft()
                    yield done, _unpack(fut.result())
            while pending:
                done, fut = pending.popleft()
                yield done, _unpack(fut.result())
        finally:
            for _, fut in pending:
                fut.cancel()
