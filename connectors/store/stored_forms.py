"""Values in the form the database stores them, made without SQLAlchemy at write time.

Ingestion writes leads and raw rows through ``insert_tuples(converted=True)``, so the
values must already be what a normal insert would store: JSON as text, times as ISO
text. Worker processes put whole chunks in this form, off the writing process; the
writer turns a stored lead back into Python values for the rare UPDATE of a correction.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import JSON, Date, DateTime

from connectors.store.db import json_dumps
from connectors.store.schema import Lead

_LEAD = Lead.__table__  # type: ignore[attr-defined]


def json_value(v: object) -> Any:
    """A value as JSON can hold it (PostgreSQL's JSONB refuses NaN and infinities)."""
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    if isinstance(v, timedelta):
        return v.total_seconds()
    if isinstance(v, (list, tuple)):
        return [json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    return str(v)


def stored_datetime(v: datetime) -> str:
    """The form SQLAlchemy stores a SQLite DATETIME in; PostgreSQL's COPY parses it too."""
    return v.isoformat(" ", "microseconds")


_JSON_PLAIN = re.compile(r'["\\\x00-\x1f]')


def json_text(v: Any) -> str:
    """``json_dumps`` of a value, with shortcuts giving the very same text for the usual
    cases: a list of plain strings (names, phones, flags, a CSV row) and a flat object of
    plain strings (a lead's extra fields)."""
    try:
        if type(v) is list:
            if _JSON_PLAIN.search("".join(v)) is None:
                return '["' + '","'.join(v) + '"]' if v else "[]"
        elif type(v) is dict and _JSON_PLAIN.search("".join(v) + "".join(v.values())) is None:
            return '{"' + '","'.join(f'{k}":"{x}' for k, x in v.items()) + '"}' if v else "{}"
    except TypeError:  # not all strings
        pass
    return json_dumps(v)


def _converter(column: Any) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, JSON):
        return json_text
    if isinstance(kind, DateTime):
        return stored_datetime
    if isinstance(kind, Date):
        return date.isoformat
    return None


def _decoder(column: Any) -> Callable[[str], Any]:
    kind = column.type
    if isinstance(kind, JSON):
        return json.loads
    return datetime.fromisoformat if isinstance(kind, DateTime) else date.fromisoformat


LEAD_COLUMNS: tuple[str, ...] = tuple(c.name for c in _LEAD.columns)
_LEAD_CONVERT = [(i, conv) for i, c in enumerate(_LEAD.columns) if (conv := _converter(c))]
_LEAD_DECODE = {c.name: _decoder(c) for c in _LEAD.columns if _converter(c)}


def stored_lead(lead: Mapping[str, Any]) -> list[Any]:
    """A lead as a list in ``LEAD_COLUMNS`` order holding the stored forms."""
    values = list(map(lead.get, LEAD_COLUMNS))  # keys the lead lacks (id ...) are None
    for i, conv in _LEAD_CONVERT:
        v = values[i]
        if v is not None:
            values[i] = conv(v)
    return values


def lead_values(stored: Sequence[Any]) -> dict[str, Any]:
    """A stored-form lead back as Python values (for the rare UPDATE of a correction)."""
    out = dict(zip(LEAD_COLUMNS, stored, strict=True))
    for name, decode in _LEAD_DECODE.items():
        v = out[name]
        if isinstance(v, str):
            out[name] = decode(v)
    return out
