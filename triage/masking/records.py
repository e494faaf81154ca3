"""A record (a lead, a case row) made fit for one receiver."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from triage.masking.policy import ReceiverPolicy, Visibility
from triage.masking.text import scrub
from triage.masking.values import mask_address, mask_id, mask_name, mask_phone, mask_plate
from triage.normalize.text import is_missing

DV_WITHHELD = "（涉家庭暴力，详情仅限有权限的单位查阅）"

DEFAULT_FIELDS: dict[str, str] = {
    "reporter_name": "name",
    "reporter_names": "name",
    "reporter_phone": "phone",
    "phones": "phone",
    "reporter_id": "id_number",
    "address": "address",
    "description": "text",
    "disposition": "text",
    "signals": "text",  # risk evidence quotes the descriptions
    "explanation": "text",
}
_MASKERS = {"name": mask_name, "phone": mask_phone, "id_number": mask_id, "plate": mask_plate}


def text_visibility(policy: ReceiverPolicy) -> Any:
    """Per kind, how personal data inside free text is shown: a ``masked`` text masks every
    kind at least; a ``full`` text shows each kind as the receiver's field policy says."""
    def visibility(kind: str) -> Visibility:
        vis = policy.visibility(kind)
        return "masked" if policy.text == "masked" and vis == "full" else vis
    return visibility


def _value(value: Any, vis: Visibility, kind: str, village: str | None) -> Any:
    if vis == "absent":
        return None
    if vis == "full":
        return value
    if isinstance(value, list):
        return [_value(v, vis, kind, village) for v in value]
    if kind == "address":
        return mask_address(str(value), village)
    return _MASKERS[kind](str(value))


def mask_record(
    record: Mapping[str, Any], policy: ReceiverPolicy, fields: Mapping[str, str] | None = None,
    *, names: Iterable[str] = (), own: bool = False, dv: bool = False,
) -> dict[str, Any]:
    """A copy of ``record`` fit for the receiver.

    ``fields`` maps column → kind (``DEFAULT_FIELDS``); ``names`` are the people the
    record's text may name, masked in it as names are; ``own`` marks the receiver's own
    record (shown as written when the policy says so); ``dv`` a domestic-violence case,
    whose text only receivers entitled to it read.
    """
    out = dict(record)
    if own and policy.own_records:
        return out
    kinds = DEFAULT_FIELDS if fields is None else fields
    names = list(names)
    for column in ("reporter_name", "reporter_names"):
        value = record.get(column)
        names += value if isinstance(value, list) else [value] if isinstance(value, str) else []
    village = record.get("village") if isinstance(record.get("village"), str) else None
    in_text = text_visibility(policy)
    for column, kind in kinds.items():
        if column not in out:
            continue
        value = out[column]
        if is_missing(value):
            out[column] = None
        elif kind == "text":
            if policy.text == "absent":
                out[column] = None
            elif dv and not policy.dv_details:
                out[column] = DV_WITHHELD
            else:
                out[column] = scrub(str(value), in_text, names)
        else:
            out[column] = _value(value, policy.visibility(kind), kind, village)
    return out
