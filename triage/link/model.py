"""The match model: Fellegi–Sunter weights per factor level, estimated from the data.

Each level of a factor (``factors``) has m (its probability among pairs of one
case) and u (among pairs of different cases); its weight is log2(m/u). m comes from anchor pairs, u from
random pairs, both from each deployment's own data; they are stored with the
run and can be inspected. Pairs of one reporter are also read by a second
model (``repeat``): the same person may call about another quarrel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from triage.link.compare import FIELD_INDEX, FIELDS
from triage.link.factors import FACTORS, Factor
from triage.link.regularize import monotone, shrink
from triage.link.repeat import VETO, RepeatModel, estimate_repeat, quarrel_indices


@dataclass
class MatchModel:
    """m and u per factor level, and the prior share of matching pairs."""

    m: list[list[float]]
    u: list[list[float]]
    prior: float
    iterations: int = 0
    pairs: int = 0
    surname_reference: float = 0.0  # mean frequency of a surname shared by random pairs
    village_reference: float = 0.0  # mean frequency of a village shared by random pairs
    repeat: RepeatModel | None = None  # one reporter's pairs: the same quarrel or another
    m_count: list[list[float]] | None = None  # matched pairs (soft counts) behind each m
    u_count: list[list[float]] | None = None  # random pairs behind each u

    @classmethod
    def initial(cls) -> MatchModel:
        """Every weight 0 (m = u): what is used for a factor no anchor informs."""
        flat = [[1.0 / len(f.levels)] * len(f.levels) for f in FACTORS]
        return cls(flat, [list(x) for x in flat], 0.1)

    def weights(self) -> list[list[float]]:
        """log2(m/u) per factor level; 0 where every field of a factor is unknown (no evidence)."""
        return [[0.0 if f.joint and k == 0 else math.log2(m / u)
                 for k, (m, u) in enumerate(zip(ms, us, strict=True))]
                for f, ms, us in zip(FACTORS, self.m, self.u, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        w = self.weights()
        return {
            "prior": self.prior, "iterations": self.iterations, "pairs": self.pairs,
            "surname_reference": self.surname_reference,
            "village_reference": self.village_reference,
            "repeat": self.repeat.to_dict() if self.repeat is not None else None,
            "fields": [{"field": f.name, "label": f.label, "levels": [
                {"level": lvl, "m": float(f"{self.m[i][k]:.6g}"), "u": float(f"{self.u[i][k]:.6g}"),
                 "weight": round(w[i][k], 3),
                 "m_count": round(self.m_count[i][k], 1) if self.m_count else None,
                 "u_count": round(self.u_count[i][k], 1) if self.u_count else None}
                for k, lvl in enumerate(f.levels)]}
                for i, f in enumerate(FACTORS)],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MatchModel:
        """The model stored by ``to_dict``; ValueError if it was made for other factors."""
        if [f["field"] for f in d["fields"]] != [f.name for f in FACTORS] or any(
                len(f["levels"]) != len(fac.levels) for f, fac in zip(d["fields"], FACTORS, strict=True)):
            raise ValueError("linking weights were estimated for other fields")
        m = [[lv["m"] for lv in f["levels"]] for f in d["fields"]]
        u = [[lv["u"] for lv in f["levels"]] for f in d["fields"]]
        repeat = RepeatModel.from_dict(d["repeat"]) if d.get("repeat") else None
        first = d["fields"][0]["levels"][0]
        m_count = [[lv["m_count"] for lv in f["levels"]] for f in d["fields"]] \
            if first.get("m_count") is not None else None
        u_count = [[lv["u_count"] for lv in f["levels"]] for f in d["fields"]] \
            if first.get("u_count") is not None else None
        return cls(m, u, d["prior"], d.get("iterations", 0), d.get("pairs", 0),
                   d.get("surname_reference", 0.0), d.get("village_reference", 0.0), repeat,
                   m_count, u_count)


def _tables(model: MatchModel) -> list[np.ndarray]:
    """Per factor, weights indexed by level + 1 for one field (index 0: says nothing, 0 bits)
    or by combination for joint factors."""
    out = []
    for f, ws in zip(FACTORS, model.weights(), strict=True):
        out.append(np.array(ws) if f.joint else np.r_[0.0, ws])
    return out


def _lookup(f: Factor, gamma: np.ndarray) -> np.ndarray:
    code = f.codes(gamma)
    return code if f.joint else code + 1


def contributions(model: MatchModel, gamma: np.ndarray) -> np.ndarray:
    """Per pair and factor, the weight its level adds (bits)."""
    tables = _tables(model)
    return np.stack([t[_lookup(f, gamma)] for f, t in zip(FACTORS, tables, strict=True)], axis=1)


WHEREABOUTS = ("place", "house")  # factors that say where a reporter was, not what about


def whereabouts_adjustment(model: MatchModel, gamma: np.ndarray) -> np.ndarray:
    """Bits given back to a pair of one person's own full number (phone or valid ID) whose
    place or house disagree: the person gives home one time, work or a landmark the next,
    so another address says nothing against them; an address they share still counts.

    Only at scoring, after the weights are fitted: the fields' m still come from every pair."""
    out = np.zeros(len(gamma), dtype=np.float32)
    own = np.flatnonzero((gamma[:, FIELD_INDEX["phone"]] == 2) | (gamma[:, FIELD_INDEX["id_number"]] == 2))
    if len(own):
        tables = _tables(model)
        g = gamma[own]
        against = np.zeros(len(own))
        for k, f in enumerate(FACTORS):
            if f.name in WHEREABOUTS:
                against += tables[k][_lookup(f, g)]
        out[own] = np.maximum(-against, 0.0)
    return out


def match_probability(model: MatchModel, gamma: np.ndarray,
                      extra: np.ndarray | None = None, step: int = 4_000_000) -> np.ndarray:
    """Posterior probability that each pair is one case (in slices: bounded temporaries)."""
    tables = _tables(model)
    prior = math.log2(model.prior / (1 - model.prior))
    out = np.empty(len(gamma))
    for s in range(0, len(gamma), step):
        g = gamma[s:s + step]
        bits = np.full(len(g), prior)
        for f, t in zip(FACTORS, tables, strict=True):
            bits += t[_lookup(f, g)]
        if extra is not None:
            bits += extra[s:s + step]
        out[s:s + step] = 1.0 / (1.0 + np.power(2.0, -np.clip(bits, -60, 60)))
        if model.repeat is not None:
            out[s:s + step] = model.repeat.cap(g, out[s:s + step])
    return out


def _frequencies(f: Factor, gamma: np.ndarray, least: int = 1) -> np.ndarray | None:
    """Share of each level of ``f`` among ``gamma``'s pairs, smoothed; None if fewer than
    ``least`` pairs inform it."""
    code = f.codes(gamma)
    code = code[code >= 0]
    if len(code) < least:
        return None
    counts = np.bincount(code, minlength=len(f.levels)).astype(float) + 0.5
    return counts / counts.sum()


def level_counts(gamma: np.ndarray) -> list[list[float]]:
    """Pairs at each level per factor (random pairs: the counts behind u)."""
    out = []
    for f in FACTORS:
        code = f.codes(gamma)
        out.append(np.bincount(code[code >= 0], minlength=len(f.levels)).astype(float).tolist())
    return out


def level_frequencies(gamma: np.ndarray) -> list[list[float]]:
    """Share of each level per factor, smoothed: u from random pairs."""
    base = MatchModel.initial()
    return [(freq.tolist() if (freq := _frequencies(f, gamma)) is not None else base.u[i])
            for i, f in enumerate(FACTORS)]


def frequency_adjustment(shared: np.ndarray, freq: np.ndarray, reference: float,
                         cap: float = 3.0) -> np.ndarray:
    """Extra bits for pairs sharing one value: a rare surname counts more than 王 or 李,
    a quiet village more than a crowded one.

    ``shared`` is the code of the value each pair shares (0: none), ``freq`` the
    share of leads with each code, ``reference`` the mean frequency of the value
    shared by random pairs sharing one, so the adjustment averages out to zero
    over such pairs.
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
    household = ((g["place"] == 2) & (g["house"] == 2) & (g["dispute_type"] == 1)
                 & (g["subject"] >= 1) & (g["time"] >= 2))
    counterpart = ((g["party"] >= 7) & (g["party"] <= 8) & (g["dispute_type"] == 1) & (g["subject"] >= 1)
                   & (g["time"] >= 2))
    return [
        (identity, frozenset({"phone", "id_number", "party"})),
        (household, frozenset({"place", "house", "dispute_type", "subject", "time"})),
        (counterpart, frozenset({"party", "dispute_type", "subject", "time"})),
    ]


def estimate_anchored(gamma: np.ndarray, u: list[list[float]], total_pairs: float,
                      min_anchors: int = 30, iterations: int = 30,
                      extra: np.ndarray | None = None, refine: int = 2,
                      repeat_veto: float = VETO,
                      u_count: list[list[float]] | None = None) -> MatchModel:
    """m from anchor pairs, u from random pairs, prior by EM over all pairs.

    Each factor's m comes from the anchors that do not use any of its fields:
    identity anchors (a shared full phone or valid ID) give m for place, house,
    type+subject and time; circumstance anchors (same house, type and subject
    within two weeks) give m for phone+parties and the ID. The prior is the
    share of matching pairs among all n(n-1)/2 pairs, so weights mean the same
    whatever blocking chose to compare. Then, ``refine`` times, each factor's m is
    estimated again from all pairs weighted by what the other factors say.
    """
    base = MatchModel.initial()
    anchors = _anchor_sets(gamma)
    m: list[list[float]] = []
    for i, fac in enumerate(FACTORS):
        names = {FIELDS[k].name for k in fac.fields}
        estimates = []
        for mask, uses in anchors:
            freq = None if names & uses else _frequencies(fac, gamma[mask], min_anchors)
            if freq is not None:
                estimates.append(freq)
        m.append(np.mean(estimates, axis=0).tolist() if estimates else base.m[i])
    model = _fit_prior(MatchModel(m, u, 1e-4, 0, len(gamma), u_count=u_count), gamma, total_pairs,
                       iterations, extra)
    model = _fit_prior(replace(model, u=without_matches(u, model.m, model.prior)), gamma,
                       total_pairs, iterations, extra)
    # m again from a fixed sample of the pairs: frequencies need no more, memory stays flat
    sample, sample_extra = gamma, extra
    if len(gamma) > REFINE_SAMPLE:
        pick = np.sort(np.random.default_rng(7).choice(len(gamma), REFINE_SAMPLE, replace=False))
        sample = gamma[pick]
        sample_extra = None if extra is None else extra[pick]
    for _ in range(refine):
        model = _leave_one_out(model, sample, sample_extra)
        model = _fit_prior(replace(model, u=without_matches(u, model.m, model.prior)), gamma,
                           total_pairs, iterations, extra)
    model = _fit_prior(regularized(model), gamma, total_pairs, iterations, extra)
    quarrel = quarrel_indices()
    model.repeat = estimate_repeat(sample, [model.m[i] for i in quarrel],
                                   [model.u[i] for i in quarrel], veto=repeat_veto)
    return model


UNMATCHED_FLOOR = 0.05  # a level's u keeps at least this share of its random pairs


def without_matches(random: list[list[float]], m: list[list[float]], prior: float
                    ) -> list[list[float]]:
    """u from random pairs' level shares with the matches among them taken out.

    Random pairs are nearly all of different cases, but not at the levels only one person
    or one quarrel reaches: most random pairs that share a phone number are one reporter
    calling twice about one quarrel. Counting them as chance agreement makes a shared phone
    weigh as if strangers shared phones that often; the expected matches (prior × m) are
    taken out of each level, keeping at least ``UNMATCHED_FLOOR`` of it.
    """
    out = []
    for r, mm in zip(random, m, strict=True):
        raw = np.asarray(r, dtype=float)
        u = np.maximum(raw - prior * np.asarray(mm, dtype=float), UNMATCHED_FLOOR * raw)
        out.append((u / u.sum()).tolist())
    return out


REFINE_SAMPLE = 2_000_000  # pairs that re-estimate m: plenty for frequencies of a few hundred levels


def _fit_prior(model: MatchModel, gamma: np.ndarray, total_pairs: float, iterations: int,
               extra: np.ndarray | None) -> MatchModel:
    """The share of matching pairs, by EM with m and u held."""
    for it in range(1, iterations + 1):
        p = match_probability(model, gamma, extra)
        prior = float(np.clip(p.sum() / max(total_pairs, 1.0), 1e-9, 0.5))
        done = abs(prior - model.prior) < 1e-3 * model.prior
        model = replace(model, prior=prior, iterations=it, pairs=len(gamma))
        if done:
            break
    return model


def _leave_one_out(model: MatchModel, gamma: np.ndarray, extra: np.ndarray | None) -> MatchModel:
    """m of each factor again, from every pair weighted by how likely the OTHER factors make
    it a match: a soft anchor set per factor, so fields that no hard anchor leaves out
    (phone, parties and place weighed together) are estimated too."""
    contrib = contributions(model, gamma).astype(np.float32)
    bits = contrib.sum(axis=1) + math.log2(model.prior / (1 - model.prior))
    if extra is not None:
        bits = bits + extra
    m, seen = [], []
    for i, fac in enumerate(FACTORS):
        w = 1.0 / (1.0 + np.power(2.0, -np.clip(bits - contrib[:, i], -60, 60)))
        code = fac.codes(gamma)
        known = code >= 0
        raw = np.bincount(code[known], weights=w[known], minlength=len(fac.levels))
        counts = raw + 0.5
        m.append((counts / counts.sum()).tolist())
        seen.append(raw.tolist())
    return MatchModel(m, model.u, model.prior, model.iterations, model.pairs,
                      model.surname_reference, model.village_reference, m_count=seen,
                      u_count=model.u_count)


def regularized(model: MatchModel) -> MatchModel:
    """The model with each factor's weights shrunk by their matched-pair counts and made
    monotone (``regularize``); m is rewritten so that log2(m/u) gives those weights."""
    if model.m_count is None:
        return model
    m = []
    for i, (fac, ws) in enumerate(zip(FACTORS, model.weights(), strict=True)):
        w = monotone(fac, shrink(np.array(ws), np.array(model.m_count[i])), np.array(model.m_count[i]))
        m.append((np.array(model.u[i]) * np.power(2.0, w)).tolist())
    return replace(model, m=m)


def identity_shares(u: list[list[float]], gamma: np.ndarray, shared_phone: float,
                    shared_id: float) -> list[list[float]]:
    """u with the levels of a shared full phone or ID number at their exact share of all pairs.

    Random pairs rarely share a person's number: a few among 200,000 at 100,000 leads,
    none at a million, so those levels' u would rest on smoothing while the prior falls
    with the pool and the same person's leads would weigh less the larger the pool.
    ``shared_phone`` and ``shared_id`` are the shares of all n(n-1)/2 pairs sharing one
    (counted from the numbers' frequencies); how a shared phone's pairs spread over the
    party levels is read from the compared pairs (``gamma``), which hold every pair
    sharing one within the identity window.
    """
    out = [list(x) for x in u]
    for k, f in enumerate(FACTORS):
        field = FIELDS[f.fields[0]].name
        if field not in ("phone", "id_number"):
            continue
        share = shared_phone if field == "phone" else shared_id
        sel = gamma[:, f.fields[0]] == 2
        if share <= 0 or not sel.any():
            continue
        code = f.codes(gamma[sel])
        code = code[code >= 0]
        spread = np.bincount(code, minlength=len(f.levels)).astype(float)
        spread /= spread.sum()
        agree = spread > 0
        row = np.asarray(out[k], dtype=float)
        rest = ~agree
        row[rest] *= (1.0 - share) / max(row[rest].sum(), 1e-300)
        row[agree] = share * spread[agree]
        out[k] = (row / row.sum()).tolist()
    return out
