"""Person names in agency cells: split, unmask, pinyin keys for homophone matching.

Agencies record names in full (``王晓明``), masked (``王某``, ``王**``), with a title
(``王女士``) or several to a cell (``王晓明、李红``). A masked name only tells the
surname, which is weak evidence but never a contradiction; pinyin keys let
``王晓明`` and ``王小明`` (same sound, clerk's typo) match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial

from triage.normalize.text import _to_str, clean_cell

__all__ = ["PersonName", "name_key", "names_compatible", "parse_names"]


@dataclass(frozen=True)
class PersonName:
    """One person's name as recorded."""

    text: str  # cleaned display form: 王晓明, 王某, 王**, 王女士
    surname: str | None
    given: str | None  # None when masked
    masked: bool  # only the surname (and maybe some characters) is known
    sex_hint: str | None  # from a title: 女士→女, 先生→男
    pinyin: str | None  # toneless pinyin of the full name, None when masked
    surname_pinyin: str | None


def _words(s: str) -> list[str]:
    return s.split()


COMPOUND_SURNAMES = frozenset(_words(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 夏侯 长孙 宇文 司徒 端木 独孤 南宫 "
    "西门 百里 呼延 轩辕 万俟 闻人 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 仲孙 钟离 拓跋 "
    "东郭 赫连 左丘 第五 梁丘 公羊 谷梁 乐正 漆雕 壤驷 司空 司寇 巫马 亓官 段干 鲜于 闾丘 "
    "子车 颛孙 羊舌 微生"
))
# Common single surnames, used only to decide whether "甲和乙" is two people.
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
    "邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵩寿桓洪阎萧赖富钮"
)
# Titles after a surname, with the sex they imply.
_TITLES: dict[str, str | None] = {
    "女士": "女", "小姐": "女", "阿姨": "女", "大妈": "女", "大姐": "女", "奶奶": "女",
    "老太太": "女", "老太": "女", "大娘": "女", "大嫂": "女", "婶婶": "女", "太太": "女",
    "先生": "男", "大爷": "男", "大哥": "男", "爷爷": "男", "叔叔": "男", "大叔": "男",
    "伯伯": "男", "大伯": "男", "老先生": "男",
    "老师": None, "师傅": None, "同志": None, "医生": None, "经理": None, "老板": None,
}
# One-character titles count only right after a bare surname (王姐, not 王晓姐).
_SHORT_TITLES: dict[str, str | None] = {"姐": "女", "婶": "女", "嫂": "女", "哥": "男", "叔": "男"}
_TITLES_LONGEST_FIRST = sorted(_TITLES, key=len, reverse=True)
# The same titles grouped by their last character: a name's last character picks the few
# titles it may end with (most names end with none).
_TITLES_BY_LAST: dict[str, tuple[str, ...]] = {
    last: tuple(t for t in _TITLES_LONGEST_FIRST if t[-1] == last)
    for last in {t[-1] for t in _TITLES}
}

_NOT_NAMES = frozenset(_words(
    "匿名 不详 未留名 未留姓名 未知 无名 无名氏 本人 报警人 来电人 求助人 信访人 当事人 群众 "
    "市民 村民 居民 家属 某某 未提供 不愿透露 保密 无 空"
))
_NOT_NAME_PARTS = ("匿名", "不详", "未留", "不愿", "保密")
_NOT_NAME_PARTS_RE = re.compile("|".join(_NOT_NAME_PARTS))

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_MASK_CHARS = "*某"
_MASK_SET = frozenset(_MASK_CHARS)
_BRACKETS_RE = re.compile(r"\(([^()]*)\)|\[[^\]]*\]|【[^】]*】|<[^>]*>|《[^》]*》")
_ETC_RE = re.compile(r"等(?:[\d一二两三四五六七八九十]+)?(?:人|名|户)?$")
_SPLIT_RE = re.compile(r"[、,;/\\|]+")
_MASK_NORM_RE = re.compile(r"[xX×○◯●]")
_BASE_RE = re.compile(rf"[{_HAN}][{_HAN}*]*")
_ETHNIC_RE = re.compile(rf"[{_HAN}]+(?:[·•.][{_HAN}]+)+")
_CONJUNCTIONS = "和与及跟"
# One plain name (孙萍红, 王某, 李女士): Han characters only, none that splits or trims a
# cell (等, conjunctions), so cleaning and splitting would leave it as it is.
_SINGLE_RE = re.compile(r" *([\u4e00-\u9fff]{1,8}) *")
_SPLITTERS = frozenset("等" + _CONJUNCTIONS)
_MAX_HAN_NAME = 5  # compound surname + three characters
_MAX_ETHNIC_NAME = 20


@lru_cache(maxsize=65536)
def _pinyin(s: str) -> str:
    # Imported on first use: pypinyin loads its phrase dictionary (a fifth of a second)
    # on import, and ingestion, which keeps only the names' text, never needs it.
    from pypinyin import lazy_pinyin

    return "".join(p for p in lazy_pinyin(s) if p.isalpha())


def _strip_title(part: str) -> tuple[str, str, str | None]:
    """Split ``王女士`` into (``王``, ``女士``, ``女``)."""
    last = part[-1:]
    for title in _TITLES_BY_LAST.get(last, ()):
        if part.endswith(title) and len(part) > len(title):
            return part[: -len(title)], title, _TITLES[title]
    if last in _SHORT_TITLES and (len(part) == 2 or part[:-1] in COMPOUND_SURNAMES):
        return part[:-1], last, _SHORT_TITLES[last]
    return part, "", None


def _parse_one(part: str, sex_hint: str | None = None, pinyin: bool = True) -> PersonName | None:
    """Parse one person's name (no separators left); ``None`` when it is not a name."""
    if (
        not part
        or part in _NOT_NAMES
        or part in _TITLES
        or _NOT_NAME_PARTS_RE.search(part) is not None
    ):
        return None
    part = _MASK_NORM_RE.sub("*", part)
    if _ETHNIC_RE.fullmatch(part):
        if len(part) > _MAX_ETHNIC_NAME:
            return None
        text = re.sub(r"[•.]", "·", part)
        py = _pinyin(text) if pinyin else None
        return PersonName(text, None, text, False, sex_hint, py, None)
    base, title, title_sex = _strip_title(part)
    if not _BASE_RE.fullmatch(base) or base[0] == "某" or len(base) > _MAX_HAN_NAME:
        return None
    compound = base[:2] in COMPOUND_SURNAMES and (len(base) > 2 or bool(title))
    surname = base[:2] if compound else base[0]
    rest = base[len(surname):]
    masked = not rest or not _MASK_SET.isdisjoint(rest)
    hint = title_sex or sex_hint
    return PersonName(
        text=base + title,
        surname=surname,
        given=None if masked else rest,
        masked=masked,
        sex_hint=hint,
        pinyin=None if masked or not pinyin else _pinyin(base),
        surname_pinyin=_pinyin(surname) if pinyin else None,
    )


def _looks_like_name(s: str) -> bool:
    """Strict test used before splitting on 和/与: a known surname and 2–4 characters."""
    if not 2 <= len(s) <= 4:
        return False
    p = _parse_one(s, pinyin=False)
    return p is not None and (p.surname in COMMON_SURNAMES or p.surname in COMPOUND_SURNAMES)


def _split_conjunction(part: str) -> list[str]:
    """``王晓明和李红`` → two names, but ``王和平`` stays one."""
    for i, ch in enumerate(part):
        if ch in _CONJUNCTIONS and i >= 2:
            left, right = part[:i], part[i + 1:]
            if _looks_like_name(left):
                rest = _split_conjunction(right)
                if all(_looks_like_name(r) for r in rest):
                    return [left, *rest]
    return [part]


def _join_spaced(part: str) -> list[str]:
    """``王 晓明`` is one name; ``王晓明 李红`` is two."""
    groups: list[str] = []
    for piece in part.split():
        if groups and (
            len(piece) == 1
            or len(groups[-1]) == 1
            or groups[-1] in COMPOUND_SURNAMES
            or piece in _TITLES
            or all(ch in _MASK_CHARS or ch in "xX×" for ch in piece)
        ):
            groups[-1] += piece
        else:
            groups.append(piece)
    return groups


def _bracket_sex(m: re.Match[str], found: list[str]) -> str:
    inner = (m.group(1) or "").strip()
    if inner in ("男", "女"):
        found.append(inner)
    return " "


@lru_cache(maxsize=65536)
def _parse_names_str(raw: str, pinyin: bool = True) -> tuple[PersonName, ...]:
    single = _SINGLE_RE.fullmatch(raw)
    if single is not None and _SPLITTERS.isdisjoint(part := single.group(1)):
        name = _parse_one(part, None, pinyin)  # what the general path finds, without it
        return () if name is None else (name,)
    return _split_names(raw, pinyin)


def _split_names(raw: str, pinyin: bool) -> tuple[PersonName, ...]:
    """Every name of a cell: cleaned, split on separators, brackets and conjunctions."""
    s = clean_cell(raw)
    if s is None:
        return ()
    out: dict[tuple[str, str | None], PersonName] = {}
    for chunk in _SPLIT_RE.split(s):
        sexes: list[str] = []
        chunk = _BRACKETS_RE.sub(partial(_bracket_sex, found=sexes), chunk)
        chunk = _ETC_RE.sub("", chunk.strip()).strip()
        hint = sexes[0] if len(sexes) == 1 else None
        for spaced in _join_spaced(chunk):
            spaced = _ETC_RE.sub("", spaced)
            for piece in _split_conjunction(spaced):
                name = _parse_one(piece, hint, pinyin)
                if name is not None:
                    out.setdefault((name.text, name.sex_hint), name)
    return tuple(out.values())


def parse_names(value: object, *, pinyin: bool = True) -> list[PersonName]:
    """All person names in a cell, in order, deduplicated; ``[]`` for anonymous or non-names.

    ``pinyin=False`` leaves the pinyin keys ``None`` (ingestion keeps only the text, and
    pinyin is the slowest step). Never raises.
    """
    s = _to_str(value)
    return [] if s is None else list(_parse_names_str(s, pinyin))


def name_key(name: PersonName) -> str:
    """A pinyin key for blocking/matching: ``wangxiaoming``; masked names give ``wang*``."""
    if name.pinyin is not None and not name.masked:
        return name.pinyin
    return (name.surname_pinyin or "") + "*"


def _visible_agree(masked: PersonName, full: PersonName) -> bool:
    """``王*明`` against ``王晓明``: same length, visible characters sound the same."""
    base = masked.text
    for title in _TITLES_LONGEST_FIRST:
        if base.endswith(title):
            base = base[: -len(title)]
            break
    visible = base[len(masked.surname or ""):]
    if "某" in visible or not any(ch not in _MASK_CHARS for ch in visible):
        return True  # only the surname is visible: nothing more to compare
    full_given = full.given or ""
    if len(visible) != len(full_given):
        return False
    return all(
        a == "*" or _pinyin(a) == _pinyin(b) for a, b in zip(visible, full_given, strict=True)
    )


def names_compatible(a: PersonName, b: PersonName) -> bool:
    """Whether two names may be the same person.

    Surnames must sound the same; two full names must sound the same; a masked
    name never contradicts a same-surname name (except through visible
    characters or opposite titles such as 王女士/王先生).
    """
    if a.sex_hint and b.sex_hint and a.sex_hint != b.sex_hint:
        return False
    if a.surname_pinyin and b.surname_pinyin and a.surname_pinyin != b.surname_pinyin:
        return False
    if not a.masked and not b.masked:
        return a.pinyin == b.pinyin
    if a.masked and b.masked:
        return True
    masked, full = (a, b) if a.masked else (b, a)
    if full.surname is None:
        return True
    return _visible_agree(masked, full)
