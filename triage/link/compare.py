"""Compare candidate pairs field by field into comparison levels (γ).

Levels are small integers, higher meaning stronger agreement; -1 means the
field says nothing: missing on one side, a masked name that can only agree,
different surnames within one household (party), or another place when one
lead is a report made for a relative (place, 代述). The model turns each level
into a weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from triage.link.encode import Encoded


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # Chinese, for evidence a coordinator reads
    levels: tuple[str, ...]  # label of each level, from 0 up
    # Levels ordered by agreement, so a weight may never fall as agreement rises; from
    # ``agree_from`` on, the levels are agreement and never weigh less than not knowing.
    ordered: bool = True
    agree_from: int | None = None


FIELDS: tuple[Field, ...] = (
    Field("phone", "电话", ("不同", "脱敏号码相符", "号码相同"), agree_from=1),
    Field("id_number", "身份证号", ("不同", "脱敏号码相符", "号码相同"), agree_from=1),
    Field("party", "当事人", ("不同", "不同姓且均未提及他人", "同姓但对方不同", "一人同姓", "指认对方但所指不一",
                               "互为对方同姓", "双方同姓", "提及对方姓名", "提及对方全名", "同名同音",
                               "近音同名"),
          ordered=False),
    Field("place", "地点", ("不同镇街", "同镇街", "同村/社区"), agree_from=2),
    Field("house", "门牌/楼号", ("不同", "相邻", "相同"), agree_from=2),
    Field("dispute_type", "纠纷类型", ("不同", "相同"), agree_from=1),
    Field("subject", "纠纷事由", ("不同", "部分相同", "相同"), agree_from=1),
    Field("time", "时间间隔", ("45天以上", "15-45天", "3-14天", "3天内")),
    Field("amount", "金额", ("不同", "相同"), agree_from=1),
)
FIELD_INDEX = {f.name: i for i, f in enumerate(FIELDS)}


NEAR_SUMS = 1.3  # two sums this close (the larger over the smaller) may be one debt told twice: 12万 and 10万


@numba.njit(cache=True, nogil=True)
def _near(ao: np.ndarray, av: np.ndarray, num: np.ndarray, i: int, j: int) -> bool:
    """Whether some sum of one lead and some sum of the other are within ``NEAR_SUMS``."""
    for x in range(ao[i], ao[i + 1]):
        a = num[av[x]] if av[x] < len(num) else 0.0
        if a <= 0:
            continue
        for y in range(ao[j], ao[j + 1]):
            b = num[av[y]] if av[y] < len(num) else 0.0
            if b > 0 and max(a, b) <= NEAR_SUMS * min(a, b):
                return True
    return False


@numba.njit(cache=True, nogil=True)
def _overlap(ao: np.ndarray, av: np.ndarray, i: int, j: int) -> tuple[int, int]:
    """Size of the intersection of two sorted runs, and its smallest shared value."""
    x, xe, y, ye = ao[i], ao[i + 1], ao[j], ao[j + 1]
    n, first = 0, 0
    while x < xe and y < ye:
        if av[x] == av[y]:
            if n == 0:
                first = av[x]
            n += 1
            x += 1
            y += 1
        elif av[x] < av[y]:
            x += 1
        else:
            y += 1
    return n, first


@numba.njit(cache=True, nogil=True)
def _shared_across(ao: np.ndarray, av: np.ndarray, bo: np.ndarray, bv: np.ndarray, i: int,
                   j: int) -> bool:
    """Whether a value of ``i``'s run in ``a`` is in ``j``'s run in ``b``."""
    for x in range(ao[i], ao[i + 1]):  # noqa: SIM110 (numba compiles loops, not generators)
        if _contains(bo, bv, j, av[x]):
            return True
    return False


@numba.njit(cache=True, nogil=True)
def _rarest_shared(ao: np.ndarray, av: np.ndarray, freq: np.ndarray, i: int, j: int) -> int:
    """The value two sorted runs share that is rarest by ``freq`` (0 if none); runs are a
    lead's few surnames, so each of ``i``'s is looked up in ``j``'s."""
    best, low = 0, 2.0
    for x in range(ao[i], ao[i + 1]):
        v = av[x]
        f = freq[v] if v < len(freq) else 0.0
        if f < low and _contains(ao, av, j, v):
            best, low = v, f
    return best


@numba.njit(cache=True, nogil=True)
def _names_another(nf_o: np.ndarray, nf_v: np.ndarray, npy: int, cd_o: np.ndarray,
                   cd_v: np.ndarray, rsur: np.ndarray, name_py: np.ndarray, i: int, j: int) -> bool:
    """Whether ``i`` names in full someone of a surname ``j`` names by another full name:
    张明刚 where ``j``'s reporter is 张萱欣, or where ``j`` names 张萱欣."""
    for x in range(nf_o[i], nf_o[i + 1]):
        s = nf_v[x] // npy
        if (rsur[j] == s and name_py[j] > 0 and name_py[j] != nf_v[x] % npy
                and not _contains(cd_o, cd_v, i, name_py[j])):
            return True
        same_surname, same_name = False, False
        for y in range(nf_o[j], nf_o[j + 1]):
            if nf_v[y] // npy == s:
                same_surname = True
                same_name = same_name or nf_v[y] == nf_v[x]
        if same_surname and not same_name:
            return True
    return False


@numba.njit(cache=True, nogil=True)
def _contains(ao: np.ndarray, av: np.ndarray, i: int, value: int) -> bool:
    lo, hi = ao[i], ao[i + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if av[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo < ao[i + 1] and av[lo] == value


@numba.njit(cache=True, nogil=True)
def _shared_weight(ao: np.ndarray, av: np.ndarray, w: np.ndarray, i: int, j: int) -> float:
    x, xe, y, ye = ao[i], ao[i + 1], ao[j], ao[j + 1]
    total = 0.0
    while x < xe and y < ye:
        if av[x] == av[y]:
            total += w[av[x]]
            x += 1
            y += 1
        elif av[x] < av[y]:
            x += 1
        else:
            y += 1
    return total


@numba.njit(cache=True, nogil=True)
def _next_door(a: int, b: int, rooms: bool) -> bool:
    """Two door or room numbers of neighbours: 24 and 26 on one street; ``rooms`` (in one
    building and unit) 1702 and 1703 on one floor, or 1702 and 1802 one above the other."""
    if rooms and a >= 100 and b >= 100:
        return ((a // 100 == b // 100 and abs(a % 100 - b % 100) <= 3)
                or (a % 100 == b % 100 and abs(a // 100 - b // 100) == 1))
    return abs(a - b) <= 2


@numba.njit(cache=True, nogil=True)
def _kernel(pa: np.ndarray, pb: np.ndarray, t: np.ndarray,
            ph_o: np.ndarray, ph_v: np.ndarray, sg_o: np.ndarray, sg_v: np.ndarray,
            ms_o: np.ndarray, ms_v: np.ndarray,
            id_full: np.ndarray, id_sig: np.ndarray, name: np.ndarray, name_py: np.ndarray,
            name_near: np.ndarray, name_hash: np.ndarray,
            cd_o: np.ndarray, cd_v: np.ndarray, fu_o: np.ndarray, fu_v: np.ndarray, nm_o: np.ndarray, nm_v: np.ndarray,
            rsur: np.ndarray, me_o: np.ndarray, me_v: np.ndarray, su_o: np.ndarray, su_v: np.ndarray,
            village: np.ndarray, town: np.ndarray, house: np.ndarray, h_block: np.ndarray,
            h_unit: np.ndarray, h_last: np.ndarray, street: np.ndarray, am_o: np.ndarray,
            am_v: np.ndarray, am_num: np.ndarray, dtype: np.ndarray,
            tk_o: np.ndarray, tk_v: np.ndarray, tk_w: np.ndarray, tk_total: np.ndarray,
            proxy: np.ndarray, sur_freq: np.ndarray, ne_o: np.ndarray, ne_v: np.ndarray,
            nf_o: np.ndarray, nf_v: np.ndarray, npy: int,
            tp_o: np.ndarray, tp_v: np.ndarray, crowd: np.ndarray, household: int,
            gamma: np.ndarray, shared: np.ndarray) -> None:
    for k in range(len(pa)):
        i, j = pa[k], pb[k]
        # phone: exact full number, masked-compatible, different, unknown
        if _overlap(ph_o, ph_v, i, j)[0] > 0:
            gamma[k, 0] = 2
        elif _shared_across(ms_o, ms_v, sg_o, sg_v, i, j) or _shared_across(ms_o, ms_v, sg_o, sg_v, j, i):
            gamma[k, 0] = 1  # a masked number fits the other's: two full numbers that merely share
            # their first three and last four digits are two numbers
        elif (ph_o[i + 1] > ph_o[i] or sg_o[i + 1] > sg_o[i]) and (
                ph_o[j + 1] > ph_o[j] or sg_o[j + 1] > sg_o[j]):
            gamma[k, 0] = 0
        # ID number
        if id_full[i] > 0 and id_full[j] > 0:
            gamma[k, 1] = 2 if id_full[i] == id_full[j] else 0
        elif id_sig[i] > 0 and id_sig[j] > 0:
            gamma[k, 1] = 1 if id_sig[i] == id_sig[j] else 0
        # parties: same reporter, one names the other, shared surnames
        ij = name_py[j] > 0 and _contains(cd_o, cd_v, i, name_py[j])
        ji = name_py[i] > 0 and _contains(cd_o, cd_v, j, name_py[i])
        both = _overlap(nm_o, nm_v, i, j)[0] > 0
        if name[i] > 0 and name[j] > 0 and (name[i] == name[j] or name_py[i] == name_py[j]):
            gamma[k, 2] = 9
        elif name_near[i] > 0 and name_near[i] == name_near[j]:
            gamma[k, 2] = 10  # 刘敏 and 刘明, 沈丽 and 沉丽: misheard or miscopied, or two people
        elif ij or ji or both:
            # in the very characters (刘铭晨), or only by sound (刘明晨: a 12345 operator's ear)
            exact = ((ij and _contains(fu_o, fu_v, i, name_hash[j]))
                     or (ji and _contains(fu_o, fu_v, j, name_hash[i]))
                     or (both and _overlap(ne_o, ne_v, i, j)[0] > 0))
            gamma[k, 2] = 8 if exact else 7
        elif su_o[i + 1] > su_o[i] and su_o[j + 1] > su_o[j]:
            n, first = _overlap(su_o, su_v, i, j)
            if n >= 2:
                gamma[k, 2] = 6
                shared[k] = _rarest_shared(su_o, su_v, sur_freq, i, j)  # 黄 and 徐: rarer than 王 and 李
            elif n == 0:
                # two reporters of different surnames: opposite sides who name nobody, or strangers
                quiet = me_o[i + 1] == me_o[i] and me_o[j + 1] == me_o[j]
                gamma[k, 2] = 1 if quiet else 0
            else:
                shared[k] = first
                ri, rj = rsur[i], rsur[j]
                if ri > 0 and _contains(me_o, me_v, j, ri):
                    # i's reporter is j's counterpart; does i name j's reporter back?
                    names_other = me_o[i + 1] > me_o[i] and rj > 0 and rj != ri
                    gamma[k, 2] = 4 if names_other else 5
                elif rj > 0 and _contains(me_o, me_v, i, rj):
                    names_other = me_o[j + 1] > me_o[j] and ri > 0 and ri != rj
                    gamma[k, 2] = 4 if names_other else 5
                elif (ri > 0 and ri == rj and me_o[i + 1] > me_o[i] and me_o[j + 1] > me_o[j]
                      and _overlap(me_o, me_v, i, j)[0] == 0):
                    gamma[k, 2] = 2  # same surname, but each names a different counterpart
                else:
                    gamma[k, 2] = 3
        if gamma[k, 2] in (3, 5, 6) and (
                _names_another(nf_o, nf_v, npy, cd_o, cd_v, rsur, name_py, i, j)
                or _names_another(nf_o, nf_v, npy, cd_o, cd_v, rsur, name_py, j, i)):
            gamma[k, 2] = 2  # 张明刚 and 张萱欣: the same surname, another person
        # place
        if village[i] > 0 and village[j] > 0:
            gamma[k, 3] = 2 if village[i] == village[j] else (1 if town[i] == town[j] else 0)
        elif town[i] > 0 and town[j] > 0:
            gamma[k, 3] = 1 if town[i] == town[j] else 0
        if (proxy[i] or proxy[j]) and gamma[k, 3] < 2:
            gamma[k, 3] = -1  # a relative reporting from elsewhere: the place says nothing
        # house number inside the same village: the same, next door (24号/26号, 1702/1802), or not
        if house[i] > 0 and house[j] > 0 and village[i] > 0 and village[i] == village[j]:
            if street[i] > 0 and street[j] > 0 and street[i] != street[j]:
                gamma[k, 4] = 0  # 西二条48号 and 新村路48号
            elif house[i] == house[j]:
                gamma[k, 4] = 2
            elif h_block[i] == h_block[j] and h_unit[i] >= 0 and h_unit[j] >= 0 and h_unit[i] != h_unit[j]:
                gamma[k, 4] = 0  # 10号楼1门104 and 10号楼2门104: two flats
            elif h_block[i] == h_block[j] and h_last[i] >= 0 and h_last[j] >= 0:
                # one flat written with its unit and once without (10号楼1门104, 10号楼104)
                gamma[k, 4] = 2 if h_last[i] == h_last[j] else (
                    1 if _next_door(h_last[i], h_last[j], h_block[i] != 0) else 0)
            elif h_block[i] == h_block[j] and h_block[i] != 0:
                pass  # 18号楼2单元 and 18号楼2单元1903: the room is not known on one side
            else:
                gamma[k, 4] = 0
        if gamma[k, 4] == 2 and 0 <= gamma[k, 2] <= 1 and (
                me_o[i + 1] == me_o[i] or me_o[j + 1] == me_o[j]) and max(
                crowd[i], crowd[j]) <= household:
            # one household: a wife and her husband's mother bear other surnames (unless each
            # names another person: 丈夫李某 and 丈夫白某); not a door more reporters give than
            # a household has (a factory's gate)
            gamma[k, 2] = -1
        # dispute type (其他 says nothing)
        if dtype[i] >= 0 and dtype[j] >= 0:
            gamma[k, 5] = 1 if dtype[i] == dtype[j] else 0
        # subject words, weighted by rarity
        if tk_total[i] > 0 and tk_total[j] > 0:
            sw = _shared_weight(tk_o, tk_v, tk_w, i, j)
            score = sw / min(tk_total[i], tk_total[j])
            # few shared words say nothing by themselves: one quarrel is told in other words
            # (家庭琐事 at the police, 酗酒 at the federation); only subjects the lexicon knows
            # on both sides can say the quarrels differ
            gamma[k, 6] = 2 if score >= 0.5 else (1 if score >= 0.2 else -1)
            if tp_o[i + 1] > tp_o[i] and tp_o[j + 1] > tp_o[j]:
                if _overlap(tp_o, tp_v, i, j)[0] == 0:
                    gamma[k, 6] = 0  # 空调外机 against 养狗扰民: other subjects, whatever words they share
                elif gamma[k, 6] <= 0:
                    gamma[k, 6] = 1  # one subject of the lexicon in other words: at least partly the same
        # sums of money: 12万元 against 12万元 is one sum; a creditor and a debtor quote
        # figures apart (12万 against 10万): near sums say nothing; far ones (12万 against 800元)
        # are other debts
        if am_o[i + 1] > am_o[i] and am_o[j + 1] > am_o[j]:
            if _overlap(am_o, am_v, i, j)[0] > 0:
                gamma[k, 8] = 1
            elif _near(am_o, am_v, am_num, i, j):
                gamma[k, 8] = -1
            else:
                gamma[k, 8] = 0
        # time apart
        dt = abs(t[i] - t[j])
        gamma[k, 7] = 3 if dt <= 3 else (2 if dt <= 14 else (1 if dt <= 45 else 0))


STEP = 4_000_000  # pairs per call of the kernel: bounded temporaries at any size


def compare_pairs(enc: Encoded, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The γ matrix (pairs × fields) and, per pair, the one surname shared (0 if none)."""
    n = len(pairs)
    gamma = np.full((n, len(FIELDS)), -1, dtype=np.int8)
    shared = np.zeros(n, dtype=np.int32)
    crowd = (np.zeros(len(enc.t), dtype=np.int64) if enc.home_reporters is None
             else np.ascontiguousarray(enc.home_reporters, dtype=np.int64))
    for s in range(0, n, STEP):
        e = min(s + STEP, n)
        pa = np.ascontiguousarray(pairs[s:e, 0], dtype=np.int64)
        pb = np.ascontiguousarray(pairs[s:e, 1], dtype=np.int64)
        _kernel(pa, pb, enc.t, enc.phones.offsets, enc.phones.values, enc.sigs.offsets,
                enc.sigs.values, enc.msigs.offsets, enc.msigs.values, enc.id_full, enc.id_sig,
                enc.name, enc.name_py, enc.name_near, enc.name_hash,
                enc.cands.offsets, enc.cands.values, enc.fulls.offsets, enc.fulls.values,
                enc.named.offsets, enc.named.values,
                enc.reporter_surname, enc.mentioned.offsets, enc.mentioned.values,
                enc.surnames.offsets, enc.surnames.values,
                enc.village, enc.town, enc.house, enc.house_block, enc.house_unit, enc.house_last, enc.street,
                enc.amounts.offsets, enc.amounts.values, enc.amount_value,
                enc.dtype, enc.tokens.offsets,
                enc.tokens.values, enc.token_weight, enc.token_total, enc.proxy, enc.surname_freq,
                enc.named_exact.offsets, enc.named_exact.values,
                enc.named_full.offsets, enc.named_full.values, enc.pinyin_size,
                enc.topics.offsets, enc.topics.values, crowd, enc.household,
                gamma[s:e], shared[s:e])
    return gamma, shared


def id_conflicts(enc: Encoded, pairs: np.ndarray) -> np.ndarray:
    """Pairs whose reporters bear the same full name yet different valid IDs: two people."""
    named = (enc.id_full > 0) & (enc.name > 0)
    both = np.flatnonzero(named[pairs[:, 0]] & named[pairs[:, 1]])  # few: gather only those
    a, b = pairs[both, 0], pairs[both, 1]
    out = np.zeros(len(pairs), dtype=bool)
    out[both] = (enc.id_full[a] != enc.id_full[b]) & (enc.name[a] == enc.name[b])
    return out
