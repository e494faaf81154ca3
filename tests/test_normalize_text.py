"""Tests for triage.normalize.text."""

from __future__ import annotations

import math
import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.normalize.text import clean_cell, clean_text, is_missing, parse_bool, parse_int


def _fullwidth(s: str) -> str:
    """Independent full-width encoder for ASCII test strings."""
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in s
    )


# --- clean_text -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, "", "   ", "\u200b", "\x00"])
def test_clean_text_empty_is_none(value):
    assert clean_text(value) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  王晓明报警  ", "王晓明报警"),
        ("１３８１２３４５６７８", "13812345678"),
        ("ＡＢＣｘｙｚ", "ABCxyz"),
        ("3号楼\u30002单元", "3号楼 2单元"),
        ("丈夫打人，邻居报警！有刀吗？", "丈夫打人，邻居报警！有刀吗？"),
        ("说：（哭）；", "说：（哭）；"),
        ("邻里\u200b纠纷\ufeff", "邻里纠纷"),
        ("a\x00b\x07c\x7fd\x9fe", "abcde"),
        ("第一行\n第二行\r\n第三行\t完", "第一行 第二行 第三行 完"),
        ("多   个\u00a0 空格", "多 个 空格"),
        ("１０％", "10%"),
    ],
)
def test_clean_text_examples(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_numbers():
    assert clean_text(13812345678.0) == "13812345678"
    assert clean_text(5) == "5"
    assert clean_text(2.5) == "2.5"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("（010）61712345", "(010)61712345"),
        ("地址：东三旗村", "地址:东三旗村"),
        ("  王＊＊ ", "王**"),
        ("王晓明，李红；张三", "王晓明,李红;张三"),
        ("ｎｕｌｌ", "null"),
        ("\u3000", None),
    ],
)
def test_clean_cell_examples(raw, expected):
    assert clean_cell(raw) == expected


@settings(max_examples=200)
@given(st.text())
def test_clean_text_idempotent_and_tidy(s):
    out = clean_text(s)
    assert clean_text(out) == out
    if out is not None:
        assert out == out.strip()
        assert "  " not in out
        assert not any(unicodedata.category(ch) == "Cc" for ch in out)
        assert not any(ch in out for ch in "\u200b\u200c\u200d\ufeff")


@settings(max_examples=200)
@given(st.text())
def test_clean_cell_idempotent(s):
    out = clean_cell(s)
    assert clean_cell(out) == out


@settings(max_examples=100)
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1))
def test_clean_cell_folds_fullwidth_ascii(s):
    assert clean_cell(_fullwidth(s)) == s


# --- is_missing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [None, float("nan"), pd.NA, pd.NaT, "", "  ", "-", "—", "无", "/", "null", "NULL", "None",
     "nan", "NaN", "－", "／"],
)
def test_is_missing_true(value):
    assert is_missing(value)


@pytest.mark.parametrize("value", ["0", 0, "否", "王某", "无锡", "null值", "--x", 5.0])
def test_is_missing_false(value):
    assert not is_missing(value)


# --- parse_bool -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["是", "Y", "y", "yes", "YES", "true", "True", "1", "有", " 是 ", 1, 1.0, True, "１"]
)
def test_parse_bool_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize(
    "value", ["否", "N", "n", "no", "No", "false", "FALSE", "0", "无", "没有", 0, 0.0, False]
)
def test_parse_bool_false(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", [None, "", "也许", "2", 2, float("nan"), "是否", pd.NA])
def test_parse_bool_unknown(value):
    assert parse_bool(value) is None


# --- parse_int --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5), ("5人", 5), ("５", 5), ("５人", 5), ("5.0", 5), (5.0, 5), (5, 5),
        (" 12 ", 12), ("约30人", 30), ("五人", 5), ("十二", 12), ("二十", 20), ("三十五人", 35),
        ("1,200", 1200), ("10余人", 10), ("5人以上", 5), ("20人左右", 20), ("3 户", 3),
    ],
)
def test_parse_int_examples(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "5.5", 5.5, "abc", "五点五", "5点5", "5公里", True, float("nan"), float("inf"),
     "5人5人"],
)
def test_parse_int_rejects(value):
    assert parse_int(value) is None


@settings(max_examples=100)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "人", "名", " 人", "户"]))
def test_parse_int_roundtrip(n, suffix):
    assert parse_int(f"{n}{suffix}") == n
    assert parse_int(_fullwidth(str(n)) + suffix) == n
    assert parse_int(float(n)) == n


@settings(max_examples=200)
@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans()))
def test_scalar_helpers_never_raise(value):
    clean_text(value)
    clean_cell(value)
    is_missing(value)
    parse_bool(value)
    out = parse_int(value)
    assert out is None or isinstance(out, int)
    if isinstance(value, float) and math.isnan(value):
        assert out is None
