"""Source specifications: which headers name which canonical field, per agency.

A file is recognized by its headers, not by the folder it arrived in, so a file
dropped into the wrong subfolder still reaches the right connector.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, PrivateAttr, field_validator, model_validator

from triage.domain import SOURCES

CANONICAL_FIELDS: frozenset[str] = frozenset({
    "source_ref", "reported_at", "reporter_name", "reporter_phone", "reporter_id",
    "reporter_sex", "reporter_age", "address", "category", "request_type", "description",
    "disposition", "unit", "urgency", "handler", "deadline", "channel", "headcount",
    "repeat_flag", "skip_level", "dv_flag", "referral",
})

_HEADER_NOISE = re.compile(r"[\s:：*＊\u200b\ufeff]+")
# 信访编号（必填）: a form's required or optional mark (full-width brackets are NFKC'd)
_REQUIRED_MARK = re.compile(r"\(\s*(?:必填项?|必录|必须|选填|非必填|可选)\s*\)")


def header_key(header: object) -> str:
    """Compare headers ignoring width, spaces, a trailing colon and required-marks
    (``*``, ``（必填）``, ``(选填)``)."""
    return _text_key(str(header or ""))


@functools.lru_cache(maxsize=1 << 16)
def _text_key(text: str) -> str:
    # every row near the top of every file is tried as a header: the same cells recur
    text = _REQUIRED_MARK.sub("", unicodedata.normalize("NFKC", text))
    return _HEADER_NOISE.sub("", text).lower()


class SourceSpec(BaseModel):
    """One agency's export: its header synonyms and the fields a row must have."""

    name: str
    label: str
    required: list[str]
    fields: dict[str, list[str]]
    _synonyms: dict[bool, dict[str, str]] = PrivateAttr(default_factory=dict)  # made once, per kind

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

    def synonyms(self, *, canonical_names: bool = False) -> dict[str, str]:
        """Map normalized header → canonical field (``canonical_names``: also ``source_ref`` ...,
        as JSON records from HTTP sources may name their keys either way). Made once: every
        row a reader tries as a header asks for it."""
        made = self._synonyms.get(canonical_names)
        if made is not None:
            return made
        out = {header_key(h): field for field, hs in self.fields.items() for h in hs}
        if canonical_names:
            for field in self.fields:
                out.setdefault(header_key(field), field)
        self._synonyms[canonical_names] = out
        return out


@dataclass(frozen=True)
class HeaderMatch:
    """How well a header row fits one source."""

    source: str
    columns: dict[str, int]  # canonical field → column index
    missing_required: tuple[str, ...]
    score: int  # number of recognized fields
    recognized: int = 0  # columns whose header some field of the source knows (repeats too)

    @property
    def usable(self) -> bool:
        return not self.missing_required and self.score >= MIN_FIELDS


HEADER_MAX_CHARS = 64  # a longer cell is data (a description), never a header
MIN_FIELDS = 3  # a header row names at least this many of a source's fields


def header_keys(headers: Sequence[object]) -> list[str]:
    """Each cell's comparison key; a cell too long to be a header gets none."""
    return [header_key(h) if len(str(h or "")) <= HEADER_MAX_CHARS else "" for h in headers]


def match_headers(
    headers: Sequence[object], spec: SourceSpec, hidden: Collection[int] = (),
    *, canonical_names: bool = False, keys: Sequence[str] | None = None,
) -> HeaderMatch:
    """Match one header row against one source spec (``keys``: the row's ``header_keys``,
    when the caller already has them).

    When two columns name the same field, the first visible one wins: a hidden
    column (an old copy an office kept) is read only when no visible column has it.
    """
    syn = spec.synonyms(canonical_names=canonical_names)
    columns: dict[str, int] = {}
    recognized = 0
    for idx, key in enumerate(header_keys(headers) if keys is None else keys):
        field = syn.get(key) if key else None
        if field:
            recognized += 1
        if field and (field not in columns or (columns[field] in hidden and idx not in hidden)):
            columns[field] = idx
    missing = tuple(f for f in spec.required if f not in columns)
    return HeaderMatch(spec.name, columns, missing, len(columns), recognized)


def identify(
    headers: Sequence[object], specs: Iterable[SourceSpec], hint: str | None = None,
    hidden: Collection[int] = (),
) -> HeaderMatch | None:
    """The best usable source for a header row; the hint breaks ties."""
    best: HeaderMatch | None = None
    keys = header_keys(headers)  # once per row, not once per source
    specs = list(specs)
    if sum(1 for k in keys if k in known_header_keys(specs)) < MIN_FIELDS:
        return None  # no source can recognize enough of it (a data row, most often)
    for spec in specs:
        m = match_headers(headers, spec, hidden, keys=keys)
        if not m.usable:
            continue
        key = (m.score, m.source == hint)
        if best is None or key > (best.score, best.source == hint):
            best = m
    return best


def known_header_keys(specs: Iterable[SourceSpec]) -> frozenset[str]:
    """Every normalized header any source recognizes."""
    specs = tuple(specs)
    key = tuple(map(id, specs))  # the cache holds the specs, so their ids are theirs alone
    made = _KNOWN.get(key)
    if made is None:
        if len(_KNOWN) >= 64:
            _KNOWN.clear()
        made = _KNOWN[key] = (specs, frozenset(k for spec in specs for k in spec.synonyms()))
    return made[1]


# made once per set of specs: every row near the top of every file asks for it
_KNOWN: dict[tuple[int, ...], tuple[tuple[SourceSpec, ...], frozenset[str]]] = {}


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


def two_row_headers(
    upper: Sequence[object], lower: Sequence[object], known: Collection[str],
    spans: Sequence[tuple[int, int]] | None = None,
) -> list[str]:
    """Headers of a two-row header: a parent cell over its children (报警人 over 姓名/电话).

    ``spans`` are the column ranges (inclusive) of cells merged across the upper row;
    without them (a CSV saved from such a sheet) a parent reaches right over blank
    upper cells while the lower row goes on. Each column takes the first of
    parent+child (报警人姓名), child (警情编号 under 基本信息) and parent (a parent merged
    down over both rows) that some source knows; otherwise the joined text.
    """
    width = max(len(upper), len(lower))
    up = [_text(upper[i]) if i < len(upper) else "" for i in range(width)]
    low = [_text(lower[i]) if i < len(lower) else "" for i in range(width)]
    parent = list(up)
    if spans is not None:
        for first, last in spans:
            for c in range(first + 1, min(last, width - 1) + 1):
                parent[c] = parent[c] or up[first]
    else:
        for c in range(1, width):
            if not up[c] and low[c] and low[c - 1]:
                parent[c] = parent[c - 1]
    out = []
    for p, ch in zip(parent, low, strict=True):
        options = [p + ch, ch, p] if p and ch else [p or ch]
        out.append(next((o for o in options if len(o) <= HEADER_MAX_CHARS and header_key(o) in known),
                        options[0]))  # a longer cell is data, never a header (as ``header_keys``)
    return out


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
