"""近音同名: names a clerk may have misheard or miscopied share a near-sound key."""

from __future__ import annotations

import jieba
import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from connectors.config import load_config
from connectors.settings import REPO_DATA
from triage.link.compare import FIELD_INDEX, FIELDS, compare_pairs
from triage.link.encode import CorpusStats, encode
from triage.link.features import lead_features, pinyin_key, syllables
from triage.link.sounds import EXACT, Sounds
from triage.link.table import FeatureTable, Vocabularies

SHIPPED = load_config(REPO_DATA).linking.names.sounds()
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


def test_the_shipped_confusions_join_what_the_issue_names() -> None:
    """n/l, -n/-ng, z/zh and look-alike characters; a surname in its own reading (曾 zeng)."""
    for heard, written in (("张宁", "张玲"), ("刘敏", "刘明"), ("周斌", "周兵"), ("郑伟", "曾伟"),
                           ("沈丽", "沉丽"), ("汤洁", "杨洁"), ("牛娟", "刘娟"), ("陈峰", "岑芬")):
        assert SHIPPED.key(heard) == SHIPPED.key(written), (heard, written)
        assert pinyin_key(heard) != pinyin_key(written)  # the same sound alone would not join them
    for one, other in (("王强", "李强"), ("张伟", "张磊"), ("刘敏", "刘梅")):
        assert SHIPPED.key(one) != SHIPPED.key(other), (one, other)


@given(st.text(HAN, min_size=2, max_size=4))
def test_without_confusions_the_key_is_the_sound(name: str) -> None:
    assert Sounds.of().key(name) == pinyin_key(name)
    assert not EXACT


@given(st.text(HAN, min_size=1, max_size=3), st.sampled_from(["沈沉", "汤杨", "戚威"]), st.data())
def test_a_look_alike_anywhere_in_a_name_keeps_its_key(rest: str, group: str, data) -> None:
    sounds = Sounds.of(lookalike=[group])
    at = data.draw(st.integers(0, len(rest)))
    one, other = (rest[:at] + c + rest[at:] for c in group[:2])
    assert sounds.key(one) == sounds.key(other)


@given(st.text(HAN, min_size=1, max_size=4))
def test_merging_sounds_twice_is_merging_once(name: str) -> None:
    """A syllable already in its class stays there, so near keys compare as equals."""
    for syl in syllables(name):
        once = SHIPPED.syllable(syl)
        assert SHIPPED.syllable(once) == once


def _party(rows: list[dict], sounds: Sounds) -> list[str]:
    vocabs = Vocabularies()
    frame = pd.DataFrame(rows)
    table = FeatureTable.coded(lead_features(frame, jieba.lcut, sounds=sounds), vocabs)
    gamma, _ = compare_pairs(encode(table, CorpusStats.of(table, vocabs), vocabs),
                             np.array([[0, 1], [0, 2]]))
    levels = FIELDS[FIELD_INDEX["party"]].levels
    return [levels[g] if g >= 0 else "未知" for g in gamma[:, FIELD_INDEX["party"]]]


def test_two_reporters_near_in_sound_are_their_own_level() -> None:
    """刘敏 at the police and 刘明 at 12345: 近音同名, below 同名同音 (刘明 and 刘铭)."""
    base = {"reporter_name_masked": False, "phones": None, "description": "与邻居因噪音吵架",
            "village_code": "110114115231", "dispute_type": "邻里"}
    rows = [{"id": 1, "reporter_name": "刘敏", **base}, {"id": 2, "reporter_name": "刘明", **base},
            {"id": 3, "reporter_name": "刘珉", **base}]
    assert _party(rows, SHIPPED) == ["近音同名", "同名同音"]
    assert _party(rows, EXACT)[0] != "近音同名"  # a deployment without confusions has no such level
