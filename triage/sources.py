"""Source specifications: which headers name which canonical field, per agency.

A file is recognized by its headers, not by the folder it arrived in, so a file
dropped into the wrong subfolder still reaches the right connector.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, field_validator, model_validator

from triage.models import SOURCES

CANONICAL_FIELDS: frozenset[str] = frozenset({
    "source_ref", "reported_at", "reporter_name", "reporter_phone", "reporter_id",
    "reporter_sex", "reporter_age", "address", "category", "request_type", "description",
    "disposition", "unit", "urgency", "handler", "deadline", "channel", "headcount",
    "repeat_flag", "skip_level", "dv_flag", "referral",
})

_HEADER_NOISE = re.compile(r"[\s:：*＊\u200b\ufeff]+")


def header_key(header: object) -> str:
    """Compare headers ignoring width, spaces, a trailing colon and required-marks."""
    text = unicodedata.normalize("NFKC", str(header or ""))
    return _HEADER_NOISE.sub("", text).lower()


class SourceSpec(BaseModel):
    """One agency's export: its header synonyms and the fields a row must have."""

    name: str
    label: str
    required: list[str]
    fields: dict[str, list[str]]

    @field_validator("name")
    @classmethod
    def _known_source(cls, v: str) -> str:
        if v not in SOURCES:
            raise ValueError(f"unknown source {v!r}; expected one of {', '.join(SOURCES)}")
        return v

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(v) - CANONICAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown canonical fields {unknown}")
        empty = sorted(k for k, syn in v.items() if not syn)
        if empty:
            raise ValueError(f"fields without any header synonym: {empty}")
        return v

    @model_validator(mode="after")
    def _required_have_fields(self) -> SourceSpec:
        missing = sorted(set(self.required) - set(self.fields))
        if missing:
            raise ValueError(f"required fields without header synonyms: {missing}")
        return self

    def synonyms(self) -> dict[str, str]:
        """Map normalized header → canonical field."""
        return {header_key(h): field for field, hs in self.fields.items() for h in hs}


@dataclass(frozen=True)
class HeaderMatch:
    """How well a header row fits one source."""

    source: str
    columns: dict[str, int]  # canonical field → column index
    missing_required: tuple[str, ...]
    score: int  # number of recognized columns

    @property
    def usable(self) -> bool:
        return not self.missing_required and self.score >= 3


def match_headers(headers: Sequence[object], spec: SourceSpec) -> HeaderMatch:
    """Match one header row against one source spec (first column wins on repeats)."""
    syn = spec.synonyms()
    columns: dict[str, int] = {}
    for idx, h in enumerate(headers):
        field = syn.get(header_key(h))
        if field and field not in columns:
            columns[field] = idx
    missing = tuple(f for f in spec.required if f not in columns)
    return HeaderMatch(spec.name, columns, missing, len(columns))


def identify(
    headers: Sequence[object], specs: Iterable[SourceSpec], hint: str | None = None
) -> HeaderMatch | None:
    """The best usable source for a header row; the hint breaks ties."""
    best: HeaderMatch | None = None
    for spec in specs:
        m = match_headers(headers, spec)
        if not m.usable:
            continue
        key = (m.score, m.source == hint)
        if best is None or key > (best.score, best.source == hint):
            best = m
    return best


def load_specs(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, SourceSpec]:
    """Validate parsed source files (name → content) into specs."""
    specs = {}
    for origin, content in raw.items():
        try:
            spec = SourceSpec.model_validate(content)
        except ValueError as exc:
            raise ValueError(f"{origin}: {exc}") from exc
        specs[spec.name] = spec
    absent = sorted(set(SOURCES) - set(specs))
    if absent:
        raise ValueError(f"no source specification for {absent}")
    return specs
