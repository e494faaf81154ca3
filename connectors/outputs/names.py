"""People named in free text, found with jieba, so masking can hide them.

The masker is handed the names a record already knows (reporters, the parties
linking found). Agencies also name people the record does not list: 报警人张伟称,
丈夫林民金, 与邻居欧阳娜娜. A word jieba tags as a person's name (``nr``), or one it
does not know that starts with a surname, is taken for a name; so is a surname
followed by a given name jieba split off. Masking a word too many costs a reader
little; missing a name leaks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from connectors.tokenizer import cut, word_freq, word_tags
from triage.link.features import AFTER_NAME, NOT_NAME_SECOND, ROLE
from triage.normalize.names import COMMON_SURNAMES, COMPOUND_SURNAMES

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# Words that start with a surname and are not names, often left unknown by the dictionary.
_NOT_NAMES = frozenset(("某", "女士", "先生", "师傅", "老师", "阿姨", "大爷", "大妈", "大姐", "大哥", "家", "村",
                        "镇", "组", "队", "所", "局", "站"))
_TAIL = frozenset("某")
COMMON_WORD = 50  # a dictionary "name" this frequent is a word: 孙子 871, 钱财 337; 李建国 9
_TITLES = ("女士", "先生", "大爷", "大妈", "阿姨", "师傅", "老师")
# Where agencies name a person: after a role (报警人, 丈夫, 邻居, 老板), a linking word (与, 和,
# 被) or in a list (、); the role words of linking, and the agencies' own.
_BEFORE = re.compile(rf"(?:{ROLE.pattern}|报警人|来电人|当事人|申请人|信访人|来访人|求助人|投诉人|"
                     r"反映人|诉求人|户主|户名|系|与|和|跟|同|被|及|、|向|找|叫|名叫|姓名|孙子|孙女|"
                     r"小叔子|之兄|其兄|其弟|代表人|代表|成员|场主|房主|为|"
                     r"书记|支书|主任|村长|组长|队长|会计|网格员|民警|辅警|所长|律师|医生|"
                     r"调解员|司机|保安|店主|厂长|校长|班主任|联系人|负责人|法人|"
                     r"爷爷|奶奶|外公|外婆|侄女|兄弟|姐妹|村民|居民|职工|员工)")
# A person introduced by a role and closed by punctuation or a verb of saying: 报警人訾雨晴，
# 之兄庞立新等. Rare surnames (訾, 钭, 冒) are names there too.
_STRONG = re.compile(rf"(?:{ROLE.pattern}|报警人|来电人|当事人|申请人|信访人|来访人|求助人|投诉人|"
                     r"反映人|诉求人|村民|居民|教练|司机|之兄|之弟|之姐|之妹|小叔子|大伯|兄|弟)"
                     r"([\u4e00-\u9fff]{2,3}?)(?=[，。、；：:（(,.;称说因与和等来去到在])")
_NOT_START = frozenset("不没未已在称说因与和等来去到被将把也都又还就很再对向从的了是有反一二三四五六七八九十几两")


class NameFinder:
    """Finds the names in a text; one per process, its answers cached per text."""

    def __init__(self, places: Iterable[str] = (), tags: Mapping[str, str] | None = None) -> None:
        """``places``: village, community and town names (the gazetteer's), which stay."""
        self.tags = word_tags() if tags is None else tags
        self.freq = word_freq() if tags is None else {}
        # every piece of a place name: 平社区 of 和平社区 is no one's name
        self.places = frozenset(name[i:j] for name in places if name
                                for i in range(len(name)) for j in range(i + 2, min(i + 5, len(name) + 1)))
        self.find = lru_cache(maxsize=200_000)(self._find)

    def _ok(self, span: str) -> bool:
        """Not a word of the dictionary (孙子, 钱财), a place (高岭村) or a masked form (刘女士)."""
        if "某" in span or span.endswith(_TITLES) or span in self.places:
            return False
        tag = self.tags.get(span)
        return tag is None or (tag.startswith("nr") and self.freq.get(span, 0) < COMMON_WORD)

    def _is_given(self, token: str) -> bool:
        """A token that can be the given name after a surname: short, Han, not a common word."""
        if not (1 <= len(token) <= 2 and _HAN.match(token)) or token in _TAIL:
            return False
        tag = self.tags.get(token)
        return tag is None or tag.startswith("nr")

    def _is_name(self, token: str) -> bool:
        if not (2 <= len(token) <= 4 and _HAN.match(token)) or "某" in token:
            return False
        head = token[:2] if token[:2] in COMPOUND_SURNAMES else token[0]
        if head not in COMMON_SURNAMES and head not in COMPOUND_SURNAMES:
            return False
        if token[len(head):] in _NOT_NAMES:
            return False
        tag = self.tags.get(token)
        return tag is None or tag.startswith("nr")

    def _after_role(self, text: str) -> set[str]:
        """Surname-led spans right after a word that introduces a person: 丈夫林民金, 与高明达."""
        out = set()
        for m in _BEFORE.finditer(text):
            i = m.end()
            head = text[i:i + 2] if text[i:i + 2] in COMPOUND_SURNAMES else text[i:i + 1]
            if not head or (head not in COMMON_SURNAMES and head not in COMPOUND_SURNAMES):
                continue
            rest = text[i + len(head):i + len(head) + 2]
            if not rest or not _HAN.match(rest[0]) or rest[0] in NOT_NAME_SECOND or rest[0] in _TAIL:
                continue
            given = rest if len(rest) == 2 and _HAN.match(rest[1]) and rest[1] not in AFTER_NAME \
                else rest[0]
            if self._ok(head + given):
                out.add(head + given)
        return out

    def _introduced(self, text: str) -> set[str]:
        """Two or three characters between a role and a pause: a name whatever its surname."""
        out = set()
        for m in _STRONG.finditer(text):
            span = m.group(1)
            tag = self.tags.get(span)
            if span[0] in _NOT_START or (tag is not None and not tag.startswith("nr")):
                continue
            if self._ok(span):
                out.add(span)
        return out

    def _find(self, text: str) -> frozenset[str]:
        tokens = cut(text)
        out = self._after_role(text) | self._introduced(text)
        for i, tok in enumerate(tokens):
            if self._is_name(tok) and self._ok(tok):
                out.add(tok)
            elif (tok in COMMON_SURNAMES or tok in COMPOUND_SURNAMES) and i + 1 < len(tokens):
                nxt = tokens[i + 1]
                if self._is_given(nxt) and self._ok(tok + nxt):
                    out.add(tok + nxt)
        return frozenset(out)
