"""Ingest one export file into the database, all or nothing.

Each file is one transaction: its record, its raw rows (lineage), its leads
(new, corrected or unchanged) and its rejected rows. Re-ingesting the same
bytes adds nothing; a corrected record keeps its old version in history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlmodel import Session, col

from connectors.files import RawTable, UnreadableFile, read_table
from triage.canonical import NormalizeContext, _jsonable, canonicalize
from triage.models import Lead, LeadVersion, RawRow, RejectedRow, SourceFile
from triage.sources import SourceSpec

CHUNK = 500
LEAD_HISTORY_FIELDS = ("content_hash", "raw_row_id", "file_id")


@dataclass
class FileOutcome:
    """What happened to one file, for the run summary and the drop folder."""

    path: Path
    status: str  # ingested | duplicate | quarantined
    source: str | None = None
    file_id: int | None = None
    rows_in: int = 0
    leads_new: int = 0
    leads_updated: int = 0
    leads_unchanged: int = 0
    rejected: int = 0
    reason: str | None = None
    headers_found: list[str] = field(default_factory=list)
    new_lead_ids: list[int] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Rows in = leads (new + updated + unchanged) + rejected."""
        return self.rows_in == (self.leads_new + self.leads_updated
                                + self.leads_unchanged + self.rejected)


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _raw_dict(headers: Sequence[str], row: Sequence[object]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, h in enumerate(headers):
        key = h or f"列{i + 1}"
        if key in out:
            key = f"{key}#{i + 1}"
        out[key] = _jsonable(row[i] if i < len(row) else None)
    return out


def ingest_file(
    engine: Engine, path: Path, specs: Sequence[SourceSpec], ctx: NormalizeContext,
    *, source_hint: str | None = None, run_id: int | None = None,
) -> FileOutcome:
    """Ingest one file; never raises for a bad file, it reports it as quarantined."""
    digest = file_digest(path)
    with Session(engine) as s:
        known = s.scalars(select(SourceFile).where(col(SourceFile.sha256) == digest)).first()
        if known is not None and known.status == "ingested":
            return FileOutcome(path, "duplicate", source=known.source, file_id=known.id)
    try:
        table = read_table(path, specs, source_hint)
    except UnreadableFile as exc:
        return FileOutcome(path, "quarantined", reason=str(exc), headers_found=exc.headers_found)
    except (OSError, ValueError) as exc:
        return FileOutcome(path, "quarantined", reason=f"读取失败: {exc}")
    return _store(engine, table, digest, ctx, run_id)


def _store(
    engine: Engine, table: RawTable, digest: str, ctx: NormalizeContext, run_id: int | None
) -> FileOutcome:
    source = table.match.source
    batch = canonicalize(source, table.match.columns, table.headers, table.rows, ctx)
    out = FileOutcome(table.path, "ingested", source=source, rows_in=len(table.rows),
                      rejected=len(batch.rejected))
    now = _now()
    with Session(engine) as s, s.begin():
        s.execute(SourceFile.__table__.delete().where(  # type: ignore[attr-defined]
            SourceFile.sha256 == digest, SourceFile.status != "ingested"))
        record = SourceFile(
            source=source, kind="file", name=table.path.name, sha256=digest,
            size=table.path.stat().st_size, file_format=table.file_format,
            encoding=table.encoding, sheet=table.sheet, header_row=table.header_row,
            rows_in=len(table.rows), rejected=len(batch.rejected), run_id=run_id,
            ingested_at=now,
        )
        s.add(record)
        s.flush()
        assert record.id is not None
        out.file_id = record.id
        raw_ids: list[int] = []
        for start in range(0, len(table.rows), CHUNK):
            params = [
                {"file_id": record.id, "row_number": table.row_numbers[i],
                 "data": _raw_dict(table.headers, table.rows[i])}
                for i in range(start, min(start + CHUNK, len(table.rows)))
            ]
            result = s.execute(insert(RawRow).returning(col(RawRow.id), sort_by_parameter_order=True),
                               params)
            raw_ids.extend(r[0] for r in result)
        if batch.rejected:
            s.execute(insert(RejectedRow), [
                {"file_id": record.id, "raw_row_id": raw_ids[r["row_index"]],
                 "row_number": table.row_numbers[r["row_index"]], "column": r["column"],
                 "reason": r["reason"], "run_id": run_id}
                for r in batch.rejected
            ])
        _upsert_leads(s, batch.leads, [raw_ids[i] for i in batch.lead_rows], record.id, now, out)
        record.leads_new = out.leads_new
        record.leads_updated = out.leads_updated
        record.leads_unchanged = out.leads_unchanged
        s.add(record)
    return out


def _upsert_leads(
    s: Session, leads: list[dict[str, Any]], raw_ids: list[int], file_id: int,
    now: datetime, out: FileOutcome,
) -> None:
    """Insert new leads, version corrected ones, count repeats as unchanged."""
    if not leads:
        return
    source = leads[0]["source"]
    refs = list({lead["source_ref"] for lead in leads})
    existing: dict[str, dict[str, Any]] = {}
    lead_cols = [c for c in Lead.__table__.columns]  # type: ignore[attr-defined]
    for start in range(0, len(refs), CHUNK):
        rows = s.execute(select(*lead_cols).where(
            Lead.source == source, Lead.source_ref.in_(refs[start:start + CHUNK])))  # type: ignore[attr-defined]
        for row in rows.mappings():
            existing[row["source_ref"]] = dict(row)
    for lead, raw_id in zip(leads, raw_ids, strict=True):
        ref = lead["source_ref"]
        old = existing.get(ref)
        if old is not None and old["content_hash"] == lead["content_hash"]:
            out.leads_unchanged += 1
            continue
        values = {**lead, "raw_row_id": raw_id, "file_id": file_id, "updated_at": now}
        if old is None:
            values.update(version=1, first_seen_at=now)
            new_id = s.execute(insert(Lead).returning(col(Lead.id)), [values]).scalar_one()
            out.leads_new += 1
            out.new_lead_ids.append(new_id)
            existing[ref] = {**values, "id": new_id}
            continue
        s.execute(insert(LeadVersion), [{
            "lead_id": old["id"], "version": old["version"],
            "content_hash": old["content_hash"], "raw_row_id": old["raw_row_id"],
            "data": {k: _jsonable(v) for k, v in old.items()}, "replaced_at": now,
        }])
        values["version"] = old["version"] + 1
        s.execute(update(Lead).where(Lead.id == old["id"]).values(**values))  # type: ignore[arg-type]
        existing[ref] = {**old, **values}
        out.leads_updated += 1
