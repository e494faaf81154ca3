"""A page of JSON records (an HTTP source) as rows of a table, like an export's.

Records are read like an export's rows so they go through the same normalization:
the keys of all records are the header, each record is one row. A record's raw row
is the record itself as JSON, without control characters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from connectors.sources.files import RowChunk, scrub_row
from connectors.store.db import json_dumps
from connectors.store.stored_forms import json_value
from triage.normalize.cells import scrub_control


def record_headers(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key of a page's records, in order of first appearance."""
    seen: dict[str, None] = {}
    for rec in records:
        for k in rec:
            seen.setdefault(str(k), None)
    return list(seen)


def record_rows(records: Sequence[Mapping[str, Any]], headers: Sequence[str]) -> RowChunk:
    """The records as one chunk of rows in ``headers`` order, numbered from 1; control
    characters removed and noted as an export's are."""
    chunk = RowChunk([], list(range(1, len(records) + 1)))
    for i, rec in enumerate(records):
        row = [_record_cell(rec.get(h)) for h in headers]
        dirty = scrub_row(row)
        if dirty:
            chunk.scrubbed[i] = dirty
        chunk.rows.append(row)
    return chunk


def records_raw_json(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each record as its raw row is stored: the whole record as JSON text."""
    return [json_dumps(_scrub_json(json_value(dict(r)))) for r in records]


def _record_cell(v: object) -> object:
    """A JSON value as a cell: lists of phones or names joined, objects as text."""
    if isinstance(v, list):
        return "/".join(str(x) for x in v if x is not None) or None
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def _scrub_json(v: Any) -> Any:
    """A JSON value without control characters in any string (PostgreSQL refuses NUL)."""
    if isinstance(v, str):
        return scrub_control(v)
    if isinstance(v, list):
        return [_scrub_json(x) for x in v]
    if isinstance(v, dict):
        return {scrub_control(k): _scrub_json(x) for k, x in v.items()}
    return v
