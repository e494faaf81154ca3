"""The anchors' prefilter never skips a pattern that matches: every match holds an anchor.

Checked on the deployment's own signal patterns over every bank sentence and generated
description, on random strings made of the anchors' own characters (where near misses
are likeliest), and on hand-written expressions with branches, classes and repeats.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samples.exports import load_units
from samples.synthetic import generate
from triage.risk import RiskScorer
from triage.risk.anchors import Prefilter, anchors, guarded, starts_known

HERE = Path(__file__).resolve().parent


def _patterns(config) -> list[re.Pattern[str]]:  # type: ignore[no-untyped-def]
    text = RiskScorer(config.risk).text
    return [p for _, patterns, _, _ in text._signals for p in patterns]


def test_every_signal_pattern_has_anchors(config) -> None:  # type: ignore[no-untyped-def]
    patterns = _patterns(config)
    assert patterns and all(anchors(p) for p in patterns)


def test_no_match_in_the_banks_or_generated_text_lacks_an_anchor(config) -> None:  # type: ignore[no-untyped-def]
    texts = [json.loads(line)["text"] for bank in sorted(HERE.glob("risk_bank*/bank.jsonl"))
             for line in bank.read_text("utf-8").splitlines() if line.strip()]
    texts += generate(150, 7, units=load_units()).leads["description"].dropna().tolist()
    patterns = _patterns(config)
    prefilter = Prefilter(patterns)
    matched = 0
    for text in texts:
        may = prefilter.candidates(text)
        for i, p in enumerate(patterns):
            if p.search(text):
                matched += 1
                assert i in may, (p.pattern[:60], text)
    assert matched > 1000  # the check saw real matches, not only misses


@pytest.fixture(scope="module")
def anchored(config) -> list[tuple[re.Pattern[str], frozenset[str]]]:  # type: ignore[no-untyped-def]
    return [(p, anchors(p) or frozenset()) for p in _patterns(config)]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_random_strings_of_anchors_and_their_characters(anchored, data) -> None:  # type: ignore[no-untyped-def]
    pieces = sorted({a for _, found in anchored for a in found})
    chars = "".join(sorted({c for a in pieces for c in a})) + "，。他她我的了"
    parts = data.draw(st.lists(st.one_of(st.sampled_from(pieces), st.text(alphabet=chars, max_size=3)),
                               min_size=1, max_size=12))
    text = "".join(parts)
    for p, found in anchored:
        assert p.search(text) is None or any(a in text for a in found), (p.pattern[:60], text)


@pytest.mark.parametrize(("pattern", "matching", "missing"), [
    ("(?:扬言|威胁).{0,16}(?:杀了|弄死)", "他扬言要弄死她", "他说要弄死她"),
    ("[掐卡].{0,4}(?:脖|喉)", "卡住她的喉咙", "按住她的喉咙"),
    ("(?<!被)打(?:断|折)了?.{0,4}腿", "把他腿打断了腿", "把他腿踢断了"),
    ("(?:一|两)?(?:把|根)(?:刀|棍)(?!当)", "拿起把刀", "拿起刀"),
    ("(?:看|见)(?:到)+了?血", "看到到了血", "看了血"),
])
def test_hand_written_expressions(pattern: str, matching: str, missing: str) -> None:
    compiled = re.compile(pattern)
    found = anchors(compiled)
    assert found is not None
    assert compiled.search(matching) and any(a in matching for a in found)
    # the anchors are selective: a text with none of them is skipped, and it had no match
    assert not any(a in missing for a in found) and compiled.search(missing) is None


def test_a_pattern_that_can_match_anything_is_always_run() -> None:
    loose = re.compile(".{0,3}")
    prefilter = Prefilter([loose, re.compile("弄死")])
    assert anchors(loose) is None
    assert prefilter.candidates("天气很好") == {0}
    assert prefilter.candidates("要弄死他") == {0, 1}


def _alternations(config) -> list[str]:  # type: ignore[no-untyped-def]
    neg = config.risk.negation
    return ["|".join(f"(?:{p})" for p in ps if p) for ps in (
        config.risk.decoys, neg.scenes, neg.refutations, neg.resolved, neg.past, neg.conditional,
        neg.advice, neg.speech, neg.law)]


def test_a_guarded_alternation_finds_what_the_plain_one_finds(config) -> None:  # type: ignore[no-untyped-def]
    texts = [json.loads(line)["text"] for bank in sorted(HERE.glob("risk_*/bank.jsonl"))
             for line in bank.read_text("utf-8").splitlines() if line.strip()]
    guarded_any = False
    for source in _alternations(config):
        plain, fast = re.compile(source), guarded(source)
        guarded_any |= fast.pattern != source
        for text in texts:
            assert [m.span() for m in plain.finditer(text)] == [m.span() for m in fast.finditer(text)]
    assert guarded_any


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_guarding_keeps_the_matches_of_random_expressions(data) -> None:  # type: ignore[no-untyped-def]
    atoms = ["打", "死", "[打砍]", "(?:刀|棍)", "[^，。]{0,2}", "(?<!被)打", "了?", "(?:要|就)?", "[\u4e00-\u9fa5]"]
    source = "".join(data.draw(st.lists(st.sampled_from(atoms), min_size=1, max_size=5)))
    text = data.draw(st.text(alphabet="打死砍刀棍被要就了，。他", max_size=30))
    assert ([m.span() for m in re.finditer(source, text)]
            == [m.span() for m in guarded(source).finditer(text)]), source


def test_a_decoy_that_can_start_anywhere_is_run_apart(config) -> None:  # type: ignore[no-untyped-def]
    # the form field decoy (越级：否) starts with any CJK character; the rest keep their guard
    assert not starts_known("[\u4e00-\u9fff]{1,6}[：:]\\s*(?:否|无)")
    assert starts_known("跳楼价") and starts_known("(?:拿着|拿)?刀")
    text = RiskScorer(config.risk).text
    assert text._decoys is not None and text._decoys.pattern.startswith("(?=[")
    assert text.hits(1, "信访事项：反映路灯。越级：否。重复：否。") == []
