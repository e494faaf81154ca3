"""What a linking run keeps for the next, as plain arrays: no code runs when it is read back.

``LinkIndex`` holds each lead's features, the corpus counts, the vocabularies
and the blocking keys. ``to_arrays`` and ``from_arrays`` turn it into named
numpy arrays of numbers and bytes only (the store writes them as an ``.npz``
read with ``allow_pickle=False``); ``without`` drops leads from it, so that a
person who asks to be forgotten leaves nothing behind: their rows, their
counts, their keys, and every string no remaining lead uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from triage.link.encode import CorpusStats
from triage.link.features import FEATURES_REVISION
from triage.link.table import (
    HASHED_SETS,
    SCALAR_VOCAB,
    SET_VOCAB,
    FeatureTable,
    Ragged,
    Vocab,
    Vocabularies,
)

FORMAT = 3  # of the arrays below; raised when their layout changes
# Per-code facts kept beside a vocabulary (``Vocabularies.derived``): which vocabulary each
# is indexed by, and which vocabulary its values are codes of (None: plain numbers).
DERIVED = {"span_py": ("span", "pinyin"), "span_surname": ("span", "surname"),
           "span_word": ("span", None), "name_hash": ("name", None),
           "house_block": ("house", None), "house_unit": ("house", None),
           "house_last": ("house", None)}


class IndexFormatError(ValueError):
    """The arrays are not an index this version can read (damaged, older, or not one)."""


@dataclass
class LinkIndex:
    """What a run keeps for the next: each lead's own features, corpus counts, blocking keys.

    With it, a night computes features and keys for its new leads only and
    compares them with the history through the kept keys. ``keyed`` is the
    fingerprint of the secret that pseudonymized its phone and ID numbers: an
    index made with another key cannot be compared and is recomputed.
    """

    table: FeatureTable  # one row per lead, in the order of the run's leads
    stats: CorpusStats
    vocabs: Vocabularies
    keys: pd.DataFrame  # key (hash), id (lead), from the last run
    revision: int = FEATURES_REVISION  # of the features it holds
    subjects: str = ""  # fingerprint of the lexicons its features were made with (subjects, names)
    keyed: str = ""  # fingerprint of the pseudonymization key

    def current(self, subjects: str | None = None, keyed: str | None = None) -> bool:
        """Whether its features are this version's (and, if given, of this lexicon and key)."""
        return (self.revision == FEATURES_REVISION
                and subjects in (None, self.subjects) and keyed in (None, self.keyed)
                and set(self.table.sets) == {*SET_VOCAB, *HASHED_SETS}
                and set(self.table.scalars) == set(SCALAR_VOCAB))

    def kept(self) -> dict[int, str | None]:
        """Each lead it holds features for, with the version they were computed from."""
        return dict(zip(self.table.ids.tolist(), self.table.version.tolist(), strict=True))

    def without(self, lead_ids: Iterable[int]) -> LinkIndex:
        """The index with these leads gone, and every string that only they used blanked.

        Codes stay what they were (blocking keys and kept features refer to them);
        a blanked string can never be matched again.
        """
        gone = np.isin(self.table.ids, np.fromiter(lead_ids, dtype=np.int64))
        stats = self.stats.copy()
        stats.add(self.table.take(np.flatnonzero(gone)), self.vocabs, sign=-1)
        table = self.table.take(np.flatnonzero(~gone))
        keys = self.keys[~self.keys["id"].isin(self.table.ids[gone])].reset_index(drop=True)
        vocabs = _forget_unused(self.vocabs, table)
        return LinkIndex(table, stats, vocabs, keys, self.revision, self.subjects, self.keyed)


    def pruned(self) -> LinkIndex:
        """The index with every string no kept lead uses blanked (leads left the store)."""
        return LinkIndex(self.table, self.stats, _forget_unused(self.vocabs, self.table), self.keys,
                         self.revision, self.subjects, self.keyed)


def _forget_unused(vocabs: Vocabularies, table: FeatureTable) -> Vocabularies:
    """A copy of ``vocabs`` in which strings no lead of ``table`` refers to are blanked."""
    used: dict[str, np.ndarray] = {k: np.zeros(len(v), dtype=bool) for k, v in vocabs.kinds.items()}
    for column, codes in table.scalars.items():
        if SCALAR_VOCAB[column] in used:
            used[SCALAR_VOCAB[column]][codes[codes > 0]] = True
    for column, ragged in table.sets.items():
        of = SET_VOCAB.get(column)  # hashed sets have no vocabulary
        if of is not None and of in used:
            used[of][ragged.values[ragged.values > 0]] = True
    for name, (by, into) in DERIVED.items():  # a used span keeps its pinyin and surname
        values = vocabs.derived.get(name)
        if into is None or values is None or by not in used or into not in used:
            continue
        mask = used[by][:len(values)]
        codes = values[:len(mask)][mask]
        used[into][codes[codes > 0]] = True
    out = Vocabularies()
    for kind, vocab in vocabs.kinds.items():
        keep = used[kind]
        keep[0] = True
        out.kinds[kind] = _vocab([s if keep[c] else "" for c, s in enumerate(vocab.strings)])
    for name, values in vocabs.derived.items():
        of = DERIVED.get(name, (None, None))[0]
        if of is None or of not in used:
            out.derived[name] = values.copy()
            continue
        blank = ~used[of][:len(values)]
        kept = values.copy()
        kept[:len(blank)][blank] = -1 if name in ("house_last", "house_unit") else 0
        out.derived[name] = kept
    return out


def _vocab(strings: list[str]) -> Vocab:
    """A vocabulary of these strings, code = position; blank ones (code 0, forgotten) unmatched."""
    vocab = Vocab()
    vocab.strings = strings
    vocab.index = dict(zip(strings, range(len(strings)), strict=True))
    vocab.index.pop("", None)
    return vocab


def _text(value: Any) -> np.ndarray:
    """JSON as UTF-8 bytes in a uint8 array: text an ``.npz`` holds without pickling."""
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _strings(values: list[str]) -> np.ndarray:
    """Strings as one UTF-8 buffer, NUL between them: read back by one split, far faster
    than JSON for millions of names and words. Cells never hold NUL (scrubbed on ingest)."""
    blob = "\x00".join(values).encode("utf-8")
    if blob.count(b"\x00") != max(len(values) - 1, 0):
        raise ValueError("a string holds NUL")
    return np.frombuffer(blob, dtype=np.uint8)


def _unstrings(array: np.ndarray) -> list[str]:
    return array.astype(np.uint8, copy=False).tobytes().decode("utf-8").split("\x00")


def _json(array: np.ndarray) -> Any:
    return json.loads(array.astype(np.uint8).tobytes().decode("utf-8"))


def to_arrays(index: LinkIndex) -> dict[str, np.ndarray]:
    """The index as named arrays of numbers (and JSON as bytes): nothing to unpickle."""
    t = index.table
    meta = {"format": FORMAT, "revision": index.revision, "subjects": index.subjects,
            "keyed": index.keyed, "n": index.stats.n, "scalars": sorted(t.scalars),
            "sets": sorted(t.sets), "df": sorted(index.stats.df),
            "derived": sorted(index.vocabs.derived), "kinds": sorted(index.vocabs.kinds)}
    out: dict[str, np.ndarray] = {
        "meta": _text(meta),
        "ids": t.ids.astype(np.int64), "t": t.t.astype(np.float64),
        "version": _strings(["" if v is None else str(v) for v in t.version.tolist()]),
        "keys.key": _numeric(index.keys["key"].to_numpy()),
        "keys.id": index.keys["id"].to_numpy(dtype=np.int64),
    }
    for kind, vocab in index.vocabs.kinds.items():
        out[f"vocab.{kind}"] = _strings(vocab.strings)
    for c, codes in t.scalars.items():
        out[f"scalar.{c}"] = codes.astype(np.int64)
    for c, ragged in t.sets.items():
        out[f"set.{c}.offsets"] = ragged.offsets.astype(np.int64)
        out[f"set.{c}.values"] = ragged.values.astype(np.int64)
    for c, counts in index.stats.df.items():
        out[f"df.{c}"] = counts.astype(np.int64)
    for c, values in index.vocabs.derived.items():
        if values.dtype.kind not in "biuf":
            raise TypeError(f"derived {c} is not numeric")
        out[f"derived.{c}"] = values
    return out


def from_arrays(arrays: Mapping[str, np.ndarray]) -> LinkIndex:
    """The index ``to_arrays`` wrote; ``IndexFormatError`` when it is not one."""
    try:
        meta = _json(arrays["meta"])
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise IndexFormatError(f"index format {meta.get('format') if isinstance(meta, dict) else '?'}")
        ids = np.asarray(arrays["ids"], dtype=np.int64)
        versions = [v or None for v in _unstrings(arrays["version"])] if len(ids) else []
        table = FeatureTable(
            ids, np.asarray(versions, dtype=object), np.asarray(arrays["t"], dtype=np.float64),
            {c: np.asarray(arrays[f"scalar.{c}"], dtype=np.int64) for c in meta["scalars"]},
            {c: Ragged(np.asarray(arrays[f"set.{c}.offsets"], dtype=np.int64),
                       np.asarray(arrays[f"set.{c}.values"], dtype=np.int64)) for c in meta["sets"]})
        stats = CorpusStats(int(meta["n"]), {c: np.asarray(arrays[f"df.{c}"], dtype=np.int64)
                                             for c in meta["df"]})
        vocabs = Vocabularies()
        for kind in meta["kinds"]:
            vocabs.kinds[kind] = _vocab(_unstrings(arrays[f"vocab.{kind}"]))
        vocabs.derived = {c: np.asarray(arrays[f"derived.{c}"]) for c in meta["derived"]}
        keys = pd.DataFrame({"key": _numeric(np.asarray(arrays["keys.key"])),
                             "id": np.asarray(arrays["keys.id"], dtype=np.int64)})
        _check(table, len(versions))
        return LinkIndex(table, stats, vocabs, keys, int(meta["revision"]), str(meta["subjects"]),
                         str(meta["keyed"]))
    except IndexFormatError:
        raise
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise IndexFormatError(f"{type(exc).__name__}: {exc}") from exc


def _check(table: FeatureTable, versions: int) -> None:
    """Every column the length of the table: a damaged file fails here, not mid-run."""
    n = len(table.ids)
    if versions != n or len(table.t) != n or any(len(c) != n for c in table.scalars.values()):
        raise IndexFormatError("columns of unequal length")
    for c, r in table.sets.items():
        if len(r.offsets) != n + 1 or (n and int(r.offsets[-1]) != len(r.values)):
            raise IndexFormatError(f"set {c} damaged")


def _numeric(values: np.ndarray) -> np.ndarray:
    """Blocking keys as stored (64-bit hashes), refusing anything that is not a number."""
    if values.dtype.kind not in "iu":
        raise IndexFormatError(f"blocking keys of type {values.dtype}")
    return values
