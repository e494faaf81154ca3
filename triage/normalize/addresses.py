"""Resolve messy agency addresses to gazetteer units, down to village/community (村/社区).

Agencies write the same place many ways (``北京市昌平区北七家镇东三旗村12号``,
``昌平区北七家东三旗村委会``, ``北七家镇东三旗``, ``东三旗村北街12号院``), and
village names repeat across towns (北小营村 is in 台湖镇 and in 马池口地区). The
resolver scans the text once for every known name (official names, everyday
short names, aliases from ``units.csv`` and a deployment's ``aliases.csv``),
keeps the longest names (so 北七家镇 is never read as the village alias 北七家),
reads district and town first and only accepts a village of the town found in the
text. A name shared by several towns resolves only with a district, a town or a
``hint_town``; otherwise the result stops at the level all candidates share.
Fuzzy matching (one edit, names of four characters or more) is a last resort.

Pure: the caller reads the CSV files and passes the rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType

from rapidfuzz.distance import Levenshtein

__all__ = ["AddressMatch", "Gazetteer", "Unit", "normalize_address"]

LEVELS: tuple[str, ...] = ("district", "town", "village")

# Beijing's districts: an address naming one the gazetteer does not hold (and none
# it holds) is outside the deployment, and must not resolve through a look-alike
# community name.
BEIJING_DISTRICTS: tuple[str, ...] = (
    "东城区", "西城区", "朝阳区", "丰台区", "石景山区", "海淀区", "门头沟区", "房山区",
    "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区",
)

# Aliases this short are too common inside other words (岭上, 口子, 大地): they
# name a village only when the village's town is in the text or is the hint.
_WEAK_ALIAS_LEN = 2
# Shorter names are never indexed at all (a one-character name matches anything).
_MIN_NAME_LEN = 2
# Fuzzy matching only for village names (without 村/社区 suffix) this long or longer.
_FUZZY_MIN_LEN = 4
_SUFFIXES: tuple[str, ...] = ("社区居委会", "村委会", "居委会", "社区", "小区", "村")
_FUZZY_SEGMENT_RE = re.compile(r"[\u3400-\u9fffA-Z]{3,}")
_WS_RE = re.compile(r"\s+")


def normalize_address(text: str) -> str:
    """Fold an address for matching: NFKC (full-width → ASCII), upper case, no whitespace."""
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text)).upper()


@dataclass(frozen=True)
class Unit:
    """One administrative unit (district, town/street, village/community) of the gazetteer."""

    code: str
    parent_code: str
    level: str  # "district" | "town" | "village"
    name: str  # official name, e.g. 东三旗村委会
    short_name: str  # everyday name, e.g. 东三旗村 / 广安门外街道
    district: str  # district name (the unit's own for a district)
    district_code: str
    town: str | None  # town short_name; None for a district
    town_code: str | None
    rural: bool | None  # villages only
    aliases: tuple[str, ...]  # units.csv aliases plus the deployment's aliases


@dataclass(frozen=True)
class AddressMatch:
    """Where an address resolved to, and how."""

    district: str | None
    town: str | None
    town_code: str | None
    village: str | None  # short_name e.g. 东三旗村 / 定海园二里社区
    village_code: str | None
    level: str  # "village" | "town" | "district" | "none"
    method: str  # "exact" | "alias" | "fuzzy" | "none"


NO_MATCH = AddressMatch(None, None, None, None, None, "none", "none")


@dataclass(frozen=True, slots=True)
class _Name:
    """One unit a name points to; method "exact" for its name/short_name, else "alias"."""

    unit: Unit
    method: str


@dataclass(frozen=True, slots=True)
class _Hits:
    """Everything one name string points to, split by level (precomputed per name)."""

    districts: tuple[_Name, ...]
    towns: tuple[_Name, ...]
    villages: tuple[_Name, ...]


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    hits: _Hits


def _core(name: str) -> str:
    """A village name without its 村/社区/小区/村委会/居委会 suffix (the part typos hit)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _match_for(unit: Unit, method: str) -> AddressMatch:
    if unit.level == "village":
        return AddressMatch(unit.district, unit.town, unit.town_code, unit.short_name, unit.code,
                            "village", method)
    if unit.level == "town":
        return AddressMatch(unit.district, unit.short_name, unit.code, None, None, "town", method)
    return AddressMatch(unit.district, None, None, None, None, "district", method)


class Gazetteer:
    """Administrative units with a name index built once; ``resolve`` is cached."""

    def __init__(self, units: Mapping[str, Unit], cache_size: int = 1 << 17) -> None:
        """Index ``units`` (code → Unit); prefer ``from_rows``."""
        self._units: dict[str, Unit] = dict(units)
        children: dict[str, list[Unit]] = defaultdict(list)
        for unit in self._units.values():
            children[unit.parent_code].append(unit)
        self._children = {k: sorted(v, key=lambda u: u.code) for k, v in children.items()}
        self._build_index()
        self._build_fuzzy()
        known = {u.name for u in self._units.values() if u.level == "district"}
        foreign = [d for d in BEIJING_DISTRICTS if d not in known]
        self._foreign_re = re.compile("|".join(foreign)) if foreign else None
        self._cache_size = cache_size
        self._new_caches()

    def _new_caches(self) -> None:
        self._hint_cache: dict[str, Unit | None] = {}
        self._cached: Callable[[str, str | None], AddressMatch] = lru_cache(
            maxsize=self._cache_size)(self._resolve_uncached)

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the caches (a cached bound method does not pickle)."""
        state = dict(self.__dict__)
        del state["_cached"], state["_hint_cache"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._new_caches()

    # ------------------------------------------------------------------ building
    @classmethod
    def from_rows(
        cls,
        units: Iterable[Mapping[str, str]],
        aliases: Iterable[Mapping[str, str]] = (),
        *,
        cache_size: int = 1 << 17,
    ) -> Gazetteer:
        """Build from ``units.csv`` rows (plus a deployment's own units) and ``code,alias`` rows.

        Raises ``ValueError`` naming the row for a missing field, an unknown level, a
        duplicate code, a parent that is missing or of the wrong level, or an alias
        for an unknown code.
        """
        raw: dict[str, Mapping[str, str]] = {}
        for n, row in enumerate(units, start=1):
            code = (row.get("code") or "").strip()
            level = (row.get("level") or "").strip()
            name = (row.get("name") or "").strip()
            if not code or not name:
                raise ValueError(f"units row {n}: code and name are required ({dict(row)})")
            if level not in LEVELS:
                raise ValueError(f"units row {n} ({code} {name}): unknown level {level!r}")
            if code in raw:
                raise ValueError(f"units row {n}: duplicate code {code} ({name})")
            raw[code] = row
        extra: dict[str, list[str]] = defaultdict(list)
        for n, row in enumerate(aliases, start=1):
            code = (row.get("code") or "").strip()
            alias = (row.get("alias") or "").strip()
            if not code and not alias:
                continue
            if code not in raw:
                raise ValueError(f"aliases row {n}: unknown code {code!r} (alias {alias!r})")
            if alias:
                extra[code].append(alias)

        def field(code: str, key: str) -> str:
            return (raw[code].get(key) or "").strip()

        def parent_of(code: str, level: str) -> str:
            parent = field(code, "parent_code")
            if parent not in raw or field(parent, "level") != level:
                raise ValueError(f"unit {code} ({field(code, 'name')}): parent {parent!r} "
                                 f"is not a known {level}")
            return parent

        built: dict[str, Unit] = {}
        for code in raw:
            level = field(code, "level")
            name = field(code, "name")
            short = field(code, "short_name") or name
            if level == "district":
                district_code, town_code = code, None
            elif level == "town":
                district_code, town_code = parent_of(code, "district"), code
            else:
                town_code = parent_of(code, "town")
                district_code = parent_of(town_code, "district")
            names = [a.strip() for a in field(code, "aliases").split("|")] + extra.get(code, [])
            rural = field(code, "rural")
            built[code] = Unit(
                code=code,
                parent_code=field(code, "parent_code"),
                level=level,
                name=name,
                short_name=short,
                district=field(district_code, "name"),
                district_code=district_code,
                town=(field(town_code, "short_name") or field(town_code, "name"))
                if town_code else None,
                town_code=town_code,
                rural=(rural == "1") if level == "village" and rural else None,
                aliases=tuple(dict.fromkeys(a for a in names if a and a not in (name, short))),
            )
        return cls(built, cache_size=cache_size)

    def _build_index(self) -> None:
        """Map every normalized name to the units it names, and first char → name lengths."""
        by_name: dict[str, dict[str, _Name]] = defaultdict(dict)
        for unit in self._units.values():
            forms = [(unit.name, "exact"), (unit.short_name, "exact")]
            forms += [(a, "alias") for a in unit.aliases]
            for form, method in forms:
                key = normalize_address(form)
                if len(key) < _MIN_NAME_LEN:
                    continue
                seen = by_name[key].get(unit.code)
                if seen is None or (seen.method == "alias" and method == "exact"):
                    by_name[key][unit.code] = _Name(unit, method)
        self._index: dict[str, _Hits] = {}
        lengths: dict[str, set[int]] = defaultdict(set)
        for key, entries in by_name.items():
            names = sorted(entries.values(), key=lambda e: e.unit.code)
            self._index[key] = _Hits(
                districts=tuple(e for e in names if e.unit.level == "district"),
                towns=tuple(e for e in names if e.unit.level == "town"),
                villages=tuple(e for e in names if e.unit.level == "village"),
            )
            lengths[key[0]].add(len(key))
        self._lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}

    def _build_fuzzy(self) -> None:
        """Index long village names by bigram, for the one-edit fallback."""
        forms: dict[tuple[str, str], Unit] = {}
        for unit in self._units.values():
            if unit.level != "village":
                continue
            for form in (unit.short_name, *unit.aliases):
                core = _core(normalize_address(form))
                if len(core) >= _FUZZY_MIN_LEN and not core.isascii():
                    forms[(core, unit.code)] = unit
        self._fuzzy_forms: list[tuple[str, Unit]] = [(c, u) for (c, _), u in forms.items()]
        bigrams: dict[str, list[int]] = defaultdict(list)
        for i, (core, _) in enumerate(self._fuzzy_forms):
            for bg in {core[j: j + 2] for j in range(len(core) - 1)}:
                bigrams[bg].append(i)
        self._fuzzy_bigrams = dict(bigrams)

    # ---------------------------------------------------------------- accessors
    @property
    def units(self) -> Mapping[str, Unit]:
        """All units by code (read-only)."""
        return MappingProxyType(self._units)

    def villages_of_town(self, town_code: str) -> list[Unit]:
        """The villages/communities of a town, by code; empty for an unknown town."""
        return [u for u in self._children.get(town_code, ()) if u.level == "village"]

    def towns_of_district(self, district_code: str) -> list[Unit]:
        """The towns/streets of a district, by code."""
        return [u for u in self._children.get(district_code, ()) if u.level == "town"]

    def find_town(self, name_or_code: str) -> Unit | None:
        """The town with this code, name, short name or alias; None if unknown or ambiguous."""
        if name_or_code in self._hint_cache:
            return self._hint_cache[name_or_code]
        key = name_or_code.strip()
        unit = self._units.get(key)
        if unit is None or unit.level != "town":
            hits = self._index.get(normalize_address(key))
            towns = {e.unit.code: e.unit for e in hits.towns} if hits else {}
            unit = next(iter(towns.values())) if len(towns) == 1 else None
        if len(self._hint_cache) < 4096:
            self._hint_cache[name_or_code] = unit
        return unit

    def cache_info(self) -> str:
        """Hit/miss statistics of the resolve cache (for benchmarks and logs)."""
        return str(getattr(self._cached, "cache_info", lambda: "")())

    # --------------------------------------------------------------- resolving
    def resolve(self, address: str | None, hint_town: str | None = None) -> AddressMatch:
        """Resolve an address to the most specific unit it identifies without guessing.

        ``hint_town`` (a town code or name, e.g. the exporting office's town) only
        breaks ties between same-named villages and admits two-character aliases;
        a town written in the address wins over it.
        """
        if not address:
            return NO_MATCH
        return self._cached(address, hint_town)

    def _scan(self, text: str) -> tuple[list[_Span], list[_Span]]:
        """Known names in the text, as the non-overlapping reading that covers most of it.

        Among readings covering as many characters, fewer (so longer) names win: 北七家镇
        beats 北七家 + 镇, and 十三陵 + 胡庄村 beats 十三陵胡庄 + 村. Returns the reading
        and every name found (for the fallback to names inside a rejected one).
        """
        index, lengths = self._index, self._lengths
        n = len(text)
        found: list[_Span] = []
        for i, ch in enumerate(text):
            lens = lengths.get(ch)
            if lens is None:
                continue
            for length in lens:
                end = i + length
                if end <= n:
                    hits = index.get(text[i:end])
                    if hits is not None:
                        found.append(_Span(i, end, hits))
        # Fast path: drop names inside a longer one; if what is left does not overlap,
        # it already covers every matched character with the fewest names.
        outer: list[_Span] = []
        max_end = 0
        for span in found:
            if span.end > max_end:
                outer.append(span)
                max_end = span.end
        if all(a.end <= b.start for a, b in pairwise(outer)):
            return outer, found
        # Right-to-left dynamic programme over match starts: best (covered, -names) from i on.
        by_start: dict[int, list[_Span]] = defaultdict(list)
        for span in found:
            by_start[span.start].append(span)
        best: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        pick: list[_Span | None] = [None] * (n + 1)
        for i in range(n - 1, -1, -1):
            best[i] = best[i + 1]
            for span in by_start.get(i, ()):
                covered, names = best[span.end]
                score = (covered + span.end - span.start, names - 1)
                if score > best[i] or (score == best[i] and pick[i] is None):
                    best[i], pick[i] = score, span
        spans: list[_Span] = []
        i = 0
        while i < n:
            chosen = pick[i]
            if chosen is None:
                i += 1
            else:
                spans.append(chosen)
                i = chosen.end
        return spans, found

    def _resolve_uncached(self, address: str, hint_town: str | None) -> AddressMatch:
        text = normalize_address(address)
        if not text:
            return NO_MATCH
        spans, found = self._scan(text)
        hint = self.find_town(hint_town) if hint_town else None

        districts: dict[str, _Name] = {}
        for span in spans:
            for e in span.hits.districts:
                districts.setdefault(e.unit.code, e)
        if not districts and self._foreign_re is not None and self._foreign_re.search(text):
            return NO_MATCH

        # Left to right: a name that is both a town alias and a village alias
        # (北七家, 台湖) is the village once a town containing it has been read,
        # else the town.
        towns: dict[str, _Name] = {}
        villages: list[tuple[_Span, _Name]] = []
        for span in spans:
            hits = span.hits
            in_district = [e for e in hits.towns
                           if not districts or e.unit.district_code in districts]
            if hits.villages:
                inside = [e for e in hits.villages if e.unit.town_code in towns]
                if towns and inside:
                    villages.extend((span, e) for e in inside)
                elif in_district:
                    for e in in_district:
                        towns.setdefault(e.unit.code, e)
                else:
                    villages.extend((span, e) for e in hits.villages)
            elif hits.towns:
                for e in in_district or hits.towns:
                    towns.setdefault(e.unit.code, e)

        hint_code = hint.code if hint is not None else None

        def admissible(span: _Span, e: _Name) -> bool:
            unit = e.unit
            if towns:
                if unit.town_code not in towns:
                    return False
            elif districts and unit.district_code not in districts:
                return False
            if e.method == "alias" and span.end - span.start <= _WEAK_ALIAS_LEN:
                return unit.town_code in towns or unit.town_code == hint_code
            return True

        candidates = [(s, e) for s, e in villages if admissible(s, e)]
        if not candidates and villages:
            # The longest name is a village of another town (乔庄北街 in 乔庄北街12号院 of
            # 永顺): a village of the right town may be named inside it (乔庄).
            rejected = [s for s, _ in villages]
            candidates = [
                (s, e) for s in found if s not in rejected
                and any(r.start <= s.start and s.end <= r.end for r in rejected)
                for e in s.hits.villages if admissible(s, e)
            ]
        if candidates:
            best = max(candidates, key=lambda c: (c[0].end - c[0].start, -c[0].start))[0]
            chosen = self._choose([e for s, e in candidates if s is best], hint_code)
            if len(chosen) == 1:
                return _match_for(chosen[0].unit, chosen[0].method)
            return self._common_level([e.unit for e in chosen], chosen[0].method,
                                      towns, districts)

        fuzzy = self._fuzzy(text, spans, towns, districts, hint_code)
        if fuzzy is not None:
            return _match_for(fuzzy, "fuzzy")
        if towns:
            if len(towns) == 1:
                e = next(iter(towns.values()))
                return _match_for(e.unit, e.method)
            if hint_code in towns:
                return _match_for(towns[hint_code].unit, towns[hint_code].method)
            dcodes = {e.unit.district_code for e in towns.values()}
            if len(dcodes) == 1:
                method = next(iter(towns.values())).method
                return _match_for(self._units[dcodes.pop()], method)
            return NO_MATCH
        if len(districts) == 1:
            e = next(iter(districts.values()))
            return _match_for(e.unit, e.method)
        return NO_MATCH

    @staticmethod
    def _choose(entries: list[_Name], hint_code: str | None) -> list[_Name]:
        """Narrow same-name candidates: hint town first, then official name over alias."""
        if len(entries) > 1 and hint_code is not None:
            hinted = [e for e in entries if e.unit.town_code == hint_code]
            entries = hinted or entries
        if len(entries) > 1 and len({e.unit.town_code for e in entries}) == 1:
            exact = [e for e in entries if e.method == "exact"]
            entries = exact or entries
        return entries

    def _common_level(self, units: list[Unit], method: str, towns: Mapping[str, _Name],
                      districts: Mapping[str, _Name]) -> AddressMatch:
        """The most specific level that all the ambiguous candidates share."""
        tcodes = {u.town_code for u in units}
        if len(tcodes) == 1:
            code = tcodes.pop()
            assert code is not None
            return _match_for(self._units[code], towns[code].method if code in towns else method)
        dcodes = {u.district_code for u in units}
        if len(dcodes) == 1:
            code = dcodes.pop()
            return _match_for(self._units[code],
                              districts[code].method if code in districts else method)
        return NO_MATCH

    def _fuzzy(self, text: str, spans: list[_Span], towns: Mapping[str, _Name],
               districts: Mapping[str, _Name], hint_code: str | None) -> Unit | None:
        """A village whose long name is one edit away from a stretch of unmatched text.

        Only names of four characters or more (without suffix), only within the
        town/district of the text, and only when exactly one village fits (the hint's
        town is preferred when the text names no town).
        """
        if not self._fuzzy_forms:
            return None
        chars = list(text)
        for span in spans:
            chars[span.start: span.end] = "|" * (span.end - span.start)
        segments = _FUZZY_SEGMENT_RE.findall("".join(chars))
        if not segments:
            return None
        shared: dict[int, int] = defaultdict(int)
        for seg in segments:
            for bg in {seg[j: j + 2] for j in range(len(seg) - 1)}:
                for i in self._fuzzy_bigrams.get(bg, ()):
                    shared[i] += 1
        found: dict[str, Unit] = {}
        for i, count in shared.items():
            core, unit = self._fuzzy_forms[i]
            size = len(core)
            if count < size - 3 or unit.code in found:
                continue
            if towns:
                if unit.town_code not in towns:
                    continue
            elif districts and unit.district_code not in districts:
                continue
            if any(
                Levenshtein.distance(core, seg[s: s + width], score_cutoff=1) <= 1
                for seg in segments
                for width in (size - 1, size, size + 1)
                for s in range(len(seg) - width + 1)
            ):
                found[unit.code] = unit
        if len(found) > 1 and not towns and hint_code is not None:
            hinted = [u for u in found.values() if u.town_code == hint_code]
            if hinted:
                found = {u.code: u for u in hinted}
        return next(iter(found.values())) if len(found) == 1 else None
