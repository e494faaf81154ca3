"""The compiled cut (jieba-rs) gives the words jieba's own precise mode gives.

Linking cuts every lead's description; ``connectors.tokenizer.cut`` is jieba-rs for
speed, and is only right while it splits text as ``jieba.lcut`` does. Checked on
text written by people who never saw either tokenizer (the sentence banks, in the
four agencies' voices) and on every description of the sample generator.
"""

from __future__ import annotations

import json
from pathlib import Path

import jieba
import pytest

from connectors.tokenizer import cut
from samples.exports import load_units
from samples.synthetic import generate

BANKS = sorted(Path(__file__).parent.glob("risk_bank*/bank.jsonl"))


def _bank_sentences() -> list[str]:
    texts = []
    for bank in BANKS:
        for line in bank.read_text("utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


@pytest.fixture(scope="module")
def reference() -> None:
    jieba.setLogLevel(60)
    jieba.initialize()


def test_the_banks_are_cut_as_jieba_cuts_them(reference: None) -> None:
    texts = _bank_sentences()
    assert len(texts) >= 800 and len(BANKS) >= 7
    differ = [(t, cut(t), jieba.lcut(t)) for t in texts if cut(t) != jieba.lcut(t)]
    assert not differ, differ[:3]


def test_generated_descriptions_are_cut_as_jieba_cuts_them(reference: None) -> None:
    leads = generate(400, 11, units=load_units()).leads
    texts = [t for t in leads["description"] if isinstance(t, str) and t]
    assert len(texts) >= 800
    differ = [(t, cut(t), jieba.lcut(t)) for t in texts if cut(t) != jieba.lcut(t)]
    assert not differ, differ[:3]


def test_mixed_script_text_keeps_the_han_words() -> None:
    """Where the two differ (jieba-rs keeps ``3-502`` whole), only non-Han tokens do;
    linking keeps Han words alone."""
    text = "张某住3-502室，称李某欠款12万元未还，多次到其家中吵闹"
    han = [w for w in cut(text) if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w)]
    ref = [w for w in jieba.lcut(text) if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w)]
    assert han == ref and "欠款" in han
