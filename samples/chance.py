"""The run's one random stream and weighted choices drawn from it.

Every part of a generation run (places, people, parties, wording, agency fields) draws
from the same ``Dice``, one after the other. The order of those draws *is* the output
for a seed: a part must not keep a stream of its own or draw ahead of its turn, or
every later lead changes. NumPy's generator (same seed) is only used at the end, for
the vectorized ID numbers and phones.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


class Weighted:
    """A weighted choice with precomputed cumulative weights (fast in the hot loop)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: Mapping[Any, float] | Sequence[tuple[Any, float]]) -> None:
        items = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
        self.items = [k for k, w in items if w > 0]
        cum: list[float] = []
        t = 0.0
        for _, w in items:
            if w > 0:
                t += w
                cum.append(t)
        self.cum = cum
        self.total = t

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


class Dice:
    """The seeded streams of one run: ``rng`` for the cases, ``np`` for the final numbers."""

    __slots__ = ("np", "rand", "rng")

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rand = self.rng.random
        self.np = np.random.default_rng(seed)

    def ch(self, seq: Sequence[Any]) -> Any:
        """Uniform choice; cheaper than ``Random.choice`` in the hot loop."""
        return seq[int(self.rand() * len(seq))]

    def ri(self, a: int, b: int) -> int:
        """Uniform integer in [a, b]."""
        return a + int(self.rand() * (b - a + 1))

    def rr(self, n: int) -> int:
        """Uniform integer in [0, n)."""
        return int(self.rand() * n)
