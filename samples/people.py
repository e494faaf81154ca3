"""The people of a run: persons, their households, ID numbers and phones.

Persons are stored column by column (a million leads make a few hundred thousand
persons). A household is a family in one home (``Places``); its members share the
family landline, which is what lets one phone number turn up for relatives in
different cases. ID numbers (GB 11643, unique, with the right sex digit and check
character) and phone numbers are drawn vectorized once every case is built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from samples.chance import Dice, Weighted
from samples.names import SURNAMES, given_name, recorded_name
from samples.places import Places

_LATEST_BIRTH = 2005  # every person is an adult
_ORDINAL_1970 = date(1970, 1, 1).toordinal()

# Where people born outside the district come from (ID number regions).
_OTHER_REGIONS = Weighted([
    ("110105", 3), ("110108", 3), ("110106", 2), ("110115", 1), ("110113", 1), ("110111", 1),
    ("130102", 2), ("130602", 1), ("131082", 2), ("130725", 1), ("370102", 1), ("371302", 1),
    ("410102", 2), ("411302", 1), ("412723", 1), ("340102", 1), ("341222", 1), ("510106", 1),
    ("230102", 1), ("220102", 1), ("120101", 1), ("140105", 1), ("150102", 1), ("210102", 1),
])
_MOBILE_PREFIXES = np.array([
    130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    166, 173, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198, 199,
])

_GB_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    return _GB_CHECK[sum(int(c) * w for c, w in zip(first17, _GB_WEIGHTS, strict=True)) % 11]


class People:
    """Persons (``p_*`` columns, index = person) and households (``h_*``, index = home)."""

    def __init__(self, dice: Dice, places: Places) -> None:
        self.dice = dice
        self.places = places
        self.p_sur: list[str] = []
        self.p_giv: list[str] = []
        self.p_sex: list[int] = []  # 1 male, 0 female
        self.p_birth: list[int] = []  # date ordinal
        self.p_region: list[str] = []  # the ID number's region code
        self.p_hh: list[int] = []
        self.h_members: list[list[int]] = []
        self.h_landline: list[bool] = []

    def household(self, vi: int, near: int | None = None, upstairs: bool = False) -> int:
        """A new household in village ``vi``, optionally next to (or above) ``near``."""
        hh = self.places.new_home(vi, near, upstairs)
        self.h_members.append([])
        self.h_landline.append(self.dice.rng.random() < (
            0.45 if self.places.villages[vi].is_village else 0.25))
        return hh

    def person(self, hh: int, sex: int, by0: int, by1: int, surname: str | None = None,
               local: float = 0.85) -> int:
        """A new person living in household ``hh``, born between ``by0`` and ``by1``.

        ``local``: the chance the ID number carries the home district's region code.
        """
        dice = self.dice
        rng = dice.rng
        lo, hi = min(by0, by1, _LATEST_BIRTH), min(max(by0, by1), _LATEST_BIRTH)
        year = dice.ri(lo, hi)
        given = given_name(sex, year, dice)
        sur = surname or SURNAMES.pick(rng)
        region = (self.places.village_of(hh).district_code if rng.random() < local
                  else _OTHER_REGIONS.pick(rng))
        birth = date(year, 1, 1).toordinal() + dice.rr(365)
        self.p_sur.append(sur)
        self.p_giv.append(given)
        self.p_sex.append(sex)
        self.p_birth.append(birth)
        self.p_region.append(region)
        self.p_hh.append(hh)
        pid = len(self.p_sur) - 1
        self.h_members[hh].append(pid)
        return pid

    def name(self, pid: int) -> str:
        return self.p_sur[pid] + self.p_giv[pid]

    def byear(self, pid: int) -> int:
        return date.fromordinal(self.p_birth[pid]).year

    def village(self, pid: int) -> int:
        """The village the person lives in."""
        return self.places.h_village[self.p_hh[pid]]

    def sibling_word(self, me: int, other: int) -> str:
        """What ``me`` calls sibling ``other``: 哥哥/弟弟/姐姐/妹妹."""
        older = self.p_birth[other] < self.p_birth[me]
        if self.p_sex[other]:
            return "哥哥" if older else "弟弟"
        return "姐姐" if older else "妹妹"

    def recorded_name(self, pid: int, src: int, second: int | None) -> str | None:
        """The reporter's name as agency ``src`` recorded it; ``second``: a co-petitioner."""
        return recorded_name(self.p_sur[pid], self.p_giv[pid], bool(self.p_sex[pid]), src,
                             None if second is None else self.name(second), self.dice.rng)

    # ------------------------------------------------------------ numbers, at the end

    def birth_dates(self) -> np.ndarray:
        """Birth dates as ``datetime64[D]``, by person."""
        return (np.asarray(self.p_birth, dtype=np.int64) - _ORDINAL_1970).astype("datetime64[D]")

    def id_numbers(self, npr: np.random.Generator) -> list[str]:
        """Valid 18-digit ID numbers, two people never sharing one."""
        n_p = len(self.p_sur)
        sex = np.asarray(self.p_sex, dtype=np.int64)
        bser = pd.Series(self.birth_dates())
        ymd = (bser.dt.year * 10000 + bser.dt.month * 100 + bser.dt.day).to_numpy()
        seq = npr.integers(0, 500, n_p) * 2 + sex  # odd sequence digit = male
        s17 = [f"{r}{b}{q:03d}" for r, b, q in zip(self.p_region, ymd.tolist(), seq.tolist(),
                                                    strict=True)]
        for _ in range(50):  # two people never share an ID number: redraw the sequence
            dup = np.flatnonzero(pd.Series(s17).duplicated().to_numpy())
            if not len(dup):
                break
            redraw = npr.integers(0, 500, len(dup)) * 2 + sex[dup]
            for i, q in zip(dup.tolist(), redraw.tolist(), strict=True):
                s17[i] = f"{s17[i][:14]}{q:03d}"
        if not n_p:
            return []
        digits = np.frombuffer("".join(s17).encode("ascii"), dtype=np.uint8).reshape(-1, 17)
        chk = ((digits.astype(np.int64) - 48) @ np.asarray(_GB_WEIGHTS)) % 11
        return [s + _GB_CHECK[k] for s, k in zip(s17, chk.tolist(), strict=True)]

    def mobiles(self, npr: np.random.Generator) -> list[str]:
        """One distinct mobile number per person."""
        prefixes = _MOBILE_PREFIXES
        mobiles = _unique_numbers(
            len(self.p_sur),
            lambda k: npr.choice(prefixes, k) * 100_000_000 + npr.integers(0, 100_000_000, k))
        return [str(x) for x in mobiles.tolist()]

    def landlines(self, npr: np.random.Generator) -> list[str | None]:
        """The family landline per household (``None`` for households without one)."""
        lines = _unique_numbers(
            len(self.h_landline), lambda k: npr.choice(np.array([6, 8]), k) * 10_000_000
            + npr.integers(0, 10_000_000, k))
        return [f"010-{x}" if has else None
                for x, has in zip(lines.tolist(), self.h_landline, strict=True)]


def _unique_numbers(n: int, make: Callable[[int], np.ndarray]) -> np.ndarray:
    """``n`` distinct numbers drawn by ``make(k)``, in draw order (deterministic)."""
    out = np.empty(0, dtype=np.int64)
    while len(out) < n:
        cand = np.asarray(make(int((n - len(out)) * 1.05) + 16), dtype=np.int64)
        out = pd.unique(np.concatenate([out, cand]))
    return np.asarray(out[:n])
