"""Tests for triage.normalize.idnumbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.normalize.idnumbers import IdNumber, check_digit, mask_id, parse_id

# The worked example printed in GB 11643-1999 itself (a woman born 1949-12-31).
STANDARD = "11010519491231002X"
STANDARD_15 = "110105491231002"


def ref_check(first17: str) -> str:
    """Independent oracle: weights are 2^(18-i) mod 11, check value (12 - S mod 11) mod 11."""
    s = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    v = (12 - s % 11) % 11
    return "X" if v == 10 else str(v)


def test_oracle_agrees_with_the_standard_example():
    assert ref_check(STANDARD[:17]) == "X"


def test_standard_example():
    assert parse_id(STANDARD) == IdNumber(
        value=STANDARD, valid=True, masked=False, birth_date=date(1949, 12, 31), sex="女",
        region="110105", problem=None,
    )


@pytest.mark.parametrize(
    "raw",
    [STANDARD, STANDARD.lower(), f" {STANDARD} ", "110105 19491231 002X", "110105-19491231-002x",
     "１１０１０５１９４９１２３１００２Ｘ", "１１０１０５１９４９１２３１００２ｘ",
     f"身份证:{STANDARD}", STANDARD_15, int(STANDARD_15)],
)
def test_forms_of_the_same_number(raw):
    parsed = parse_id(raw)
    assert parsed is not None
    assert parsed.valid
    assert parsed.value == STANDARD
    assert parsed.birth_date == date(1949, 12, 31)


def test_fifteen_digit_male():
    # 15-digit numbers carry sex in their last digit.
    parsed = parse_id("110105491231001")
    assert parsed is not None and parsed.valid
    assert parsed.sex == "男"
    assert parsed.value == "11010519491231001" + ref_check("11010519491231001")


@pytest.mark.parametrize("raw", [None, "", "  ", float("nan"), "无", "-", "不详", "null"])
def test_missing(raw):
    assert parse_id(raw) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("110114********1234", "110114********1234"),
        ("110114****1234", "110114********1234"),
        ("110114xxxxxxxx1234", "110114********1234"),
        ("110114＊＊＊＊＊＊＊＊1234", "110114********1234"),
        ("110114************", "110114************"),
    ],
)
def test_masked(raw, value):
    parsed = parse_id(raw)
    assert parsed is not None
    assert parsed.masked and not parsed.valid
    assert parsed.value == value
    assert parsed.region == "110114"
    assert parsed.birth_date is None
    assert parsed.problem


def test_masked_with_visible_date():
    parsed = parse_id("11010519491231****")
    assert parsed is not None and parsed.masked and not parsed.valid
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex is None


def test_invalid_check_digit_is_kept():
    parsed = parse_id("110105194912310021")
    assert parsed is not None
    assert not parsed.valid and not parsed.masked
    assert parsed.value == "110105194912310021"
    assert parsed.problem == "校验位错误"


@pytest.mark.parametrize(
    "first17",
    ["11010519491331002", "11010519490230002", "11010518991231002", "11010521000101002",
     "11010519490001002"],
)
def test_invalid_birth_date(first17):
    raw = first17 + ref_check(first17)  # right check digit, so only the date is wrong
    parsed = parse_id(raw)
    assert parsed is not None and not parsed.valid
    assert parsed.problem == "出生日期无效"
    assert parsed.birth_date is None
    assert parsed.value == raw


def test_future_birth_date_is_invalid():
    tomorrow = date.today() + timedelta(days=1)
    first17 = f"110105{tomorrow:%Y%m%d}002"
    parsed = parse_id(first17 + ref_check(first17))
    assert parsed is not None and parsed.problem == "出生日期无效"


def test_fifteen_digit_bad_date():
    parsed = parse_id("110105491331002")
    assert parsed is not None and not parsed.valid
    assert parsed.problem == "出生日期无效"
    assert parsed.value == "110105491331002"


@pytest.mark.parametrize("raw", ["1101051949123100", "11010519491231002X1", "12345"])
def test_wrong_length(raw):
    parsed = parse_id(raw)
    assert parsed is not None and not parsed.valid
    assert parsed.problem == "位数不对"
    assert parsed.value == raw


def test_bad_region_and_format():
    first17 = "00010519491231002"
    parsed = parse_id(first17 + ref_check(first17))
    assert parsed is not None and parsed.problem == "地区码无效"
    garbage = parse_id("abc")
    assert garbage is not None and not garbage.valid and garbage.problem == "格式错误"


def test_check_digit():
    assert check_digit(STANDARD[:17]) == "X"
    for bad in ("1234", "1101051949123100X", "１１０１０５１９４９１２３１００２"):
        with pytest.raises(ValueError):
            check_digit(bad)


def test_mask_id():
    assert mask_id("110114199001011234") == "110114********1234"
    assert mask_id(STANDARD) == "110105********002X"
    assert mask_id(STANDARD_15) == "110105*****1002"
    assert mask_id("1234") == "****"


# --- properties -------------------------------------------------------------------------------

regions = st.sampled_from(["110105", "110114", "110229", "310101", "440305", "510107", "650102"])
births = st.dates(min_value=date(1900, 1, 1), max_value=date.today())
seqs = st.integers(min_value=0, max_value=999)


@st.composite
def valid_ids(draw) -> tuple[str, date, int]:
    region, birth, seq = draw(regions), draw(births), draw(seqs)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + ref_check(first17), birth, seq


@settings(max_examples=150)
@given(valid_ids(), st.booleans(), st.booleans())
def test_valid_ids_roundtrip(case, lower, spaced):
    value, birth, seq = case
    raw = value.lower() if lower else value
    if spaced:
        raw = f"{raw[:6]} {raw[6:14]} {raw[14:]}"
    parsed = parse_id(raw)
    assert parsed is not None
    assert parsed.valid and not parsed.masked and parsed.problem is None
    assert parsed.value == value
    assert parsed.birth_date == birth
    assert parsed.region == value[:6]
    assert parsed.sex == ("男" if seq % 2 else "女")
    assert check_digit(value[:17]) == value[17]
    assert parse_id(parsed.value) == parsed


@settings(max_examples=100)
@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), seqs)
def test_fifteen_digit_upgrade(region, birth, seq):
    old = f"{region}{birth:%y%m%d}{seq:03d}"
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    parsed = parse_id(old)
    assert parsed is not None and parsed.valid
    assert parsed.value == first17 + ref_check(first17)
    assert parsed.birth_date == birth


@settings(max_examples=150)
@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_single_digit_error_is_never_valid(case, pos, delta):
    value = case[0]
    corrupted = value[:pos] + str((int(value[pos]) + delta) % 10) + value[pos + 1:]
    parsed = parse_id(corrupted)
    assert parsed is not None and not parsed.valid


@settings(max_examples=100)
@given(valid_ids())
def test_mask_then_parse(case):
    value = case[0]
    masked = parse_id(mask_id(value))
    assert masked is not None
    assert masked.masked and not masked.valid
    assert masked.region == value[:6]
    assert masked.value[-4:] == value[-4:]
    assert len(masked.value) == 18
    assert all(m in ("*", v) for m, v in zip(masked.value, value, strict=True))


@settings(max_examples=100)
@given(valid_ids())
def test_wrong_check_digit_detected(case):
    value = case[0]
    for ch in "0123456789X":
        if ch != value[17]:
            parsed = parse_id(value[:17] + ch)
            assert parsed is not None and parsed.problem == "校验位错误"


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet="0123456789xX* "), st.integers(), st.floats()))
def test_parse_id_never_raises(raw):
    parsed = parse_id(raw)
    if parsed is not None:
        assert parsed.valid == (parsed.problem is None)
        if parsed.valid:
            assert len(parsed.value) == 18
            assert parsed.value[17] == ref_check(parsed.value[:17])
