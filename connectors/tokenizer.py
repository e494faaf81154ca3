"""jieba, set up once per process: the tokenizer the linking core is handed.

The core (``triage.link``) takes a ``cut`` function and a word → part-of-speech
table instead of importing jieba itself, so it holds no tokenizer state and a
test can hand it any splitter.
"""

from __future__ import annotations

from collections.abc import Mapping

import jieba
import jieba.posseg

_ready = False


def cut(text: str) -> list[str]:
    """jieba's precise mode, its dictionary loaded once per process."""
    global _ready
    if not _ready:
        jieba.setLogLevel(60)
        jieba.initialize()
        _ready = True
    return jieba.lcut(text)


def word_tags() -> Mapping[str, str]:
    """jieba's dictionary, word → part of speech: names are tagged ``nr``."""
    cut("")
    return jieba.posseg.dt.word_tag_tab  # type: ignore[no-any-return]


def word_freq() -> Mapping[str, int]:
    """jieba's dictionary, word → frequency: a name is rare there, a word (孙子, 钱财) is not."""
    cut("")
    return jieba.dt.FREQ  # type: ignore[no-any-return]
