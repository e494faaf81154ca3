"""The lead store of ingestion: raw rows, rejected rows and leads with their versions.

A chunk of an export is written inside its file's transaction: its raw rows (the
lineage every lead and rejection points to), its rejected rows, and its leads. A lead
is keyed by its source and reference: a new reference is inserted, the same content
again counts as unchanged, new content is a correction that keeps the replaced one in
``lead_version``. Leads arrive in stored form (``stored_forms``) and go in through the
driver-speed ``insert_tuples``; only corrections take the slower UPDATE path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from connectors.store.bulk import bulk_insert, insert_tuples
from connectors.store.db import json_dumps
from connectors.store.ids import Ids
from connectors.store.schema import Lead, LeadVersion, RawRow, RawRowRepeat, RejectedRow
from connectors.store.stored_forms import (
    LEAD_COLUMNS,
    json_value,
    lead_values,
    stored_datetime,
    stored_lead,
)

_LEAD = Lead.__table__  # type: ignore[attr-defined]
_RAW = RawRow.__table__  # type: ignore[attr-defined]
_REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]
_VERSION = LeadVersion.__table__  # type: ignore[attr-defined]
_REPEAT = RawRowRepeat.__table__  # type: ignore[attr-defined]
_LOOKUP_BATCH = 900  # refs per IN (...) lookup
RAW_COLUMNS = ("id", "file_id", "row_number", "data")
REJECTED_COLUMNS = ("file_id", "raw_row_id", "row_number", "column", "reason", "run_id")

_LEAD_AT = {name: i for i, name in enumerate(LEAD_COLUMNS)}
_REF, _HASH = _LEAD_AT["source_ref"], _LEAD_AT["content_hash"]
_ID, _RAW_ID, _FILE_ID, _VERSION_AT, _FIRST, _UPDATED = (
    _LEAD_AT[k] for k in ("id", "raw_row_id", "file_id", "version", "first_seen_at",
                          "updated_at"))


def insert_raw_rows(conn: Connection, ids: Ids, file_id: int, row_numbers: Sequence[int],
                    raw_json: Sequence[str]) -> list[int]:
    """Store a chunk's rows as read (``raw_json``: each row's JSON text); their ids."""
    raw_ids = ids.take("raw_row", len(raw_json))
    insert_tuples(conn, _RAW, RAW_COLUMNS, list(zip(
        raw_ids, [file_id] * len(raw_ids), row_numbers, raw_json, strict=True)), converted=True)
    return raw_ids


def insert_rejected(conn: Connection, file_id: int, raw_ids: Sequence[int],
                    row_numbers: Sequence[int], rejected: Sequence[Mapping[str, Any]],
                    run_id: int | None) -> None:
    """Store a chunk's rejections (``row_index`` into the chunk, ``column``, ``reason``)."""
    if not rejected:
        return
    bulk_insert(conn, _REJECTED, [
        {"file_id": file_id, "raw_row_id": raw_ids[r["row_index"]],
         "row_number": row_numbers[r["row_index"]], "column": r["column"],
         "reason": r["reason"], "run_id": run_id}
        for r in rejected], REJECTED_COLUMNS)


@dataclass
class LeadCounts:
    """What ``upsert_leads`` did with a chunk's leads."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    new_ids: list[int] = field(default_factory=list)


@dataclass
class _Known:
    """A lead already stored (or written earlier in this transaction)."""

    id: int
    version: int
    content_hash: str


def _existing(conn: Connection, source: str, refs: Sequence[str]) -> dict[str, _Known]:
    """The stored leads of ``source`` among ``refs``, in one query per chunk (a JSON array
    of the refs on SQLite, an array parameter on PostgreSQL)."""
    if not refs:
        return {}
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            "SELECT source_ref, id, version, content_hash FROM lead "
            "WHERE source = %(s)s AND source_ref = ANY(%(refs)s)", {"s": source, "refs": list(refs)})
    else:
        rows = conn.exec_driver_sql(
            "SELECT source_ref, id, version, content_hash FROM lead "
            "WHERE source = ? AND source_ref IN (SELECT value FROM json_each(?))",
            (source, json_dumps(list(refs))))
    return {ref: _Known(lid, version, digest) for ref, lid, version, digest in rows}


def _full_rows(conn: Connection, lead_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for start in range(0, len(lead_ids), _LOOKUP_BATCH):
        part = list(lead_ids[start:start + _LOOKUP_BATCH])
        for row in conn.execute(select(_LEAD).where(_LEAD.c.id.in_(part))).mappings():
            rows[row["id"]] = dict(row)
    return rows


def upsert_leads(
    conn: Connection, ids: Ids, source: str, leads: list[list[Any]], raw_ids: list[int],
    file_id: int, now: datetime,
) -> LeadCounts:
    """Insert new leads, version corrected ones, count repeats as unchanged.

    ``leads`` are stored-form lists (``LEAD_COLUMNS`` order); their ids, row links and
    timestamps are filled in here. A record seen earlier in the same chunk counts like
    one already stored: the same content is unchanged, new content is a correction
    with the earlier one in history.
    """
    counts = LeadCounts()
    refs = list(dict.fromkeys(lead[_REF] for lead in leads))
    known = _existing(conn, source, refs)
    stamp = stored_datetime(now)
    if not known and len(refs) == len(leads):  # every record new and once: a new export
        lead_ids = ids.take("lead", len(leads))
        for lead, lid, raw_id in zip(leads, lead_ids, raw_ids, strict=True):
            lead[_ID], lead[_RAW_ID], lead[_FILE_ID] = lid, raw_id, file_id
            lead[_VERSION_AT], lead[_FIRST], lead[_UPDATED] = 1, stamp, stamp
        insert_tuples(conn, _LEAD, LEAD_COLUMNS, leads, converted=True)
        counts.new += len(leads)
        counts.new_ids.extend(lead_ids)
        return counts
    stored = {k.id for k in known.values()}
    fresh = iter(ids.take("lead", sum(1 for r in refs if r not in known)))
    inserts: list[list[Any]] = []
    changes: list[tuple[int, list[Any]]] = []  # (lead id, new stored values), in order
    current: dict[int, list[Any]] = {}  # lead id → stored values written in this chunk
    repeats: list[dict[str, int]] = []  # raw rows that repeated a stored lead: lineage
    for lead, raw_id in zip(leads, raw_ids, strict=True):
        ref = lead[_REF]
        old = known.get(ref)
        if old is not None and old.content_hash == lead[_HASH]:
            counts.unchanged += 1
            repeats.append({"raw_row_id": raw_id, "lead_id": old.id})
            continue
        if old is None:
            lid = next(fresh)
            lead[_ID], lead[_RAW_ID], lead[_FILE_ID] = lid, raw_id, file_id
            lead[_VERSION_AT], lead[_FIRST], lead[_UPDATED] = 1, stamp, stamp
            inserts.append(lead)
            current[lid] = lead
            known[ref] = _Known(lid, 1, lead[_HASH])
            counts.new += 1
            counts.new_ids.append(lid)
            continue
        lead[_ID], lead[_RAW_ID], lead[_FILE_ID] = old.id, raw_id, file_id
        lead[_VERSION_AT], lead[_FIRST], lead[_UPDATED] = old.version + 1, None, stamp
        changes.append((old.id, lead))
        known[ref] = _Known(old.id, old.version + 1, lead[_HASH])
        counts.updated += 1
    insert_tuples(conn, _LEAD, LEAD_COLUMNS, inserts, converted=True)
    if repeats:
        conn.execute(_REPEAT.insert(), repeats)
    if not changes:
        return counts
    previous = _full_rows(conn, sorted({lid for lid, _ in changes if lid in stored}))
    keep = {"id", "first_seen_at", "person_id"}
    for lid, lead in changes:
        values = {k: v for k, v in lead_values(lead).items() if k not in keep}
        old_row = lead_values(current[lid]) if lid in current else previous[lid]
        conn.execute(_VERSION.insert(), [{
            "lead_id": lid, "version": old_row["version"], "content_hash": old_row["content_hash"],
            "raw_row_id": old_row["raw_row_id"], "data": json_value(old_row), "replaced_at": now}])
        conn.execute(update(_LEAD).where(_LEAD.c.id == lid).values(**values))
        current[lid] = stored_lead({**old_row, **values})
    return counts
