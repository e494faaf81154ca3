"""Personal data inside free text: phones and ID numbers in every form, plates, homes, names.

Agencies write numbers as people say them: ``139 1234 5678``, ``+86 139…``,
``(0571)87654321``, ``110105 19800101 1234``, a 15-digit old ID. A run of digit
groups is cut into the longest numbers that read as an ID, a mobile or a
landline; what reads as none (a work-order number, a date, a sum) stays. A short
local number (``8765-4321``) counts as a phone when it is written in groups or
follows a phone word. Names are the ones the caller knows for the text (the
reporters, the parties linking found, names a tokenizer tagged): the core does
not guess names on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from triage.masking.policy import Visibility
from triage.masking.values import mask_name, mask_plate

PLACEHOLDER = {"name": "〔姓名〕", "phone": "〔电话〕", "id_number": "〔证件号〕",
               "plate": "〔车牌〕", "address": "〔门牌〕"}

_SPAN = re.compile(r"(?<![0-9A-Za-z])(?:(?:\+|＋)\s?)?[0-9][0-9 \-()（）]*[0-9Xx](?![0-9A-Za-z])")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_PHONE_WORD = re.compile(r"(?:电话|座机|号码|手机|联系|传真|tel|Tel|TEL|热线)[^0-9\n]{0,6}$")
_ID18 = re.compile(r"[1-9][0-9]{16}[0-9Xx]")
_ID15 = re.compile(r"[1-9][0-9]{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_AREA = re.compile(r"0[1-9][0-9]{1,2}")
PLATE = re.compile(r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
                   r"[A-HJ-NP-Z][·\-\s]?(?=[A-HJ-NP-Z0-9]*[0-9])[A-HJ-NP-Z0-9]{5,6}[挂学警港澳]?"
                   r"(?![A-Za-z0-9])")
_NUM = r"(?:[0-9]+|[一二三四五六七八九十]+)"
_HOME = [  # (pattern, replacement): the home below its village or building
    (re.compile(rf"({_NUM}(?:栋|幢|号楼|座))[\s-]*(?:[0-9]+单元)?[\s-]*[0-9]+(?:室|号|户)?"), r"\1**"),
    (re.compile(r"[0-9]+单元[\s-]*[0-9]*(?:室|号|户)?"), "**"),
    (re.compile(rf"{_NUM}(?:组|队)(?:[0-9]+号)?(?![长员])"), "**"),
    (re.compile(r"[\u4e00-\u9fff]{1,2}(?:组|队)[0-9]+号"), "**"),  # 上屋组9号
    (re.compile(r"((?:路|街|巷|弄|道|胡同|里|屯))[0-9]+(?:-[0-9]+)?(?:号院|号|弄)"), r"\1**"),
    (re.compile(r"(?<![0-9])[0-9]{3,4}(?:室|房间)"), "**"),
]


def _number_kind(digits: str, plus: bool, grouped: bool, phone_word: bool) -> str | None:
    """What a run of digits is: ``id_number``, ``phone`` or None (a sum, a date, an order number)."""
    if _ID18.fullmatch(digits) or _ID15.fullmatch(digits):
        return "id_number"
    bare = digits
    if digits.startswith("0086"):
        bare = digits[4:]
    elif plus and digits.startswith("86"):
        bare = digits[2:]
    if _MOBILE.fullmatch(bare):
        return "phone"
    if bare is not digits and 9 <= len(bare) <= 11:  # +86 10 6171 2345
        return "phone"
    if "X" in digits or "x" in digits:
        return None
    if _AREA.match(digits) and 10 <= len(digits) <= 12:
        return "phone"
    if 7 <= len(digits) <= 8 and digits[0] in "23456789" and (grouped or phone_word):
        return "phone"
    return None


def _mask_number(digits: str, kind: str) -> str:
    if kind == "id_number":
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    bare = digits[4:] if digits.startswith("0086") else digits
    bare = bare[2:] if bare.startswith("86") and len(bare) > 11 else bare
    if _MOBILE.fullmatch(bare):
        return f"{bare[:3]}****{bare[7:]}"
    if _AREA.match(bare) and len(bare) >= 10:
        area = bare[:3] if bare[1] in "12" else bare[:4]  # 010, 020–029; else four digits
        return f"{area}-****{bare[-4:]}"
    return f"****{bare[-4:]}"


def _numbers(text: str, show: Callable[[str, str, str], str]) -> str:
    """Every ID and phone number in ``text`` replaced by ``show(kind, digits, as_written)``."""
    out, last = [], 0
    for m in _SPAN.finditer(text):
        span = m.group(0)
        groups = [(g.group(0), g.start()) for g in _GROUP.finditer(span)]
        plus = span.lstrip().startswith(("+", "＋"))
        phone_word = bool(_PHONE_WORD.search(text, max(0, m.start() - 12), m.start()))
        i = 0
        while i < len(groups):
            for j in range(len(groups), i, -1):  # the longest run of groups that reads as a number
                digits = "".join(g for g, _ in groups[i:j])
                kind = _number_kind(digits, plus and i == 0, j - i > 1, phone_word)
                if kind:
                    start = m.start() + groups[i][1]
                    end = m.start() + groups[j - 1][1] + len(groups[j - 1][0])
                    if i == 0 and (plus or text[start - 1:start] in ("(", "（")):
                        start = m.start() - (not plus)
                    out.append(text[last:start])
                    out.append(show(kind, digits, text[start:end]))
                    last = end
                    i = j
                    break
            else:
                i += 1
    out.append(text[last:])
    return "".join(out)


def scrub(
    text: str | None, visibility: Callable[[str], Visibility], names: Iterable[str] = (),
) -> str | None:
    """``text`` with each kind of personal data as ``visibility(kind)`` allows: kept
    (``full``), masked, or replaced by a placeholder (``absent``)."""
    if not text:
        return text

    def show(kind: str, digits: str, written: str) -> str:
        vis = visibility(kind)
        if vis == "full":
            return written
        return _mask_number(digits, kind) if vis == "masked" else PLACEHOLDER[kind]

    text = _numbers(text, show)
    vis = visibility("plate")
    if vis != "full":
        text = PLATE.sub(lambda m: mask_plate(m.group(0)) if vis == "masked"
                         else PLACEHOLDER["plate"], text)
    if visibility("address") != "full":
        for pattern, repl in _HOME:
            text = pattern.sub(repl, text)
    vis = visibility("name")
    if vis != "full":
        for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
            if name in text:
                text = text.replace(name, (mask_name(name) or "") if vis == "masked"
                                    else PLACEHOLDER["name"])
    return text


def scrub_numbers(text: str | None) -> str | None:
    """Phones and ID numbers masked, nothing else: for text shown to everyone (risk evidence)."""
    return scrub(text, lambda kind: "masked" if kind in ("phone", "id_number", "plate") else "full")
