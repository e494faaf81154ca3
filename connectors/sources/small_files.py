"""Small exports read and normalized whole by the worker processes, several at once.

A year's backfill is a thousand weekly files of a hundred rows each. Reading and
normalizing a file costs several times more than writing it, and done one after
another they keep one core busy while the others wait. Here a worker reads a whole
small file (its digest, its head, its rows) and puts its rows in their stored form;
the writing process stores the finished files in their order while the workers read
the next ones. Large files keep the streaming path, where the chunks of one file go
to the workers instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from connectors.sources.files import ReadLimits, RowChunk, TableHead, UnreadableFile, open_table
from connectors.sources.normalize_pool import Prepared, prepare_chunk
from triage.normalize.headers import SourceSpec
from triage.normalize.lead import NormalizeContext

SMALL_FILE_BYTES = 4 << 20  # read whole in a worker; larger files stream in chunks


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes: the same export dropped twice is recognized by it."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class ReadFile:
    """One file as a worker read it: ready to store, or refused with the reason.

    The chunks carry their row numbers only; their rows are already in ``Prepared``.
    """

    path: Path
    digest: str
    size: int
    head: TableHead | None = None
    batches: list[tuple[RowChunk, Prepared]] = field(default_factory=list)
    blank_rows: int = 0
    refused: str | None = None  # why the file cannot be used: it goes to quarantine
    headers_found: list[str] = field(default_factory=list)


def read_small_file(path: Path, hint: str | None, limits: ReadLimits, chunk_rows: int, *,
                    ctx: NormalizeContext, specs: Sequence[SourceSpec]) -> ReadFile:
    """Read and prepare a whole file; a file that cannot be used comes back refused.

    Nothing here touches the database, so it runs in any process.
    """
    digest, size = file_digest(path), path.stat().st_size
    try:
        reader = open_table(path, specs, hint, limits)
    except UnreadableFile as exc:
        return ReadFile(path, digest, size, refused=str(exc), headers_found=list(exc.headers_found))
    except (OSError, ValueError) as exc:
        return ReadFile(path, digest, size, refused=f"读取失败: {exc}")
    with reader:
        head = reader.head
        try:
            batches = [(RowChunk([], chunk.row_numbers),
                        prepare_chunk(head.match.source, head.match.columns, head.headers,
                                      chunk.rows, chunk.scrubbed, ctx, head.file_format == "csv"))
                       for chunk in reader.chunks(chunk_rows)]
        except UnreadableFile as exc:  # a limit crossed mid-file: nothing of it is kept
            return ReadFile(path, digest, size, refused=str(exc),
                            headers_found=list(exc.headers_found or head.headers))
        return ReadFile(path, digest, size, head, batches, reader.blank_rows)
