"""Literal anchors of regular expressions: a prefilter that skips patterns a text cannot match.

Each signal pattern (``{cue}.{0,16}{harm}`` expanded) needs at least one of a few literal
strings to be in a text before it can match there: 扬言 or 威胁 … for a threat cue. One pass
of an Aho-Corasick automaton over a text finds every anchor in it, and only the patterns
with an anchor present are run; a description meets about 4 of the 119 signal patterns'
anchors instead of running all of them. A pattern with no anchor found (one that could
match any text) is always run, so the prefilter never changes what is found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

WIDE = 1000  # a range of more characters than this (all of CJK) guards nothing
CLASS_MAX = 12  # a character class of more literals than this is no useful anchor
_REPEATS = tuple(op for op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None))
                 if op is not None)


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective of several necessary sets: the longest shortest string, then the fewest."""
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)))


def _need(items: Any) -> frozenset[str] | None:
    """Strings one of which every match of the parsed sequence ``items`` contains, or None."""
    candidates: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append(frozenset([run]))
            run = ""
        found: frozenset[str] | None = None
        if op is sre.IN:
            chars = [chr(a) for o, a in av if o is sre.LITERAL]
            if len(chars) == len(av) and len(chars) <= CLASS_MAX:
                found = frozenset(chars)
        elif op is sre.BRANCH:
            alternatives = [_need(alt) for alt in av[1]]
            if all(a is not None for a in alternatives):
                found = frozenset().union(*alternatives)  # type: ignore[arg-type]
        elif op is sre.SUBPATTERN:
            _group, add_flags, _del_flags, inner = av
            if not add_flags & re.IGNORECASE:
                found = _need(inner)
        elif op in _REPEATS:
            low, _high, inner = av
            if low >= 1:
                found = _need(inner)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset([run]))
    return _best(candidates)


def anchors(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literal strings one of which every match of ``pattern`` contains; None when there are
    none to be had (the pattern may match without any fixed string, or ignores case)."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _need(sre_parse.parse(pattern.pattern, pattern.flags))


class Prefilter:
    """Which of a list of patterns can match a text, by their anchors, in one pass over it."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self._always: set[int] = set()
        by_anchor: dict[str, list[int]] = {}
        for i, pattern in enumerate(patterns):
            found = anchors(pattern)
            if found is None:
                self._always.add(i)
            else:
                for anchor in found:
                    by_anchor.setdefault(anchor, []).append(i)
        self._automaton = ahocorasick.Automaton()
        for anchor, indexes in by_anchor.items():
            self._automaton.add_word(anchor, indexes)
        if by_anchor:
            self._automaton.make_automaton()
        self._empty = not by_anchor

    def candidates(self, text: str) -> set[int]:
        """Indexes of the patterns that may match ``text``: an anchor of theirs is in it."""
        out = set(self._always)
        if not self._empty:
            for _end, indexes in self._automaton.iter(text):
                out.update(indexes)
        return out


def _first(items: Any) -> frozenset[str] | None:
    """What a match of the parsed sequence ``items`` can start with, as character-class parts
    (an escaped character or a range ``a-b``); None when it can start with anything or match
    the empty string."""
    for k, (op, av) in enumerate(items):
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero-width: the next item starts the match
        if op is sre.LITERAL:
            return frozenset([re.escape(chr(av))])
        if op is sre.IN:
            parts = []
            for o, a in av:
                if o is sre.LITERAL:
                    parts.append(re.escape(chr(a)))
                elif o is sre.RANGE:
                    parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
                else:
                    return None  # a negated class or a category: anything
            return frozenset(parts)
        if op is sre.BRANCH:
            firsts = [_first(alt) for alt in av[1]]
            return None if any(f is None for f in firsts) else frozenset().union(*firsts)  # type: ignore[arg-type]
        if op is sre.SUBPATTERN:
            return None if av[1] & re.IGNORECASE else _first(av[3])
        if op in _REPEATS:
            low, _high, inner = av
            head = _first(inner)
            if head is None:
                return None
            if low >= 1:
                return head
            rest = _first(items[k + 1:])
            return None if rest is None else head | rest
        return None
    return None  # it may match the empty string


def starts_known(pattern: str) -> bool:
    """Whether what ``pattern``'s matches start with is known and narrower than all of CJK."""
    first = _first(sre_parse.parse(pattern))
    if not first:
        return False
    return not any("-" in part and ord(part[-1]) - ord(part[0]) > WIDE for part in first)


def guarded(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled behind a lookahead on what its matches can start with, so the
    engine passes over every other position at once instead of trying each alternative there."""
    first = _first(sre_parse.parse(pattern))
    if not first:
        return re.compile(pattern)
    return re.compile("(?=[" + "".join(sorted(first)) + f"])(?:{pattern})")
