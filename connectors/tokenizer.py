"""jieba, set up once per process: the tokenizer the linking core is handed.

The core (``triage.link``) takes a ``cut`` function and a word → part-of-speech
table instead of importing jieba itself, so it holds no tokenizer state and a
test can hand it any splitter.

``cut`` is jieba's precise mode (with its HMM for unknown words) as compiled by
jieba-rs (``rjieba``): the same dictionary and the same algorithm, about 18 times
faster than the pure-Python ``jieba.lcut``, which it matches word for word on every
description of a year's backfill (``tests/test_tokenizer.py`` holds it to that). The
part-of-speech and frequency tables still come from jieba's own dictionary.
"""

from __future__ import annotations

from collections.abc import Mapping

import jieba
import jieba.posseg
import rjieba

_ready = False


def cut(text: str) -> list[str]:
    """jieba's precise mode (with HMM), compiled: the words ``jieba.lcut`` gives."""
    return rjieba.cut(text)  # type: ignore[no-any-return]


def _jieba() -> None:
    global _ready
    if not _ready:
        jieba.setLogLevel(60)
        jieba.initialize()
        _ready = True


def word_tags() -> Mapping[str, str]:
    """jieba's dictionary, word → part of speech: names are tagged ``nr``."""
    _jieba()
    return jieba.posseg.dt.word_tag_tab  # type: ignore[no-any-return]


def word_freq() -> Mapping[str, int]:
    """jieba's dictionary, word → frequency: a name is rare there, a word (孙子, 钱财) is not."""
    _jieba()
    return jieba.dt.FREQ  # type: ignore[no-any-return]
