"""Map each agency's category and description to the one dispute taxonomy.

Police write ``纠纷-家庭纠纷``, 12345 writes ``城乡建设>住房管理>物业管理``, the women's
federation writes ``家庭暴力``; the rules in ``data/taxonomy.toml`` say which keyword
means which type. A specific category decides (the first category rule with a keyword
in it, in file order). A generic one (``社会管理>矛盾纠纷``, ``其他``, ``投诉``: the
``generic`` list), or one no rule knows, lets the description decide: the type whose
description keywords it names most (distinct keywords; ties go to file order), else the
category's own type, else ``其他``. Each decision keeps the words that made it. Pure:
the caller parses the TOML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from triage.domain import DISPUTE_TYPES

__all__ = ["FALLBACK_TYPE", "CategoryMapper", "CategoryRule"]

FALLBACK_TYPE = "其他"
_RULE_KEYS = frozenset({"type", "keywords"})
GENERIC = ("矛盾纠纷", "其他", "投诉", "咨询", "求助", "综合", "建议")  # when the file names none
_WS_RE = re.compile(r"\s+")


def _fold(text: str) -> str:
    """NFKC (full-width ＞ → >, － → -) without whitespace, so keywords match any width."""
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class CategoryRule:
    """A dispute type and the keywords (already folded) that signal it."""

    type: str
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]

    def matches(self, text: str) -> bool:
        """True when one of the keywords occurs in the (folded) text."""
        return self.pattern.search(text) is not None


def _rules(cfg: Mapping[str, Any], section: str, types: frozenset[str]) -> tuple[CategoryRule, ...]:
    """Validate and compile one rule list (``[[category]]`` or ``[[description]]``)."""
    entries = cfg.get(section, [])
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        raise ValueError(f"[[{section}]] must be a list of tables, got {type(entries).__name__}")
    rules = []
    for n, entry in enumerate(entries, start=1):
        where = f"[[{section}]] #{n}"
        if not isinstance(entry, Mapping):
            raise ValueError(f"{where}: must be a table with type and keywords")
        unknown_keys = sorted(set(entry) - _RULE_KEYS)
        if unknown_keys:
            raise ValueError(f"{where}: unknown keys {unknown_keys}")
        kind = entry.get("type")
        if kind not in types:
            raise ValueError(f"{where}: unknown type {kind!r} (taxonomy: {sorted(types)})")
        where = f"{where} (type {kind})"
        raw = entry.get("keywords")
        if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
            raise ValueError(f"{where}: keywords must be a non-empty list")
        if not all(isinstance(k, str) for k in raw):
            raise ValueError(f"{where}: keywords must be strings")
        keywords = tuple(_fold(k) for k in raw)
        if not all(keywords):
            raise ValueError(f"{where}: empty keyword in {list(raw)}")
        alternation = "|".join(re.escape(k) for k in sorted(set(keywords), key=len, reverse=True))
        rules.append(CategoryRule(kind, keywords, re.compile(alternation)))
    return tuple(rules)


class CategoryMapper:
    """Dispute type from category rules, then description rules, else ``其他``."""

    def __init__(self, category_rules: Sequence[CategoryRule],
                 description_rules: Sequence[CategoryRule],
                 generic: Sequence[str] = GENERIC) -> None:
        """Use ``from_config``; this takes already compiled rules."""
        self.category_rules = tuple(category_rules)
        self.description_rules = tuple(description_rules)
        self.generic = tuple(_fold(g) for g in generic)
        self._by_category = lru_cache(maxsize=4096)(self._category_type)

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the cache (a cached bound method does not pickle), so worker
        processes can be handed the mapper."""
        state = dict(self.__dict__)
        del state["_by_category"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._by_category = lru_cache(maxsize=4096)(self._category_type)

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> CategoryMapper:
        """Build from the parsed ``taxonomy.toml``; ``ValueError`` names any bad entry.

        ``types`` (optional, defaults to the project taxonomy) must be taxonomy types
        and include ``其他``; every rule's ``type`` must be among them and its
        ``keywords`` a non-empty list of non-empty strings.
        """
        raw_types = cfg.get("types", list(DISPUTE_TYPES))
        if not isinstance(raw_types, Sequence) or isinstance(raw_types, str) or not raw_types:
            raise ValueError("types must be a non-empty list of dispute types")
        bad = [t for t in raw_types if t not in DISPUTE_TYPES]
        if bad:
            raise ValueError(f"types: unknown types {bad} (taxonomy: {list(DISPUTE_TYPES)})")
        if FALLBACK_TYPE not in raw_types:
            raise ValueError(f"types: must include the fallback type {FALLBACK_TYPE}")
        types = frozenset(raw_types)
        generic = cfg.get("generic", list(GENERIC))
        if not isinstance(generic, Sequence) or isinstance(generic, str) \
                or not all(isinstance(g, str) and g.strip() for g in generic):
            raise ValueError("generic must be a list of non-empty category words")
        return cls(_rules(cfg, "category", types), _rules(cfg, "description", types), generic)

    def _category_type(self, category: str) -> tuple[str, str] | None:
        folded = _fold(category)
        for rule in self.category_rules:
            m = rule.pattern.search(folded)
            if m:
                return rule.type, m.group(0)
        return None

    def is_generic(self, category: str | None) -> bool:
        """Whether a category says nothing specific (矛盾纠纷, 其他, 投诉 …)."""
        folded = _fold(category or "")
        return not folded or any(g in folded for g in self.generic)

    def from_text(self, description: str | None) -> tuple[str, list[str]] | None:
        """The type whose description keywords the text names most, with those words."""
        if not description:
            return None
        folded = _fold(description)
        best: tuple[str, list[str]] | None = None
        for rule in self.description_rules:
            words = sorted({m.group(0) for m in rule.pattern.finditer(folded)})
            if words and (best is None or len(words) > len(best[1])):
                best = (rule.type, words)
        return best

    def decide(self, category: str | None, description: str | None) -> tuple[str, list[str]]:
        """The dispute type of a lead and the words that decided it (a category keyword,
        or the description's words)."""
        found = self._by_category(category) if category else None
        if found is not None and not self.is_generic(category):
            return found[0], [found[1]]
        text = self.from_text(description)
        if text is not None:
            return text
        if found is not None:
            return found[0], [found[1]]
        return FALLBACK_TYPE, []

    def map(self, category: str | None, description: str | None) -> str:
        """The dispute type of a lead (see ``decide``)."""
        return self.decide(category, description)[0]
