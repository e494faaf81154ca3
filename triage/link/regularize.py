"""Weights that make sense: shrunk where few pairs inform them, monotone where meaning says so.

A level seen in a handful of matched pairs (纠纷类型不同、事由未知) gets a weight from those
few counts alone, and it can outweigh full agreement. Each level's weight is shrunk toward
"no evidence" (0 bits) by how many matched pairs stand behind it, then made monotone along
every ordered field by weighted isotonic regression (pool-adjacent-violators): more
agreement never weighs less, agreement never less than not knowing, a full ID that agrees
never less than a masked one. ``violations`` lists what breaks these orders; a test runs it
on every fitted model.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise, product

import numpy as np

from triage.link.compare import FIELDS
from triage.link.factors import UNKNOWN, Factor

SHRINK = 5.0  # matched pairs at which a level's weight counts half
TOLERANCE = 1e-6


def pava(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The non-decreasing sequence closest to ``values`` in weighted least squares."""
    blocks: list[list[float]] = []  # [mean, weight, length]
    for v, w in zip(values.tolist(), weights.tolist(), strict=True):
        blocks.append([v, max(w, 1e-9), 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, n2 = blocks.pop()
            v1, w1, n1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    return np.array([b[0] for b in blocks for _ in range(int(b[2]))])


def _axis_order(field_index: int) -> list[int] | None:
    """States of one field in a joint table (0 = unknown, k + 1 = level k) from least to most
    agreement: disagreement, then not knowing, then the agreement levels; None if unordered."""
    f = FIELDS[field_index]
    if not f.ordered:
        return None
    first = f.agree_from if f.agree_from is not None else len(f.levels)
    return [k + 1 for k in range(first)] + [0] + [k + 1 for k in range(first, len(f.levels))]


def _shape(factor: Factor) -> tuple[int, ...]:
    return tuple(len(FIELDS[i].levels) + 1 for i in factor.fields)


def monotone(factor: Factor, weights: np.ndarray, counts: np.ndarray, rounds: int = 8) -> np.ndarray:
    """The factor's weights made monotone along each ordered field."""
    w = np.asarray(weights, dtype=float).copy()
    n = np.asarray(counts, dtype=float) + 1.0
    if not factor.joint:
        f = FIELDS[factor.fields[0]]
        if not f.ordered:
            return w
        w = pava(w, n)
        if f.agree_from is not None:  # agreement never weighs less than not knowing (0 bits)
            w[f.agree_from:] = np.maximum(w[f.agree_from:], 0.0)
        return w
    shape = _shape(factor)
    grid, size = w.reshape(shape), n.reshape(shape).copy()
    grid[(0,) * len(shape)] = 0.0  # nothing known: no evidence, held there
    size[(0,) * len(shape)] = 1e12
    for _ in range(rounds):
        for axis, fi in enumerate(factor.fields):
            order = _axis_order(fi)
            if order is None:
                continue
            others = [range(s) for a, s in enumerate(shape) if a != axis]
            for rest in product(*others):
                idx = list(rest)
                line = [(*idx[:axis], k, *idx[axis:]) for k in order]
                grid_line = np.array([grid[i] for i in line])
                fitted = pava(grid_line, np.array([size[i] for i in line]))
                for i, v in zip(line, fitted.tolist(), strict=True):
                    grid[i] = v
    grid[(0,) * len(shape)] = 0.0
    return grid.reshape(-1)


def shrink(weights: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each weight pulled toward 0 bits by how few matched pairs inform it."""
    n = np.asarray(counts, dtype=float)
    return np.asarray(weights, dtype=float) * n / (n + SHRINK)


def violations(factors: Sequence[Factor], weights: Sequence[Sequence[float]]) -> list[str]:
    """Where a model's weights break the orders its fields' meanings demand, in words."""
    out = []
    for factor, ws in zip(factors, weights, strict=True):
        w = np.asarray(ws, dtype=float)
        if not factor.joint:
            f = FIELDS[factor.fields[0]]
            if f.ordered:
                out += [f"{f.label}: {f.levels[k]} ({w[k]:+.2f}) < {f.levels[k - 1]} ({w[k - 1]:+.2f})"
                        for k in range(1, len(w)) if w[k] < w[k - 1] - TOLERANCE]
                if f.agree_from is not None:
                    out += [f"{f.label}: {f.levels[k]} ({w[k]:+.2f}) < 未知 (0)"
                            for k in range(f.agree_from, len(w)) if w[k] < -TOLERANCE]
            continue
        shape = _shape(factor)
        grid = w.reshape(shape)
        labels = [[UNKNOWN, *FIELDS[i].levels] for i in factor.fields]
        for axis, fi in enumerate(factor.fields):
            order = _axis_order(fi)
            if order is None:
                continue
            for rest in product(*[range(s) for a, s in enumerate(shape) if a != axis]):
                idx = list(rest)
                line = [(*idx[:axis], k, *idx[axis:]) for k in order]
                for a, b in pairwise(line):
                    if grid[b] < grid[a] - TOLERANCE:
                        out.append(f"{factor.label}: {_name(labels, b)} ({grid[b]:+.2f}) < "
                                   f"{_name(labels, a)} ({grid[a]:+.2f})")
    return out


def _name(labels: Sequence[Sequence[str]], cell: tuple[int, ...]) -> str:
    return " / ".join(labels[j][c] for j, c in enumerate(cell))
