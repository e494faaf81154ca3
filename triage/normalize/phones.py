"""Chinese phone numbers: parse every export form, normalise, mask, compare.

Phones are the strongest link between leads from different agencies, so each
cell is turned into canonical numbers (mobile ``13812345678``, landline
``010-61712345``, masked mobile ``138****5678``) that compare by equality, and
masked numbers compare position by position with full ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from triage.normalize.text import _to_str

__all__ = ["Phone", "mask_phone", "parse_phones", "phone_digits_tail", "phones_compatible"]

MOBILE = "mobile"
LANDLINE = "landline"


@dataclass(frozen=True)
class Phone:
    """One normalised phone number."""

    number: str
    kind: str  # "mobile" | "landline"
    masked: bool


_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# 13812345678, 138-1234-5678, 138 1234 5678, with spaces around: one mobile, nothing else.
_PLAIN_MOBILE_RE = re.compile(r" *(1[3-9]\d)([- ]?)(\d{4})\2(\d{4}) *", re.ASCII)
# +86 138 1234 5678, 86-13812345678: a mobile behind the country code, nothing else.
_INTL_MOBILE_RE = re.compile(r" *(?:\+86 ?|86-)(1[3-9]\d)([- ]?)(\d{4})\2(\d{4}) *", re.ASCII)
# 138****5678 (or 138**5678): a masked mobile as agencies export it, nothing else.
_PLAIN_MASKED_RE = re.compile(r" *(1[3-9]\d)\*{2,6}(\d{4}) *", re.ASCII)
_MASKED_MOBILE_RE = re.compile(r"[1*][3-9*][\d*]{9}")
_SHORT_MASK_MOBILE_RE = re.compile(r"(1[3-9]\d)\*{2,6}(\d{4})")
_LOCAL_RE = re.compile(r"[2-9]\d{6,7}")
_MASKED_LOCAL_RE = re.compile(r"[\d*]{7,8}")
_AREA_RE = re.compile(r"0[1-9]\d{1,2}")
_SCI_RE = re.compile(r"\d(?:\.\d+)?[eE]\+?\d{1,2}")
# Runs of characters that can belong to a phone number; everything else
# (slashes, commas, 、, Chinese text, line breaks) separates numbers.
_RUN_RE = re.compile(r"[0-9*+() .\-]+")
_PIECE_RE = re.compile(r"[^ .\-]+")
_EXT_RE = re.compile(r"(?:转|分机|ext\.?|EXT\.?|Ext\.?)\s*\d{1,6}")
_MASK_X_RE = re.compile(r"(?<![A-Za-z])[xX×]+(?![A-Za-z])")
_SEP_RE = re.compile(r"[\s.\-]+")
_DASH_EXT_RE = re.compile(r"\d-\d{1,6}$")  # "010-61712345-801"; a space is no extension mark
_MAX_PIECES = 6  # "+86 10 6171 2345 801": a single number never spans more pieces

_PRE_TABLE = {
    ord("\n"): ";", ord("\r"): ";", ord("\t"): " ",
    ord("\u2013"): "-", ord("\u2014"): "-", ord("\u2212"): "-", ord("\u2010"): "-",
    ord("\u200b"): None, ord("\u200c"): None, ord("\u200d"): None, ord("\ufeff"): None,
}


def _norm_area(area: str) -> str:
    digits = "".join(ch for ch in area if ch.isdigit())
    if not digits:
        return ""
    return digits if digits.startswith("0") else "0" + digits


def _area_split(digits: str) -> tuple[str, str]:
    """Split ``0`` + area + local: 010 and 02x are 3-digit areas, the rest 4-digit."""
    n = 3 if digits[1] in "12" else 4
    return digits[:n], digits[n:]


def _landline(digits: str) -> Phone | None:
    """A full landline from its digits with leading 0 (``01061712345``)."""
    if len(digits) < 10 or len(digits) > 12 or not digits.startswith("0"):
        return None
    area, local = _area_split(digits)
    if _LOCAL_RE.fullmatch(local):
        return Phone(f"{area}-{local}", LANDLINE, False)
    return None


def _bare_local_shape(segs: list[str]) -> bool:
    """``61712345`` or ``6171 2345``; not ``2024-05-03`` (dates are not phones)."""
    if len(segs) == 1:
        return True
    return len(segs) == 2 and len(segs[0]) in (3, 4) and len(segs[1]) == 4


def _parse_unmasked(segs: list[str], intl: bool, default_area: str) -> Phone | None:
    digits = "".join(segs)
    if _MOBILE_RE.fullmatch(digits):
        return Phone(digits, MOBILE, False)
    for prefix in ("0", "86", "0086"):  # long-distance 0 or country code glued to a mobile
        if (
            len(digits) == 11 + len(prefix)
            and digits.startswith(prefix)
            and _MOBILE_RE.fullmatch(digits[len(prefix):])
        ):
            return Phone(digits[len(prefix):], MOBILE, False)
    if len(segs) >= 2 and _AREA_RE.fullmatch(segs[0]) and _LOCAL_RE.fullmatch("".join(segs[1:])):
        return Phone(f"{segs[0]}-{''.join(segs[1:])}", LANDLINE, False)
    if digits.startswith("0"):
        return _landline(digits)
    if intl and digits[0] in "123456789":
        return _landline("0" + digits)  # "+86 10 61712345": area code without its 0
    if default_area and _LOCAL_RE.fullmatch(digits) and _bare_local_shape(segs):
        return Phone(f"{default_area}-{digits}", LANDLINE, False)
    return None


def _parse_masked(segs: list[str]) -> Phone | None:
    compact = "".join(segs)
    if sum(ch.isdigit() for ch in compact) < 4:
        return None
    m = _SHORT_MASK_MOBILE_RE.fullmatch(compact)
    if m:
        return Phone(f"{m.group(1)}****{m.group(2)}", MOBILE, True)
    if len(compact) == 11 and _MASKED_MOBILE_RE.fullmatch(compact):
        return Phone(compact, MOBILE, True)
    if len(segs) >= 2 and _AREA_RE.fullmatch(segs[0]):
        local = "".join(segs[1:])
        if _MASKED_LOCAL_RE.fullmatch(local) and local[0] not in "01":
            return Phone(f"{segs[0]}-{local}", LANDLINE, True)
    return None


def _parse_one(candidate: str, default_area: str) -> Phone | None:
    """Parse a candidate that should hold exactly one number (spaces/dashes allowed)."""
    s = candidate.strip(" .-")
    intl = False
    if s.startswith("+"):
        s = s[1:].lstrip(" .-")
        if not s.startswith("86"):
            return None
        s = s[2:]
        intl = True
    elif s.startswith("0086"):
        s, intl = s[4:], True
    elif s.startswith("(+86)") or s.startswith("(86)"):
        s, intl = s[s.index(")") + 1:], True
    # "(010)61712345" -> "010-61712345"
    s = s.replace("(", "-").replace(")", "-")
    if "+" in s:
        return None
    segs = [seg for seg in _SEP_RE.split(s) if seg]
    if not segs:
        return None
    if not intl and segs[0] == "86" and len(segs) > 1:
        segs, intl = segs[1:], True
    masked = any("*" in seg for seg in segs)
    if masked:
        return _parse_masked(segs)
    phone = _parse_unmasked(segs, intl, default_area)
    if phone is None and len(segs) >= 2 and _DASH_EXT_RE.search(s):
        phone = _parse_unmasked(segs[:-1], intl, default_area)  # drop an extension
        if phone is not None and phone.kind == MOBILE:
            phone = None  # an 11-digit mobile plus digits is a typo, not an extension
    return phone


def _parse_run(run: str, default_area: str) -> list[Phone]:
    """Split a run such as ``138 1234 5678 010 61712345`` into numbers, longest first."""
    pieces = [(m.start(), m.end()) for m in _PIECE_RE.finditer(run)]
    out: list[Phone] = []
    i, n = 0, len(pieces)
    while i < n:
        for j in range(min(n, i + _MAX_PIECES), i, -1):
            phone = _parse_one(run[pieces[i][0]:pieces[j - 1][1]], default_area)
            if phone is not None:
                out.append(phone)
                i = j
                break
        else:
            i += 1
    return out


@lru_cache(maxsize=65536)
def _parse_phones_str(s: str, default_area: str) -> tuple[Phone, ...]:
    s = unicodedata.normalize("NFKC", s.translate(_PRE_TABLE)).strip()
    if _SCI_RE.fullmatch(s):  # Excel showed a number as 1.3812345678E+10
        try:
            s = str(int(float(s)))
        except (ValueError, OverflowError):
            return ()
    s = _EXT_RE.sub(" ", s)
    s = _MASK_X_RE.sub(lambda m: "*" * len(m.group(0)), s)
    seen: dict[str, Phone] = {}
    for m in _RUN_RE.finditer(s):
        for phone in _parse_run(m.group(0), default_area):
            seen.setdefault(phone.number, phone)
    return tuple(seen.values())


def parse_phones(value: object, default_area: str = "010") -> list[Phone]:
    """All phone numbers in a cell, normalised and deduplicated in order; garbage is skipped.

    Bare 7–8 digit local numbers get ``default_area`` (pass ``""`` to skip them).
    Extensions are dropped. Never raises.
    """
    s = _to_str(value)
    if s is None:
        return []
    if len(s) <= 24 and s.isascii():  # the common forms of one mobile, without the general parser
        m = _PLAIN_MOBILE_RE.fullmatch(s) or _INTL_MOBILE_RE.fullmatch(s)
        if m is not None:
            return [Phone(m.group(1) + m.group(3) + m.group(4), MOBILE, False)]
        m = _PLAIN_MASKED_RE.fullmatch(s)
        if m is not None:
            return [Phone(f"{m.group(1)}****{m.group(2)}", MOBILE, True)]
    return list(_parse_phones_str(s, _norm_area(default_area) if default_area else ""))


def phone_digits_tail(p: Phone) -> str:
    """The last four digits (``*`` where masked): a cheap blocking key for masked vs full."""
    chars = [ch for ch in p.number if ch.isdigit() or ch == "*"]
    return "".join(chars[-4:])


def phones_compatible(a: Phone, b: Phone) -> bool:
    """Whether two numbers may be the same: equal if both full, else visible digits agree."""
    if a.kind != b.kind:
        return False
    if not a.masked and not b.masked:
        return a.number == b.number
    if len(a.number) != len(b.number):
        return False
    return all(x == y or x == "*" or y == "*" for x, y in zip(a.number, b.number, strict=True))


def _mask_digits(local: str) -> str:
    keep = 4 if len(local) > 4 else 0
    return "*" * (len(local) - keep) + local[len(local) - keep:]


def mask_phone(number: str) -> str:
    """Hide the middle of a number for display: ``138****5678``, ``010-****2345``.

    Unrecognised input keeps only its last four digits, so nothing leaks.
    """
    if len(number) == 11 and _MOBILE_RE.fullmatch(number):
        return f"{number[:3]}****{number[7:]}"
    area, dash, local = number.partition("-")
    if dash and _AREA_RE.fullmatch(area) and local.isdigit():
        return f"{area}-{_mask_digits(local)}"
    phones = parse_phones(number)
    if len(phones) == 1 and not phones[0].masked:
        return mask_phone(phones[0].number)
    digits = "".join(ch for ch in number if ch.isdigit())
    return _mask_digits(digits)
