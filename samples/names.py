"""Chinese names: how people are named, and how each agency writes a name down.

Surnames follow rough Beijing frequencies (the big five dominate, some Manchu and a few
compound surnames); given names follow sex and generation. The agencies record the
same person differently: the police often mask the name (鲁某, 鲁先生), 12345 operators
type what they hear (a homophone, 王晓明 -> 王小明), the petition office may register
two petitioners in one field. Linking is measured against exactly these variants.
"""

from __future__ import annotations

import random
from functools import lru_cache

from samples.agencies import HOTLINE, PETITION, POLICE
from samples.chance import Dice, Weighted

# Surnames with rough relative frequencies (the big five dominate); Beijing has
# Manchu surnames (关 那 佟 金) and a few rare and compound ones.
SURNAMES = Weighted([
    ("王", 75), ("李", 72), ("张", 70), ("刘", 58), ("陈", 42), ("杨", 30), ("赵", 26),
    ("黄", 18), ("周", 16), ("吴", 15), ("徐", 13), ("孙", 14), ("胡", 11), ("朱", 11),
    ("高", 12), ("林", 8), ("何", 9), ("郭", 11), ("马", 12), ("罗", 6), ("梁", 7),
    ("宋", 8), ("郑", 7), ("谢", 6), ("韩", 8), ("唐", 6), ("冯", 7), ("于", 8), ("董", 7),
    ("萧", 2), ("程", 5), ("曹", 6), ("袁", 4), ("邓", 4), ("许", 5), ("傅", 3), ("沈", 4),
    ("曾", 3), ("彭", 3), ("吕", 4), ("苏", 4), ("卢", 4), ("蒋", 4), ("蔡", 3), ("贾", 5),
    ("丁", 5), ("魏", 5), ("薛", 3), ("叶", 3), ("阎", 3), ("余", 2), ("潘", 3), ("杜", 4),
    ("戴", 2), ("夏", 3), ("钟", 2), ("汪", 2), ("田", 5), ("任", 4), ("姜", 4), ("范", 3),
    ("方", 3), ("石", 4), ("姚", 3), ("谭", 2), ("廖", 1), ("邹", 2), ("熊", 2), ("金", 4),
    ("陆", 2), ("郝", 4), ("孔", 2), ("白", 4), ("崔", 4), ("康", 3), ("毛", 2), ("邱", 2),
    ("秦", 3), ("江", 2), ("史", 3), ("顾", 2), ("侯", 3), ("邵", 2), ("孟", 3), ("龙", 1),
    ("万", 2), ("段", 2), ("雷", 2), ("钱", 2), ("汤", 1), ("尹", 2), ("黎", 1), ("易", 1),
    ("常", 3), ("武", 3), ("乔", 3), ("贺", 2), ("赖", 1), ("龚", 1), ("文", 1), ("关", 3),
    ("那", 1), ("佟", 2), ("鲁", 1.5), ("门", 0.6), ("满", 0.5), ("富", 0.5), ("索", 0.4),
    ("付", 2), ("齐", 2), ("祁", 0.6), ("纪", 1), ("季", 0.6), ("章", 0.6), ("柳", 0.5),
    ("欧阳", 0.3), ("司马", 0.1), ("诸葛", 0.05),
])
COMMON_SURNAMES = ("王", "李", "张", "刘", "陈")

# Given-name characters by sex and generation (born before 1965, 1965-89, 1990 on).
_GIVEN = {
    (1, 0): "建国华民德明志刚永福玉海军春文宝树庆林成山长立占金铁振忠义",
    (1, 1): "伟强磊军勇杰涛斌刚峰鹏辉华明超波亮健东飞志晓宏建海平新利",
    (1, 2): "浩宇轩博子涵俊一睿泽辰天航铭思凯然宇哲楠晨阳嘉鑫",
    (0, 0): "秀兰英桂玉珍凤芳淑琴荣云华梅翠素兰花香凤娥",
    (0, 1): "丽静敏燕艳娟霞红玲芳婷雪洁琳晶慧萍颖丹莉晓红",
    (0, 2): "欣怡雨涵梓萱可诗悦佳婧琪思彤一依梦雪晨语",
}

# Same-pinyin character groups; 12345 operators type what they hear. Each group is
# filtered with pypinyin so only true homophones stay.
_HOMOPHONE_GROUPS = (
    "晓小", "明铭鸣", "伟玮炜", "华桦", "丽莉俐", "静婧", "军君", "红虹宏", "英瑛",
    "芳方", "杰洁", "建健剑", "平萍", "燕艳", "磊蕾", "涛韬", "斌彬", "刚钢",
    "峰锋丰", "娟鹃", "勇永", "雪学", "梅玫", "兰岚", "宇雨羽", "浩昊", "鹏朋",
    "辉晖", "春纯", "东冬", "志智", "文雯", "玲苓", "琳林", "敏民", "霞侠", "珍真",
    "云芸", "婷亭", "欣新", "怡仪", "涵晗", "轩萱", "博波", "俊骏", "睿瑞", "辰晨",
    "航杭", "凯恺", "然冉", "桂贵", "淑书", "琴勤", "荣蓉", "慧惠", "飞菲", "亮靓",
    "国帼", "强蔷", "庆青", "海亥", "立力丽", "成诚", "金今", "彤桐", "佳家", "琪琦",
    "张章", "王汪", "徐许", "肖萧", "于余", "李黎", "付傅", "程成", "吴伍", "朱祝",
    "姜江", "纪季", "齐祁", "史石", "刘柳",
)


@lru_cache(maxsize=1)
def _homophones() -> dict[str, tuple[str, ...]]:
    """Character -> other characters with the same (toneless) pinyin."""
    from pypinyin import lazy_pinyin

    table: dict[str, tuple[str, ...]] = {}
    for group in _HOMOPHONE_GROUPS:
        readings = [lazy_pinyin(c)[0] for c in group]
        for i, c in enumerate(group):
            alts = tuple(d for j, d in enumerate(group) if j != i and readings[j] == readings[i])
            if alts:
                table[c] = table.get(c, ()) + alts
    return table


def homophone_variant(name: str, rng: random.Random) -> str:
    """The name with one character replaced by a homophone (王晓明 -> 王小明), if any."""
    table = _homophones()
    positions = [i for i, c in enumerate(name) if c in table]
    if not positions:
        return name
    given = [i for i in positions if i > 0]
    i = rng.choice(given) if given and rng.random() < 0.8 else rng.choice(positions)
    return name[:i] + rng.choice(table[name[i]]) + name[i + 1:]


def given_name(sex: int, year: int, dice: Dice) -> str:
    """A given name of one or two characters typical of the sex and the birth year."""
    era = 0 if year < 1965 else (1 if year < 1990 else 2)
    pool = _GIVEN[(sex, era)]
    return dice.ch(pool) if dice.rng.random() < 0.3 else dice.ch(pool) + dice.ch(pool)


def recorded_name(sur: str, given: str, male: bool, src: int, second: str | None,
                  rng: random.Random) -> str | None:
    """The reporter's name as agency ``src`` recorded it (``second``: a co-petitioner's name)."""
    r = rng.random()
    full = sur + given
    title = "先生" if male else "女士"
    if src == POLICE:
        if r < 0.45:
            return full
        if r < 0.70:
            return sur + "某"
        if r < 0.75:
            return sur + "某某"
        if r < 0.94:
            return sur + title
        if r < 0.96:
            return sur + "老师"
        return sur + "**"
    if src == HOTLINE:
        if r < 0.55:
            return full
        if r < 0.68:
            return homophone_variant(full, rng)
        if r < 0.82:
            return sur + title
        if r < 0.91:
            return sur + "*" * len(given)
        if r < 0.95:
            return None
        return sur + "某"
    if src == PETITION:
        if second is not None and r < 0.08:
            return f"{full}、{second}"
        return full if r < 0.97 else sur + "某"
    if r < 0.9:
        return full
    return sur + "某" if r < 0.95 else sur + "**"
