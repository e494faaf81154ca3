"""Mask personal data according to who receives it.

Full ID numbers and phones reach only receivers entitled to them; every other
output gets masked forms or nothing. Free text is scrubbed of numbers too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel

from triage.normalize.idnumbers import mask_id
from triage.normalize.phones import mask_phone
from triage.normalize.text import is_missing

Visibility = Literal["full", "masked", "hidden"]
ID_IN_TEXT = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8,9})([0-9]{3}[0-9Xx])(?![0-9])")
MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9 -]{4,6}([0-9]{4})(?![0-9])")
LANDLINE_IN_TEXT = re.compile(r"(?<![0-9])(0[0-9]{2,3}-?)?([2-8][0-9]{3})([0-9]{4})(?![0-9])")


class ReceiverPolicy(BaseModel):
    name: Visibility = "masked"
    phone: Visibility = "hidden"
    id_number: Visibility = "hidden"
    description: Visibility = "hidden"


class MaskingPolicy(BaseModel):
    """``data/config/masking.toml``, validated: one policy per receiver."""

    receivers: dict[str, ReceiverPolicy]

    def for_receiver(self, receiver: str) -> ReceiverPolicy:
        try:
            return self.receivers[receiver]
        except KeyError:
            raise KeyError(f"masking.toml has no receiver {receiver!r}") from None


def mask_name(name: str | None) -> str | None:
    """王晓明 → 王某; 欧阳娜娜 → 欧阳某; already-masked names stay as they are."""
    if not name:
        return name
    if "某" in name or "*" in name:
        return name
    compound = name[:2] if len(name) >= 3 and name[:2] in COMPOUND else None
    return f"{compound or name[0]}某"


COMPOUND = frozenset({"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容",
                      "令狐", "夏侯", "长孙", "宇文", "司徒", "端木", "澹台", "呼延", "南宫"})


def scrub_text(text: str | None) -> str | None:
    """Mask ID numbers and phone numbers written inside free text."""
    if not text:
        return text
    text = ID_IN_TEXT.sub(lambda m: f"{m.group(1)}{'*' * len(m.group(2))}{m.group(3)}", text)
    text = MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return LANDLINE_IN_TEXT.sub(lambda m: f"{m.group(1) or ''}****{m.group(3)}", text)


def _apply(value: Any, vis: Visibility, masker: Any) -> Any:
    if is_missing(value):
        return None
    if vis == "full":
        return value
    if vis == "hidden":
        return None
    if isinstance(value, list):
        return [masker(v) for v in value]
    return masker(value)


def mask_record(
    record: Mapping[str, Any], policy: ReceiverPolicy,
    fields: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A copy of ``record`` fit for the receiver; ``fields`` maps column → kind."""
    kinds = fields or DEFAULT_FIELDS
    out = dict(record)
    for col, kind in kinds.items():
        if col not in out:
            continue
        if kind == "name":
            out[col] = _apply(out[col], policy.name, mask_name)
        elif kind == "phone":
            out[col] = _apply(out[col], policy.phone, mask_phone)
        elif kind == "id_number":
            out[col] = _apply(out[col], policy.id_number, mask_id)
        elif kind == "text":
            if is_missing(out[col]) or policy.description == "hidden":
                out[col] = None
            elif policy.description == "masked" or not (policy.phone == "full"
                                                           and policy.id_number == "full"):
                out[col] = scrub_text(out[col])
    return out


DEFAULT_FIELDS: dict[str, str] = {
    "reporter_name": "name",
    "reporter_names": "name",
    "reporter_phone": "phone",
    "phones": "phone",
    "reporter_id": "id_number",
    "description": "text",
    "disposition": "text",
    "address": "text",
    "signals": "text",  # risk evidence quotes the descriptions
    "explanation": "text",
}
