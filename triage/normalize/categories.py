"""Map each agency's category (and, failing that, the description) to the one dispute taxonomy.

Police write ``纠纷-家庭纠纷``, 12345 writes ``城乡建设>住房管理>物业管理``, the women's
federation writes ``家庭暴力``; the rules in ``data/taxonomy.toml`` say which keyword
means which type. Rules are tried in file order (the first rule with a keyword in the
text wins), so a deployment controls precedence by ordering rules. Pure: the caller
parses the TOML.
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
                 description_rules: Sequence[CategoryRule]) -> None:
        """Use ``from_config``; this takes already compiled rules."""
        self.category_rules = tuple(category_rules)
        self.description_rules = tuple(description_rules)
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
        return cls(_rules(cfg, "category", types), _rules(cfg, "description", types))

    def _category_type(self, category: str) -> str | None:
        folded = _fold(category)
        return next((r.type for r in self.category_rules if r.matches(folded)), None)

    def map(self, category: str | None, description: str | None) -> str:
        """The dispute type of a lead: category keywords first, then description, else 其他."""
        if category:
            found = self._by_category(category)
            if found is not None:
                return found
        if description:
            folded = _fold(description)
            for rule in self.description_rules:
                if rule.matches(folded):
                    return rule.type
        return FALLBACK_TYPE
