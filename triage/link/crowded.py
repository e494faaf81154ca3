"""Crowded addresses: a door many people give is a workplace, a shop or an office.

Two reporters of different families who give one house number in one village are
usually one household in one quarrel. When a dozen reporters give it, it is a
factory's gate or a training school's shop front, and sharing it says little
more than sharing the street: dozens of workers' separate wage complaints against
one employer would otherwise look like one case.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from triage.link.compare import FIELD_INDEX
from triage.link.repeat import same_reporter
from triage.link.table import FeatureTable

CAP = 8.0  # bits a crowded address may take away at most


def home_reporters(table: FeatureTable, person: np.ndarray) -> np.ndarray:
    """Per row, how many distinct reporters give its house number in its village (0: none)."""
    village = table.scalars["village"].astype(np.int64)
    house = table.scalars["house"].astype(np.int64)
    known = np.flatnonzero((village > 0) & (house > 0))
    out = np.zeros(len(table), dtype=np.int64)
    if len(known):
        key = village[known] * (int(house.max()) + 1) + house[known]
        out[known] = pd.DataFrame({"k": key, "p": person[known]}).groupby("k")["p"].transform("nunique")
    return out


def crowd_adjustment(gamma: np.ndarray, pairs: np.ndarray, reporters: np.ndarray | None,
                     household: int) -> np.ndarray:
    """Bits taken from pairs of two reporters who share a house given by more than
    ``household`` reporters: log2(reporters / household), at most ``CAP`` (none where
    ``reporters`` were not counted)."""
    out = np.zeros(len(pairs), dtype=np.float32)
    if not len(pairs) or reporters is None:
        return out
    n = np.maximum(reporters[pairs[:, 0]], reporters[pairs[:, 1]]).astype(np.float64)
    hit = (gamma[:, FIELD_INDEX["house"]] == 2) & (n > household) & ~same_reporter(gamma)
    out[hit] = -np.minimum(np.log2(n[hit] / household), CAP)
    return out
