"""The same reporter in another quarrel: identity says who called, not about what.

Two leads of one reporter (the same phone, ID number or name) carry identity
weights so large that nothing else counts, yet people call again about other
quarrels: a woman about her husband's drinking in January and about a parking
space in April. Among the pairs whose reporter is the same, a second model over
the fields that describe the quarrel (type and subject, time apart, sum of
money) is estimated from the data by EM (two latent classes: the same quarrel,
another one). Where it says another quarrel is more likely than not, the pair's
probability is capped at what it says. The person is still one (``persons``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from triage.link.compare import FIELD_INDEX
from triage.link.factors import FACTORS, Factor

# The factors that describe the quarrel itself, by name.
QUARREL = ("dispute_type+subject", "time", "amount")
VETO = 0.5  # default: below this, "the same quarrel" is less likely than "another one"


def same_reporter(gamma: np.ndarray) -> np.ndarray:
    """Pairs whose reporters are one person by phone or ID number (a masked one agreeing too),
    or by name and sound."""
    return ((gamma[:, FIELD_INDEX["phone"]] >= 1) | (gamma[:, FIELD_INDEX["id_number"]] >= 1)
            | (gamma[:, FIELD_INDEX["party"]] == 9))


def _factors() -> list[Factor]:
    return [FACTORS[i] for i in quarrel_indices()]


def quarrel_indices() -> list[int]:
    """Positions in ``FACTORS`` of the factors that describe the quarrel."""
    names = [f.name for f in FACTORS]
    return [names.index(n) for n in QUARREL]


def _codes(f: Factor, gamma: np.ndarray) -> np.ndarray:
    """Level of each pair; -1 where the factor says nothing (a joint factor's all-unknown too)."""
    code = f.codes(gamma)
    return np.where(code == 0, -1, code) if f.joint else code


@dataclass
class RepeatModel:
    """m (same quarrel) and u (another quarrel) per quarrel factor, among one reporter's pairs."""

    prior: float
    m: list[list[float]]
    u: list[list[float]]
    pairs: int = 0
    veto: float = VETO  # pairs it scores below this are capped (linking.toml repeat_veto)

    def bits(self, gamma: np.ndarray) -> np.ndarray:
        """Log-odds (bits) that a pair of one reporter is one quarrel."""
        out = np.full(len(gamma), math.log2(self.prior / (1 - self.prior)))
        for f, m, u in zip(_factors(), self.m, self.u, strict=True):
            code = _codes(f, gamma)
            w = np.r_[np.log2(np.asarray(m) / np.asarray(u)), 0.0]  # index -1: says nothing
            out += w[code]
        return out

    def cap(self, gamma: np.ndarray, prob: np.ndarray) -> np.ndarray:
        """``prob`` with one reporter's pairs about another quarrel capped at this model's say."""
        mine = np.flatnonzero(same_reporter(gamma))
        if not len(mine):
            return prob
        p = 1.0 / (1.0 + np.power(2.0, -np.clip(self.bits(gamma[mine]), -60, 60)))
        veto = p < self.veto
        out = prob.copy()
        out[mine[veto]] = np.minimum(prob[mine[veto]], p[veto])
        return out

    def levels(self) -> list[tuple[str, str, float, float, float]]:
        """(field, level, m, u, weight in bits) of every level that says something."""
        out = []
        for f, m, u in zip(_factors(), self.m, self.u, strict=True):
            for k, (level, mk, uk) in enumerate(zip(f.levels, m, u, strict=True)):
                if not (f.joint and k == 0):  # a joint factor's all-unknown says nothing
                    out.append((f.label, level, mk, uk, math.log2(mk / uk)))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"prior": self.prior, "pairs": self.pairs, "veto": self.veto,
                "factors": list(QUARREL), "m": self.m, "u": self.u}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RepeatModel:
        if list(d["factors"]) != list(QUARREL) or any(
                len(m) != len(f.levels) for m, f in zip(d["m"], _factors(), strict=True)):
            raise ValueError("repeat-reporter weights were estimated for other fields")
        return cls(float(d["prior"]), d["m"], d["u"], int(d.get("pairs", 0)),
                   float(d.get("veto", VETO)))


def estimate_repeat(gamma: np.ndarray, m: list[list[float]], u: list[list[float]],
                    iterations: int = 50, least: int = 30, veto: float = VETO
                    ) -> RepeatModel | None:
    """EM over one reporter's pairs, started from the main model's m (same quarrel) and
    u (random pairs: another quarrel); None when too few pairs say anything, or when
    (almost) all are one class, as in a small pool where nobody called twice about two things."""
    g = gamma[same_reporter(gamma)]
    if len(g) < least:
        return None
    codes = [_codes(f, g) for f in _factors()]
    model = RepeatModel(0.5, [list(x) for x in m], [list(x) for x in u], len(g), veto)
    for _ in range(iterations):
        w = 1.0 / (1.0 + np.power(2.0, -np.clip(model.bits(g), -60, 60)))
        new_m, new_u = [], []
        for f, code in zip(_factors(), codes, strict=True):
            known = code >= 0
            size = len(f.levels)
            mc = np.bincount(code[known], weights=w[known], minlength=size) + 0.5
            uc = np.bincount(code[known], weights=1 - w[known], minlength=size) + 0.5
            new_m.append((mc / mc.sum()).tolist())
            new_u.append((uc / uc.sum()).tolist())
        prior = float(np.clip(w.mean(), 1e-3, 1 - 1e-3))
        done = abs(prior - model.prior) < 1e-4
        model = RepeatModel(prior, new_m, new_u, len(g), veto)
        if done:
            break
    if not 0.01 < model.prior < 0.99:
        return None  # (almost) no other quarrels among them: nothing to tell apart
    return model
