"""Tests for triage.normalize.names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.normalize.names import PersonName, name_key, names_compatible, parse_names


def one(raw: object) -> PersonName:
    names = parse_names(raw)
    assert len(names) == 1, names
    return names[0]


def test_full_name():
    assert one("王晓明") == PersonName(
        text="王晓明", surname="王", given="晓明", masked=False, sex_hint=None,
        pinyin="wangxiaoming", surname_pinyin="wang",
    )


@pytest.mark.parametrize(
    "raw",
    ["王 晓明", "王晓 明", " 王晓明 ", "王　晓明", "王\u200b晓明", "王晓明（户主）",
     "王晓明(35岁)"],
)
def test_full_name_variants(raw):
    assert one(raw) == one("王晓明")


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("王某", "王某"), ("王某某", "王某某"), ("王**", "王**"), ("王＊＊", "王**"),
        ("王XX", "王**"), ("王xx", "王**"), ("王×", "王*"), ("王*明", "王*明"), ("王", "王"),
        ("王某等5人", "王某"),
    ],
)
def test_masked_forms(raw, text):
    p = one(raw)
    assert p.text == text
    assert p.surname == "王" and p.surname_pinyin == "wang"
    assert p.masked
    assert p.given is None and p.pinyin is None


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("王女士", "女"), ("王先生", "男"), ("王老师", None), ("王师傅", None), ("王大爷", "男"),
        ("王大妈", "女"), ("王阿姨", "女"), ("王小姐", "女"), ("王同志", None), ("王姐", "女"),
    ],
)
def test_titles(raw, sex):
    p = one(raw)
    assert p.text == raw
    assert p.surname == "王"
    assert p.masked and p.given is None and p.pinyin is None
    assert p.sex_hint == sex


def test_full_name_with_title_is_not_masked():
    p = one("王晓明女士")
    assert not p.masked
    assert p.given == "晓明" and p.sex_hint == "女" and p.pinyin == "wangxiaoming"


def test_sex_from_brackets():
    assert one("李红（女）").sex_hint == "女"


@pytest.mark.parametrize(
    ("raw", "surname", "given"),
    [
        ("欧阳娜娜", "欧阳", "娜娜"), ("司马光", "司马", "光"), ("诸葛亮", "诸葛", "亮"),
        ("上官婉儿", "上官", "婉儿"), ("东方明", "东方", "明"), ("皇甫嵩", "皇甫", "嵩"),
        ("尉迟恭", "尉迟", "恭"), ("公孙策", "公孙", "策"), ("慕容复", "慕容", "复"),
        ("令狐冲", "令狐", "冲"), ("夏侯惇", "夏侯", "惇"), ("长孙无忌", "长孙", "无忌"),
        ("宇文泰", "宇文", "泰"), ("司徒雷", "司徒", "雷"), ("端木赐", "端木", "赐"),
    ],
)
def test_compound_surnames(raw, surname, given):
    p = one(raw)
    assert (p.surname, p.given, p.masked) == (surname, given, False)


def test_compound_surname_masked():
    p = one("欧阳女士")
    assert p.surname == "欧阳" and p.masked and p.surname_pinyin == "ouyang"
    assert one("欧阳某").surname == "欧阳"


@pytest.mark.parametrize(
    "raw",
    ["王晓明、李红", "王晓明,李红", "王晓明，李红", "王晓明/李红", "王晓明;李红", "王晓明和李红",
     "王晓明与李红", "王晓明 李红", "王晓明\n李红", "王晓明、李红、王晓明"],
)
def test_several_people(raw):
    assert [p.text for p in parse_names(raw)] == ["王晓明", "李红"]


def test_conjunction_inside_a_name_does_not_split():
    assert [p.text for p in parse_names("王和平")] == ["王和平"]
    assert [p.text for p in parse_names("和晓明")] == ["和晓明"]


def test_masked_several():
    assert [p.text for p in parse_names("王某、李某某")] == ["王某", "李某某"]
    assert [p.text for p in parse_names("王某和李某")] == ["王某", "李某"]


def test_ethnic_minority_name():
    p = one("阿依古丽·买买提")
    assert not p.masked and p.pinyin == "ayigulimaimaiti"


@pytest.mark.parametrize(
    "raw",
    [None, "", float("nan"), 123, "匿名", "不详", "未留名", "未留姓名", "某某", "John Smith", "abc",
     "***", "13812345678", "女士", "北京市昌平区北七家镇某某公司", "本人", "无"],
)
def test_not_names(raw):
    assert parse_names(raw) == []


def test_name_key_homophones():
    assert name_key(one("王晓明")) == name_key(one("王小明")) == "wangxiaoming"
    assert name_key(one("王晓明")) != name_key(one("王晓红"))
    assert name_key(one("王某")) == name_key(one("王女士")) == "wang*"


def test_names_compatible():
    full = one("王晓明")
    assert names_compatible(full, one("王小明"))
    assert names_compatible(full, one("王 晓明"))
    assert names_compatible(full, one("王某"))
    assert names_compatible(one("王某"), full)
    assert names_compatible(full, one("王**"))
    assert names_compatible(full, one("王女士"))
    assert names_compatible(full, one("王*明"))
    assert names_compatible(full, one("王*鸣"))  # same sound
    assert not names_compatible(full, one("王*红"))
    assert not names_compatible(full, one("王**明"))
    assert not names_compatible(full, one("王晓红"))
    assert not names_compatible(full, one("李晓明"))
    assert not names_compatible(full, one("李某"))
    assert not names_compatible(one("王女士"), one("王先生"))
    assert names_compatible(one("王女士"), one("王某"))
    assert not names_compatible(one("欧阳娜娜"), one("王某"))


# --- properties -------------------------------------------------------------------------------

SURNAMES = [
    *"王李张刘陈杨黄赵吴周徐孙朱胡郭高林罗郑梁谢宋唐许韩冯邓曹彭曾",
    "欧阳", "司马", "诸葛", "上官", "慕容",
]
GIVEN_CHARS = "晓明红华伟芳丽强军建国文杰敏静磊洋勇艳娟涛超秀兰"

names = st.builds(
    lambda s, g: s + g, st.sampled_from(SURNAMES),
    st.text(alphabet=GIVEN_CHARS, min_size=1, max_size=2),
)


@settings(max_examples=100)
@given(names)
def test_full_names_parse(name):
    p = one(name)
    assert p.text == name and not p.masked
    assert p.surname is not None and name.startswith(p.surname)
    assert p.surname + (p.given or "") == name
    assert one(f"{p.surname} {p.given}") == p


@settings(max_examples=100)
@given(names, st.sampled_from(["某", "某某", "**", "XX", "xx", "＊＊", "女士", "先生", "老师"]))
def test_masked_is_compatible_with_full(name, suffix):
    full = one(name)
    assert full.surname is not None
    masked = one(full.surname + suffix)
    assert masked.masked and masked.surname == full.surname
    assert names_compatible(full, masked) and names_compatible(masked, full)
    assert name_key(masked) == f"{full.surname_pinyin}*"


@settings(max_examples=100)
@given(
    st.lists(names, min_size=1, max_size=4, unique=True),
    st.lists(st.sampled_from(["、", ",", "，", "/", ";", "；", " "]), min_size=3, max_size=3),
)
def test_several_names_any_separator(people, seps):
    text = people[0] + "".join(sep + p for sep, p in zip(seps, people[1:], strict=False))
    assert [p.text for p in parse_names(text)] == people


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet="王李欧阳某*xX女士和、, ·晓明"), st.integers()))
def test_parse_names_never_raises(raw):
    for p in parse_names(raw):
        assert p.text
        assert p.masked == (p.given is None) or p.surname is None
        assert (p.pinyin is None) == p.masked
        name_key(p)
        assert names_compatible(p, p)
