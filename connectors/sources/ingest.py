"""Ingest export files and HTTP pages into the database, each all or nothing.

Each file (or page) is one transaction: its record, its raw rows (lineage), its
leads (new, corrected or unchanged) and its rejected rows, so a crash in the middle
leaves the database as it was. Rows stream through in chunks: the chunks of a large
file are normalized and put in their stored form by worker processes
(``normalize_pool``) while this process reads the next rows and bulk-writes finished
ones (``connectors.store.leads``), so a million-row export needs neither a million
round trips nor a million rows in memory. Re-ingesting the same bytes adds nothing;
a corrected record keeps its old version in history.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from connectors.sources.files import ReadLimits, RowChunk, TableHead, UnreadableFile, open_table
from connectors.sources.normalize_pool import NormalizePool, Prepared, prepare_chunk, relaxed_gc
from connectors.sources.records import record_headers, record_rows, records_raw_json
from connectors.sources.small_files import SMALL_FILE_BYTES, ReadFile, file_digest, read_small_file
from connectors.store import source_files
from connectors.store.ids import Ids
from connectors.store.leads import insert_raw_rows, insert_rejected, upsert_leads
from connectors.store.schema import SourceFile
from connectors.store.unit_transactions import UnitTransactions
from triage.normalize.headers import HeaderMatch, SourceSpec, match_headers
from triage.normalize.lead import NormalizeContext

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

AUTO_WORKERS_MAX = 4
# Fewer files than this are read here, one after the other: starting the workers (1-2 s)
# costs a night's four files more than it saves, and their memory would sit beside the
# night's later stages.
POOLED_FROM_FILES = 32


class IngestOptions(BaseModel):
    """``data/config/ingest.toml``: limits against hostile files, and throughput settings."""

    model_config = ConfigDict(extra="forbid")

    limits: ReadLimits = Field(default_factory=ReadLimits)
    chunk_rows: int = Field(default=20_000, gt=0)
    workers: int = Field(default=0, ge=0)  # worker processes; 0: one per CPU core; 1: none
    settle_seconds: float = Field(default=10.0, ge=0)  # a file changed more recently is still being copied

    def worker_count(self) -> int:
        """Worker processes to normalize chunks in (1: normalize in this process).

        Automatic means one per CPU this process may use, at most ``AUTO_WORKERS_MAX``:
        past that the single writer, not normalization, sets the pace.
        """
        if self.workers:
            return self.workers
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cpus = os.cpu_count() or 1
        return max(1, min(cpus, AUTO_WORKERS_MAX))


@dataclass
class FileOutcome:
    """What happened to one file or page, for the run summary and the drop folder."""

    path: Path
    status: str  # ingested | duplicate | quarantined | failed
    source: str | None = None
    file_id: int | None = None
    kind: str = "file"  # file | http_page
    rows_in: int = 0
    leads_new: int = 0
    leads_updated: int = 0
    leads_unchanged: int = 0
    rejected: int = 0
    blank_rows: int = 0
    reason: str | None = None
    headers_found: list[str] = field(default_factory=list)
    new_lead_ids: list[int] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Rows in = leads (new + updated + unchanged) + rejected."""
        return self.rows_in == (self.leads_new + self.leads_updated
                                + self.leads_unchanged + self.rejected)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class IngestUnit:
    """One input unit being stored: a file or an HTTP page, with its recognized head."""

    source: str
    kind: str
    name: str
    sha256: str
    size: int
    headers: list[str]
    match: HeaderMatch
    file_format: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    notes: dict[str, Any] | None = None
    raw_is_text: bool = False  # every raw cell is already a string (CSV)


class Ingestor:
    """Ingests files and pages with one configuration, reusing its worker processes.

    Use as a context manager (or call ``close``) so the workers stop with it.
    """

    def __init__(
        self, engine: Engine, specs: Sequence[SourceSpec], ctx: NormalizeContext,
        options: IngestOptions | None = None, *, run_id: int | None = None,
    ) -> None:
        self.engine = engine
        self.specs = list(specs)
        self.ctx = ctx
        self.options = options or IngestOptions()
        self.run_id = run_id
        self._normalize = NormalizePool(ctx, self.options.worker_count(), self.specs)
        self._transactions = UnitTransactions(engine)

    def __enter__(self) -> Ingestor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes, if any were started, and wait for a checkpoint."""
        self._normalize.close()
        self._transactions.close()

    # ----------------------------------------------------------------- files
    def known_digest(self, digest: str) -> SourceFile | None:
        """The ingested file or page with these bytes, if any."""
        return source_files.ingested_with_digest(self.engine, digest)

    def ingest_file(self, path: Path, source_hint: str | None = None) -> FileOutcome:
        """Ingest one file. A file that cannot be read comes back quarantined with the
        reason; a database failure raises, leaving the database as before the file."""
        with relaxed_gc():
            return self._ingest_file(path, source_hint)

    def _ingest_file(self, path: Path, source_hint: str | None) -> FileOutcome:
        digest = file_digest(path)
        known = self.known_digest(digest)
        if known is not None:
            return FileOutcome(path, "duplicate", source=known.source, file_id=known.id)
        try:
            reader = open_table(path, self.specs, source_hint, self.options.limits)
        except UnreadableFile as exc:
            return self._quarantined(path, digest, str(exc), exc.headers_found)
        except (OSError, ValueError) as exc:
            return self._quarantined(path, digest, f"读取失败: {exc}", [])
        with reader:
            unit = _file_unit(reader.head, path, digest, path.stat().st_size)
            batches = self._normalize.prepared(
                unit.source, unit.match.columns, unit.headers, unit.raw_is_text,
                reader.chunks(self.options.chunk_rows))
            try:
                return self._store(unit, batches, path, lambda: reader.blank_rows)
            except UnreadableFile as exc:  # a limit crossed mid-file: nothing was kept
                return self._quarantined(path, digest, str(exc),
                                         exc.headers_found or unit.headers)

    def ingest_files(
        self, paths: Sequence[Path], hints: Sequence[str | None],
        failed: Callable[[Path, Exception], FileOutcome],
    ) -> Iterator[FileOutcome]:
        """Ingest files in order, each as ``ingest_file`` would, yielding each outcome.

        Small files, when there are ``POOLED_FROM_FILES`` or more (a backfill), are read and
        normalized by the worker processes a few files ahead while this process writes
        (``small_files``). A file whose ingestion raises (the database, a bug: never the
        file's fault) yields ``failed(path, exc)`` and the next file goes on.
        """
        many = len(paths) >= POOLED_FROM_FILES and self._normalize.workers > 1

        def start(path: Path, hint: str | None) -> tuple[Path, str | None, Future[ReadFile] | None]:
            small = many and _size(path) <= SMALL_FILE_BYTES
            return path, hint, (self._normalize.submit(
                read_small_file, path, hint, self.options.limits,
                self.options.chunk_rows) if small else None)

        queue = iter(zip(paths, hints, strict=True))
        pending = deque(start(*nxt) for nxt in islice(queue, 4 * self._normalize.workers))
        with relaxed_gc():
            while pending:
                path, hint, read = pending.popleft()
                nxt = next(queue, None)
                if nxt is not None:
                    pending.append(start(*nxt))
                try:
                    yield (self._ingest_file(path, hint) if read is None
                           else self._store_read(read.result()))
                except Exception as exc:
                    yield failed(path, exc)

    def _store_read(self, read: ReadFile) -> FileOutcome:
        """Store a file a worker read (as ``_ingest_file`` stores one it reads itself)."""
        known = self.known_digest(read.digest)
        if known is not None:
            return FileOutcome(read.path, "duplicate", source=known.source, file_id=known.id)
        if read.refused is not None or read.head is None:
            return self._quarantined(read.path, read.digest, read.refused or "读取失败",
                                     read.headers_found)
        unit = _file_unit(read.head, read.path, read.digest, read.size)
        return self._store(unit, iter(read.batches), read.path, lambda: read.blank_rows)

    def _quarantined(self, path: Path, digest: str, reason: str,
                     headers: Sequence[str]) -> FileOutcome:
        """Record the refused file (by its bytes) so the run's ledger shows it."""
        source_files.record_quarantined(self.engine, {
            "source": None, "kind": "file", "name": path.name[:512], "sha256": digest,
            "size": path.stat().st_size if path.exists() else 0, "status": "quarantined",
            "error": reason, "headers": list(headers) or None, "run_id": self.run_id,
            "ingested_at": _now()})
        return FileOutcome(path, "quarantined", reason=reason, headers_found=list(headers))

    # ----------------------------------------------------------------- storing
    def _store(
        self, unit: IngestUnit, batches: Iterator[tuple[RowChunk, Prepared]], path: Path,
        blank_rows: Callable[[], int] = lambda: 0,
        extra_writes: Callable[[Connection], None] | None = None,
    ) -> FileOutcome:
        """Write one unit in one transaction; counts are checked before it commits."""
        out = FileOutcome(path, "ingested", source=unit.source, kind=unit.kind)
        now = _now()
        with self._transactions.begin() as conn:
            ids = Ids(conn)
            file_id = source_files.insert_ingested(conn, ids, {
                "source": unit.source, "kind": unit.kind, "name": unit.name[:512],
                "sha256": unit.sha256, "size": unit.size, "file_format": unit.file_format,
                "encoding": unit.encoding, "sheet": unit.sheet, "header_row": unit.header_row,
                "headers": unit.headers, "notes": unit.notes, "run_id": self.run_id,
                "ingested_at": now})
            out.file_id = file_id
            for chunk, prepared in batches:
                self._write_chunk(conn, ids, file_id, unit.source, chunk, prepared, now, out)
            out.blank_rows = blank_rows()
            if not out.balanced:  # a bug, never a bad file: refuse to commit a lossy count
                raise RuntimeError(f"{unit.name}: 数据行 {out.rows_in} ≠ 线索 + 拒收")
            source_files.set_counts(conn, file_id, {
                "rows_in": out.rows_in, "leads_new": out.leads_new,
                "leads_updated": out.leads_updated, "leads_unchanged": out.leads_unchanged,
                "rejected": out.rejected, "blank_rows": out.blank_rows})
            if extra_writes is not None:
                extra_writes(conn)
        return out

    def _write_chunk(
        self, conn: Connection, ids: Ids, file_id: int, source: str, chunk: RowChunk,
        prepared: Prepared, now: datetime, out: FileOutcome,
    ) -> None:
        raw_ids = insert_raw_rows(conn, ids, file_id, chunk.row_numbers, prepared.raw_json)
        out.rows_in += len(chunk.row_numbers)
        if prepared.rejected:
            insert_rejected(conn, file_id, raw_ids, chunk.row_numbers, prepared.rejected,
                            self.run_id)
            out.rejected += len(prepared.rejected)
        if prepared.leads:
            counts = upsert_leads(conn, ids, source, prepared.leads,
                                  [raw_ids[i] for i in prepared.lead_rows], file_id, now)
            out.leads_new += counts.new
            out.leads_updated += counts.updated
            out.leads_unchanged += counts.unchanged
            out.new_lead_ids.extend(counts.new_ids)

    # ----------------------------------------------------------------- records (HTTP)
    def ingest_records(
        self, source: str, name: str, body: bytes, records: Sequence[Mapping[str, Any]],
        extra_writes: Callable[[Connection], None] | None = None,
    ) -> FileOutcome:
        """Ingest one page of JSON records of ``source`` as a unit (``kind="http_page"``).

        Keys may be any header synonym or the canonical field names. ``extra_writes``
        runs inside the page's transaction (the HTTP cursor is stored there). A page
        whose exact bytes were ingested before adds nothing but still runs them.
        """
        with relaxed_gc():
            return self._ingest_records(source, name, body, records, extra_writes)

    def _ingest_records(
        self, source: str, name: str, body: bytes, records: Sequence[Mapping[str, Any]],
        extra_writes: Callable[[Connection], None] | None,
    ) -> FileOutcome:
        digest = hashlib.sha256(body).hexdigest()
        path = Path(name)
        known = self.known_digest(digest)
        if known is not None:
            if extra_writes is not None:
                with self.engine.begin() as conn:
                    extra_writes(conn)
            return FileOutcome(path, "duplicate", source=known.source, file_id=known.id,
                               kind="http_page")
        spec = next(s for s in self.specs if s.name == source)
        headers = record_headers(records)
        match = match_headers(headers, spec, canonical_names=True)
        chunk = record_rows(records, headers)
        unit = IngestUnit(source=source, kind="http_page", name=name, sha256=digest,
                          size=len(body), headers=headers, match=match, file_format="json")
        prepared = prepare_chunk(source, match.columns, headers, chunk.rows, chunk.scrubbed,
                                 self.ctx, False)
        prepared.raw_json = records_raw_json(records)
        return self._store(unit, iter([(chunk, prepared)]), path, extra_writes=extra_writes)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone or unreadable: the file's own ingestion says so
        return 0


def _file_unit(head: TableHead, path: Path, digest: str, size: int) -> IngestUnit:
    return IngestUnit(
        source=head.match.source, kind="file", name=path.name, sha256=digest, size=size,
        headers=head.headers, match=head.match, file_format=head.file_format,
        encoding=head.encoding, sheet=head.sheet, header_row=head.header_row,
        notes=_notes(head), raw_is_text=head.file_format == "csv")


def _notes(head: TableHead) -> dict[str, Any] | None:
    notes: dict[str, Any] = {}
    if head.header_rows > 1:
        notes["header_rows"] = head.header_rows
    if head.hidden_columns:
        notes["hidden_columns"] = [head.headers[i] if i < len(head.headers) and head.headers[i]
                                   else f"列{i + 1}" for i in head.hidden_columns]
    return notes or None


def ingest_file(
    engine: Engine, path: Path, specs: Sequence[SourceSpec], ctx: NormalizeContext,
    *, source_hint: str | None = None, run_id: int | None = None,
    options: IngestOptions | None = None,
) -> FileOutcome:
    """Ingest one file with a one-off ``Ingestor`` (see there)."""
    with Ingestor(engine, specs, ctx, options, run_id=run_id) as ingestor:
        return ingestor.ingest_file(path, source_hint)
