"""Turn an agency's raw rows into canonical leads, or rejected rows with a reason.

Every row handed in comes back exactly once: as a lead or as a rejection that
names the column at fault. Soft problems (an invalid ID, an address that does
not resolve) keep the lead and are recorded in its ``flags``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from triage.normalize.addresses import AddressMatch, Gazetteer
from triage.normalize.categories import CategoryMapper
from triage.normalize.dates import parse_datetime
from triage.normalize.idnumbers import parse_id
from triage.normalize.names import parse_names
from triage.normalize.phones import parse_phones
from triage.normalize.text import clean_cell, clean_text, is_missing, parse_bool, parse_int

TOTALS = re.compile(r"^(合计|总计|小计|共计)")
# Masked or titled party mentions in free text: 鲁某, 王某某, 张女士, 李先生.
PARTY = re.compile(r"([\u4e00-\u9fff])(某某|某|女士|先生|大爷|大妈|阿姨)")
PARTY_STOP = frozenset("其该另某一本此各每有无与和跟对向被把将让给")
EXTRA_FIELDS = ("unit", "handler", "deadline", "referral", "request_type")
URGENCY = {"特急": "特急", "紧急": "紧急", "一般": "一般", "是": "紧急", "否": "一般"}


@dataclass(frozen=True)
class NormalizeContext:
    """What normalization needs from the deployment's configuration."""

    gazetteer: Gazetteer
    categories: CategoryMapper
    default_area_code: str = "010"
    jurisdiction: tuple[str, ...] = ()  # town codes of this deployment, for ambiguous names
    now: datetime | None = None

    def locate(self, address: str | None, office_town: str | None) -> AddressMatch:
        """Resolve an address; a village name found in several towns goes to the one
        jurisdiction town that has it."""
        where = self.gazetteer.resolve(address, office_town)
        if where.level == "village" or not address or office_town:
            return where
        inside = [m for town in self.jurisdiction
                  if (m := self.gazetteer.resolve(address, town)).level == "village"]
        return inside[0] if len({m.village_code for m in inside}) == 1 else where


@dataclass
class CanonicalBatch:
    """Leads and rejections for one table, in input order, plus the row index of each."""

    leads: list[dict[str, Any]] = field(default_factory=list)
    lead_rows: list[int] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)


class RowRejected(Exception):
    """A row cannot become a lead; ``column`` names the header at fault."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


def content_hash(values: Mapping[str, object]) -> str:
    """A stable digest of a row's mapped cells, to tell corrections from repeats."""
    blob = json.dumps({k: _jsonable(v) for k, v in sorted(values.items())},
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _jsonable(v: object) -> object:
    if v is None or isinstance(v, (str, int, bool)):
        return v
    if isinstance(v, float):
        return v if v == v else None
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    return str(v)


def parties_in(text: str | None) -> list[str]:
    """Masked or titled people a description names (鲁某, 张女士), in order."""
    if not text:
        return []
    out: list[str] = []
    for m in PARTY.finditer(text):
        if m.group(1) in PARTY_STOP:
            continue
        name = m.group(0)
        if name not in out:
            out.append(name)
    return out


def _office_town(cells: Mapping[str, object], ctx: NormalizeContext) -> str | None:
    """The town of the reporting office (北七家派出所), to place town-less addresses."""
    for key in ("unit", "handler"):
        office = clean_cell(cells.get(key))
        if office:
            town = ctx.gazetteer.resolve(office).town_code
            if town:
                return town
    return None


def canonical_lead(
    source: str, cells: Mapping[str, object], ctx: NormalizeContext,
    headers: Mapping[str, str],
) -> dict[str, Any]:
    """One canonical lead from one row's mapped cells; raises ``RowRejected``."""
    ref = clean_cell(cells.get("source_ref"))
    if ref is None:
        raise RowRejected("缺少编号", headers.get("source_ref"))
    if TOTALS.match(ref):
        raise RowRejected("合计行，不是数据行", headers.get("source_ref"))
    raw_time = cells.get("reported_at")
    if is_missing(raw_time):
        raise RowRejected("缺少时间", headers.get("reported_at"))
    try:
        reported_at = parse_datetime(raw_time, max_datetime=ctx.now)
    except ValueError as exc:
        raise RowRejected(str(exc), headers.get("reported_at")) from exc

    flags: list[str] = []
    names = parse_names(cells.get("reporter_name"))
    phones = parse_phones(cells.get("reporter_phone"), ctx.default_area_code)
    ident = parse_id(cells.get("reporter_id"))
    if ident is not None and not ident.valid and not ident.masked:
        flags.append(f"身份证号无效:{ident.problem or '格式错误'}")
    address = clean_cell(cells.get("address"))
    where = ctx.locate(address, _office_town(cells, ctx))
    if address and where.level != "village":
        flags.append("地址未定位到村/社区")
    description = clean_text(cells.get("description"))
    category = clean_cell(cells.get("category"))
    sex = clean_cell(cells.get("reporter_sex"))
    if sex not in ("男", "女"):
        sex = (ident.sex if ident and ident.valid else None) or (names[0].sex_hint if names else None)
    age = parse_int(cells.get("reporter_age"))
    if age is not None and not 0 < age < 120:
        flags.append("年龄不合理")
        age = None
    urgency = clean_cell(cells.get("urgency"))
    reporter = names[0] if names else None
    lead: dict[str, Any] = {
        "source": source,
        "source_ref": ref,
        "content_hash": content_hash(cells),
        "reported_at": reported_at,
        "reporter_name": reporter.text if reporter else None,
        "reporter_name_masked": bool(reporter and reporter.masked),
        "reporter_names": [n.text for n in names] or None,
        "reporter_phone": phones[0].number if phones else None,
        "phones": [p.number for p in phones] or None,
        "reporter_id": ident.value if ident else None,
        "reporter_id_valid": ident.valid if ident else None,
        "reporter_sex": sex,
        "reporter_birth": ident.birth_date if ident and ident.valid else None,
        "reporter_age": age,
        "address": address,
        "district": where.district,
        "town": where.town,
        "village": where.village,
        "village_code": where.village_code,
        "category_raw": category,
        "dispute_type": ctx.categories.map(category, description),
        "description": description,
        "disposition": clean_text(cells.get("disposition")),
        "urgency": URGENCY.get(urgency or "", urgency),
        "channel": clean_cell(cells.get("channel")),
        "headcount": parse_int(cells.get("headcount")),
        "repeat_flag": parse_bool(cells.get("repeat_flag")),
        "skip_level": parse_bool(cells.get("skip_level")),
        "dv_flag": parse_bool(cells.get("dv_flag")),
        "parties": parties_in(description) or None,
        "flags": flags or None,
        "extra": {k: _jsonable(clean_cell(cells.get(k))) for k in EXTRA_FIELDS
                  if not is_missing(cells.get(k))} or None,
    }
    return lead


def _is_totals(row: Sequence[object]) -> bool:
    """A totals row (合计/总计) in any column, as exports put them under the data."""
    return any(isinstance(v, str) and TOTALS.match(v.strip()) for v in row)


def canonicalize(
    source: str, columns: Mapping[str, int], headers: Sequence[str],
    rows: Sequence[Sequence[object]], ctx: NormalizeContext,
) -> CanonicalBatch:
    """Map every row of a table to a lead or a rejection (index-aligned with ``rows``)."""
    batch = CanonicalBatch()
    header_of = {f: headers[i] for f, i in columns.items()}
    for idx, row in enumerate(rows):
        cells = {f: (row[i] if i < len(row) else None) for f, i in columns.items()}
        if is_missing(cells.get("source_ref")) and _is_totals(row):
            batch.rejected.append({"row_index": idx, "reason": "合计行，不是数据行", "column": None})
            continue
        try:
            lead = canonical_lead(source, cells, ctx, header_of)
        except RowRejected as exc:
            batch.rejected.append({"row_index": idx, "reason": exc.reason, "column": exc.column})
            continue
        batch.leads.append(lead)
        batch.lead_rows.append(idx)
    return batch
