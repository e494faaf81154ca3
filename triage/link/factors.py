"""Factors: the fields the match model weighs, one by one or several together.

A factor is one field, or fields whose levels go together: whether two leads
share a phone means something else when they name the same reporter than when
each names the other (电话+当事人), and a shared subject word means more within
the same kind of dispute (纠纷类型+纠纷事由).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import product

import numpy as np

from triage.link.compare import FIELD_INDEX, FIELDS

UNKNOWN = "未知"


@dataclass(frozen=True)
class Factor:
    """One field, or fields weighed together (every combination of their levels)."""

    fields: tuple[int, ...]  # indices into FIELDS

    @property
    def name(self) -> str:
        return "+".join(FIELDS[i].name for i in self.fields)

    @property
    def label(self) -> str:
        return "+".join(FIELDS[i].label for i in self.fields)

    @property
    def joint(self) -> bool:
        return len(self.fields) > 1

    @cached_property
    def levels(self) -> list[str]:
        """Labels of the levels: a field's own, or each combination (unknown included)."""
        if not self.joint:
            return list(FIELDS[self.fields[0]].levels)
        states = [(UNKNOWN, *FIELDS[i].levels) for i in self.fields]
        return [" / ".join(c) for c in product(*states)]

    def codes(self, gamma: np.ndarray) -> np.ndarray:
        """Level of each pair: -1 where a single field says nothing."""
        if not self.joint:
            return gamma[:, self.fields[0]].astype(np.int64)
        code = np.zeros(len(gamma), dtype=np.int64)
        for i in self.fields:
            code = code * (len(FIELDS[i].levels) + 1) + gamma[:, i].astype(np.int64) + 1
        return code


FACTORS: tuple[Factor, ...] = (
    Factor((FIELD_INDEX["phone"], FIELD_INDEX["party"])),
    Factor((FIELD_INDEX["id_number"],)),
    Factor((FIELD_INDEX["place"],)),
    Factor((FIELD_INDEX["house"],)),
    Factor((FIELD_INDEX["dispute_type"], FIELD_INDEX["subject"])),
    Factor((FIELD_INDEX["time"],)),
    Factor((FIELD_INDEX["amount"],)),
)
assert sorted(i for f in FACTORS for i in f.fields) == list(range(len(FIELDS)))
