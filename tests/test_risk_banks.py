"""The detector on the sentence banks it was developed on: floors that keep what was gained.

Development banks (their misses were read while rules were written): ``tests/risk_bank``,
``risk_bank3``, ``risk_bank4``, ``risk_bank6``; since session 25 also ``risk_bank2``,
``risk_bank5`` and all of ``risk_bank7`` (held out until then, each measured on arrival),
and the even ids of ``risk_bank8`` and of the long documents ``risk_docs`` and ``risk_docs2``.
Held out: the odd ids of ``tests/risk_bank8`` (500 sentences by two helpers from the policy
alone), ``risk_docs`` and ``risk_docs2`` (120 documents each, by two more); their misses are
not read and no test fits them; ``bench/risk_bank.py --bank …`` reports each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.domain import RISK_LEVELS
from triage.risk import RiskScorer

HERE = Path(__file__).resolve().parent
RED = {"threat", "weapon", "suicide", "dv_injury", "strangulation", "order_breach"}


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (HERE / name / "bank.jsonl").read_text("utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def scorer(config) -> RiskScorer:
    return RiskScorer(config.risk)


def _level(scorer: RiskScorer, text: str) -> str:
    return scorer.score([{"id": 1, "description": text}]).level


def test_every_red_flag_of_the_development_bank_is_mostly_caught(scorer: RiskScorer) -> None:
    rows = _rows("risk_bank")
    for flag in sorted(RED):
        carried = [r for r in rows if flag in r["signals"]]
        caught = sum(_level(scorer, r["text"]) == "红" for r in carried)
        assert caught / len(carried) >= 0.93, (flag, caught, len(carried))


def test_red_flags_worded_many_ways_are_mostly_caught(scorer: RiskScorer) -> None:
    rows = [r for r in _rows("risk_bank6") if r["level"] == "红"]
    caught = sum(_level(scorer, r["text"]) == "红" for r in rows)
    assert caught / len(rows) >= 0.85, (caught, len(rows))


def test_negated_hedged_and_decoy_sentences_stay_quiet(scorer: RiskScorer) -> None:
    rank = RISK_LEVELS.index
    for name in ("risk_bank", "risk_bank3", "risk_bank4"):
        quiet = [r for r in _rows(name) if r["kind"] in ("negated", "hedged", "decoy")]
        over = [r["id"] for r in quiet if rank(_level(scorer, r["text"])) > rank(r["level"])]
        assert len(over) / len(quiet) <= 0.025, (name, over)


def _even(rows: list[dict]) -> list[dict]:
    return [r for r in rows if int(r["id"][1:]) % 2 == 0]


@pytest.mark.parametrize(("name", "half", "most"), [
    # quiet sentences scored above their label, at most (measured when the bank was read:
    # bank2 12/208, bank5 6/217, bank7 12/300, bank8's even half 3/174)
    ("risk_bank2", False, 0.07), ("risk_bank5", False, 0.04), ("risk_bank7", False, 0.05),
    ("risk_bank8", True, 0.03),
    # long documents: those below 红 (risk_docs' even half 0/39, risk_docs2's 2/39 when read)
    ("risk_docs", True, 0.03), ("risk_docs2", True, 0.06),
])
def test_the_banks_read_later_stay_quiet(scorer: RiskScorer, name: str, half: bool, most: float) -> None:
    rank = RISK_LEVELS.index
    rows = _even(_rows(name)) if half else _rows(name)
    rows = [r for r in rows if r.get("needs") != "case"]  # a level from the case's other leads
    quiet = [r for r in rows if r["kind"] in ("negated", "hedged", "decoy")
             or (r["kind"] == "document" and r["level"] != "红")]
    over = [r["id"] for r in quiet if rank(_level(scorer, r["text"])) > rank(r["level"])]
    assert len(over) / len(quiet) <= most, over


@pytest.mark.parametrize(("name", "half", "least"), [
    # 红 sentences scored 红, at least (bank2 146/148, bank5 115/121, bank7 49/52,
    # bank8's even half 57/68)
    ("risk_bank2", False, 0.97), ("risk_bank5", False, 0.93), ("risk_bank7", False, 0.92),
    ("risk_bank8", True, 0.82), ("risk_docs", True, 0.97), ("risk_docs2", True, 0.97),
])
def test_the_banks_read_later_keep_their_red(scorer: RiskScorer, name: str, half: bool, least: float) -> None:
    rows = [r for r in (_even(_rows(name)) if half else _rows(name))
            if r["level"] == "红" and r.get("needs") != "case"]
    caught = sum(_level(scorer, r["text"]) == "红" for r in rows)
    assert caught / len(rows) >= least, (caught, len(rows))


# Sentences written for each rule of reading (not bank sentences): what each says, and the
# level the policy gives it. Each group added since session 25 failed before its rule was written.
READINGS = [
    # -- a story a joke or hearsay is no fact unless denied
    # a what-if with advice asks; a retold conditional threat is a threat
    ("来访人询问，如果丈夫以后真的动手，她应该先去医院验伤还是先报警。", "蓝"),
    ("对方称如果再不还钱就弄死他，来电人询问应该怎么办。", "红"),
    # over and done, unless it came back
    ("来访人说以前丈夫喝了酒会骂她，自从戒酒后已经一年多没再发生过。", "蓝"),
    ("以前丈夫喝了酒会打她，戒酒后没再打过，昨晚又喝醉把她打得鼻青脸肿。", "红"),
    # what was found instead
    ("报警人称看到有人拿着长刀站在路边，民警到场后发现是水果摊摊主在切西瓜。", "蓝"),
    ("我在写一部悬疑小说，凶手用绳子勒死被害人后伪造现场。", "蓝"),
    ("他说要弄死我，这不是开玩笑。", "红"),
    ("我妈说再不结婚就打断我的腿，哈哈。", "蓝"),
    ("他说要打断我的腿，不是调侃，我很害怕。", "红"),
    # -- a denial reaches back only as far as what it denies
    # a denial with its own object denies that object and what is as grave, not the quarrel
    ("双方因停车位发生口角，均否认有推搡行为。", "黄"),
    ("两人吵了几句，对方也没说过狠话。", "黄"),
    ("两家为排水沟吵过架，双方均否认有争吵以外的行为，也否认有过争吵。", "蓝"),
    # ... and denies a graver claim told before it
    ("原告称被告持刀威胁，但报警记录显示被告手中并无刀具。", "蓝"),
    # a claim the refutation names in its own clause is all it answers
    ("双方婚后经常争吵，原告关于感情确已破裂的主张本院不予支持。", "黄"),
    ("原告称被告打了她，被告当庭否认，本院对该主张不予采信。", "蓝"),
    # -- a consequence is read with its condition
    # a consequence is read with its condition: the threat is in the two together
    ("男方称如果女方不回家，他就去她娘家要她全家的命。", "红"),
    ("对方说不还钱，就叫来电人横着出去。", "红"),
    # ... and a condition's hedge or negation does not reach into the consequence's harm,
    # nor does joining make a harm out of nothing
    ("如果对方再来闹，来电人就报警处理。", "蓝"),
    ("男方没有工作，就天天在家喝酒。", "蓝"),
    # -- quotations hedges and jokes
    # a hedge outside a quotation covers the whole quotation, its own turns included
    ("网友求助：离婚时如果对方威胁“你敢要房子我就弄死你”，录音有没有用", "蓝"),
    ("他说“你敢要房子我就弄死你”，来电人担心他真会上门。", "红"),
    # a joke is a joke even when its word is also a decoy
    ("同事说这个方案再改下去就要跟甲方“同归于尽”了，笑死我了。", "蓝"),
    # -- the words of a law are no fact
    # the words of a law, cited or stated as a general rule, tell no fact of the case
    ("《中华人民共和国反家庭暴力法》第二条规定，本法所称家庭暴力，是指家庭成员之间以殴打、捆绑、"
     "残害、限制人身自由以及经常性谩骂、恐吓等方式实施的身体、精神等侵害行为。", "蓝"),
    ("根据《治安管理处罚法》第四十三条，殴打他人的，或者故意伤害他人身体的，处五日以上十日以下拘留。", "蓝"),
    ("被申请人违反人身安全保护令，构成犯罪的，依法追究刑事责任。", "蓝"),
    # ... while the facts a court applies it to stay facts
    ("本院认为，被告人王某持刀故意伤害他人身体，致一人轻伤，其行为已构成故意伤害罪，"
     "依照《中华人民共和国刑法》第二百三十四条之规定，判决如下。", "红"),
    ("被告违反《反家庭暴力法》，多次殴打原告致其肋骨骨折。", "红"),
    ("丈夫持刀威胁要杀她的，民警当场将其控制。", "红"),
    # -- a listed pattern keeps its own negation
    # a lexicon word written as a pattern (熬不下去了?, ……站不起来) keeps the negation in it
    ("来电人称母亲昨晚在电话里说“实在熬不下去了”，之后一直联系不上。", "红"),
    ("对方当众扬言要让来电人“这辈子都站不起来”。", "红"),
    # and a negation that is only a negation still negates
    ("民警告知双方不得携带刀具到对方家中。", "蓝"),
    # -- forms years and definitions
    # a register's field answered no names no signal; answered with a headcount it does
    ("信访事项：反映路灯损坏。人数：1人。重复：否。越级：否。诉求：尽快维修。", "蓝"),
    ("信访事项：某厂拖欠工资。人数：23人。重复：否。越级：否。诉求：支付工资。", "橙"),
    # what a text dates years before its newest year is history
    ("双方2019年曾因宅基地扬言要砍死对方，经调解和好。2024年3月双方就修路出资平和协商。", "蓝"),
    ("2024年3月，男方扬言要砍死女方全家，女方连夜报警。", "红"),
    # a definition is the law's, not the case's; 可是指着 is no definition
    ("工作人员讲解：家庭暴力是指家庭成员之间以殴打、恐吓等方式实施的侵害行为。", "蓝"),
    ("对方没拿刀，可是指着报警人的鼻子说“出了这个门我就废了你”。", "红"),
    # -- claims findings and what is over
    # a claim the finding answers is denied; a word that only holds a turn's character (就医)
    # does not end a negation's scope
    ("原告诉称：被告经常对原告实施家庭暴力。经审理查明：原告未能提交报警记录、就医记录。"
     "本院认为，原告主张家庭暴力证据不足，不予认定。", "蓝"),
    ("原告诉称：被告经常对原告实施家庭暴力。经审理查明：被告曾两次殴打原告致其就医。", "红"),
    # an old event the text says is over since is history
    ("被告辩称：原告曾因持刀伤害被告被判刑。经审理查明：此后八年双方未发生冲突。", "蓝"),
    # -- refutations that name what they deny
    # a lexicon pattern's own negation is its own (连人带货一起没了)
    ("对方称“你再敢去法院告我哥，我让你家小卖部连人带货一起没了”。", "红"),
    # a refutation that names what it denies denies that, not the quarrel told before it
    ("来电人情绪激动，但表示自己绝对不会做傻事，只是要个说法。", "黄"),
    ("来电人说要去做傻事，随后挂断电话。", "红"),
]


@pytest.mark.parametrize(("text", "level"), READINGS)
def test_sentences_are_read_as_the_policy_says(scorer: RiskScorer, text: str, level: str) -> None:
    assert _level(scorer, text) == level
