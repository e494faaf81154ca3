"""The four agencies a dispute reaches, in a fixed order, and their reference numbers.

The order of ``SOURCES`` is the integer code every other part of the generator uses
for an agency (``POLICE`` ... ``HOTLINE``); reference numbers are made at the end,
once the leads are in report-time order, as each agency's system numbers them.
"""

from __future__ import annotations

import numpy as np

SOURCES: tuple[str, ...] = ("police", "womens_federation", "petition", "hotline_12345")
POLICE, WF, PETITION, HOTLINE = range(4)

_REF_PREFIX = {"police": "J", "hotline_12345": "GD", "petition": "XF", "womens_federation": "FL"}


def source_refs(sources: np.ndarray, reported: np.ndarray) -> list[str]:
    """Agency reference numbers: prefix, report date and a per-day (petition: per-year) serial.

    ``reported`` must be sorted, so serials grow with time as in the agencies' systems.
    """
    days = reported.astype("datetime64[D]")
    day_txt = np.datetime_as_string(days, unit="D")
    refs: list[str] = [""] * len(sources)
    for source, prefix in _REF_PREFIX.items():
        idx = np.flatnonzero(sources == source)
        if not len(idx):
            continue
        if source == "petition":
            keys = np.char.ljust(day_txt[idx], 4).astype("U4")  # the year
        else:
            keys = np.char.replace(day_txt[idx], "-", "")
        counter: dict[str, int] = {}
        serials = []
        for k in keys.tolist():
            n = counter.get(k, 0) + 1
            counter[k] = n
            serials.append(n)
        width = max(5 if source == "petition" else (3 if source == "womens_federation" else 4),
                    len(str(max(serials))))
        for i, k, n in zip(idx.tolist(), keys.tolist(), serials, strict=True):
            refs[i] = f"{prefix}{k}{n:0{width}d}"
    return refs
