"""Features read against the whole corpus, as the flat arrays the comparison reads.

What one lead's features mean depends on all leads: a word in many leads says
nothing about one quarrel; a name span in many leads, or in addresses, is a
place or a phrase (王府花园, 与项目负责人), not a person. ``CorpusStats`` counts
these over every lead linked so far (a night adds its leads); ``encode`` turns
a ``FeatureTable`` into ``Encoded`` arrays with those counts applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from triage.link.features import TOPIC, is_word, pinyin_key, surname_of, text_hash
from triage.link.table import SET_VOCAB, FeatureTable, Ragged, Vocabularies

if TYPE_CHECKING:
    from triage.link.crowded import Named

COUNTED = ("words", "cands", "spans", "places")


@dataclass(frozen=True)
class Encoded:
    """Every feature the comparison needs, as numpy arrays indexed by row."""

    t: np.ndarray
    phones: Ragged
    sigs: Ragged  # each mobile's first three and last four digits, masked or not
    msigs: Ragged  # the same of the masked mobiles only (138****5678)
    id_full: np.ndarray
    id_sig: np.ndarray
    name: np.ndarray
    name_py: np.ndarray
    name_near: np.ndarray  # per row, the reporter's near-sound key (``sounds``; 0: none)
    cands: Ragged
    fulls: Ragged  # the same name spans in their own characters (text_hash)
    name_hash: np.ndarray  # per row, text_hash of the reporter's full name (0: none)
    named: Ragged
    named_exact: Ragged  # the same spans in their own characters (span codes)
    named_full: Ragged  # surname code * pinyin_size + pinyin code, per named span
    pinyin_size: int
    surnames: Ragged
    reporter_surname: np.ndarray
    mentioned: Ragged
    village: np.ndarray
    town: np.ndarray
    house: np.ndarray
    house_block: np.ndarray  # per row, code of the house's numbers but the last (0: none)
    house_unit: np.ndarray  # per row, the flat's unit (单元, 门) as written (-1: not written)
    house_last: np.ndarray  # per row, the house's last number: door or room (-1: none)
    street: np.ndarray  # per row, code of the address's street (0: not given)
    amounts: Ragged
    amount_value: np.ndarray  # per amount code, the sum in yuan (0: none)
    dtype: np.ndarray  # -1 for 其他, which says nothing
    tokens: Ragged
    proxy: np.ndarray  # per row, whether the lead reports for a relative (代述)
    topics: Ragged  # the subject-lexicon words among ``tokens`` (事由:翻建房屋)
    token_weight: np.ndarray  # per word code (IDF)
    token_total: np.ndarray  # per lead, sum of its tokens' weights
    surname_freq: np.ndarray  # per surname code, share of leads naming it
    village_freq: np.ndarray  # per place code, share of leads in that village or community
    # per row, distinct reporters giving its house in its village (``crowded``; None: not
    # counted), and how many one household has: a house given by more is no home
    home_reporters: np.ndarray | None = None
    household: int = 3
    # distinct reporters of a town naming each person (``crowded.Named``; None: not counted)
    named_reporters: Named | None = None
    reporter_named: np.ndarray | None = None  # per row, distinct reporters naming its reporter


def _grown(counts: np.ndarray, size: int) -> np.ndarray:
    return counts if len(counts) >= size else np.concatenate(
        [counts, np.zeros(size - len(counts), dtype=counts.dtype)])


@dataclass
class CorpusStats:
    """In how many leads each word, name span and surname appears: mergeable counts."""

    n: int = 0
    df: dict[str, np.ndarray] = field(default_factory=dict)  # column → count per code

    def add(self, table: FeatureTable, vocabs: Vocabularies, sign: int = 1) -> None:
        """Count ``table``'s leads in (``sign`` -1: out, for corrected or removed leads)."""
        self.n += sign * len(table)
        columns: dict[str, tuple[np.ndarray, int]] = {
            c: (table.sets[c].values, len(vocabs[SET_VOCAB[c]])) for c in COUNTED}
        surnames = np.concatenate([table.sets["mentions"].values, table.scalars["surname"]])
        columns["surnames"] = (surnames[surnames > 0], len(vocabs["surname"]))
        villages = table.scalars["village"]
        columns["villages"] = (villages[villages > 0], len(vocabs["place"]))
        for c, (values, size) in columns.items():
            have = _grown(self.df.get(c, np.zeros(0, dtype=np.int64)), size)
            self.df[c] = have + sign * np.bincount(values, minlength=size)

    def copy(self) -> CorpusStats:
        return CorpusStats(self.n, {c: v.copy() for c, v in self.df.items()})

    def count(self, column: str, size: int) -> np.ndarray:
        return _grown(self.df.get(column, np.zeros(0, dtype=np.int64)), size)

    @classmethod
    def of(cls, table: FeatureTable, vocabs: Vocabularies) -> CorpusStats:
        stats = cls()
        stats.add(table, vocabs)
        return stats


def _span_codes(vocabs: Vocabularies, lexicon: Mapping[str, str]) -> tuple[np.ndarray, ...]:
    """Per name-span code: its pinyin code, its surname code, whether it is a word.

    Kept with the vocabularies and extended for new spans only: pinyin of a
    million spans is slow.
    """
    spans = vocabs["span"].strings
    pinyin, surname = vocabs["pinyin"], vocabs["surname"]
    done = vocabs.derived.get("span_py", np.zeros(0, dtype=np.int64))
    new = spans[len(done):]
    py = np.concatenate([done, np.array([pinyin.code(pinyin_key(s)) if s else 0 for s in new],
                                        dtype=np.int64)])
    sur = np.concatenate([vocabs.derived.get("span_surname", np.zeros(0, dtype=np.int64)),
                          np.array([surname.code(surname_of(s) or s) if s else 0 for s in new],
                                   dtype=np.int64)])
    vocabs.derived["span_py"], vocabs.derived["span_surname"] = py, sur
    # Whether a span is a dictionary word: kept too, unless the dictionary changed size.
    size = np.array([len(lexicon)])
    if not np.array_equal(vocabs.derived.get("span_word_lexicon", size), size):
        vocabs.derived.pop("span_word", None)
    done_w = vocabs.derived.get("span_word", np.zeros(0, dtype=bool))
    word = np.concatenate([done_w, np.array([bool(s) and is_word(s, lexicon)
                                             for s in spans[len(done_w):]], dtype=bool)])
    vocabs.derived["span_word"], vocabs.derived["span_word_lexicon"] = word, size
    return py, sur, word


def _name_hashes(vocabs: Vocabularies) -> np.ndarray:
    """Per name code, ``text_hash`` of the name: kept, extended for new names only."""
    names = vocabs["name"].strings
    done = vocabs.derived.get("name_hash", np.zeros(1, dtype=np.int64))
    new = np.array([text_hash(s) for s in names[len(done):]], dtype=np.int64)
    vocabs.derived["name_hash"] = out = np.concatenate([done, new])
    return out


def _amount_values(vocabs: Vocabularies) -> np.ndarray:
    """Each amount code's sum in yuan, so sums can be compared as ranges (0 where unreadable)."""
    out = np.zeros(max(len(vocabs["amount"].strings), 1), dtype=np.float64)
    for k, s in enumerate(vocabs["amount"].strings):
        try:
            out[k] = float(s)
        except (TypeError, ValueError):
            out[k] = 0.0
    return out


def house_parts(signature: str) -> tuple[int, int, int]:
    """A house signature (``11-u6-1702``) as the code of its numbers but the unit and the
    last, the unit (-1: not written), and the last number (-1: none to compare).

    Neighbours share the first part and differ a little in the last: 东街24号 and
    26号, room 1702 and 1703 or 1802. A lone number's first part is 0 (a door on a
    street, not a room); (0, -1, -1) when there is no number to compare. 18号楼2单元
    has a building and a unit but no room.
    """
    nums = [n for n in signature.split("-") if n] if signature else []
    units = [int(n[1:]) for n in nums if n.startswith("u")]
    rest = [n for n in nums if not n.startswith("u")]
    unit = units[-1] if units else -1
    if nums and nums[-1].startswith("u"):  # a building and its unit, no room
        return text_hash("-".join(rest)) if rest else 0, unit, -1
    if not rest or len(rest[-1]) > 6:
        return 0, unit, -1
    return (text_hash("-".join(rest[:-1])) if len(rest) > 1 else 0), unit, int(rest[-1])


def _house_parts(vocabs: Vocabularies) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per house code, ``house_parts``: kept, extended for new houses only."""
    houses = vocabs["house"].strings
    block = vocabs.derived.get("house_block", np.zeros(1, dtype=np.int64))
    unit = vocabs.derived.get("house_unit", np.full(1, -1, dtype=np.int64))
    last = vocabs.derived.get("house_last", np.full(1, -1, dtype=np.int64))
    new = [house_parts(s) for s in houses[len(block):]]
    if new:
        block = np.concatenate([block, np.array([b for b, _, _ in new], dtype=np.int64)])
        unit = np.concatenate([unit, np.array([u for _, u, _ in new], dtype=np.int64)])
        last = np.concatenate([last, np.array([n for _, _, n in new], dtype=np.int64)])
    vocabs.derived["house_block"], vocabs.derived["house_unit"] = block, unit
    vocabs.derived["house_last"] = last
    return block, unit, last


def encode(table: FeatureTable, stats: CorpusStats, vocabs: Vocabularies,
           stopwords: Iterable[str] = (), max_df: float = 0.02,
           lexicon: Mapping[str, str] | None = None) -> Encoded:
    """``table``'s leads read against the corpus counted in ``stats``.

    ``lexicon`` maps dictionary words to their part of speech (jieba's tag
    table), to tell names from words: 与万科物业 names nobody.
    """
    n = max(stats.n, 1)
    limit = max(20, int(0.001 * n))
    span_py, span_surname, span_word = _span_codes(vocabs, lexicon or {})
    npy = len(vocabs["pinyin"])
    places = stats.count("places", npy)
    cands = table.sets["cands"].keep((stats.count("cands", npy) <= limit) & (places == 0))
    spans_ok = ((stats.count("spans", len(span_py)) <= limit) & (places[span_py] == 0)
                & ~span_word)
    spans_ok[0] = False
    kept_spans = table.sets["spans"].keep(spans_ok)
    named = kept_spans.mapped(span_py)
    # the same names as (surname, pinyin) in one code: to see 张明刚 named where 张萱欣 reports
    named_full = kept_spans.mapped(np.where(span_py > 0, span_surname * npy + span_py, 0))
    mentioned = table.sets["mentions"].union(kept_spans.mapped(span_surname))
    reporter = table.scalars["surname"]
    rows = np.arange(len(table), dtype=np.int64)
    surnames = mentioned.union(Ragged.build(rows, reporter, len(table)))

    nwords = len(vocabs["word"])
    df = stats.count("words", nwords).astype(np.float64)
    seen = df > 0
    idf = np.zeros(nwords)
    idf[seen] = np.log(n / df[seen])
    default = float(idf.max()) if seen.any() else 1.0
    idf[~seen] = default  # a word never counted: as rare as the rarest
    drop = (df / n > max_df) & (df > 20)
    drop[vocabs["word"].lookup(stopwords)] = True
    topic = np.array([w.startswith(TOPIC) for w in vocabs["word"].strings], dtype=bool)
    drop &= ~topic  # a subject of the lexicon is never a common word, however many leads have it
    drop[0] = True
    tokens = table.sets["words"].keep(~drop)
    totals = np.bincount(tokens.owner, weights=idf[tokens.values], minlength=len(table))

    nsur = len(vocabs["surname"])
    freq = stats.count("surnames", nsur) / n
    block, unit, last = _house_parts(vocabs)
    other = vocabs["dtype"].index.get("其他", -1)
    dtype = np.where(table.scalars["dtype"] == other, -1, table.scalars["dtype"])
    return Encoded(
        t=table.t, phones=table.sets["phones"], sigs=table.sets["sigs"],
        msigs=table.sets["msigs"],
        id_full=table.scalars["id_full"], id_sig=table.scalars["id_sig"],
        name=table.scalars["name"], name_py=table.scalars["name_py"],
        name_near=table.scalars["name_near"], cands=cands,
        fulls=table.sets["fulls"], name_hash=_name_hashes(vocabs)[table.scalars["name"]], named=named,
        named_full=named_full, pinyin_size=npy, named_exact=kept_spans,
        surnames=surnames, reporter_surname=reporter, mentioned=mentioned,
        village=table.scalars["village"], town=table.scalars["town"],
        house=table.scalars["house"], house_block=block[table.scalars["house"]],
        house_unit=unit[table.scalars["house"]], house_last=last[table.scalars["house"]],
        street=table.scalars["street"], amounts=table.sets["amounts"],
        amount_value=_amount_values(vocabs),
        dtype=dtype.astype(np.int64), tokens=tokens,
        topics=tokens.keep(topic), proxy=table.scalars["proxy"] > 0,
        token_weight=idf, token_total=totals, surname_freq=_grown(freq, nsur),
        village_freq=stats.count("villages", len(vocabs["place"])) / n,
    )
