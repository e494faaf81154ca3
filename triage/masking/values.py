"""Masked forms of single values: a name, a phone, an ID number, a plate, an address."""

from __future__ import annotations

import re

from triage.normalize.idnumbers import mask_id
from triage.normalize.names import COMPOUND_SURNAMES
from triage.normalize.phones import mask_phone

__all__ = ["mask_address", "mask_id", "mask_name", "mask_phone", "mask_plate"]


def mask_name(name: str | None) -> str | None:
    """王晓明 → 王**; 欧阳娜娜 → 欧阳**; already-masked names (王某, 李女士) stay as they are."""
    if not name:
        return name
    if "某" in name or "*" in name or name.endswith(("女士", "先生")):
        return name
    head = name[:2] if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else name[0]
    return head + "*" * max(len(name) - len(head), 1)


def mask_plate(plate: str) -> str:
    """京A12345 → 京A***45: the province and city letter, and the last two characters."""
    core = re.sub(r"[·\-\s.]", "", plate)
    return core[:2] + "***" + core[-2:] if len(core) > 4 else "***"


# The part of an address that still says where, but not which home: down to the village
# or community, or to the building of an estate.
_BUILDING = re.compile(r"^(.*?(?:\d+|[一二三四五六七八九十]+)(?:栋|幢|号楼|座))")
_PLACE = re.compile(r"^(.*?(?:村|社区|小区|花园|公寓|家园|新村|苑|大厦|广场|组))")


def mask_address(address: str | None, village: str | None = None) -> str | None:
    """The address cut to its village or building: 石桥村3组15号 → 石桥村**;
    幸福里小区3栋2单元502室 → 幸福里小区3栋**. Without either, only its first words stay."""
    if not address:
        return address
    if village and village in address:
        cut = address[:address.index(village) + len(village)]
        return cut + "**" if len(cut) < len(address) else cut
    for pattern in (_BUILDING, _PLACE):
        m = pattern.match(address)
        if m:
            return m.group(1) + ("**" if m.end() < len(address) else "")
    head = re.split(r"\d", address, maxsplit=1)[0]
    return (head[:8] or "") + "**"
