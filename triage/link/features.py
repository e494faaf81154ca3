"""Per-lead features for linking: identities, names, place, subject words, time.

Computed once per lead from the canonical columns; every later step (blocking,
comparison, persons) reads these instead of re-parsing text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from pypinyin import lazy_pinyin

from triage.frames import records
from triage.normalize.names import COMMON_SURNAMES, COMPOUND_SURNAMES

HAN = re.compile(r"^[\u4e00-\u9fff]+$")
DIGITS = re.compile(r"\d+")
MASKED_MENTION = re.compile(r"([\u4e00-\u9fff]{1,2}?)(?:某某|某|女士|先生|大爷|大妈|阿姨|师傅)")
NAME_START = COMMON_SURNAMES | {s[0] for s in COMPOUND_SURNAMES}
# Second characters that make a "surname + character" span a common word, not a
# name: 楼上, 房主, 马路, 高层.
NOT_NAME_SECOND = frozenset(
    "某先女师大阿老小的了在因与和跟对将被把说称等家村镇区号楼上下里面们子头边方间部主"
    "东西南北中前后内外门口路街层户人员工厂店铺场地所院业费款钱事情况问题多次")
EPOCH = np.datetime64("2000-01-01T00:00:00")
# Words after which a person is usually named: 与王某, 丈夫林民金, 老板杨某.
RELATION = re.compile(
    "(?=(?:与|和|跟|同|被|对方|邻居|隔壁|丈夫|妻子|老公|媳妇|爱人|前夫|前妻|女婿|儿媳|婆婆|公公|"
    "岳母|岳父|母亲|父亲|儿子|女儿|哥哥|弟弟|姐姐|妹妹|老板|工友|工人|包工头|房东|租户|业主|"
    "村民|买家|卖家|顾客|商家|男方|女方|亲戚)([\u4e00-\u9fff]{1,2}))")
# The reporter named by the agency's own prose (事主陈先生称, 刘某报警称): not a counterpart.
_TITLED = r"[\u4e00-\u9fff]{1,2}(?:某某|某|女士|先生|老师|师傅|大爷|大妈|阿姨)|[\u4e00-\u9fff]{2,3}?"
SELF_REFERENCE = re.compile(
    rf"(?:(?<=报警人|来电人|求助人|信访人|诉求人|来访人|当事人)|(?<=事主))(?:{_TITLED})(?=称|反映)"
    rf"|^(?:{_TITLED})(?=(?:报警|来电|来访)称)")
AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万|千|百)?元")


@lru_cache(maxsize=1 << 18)
def pinyin_key(text: str) -> str:
    """Toneless pinyin of a name, so 王晓明 and 王小明 share a key."""
    return "".join(lazy_pinyin(text))


def surname_of(name: str | None) -> str | None:
    """The surname of a name, compound surnames included; None for empty."""
    if not name:
        return None
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]


@dataclass(frozen=True)
class TextModel:
    """Subject-word weights (IDF) learned from the corpus, and the words to ignore."""

    idf: dict[str, float]
    stopwords: frozenset[str]
    max_df: float = 0.02
    default: float = 1.0  # weight of a word never seen: as rare as the rarest

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.default)


def _tokens(text: str, cut: Any, stopwords: frozenset[str]) -> frozenset[str]:
    words = {t for t in cut(text) if len(t) >= 2 and HAN.match(t) and "某" not in t
             and t not in stopwords}
    words.update(m.group(0).replace(" ", "") for m in AMOUNT.finditer(text))
    return frozenset(words)


def name_candidates(text: str) -> set[str]:
    """2–3 character spans of a text that start with a surname: possible names."""
    out: set[str] = set()
    for i, ch in enumerate(text):
        if ch not in NAME_START:
            continue
        for n in (2, 3):
            cand = text[i:i + n]
            if len(cand) == n and HAN.match(cand) and cand[1] not in NOT_NAME_SECOND:
                out.add(cand)
    return out


def masked_mentions(text: str) -> frozenset[str]:
    """Surnames of the people a text names in masked form: 鲁某, 张女士, 老王师傅."""
    out = set()
    for m in MASKED_MENTION.finditer(text):
        s = m.group(1)
        s = s if s in COMPOUND_SURNAMES else s[-1]
        if s in NAME_START:
            out.add(s)
    return frozenset(out)


def relation_spans(text: str) -> frozenset[str]:
    """2–3 character spans right after a relation word that may be a name (丈夫林民金, 与文长立).

    Many are words instead (与项目负责人, 与西邻): ``build_features`` keeps only
    the spans that are rare in the corpus and not dictionary words.
    """
    out = set()
    for m in RELATION.finditer(text + "。。"):
        start = m.start(1)
        for n in (2, 3):
            name = text[start:start + n]
            if (len(name) == n and HAN.match(name) and name[0] in NAME_START
                    and name[1] not in NOT_NAME_SECOND and "某" not in name):
                out.add(name)
    return frozenset(out)


def _is_word(span: str, words: Mapping[str, str]) -> bool:
    """A dictionary word that is not a person's name (项目, 万科), by its part-of-speech tag."""
    tag = words.get(span) or words.get(span[:2])
    return tag is not None and not tag.startswith("nr")


def without_reporter(text: str, name: str | None) -> str:
    """The text without the reporter's own mentions, so they are not taken for a counterpart.

    ``name`` is the reporter's full, unmasked name (a masked 刘某 may be a relative's).
    """
    if name and len(name) >= 2:
        text = text.replace(name, "")
    return SELF_REFERENCE.sub("", text)


def house_signature(address: str | None) -> str | None:
    """The numbers of an address (house, building, unit, room) as one key."""
    if not address:
        return None
    nums = DIGITS.findall(address)
    return "-".join(nums) if nums else None


# Per-lead features that depend on the lead alone; computed once and kept between runs.
RAW_COLUMNS = ["id", "version", "t", "village", "town", "dtype", "phones_full", "phone_sigs",
               "id_full", "id_sig", "name", "name_py", "surname", "mentions", "cands", "spans",
               "places", "words", "house"]


def lead_features(leads: pd.DataFrame, cut: Any) -> pd.DataFrame:
    """What each lead says on its own (names, phones, place, words), one row per lead.

    Nothing here depends on other leads, so the rows can be computed in parallel
    and kept from one run to the next; ``version`` is the lead's ``updated_at``
    (if given), so a corrected lead is computed again. ``cut`` splits Chinese text
    into words (``jieba.lcut``), passed in so the core holds no tokenizer state.
    """
    rows = []
    for r in records(leads):
        name = r.get("reporter_name") if isinstance(r.get("reporter_name"), str) else None
        masked = bool(r.get("reporter_name_masked"))
        full = name if name and not masked and len(name) >= 2 else None
        phones = [p for p in (r.get("phones") or []) if isinstance(p, str)]
        ident = r.get("reporter_id") if isinstance(r.get("reporter_id"), str) else None
        valid = r.get("reporter_id_valid") is True
        desc = r.get("description")
        text: str = desc if isinstance(desc, str) else ""
        others = without_reporter(text, full)
        address = r.get("address") if isinstance(r.get("address"), str) else None
        village = r.get("village_code") if isinstance(r.get("village_code"), str) else None
        town = village[:9] if village else (r.get("town") if isinstance(r.get("town"), str) else None)
        when = r.get("reported_at")
        version = r.get("updated_at")
        rows.append({
            "id": int(r["id"]),
            "version": None if version is None or pd.isna(version) else str(version),
            "t": (np.datetime64(when, "s") - EPOCH) / np.timedelta64(1, "D") if when is not None
            and not pd.isna(when) else np.nan,
            "village": village,
            "town": town,
            "dtype": r.get("dispute_type") or "其他",
            "phones_full": tuple(p for p in phones if "*" not in p),
            "phone_sigs": tuple({p[:3] + p[-4:] for p in phones if len(p) == 11 and p[0] == "1"}),
            "id_full": ident if valid else None,
            "id_sig": ident[:6] + ident[-4:] if ident and len(ident) == 18 else None,
            "name": full,
            "name_py": pinyin_key(full) if full else None,
            "surname": surname_of(name),
            "mentions": masked_mentions(others),
            "cands": frozenset(pinyin_key(c) for c in name_candidates(others)),
            "spans": relation_spans(others),
            "places": frozenset(pinyin_key(c) for c in name_candidates(address or "")),
            "words": _tokens(text, cut, frozenset()),
            "house": house_signature(address),
        })
    raw = pd.DataFrame(rows, columns=RAW_COLUMNS, dtype=object)  # object keeps None as None
    raw["id"] = raw["id"].astype("int64")
    raw["t"] = raw["t"].astype("float64")
    return raw


@dataclass
class CorpusStats:
    """How many leads carry each word and name span: mergeable, so a night adds its leads.

    Words in many leads say nothing about one quarrel; a name span in many leads,
    or in addresses, is a place or a phrase (王府花园, 与项目负责人), not a person.
    """

    n: int = 0
    words: Counter[str] = field(default_factory=Counter)
    cands: Counter[str] = field(default_factory=Counter)
    spans: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)

    def add(self, raw: pd.DataFrame, sign: int = 1) -> None:
        """Count ``raw``'s leads in (``sign`` -1: take them out, for corrected leads)."""
        self.n += sign * len(raw)
        for name in ("words", "cands", "spans", "places"):
            counts: Counter[str] = Counter(v for vs in raw[name] for v in vs)
            if sign > 0:
                getattr(self, name).update(counts)
            else:
                getattr(self, name).subtract(counts)

    @classmethod
    def of(cls, raw: pd.DataFrame) -> CorpusStats:
        stats = cls()
        stats.add(raw)
        return stats


def corpus_features(raw: pd.DataFrame, stats: CorpusStats, stopwords: Iterable[str] = (),
                    max_df: float = 0.02, words: Mapping[str, str] | None = None
                    ) -> tuple[pd.DataFrame, TextModel]:
    """Features of ``raw``'s leads read against the whole corpus, and its text model (IDF).

    ``words`` maps dictionary words to their part of speech (jieba's tag table),
    to tell names from words.
    """
    lexicon: Mapping[str, str] = words or {}
    n = max(stats.n, 1)
    limit = max(20, int(0.001 * n))
    frequent = {t for t, c in stats.words.items() if c / n > max_df and c > 20}
    idf = {t: math.log(n / c) for t, c in stats.words.items() if c > 0}
    text = TextModel(idf, frozenset(stopwords) | frozenset(frequent), max_df,
                     max(idf.values(), default=1.0))
    places = stats.places
    feats = raw.drop(columns=["spans", "places", "words", "version"])
    feats["cands"] = pd.Series([frozenset(c for c in cs if stats.cands[c] <= limit and not places[c])
                                for cs in raw["cands"]], index=raw.index, dtype=object)
    kept = [frozenset(c for c in cs if stats.spans[c] <= limit and not places[pinyin_key(c)]
                      and not _is_word(c, lexicon)) for cs in raw["spans"]]
    feats["mentions"] = pd.Series([m | {surname_of(c) or c for c in cs}
                                   for m, cs in zip(raw["mentions"], kept, strict=True)],
                                  index=raw.index, dtype=object)
    feats["named"] = pd.Series([frozenset(pinyin_key(c) for c in cs) for cs in kept],
                               index=raw.index, dtype=object)
    feats["tokens"] = pd.Series([frozenset(t for t in ts if t not in text.stopwords)
                                 for ts in raw["words"]], index=raw.index, dtype=object)
    return feats, text


def build_features(leads: pd.DataFrame, cut: Any, stopwords: Iterable[str] = (),
                   max_df: float = 0.02, words: Mapping[str, str] | None = None
                   ) -> tuple[pd.DataFrame, TextModel]:
    """Features of every lead read against these leads alone, and their text model."""
    raw = lead_features(leads, cut)
    return corpus_features(raw, CorpusStats.of(raw), stopwords, max_df, words)


def surname_frequencies(surnames: Sequence[str | None]) -> dict[str, float]:
    """Share of leads carrying each surname, for term-frequency adjusted weights."""
    counts = Counter(s for s in surnames if s)
    total = sum(counts.values()) or 1
    return {s: c / total for s, c in counts.items()}
