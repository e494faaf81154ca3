"""Per-lead features for linking: identities, names, place, subject words, time.

Computed once per lead from the canonical columns (in worker processes when
many), kept between runs; every later step reads these instead of re-parsing text.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from hashlib import blake2b
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from triage.frames import records
from triage.link.table import HASHED_SETS, SCALAR_VOCAB, SET_VOCAB, LeadChunk
from triage.normalize.names import COMMON_SURNAMES, COMPOUND_SURNAMES

if TYPE_CHECKING:
    from triage.link.sounds import Sounds

# Raised whenever what a feature means changes (not only which features there are), so an
# index kept by an earlier version is recomputed instead of mixed with new features.
FEATURES_REVISION = 16
HAN = re.compile(r"^[\u4e00-\u9fff]+$")
DIGITS = re.compile(r"\d+")
MASKED_MENTION = re.compile(r"([\u4e00-\u9fff]{1,2}?)(?:某某|某|女士|先生|大爷|大妈|阿姨|师傅)")
NAME_START = COMMON_SURNAMES | {s[0] for s in COMPOUND_SURNAMES}
# A report made for a relative: 称其母亲与邻居…, 反映其哥哥陈某因…和王某闹矛盾. The
# reporter's own address then says nothing about where the quarrel is. Not when the
# relative quarrels with the reporter (其儿子与其争吵), nor for a spouse (a party).
PROXY_REPORT = re.compile(
    "其(?:父亲|母亲|儿子|女儿|哥哥|弟弟|姐姐|妹妹|爷爷|奶奶|外公|外婆|孙子|孙女|侄子|侄女|亲戚)"
    "[^，。；其]{0,14}?(?:与|和|跟)(?!其)")
# What follows a brand, not a name: 康桥建设工程公司, 金隅物业, 美嘉健身房 name no person.
ORGANIZATION = re.compile("物业|建设|建筑|工程(?!款)|装饰|装修公司|健身(?!卡)|公司|集团|培训(?!费|班)|"
                          "超市|商场|酒店|饭店|餐厅|学校|医院|银行(?!卡|转)|中心|地产|家政|快递|中介|"
                          "置业|科技|市政|电器|家具|建材|汽修|宾馆|酒楼|药房|诊所|商贸|商店")
# 老李, 老王: a person called by surname; 老师, 老公, 老太太, 老区, 老房子 are not.
OLD_SURNAME = re.compile(r"老([\u4e00-\u9fff])")
NOT_OLD_SURNAME = frozenset("师公太区房楼母毛车")  # 老房子, 老楼, 老母亲, 老毛病, 老车
# Second characters that make a "surname + character" span a common word, not a
# name: 楼上, 房主, 马路, 高层.
NOT_NAME_SECOND = frozenset(
    "某先女师大阿老小的了在因与和跟对将被把说称等家村镇区号楼上下里面们子头边方间部主"
    "东西南北中前后内外门口路街层户人员工厂店铺场地所院业费款钱事情况问题多次")
# Characters that follow a name rather than end one: 陈刚因, 李明发生, 王伟说, 张强家.
AFTER_NAME = frozenset("因与和跟同在的了说称将把被对为闹吵打多经协又也还都就不没已要到是等两家一之间"
                       "找拒拖欠借占骂堵发争夫妻父母儿女哥弟姐妹以及从向让给")
EPOCH = np.datetime64("2000-01-01T00:00:00")
# Words after which a person is usually named: 与王某, 丈夫林民金, 老板杨某.
_ROLES = ("对方|邻居|隔壁|丈夫|妻子|老公|媳妇|爱人|前夫|前妻|女婿|儿媳|婆婆|公公|岳母|岳父|母亲|父亲|"
          "儿子|女儿|哥哥|弟弟|姐姐|妹妹|老板|工友|工人|包工头|房东|租户|业主|村民|买家|卖家|顾客|"
          "商家|男方|女方|亲戚|住户|负责人|经理|管家|房客|合伙人|朋友|同事|工头|东邻|西邻|南邻|北邻|"
          "对门|楼上|楼下|丈母娘|嫂子|弟媳|姐夫|妹夫|舅舅|叔叔|姑姑|继母|继父|侄子|外甥")
RELATION = re.compile(f"(?=(?:{_ROLES}|与|和|跟|同|被)([\u4e00-\u9fff]{{1,2}}))")  # 同事 before 同
ROLE = re.compile(_ROLES)  # 与东邻王某: the name follows 东邻, not 与
# The reporter named by the agency's own prose (事主陈先生称, 刘某报警称): not a counterpart.
_TITLED = r"[\u4e00-\u9fff]{1,2}(?:某某|某|女士|先生|老师|师傅|大爷|大妈|阿姨)|[\u4e00-\u9fff]{2,3}?"
SELF_REFERENCE = re.compile(
    rf"(?:(?<=报警人|来电人|求助人|信访人|诉求人|来访人|当事人)|(?<=事主))(?:{_TITLED})(?=称|反映)"
    rf"|^(?:{_TITLED})(?=(?:报警|来电|来访)称)")
# A sum of money: 12万元, 3.5万, 8000元 (the unit is needed, so house numbers are not sums).
MONEY = re.compile(r"(\d+(?:\.\d+)?)\s*(?:(万|千|百)元?|元)")
_UNIT = {"万": 10_000, "千": 1_000, "百": 100, None: 1}


@lru_cache(maxsize=1 << 18)
def pinyin_key(text: str) -> str:
    """Toneless pinyin of a name, so 王晓明 and 王小明 share a key.

    pypinyin's reading, character by character where no part of the text is a word its
    phrase table knows (a word such as 重庆 reads its own way): the same keys, seven
    times faster over a year's name candidates."""
    if _whole(text):
        return "".join(lazy_pinyin(text))
    return "".join(map(_char_key, text))


def syllables(text: str) -> tuple[str, ...]:
    """The toneless syllables of ``text`` as ``pinyin_key`` reads them."""
    if _whole(text):
        return tuple(lazy_pinyin(text))
    return tuple(s for c in text for s in _char_pinyin(c))


def _whole(text: str) -> bool:
    """Whether pypinyin must read ``text`` whole: long, or holding a word of its phrase table."""
    n = len(text)  # names are 2-4 characters
    return n > 8 or any(text[i:j] in PHRASES_DICT for i in range(n) for j in range(i + 2, n + 1))


@lru_cache(maxsize=1 << 16)
def _char_pinyin(char: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(char))


@lru_cache(maxsize=1 << 16)
def _char_key(char: str) -> str:  # a name is keyed in every lead: the join stays on strings
    return "".join(_char_pinyin(char))


def text_hash(text: str) -> int:
    """A stable 31-bit code of a string, never 0, the same in every process and run."""
    return int.from_bytes(blake2b(text.encode(), digest_size=4).digest(), "little") % (2**31 - 1) + 1


def surname_of(name: str | None) -> str | None:
    """The surname of a name, compound surnames included; None for empty."""
    if not name:
        return None
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]


def text_words(text: str, cut: Any) -> frozenset[str]:
    """Words of two or more Han characters and amounts: stopwords are dropped later, by corpus."""
    words = {t for t in cut(text) if len(t) >= 2 and HAN.match(t) and "某" not in t}
    words.update(m.group(0).replace(" ", "") for m in MONEY.finditer(text)
                 if m.group(0).endswith("元"))  # 12万元 as written: a subject word too
    return frozenset(words)


TOPIC = "事由:"  # prefix of the subject words the lexicon adds


@dataclass(frozen=True)
class Subjects:
    """纠纷事由 by keyword (``data/lexicons/subjects.toml``): one quarrel told in other words.

    翻盖房子超出地界 and 翻建房屋占地 share no word but one subject, 翻建房屋. A
    subject a text speaks of becomes a subject word of its own (``事由:翻建房屋``),
    weighed by rarity like any other word; two texts that each speak of subjects,
    none of them shared, are about other quarrels whatever words they share.
    """

    by_start: Mapping[str, tuple[tuple[str, str], ...]]  # first 2 characters → (keyword, word)
    fingerprint: str = ""  # changes when the lexicon does: kept features are then stale

    @classmethod
    def of(cls, subjects: Mapping[str, Sequence[str]]) -> Subjects:
        by_start: dict[str, list[tuple[str, str]]] = {}
        for subject, keywords in sorted(subjects.items()):
            for kw in keywords:
                by_start.setdefault(kw[:2], []).append((kw, TOPIC + subject))
        spec = repr(sorted((k, sorted(v)) for k, v in subjects.items()))
        return cls({k: tuple(v) for k, v in by_start.items()}, blake2b(spec.encode()).hexdigest())

    def words(self, text: str) -> frozenset[str]:
        """The subject words of a text: every subject one of whose keywords it contains."""
        if not self.by_start:
            return frozenset()
        out = set()
        for m in self._starts.finditer(text):  # only where a keyword's first character is
            i = m.start()
            for kw, word in self.by_start.get(text[i:i + 2], ()):
                if text.startswith(kw, i):
                    out.add(word)
        return frozenset(out)

    @cached_property
    def _starts(self) -> re.Pattern[str]:
        return _any_of({k[0] for k in self.by_start})


NO_SUBJECTS = Subjects({})


@dataclass(frozen=True)
class Pseudonyms:
    """Keyed hashes (HMAC-SHA256) of phone and ID numbers, as linking keeps them.

    Linking only asks whether two numbers are equal, so it keeps hashes: equal
    numbers give equal hashes, and without the key (the deployment's secret,
    never stored beside the index) no number can be recovered from them, not
    even by trying every phone number.
    """

    key: bytes = field(repr=False)

    def __call__(self, value: str) -> str:
        return hmac.digest(self.key, value.encode(), "sha256")[:12].hex()

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it: an index made with another key is recomputed."""
        return hmac.digest(self.key, b"triage/link-index", "sha256")[:8].hex()


UNKEYED = Pseudonyms(b"")  # for tests and tools that keep nothing; deployments pass their key


def name_candidates(text: str) -> set[str]:
    """2–3 character spans of a text that start with a surname: possible names."""
    return {name for m in _NAME_STARTS.finditer(text)
            if (name := _name_at(text, m.start())) is not None}


def _any_of(chars: Iterable[str]) -> re.Pattern[str]:
    """Matches any one of ``chars`` (none, for an empty set)."""
    chars = sorted(chars)
    return re.compile(f"[{''.join(map(re.escape, chars))}]" if chars else "(?!)")


_NAME_STARTS = _any_of(NAME_START)  # where a name may start: scanned in C, not per character


def _name_at(text: str, i: int) -> str | None:
    """The name that may start at ``i``: two characters, or three when the next one does
    not follow a name (张志涛 is not 张志, 陈刚因 is 陈刚), so sisters 刘素英 and 刘素凤
    do not agree on 刘素; None for no surname, a word (楼上, 王某) or a brand (康桥建设)."""
    two = text[i:i + 2]
    if (len(two) < 2 or two[0] not in NAME_START or not HAN.match(two)
            or two[1] in NOT_NAME_SECOND or ORGANIZATION.match(text, i + 2)):
        return None
    third = text[i + 2:i + 3]
    return two + third if HAN.match(third) and third not in AFTER_NAME else two


def amounts(text: str) -> frozenset[str]:
    """The sums of money a text names, in yuan: 12万元 and 120000元 are one sum."""
    out = set()
    for m in MONEY.finditer(text):
        value = float(m.group(1)) * _UNIT[m.group(2)]
        if value > 0:
            out.add(str(round(value)))
    return frozenset(out)


def masked_mentions(text: str) -> frozenset[str]:
    """Surnames of the people a text names in masked form: 鲁某, 张女士, 老王师傅, 老李."""
    out = set()
    for m in MASKED_MENTION.finditer(text):
        s = m.group(1)
        s = s if s in COMPOUND_SURNAMES else s[-1]
        if s in NAME_START:
            out.add(s)
    out.update(s for s in OLD_SURNAME.findall(text) if s in NAME_START and s not in NOT_OLD_SURNAME)
    return frozenset(out)


def relation_spans(text: str) -> frozenset[str]:
    """2–3 character spans right after a relation word that may be a name (丈夫林民金, 与文长立).

    Many are words instead (与项目负责人, 与西邻): ``encode.encode`` keeps only
    the spans that are rare in the corpus and not dictionary words.
    """
    starts = {m.start(1) for m in RELATION.finditer(text)}
    return frozenset(name for i in starts
                     if not ROLE.match(text, i) and (name := _name_at(text, i)) is not None)


def is_word(span: str, words: Mapping[str, str]) -> bool:
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


# A number of an address and, when it is one, the word that makes it a unit: 2单元, 1门.
_ADDRESS_NUMBER = re.compile(r"(\d+)\s*(单元|门(?![口前外]))?")
_DASHED_FLAT = re.compile(r"(?<!\d)\d{1,3}-(\d{1,2})-\d{3,4}(?!\d)")  # 4-1-404: building-unit-room


def house_signature(address: str | None) -> str | None:
    """The numbers of an address (house, building, unit, room) as one key, the unit marked
    ``u``: ``10-u1-104`` for 10号楼1门104号 and for 10-1-104, ``10-104`` for 10号楼104, so
    a flat written without its unit can still agree with one written with it. A phone or
    ID number written into the address is left out (it would be kept in clear)."""
    if not address:
        return None
    units = {m.start(1) for m in _DASHED_FLAT.finditer(address)}
    parts = [("u" if m.group(2) or m.start(1) in units else "") + m.group(1)
             for m in _ADDRESS_NUMBER.finditer(address) if len(m.group(1)) < 7]
    return "-".join(parts) if parts else None


STREET = re.compile(r"([\u4e00-\u9fff]{1,4})\d")
_UNIT_WORDS = ("社区", "小区", "村委会", "村")  # what may follow a village's core name


def street_of(address: str | None, village: str | None) -> str | None:
    """The street of an address, between its village and its number: 西二条 in
    高古庄村西二条48号; None when the address gives none (高古庄村48号院, 29号楼).

    48号 on 西二条 and 48号 on 新村路 are two houses; 48号 without a street may be either.
    """
    if not address or not village:
        return None
    core = village[:-2] if village.endswith("社区") else village.rstrip("村") or village
    at = address.rfind(core)  # 高古庄镇高古庄村: the village, not the town of its name
    if at < 0:
        return None
    rest = address[at + len(core):]
    rest = next((rest[len(w):] for w in _UNIT_WORDS if rest.startswith(w)), rest)
    m = STREET.match(rest)
    return m.group(1) if m else None


def version_of(updated_at: Any) -> str | None:
    """A lead's version as kept with its features: its ``updated_at`` as text."""
    return None if updated_at is None or pd.isna(updated_at) else str(updated_at)


def same_version(versions: Any, updated_at: pd.Series) -> np.ndarray:
    """Per lead, whether a kept version (``version_of`` text, or None) is its ``updated_at``."""
    kept = pd.to_datetime(pd.Series(np.asarray(versions, dtype=object)), format="ISO8601")
    now = pd.to_datetime(pd.Series(updated_at.to_numpy()))
    both_none = kept.isna().to_numpy() & now.isna().to_numpy()
    return (kept.to_numpy() == now.to_numpy()) | both_none


def _days(leads: pd.DataFrame) -> np.ndarray:
    """Each lead's report time in days since ``EPOCH`` (to the second; NaN where unknown)."""
    if "reported_at" not in leads.columns:
        return np.full(len(leads), np.nan)
    when = pd.to_datetime(leads["reported_at"]).to_numpy().astype("datetime64[s]")
    return np.asarray((when - EPOCH) / np.timedelta64(1, "D"), dtype=np.float64)


def lead_features(leads: pd.DataFrame, cut: Any, subjects: Subjects = NO_SUBJECTS,
                  pseudonyms: Pseudonyms = UNKEYED, sounds: Sounds | None = None) -> LeadChunk:
    """What each lead says on its own (names, phones, place, words), column by column.

    Nothing here depends on other leads, so chunks can be computed in parallel
    and kept from one run to the next; ``version`` is the lead's ``updated_at``
    (if given), so a corrected lead is computed again. ``cut`` splits Chinese text
    into words (``jieba.lcut``), passed in so the core holds no tokenizer state;
    ``subjects`` adds the subject words of the deployment's lexicon; phone and
    ID numbers are kept only as ``pseudonyms`` (keyed hashes); ``sounds`` gives the
    reporter's name its near-sound key (刘敏 and 刘明), if the deployment has confusions.
    """
    scalars: dict[str, list[str | None]] = {c: [] for c in SCALAR_VOCAB}
    flat: dict[str, list[Any]] = {c: [] for c in (*SET_VOCAB, *HASHED_SETS)}
    counts: dict[str, list[int]] = {c: [] for c in flat}
    version: list[str | None] = []

    def put(column: str, values: Iterable[Any]) -> None:
        before = len(flat[column])
        flat[column].extend(values)
        counts[column].append(len(flat[column]) - before)

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
        version.append(version_of(r.get("updated_at")))
        for column, value in (
            ("village", village),
            ("town", village[:9] if village else (r.get("town") if isinstance(r.get("town"), str)
                                                  else None)),
            ("dtype", r.get("dispute_type") or "其他"),
            ("id_full", pseudonyms(ident) if ident and valid else None),
            ("id_sig", pseudonyms(ident[:6] + ident[-4:]) if ident and len(ident) == 18 else None),
            ("name", full),
            ("name_py", pinyin_key(full) if full else None),
            ("name_near", sounds.key(full) if full and sounds else None),
            ("surname", surname_of(name)),
            ("house", house_signature(address)),
            ("street", street_of(address, r.get("village") if isinstance(r.get("village"), str)
                                 else None)),
            ("proxy", "代述" if PROXY_REPORT.search(text) else None),
        ):
            scalars[column].append(value)
        put("phones", {pseudonyms(p) for p in phones if "*" not in p})
        put("sigs", {pseudonyms(p[:3] + p[-4:]) for p in phones if len(p) == 11 and p[0] == "1"})
        put("msigs", {pseudonyms(p[:3] + p[-4:]) for p in phones  # masked: 138****5678
                      if "*" in p and len(p) == 11 and p[0] == "1"})
        put("mentions", masked_mentions(others))
        names = name_candidates(others)
        put("cands", {pinyin_key(c) for c in names})
        put("fulls", {text_hash(c) for c in names})
        put("amounts", amounts(text))
        put("spans", relation_spans(others))
        put("places", {pinyin_key(c) for c in name_candidates(address or "")})
        put("words", text_words(text, cut) | subjects.words(text))
    return LeadChunk(
        leads["id"].to_numpy(dtype=np.int64), version, _days(leads),
        scalars, {c: (flat[c], np.asarray(counts[c], dtype=np.int64)) for c in flat})
