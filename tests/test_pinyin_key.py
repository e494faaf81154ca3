"""A name's pinyin key is pypinyin's own reading of it, however it is computed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from triage.link.features import pinyin_key
from triage.normalize.names import COMMON_SURNAMES

# surnames, characters of given names, and characters that form words with them
# (重庆, 长江, 银行): the phrase table changes a character's reading inside a word
WORDS = [w for w in PHRASES_DICT if len(w) == 2][:3000]
CHARS = sorted(set(COMMON_SURNAMES) | set("".join(WORDS)) | set("晓小明华军伟芳娜秀英敏静丽强磊洋艳勇杰涛超"))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(CHARS), min_size=1, max_size=6))
def test_the_key_is_pypinyins_reading(text: str) -> None:
    assert pinyin_key(text) == "".join(lazy_pinyin(text))


@given(st.sampled_from(WORDS), st.sampled_from(sorted(COMMON_SURNAMES)))
def test_a_word_inside_a_name_reads_as_that_word(word: str, surname: str) -> None:
    for text in (surname + word, word + surname, word):
        assert pinyin_key(text) == "".join(lazy_pinyin(text))


def test_worked_examples() -> None:
    assert pinyin_key("王晓明") == pinyin_key("王小明") == "wangxiaoming"
    assert pinyin_key("重庆") == "chongqing"  # not zhongqing: the word's own reading
