"""Resident ID numbers (GB 11643): validate, upgrade 15→18 digits, read birth date and sex.

An ID number is the surest person key across agencies, but exports carry typos,
old 15-digit numbers, lower-case ``x`` and masked forms. Invalid numbers are
kept with a Chinese reason so a coordinator can see and fix them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import mul

from triage.normalize.text import _MISSING_STRINGS, _to_str, clean_cell

__all__ = ["IdNumber", "check_digit", "mask_id", "parse_id"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)
_MIN_BIRTH = date(1900, 1, 1)
# First two digits: provinces, Taiwan (71), Hong Kong/Macau (81/82), 83 and 91 (residence permits).
_PROVINCES = frozenset(
    str(code)
    for code in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
                 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91)
)
_PLACEHOLDERS = frozenset({"不详", "未知", "未提供", "未登记", "无身份证", "暂无"})

PROBLEM_MASKED = "已脱敏"
PROBLEM_LENGTH = "位数不对"
PROBLEM_FORMAT = "格式错误"
PROBLEM_REGION = "地区码无效"
PROBLEM_DATE = "出生日期无效"
PROBLEM_CHECK = "校验位错误"

_STRIP_RE = re.compile(r"[\s\-]+")
_MASK_CHARS_RE = re.compile(r"[×●•#]")
_INNER_X_RE = re.compile(r"[xX](?=.)")
_ID_CHARS_RE = re.compile(r"[0-9*X]+")
_CANDIDATE_RE = re.compile(r"(?<![0-9A-Za-z*])[0-9*xX×]{14,18}(?![0-9A-Za-z*])")
_SINGLE_MASK_RUN_RE = re.compile(r"(\d*)(\*+)([\dX]*)")
# The common cell: 18 plain characters, nothing to clean, strip or unmask.
_PLAIN_18_RE = re.compile(r"[0-9]{17}[0-9Xx]")


@dataclass(frozen=True)
class IdNumber:
    """A parsed ID number; ``valid`` says whether to trust it, ``problem`` why not."""

    value: str  # normalised 18 chars, upper X; masked forms keep '*'
    valid: bool
    masked: bool
    birth_date: date | None
    sex: str | None  # "男" / "女"
    region: str | None  # first 6 digits
    problem: str | None  # Chinese reason when not valid


def check_digit(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError(f"需要17位数字: {first17!r}")
    # The weighted sum of the ASCII codes, less what the code of "0" adds (C speed).
    total = sum(map(mul, first17.encode("ascii"), _WEIGHTS)) - _ZERO_WEIGHT
    return _CHECK_CHARS[total % 11]


def _birth(yyyymmdd: str) -> date | None:
    """A real birth date between 1900-01-01 and today, else ``None``."""
    if len(yyyymmdd) != 8 or not yyyymmdd.isdigit():
        return None
    try:
        d = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return None
    return d if _MIN_BIRTH <= d <= date.today() else None


def _sex(digit: str) -> str | None:
    return ("男" if int(digit) % 2 else "女") if digit.isdigit() else None


def _region(s: str) -> str | None:
    head = s[:6]
    return head if len(head) == 6 and head.isdigit() else None


def _invalid(value: str, problem: str, masked: bool = False) -> IdNumber:
    birth = _birth(value[6:14]) if len(value) == 18 else None
    sex = _sex(value[16]) if len(value) == 18 else None
    return IdNumber(value, False, masked, birth, sex, _region(value), problem)


def _normalize_masks(s: str) -> str:
    """Unify mask characters to ``*``; ``x`` before the last position masks when it is not alone."""
    s = _MASK_CHARS_RE.sub("*", s)
    if "*" in s or len(_INNER_X_RE.findall(s)) >= 2:
        s = _INNER_X_RE.sub("*", s)
    return s.upper()


def _fit_mask(s: str) -> str:
    """Stretch or shrink one run of ``*`` so a masked number has 18 characters."""
    if len(s) == 18:
        return s
    m = _SINGLE_MASK_RUN_RE.fullmatch(s)
    if m is None:
        return s
    stars = 18 - len(m.group(1)) - len(m.group(3))
    return f"{m.group(1)}{'*' * stars}{m.group(3)}" if stars >= 1 else s


@lru_cache(maxsize=65536)
def _parse_id_str(raw: str) -> IdNumber | None:
    if _PLAIN_18_RE.fullmatch(raw):
        return _parse_18(raw.upper())
    cleaned = clean_cell(raw)
    if cleaned is None or cleaned.lower() in _MISSING_STRINGS or cleaned in _PLACEHOLDERS:
        return None
    s = _STRIP_RE.sub("", cleaned)
    if not _ID_CHARS_RE.fullmatch(_normalize_masks(s)):
        found = _CANDIDATE_RE.findall(cleaned)  # "身份证:110114..." or similar
        if len(found) != 1:
            return _invalid(s, PROBLEM_FORMAT)
        s = found[0]
    s = _normalize_masks(s)
    if "*" in s:
        s = _fit_mask(s)
        return _invalid(s, PROBLEM_MASKED if len(s) == 18 else PROBLEM_LENGTH, masked=True)
    if len(s) == 15:
        if "X" in s:
            return _invalid(s, PROBLEM_FORMAT)
        if s[:2] not in _PROVINCES:
            return _invalid(s, PROBLEM_REGION)
        birth = _birth("19" + s[6:12])
        if birth is None:
            return _invalid(s, PROBLEM_DATE)
        first17 = s[:6] + "19" + s[6:]
        return IdNumber(first17 + check_digit(first17), True, False, birth, _sex(s[14]),
                        s[:6], None)
    if len(s) != 18:
        return _invalid(s, PROBLEM_LENGTH)
    return _parse_18(s)


def _parse_18(s: str) -> IdNumber:
    """Validate an unmasked 18-character number (upper-case ``X``)."""
    if not s[:17].isdigit():
        return _invalid(s, PROBLEM_FORMAT)
    if s[:2] not in _PROVINCES:
        return _invalid(s, PROBLEM_REGION)
    birth = _birth(s[6:14])
    if birth is None:
        return _invalid(s, PROBLEM_DATE)
    if check_digit(s[:17]) != s[17]:
        return _invalid(s, PROBLEM_CHECK)
    return IdNumber(s, True, False, birth, _sex(s[16]), s[:6], None)


def parse_id(value: object) -> IdNumber | None:
    """Parse an ID cell; ``None`` when empty. Invalid numbers are kept with ``problem`` set.

    15-digit numbers are upgraded to 18 digits. Masked numbers (``110114********1234``,
    also ``110114****1234``) are stretched to 18 characters and expose only what is visible.
    """
    s = _to_str(value)
    return None if s is None else _parse_id_str(s)


def mask_id(value: str) -> str:
    """Hide the birth date and sequence: ``110114199001011234`` → ``110114********1234``."""
    s = _STRIP_RE.sub("", value)
    if len(s) > 10:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    if len(s) > 4:
        return "*" * (len(s) - 4) + s[-4:]
    return "*" * len(s)
