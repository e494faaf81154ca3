"""Link leads into cases: features → blocking → comparison → EM weights → clusters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from triage.link.blocking import BlockingRules, candidate_pairs, lead_keys
from triage.link.cases import assign_case_ids
from triage.link.cluster import ClusterRules, cluster, merge_on_combined_evidence
from triage.link.compare import FIELDS, compare_pairs, id_conflicts
from triage.link.encode import encode
from triage.link.features import build_features
from triage.link.model import (
    MatchModel,
    contributions,
    estimate_anchored,
    level_frequencies,
    match_probability,
    surname_adjustment,
)
from triage.link.persons import group_persons


class LinkConfig(BaseModel):
    """``data/config/linking.toml``, validated."""

    window_days: float = Field(default=BlockingRules.window_days, gt=0)
    neighbours: int = Field(default=BlockingRules.neighbours, ge=1)
    subject_keys: int = Field(default=BlockingRules.subject_keys, ge=0)
    accept: float = Field(default=ClusterRules.accept, gt=0, lt=1)
    review: float = Field(default=ClusterRules.review, gt=0, lt=1)
    certain: float = Field(default=ClusterRules.certain, gt=0, lt=1)
    em_iterations: int = Field(default=30, ge=1)
    random_pairs: int = Field(default=200_000, ge=1000)
    max_df: float = Field(default=0.02, gt=0, le=1)
    stopwords: list[str] = Field(default_factory=list)

    @property
    def blocking(self) -> BlockingRules:
        return BlockingRules(self.window_days, self.neighbours, self.subject_keys)

    @property
    def clusters(self) -> ClusterRules:
        return ClusterRules(self.accept, self.review, self.certain)


@dataclass
class LinkResult:
    """Case of every lead, evidence of each link, review pairs, identity events."""

    case_of: dict[int, str]
    evidence: dict[int, list[dict[str, Any]]]
    events: list[dict[str, Any]]
    review: list[dict[str, Any]]
    person_of: dict[int, int]  # lead id → lead id representing its reporter
    model: MatchModel
    stats: dict[str, Any] = field(default_factory=dict)


def random_pairs(n: int, count: int, seed: int = 20241122) -> np.ndarray:
    """Distinct random pairs of rows (fixed seed: the same data gives the same weights)."""
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    rng = np.random.default_rng(seed)
    p = np.sort(rng.integers(0, n, size=(count, 2)), axis=1)
    return p[p[:, 0] != p[:, 1]]


def explain(gamma_row: np.ndarray, contrib_row: np.ndarray) -> list[dict[str, Any]]:
    """Which fields agreed and how much each counted, strongest first."""
    out = []
    for f, level, w in zip(FIELDS, gamma_row.tolist(), contrib_row.tolist(), strict=True):
        if level < 0:
            continue
        out.append({"field": f.name, "label": f.label, "level": f.levels[level],
                    "weight": round(float(w), 2)})
    return sorted(out, key=lambda e: -abs(e["weight"]))


def link(
    leads: pd.DataFrame, previous: Mapping[int, str], cut: Any, config: LinkConfig,
    *, model: MatchModel | None = None, new_ids: Iterable[int] | None = None,
    merges: Sequence[tuple[int, int]] = (), splits: Sequence[tuple[int, int]] = (),
    words: Mapping[str, str] | None = None,
) -> LinkResult:
    """Cluster leads into cases.

    Full run (``new_ids`` None): every lead, weights re-estimated unless ``model``
    is given. Incremental run: only leads in ``new_ids`` are compared, with the
    history and each other; cases they do not touch keep their leads and ids.
    ``merges``/``splits`` are coordinators' decisions on lead-id pairs; ``words``
    is the tokenizer's dictionary (word → part of speech), to tell names from words.
    """
    feats, text = build_features(leads, cut, config.stopwords, config.max_df, words)
    enc = encode(feats, text)
    ids = feats["id"].to_numpy()
    row_of = {int(v): i for i, v in enumerate(ids.tolist())}
    keys = lead_keys(feats, text, config.blocking)
    region: np.ndarray | None = None
    if new_ids is not None:
        new_rows = np.array(sorted(row_of[i] for i in new_ids if i in row_of), dtype=np.int64)
        touching = candidate_pairs(feats, keys, config.blocking, only_rows=new_rows)
        partners = set(touching.ravel().tolist()) - set(new_rows.tolist())
        cases = {previous.get(int(ids[r])) for r in partners} - {None}
        decided = {row_of[x] for pair in (*merges, *splits) for x in pair if x in row_of}
        in_region = set(new_rows.tolist()) | decided | {
            r for r, lid in enumerate(ids.tolist()) if previous.get(int(lid)) in cases}
        region = np.array(sorted(in_region), dtype=np.int64)
        keys = keys[keys["row"].isin(region)]
    pairs = candidate_pairs(feats, keys, config.blocking)
    gamma, shared = compare_pairs(enc, pairs)
    if model is None:
        n = len(feats)
        rgamma, rshared = compare_pairs(enc, random_pairs(n, config.random_pairs))
        u = level_frequencies(rgamma)
        one = rshared > 0
        reference = float(enc.surname_freq[rshared[one]].mean()) if one.any() else 0.0
        extra = surname_adjustment(shared, enc.surname_freq, reference)
        model = estimate_anchored(gamma, u, n * (n - 1) / 2, iterations=config.em_iterations,
                                  extra=extra)
        model.surname_reference = reference
    extra = surname_adjustment(shared, enc.surname_freq, model.surname_reference)
    prob = match_probability(model, gamma, extra)
    conflicts = pairs[id_conflicts(enc, pairs)]
    cannot = [(int(a), int(b)) for a, b in conflicts.tolist()]
    cannot += [(row_of[a], row_of[b]) for a, b in splits if a in row_of and b in row_of]
    must = [(row_of[a], row_of[b]) for a, b in merges if a in row_of and b in row_of]
    if region is not None:
        # A night's leads may join or merge earlier cases but never split them:
        # only a full rebuild (or a coordinator) takes a case apart.
        first_row: dict[str, int] = {}
        for r in region.tolist():
            cid = previous.get(int(ids[r]))
            if cid is not None:
                must.append((first_row.setdefault(cid, r), r))
    clusters = cluster(len(feats), pairs, prob, config.clusters, cannot, must)
    clusters.root = merge_on_combined_evidence(
        clusters.root, pairs, gamma, extra, lambda g, x: match_probability(model, g, x),
        config.clusters, cannot)

    rows = range(len(feats)) if region is None else region.tolist()
    comps: dict[int, list[int]] = {}
    for r in rows:
        comps.setdefault(clusters.root[r], []).append(int(ids[r]))
    case_of, events = assign_case_ids(comps.values(), previous)
    if region is not None:
        for lid, cid in previous.items():
            case_of.setdefault(lid, cid)

    evidence: dict[int, list[dict[str, Any]]] = {}
    best: dict[int, int] = {}
    for k in np.flatnonzero(prob >= config.accept).tolist():
        i, j = int(pairs[k, 0]), int(pairs[k, 1])
        if clusters.root[i] != clusters.root[j]:
            continue
        for x in (i, j):
            if x not in best or prob[k] > prob[best[x]]:
                best[x] = k
    for x, k in best.items():
        other = int(pairs[k, 1] if pairs[k, 0] == x else pairs[k, 0])
        evidence[int(ids[x])] = [{"with_lead": int(ids[other]),
                                  "probability": round(float(prob[k]), 4),
                                  "fields": explain(gamma[k], contributions(model, gamma[k:k + 1])[0])}]
    final = clusters.root
    review = [{"lead_a": int(ids[pairs[k, 0]]), "lead_b": int(ids[pairs[k, 1]]),
               "score": round(float(prob[k]), 4),
               "evidence": explain(gamma[k], contributions(model, gamma[k:k + 1])[0])}
              for k in clusters.review if final[pairs[k, 0]] != final[pairs[k, 1]]]
    person_rows = group_persons(feats)
    person_of = {int(ids[r]): int(ids[p]) for r, p in enumerate(person_rows)}
    stats = {"leads": len(feats), "pairs": len(pairs), "accepted": int((prob >= config.accept).sum()),
             "review": len(review), "conflicts": len(conflicts), "region": len(rows)}
    return LinkResult(case_of, evidence, events, review, person_of, model, stats)
