"""Why two leads were linked: each field's level and how much it counted.

A full run links a million leads; their evidence is kept as arrays and turned
into readable records only when a lead's evidence is read (when it is stored).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np

from triage.link.compare import FIELDS
from triage.link.factors import FACTORS, UNKNOWN
from triage.link.model import MatchModel, contributions

# Columns of the engine's extra bits per pair, as a coordinator reads them.
ADJUSTMENTS = ("surname_rarity", "village_rarity", "crowded_address", "crowded_counterpart",
               "own_number_address")
SHOWN = 0.05  # bits: an adjustment smaller than this is not worth a line


def adjustment_entries(bits: np.ndarray, household: int) -> list[dict[str, Any]]:
    """The extra bits of one pair in words: 共同姓氏少见 (+1.2), 常用地址（24名报告人） (-3.0)."""
    out = []
    for name, w in zip(ADJUSTMENTS, np.asarray(bits, dtype=float).tolist(), strict=True):
        if abs(w) < SHOWN:
            continue
        if name == "surname_rarity":
            label, level = "姓氏", "共同姓氏少见" if w > 0 else "共同姓氏常见"
        elif name == "village_rarity":
            label, level = "村/社区", "纠纷少的村/社区" if w > 0 else "纠纷多的村/社区"
        elif name in ("crowded_address", "crowded_counterpart"):
            reporters = round(household * 2 ** -w)  # bits = -log2(reporters / household), capped
            label, level = (("门牌/楼号", f"常用地址（约{reporters}名报告人）") if name == "crowded_address"
                            else ("当事人", f"双方都提到的人被约{reporters}名报告人提到"))
        else:
            label, level = "地点", "本人号码：住址不同不计"
        out.append({"field": name, "label": label, "level": level, "weight": round(w, 2)})
    return out


def explain(gamma_row: np.ndarray, contrib_row: np.ndarray) -> list[dict[str, Any]]:
    """Which fields agreed and how much each counted (fields weighed together as one), strongest first."""
    out = []
    for f, w in zip(FACTORS, contrib_row.tolist(), strict=True):
        levels = [int(gamma_row[i]) for i in f.fields]
        if all(v < 0 for v in levels):
            continue
        out.append({"field": f.name, "label": f.label,
                    "level": " / ".join(FIELDS[i].levels[v] if v >= 0 else UNKNOWN
                                        for i, v in zip(f.fields, levels, strict=True)),
                    "weight": round(float(w), 2)})
    return sorted(out, key=lambda e: -abs(e["weight"]))


class _Explained:
    """``explain`` per row of ``gamma``, made once per distinct row: a run has a few
    thousand patterns of field levels among a million pairs, and a row's explanation
    depends on its levels alone."""

    def __init__(self, gamma: np.ndarray, model: MatchModel, adjust: np.ndarray | None = None,
                 household: int = 3) -> None:
        self._gamma, self._model = gamma, model
        self._adjust, self._household = adjust, household
        self._bits: np.ndarray | None = None  # every row's contributions, made on first reading
        self._made: dict[bytes, list[dict[str, Any]]] = {}

    def __call__(self, k: int) -> list[dict[str, Any]]:
        row = self._gamma[k]
        key = row.tobytes()
        made = self._made.get(key)
        if made is None:
            if self._bits is None:  # all at once: a run reads every row
                self._bits = contributions(self._model, self._gamma)
            made = self._made[key] = explain(row, self._bits[k])
        if self._adjust is None:
            return list(made)
        extra = adjustment_entries(self._adjust[k], self._household)
        return sorted([*made, *extra], key=lambda e: -abs(e["weight"])) if extra else list(made)


class Evidence(Mapping[int, list[dict[str, Any]]]):
    """Lead id → its strongest link inside its case: the other lead, the probability, the fields."""

    def __init__(self, leads: np.ndarray, others: np.ndarray, prob: np.ndarray,
                 gamma: np.ndarray, model: MatchModel, adjust: np.ndarray | None = None,
                 household: int = 3) -> None:
        order = np.argsort(leads, kind="stable")
        self._leads, self._others = leads[order], others[order]
        self._prob = prob[order]
        self._explained = _Explained(gamma[order], model,
                                     None if adjust is None else adjust[order], household)

    def _at(self, lead: object) -> int:
        if not isinstance(lead, (int, np.integer)):
            return -1
        k = int(np.searchsorted(self._leads, lead))
        return k if k < len(self._leads) and self._leads[k] == lead else -1

    def __getitem__(self, lead: int) -> list[dict[str, Any]]:
        k = self._at(lead)
        if k < 0:
            raise KeyError(lead)
        return [{"with_lead": int(self._others[k]), "probability": round(float(self._prob[k]), 4),
                 "fields": self._explained(k)}]

    def __contains__(self, lead: object) -> bool:
        return self._at(lead) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self._leads.tolist())

    def __len__(self) -> int:
        return len(self._leads)


def strongest_links(pairs: np.ndarray, prob: np.ndarray, root: np.ndarray,
                    accept: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row with an accepted pair inside its cluster: that best pair's index and the other row."""
    k = np.flatnonzero((prob >= accept) & (root[pairs[:, 0]] == root[pairs[:, 1]]))
    rows = np.concatenate([pairs[k, 0], pairs[k, 1]])
    other = np.concatenate([pairs[k, 1], pairs[k, 0]])
    pk = np.concatenate([k, k])
    order = np.lexsort((pk, -prob[pk], rows))
    rows, other, pk = rows[order], other[order], pk[order]
    first = np.r_[True, rows[1:] != rows[:-1]] if len(rows) else np.zeros(0, bool)
    return rows[first], other[first], pk[first]


class ReviewPairs(Sequence[dict[str, Any]]):
    """Pairs of leads in the uncertain band left in different cases, for a coordinator.

    Kept as arrays; each record (leads, score, evidence) is made when read.
    """

    def __init__(self, lead_a: np.ndarray, lead_b: np.ndarray, prob: np.ndarray,
                 gamma: np.ndarray, model: MatchModel, adjust: np.ndarray | None = None,
                 household: int = 3) -> None:
        self._a, self._b, self._prob = lead_a, lead_b, prob
        self._explained = _Explained(gamma, model, adjust, household)

    def __len__(self) -> int:
        return len(self._a)

    @overload
    def __getitem__(self, k: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, k: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, k: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        return {"lead_a": int(self._a[k]), "lead_b": int(self._b[k]),
                "score": round(float(self._prob[k]), 4), "evidence": self._explained(k)}
