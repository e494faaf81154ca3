"""Risk scoring from the shipped lexicon: signals, negation, red flags, history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from triage.risk import RiskConfig, RiskScorer, check_override, level_for


@pytest.fixture(scope="module")
def scorer(config) -> RiskScorer:
    return RiskScorer(config.risk)


def lead(i: int, text: str, source: str = "police", days: int = 0, **kw) -> dict:
    return {"id": i, "source": source, "description": text,
            "reported_at": datetime(2024, 5, 1) + timedelta(days=days), **kw}


def names(a) -> set[str]:
    return {s["signal"] for s in a.signals}


def test_threat_is_a_red_flag_with_its_words(scorer: RiskScorer) -> None:
    a = scorer.score([lead(1, "男方酒后扬言要和她同归于尽，邻居劝阻")])
    assert a.level == "红"
    threat = next(s for s in a.signals if s["signal"] == "扬言伤害/报复")
    assert threat["red_flag"]
    assert any("同归于尽" in e["words"] for e in threat["evidence"])
    assert threat["evidence"][0]["lead_id"] == 1


def test_negation_does_not_count(scorer: RiskScorer) -> None:
    plain = scorer.score([lead(1, "双方因停车位发生口角，没有动手，未受伤")])
    assert "肢体冲突/受伤" not in names(plain)
    assert plain.level == "黄"  # 口角 is heated words (issue 11's policy): 黄, no more
    hit = scorer.score([lead(1, "双方因停车位发生口角，对方动手推搡")])
    assert "肢体冲突/受伤" in names(hit)


def test_domestic_violence_flag_and_text(scorer: RiskScorer) -> None:
    a = scorer.score([lead(1, "其丈夫张某酒后殴打她，脸部淤青", dv_flag=True)])
    assert {"家庭暴力", "肢体冲突/受伤"} <= names(a)
    assert a.level in ("橙", "红")


def test_repeated_accelerating_cross_agency_reports_raise_the_level(scorer: RiskScorer) -> None:
    one = scorer.score([lead(1, "因欠款发生争吵")])
    many = scorer.score([lead(i, "因欠款发生争吵", source=s, days=i)
                         for i, s in enumerate(["police", "hotline_12345", "police", "petition"])])
    assert {"反复报告", "多部门报告", "短期内频繁报告"} <= names(many)
    assert many.score > one.score
    assert level_for(many.score, {"黄": 15, "橙": 35, "红": 60}) == many.level


def test_collective_petition_from_headcount(scorer: RiskScorer) -> None:
    a = scorer.score([lead(1, "反映拖欠工资问题", source="petition", headcount=12,
                           skip_level=True)])
    assert {"集体访", "群体性/越级"} <= names(a)


def test_override_rules() -> None:
    check_override("黄", "红", None)  # raising needs nothing
    with pytest.raises(ValueError, match="理由"):
        check_override("红", "黄", "  ")
    check_override("红", "黄", "双方已达成书面协议，回访确认")


def test_config_validation_names_the_problem(config) -> None:
    raw = config.risk.model_dump()
    raw["levels"] = {"黄": 50, "橙": 30, "红": 60}
    with pytest.raises(ValidationError, match="rise"):
        RiskConfig.model_validate(raw)
    raw = config.risk.model_dump()
    raw["signal"][0]["patterns"] = ["(unclosed"]
    with pytest.raises(ValidationError, match="bad pattern"):
        RiskConfig.model_validate(raw)


def test_a_coordinators_override_is_carried_into_the_next_assessment() -> None:
    from triage.risk import Assessment, reassess

    fresh = Assessment("黄", 20.0, [])
    assert reassess(fresh, None)["level"] == "黄"
    kept = reassess(fresh, {"override_level": "红", "override_by": "张协调员", "override_reason": "电话核实"})
    assert (kept["level"], kept["computed_level"], kept["override_by"]) == ("红", "黄", "张协调员")
    assert kept["override_reason"] == "电话核实"


def test_every_example_in_the_lexicon_fires_its_signal(scorer: RiskScorer, config) -> None:
    for spec in config.risk.signal:
        for text in spec.examples:
            assert spec.name in names(scorer.score([lead(1, text)])), (spec.name, text)


@pytest.mark.parametrize(("text", "level"), [
    ("丈夫没有动手", "蓝"),
    ("女方称丈夫从来不打人", "蓝"),
    ("对方无故殴打其父亲", "橙"),
    ("其未成年儿子被打伤", "橙"),
    ("他不是第一次动手了", "橙"),
    ("称自己没有动手但随后又动手打了李某", "橙"),
    ("商家跳楼价甩卖", "蓝"),
    ("女方以死相逼", "红"),
    ("来访人称已经写了遗书", "红"),
    ("对方放话要他的命", "红"),
    ("双方发生肢体冲突", "橙"),
    ("经鉴定为轻微伤", "橙"),
    ("双方无肢体冲突", "蓝"),
    ("未发现伤情", "蓝"),
    ("对方否认扬言杀人", "蓝"),
    ("她怕对方报复", "蓝"),
    ("因砍价发生口角", "黄"),
    ("准备打官司", "蓝"),
    ("丈夫经常掐她脖子，未见明显外伤", "红"),
])
def test_the_issue_sentences(scorer: RiskScorer, text: str, level: str) -> None:
    assert scorer.score([lead(1, text)]).level == level, text
