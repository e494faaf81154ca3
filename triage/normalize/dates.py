"""Report timestamps from every export form, as naive Asia/Shanghai wall-clock datetimes.

Agencies export ISO strings, slashed dates, Chinese ``年月日时分``, compact digits
and raw Excel serial numbers. Anything unreadable or implausible raises
``ValueError`` with a short Chinese reason, so the connector can reject the row
with that reason instead of storing a wrong date.
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from triage.normalize.text import _is_na

__all__ = ["SHANGHAI", "excel_serial_to_datetime", "latest_report_time", "parse_datetime"]

SHANGHAI = ZoneInfo("Asia/Shanghai")
_EXCEL_EPOCH = datetime(1899, 12, 30)  # 1900 date system, past the 1900-02-29 bug
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000  # 1954-10-03 .. 2119-01-10

_TIME = (
    r"(?:(?P<ampm>上午|下午|晚上|中午|凌晨|早上|AM|PM|am|pm)\s*)?"
    r"(?P<H>\d{1,2})(?::|时|点)"
    r"(?:(?P<M>\d{1,2})(?::|分)?"
    r"(?:(?P<S>\d{1,2})(?:\.(?P<F>\d{1,9}))?秒?)?)?"
    r"(?:\s*(?P<ampm2>AM|PM|am|pm))?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)
_DATE_SEP_RE = re.compile(
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?:[T\s]*" + _TIME + r")?"
)
_DATE_CN_RE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?(?:\s*" + _TIME + r")?"
)
_COMPACT_RE = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\s*(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?"
)
_SERIAL_RE = re.compile(r"\d{5}(?:\.\d+)?")
_ISO_RE = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?", re.ASCII)
_PLAIN_SEP_RE = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
                           r"(?: (?P<H>\d{1,2}):(?P<M>\d{1,2})(?::(?P<S>\d{1,2}))?)?", re.ASCII)
_PLAIN_CN_RE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
                          r"(?: ?(?P<H>\d{1,2})时(?P<M>\d{1,2})分(?:(?P<S>\d{1,2})秒)?)?", re.ASCII)
_WS_RE = re.compile(r"\s+")


def excel_serial_to_datetime(serial: float) -> datetime:
    """Excel 1900-system serial (``45415.885``) to a datetime, rounded to the millisecond."""
    if not math.isfinite(serial) or not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise ValueError(f"日期超出合理范围: {serial}")
    ms = round(serial * 86_400_000)
    return _EXCEL_EPOCH + timedelta(milliseconds=ms)


def _to_local_naive(dt: datetime) -> datetime:
    """Plain naive datetime in Shanghai time (drops pandas subclasses and nanoseconds)."""
    if dt.tzinfo is not None and dt.utcoffset() is not None:
        dt = dt.astimezone(SHANGHAI)
    return datetime(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond)


def _tz_from(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _from_match(m: re.Match[str]) -> datetime:
    g = m.groupdict()
    hour = int(g.get("H") or 0)
    ampm = g.get("ampm") or g.get("ampm2") or ""
    if ampm in ("下午", "晚上", "PM", "pm") and hour < 12:
        hour += 12
    elif ampm in ("凌晨", "上午", "早上", "AM", "am") and hour == 12:
        hour = 0
    frac = g.get("F") or ""
    micro = int(frac[:6].ljust(6, "0")) if frac else 0
    dt = datetime(
        int(g["y"]), int(g["m"]), int(g["d"]), hour,
        int(g.get("M") or 0), int(g.get("S") or 0), micro,
    )
    tz = g.get("tz")
    if tz:
        dt = _to_local_naive(dt.replace(tzinfo=_tz_from(tz)))
    return dt


@lru_cache(maxsize=65536)
def _parse_str(raw: str) -> datetime | str:
    """Parse a string; returns the error message instead of raising so failures cache too."""
    s = _WS_RE.sub(" ", unicodedata.normalize("NFKC", raw)).strip()
    shown = s if len(s) <= 40 else s[:40] + "…"
    if not s:
        return "日期为空"
    try:
        for regex in (_DATE_SEP_RE, _DATE_CN_RE, _COMPACT_RE):
            m = regex.fullmatch(s)
            if m:
                return _from_match(m)
        if _SERIAL_RE.fullmatch(s):
            return excel_serial_to_datetime(float(s))
    except (ValueError, OverflowError) as exc:
        msg = str(exc)
        return msg if msg.startswith("日期") else f"日期无效: {shown}"
    return f"无法识别的日期: {shown}"


def _coerce(value: object) -> datetime:
    if _is_na(value):
        raise ValueError("日期为空")
    if isinstance(value, datetime):
        return _to_local_naive(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError(f"无法识别的日期: {value}")
    if isinstance(value, int):
        value = str(value)  # 20240503 or 45415
    elif isinstance(value, float):
        if value.is_integer() and value >= 1e7:
            value = str(int(value))  # 20240503.0 read from a numeric column
        else:
            return excel_serial_to_datetime(value)
    elif not isinstance(value, str):
        value = str(value)  # numpy scalars and other exotic types
    if len(value) in (10, 16, 19) and _ISO_RE.fullmatch(value):
        # 2024-05-03[ 21:14[:05]], the commonest form, read at C speed; an impossible
        # date (2024-02-30) falls through to the general parser for its message.
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value)
    m = _PLAIN_SEP_RE.fullmatch(value) or _PLAIN_CN_RE.fullmatch(value)
    if m is not None:  # 2024/5/3 21:14, 2024年5月3日 21时14分: plain forms, one small regex
        y, mo, d, hh, mi, ss = m.group("y", "m", "d", "H", "M", "S")
        with contextlib.suppress(ValueError):
            return datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
    result = _parse_str(value)
    if isinstance(result, str):
        raise ValueError(result)
    return result


def latest_report_time() -> datetime:
    """The default upper bound of a report time: now in Shanghai plus one day (clock skew)."""
    return datetime.now(SHANGHAI).replace(tzinfo=None) + timedelta(days=1)


def parse_datetime(
    value: object, *, min_year: int = 1990, max_datetime: datetime | None = None
) -> datetime:
    """Parse a timestamp cell to a naive Asia/Shanghai datetime.

    Accepts ``2024-05-03 21:14:05``, ``2024/5/3 21:14``, ``2024年5月3日 21时14分``,
    ``20240503``, Excel serials (``45415.885``), ``datetime``/``date``/``Timestamp``
    (aware ones converted to Shanghai time) and full-width digits. Raises
    ``ValueError`` when unreadable or outside [``min_year``, ``max_datetime``]
    (default: now + 1 day).
    """
    dt = _coerce(value)
    upper = max_datetime if max_datetime is not None else latest_report_time()
    if upper.tzinfo is not None:
        upper = _to_local_naive(upper)
    if dt.year < min_year or dt > upper:
        raise ValueError(f"日期超出合理范围: {dt.isoformat(sep=' ')}")
    return dt
