"""Scalar cleaning of agency cells: width, invisible characters, missing markers.

Agency exports mix full-width and half-width forms, carry zero-width and control
characters from copy-paste, and spell "no value" a dozen ways. Every other
normaliser starts from the helpers here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

__all__ = ["clean_cell", "clean_text", "is_missing", "parse_bool", "parse_int"]

# Full-width punctuation that reads naturally in Chinese prose and is kept by
# ``clean_text``; every other character of U+FF01..U+FF5E becomes ASCII.
_PROSE_PUNCT = frozenset("！（），：；？")


def _build_text_table() -> dict[int, int | str | None]:
    table: dict[int, int | str | None] = {}
    for cp in range(0xFF01, 0xFF5F):
        if chr(cp) not in _PROSE_PUNCT:
            table[cp] = cp - 0xFEE0
    table[0x3000] = " "
    for cp in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        table[cp] = None
    for ch in "\t\n\r\x0b\x0c\x85":  # line breaks and tabs separate words
        table[ord(ch)] = " "
    for ch in "\u200b\u200c\u200d\u2060\ufeff":
        table[ord(ch)] = None
    return table


_TEXT_TABLE = _build_text_table()
_WS_RE = re.compile(r"\s+")
# What ``_clean_raw`` would change: a character of the table, whitespace other than a
# single space between words. Most cells have none and come back as they are.
_DIRTY_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_TEXT_TABLE)) + "]"
                       r"|[^\S ]|\s\s|^\s|\s$")

_MISSING_STRINGS = frozenset(
    {"", "-", "--", "—", "——", "无", "/", "null", "none", "nan", "nat", "n/a", "#n/a"}
)

_TRUE_STRINGS = frozenset({"是", "有", "y", "yes", "true", "t", "1", "1.0", "√", "是的"})
_FALSE_STRINGS = frozenset({"否", "无", "没有", "n", "no", "false", "f", "0", "0.0", "×", "不是"})

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_INT_PREFIX = r"(?:约|共|计|合计|大约)?\s*"
_INT_UNIT = r"\s*(?:余|多)?(?:人次|人|名|个|位|户|次|件|岁|起)?(?:左右|以上|以下)?"
_INT_RE = re.compile(_INT_PREFIX + r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+))(?:\.0+)?" + _INT_UNIT)
_CN_INT_RE = re.compile(_INT_PREFIX + r"([零〇一二两三四五六七八九十]{1,3})" + _INT_UNIT)


def _is_na(value: object) -> bool:
    """True for None, float NaN, pandas ``NA``/``NaT`` and numpy NaN scalars."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (str, int)):
        return False
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def _to_str(value: object) -> str | None:
    """Stringify a scalar; integral floats lose their ``.0`` (Excel numeric cells)."""
    if type(value) is str:
        return value
    if _is_na(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_CACHE_MAX_LEN = 64  # long free text rarely repeats: caching it would only hold memory


def _clean_raw(s: str) -> str | None:
    if s and _DIRTY_RE.search(s) is None:
        return s  # what ``_clean_translated`` would return, found by one search
    return _clean_translated(s)


def _clean_translated(s: str) -> str | None:
    out = _WS_RE.sub(" ", s.translate(_TEXT_TABLE)).strip()
    return out or None


_clean_cached = lru_cache(maxsize=65536)(_clean_raw)


def _clean_str(s: str) -> str | None:
    return _clean_cached(s) if len(s) <= _CACHE_MAX_LEN else _clean_raw(s)


@lru_cache(maxsize=65536)
def _clean_cell_cached(s: str) -> str | None:
    return _clean_raw(unicodedata.normalize("NFKC", s))


def _clean_cell_str(s: str) -> str | None:
    if len(s) <= _CACHE_MAX_LEN:
        return _clean_cell_cached(s)
    return _clean_raw(unicodedata.normalize("NFKC", s))


def clean_text(value: object) -> str | None:
    """Clean free text (descriptions) for storage and NLP; ``None`` when empty.

    Full-width letters, digits and symbols become ASCII, but the prose
    punctuation ！（），：；？ is kept so Chinese sentences still read naturally.
    Control and zero-width characters are dropped, line breaks and tabs become
    spaces, whitespace runs collapse to one space.
    """
    if type(value) is str:  # nearly every cell: skip the scalar checks
        return _clean_str(value)
    s = _to_str(value)
    return None if s is None else _clean_str(s)


def clean_cell(value: object) -> str | None:
    """Clean a short field (name, phone, code): like ``clean_text`` plus NFKC.

    NFKC folds every compatibility form (``（``→``(``, ``：``→``:``, ``①``→``1``),
    which is what structured fields want and prose does not.
    """
    if type(value) is str:
        return _clean_cell_str(value)
    s = _to_str(value)
    return None if s is None else _clean_cell_str(s)


def is_missing(value: object) -> bool:
    """True for empty values and the usual "nothing here" placeholders (``无``, ``-``, ``null``)."""
    if _is_na(value):
        return True
    if not isinstance(value, str):
        return False
    if len(value) > 8 and len(value.strip()) > 8:  # every placeholder is short
        return False
    s = _clean_cell_str(value)
    return s is None or s.lower() in _MISSING_STRINGS


def parse_bool(value: object) -> bool | None:
    """Read a yes/no cell (是/否, 有/无, Y/N, true/false, 1/0); ``None`` when unclear or empty."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not _is_na(value):
        if value == 1:
            return True
        if value == 0:
            return False
        return None
    s = clean_cell(value)
    if s is None:
        return None
    s = s.lower()
    if s in _TRUE_STRINGS:
        return True
    if s in _FALSE_STRINGS:
        return False
    return None


def _cn_small_int(s: str) -> int | None:
    """Chinese numerals 0–99 (``五``, ``十二``, ``二十``, ``三十五``)."""
    if "十" not in s:
        return _CN_DIGITS[s] if len(s) == 1 else None
    head, _, tail = s.partition("十")
    if len(head) > 1 or len(tail) > 1 or "十" in tail:
        return None
    tens = _CN_DIGITS[head] if head else 1
    ones = _CN_DIGITS[tail] if tail else 0
    return tens * 10 + ones


def parse_int(value: object) -> int | None:
    """Read a count: ``5``, ``5人``, ``５``, ``5.0``, ``约五人``; ``None`` when not an integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    s = clean_cell(value)
    if s is None:
        return None
    m = _INT_RE.fullmatch(s)
    if m:
        return int(m.group(1).replace(",", ""))
    m = _CN_INT_RE.fullmatch(s)
    if m:
        return _cn_small_int(m.group(1))
    return None
