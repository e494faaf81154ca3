"""Turn an agency's raw rows into canonical leads, or rejected rows with a reason.

Every row handed in comes back exactly once: as a lead or as a rejection that
names the column at fault. Soft problems (an invalid ID, an address that does
not resolve) keep the lead and are recorded in its ``flags``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import zip_longest
from typing import Any

from triage.normalize.addresses import NO_MATCH, AddressMatch, Gazetteer, normalize_address
from triage.normalize.categories import CategoryMapper
from triage.normalize.cells import defuse_formula
from triage.normalize.dates import latest_report_time, parse_datetime
from triage.normalize.idnumbers import parse_id
from triage.normalize.names import parse_names
from triage.normalize.phones import parse_phones
from triage.normalize.text import clean_cell, clean_text, is_missing, parse_bool, parse_int

TOTALS = re.compile(r"^(合计|总计|小计|共计)")
# a note under the table: who made it, who checked it, when it was printed
FOOTER = re.compile(r"^(制表|填表|填报|审核|审批|负责人|统计人|经办人|备注|说明|注[:：]|打印|导出)")
# Masked or titled party mentions in free text: 鲁某, 王某某, 张女士, 李先生.
PARTY = re.compile(r"([\u4e00-\u9fff])(某某|某|女士|先生|大爷|大妈|阿姨)")
_PARTY_SUFFIX = re.compile(r"某某|某|女士|先生|大爷|大妈|阿姨")
PARTY_STOP = frozenset("其该另某一本此各每有无与和跟对向被把将让给")
EXTRA_FIELDS = ("unit", "handler", "deadline", "referral", "request_type")
URGENCY = {"特急": "特急", "紧急": "紧急", "一般": "一般", "是": "紧急", "否": "一般"}
TEXT_FIELDS = frozenset({"description", "disposition"})  # prose: clean_text, not NFKC
_DIGIT_RUN = re.compile(r"[0-9\uff10-\uff19]+")
_FORMULA_START = frozenset("=+-@ \t")


def _digit_names(gazetteer: Gazetteer) -> re.Pattern[str] | None:
    """What an address must contain for its numbers to matter: the text before the first
    digit of every gazetteer name holding one (黄寺大街 of 黄寺大街24号社区); ``None`` when
    a name starts with a digit and house numbers must always stay as written."""
    prefixes: set[str] = set()
    for unit in gazetteer.units.values():
        for name in (unit.name, unit.short_name, *unit.aliases):
            folded = normalize_address(name)
            m = _DIGIT_RUN.search(folded)
            if m is None:
                continue
            if m.start() == 0:
                return None
            prefixes.add(folded[:m.start()])
    if not prefixes:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile("|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)))


@dataclass(frozen=True)
class NormalizeContext:
    """What normalization needs from the deployment's configuration."""

    gazetteer: Gazetteer
    categories: CategoryMapper
    default_area_code: str = "010"
    jurisdiction: tuple[str, ...] = ()  # town codes of this deployment, for ambiguous names
    now: datetime | None = None
    _digit_names: re.Pattern[str] | None = field(default=None, init=False, repr=False,
                                                 compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_digit_names", _digit_names(self.gazetteer))

    def address_key(self, address: str) -> str:
        """The address with house, building and room numbers folded to ``0``.

        Numbers never name a unit unless a gazetteer name holds them, so ``3号楼2单元501``
        and ``5号楼1单元1102`` of one community resolve alike and share one cache entry.
        An address that may name such a unit (黄寺大街24号社区) keeps its numbers.
        """
        names = self._digit_names
        if names is None or names.search(normalize_address(address)):
            return address
        return _DIGIT_RUN.sub("0", address)

    def locate(self, address: str | None, office_town: str | None) -> AddressMatch:
        """Resolve an address; a village name found in several towns goes to the one
        jurisdiction town that has it."""
        if address:
            address = self.address_key(address)
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
    """A stable digest of a record's cleaned fields, to tell corrections from repeats.

    Missing values are left out, so a re-export that adds an empty column, writes a
    date as an Excel date instead of text, or pads a cell with spaces is the same record.
    """
    blob = "\x1e".join([f"{k}\x1f{v}" for k, v in sorted(values.items()) if v is not None])
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
    # Same matches as ``PARTY.finditer``, found from the suffix: a leading Han
    # character class makes the regex engine try every position, ten times slower.
    out: list[str] = []
    pos = 0  # where the next match may start (the end of the previous one)
    search = _PARTY_SUFFIX.search
    while (m := search(text, pos + 1)) is not None:
        start = m.start() - 1
        head = text[start]
        if not "\u4e00" <= head <= "\u9fff":
            pos = m.start()  # PARTY would try the next position
            continue
        pos = m.end()
        if head in PARTY_STOP:
            continue
        name = text[start:pos]
        if name not in out:
            out.append(name)
    return out


def _office_town(texts: Mapping[str, str | None], ctx: NormalizeContext) -> str | None:
    """The town of the reporting office (北七家派出所), to place town-less addresses."""
    for key in ("unit", "handler"):
        office = texts.get(key)
        if office:
            town = ctx.gazetteer.resolve(office).town_code
            if town:
                return town
    return None


def _clean(fld: str, value: object) -> str | None:
    """The cleaned text of one mapped cell; ``None`` for empty and 无/-/null placeholders."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if type(value) is str and value.isascii() and value.isalnum():
        text: str | None = value  # J2024000123, 110105...: nothing to clean
    else:
        text = clean_text(value) if fld in TEXT_FIELDS else clean_cell(value)
    if text is None or (len(text) <= 8 and is_missing(text)):
        return None
    return text


_MEMO_MAX_LEN = 64  # short cells repeat (categories, units, names); prose does not
# Fields whose own parsers read the raw cell: the content hash takes them lightly
# trimmed instead of paying for a full clean of values that rarely repeat.
_PARSED_FIELDS = frozenset({"reporter_name", "reporter_phone", "reporter_id", "reported_at"})


def _trimmed(v: object) -> str | None:
    """A raw cell as the content hash sees a parsed field: trimmed text, integral numbers
    without ``.0``."""
    if v is None:
        return None
    if type(v) is str:
        return v.strip() or None
    if isinstance(v, float):
        if not math.isfinite(v):
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (datetime, date)):
        return v.isoformat(sep=" ") if isinstance(v, datetime) else v.isoformat()
    return str(v)


def _trimmed_column(values: Sequence[object]) -> list[str | None]:
    """``_trimmed`` over one column of a chunk (text cells inline: they are nearly all)."""
    return [(v.strip() or None) if type(v) is str else _trimmed(v) for v in values]


def _clean_column(fld: str, values: Sequence[object]) -> list[str | None]:
    """``_clean`` over one column of a chunk, each distinct short value cleaned once."""
    memo: dict[str, str | None] = {}
    out: list[str | None] = []
    append = out.append
    for v in values:
        if v is None:
            append(None)
        elif type(v) is str and len(v) <= _MEMO_MAX_LEN:
            t = memo.get(v, _MISS)
            if t is _MISS:
                t = memo[v] = _clean(fld, v)
            append(t)  # type: ignore[arg-type]
        else:
            append(_clean(fld, v))
    return out


_MISS = object()


def _date_text(value: str | None) -> str | None:
    """A date cell as the content hash compares it: the same day in any written form."""
    if value is None:
        return None
    try:
        return parse_datetime(value, max_datetime=datetime.max).isoformat(sep=" ")
    except ValueError:
        return value


def formula_flags(cells: Mapping[str, object], headers: Mapping[str, str]) -> list[str]:
    """Flags naming the cells that look like a spreadsheet formula. The text is kept exactly as
    the agency wrote it; every output writes it as text, so nothing ever evaluates it."""
    return [f"疑似公式（原样保存，输出为文本）:{headers.get(fld, fld)}"
            for fld, value in cells.items()
            if isinstance(value, str) and value and value[0] in _FORMULA_START
            and defuse_formula(value) is not None]


def canonical_lead(
    source: str, cells: Mapping[str, object], ctx: NormalizeContext,
    headers: Mapping[str, str], flags: Sequence[str] = (),
    texts: Mapping[str, str | None] | None = None, latest: datetime | None = None,
) -> dict[str, Any]:
    """One canonical lead from one row's mapped cells; raises ``RowRejected``.

    ``flags`` are warnings the reader already has for the row (control characters
    removed, formula triggers stripped); they stay with the lead. ``texts`` are the
    cells already cleaned (``canonicalize`` cleans whole columns at once). ``latest``
    is the latest report time accepted (default: ``ctx.now``, else now + 1 day).
    """
    if texts is None:
        texts = {fld: None if v is None else _clean(fld, v) for fld, v in cells.items()}
    ref = texts.get("source_ref")
    if ref is None:
        raise RowRejected("缺少编号", headers.get("source_ref"))
    if TOTALS.match(ref):
        raise RowRejected("合计行，不是数据行", headers.get("source_ref"))
    raw_time = cells.get("reported_at")
    if is_missing(raw_time):
        raise RowRejected("缺少时间", headers.get("reported_at"))
    try:
        reported_at = parse_datetime(raw_time, max_datetime=latest or ctx.now)
    except ValueError as exc:
        raise RowRejected(str(exc), headers.get("reported_at")) from exc

    flags = list(flags)
    fingerprint: dict[str, object] = dict(texts)
    fingerprint["source_ref"] = ref
    fingerprint["reported_at"] = reported_at.isoformat(sep=" ")
    if "deadline" in texts:
        deadline = cells["deadline"]
        fingerprint["deadline"] = (deadline.isoformat(sep=" ") if isinstance(deadline, datetime)
                                   else _date_text(texts["deadline"]))
    get = cells.get  # absent fields skip their parsers: most sources lack most fields
    names = parse_names(v, pinyin=False) if (v := get("reporter_name")) is not None else []
    phones = parse_phones(v, ctx.default_area_code) if (v := get("reporter_phone")) is not None \
        else []
    ident = parse_id(v) if (v := get("reporter_id")) is not None else None
    if ident is not None and not ident.valid and not ident.masked:
        flags.append(f"身份证号无效:{ident.problem or '格式错误'}")
    address = texts.get("address")
    where = ctx.locate(address, _office_town(texts, ctx)) if address else NO_MATCH
    if address and where.level != "village":
        flags.append("地址未定位到村/社区")
    description = texts.get("description")
    category = texts.get("category")
    sex = texts.get("reporter_sex")
    if sex not in ("男", "女"):
        sex = (ident.sex if ident and ident.valid else None) or (names[0].sex_hint if names else None)
    age = parse_int(v) if (v := get("reporter_age")) is not None else None
    if age is not None and not 0 < age < 120:
        flags.append("年龄不合理")
        age = None
    urgency = texts.get("urgency")
    reporter = names[0] if names else None
    written_name = texts.get("reporter_name")
    if reporter is None and written_name:  # not a name, but what the agency wrote: kept as text
        flags.append("报告人姓名无法识别:原样保存")
    extra = {k: t for k in EXTRA_FIELDS if (t := texts.get(k)) is not None}
    dtype, dtype_words = ctx.categories.decide(category, description)
    lead: dict[str, Any] = {
        "source": source,
        "source_ref": ref,
        "content_hash": content_hash(fingerprint),
        "reported_at": reported_at,
        "reporter_name": reporter.text if reporter else written_name,
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
        "dispute_type": dtype,
        "dispute_words": dtype_words or None,
        "description": description,
        "disposition": texts.get("disposition"),
        "urgency": URGENCY.get(urgency, urgency) if urgency else None,
        "channel": texts.get("channel"),
        "headcount": parse_int(v) if (v := get("headcount")) is not None else None,
        "repeat_flag": parse_bool(v) if (v := get("repeat_flag")) is not None else None,
        "skip_level": parse_bool(v) if (v := get("skip_level")) is not None else None,
        "dv_flag": parse_bool(v) if (v := get("dv_flag")) is not None else None,
        "parties": parties_in(description) or None,
        "flags": flags or None,
        "extra": extra or None,
    }
    return lead


def _is_totals(row: Sequence[object]) -> bool:
    """A totals row (合计/总计) in any column, as exports put them under the data."""
    return any(isinstance(v, str) and TOTALS.match(v.strip()) for v in row)


def _is_footer(row: Sequence[object]) -> bool:
    """A note under the table (制表：信息科, 审核人：…): one or two cells, the first a footer word."""
    filled = [v.strip() for v in row if isinstance(v, str) and v.strip()]
    return 0 < len(filled) <= 2 and len(filled) == sum(v is not None and v != "" for v in row) \
        and FOOTER.match(filled[0]) is not None


def canonicalize(
    source: str, columns: Mapping[str, int], headers: Sequence[str],
    rows: Sequence[Sequence[object]], ctx: NormalizeContext,
    scrubbed: Mapping[int, Sequence[int]] | None = None,
) -> CanonicalBatch:
    """Map every row of a table to a lead or a rejection (index-aligned with ``rows``).

    ``scrubbed`` names, per row index, the columns whose control characters the reader
    removed; the lead carries a flag saying so.
    """
    batch = CanonicalBatch()
    header_of = {f: headers[i] if i < len(headers) else f"列{i + 1}" for f, i in columns.items()}
    items = list(columns.items())
    scrubbed = scrubbed or {}
    table = list(zip_longest(*rows))  # the chunk by column, short rows padded with None
    absent = (None,) * len(rows)
    raw_columns = {f: table[i] if i < len(table) else absent for f, i in items}
    clean_columns = {f: _trimmed_column(vals) if f in _PARSED_FIELDS
                     else _clean_column(f, vals) for f, vals in raw_columns.items()}
    # The upper bound of report times, read once per chunk rather than once per row.
    latest = ctx.now or latest_report_time()
    fields = list(columns)
    raw_tuples = zip(*raw_columns.values(), strict=True) if fields else iter(() for _ in rows)
    clean_tuples = zip(*clean_columns.values(), strict=True) if fields else iter(() for _ in rows)
    for idx, (row, raw_t, clean_t) in enumerate(zip(rows, raw_tuples, clean_tuples, strict=True)):
        cells = dict(zip(fields, raw_t, strict=True))
        texts = dict(zip(fields, clean_t, strict=True))
        # a row with 合计 that has no number or no readable time is the totals (it would be
        # rejected anyway; this says why): a data row's description may well start with 合计
        when = cells.get("reported_at")
        no_time = is_missing(when) or (isinstance(when, str) and TOTALS.match(when.strip()))
        if (texts.get("source_ref") is None or no_time) and _is_totals(row):
            batch.rejected.append({"row_index": idx, "reason": "合计行，不是数据行", "column": None})
            continue
        if _is_footer(row):
            batch.rejected.append({"row_index": idx, "reason": "表尾说明行，不是数据行", "column": None})
            continue
        flags = formula_flags(cells, header_of)
        if idx in scrubbed:
            cols = "、".join(headers[i] if i < len(headers) and headers[i] else f"列{i + 1}"
                            for i in scrubbed[idx])
            flags.append(f"控制字符已去除:{cols}")
        try:
            lead = canonical_lead(source, cells, ctx, header_of, flags, texts, latest)
        except RowRejected as exc:
            batch.rejected.append({"row_index": idx, "reason": exc.reason, "column": exc.column})
            continue
        batch.leads.append(lead)
        batch.lead_rows.append(idx)
    return batch
