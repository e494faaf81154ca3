"""Link leads into cases: features → blocking → comparison → EM weights → clusters."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from triage.link.blocking import BlockingRules, candidate_pairs, lead_keys
from triage.link.cases import assign_case_ids
from triage.link.cluster import ClusterRules, cluster, merge_on_combined_evidence
from triage.link.compare import FIELD_INDEX, compare_pairs, id_conflicts
from triage.link.crowded import (
    counterpart_adjustment,
    crowd_adjustment,
    home_reporters,
    named_reporters,
)
from triage.link.encode import CorpusStats, Encoded, encode
from triage.link.evidence import ADJUSTMENTS, Evidence, ReviewPairs, strongest_links
from triage.link.features import UNKEYED, Pseudonyms, Subjects, lead_features, same_version
from triage.link.index import LinkIndex
from triage.link.model import (
    MatchModel,
    estimate_anchored,
    frequency_adjustment,
    identity_shares,
    level_counts,
    level_frequencies,
    match_probability,
    whereabouts_adjustment,
)
from triage.link.persons import group_persons
from triage.link.repeat import VETO
from triage.link.sounds import NameLexicon, Sounds
from triage.link.table import (
    FeatureTable,
    LeadChunk,
    Vocabularies,
    distinct,
)

# Maps a function over chunks of leads: ``map`` in-process, or a process pool's ``map``.
ChunkMap = Callable[[Callable[[pd.DataFrame], LeadChunk], list[pd.DataFrame]], Iterable[LeadChunk]]


Keyword = Annotated[str, Field(min_length=2)]


class SubjectLexicon(BaseModel):
    """``data/lexicons/subjects.toml``: 纠纷事由 → its keywords, two characters or more."""

    model_config = ConfigDict(extra="forbid")

    subjects: dict[str, list[Keyword]] = Field(default_factory=dict)


class LinkConfig(BaseModel):
    """``data/config/linking.toml``, validated."""

    window_days: float = Field(default=BlockingRules.window_days, gt=0)
    identity_window_days: float = Field(default=BlockingRules.identity_window_days, gt=0)
    neighbours: int = Field(default=BlockingRules.neighbours, ge=1)
    subject_keys: int = Field(default=BlockingRules.subject_keys, ge=0)
    wide_neighbours: int = Field(default=BlockingRules.wide_neighbours, ge=0)
    repeat_veto: float = Field(default=VETO, gt=0, lt=1)
    accept: float = Field(default=ClusterRules.accept, gt=0, lt=1)
    review: float = Field(default=ClusterRules.review, gt=0, lt=1)
    certain: float = Field(default=ClusterRules.certain, gt=0, lt=1)
    floor: float = Field(default=ClusterRules.floor, ge=0, lt=1)
    reporters: int = Field(default=ClusterRules.reporters, ge=1)
    household: int = Field(default=3, ge=1)
    em_iterations: int = Field(default=30, ge=1)
    random_pairs: int = Field(default=200_000, ge=1000)
    max_df: float = Field(default=0.02, gt=0, le=1)
    stopwords: list[str] = Field(default_factory=list)
    subjects: dict[str, list[Keyword]] = Field(default_factory=dict)  # from SubjectLexicon
    names: NameLexicon = Field(default_factory=NameLexicon)  # data/lexicons/names.toml

    def lexicons(self) -> tuple[Subjects, Sounds]:
        """The subject lexicon and the name confusions, as features read them."""
        return Subjects.of(self.subjects), self.names.sounds()

    def features_fingerprint(self) -> str:
        """Changes when a lexicon that shapes lead features does: kept features are stale."""
        subjects, sounds = self.lexicons()
        return f"{subjects.fingerprint}:{sounds.fingerprint}" if sounds else subjects.fingerprint

    @property
    def blocking(self) -> BlockingRules:
        return BlockingRules(self.window_days, self.neighbours, self.subject_keys,
                             self.wide_neighbours, self.identity_window_days)

    @property
    def clusters(self) -> ClusterRules:
        return ClusterRules(self.accept, self.review, self.certain, self.floor, self.reporters)


@dataclass
class LinkResult:
    """Case of every lead, evidence of each link, review pairs, identity events."""

    case_of: dict[int, str]
    evidence: Mapping[int, list[dict[str, Any]]]  # lead id → its strongest link, read lazily
    events: list[dict[str, Any]]
    review: Sequence[dict[str, Any]]  # read lazily
    person_of: dict[int, int]  # lead id → lead id representing its reporter
    model: MatchModel
    stats: dict[str, Any] = field(default_factory=dict)
    index: LinkIndex | None = None


def random_pairs(n: int, count: int, seed: int = 20241122) -> np.ndarray:
    """Distinct random pairs of rows (fixed seed: the same data gives the same weights)."""
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    rng = np.random.default_rng(seed)
    p = np.sort(rng.integers(0, n, size=(count, 2)), axis=1)
    return p[p[:, 0] != p[:, 1]]


def _lead_features(leads: pd.DataFrame, cut: Any, lexicons: tuple[Subjects, Sounds],
                   pseudonyms: Pseudonyms, vocabs: Vocabularies, chunks: ChunkMap | None
                   ) -> FeatureTable:
    subjects, sounds = lexicons
    if chunks is None or len(leads) < 2:
        return FeatureTable.coded(lead_features(leads, cut, subjects, pseudonyms, sounds), vocabs)
    size = max(-(-len(leads) // 64), 500)  # small chunks: less memory in flight
    parts = [leads.iloc[k:k + size] for k in range(0, len(leads), size)]
    return FeatureTable.concat([FeatureTable.coded(c, vocabs) for c in chunks(
        partial(lead_features, cut=cut, subjects=subjects, pseudonyms=pseudonyms, sounds=sounds),
        parts)])


def _refresh(leads: pd.DataFrame, cut: Any, lexicons: tuple[Subjects, Sounds], pseudonyms: Pseudonyms,
             index: LinkIndex | None, stale: set[int], chunks: ChunkMap | None
             ) -> tuple[FeatureTable, CorpusStats, Vocabularies]:
    """Per-lead features in the order of ``leads``: kept ones reused, the rest computed."""
    ids = leads["id"].astype("int64").to_numpy()
    if index is None:
        vocabs = Vocabularies()
        table = _lead_features(leads, cut, lexicons, pseudonyms, vocabs, chunks)
        return table, CorpusStats.of(table, vocabs), vocabs
    kept, vocabs = index.table, index.vocabs
    updated = (leads["updated_at"] if "updated_at" in leads.columns
               else pd.Series([None] * len(leads), dtype=object))
    at = pd.Index(kept.ids).get_indexer(ids)
    todo = at < 0
    todo[~todo] = ~same_version(kept.version[at[~todo]], updated[~todo])
    if stale:
        todo |= np.isin(ids, np.fromiter(stale, dtype=np.int64))
    keep = np.zeros(len(kept), dtype=bool)
    keep[at[~todo]] = True
    stats = index.stats.copy()
    stats.add(kept.take(np.flatnonzero(~keep)), vocabs, sign=-1)
    fresh = _lead_features(leads[todo], cut, lexicons, pseudonyms, vocabs, chunks)
    stats.add(fresh, vocabs)
    table = FeatureTable.concat([kept.take(np.flatnonzero(keep)), fresh])
    return table.take(pd.Index(table.ids).get_indexer(ids)), stats, vocabs


def link(
    leads: pd.DataFrame, previous: Mapping[int, str], cut: Any, config: LinkConfig,
    *, model: MatchModel | None = None, new_ids: Iterable[int] | None = None,
    merges: Sequence[tuple[int, int]] = (), splits: Sequence[tuple[int, int]] = (),
    words: Mapping[str, str] | None = None, index: LinkIndex | None = None,
    chunks: ChunkMap | None = None, progress: Callable[[str], None] | None = None,
    pseudonyms: Pseudonyms = UNKEYED,
) -> LinkResult:
    """Cluster leads into cases.

    Full run (``new_ids`` None): every lead, weights re-estimated unless ``model``
    is given. Incremental run: only leads in ``new_ids`` are compared, with the
    history and each other; cases they do not touch keep their leads and ids.
    ``merges``/``splits`` are coordinators' decisions on lead-id pairs; ``words``
    is the tokenizer's dictionary (word → part of speech), to tell names from words.
    ``index`` is the previous run's ``LinkResult.index``: kept features are reused
    and, in an incremental run, only the new leads' neighbourhood is read.
    ``chunks`` maps a function over chunks of leads (e.g. a process pool's map);
    ``progress`` is told the name of each stage as it ends (seconds are in ``stats``);
    ``pseudonyms`` hashes phone and ID numbers with the deployment's key.
    """
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]

    def mark(stage: str) -> None:
        now = time.perf_counter()
        seconds[stage] = round(seconds.get(stage, 0.0) + now - clock[0], 2)
        clock[0] = now
        if progress is not None:
            progress(stage)

    rules = config.blocking
    ids = leads["id"].astype("int64").to_numpy()
    row_of = _Rows(ids)
    new_rows = None if new_ids is None else row_of.rows(new_ids)
    stale = set() if new_rows is None else set(ids[new_rows].tolist())
    lexicons, fingerprint = config.lexicons(), config.features_fingerprint()
    if index is not None and not index.current(fingerprint, pseudonyms.fingerprint):
        index = None  # features made another way (lexicon, key, version): every lead is read again
    table, stats, vocabs = _refresh(leads, cut, lexicons, pseudonyms, index, stale, chunks)
    person_rows = group_persons(table)
    crowd = home_reporters(table, person_rows)
    namers, named_as = named_reporters(table, vocabs, person_rows)
    mark("features")

    def encoded(rows: np.ndarray | None = None) -> Encoded:
        part = table if rows is None else table.take(rows)
        return replace(encode(part, stats, vocabs, config.stopwords, config.max_df, words),
                       home_reporters=crowd if rows is None else crowd[rows],
                       household=config.household, named_reporters=namers,
                       reporter_named=named_as if rows is None else named_as[rows])

    def strong(touching: np.ndarray) -> np.ndarray:
        """The pairs a night's leads make that are evidence at all (scored at the floor or more)."""
        if model is None or not len(touching):
            return touching
        rows = distinct(touching.ravel())
        near = encoded(rows)
        g, sh = compare_pairs(near, np.searchsorted(rows, touching))
        p = match_probability(model, g, _adjustments(near, np.searchsorted(rows, touching), g,
                                                     sh, model))
        return touching[p >= config.floor]

    if new_rows is None or index is None:
        work = np.arange(len(table), dtype=np.int64)
        enc = encoded()
        keys_out = keys = lead_keys(enc, rules)
        if new_rows is not None:  # incremental without an index: every key is at hand
            touching = candidate_pairs(table.t, keys_out, rules, only_rows=new_rows)
            work = _region(strong(touching), new_rows, ids, previous, merges, splits, row_of)
            enc = encoded(work)
            keys = lead_keys(enc, rules)
    else:
        new_keys = lead_keys(encoded(new_rows), rules, rows=new_rows)
        old_ids = index.keys["id"].to_numpy()
        at = pd.Index(ids).get_indexer(pd.Index(old_ids))
        ok = (at >= 0) & ~np.isin(old_ids, ids[new_rows])
        keys_out = pd.concat([pd.DataFrame({"key": index.keys["key"].to_numpy()[ok], "row": at[ok]}),
                              new_keys], ignore_index=True)
        near = keys_out[keys_out["key"].isin(new_keys["key"].unique())]
        touching = candidate_pairs(table.t, near, rules, only_rows=new_rows)
        work = _region(strong(touching), new_rows, ids, previous, merges, splits, row_of)
        enc = encoded(work)
        keys = lead_keys(enc, rules)
    mark("keys")
    index_out = LinkIndex(table, stats, vocabs, pd.DataFrame(
        {"key": keys_out["key"].to_numpy(), "id": ids[keys_out["row"].to_numpy()]}),
        subjects=fingerprint, keyed=pseudonyms.fingerprint)
    wids = ids[work]
    local = _Rows(wids)
    pairs = candidate_pairs(enc.t, keys, rules)
    del keys, keys_out  # kept in index_out
    mark("pairs")
    gamma, shared = compare_pairs(enc, pairs)
    mark("compare")
    if model is None:
        n = len(enc.t)
        rpairs = random_pairs(n, config.random_pairs)
        rgamma, rshared = compare_pairs(enc, rpairs)
        references = _references(enc, rpairs, rgamma, rshared)
        model = MatchModel.initial()
        model.surname_reference, model.village_reference = references
        extra = _adjustments(enc, pairs, gamma, shared, model, fitted=False)
        u = identity_shares(level_frequencies(rgamma), gamma, _shared_share(enc.phones.values, n),
                            _shared_share(enc.id_full, n))
        model = estimate_anchored(gamma, u, n * (n - 1) / 2,
                                  iterations=config.em_iterations, extra=extra,
                                  repeat_veto=config.repeat_veto, u_count=level_counts(rgamma))
        model.surname_reference, model.village_reference = references
    prob = match_probability(model, gamma, _adjustments(enc, pairs, gamma, shared, model))
    mark("weights")
    conflicts = pairs[id_conflicts(enc, pairs)]
    n_pairs = len(pairs)
    # Pairs below the floor are no evidence at all: dropped before clustering (most of them).
    useful = prob >= config.floor
    pairs, gamma, prob = pairs[useful], gamma[useful], prob[useful]
    # the extra bits kind by kind, for the evidence and for weighing several pairs together
    parts = _adjustment_parts(enc, pairs, gamma, shared[useful], model)
    del shared, useful, enc  # the rest reads pairs, levels and probabilities only
    cannot = [(int(a), int(b)) for a, b in conflicts.tolist()]
    cannot += local.pairs(splits)
    must = local.pairs(merges)
    if new_rows is not None:
        # A night's leads may join or merge earlier cases but never split them: only a full
        # rebuild or a coordinator takes a case apart. A case holding both leads of a "keep
        # apart" decision is clustered again from the evidence, with the two kept apart.
        torn = {previous.get(int(a)) for a, b in splits
                if previous.get(int(a)) is not None and previous.get(int(a)) == previous.get(int(b))}
        first_row: dict[str, int] = {}
        for r, lid in enumerate(wids.tolist()):
            cid = previous.get(int(lid))
            if cid is not None and cid not in torn:
                must.append((first_row.setdefault(cid, r), r))
    reporter = person_rows[work]
    clusters = cluster(len(work), pairs, prob, config.clusters, cannot, must, person=reporter)
    clusters.root = merge_on_combined_evidence(
        clusters.root, pairs, gamma, parts, lambda g, x: match_probability(model, g, x),
        config.clusters, cannot, person=reporter,  # pairs under the floor are already gone
        worst=[ADJUSTMENTS.index("crowded_address"), ADJUSTMENTS.index("crowded_counterpart")])

    mark("clusters")
    comps: dict[int, list[int]] = {}
    for r, lid in enumerate(wids.tolist()):
        comps.setdefault(clusters.root[r], []).append(int(lid))
    case_of, events = assign_case_ids(comps.values(), previous)
    if new_rows is not None:
        for lid, cid in previous.items():
            case_of.setdefault(lid, cid)

    final = np.asarray(clusters.root, dtype=np.int64)
    rows, other, best = strongest_links(pairs, prob, final, config.accept)
    evidence = Evidence(wids[rows], wids[other], prob[best], gamma[best], model, parts[best],
                        config.household)
    ask = np.asarray(clusters.review, dtype=np.int64)
    ask = ask[final[pairs[ask, 0]] != final[pairs[ask, 1]]]
    review = ReviewPairs(wids[pairs[ask, 0]], wids[pairs[ask, 1]], prob[ask], gamma[ask], model,
                         parts[ask], config.household)
    mark("cases")
    person_of = dict(zip(ids.tolist(), ids[person_rows].tolist(), strict=True))
    stats_out = {"leads": len(table), "pairs": n_pairs, "accepted": int((prob >= config.accept).sum()),
                 "review": len(review), "conflicts": len(conflicts), "region": len(work),
                 "seconds": seconds}
    mark("persons")
    return LinkResult(case_of, evidence, events, review, person_of, model, stats_out, index_out)


def _shared_share(values: np.ndarray, n: int) -> float:
    """Share of all n(n-1)/2 pairs of ``n`` leads that share a value (a phone, an ID number):
    ``values`` holds every lead's codes, 0 for none."""
    v = values[values > 0].astype(np.int64)
    if n < 2 or not len(v):
        return 0.0
    c = np.bincount(v).astype(float)
    return float((c * (c - 1) / 2).sum() / (n * (n - 1) / 2))


def _shared_village(enc: Encoded, pairs: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    return np.where(gamma[:, FIELD_INDEX["place"]] == 2, enc.village[pairs[:, 0]], 0)


def _references(enc: Encoded, pairs: np.ndarray, gamma: np.ndarray,
                shared: np.ndarray) -> tuple[float, float]:
    """Mean frequency of the surname, and of the village, that random pairs share."""
    def mean(codes: np.ndarray, freq: np.ndarray) -> float:
        return float(freq[codes[codes > 0]].mean()) if (codes > 0).any() else 0.0

    return (mean(shared, enc.surname_freq),
            mean(_shared_village(enc, pairs, gamma), enc.village_freq))


def _adjustments(enc: Encoded, pairs: np.ndarray, gamma: np.ndarray, shared: np.ndarray,
                 model: MatchModel, fitted: bool = True) -> np.ndarray:
    """Extra bits per pair: the sum of ``_adjustment_parts``, one kind at a time (a full run
    scores tens of millions of pairs)."""
    out = np.zeros(len(pairs), dtype=np.float32)
    for part in _adjustment_kinds(enc, pairs, gamma, shared, model, fitted):
        out += part()
    return out


def _adjustment_parts(enc: Encoded, pairs: np.ndarray, gamma: np.ndarray, shared: np.ndarray,
                      model: MatchModel, fitted: bool = True) -> np.ndarray:
    """Extra bits per pair (columns as ``evidence.ADJUSTMENTS``): how rare the shared
    surname and the shared village are, a shared house that is no home and a person many
    reporters name (``crowded``), and, once ``model`` is ``fitted``, another address of
    one person's own number."""
    return np.stack([part() for part in _adjustment_kinds(enc, pairs, gamma, shared, model, fitted)],
                    axis=1)


def _adjustment_kinds(enc: Encoded, pairs: np.ndarray, gamma: np.ndarray, shared: np.ndarray,
                      model: MatchModel, fitted: bool) -> list[Callable[[], np.ndarray]]:
    """Each kind of extra bits (columns as ``evidence.ADJUSTMENTS``), computed when called."""
    return [
        lambda: frequency_adjustment(shared, enc.surname_freq, model.surname_reference),
        lambda: frequency_adjustment(_shared_village(enc, pairs, gamma), enc.village_freq,
                                     model.village_reference),
        lambda: crowd_adjustment(gamma, pairs, enc.home_reporters, enc.household),
        lambda: counterpart_adjustment(gamma, pairs, enc.named_exact, enc.cands, enc.name_py,
                                       enc.town, enc.named_reporters, enc.reporter_named,
                                       enc.household),
        lambda: whereabouts_adjustment(model, gamma) if fitted
        else np.zeros(len(pairs), dtype=np.float32)]


class _Rows:
    """Lead id → row, looked up in bulk (no dict of a million entries)."""

    def __init__(self, ids: np.ndarray) -> None:
        self.index = pd.Index(ids)

    def rows(self, lead_ids: Iterable[int]) -> np.ndarray:
        """Sorted distinct rows of the ids present."""
        at = self.index.get_indexer(pd.Index(np.fromiter(lead_ids, dtype=np.int64)))
        return distinct(at[at >= 0])

    def pairs(self, lead_pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Row pairs of the id pairs whose two ids are present."""
        if not lead_pairs:
            return []
        both = np.asarray(lead_pairs, dtype=np.int64)
        a = self.index.get_indexer(pd.Index(both[:, 0]))
        b = self.index.get_indexer(pd.Index(both[:, 1]))
        keep = (a >= 0) & (b >= 0)
        return list(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


def _region(touching: np.ndarray, new_rows: np.ndarray, ids: np.ndarray,
            previous: Mapping[int, str], merges: Sequence[tuple[int, int]],
            splits: Sequence[tuple[int, int]], row_of: _Rows) -> np.ndarray:
    """Rows an incremental run re-clusters: the new leads, their partners, and those cases."""
    partners = set(touching.ravel().tolist()) - set(new_rows.tolist())
    # a corrected lead brings its own case too: the case moves with it or not at all
    cases = {previous.get(int(ids[r])) for r in partners | set(new_rows.tolist())} - {None}
    # a coordinator's decision acts on whole cases: both leads' cases are re-clustered
    cases |= {previous.get(int(x)) for pair in (*merges, *splits) for x in pair} - {None}
    decided = row_of.rows(x for pair in (*merges, *splits) for x in pair)
    members = row_of.rows(lid for lid, cid in previous.items() if cid in cases)
    return distinct(np.concatenate([new_rows, np.fromiter(partners, dtype=np.int64,
                                                          count=len(partners)), decided, members]))
