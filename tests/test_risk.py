"""Risk scoring from the shipped lexicon: signals, negation, red flags, history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from triage.risk import RiskConfig, RiskScorer, check_override


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


def test_a_case_of_three_leads_is_yellow_not_orange(scorer: RiskScorer) -> None:
    one = scorer.score([lead(1, "因欠款问题来电咨询")])
    many = scorer.score([lead(i, "因欠款问题来电咨询", source=s, days=i)
                         for i, s in enumerate(["police", "hotline_12345", "police", "petition"])])
    assert (one.level, many.level) == ("蓝", "黄")
    assert "反复报告" in names(many)


ESCALATING = [("hotline_12345", "市民来电反映与丈夫因琐事发生争吵"),
              ("womens_federation", "来访妇女称丈夫经常辱骂恐吓她，不让她出门"),
              ("police", "报警称其丈夫酒后将其推倒在地，双方发生推搡")]


def test_escalation_across_agencies_within_30_days_is_red(scorer: RiskScorer) -> None:
    fast = scorer.score([lead(i, t, source=s, days=6 * i) for i, (s, t) in enumerate(ESCALATING)])
    assert fast.level == "红" and "升级态势" in fast.red_flags
    slow = scorer.score([lead(i, t, source=s, days=20 * i) for i, (s, t) in enumerate(ESCALATING)])
    assert slow.level == "橙"  # 40 days: DV without injury, no escalation
    one_agency = scorer.score([lead(i, t, days=6 * i) for i, (_, t) in enumerate(ESCALATING)])
    assert one_agency.level == "橙"
    flat = scorer.score([lead(i, "双方因琐事发生推搡", source=s, days=3 * i)
                         for i, (s, _) in enumerate(ESCALATING)])
    assert flat.level == "橙"  # physical from the first lead: no worse than the first


def test_signals_fade_but_a_new_incident_after_red_is_red(scorer: RiskScorer) -> None:
    red = lead(1, "对方扬言要砍死他", days=0)
    quiet = scorer.score([red], now=red["reported_at"] + timedelta(days=120))
    assert quiet.level == "蓝"
    assert [s["signal"] for s in quiet.history] == ["扬言伤害/报复"]
    again = [red, lead(2, "双方再次因宅基地发生争吵", source="hotline_12345", days=119)]
    renewed = scorer.score(again, now=red["reported_at"] + timedelta(days=120))
    assert renewed.level == "红" and "既往红色风险" in renewed.red_flags
    late = [red, lead(2, "双方再次因宅基地发生争吵", days=400)]
    assert scorer.score(late, now=red["reported_at"] + timedelta(days=401)).level == "黄"


def test_a_person_red_in_another_case_makes_a_new_incident_red(scorer: RiskScorer) -> None:
    from triage.risk import assess_cases

    cases = {"A": [lead(1, "其丈夫酒后手持菜刀追砍她", person_id=7, days=0)],
             "B": [lead(2, "因宅基地边界与邻居发生口角", person_id=7, days=30)],
             "C": [lead(3, "因宅基地边界与邻居发生口角", person_id=8, days=30)]}
    out, keys = assess_cases(scorer, cases, now=datetime(2024, 6, 5))
    assert out["A"].level == "红"
    assert out["B"].level == "红" and "当事人既往红色风险" in out["B"].red_flags
    assert out["C"].level == "黄"
    assert [(k.person_id, k.case_ids, k.red_case_ids) for k in keys] == [(7, ["A", "B"], ["A"])]
    assert "重点人员" in names(out["A"])


def test_collective_petition_from_headcount(scorer: RiskScorer) -> None:
    a = scorer.score([lead(1, "反映拖欠工资问题", source="petition", headcount=12,
                           skip_level=True)])
    assert "集体访" in names(a) and a.level == "橙"
    assert "群体性/越级" not in names(a)  # skip-level counts only on a repeated petition
    b = scorer.score([lead(1, "反映拖欠工资问题", source="petition", headcount=2,
                           skip_level=True, repeat_flag=True)])
    assert "群体性/越级" in names(b) and b.level == "橙"


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
    kept = reassess(fresh, {"override_level": "红", "override_by": "张协调员", "override_reason": "电话核实",
                            "override_from": "黄"})
    assert (kept["level"], kept["computed_level"], kept["override_by"]) == ("红", "黄", "张协调员")
    assert kept["override_reason"] == "电话核实"


def test_a_raise_never_hides_a_higher_computed_level() -> None:
    from triage.risk import Assessment, reassess

    raised = {"override_level": "橙", "override_by": "李", "override_from": "蓝"}
    assert reassess(Assessment("红", 60.0, []), raised)["level"] == "红"
    assert reassess(Assessment("黄", 15.0, []), raised)["level"] == "橙"


def test_a_new_red_lead_lifts_a_lowered_override_and_says_so(scorer: RiskScorer) -> None:
    from triage.risk import reassess

    t0 = datetime(2024, 5, 10)
    first = lead(1, "对方扬言要弄死他", updated_at=datetime(2024, 5, 1))
    lowered = {"override_level": "黄", "override_by": "王协调员", "override_reason": "已当面化解",
               "override_at": t0, "override_from": "红"}
    a = scorer.score([first])
    lowered["signals"] = a.signals  # the assessment the override was made on
    same = reassess(a, lowered, {1: datetime(2024, 5, 1)})
    assert (same["level"], same["override_level"], same["note"]) == ("黄", "黄", None)
    second = lead(2, "对方又拿着菜刀到他家门口", days=12, updated_at=datetime(2024, 5, 13))
    b = scorer.score([first, second])
    lifted = reassess(b, lowered, {1: datetime(2024, 5, 1), 2: datetime(2024, 5, 13)})
    assert lifted["level"] == "红" and lifted["override_level"] is None
    assert "线索#2" in lifted["note"] and "王协调员" in lifted["note"]


def test_the_explanation_quotes_each_signal_with_agency_date_and_deadline(scorer: RiskScorer,
                                                                           config) -> None:
    from triage.risk import due, explain, reassess

    a = scorer.score([lead(5, "报警人称其丈夫酒后手持菜刀堵在卧室门口"),
                      lead(6, "来访妇女称丈夫经常辱骂她", source="womens_federation", days=3)])
    record = reassess(a, None)
    since = datetime(2024, 5, 4, 9, 0)
    text = explain(record, config.risk.deadlines["红"], due(since, config.risk.deadlines["红"]), 90)
    assert text.startswith("风险等级：红")
    assert "持械" in text and "手持菜刀" in text and "2024-05-01" in text and "线索#5" in text
    assert "派出所" in text and "妇联" in text
    assert "2小时" in text and "2024-05-04 11:00" in text


def test_working_day_deadlines_skip_the_weekend(config) -> None:
    from triage.risk import Deadline, due

    friday = datetime(2024, 5, 3, 16, 0)
    assert due(friday, Deadline(working_days=3)) == datetime(2024, 5, 8, 16, 0)
    assert due(friday, Deadline(hours=24)) == datetime(2024, 5, 4, 16, 0)
    with pytest.raises(ValidationError, match="exactly one"):
        Deadline(hours=2, days=1)


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


def test_structured_signals_of_the_exports(scorer: RiskScorer) -> None:
    urgent = scorer.score([lead(1, "市民来电反映邻居装修噪音", source="hotline_12345",
                                urgency="紧急")])
    assert "紧急工单" in names(urgent) and urgent.level == "蓝"  # shown; no level on its own
    flagged = scorer.score([lead(1, "来访妇女咨询离婚财产分割", source="womens_federation",
                                 dv_flag=True, extra={"referral": "协助申请人身安全保护令"})])
    assert {"家庭暴力", "申请保护令"} <= names(flagged) and flagged.level == "橙"
    repeat = scorer.score([lead(1, "反映征地补偿", source="petition", repeat_flag=True)])
    assert repeat.level == "蓝"


@pytest.mark.parametrize(("text", "signal", "actor", "target"), [
    ("报警人称其丈夫酒后扬言要砍死她", "扬言伤害/报复", "其丈夫", "她"),
    ("来电人称对方放话要他的命", "扬言伤害/报复", "对方", "他"),
    ("来访妇女称丈夫酒后手持菜刀堵在门口", "持械", "丈夫", None),
])
def test_a_signal_records_the_actor_and_target_as_written(scorer: RiskScorer, text: str,
                                                          signal: str, actor: str,
                                                          target: str | None) -> None:
    found = next(s for s in scorer.score([lead(1, text)]).signals if s["signal"] == signal)
    ev = found["evidence"][0]
    assert (ev["actor"], ev["target"]) == (actor, target)


@pytest.mark.parametrize("text", [
    "来电人系低保户，反映邻居装修噪音", "当事人为残疾人，因宅基地边界与邻居有分歧",
    "双方均为少数民族，因土地承包问题来访", "来访人为外地户口的外来务工人员，反映租房押金未退",
    "信访人无业，生活困难，反映拆迁补偿",
])
def test_no_signal_stands_in_for_poverty_disability_ethnicity_or_household(
        scorer: RiskScorer, text: str) -> None:
    assert scorer.score([lead(1, text)]).signals == []


def test_text_found_in_worker_processes_scores_as_in_process(scorer: RiskScorer, config) -> None:
    """A history's first scoring reads descriptions in worker processes (flows.pool): the
    same hits, so the same assessments, as reading them in the scoring process."""
    import json
    from pathlib import Path

    from flows.pool import pooled_text_hits
    from triage.risk import assess_cases

    bank = Path(__file__).parent / "risk_bank7" / "bank.jsonl"
    texts = [json.loads(line)["text"] for line in bank.read_text("utf-8").splitlines()[:238]]
    # two texts whose history depends on the year the lead was reported
    texts += ["双方2021年曾因宅基地扬言要砍死对方，此后未再来往。", "男方2023年扬言要砍死女方全家。"]
    pairs = [(i + 1, t, 2024) for i, t in enumerate(texts)] + [(999, None, None)]
    found = pooled_text_hits(config.risk, 2, pairs, chunk=50)
    assert found.keys() == {i for i, _t, _y in pairs}
    assert any(found.values())
    assert {i: [(h.signal, h.evidence) for h in found[i]] for i, _t, _y in pairs} == \
        {i: [(h.signal, h.evidence) for h in scorer.text_hits(i, t, y)] for i, t, y in pairs}
    assert not found[239] and found[240]  # 2021 is history in 2024; 2023 is not
    cases = {f"C{k}": [lead(i + 1, texts[i], days=i % 20) for i in range(k, 240, 12)] for k in range(12)}
    alone, _ = assess_cases(scorer, cases, now=datetime(2024, 7, 1))
    pooled, _ = assess_cases(scorer, cases, now=datetime(2024, 7, 1), text_hits=found)
    assert {c: (a.level, a.score, a.red_flags) for c, a in pooled.items()} == \
        {c: (a.level, a.score, a.red_flags) for c, a in alone.items()}


def test_what_a_text_dates_years_before_its_report_is_history(scorer: RiskScorer) -> None:
    text = "调解员了解到，男方2019年曾扬言要砍死女方全家，双方今年为孩子学费再起争执。"
    then = {"id": 1, "source": "mediation", "description": text, "reported_at": datetime(2019, 8, 1)}
    now = {**then, "reported_at": datetime(2024, 8, 1)}
    assert scorer.score([then], now=datetime(2019, 8, 2)).level == "红"
    assert scorer.score([now], now=datetime(2024, 8, 2)).level == "黄"  # the quarrel is today's
