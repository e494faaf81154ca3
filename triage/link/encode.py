"""Features as flat integer arrays, so pairs compare at compiled speed.

Strings become dense integer codes (one vocabulary per kind of value); sets
become sorted runs in one array with offsets (CSR). The comparison kernel in
``compare`` reads only these arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triage.link.features import TextModel


@dataclass(frozen=True)
class Ragged:
    """Sorted integer sets, one per lead: values[offsets[i]:offsets[i + 1]]."""

    offsets: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class Encoded:
    """Every feature the comparison needs, as numpy arrays indexed by row."""

    t: np.ndarray
    phones: Ragged
    sigs: Ragged
    id_full: np.ndarray
    id_sig: np.ndarray
    name: np.ndarray
    name_py: np.ndarray
    cands: Ragged
    named: Ragged
    surnames: Ragged
    reporter_surname: np.ndarray
    mentioned: Ragged
    village: np.ndarray
    town: np.ndarray
    house: np.ndarray
    dtype: np.ndarray
    tokens: Ragged
    token_weight: np.ndarray  # per token id
    token_total: np.ndarray  # per lead, sum of its tokens' weights
    surname_freq: np.ndarray  # per surname id, share of leads naming it


class Vocabulary:
    """Dense integer codes for strings; 0 stands for "none"."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, value: str | None) -> int:
        if not value:
            return 0
        c = self.codes.get(value)
        if c is None:
            c = self.codes[value] = len(self.codes) + 1
        return c

    def codes_of(self, values: Iterable[str | None]) -> np.ndarray:
        return np.fromiter((self.code(v) for v in values), dtype=np.int64)


def ragged(sets: Sequence[Iterable[str]], vocab: Vocabulary) -> Ragged:
    lens = np.zeros(len(sets) + 1, dtype=np.int64)
    flat: list[int] = []
    for i, s in enumerate(sets):
        codes = sorted({vocab.code(v) for v in s if v})
        flat.extend(codes)
        lens[i + 1] = len(codes)
    return Ragged(np.cumsum(lens), np.asarray(flat, dtype=np.int64))


def encode(feats: pd.DataFrame, text: TextModel) -> Encoded:
    """Encode a features frame (see ``features.build_features``)."""
    phones, sigs, ids, sigs_id = Vocabulary(), Vocabulary(), Vocabulary(), Vocabulary()
    names, pinyin, surnames, places, houses, types, words = (Vocabulary() for _ in range(7))
    surname_sets = [({s} if s else set()) | set(m) for s, m in
                    zip(feats["surname"], feats["mentions"], strict=True)]
    sur = ragged(surname_sets, surnames)
    token_r = ragged(feats["tokens"].tolist(), words)
    weight = np.zeros(len(words.codes) + 1)
    for w, c in words.codes.items():
        weight[c] = text.weight(w)
    owner = np.repeat(np.arange(len(feats)), np.diff(token_r.offsets))
    totals = np.bincount(owner, weights=weight[token_r.values], minlength=len(feats))
    counts = np.bincount(sur.values, minlength=len(surnames.codes) + 1).astype(float)
    freq = counts / max(len(feats), 1)
    dtypes = feats["dtype"].tolist()
    return Encoded(
        t=feats["t"].to_numpy(dtype=np.float64),
        phones=ragged(feats["phones_full"].tolist(), phones),
        sigs=ragged(feats["phone_sigs"].tolist(), sigs),
        id_full=ids.codes_of(feats["id_full"]),
        id_sig=sigs_id.codes_of(feats["id_sig"]),
        name=names.codes_of(feats["name"]),
        name_py=pinyin.codes_of(feats["name_py"]),
        cands=ragged(feats["cands"].tolist(), pinyin),
        named=ragged(feats["named"].tolist(), pinyin),
        surnames=sur,
        reporter_surname=surnames.codes_of(feats["surname"]),
        mentioned=ragged(feats["mentions"].tolist(), surnames),
        village=places.codes_of(feats["village"]),
        town=places.codes_of(feats["town"]),
        house=houses.codes_of(feats["house"]),
        dtype=np.array([-1 if d == "其他" else types.code(d) for d in dtypes], dtype=np.int64),
        tokens=token_r,
        token_weight=weight,
        token_total=totals,
        surname_freq=freq,
    )
