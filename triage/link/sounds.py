"""近音: a name as a clerk may have heard or copied it (``data/lexicons/names.toml``).

A 12345 operator types the name she hears, and a registrar copies a form he can
barely read: 刘敏 becomes 刘明 (-n/-ng), 宁 becomes 玲 (n/l), 沈 becomes 沉 (a
look-alike). Toneless pinyin already joins 王晓明 and 王小明; ``Sounds`` adds
the deployment's confusions, so two names that differ only by them share a key.
The key is a weaker agreement than the same sound (its own comparison level),
because it also joins different people: 张林 and 张玲.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from triage.link.features import syllables


@dataclass(frozen=True)
class Sounds:
    """Sound classes of pinyin (initials and finals merged) and look-alike characters."""

    initials: tuple[tuple[str, str], ...] = ()  # (heard, written as): ("zh", "z")
    finals: tuple[tuple[str, str], ...] = ()  # ("ing", "in")
    lookalike: Mapping[str, str] = field(default_factory=dict)  # character → its group's first
    surnames: Mapping[str, str] = field(default_factory=dict)  # 曾 → zeng (not ceng)
    fingerprint: str = ""  # changes when the lexicon does: kept features are then stale

    @classmethod
    def of(cls, initials: Sequence[Sequence[str]] = (), finals: Sequence[Sequence[str]] = (),
           lookalike: Sequence[str] = (), surnames: Mapping[str, str] | None = None) -> Sounds:
        """From the lexicon's lists; longer initials and finals are tried first (zh before z)."""
        ini = tuple(sorted(((a, b) for a, b in initials), key=lambda p: -len(p[0])))
        fin = tuple(sorted(((a, b) for a, b in finals), key=lambda p: -len(p[0])))
        look = {c: group[0] for group in lookalike for c in group}
        sur = dict(surnames or {})
        spec = repr((ini, fin, sorted(look.items()), sorted(sur.items())))
        return cls(ini, fin, look, sur, blake2b(spec.encode(), digest_size=8).hexdigest())

    def __bool__(self) -> bool:
        return bool(self.initials or self.finals or self.lookalike or self.surnames)

    def key(self, name: str) -> str:
        """The name's near-sound key: 刘敏 and 刘明, 沈丽 and 沉丽 share one."""
        return _key(self, name)

    def syllable(self, syl: str) -> str:
        """One syllable in its sound class: zhang → zan with zh=z and ang=an."""
        for heard, written in self.initials:
            if syl.startswith(heard) and len(syl) > len(heard):
                syl = written + syl[len(heard):]
                break
        for heard, written in self.finals:
            if syl.endswith(heard):
                syl = syl[: len(syl) - len(heard)] + written
                break
        return syl

    def __hash__(self) -> int:
        return hash(self.fingerprint)


@lru_cache(maxsize=1 << 18)
def _key(sounds: Sounds, name: str) -> str:
    if not name:
        return ""
    first = sounds.surnames.get(name[0])
    plain = "".join(sounds.lookalike.get(c, c) for c in (name[1:] if first else name))
    said = ((first,) if first else ()) + syllables(plain)
    return "".join(sounds.syllable(s) for s in said)


EXACT = Sounds()  # no confusions: the near-sound key is not computed


_LETTERS = r"^[a-z]+$"


class LookalikeGroups(BaseModel):
    """``[lookalike]``: groups of characters copied for one another, each read as one."""

    model_config = ConfigDict(extra="forbid")

    groups: list[Annotated[str, Field(pattern=r"^[\u4e00-\u9fff]{2,}$")]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disjoint(self) -> LookalikeGroups:
        seen: dict[str, str] = {}
        for group in self.groups:
            for c in group:
                if c in seen and seen[c] != group:
                    raise ValueError(f"字符 {c} 同时出现在形近字组 {seen[c]} 和 {group} 中")
                seen[c] = group
        return self


class NameLexicon(BaseModel):
    """``data/lexicons/names.toml``, validated: the confusions of ``Sounds``."""

    model_config = ConfigDict(extra="forbid")

    initials: list[tuple[Annotated[str, Field(pattern=_LETTERS)],
                         Annotated[str, Field(pattern=_LETTERS)]]] = Field(default_factory=list)
    finals: list[tuple[Annotated[str, Field(pattern=_LETTERS)],
                       Annotated[str, Field(pattern=_LETTERS)]]] = Field(default_factory=list)
    surnames: dict[Annotated[str, Field(pattern=r"^[\u4e00-\u9fff]$")],
                   Annotated[str, Field(pattern=_LETTERS)]] = Field(default_factory=dict)
    lookalike: LookalikeGroups = Field(default_factory=LookalikeGroups)

    def sounds(self) -> Sounds:
        return Sounds.of(self.initials, self.finals, self.lookalike.groups, self.surnames)
