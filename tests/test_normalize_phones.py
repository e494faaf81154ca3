"""Tests for triage.normalize.phones."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.normalize.phones import (
    Phone,
    mask_phone,
    parse_phones,
    phone_digits_tail,
    phones_compatible,
)

M = Phone("13812345678", "mobile", False)
L = Phone("010-61712345", "landline", False)
MM = Phone("138****5678", "mobile", True)

MOBILE_FORMAT = re.compile(r"1[3-9]\d{9}")
MASKED_MOBILE_FORMAT = re.compile(r"[1*][3-9*][\d*]{9}")
LANDLINE_FORMAT = re.compile(r"0\d{2,3}-[\d*]{7,8}")


def _fullwidth_digits(s: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in s)


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678", "138-1234-5678", "138 1234 5678", "+86 138 1234 5678", "+8613812345678",
        "86-13812345678", "8613812345678", "008613812345678", "0086 138 1234 5678",
        "１３８１２３４５６７８", "１３８－１２３４－５６７８", " 13812345678 ", "138.1234.5678",
        13812345678, 13812345678.0, "1.3812345678E+10", "电话:13812345678(本人)",
        "13812345678转801", "\u200b13812345678",
    ],
)
def test_mobile_forms(raw):
    assert parse_phones(raw) == [M]


@pytest.mark.parametrize(
    "raw",
    [
        "010-61712345", "(010)61712345", "（010）61712345", "(010) 61712345", "010 61712345",
        "01061712345", "010-6171-2345", "61712345", "6171 2345", "010-61712345-801",
        "(010)61712345-801", "010-61712345转801", "010-61712345分机801", "+86 10 61712345",
        "０１０－６１７１２３４５",
    ],
)
def test_landline_forms(raw):
    assert parse_phones(raw) == [L]


def test_landline_other_areas_and_default_area():
    assert parse_phones("0755-2345678") == [Phone("0755-2345678", "landline", False)]
    assert parse_phones("021-61712345") == [Phone("021-61712345", "landline", False)]
    assert parse_phones("(0512)66123456") == [Phone("0512-66123456", "landline", False)]
    shanghai = [Phone("021-61712345", "landline", False)]
    assert parse_phones("61712345", default_area="021") == shanghai
    assert parse_phones("61712345", default_area="21") == shanghai
    assert parse_phones("6171234") == [Phone("010-6171234", "landline", False)]
    assert parse_phones("61712345", default_area="") == []


@pytest.mark.parametrize(
    "raw", ["138****5678", "138xxxx5678", "138XXXX5678", "138＊＊＊＊5678", "138-****-5678",
            "138***5678", "+86 138****5678"],
)
def test_masked_mobile_forms(raw):
    assert parse_phones(raw) == [MM]


def test_masked_landline():
    assert parse_phones("010-****2345") == [Phone("010-****2345", "landline", True)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678/010-61712345", [M, L]),
        ("13812345678,010-61712345", [M, L]),
        ("13812345678，010-61712345", [M, L]),
        ("13812345678;010-61712345", [M, L]),
        ("13812345678；010-61712345", [M, L]),
        ("13812345678、010-61712345", [M, L]),
        ("13812345678 010-61712345", [M, L]),
        ("13812345678\n010-61712345", [M, L]),
        ("010-61712345 13812345678", [L, M]),
        ("138 1234 5678 010 6171 2345", [M, L]),
        ("13812345678 61712345", [M, L]),
        ("13812345678/13812345678/138-1234-5678", [M]),
        ("138****5678/13812345678", [MM, M]),
        ("0755-2345678 021-61712346",
         [Phone("0755-2345678", "landline", False), Phone("021-61712346", "landline", False)]),
    ],
)
def test_several_numbers(raw, expected):
    assert parse_phones(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", float("nan"), "无", "不详", "abc", "12345", "110", "2024-05-03", "400-123-4567",
     "1381234567", "138123456789", "23812345678", "12812345678", "1**********", "x", "**",
     "+1 555"],
)
def test_garbage_is_ignored(raw):
    assert parse_phones(raw) == []


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-61712345") == "010-****2345"
    assert mask_phone("010-6171234") == "010-***1234"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("nonsense 99887766554433") == "**********4433"


def test_tail_and_compatibility():
    assert phone_digits_tail(M) == "5678"
    assert phone_digits_tail(L) == "2345"
    assert phone_digits_tail(MM) == "5678"
    assert phones_compatible(M, M)
    assert phones_compatible(M, MM)
    assert phones_compatible(MM, M)
    assert phones_compatible(MM, Phone("138****5678", "mobile", True))
    assert not phones_compatible(M, Phone("13812345679", "mobile", False))
    assert not phones_compatible(MM, Phone("13912345678", "mobile", False))
    assert not phones_compatible(MM, Phone("13812345679", "mobile", False))
    assert not phones_compatible(M, L)
    assert phones_compatible(L, Phone("010-****2345", "landline", True))
    assert not phones_compatible(L, Phone("021-****2345", "landline", True))
    assert not phones_compatible(L, Phone("010-***2345", "landline", True))


# --- properties -------------------------------------------------------------------------------

mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
landlines = st.builds(
    lambda area, first, rest: f"{area}-{first}{rest}",
    st.sampled_from(["010", "021", "022", "0755", "0512", "0311"]),
    st.sampled_from("23456789"),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
)
inner_seps = st.sampled_from(["", " ", "-", "  ", " - "])
prefixes = st.sampled_from(["", "+86 ", "+86", "86-", "86", "0086", "0086 ", "+86-"])


@settings(max_examples=150)
@given(mobiles, inner_seps, prefixes, st.booleans())
def test_mobile_any_format(number, sep, prefix, fullwidth):
    text = f"{prefix}{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"
    if fullwidth:
        text = _fullwidth_digits(text)
    assert parse_phones(text) == [Phone(number, "mobile", False)]


@settings(max_examples=100)
@given(landlines, st.sampled_from(["{a}-{l}", "({a}){l}", "（{a}）{l}", "{a} {l}", "{a}{l}"]))
def test_landline_any_format(number, template):
    area, local = number.split("-")
    assert parse_phones(template.format(a=area, l=local)) == [Phone(number, "landline", False)]


@settings(max_examples=100)
@given(
    st.lists(st.one_of(mobiles, landlines), min_size=1, max_size=5),
    st.lists(st.sampled_from(["/", ",", "，", ";", "；", "、", " ", "\n", " / "]),
             min_size=4, max_size=4),
)
def test_several_numbers_any_separators(numbers, seps):
    text = numbers[0] + "".join(sep + n for sep, n in zip(seps, numbers[1:], strict=False))
    got = [p.number for p in parse_phones(text)]
    assert got == list(dict.fromkeys(numbers))


@settings(max_examples=100)
@given(st.one_of(mobiles, landlines))
def test_mask_then_parse_is_compatible(number):
    original = parse_phones(number)
    assert len(original) == 1
    masked = parse_phones(mask_phone(number))
    assert len(masked) == 1
    assert masked[0].masked
    assert phones_compatible(masked[0], original[0])
    assert phone_digits_tail(masked[0]) == number[-4:]
    assert "****" in masked[0].number


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet="0123456789 -+()*x/,、86")))
def test_parse_phones_never_raises_and_outputs_normal_forms(text):
    for p in parse_phones(text):
        if p.kind == "mobile":
            assert (MASKED_MOBILE_FORMAT if p.masked else MOBILE_FORMAT).fullmatch(p.number)
        else:
            assert p.kind == "landline"
            assert LANDLINE_FORMAT.fullmatch(p.number)
        assert p.masked == ("*" in p.number)
