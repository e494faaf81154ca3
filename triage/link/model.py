"""The match model: Fellegi–Sunter weights per field level, estimated by EM.

Each field level has m (its probability among pairs of one case) and u (among
pairs of different cases); its weight is log2(m/u). Both are estimated from the
night's own candidate pairs by expectation–maximization, so weights follow the
data of each deployment; they are stored with the run and can be inspected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from triage.link.compare import FIELD_INDEX, FIELDS

# Starting points only: EM moves them. Agreement levels start likelier among matches.
_M0 = {2: [0.3, 0.7], 3: [0.2, 0.3, 0.5], 4: [0.1, 0.2, 0.3, 0.4],
       5: [0.1, 0.2, 0.2, 0.2, 0.3], 8: [0.05, 0.05, 0.1, 0.1, 0.15, 0.15, 0.2, 0.2]}
_U0 = {2: [0.9, 0.1], 3: [0.85, 0.1, 0.05], 4: [0.7, 0.15, 0.1, 0.05],
       5: [0.7, 0.2, 0.05, 0.03, 0.02], 8: [0.6, 0.1, 0.2, 0.03, 0.03, 0.02, 0.01, 0.01]}


@dataclass
class MatchModel:
    """m and u per field level, and the prior share of matching candidate pairs."""

    m: list[list[float]]
    u: list[list[float]]
    prior: float
    iterations: int = 0
    pairs: int = 0
    surname_reference: float = 0.0  # mean frequency of a surname shared by random pairs

    @classmethod
    def initial(cls) -> MatchModel:
        return cls([list(_M0[len(f.levels)]) for f in FIELDS],
                   [list(_U0[len(f.levels)]) for f in FIELDS], 0.1)

    def weights(self) -> list[list[float]]:
        """log2(m/u) per field level."""
        return [[math.log2(m / u) for m, u in zip(ms, us, strict=True)]
                for ms, us in zip(self.m, self.u, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        w = self.weights()
        return {
            "prior": self.prior, "iterations": self.iterations, "pairs": self.pairs,
            "surname_reference": self.surname_reference,
            "fields": [{"field": f.name, "label": f.label, "levels": [
                {"level": lvl, "m": round(self.m[i][k], 6), "u": round(self.u[i][k], 6),
                 "weight": round(w[i][k], 3)} for k, lvl in enumerate(f.levels)]}
                for i, f in enumerate(FIELDS)],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MatchModel:
        m = [[lv["m"] for lv in f["levels"]] for f in d["fields"]]
        u = [[lv["u"] for lv in f["levels"]] for f in d["fields"]]
        return cls(m, u, d["prior"], d.get("iterations", 0), d.get("pairs", 0),
                   d.get("surname_reference", 0.0))


def _weight_table(model: MatchModel) -> np.ndarray:
    """Weights indexed [field, level + 1]; column 0 (level -1, no information) is 0."""
    width = max(len(f.levels) for f in FIELDS) + 1
    table = np.zeros((len(FIELDS), width))
    for i, ws in enumerate(model.weights()):
        table[i, 1:len(ws) + 1] = ws
    return table


def contributions(model: MatchModel, gamma: np.ndarray) -> np.ndarray:
    """Per pair and field, the weight its level adds (bits)."""
    table = _weight_table(model)
    idx = gamma.astype(np.int64) + 1
    return table[np.arange(len(FIELDS))[None, :], idx]


def match_probability(model: MatchModel, gamma: np.ndarray,
                      extra: np.ndarray | None = None, step: int = 4_000_000) -> np.ndarray:
    """Posterior probability that each pair is one case (in slices: bounded temporaries)."""
    table = _weight_table(model)
    prior = math.log2(model.prior / (1 - model.prior))
    out = np.empty(len(gamma))
    for s in range(0, len(gamma), step):
        g = gamma[s:s + step]
        bits = np.full(len(g), prior)
        for i in range(len(FIELDS)):  # field by field: no pairs × fields float matrix
            bits += table[i][g[:, i].astype(np.int64) + 1]
        if extra is not None:
            bits += extra[s:s + step]
        out[s:s + step] = 1.0 / (1.0 + np.power(2.0, -np.clip(bits, -60, 60)))
    return out


def level_frequencies(gamma: np.ndarray) -> list[list[float]]:
    """Share of each level per field (levels -1 ignored), smoothed: u from random pairs."""
    out = []
    for i, f in enumerate(FIELDS):
        col = gamma[:, i]
        counts = np.array([(col == k).sum() for k in range(len(f.levels))], dtype=float) + 0.5
        out.append((counts / counts.sum()).tolist())
    return out


def surname_adjustment(shared: np.ndarray, freq: np.ndarray, reference: float,
                       cap: float = 3.0) -> np.ndarray:
    """Extra bits for pairs sharing one surname: rare surnames count more than 王 or 李.

    ``reference`` is the mean frequency of the shared surname among random pairs
    sharing one, so the adjustment averages out to zero over such pairs.
    """
    if reference <= 0 or not len(freq):
        return np.zeros(len(shared), dtype=np.float32)
    bonus = np.clip(np.log2(reference / np.maximum(freq, 1e-9)), -cap, cap).astype(np.float32)
    bonus[0] = 0.0  # code 0: no surname shared
    return bonus[shared]


# Anchors: pairs whose match status is nearly certain from some fields, used to
# estimate m of the OTHER fields (never of the fields that define them). Each
# kind of anchor over-represents one kind of match (the same reporter calling
# again; another member of the household; the other party naming the first),
# so a field's m is the average over every anchor kind that does not use it.
def _anchor_sets(gamma: np.ndarray) -> list[tuple[np.ndarray, frozenset[str]]]:
    g = {name: gamma[:, i] for name, i in FIELD_INDEX.items()}
    identity = (g["phone"] == 2) | (g["id_number"] == 2)
    household = ((g["place"] == 2) & (g["house"] == 1) & (g["dispute_type"] == 1)
                 & (g["subject"] >= 1) & (g["time"] >= 2))
    counterpart = ((g["party"] == 6) & (g["dispute_type"] == 1) & (g["subject"] >= 1)
                   & (g["time"] >= 2))
    return [
        (identity, frozenset({"phone", "id_number", "party"})),
        (household, frozenset({"place", "house", "dispute_type", "subject", "time"})),
        (counterpart, frozenset({"party", "dispute_type", "subject", "time"})),
    ]


def estimate_anchored(gamma: np.ndarray, u: list[list[float]], total_pairs: float,
                      min_anchors: int = 30, iterations: int = 30,
                      extra: np.ndarray | None = None) -> MatchModel:
    """m from anchor pairs, u from random pairs, prior by EM over all pairs.

    Identity anchors (a shared full phone or valid ID) give m for place, house,
    type, subject and time; circumstance anchors (same house, type and subject
    within two weeks) give m for phone, ID and the parties. The prior is the
    share of matching pairs among all n(n-1)/2 pairs, so weights mean the same
    whatever blocking chose to compare.
    """
    base = MatchModel.initial()
    anchors = _anchor_sets(gamma)
    m: list[list[float]] = []
    for i, fl in enumerate(FIELDS):
        estimates = []
        for mask, uses in anchors:
            if fl.name in uses:
                continue
            col = gamma[mask, i]
            col = col[col >= 0]
            if len(col) >= min_anchors:
                counts = np.array([(col == k).sum() for k in range(len(fl.levels))], float) + 0.5
                estimates.append(counts / counts.sum())
        m.append(np.mean(estimates, axis=0).tolist() if estimates else base.m[i])
    model = MatchModel(m, u, 1e-4, 0, len(gamma))
    for it in range(1, iterations + 1):
        p = match_probability(model, gamma, extra)
        prior = float(np.clip(p.sum() / max(total_pairs, 1.0), 1e-9, 0.5))
        done = abs(prior - model.prior) < 1e-3 * model.prior
        model = MatchModel(m, u, prior, it, len(gamma), model.surname_reference)
        if done:
            break
    return model
