"""Linking leads into cases: evidence, conflicts, chaining, stability, incremental runs."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from typing import Any

import jieba
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samples.synthetic import generate
from triage.link import LinkConfig, link
from triage.link.blocking import candidate_pairs, lead_keys
from triage.link.compare import FIELD_INDEX, FIELDS, compare_pairs
from triage.link.encode import CorpusStats, encode, house_parts
from triage.link.factors import FACTORS
from triage.link.features import (
    NO_SUBJECTS,
    UNKEYED,
    Subjects,
    amounts,
    house_signature,
    lead_features,
    masked_mentions,
    name_candidates,
    pinyin_key,
    relation_spans,
    street_of,
    without_reporter,
)
from triage.link.table import FeatureTable, Ragged, Vocabularies

CONFIG = LinkConfig(stopwords=["市民", "反映", "报警", "发生", "纠纷", "双方"])
BASE = datetime(2024, 3, 1, 9)


def lead(lid: int, day: float, **kw) -> dict:
    row = {"id": lid, "source": "police", "reported_at": BASE + timedelta(days=day),
           "reporter_name": None, "reporter_name_masked": False, "phones": None,
           "reporter_id": None, "reporter_id_valid": None, "district": "昌平区",
           "town": "北七家镇", "village": "东三旗村", "village_code": "110114115231",
           "address": None, "dispute_type": "邻里", "description": "", "person_id": None}
    row.update(kw)
    return row


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


_POPULATION: list[dict] = []


def background(n: int) -> list[dict]:
    """Generated leads of other cases (ids from 10001), so weights are estimated from a
    realistic population; ``n`` is kept for readability, the population is fixed."""
    if not _POPULATION:
        from samples.exports import load_units

        data = generate(300, 11, units=load_units())
        codes = data.cases.set_index("case_id")
        for k, r in enumerate(data.leads.to_dict("records")):
            name = r["reporter_name"] if isinstance(r["reporter_name"], str) else None
            _POPULATION.append(lead(
                10001 + k, 0, reported_at=r["reported_at"], reporter_name=name,
                reporter_name_masked=bool(name) and any(m in name for m in "某*士生"),
                phones=[r["reporter_phone"]] if isinstance(r["reporter_phone"], str) else None,
                village_code=codes.loc[r["case_id"], "village_code"],
                dispute_type=codes.loc[r["case_id"], "dispute_type"],
                address=r["address"], description=r["description"]))
    return list(_POPULATION)


def test_pinyin_masked_and_mention_features() -> None:
    assert pinyin_key("王晓明") == pinyin_key("王小明")
    assert masked_mentions("与丈夫林民金发生争吵，邻居鲁某劝架") == {"鲁"}
    assert masked_mentions("与邻居老李因车位吵架，老王来劝") == {"李", "王"}
    assert masked_mentions("老公和老太太吵架，老师来劝，老区改造") == set()
    assert "林民金" in relation_spans("与丈夫林民金发生争吵，邻居鲁某劝架")
    assert "王晓明" in name_candidates("与王晓明发生争执")
    assert "张志" not in name_candidates("其儿子张志涛与物业负责人王悦争执")  # 张志涛 is not 张志
    assert {"张志涛", "王悦"} <= name_candidates("其儿子张志涛与物业负责人王悦因供暖争执")


def test_the_reporter_is_not_taken_for_a_counterpart() -> None:
    assert masked_mentions(without_reporter("事主陈先生称与邻居王某争吵", None)) == {"王"}
    assert masked_mentions(without_reporter("刘某报警称与其丈夫刘某争吵", None)) == {"刘"}
    assert masked_mentions(without_reporter("报警人刘女士称邻居张某吵闹", None)) == {"张"}
    assert relation_spans(without_reporter("报警人王华鹏称与邻居李四争吵", "王华鹏")) == {"李四"}


def test_a_name_is_one_span_two_or_three_characters_long() -> None:
    """Sisters 刘素英 and 刘素凤 must not agree on 刘素; 陈刚因 is 陈刚, not 陈刚因."""
    assert relation_spans("与妹妹刘素英因遗产分割争吵") == {"刘素英"}
    assert relation_spans("与妹妹刘素凤因遗产分割争吵") == {"刘素凤"}
    assert relation_spans("与丈夫陈刚因酒后吵闹发生口角") == {"陈刚"}
    assert relation_spans("与丈夫陈刚亮和婆婆争吵") == {"陈刚亮"}
    assert relation_spans("与楼上住户冯萱梓因噪音争吵") == {"冯萱梓"}  # a neighbour by place
    assert "王明" in relation_spans("与项目负责人王明因工钱争吵")  # 项目负: a word, dropped later
    assert relation_spans("与东邻王志因宅基地争吵，与顾客李明因退款争吵") == {"王志", "李明"}  # not 东邻王
    text = "与康桥建设工程公司因夜间施工噪音争执，金隅物业不管"  # brands, not people
    assert not relation_spans(text) and not {"康桥建", "康桥", "金隅"} & name_candidates(text)


def test_words_after_relation_words_are_not_names() -> None:
    """与项目负责人 (frequent) and 与万科物业 (a dictionary word) name nobody; 丈夫林民金 does."""
    rows = [lead(i, i % 30, description="与项目负责人因工钱发生争执") for i in range(1, 40)]
    rows += [lead(40, 1, description="与万科物业因暖气不热发生争执"),
             lead(41, 2, description="与丈夫林民金发生争吵")]
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut), vocabs)
    enc = encode(table, CorpusStats.of(table, vocabs), vocabs,
                 lexicon={"万科": "nz", "项目": "n"})

    def decoded(ragged: Ragged, kind: str, row: int) -> set[str]:
        strings = vocabs[kind].strings
        return {strings[c] for c in ragged.values[ragged.offsets[row]:ragged.offsets[row + 1]]}

    assert decoded(enc.named, "pinyin", 0) == set() == decoded(enc.mentioned, "surname", 0)
    assert decoded(enc.named, "pinyin", 39) == set() == decoded(enc.mentioned, "surname", 39)
    assert pinyin_key("林民金") in decoded(enc.named, "pinyin", 40)
    assert decoded(enc.mentioned, "surname", 40) == {"林"}


def test_sums_of_money_are_read_in_yuan() -> None:
    assert amounts("欠款12万元不还，另有装修款3.5万") == {"120000", "35000"}
    assert amounts("借款120000元到期不还") == amounts("借款12万元到期不还")
    assert amounts("住22号楼4单元702，2024年3月") == set()  # numbers without a unit are not sums


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9999), st.sampled_from(["万元", "万", "千元", "元"]),
       st.text(alphabet="欠款不还因与号楼，。", max_size=8))
def test_a_sum_reads_the_same_in_any_unit(value: int, unit: str, context: str) -> None:
    scale = {"万元": 10_000, "万": 10_000, "千元": 1_000, "元": 1}[unit]
    assert amounts(f"{context}{value}{unit}{context}") == {str(value * scale)}
    assert amounts(f"{context}{value * scale}元") == {str(value * scale)}


def test_a_name_in_its_own_characters_counts_more_than_by_sound() -> None:
    """刘铭晨 named in the very characters is one level above 刘明晨 (the same sound), and a
    sum of money agrees or conflicts."""
    rows = [lead(1, 0, reporter_name="刘铭晨", description="与妻子因欠款12万元不还发生争吵"),
            lead(2, 1, reporter_name="张梓梓", description="与丈夫刘铭晨因借款120000元吵架"),
            lead(3, 2, reporter_name="张梓梓", description="与丈夫刘明晨因欠款8万元吵架")]
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut), vocabs)
    enc = encode(table, CorpusStats.of(table, vocabs), vocabs)
    gamma, _ = compare_pairs(enc, np.array([[0, 1], [0, 2]]))
    party = FIELDS[FIELD_INDEX["party"]].levels
    assert [party[g] for g in gamma[:, FIELD_INDEX["party"]]] == ["提及对方全名", "提及对方姓名"]
    assert gamma[:, FIELD_INDEX["amount"]].tolist() == [1, 0]


def _levels(rows: list[dict], pairs: list[list[int]], field: str,
            subjects: Subjects = NO_SUBJECTS) -> list[str]:
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut, subjects), vocabs)
    gamma, _ = compare_pairs(encode(table, CorpusStats.of(table, vocabs), vocabs), np.array(pairs))
    levels = FIELDS[FIELD_INDEX[field]].levels
    return [levels[g] if g >= 0 else "未知" for g in gamma[:, FIELD_INDEX[field]]]


def test_sums_near_each_other_say_nothing_far_ones_differ() -> None:
    """A creditor and a debtor quote figures apart (12万元 against 10万元): no evidence either
    way; the same sum agrees; a sum far off (800元) is another debt."""
    rows = [lead(1, 0, dispute_type="债务/经济", description="对方借款12万元至今未还"),
            lead(2, 1, dispute_type="债务/经济", description="称只借了10万元，已还一部分"),
            lead(3, 2, dispute_type="债务/经济", description="借款120000元到期未还"),
            lead(4, 3, dispute_type="债务/经济", description="为800元工钱吵了起来")]
    assert _levels(rows, [[0, 1], [0, 2], [0, 3]], "amount") == ["未知", "相同", "不同"]


def test_next_door_houses_are_neighbours() -> None:
    """24号 and 26号 on one street, rooms 1702 and 1703 or 1802, are next door; another
    street's number, another building, or a room three floors up are not."""
    rows = [lead(1, 0, address="东三旗村东街24号"), lead(2, 1, address="东三旗村东街26号院"),
            lead(3, 1, address="东三旗村东街24号"), lead(4, 1, address="东三旗村东街90号"),
            lead(5, 0, address="东三旗村11号楼6单元1702"), lead(6, 1, address="东三旗村11-6-1703"),
            lead(7, 1, address="东三旗村11号楼6单元1802"), lead(8, 1, address="东三旗村12号楼6单元1702"),
            lead(9, 1, address="东三旗村11号楼6单元2002"),
            lead(10, 1, address="东三旗村东街26号", village="西三旗村", village_code="110114115232")]
    pairs = [[0, 1], [0, 2], [0, 3], [4, 5], [4, 6], [4, 7], [4, 8], [0, 9]]
    assert _levels(rows, pairs, "house") == ["相邻", "相同", "不同", "相邻", "相邻", "不同", "不同",
                                             "未知"]


def test_a_flat_written_without_its_unit_is_the_same_flat() -> None:
    """3号楼2单元502 and 3栋502 may be one flat: the unit is not written on one side; 3-2-502
    is the same flat written in dashes; another unit (3号楼1单元502) is another flat, and a
    building's unit with no room says nothing about the room."""
    assert house_signature("荣丰家园10号楼1门104号") == house_signature("荣丰家园10-1-104") == "10-u1-104"
    assert house_signature("荣丰家园10号楼104") == "10-104"
    rows = [lead(1, 0, address="东三旗村3号楼2单元502"), lead(2, 1, address="东三旗村3栋502"),
            lead(3, 1, address="东三旗村3-2-502"), lead(4, 1, address="东三旗村3号楼1单元502"),
            lead(5, 1, address="东三旗村3号楼2单元"), lead(6, 1, address="东三旗村3栋503"),
            lead(7, 1, address="东三旗村4栋502")]
    pairs = [[0, 1], [0, 2], [0, 3], [1, 3], [0, 4], [0, 5], [0, 6]]
    assert _levels(rows, pairs, "house") == ["相同", "相同", "不同", "相同", "未知", "相邻", "不同"]


@given(st.integers(1, 99), st.integers(1, 9), st.integers(101, 3204),
       st.sampled_from(["号楼", "栋", "幢", "#楼"]), st.sampled_from(["单元", "门"]))
def test_a_flats_parts_read_the_same_however_written(building: int, unit: int, room: int,
                                                    bword: str, uword: str) -> None:
    """Building, unit and room are read alike from words and from dashes, and the flat
    without its unit keeps the building and the room."""
    worded = house_signature(f"某某小区{building}{bword}{unit}{uword}{room}室")
    assert worded == house_signature(f"某某小区{building}-{unit}-{room}") == f"{building}-u{unit}-{room}"
    block, got_unit, last = house_parts(worded)
    assert (got_unit, last) == (unit, room)
    assert house_parts(house_signature(f"某某小区{building}{bword}{room}")) == (block, -1, room)


def test_one_number_on_two_streets_is_two_houses() -> None:
    """西街24号 and 东街24号 are two houses; 24号院 without a street may be either."""
    assert street_of("北京市昌平区北七家镇东三旗村西街24号", "东三旗村") == "西街"
    assert street_of("南七家庄村村东路223号", "南七家庄村") == "村东路"
    assert street_of("东三旗村24号院", "东三旗村") is None
    assert street_of("红莲中里小区10号楼6单元1103", "红莲中里社区") is None
    rows = [lead(1, 0, address="东三旗村东街24号"), lead(2, 1, address="东三旗村西街24号"),
            lead(3, 1, address="东三旗村24号院"), lead(4, 1, address="东三旗村西街26号")]
    assert _levels(rows, [[0, 1], [0, 2], [0, 3], [1, 3]], "house") == ["不同", "相同", "不同", "相邻"]


def test_one_quarrel_told_in_other_words_shares_its_subject() -> None:
    """翻盖房子超出地界 and 翻建房屋占地 share no word, but the lexicon's subject; without the
    lexicon, sharing no word says nothing (one quarrel is told in other words); only subjects the
    lexicon knows on both sides say the quarrels differ."""
    subjects = Subjects.of({"翻建房屋": ["翻建", "翻盖", "超出地界"], "宅基地界线": ["地界", "边界"],
                            "养狗扰民": ["养狗", "狗叫"]})
    assert subjects.words("因翻盖房子超出地界吵起来了") == {"事由:翻建房屋", "事由:宅基地界线"}
    assert subjects.words("因为琐事吵架") == frozenset() == NO_SUBJECTS.words("因翻盖房子")
    rows = [lead(1, 0, description="报警人称邻居家陈某和陈义宝因翻盖房子超出地界吵起来了"),
            lead(2, 3, description="市民来电反映：与哥哥陈某因翻建房屋占地闹矛盾"),
            lead(3, 5, description="市民来电反映：与邻居因养狗扰民闹矛盾"), *background(300)]
    pairs = [[0, 1], [0, 2]]  # word weights from a realistic population
    assert _levels(rows, pairs, "subject") == ["未知", "未知"]
    assert _levels(rows, pairs, "subject", subjects)[0] in ("部分相同", "相同")
    assert _levels(rows, pairs, "subject", subjects)[1] == "不同"
    # sharing words (对门邻居, 吹热风) but not a subject: two quarrels
    subjects = Subjects.of({"空调外机": ["空调", "外机"], "养狗扰民": ["养狗", "狗叫"]})
    rows = [lead(1, 0, description="与对门邻居因空调外机吹热风整夜吵闹发生争执"),
            lead(2, 1, description="与对门邻居因养狗扰民整夜吵闹发生争执"), *background(300)]
    assert _levels(rows, [[0, 1]], "subject") != ["不同"]
    assert _levels(rows, [[0, 1]], "subject", subjects) == ["不同"]


def test_a_relative_elsewhere_is_compared_by_surname_and_subject() -> None:
    """A brother calling from another district about 其哥哥陈某 and 翻盖房子 is compared with
    陈金's own report of 翻建房屋: they share no place, only a surname and a subject."""
    subjects = Subjects.of({"翻建房屋": ["翻建", "翻盖"]})
    rows = [lead(1, 0, reporter_name="陈金", description="信访人陈金反映与哥哥陈某因翻建房屋占地发生口角"),
            lead(2, 2, reporter_name="傅桂芳", town="台湖镇", village="麦庄村", district="通州区",
                 village_code="110112114241",
                 description="报警人称其哥哥陈某因翻盖房子超出地界和邻居闹得很僵")]

    def pairs(lexicon: Subjects) -> list[list[int]]:
        vocabs = Vocabularies()
        table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut, lexicon), vocabs)
        enc = encode(table, CorpusStats.of(table, vocabs), vocabs)
        rules = CONFIG.blocking
        return candidate_pairs(enc.t, lead_keys(enc, rules), rules).tolist()

    assert pairs(subjects) == [[0, 1]]
    assert pairs(NO_SUBJECTS) == []


def test_a_persons_own_numbers_pair_leads_across_the_year_and_a_surname_does_not() -> None:
    """A quarrel that drags on: the same phone (or ID) seven months later is compared, and
    whether it is the same quarrel is the model's to say; a shared surname in the village that
    far apart is not compared at all."""
    rows = [lead(1, 0, reporter_name="石子宇", phones=["16636655291"], description="保健品退费"),
            lead(2, 210, reporter_name="石先生", phones=["16636655291"], description="还是保健品的事"),
            lead(3, 0, reporter_name="马建国", description="与邻居因排水沟堵塞吵架"),
            lead(4, 210, reporter_name="马红", description="与邻居因排水沟堵塞吵架"),
            lead(5, 420, reporter_name="石先生", phones=["16636655291"], description="又来反映")]
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut), vocabs)
    enc = encode(table, CorpusStats.of(table, vocabs), vocabs)
    rules = CONFIG.blocking
    pairs = candidate_pairs(enc.t, lead_keys(enc, rules), rules).tolist()
    assert [0, 1] in pairs and [1, 4] in pairs
    assert [2, 3] not in pairs and [0, 4] not in pairs  # a surname far apart; a phone past a year


def test_a_report_for_a_relative_says_nothing_by_its_place() -> None:
    """A son calling from another district about 其母亲's quarrel is not evidence against by
    his address; his own quarrel with his mother, or a wife's with her husband, is his."""
    far = {"town": "台湖镇", "village": "麦庄村", "district": "通州区", "village_code": "110112114241"}
    rows = [lead(1, 0, description="与邻居赵某因养狗扰民发生口角"),
            lead(2, 1, description="报警人称其母亲刘某与邻居赵某因养狗扰民吵得很凶", **far),
            lead(3, 1, description="报警人称其儿子与其因赡养老人争吵", **far),
            lead(4, 1, description="报警人称其丈夫与邻居因养狗扰民吵架", **far)]
    assert _levels(rows, [[0, 1], [0, 2], [0, 3]], "place") == ["未知", "不同镇街", "不同镇街"]


def test_a_counterpart_named_by_another_full_name_is_another_person() -> None:
    """合伙人张明刚 is not the reporter 张萱欣; 刘芳 and 刘红丹 are two neighbours."""
    rows = [lead(1, 0, reporter_name="李海树", description="其儿子李涛海因合伙做生意分账与合伙人张明刚闹矛盾"),
            lead(2, 5, reporter_name="张萱欣", description="合伙人李某为合伙做生意分账的事多次到其家中吵闹"),
            lead(3, 0, reporter_name="王红洁", description="与同村村民刘芳因占用车位问题产生矛盾"),
            lead(4, 5, reporter_name="王军德", description="与邻居刘红丹因占用车位问题产生矛盾"),
            lead(5, 5, reporter_name="王军德", description="与邻居刘芳因占用车位问题产生矛盾")]
    assert _levels(rows, [[0, 1], [2, 3], [2, 4]], "party") == [
        "同姓但对方不同", "同姓但对方不同", "提及对方全名"]


def test_neighbours_who_name_nobody_are_compared_by_their_village_and_subject() -> None:
    """陈某 at 48号 and 谢某 at 46号 quarrel about 私搭乱建 and name nobody: only the village
    and the subject bring them together."""
    rows = [lead(1, 0, reporter_name="陈某", reporter_name_masked=True, address="东三旗村南三条48号",
                 description="报警人称因私搭乱建一事与邻居协商不成"),
            lead(2, 7, reporter_name="谢某", reporter_name_masked=True, address="东三旗村南三条46号",
                 description="谢某报警称邻居为私搭乱建的事多次到其家中吵闹")]

    def pairs(lexicon: Subjects) -> list[list[int]]:
        vocabs = Vocabularies()
        table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut, lexicon), vocabs)
        enc = encode(table, CorpusStats.of(table, vocabs), vocabs, stopwords=["私搭乱建"])
        return candidate_pairs(enc.t, lead_keys(enc, CONFIG.blocking), CONFIG.blocking).tolist()

    assert pairs(Subjects.of({"违建": ["私搭乱建", "违建"]})) == [[0, 1]]
    assert pairs(NO_SUBJECTS) == []


def test_different_surnames_in_one_household_say_nothing() -> None:
    """谭女士 and her son-in-law 胡斌志 at one address bear other surnames: that is no evidence
    against; the same two surnames at two addresses are."""
    rows = [lead(1, 0, reporter_name="谭玉兰", address="东三旗村东街24号", description="与其丈夫因彩礼返还吵架"),
            lead(2, 5, reporter_name="胡斌志", address="东三旗村东街24号",
                 description="与丈母娘薛某某因彩礼返还经常吵架"),
            lead(3, 5, reporter_name="胡斌志", address="东三旗村东街90号",
                 description="与丈母娘薛某某因彩礼返还经常吵架")]
    assert _levels(rows, [[0, 1], [0, 2]], "party") == ["未知", "不同"]
    rows = [lead(1, 0, reporter_name="赖侠霞", address="东三旗村南三条108号",
                 description="与丈夫李某因赌博欠债多次发生口角"),
            lead(2, 9, reporter_name="程丽", address="东三旗村108号院",
                 description="与丈夫白某因赌博欠债多次发生口角")]
    assert _levels(rows, [[0, 1]], "party") == ["不同"]  # each names another husband


def test_two_texts_name_one_person_in_full_only_by_that_name() -> None:
    """李健 and 李建 sound the same; that both texts also say 向妇联 makes them no more exact."""
    rows = [lead(1, 0, reporter_name="宋建", description="与项目负责人李健因拖欠工资争吵，已向妇联求助过"),
            lead(2, 1, reporter_name="赵先生", description="其弟弟赵鹏与包工头李建闹矛盾，已向妇联求助过"),
            lead(3, 1, reporter_name="赵先生", description="其弟弟赵鹏与包工头李健闹矛盾，已向妇联求助过")]
    assert _levels(rows, [[0, 1], [0, 2]], "party") == ["提及对方姓名", "提及对方全名"]


def test_what_reads_like_a_name_or_a_place_but_is_not() -> None:
    """Cases a review found: 同事 before 同, a town named like its village, 同意 is not 同,
    工程款 is not a brand's 工程, 老房子 is not a person, a lone door number is not a room."""
    from triage.link.features import PROXY_REPORT

    assert "王刚" in relation_spans("与同事王刚因工钱争吵")
    assert street_of("高古庄镇高古庄村西二条48号", "高古庄村") == "西二条"
    assert not PROXY_REPORT.search("报警人称其母亲同意调解")
    assert not PROXY_REPORT.search("报警人称其儿子与其发生争吵后和邻居吵架")
    assert PROXY_REPORT.search("报警人称其母亲刘某与邻居赵某吵架")
    assert any(c.startswith("王刚") for c in name_candidates("拖欠王刚工程款3万元"))  # not a brand
    assert masked_mentions("老房子漏水，老母亲生病，老毛病犯了") == set()
    rows = [lead(1, 0, address="东三旗村105号"), lead(2, 1, address="东三旗村205号"),
            lead(3, 0, address="东三旗村3号楼2单元105"), lead(4, 1, address="东三旗村3号楼2单元205")]
    assert _levels(rows, [[0, 1], [2, 3]], "house") == ["不同", "相邻"]


def test_a_subject_of_the_lexicon_is_never_a_common_word() -> None:
    """借款 in every lead is too common to be a subject word, but 事由:借款 stays a subject."""
    subjects = Subjects.of({"借款": ["借款"]})
    rows = [lead(i, i % 30, description=f"因借款{i}元一事与邻居协商不成") for i in range(1, 40)]
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut, subjects), vocabs)
    enc = encode(table, CorpusStats.of(table, vocabs), vocabs, max_df=0.02)
    assert len(enc.topics.values) == len(rows)


def test_reporters_who_name_nobody_differ_less_than_ones_who_name_others() -> None:
    """Two reporters of different surnames: if neither names anyone they may be the two sides
    of one quarrel; if they name different people, they are in different quarrels."""
    rows = [lead(1, 0, reporter_name="王建国", description="与邻居因噪音发生争吵"),
            lead(2, 1, reporter_name="刘淑芬", description="因噪音问题发生争吵"),
            lead(3, 0, reporter_name="王建国", description="与邻居赵某因噪音发生争吵"),
            lead(4, 1, reporter_name="刘淑芬", description="与邻居钱某因噪音问题发生争吵")]
    assert _levels(rows, [[0, 1], [2, 3]], "party") == ["不同姓且均未提及他人", "不同"]


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    from samples.exports import load_units

    data = generate(400, 3, units=load_units())
    leads = data.leads.reset_index(drop=True).copy()
    leads["id"] = range(1, len(leads) + 1)
    leads["reporter_name_masked"] = leads["reporter_name"].fillna("").str.contains(r"某|\*|女士|先生")
    leads["phones"] = [[p] if isinstance(p, str) else None for p in leads["reporter_phone"]]
    leads["reporter_id_valid"] = leads["reporter_id"].fillna("").str.match(r"^\d{17}[\dX]$")
    codes = data.cases.set_index("case_id")["village_code"]
    leads["village_code"] = leads["case_id"].map(codes)
    leads["dispute_type"] = leads["case_id"].map(data.cases.set_index("case_id")["dispute_type"])
    leads["person_id"] = None
    leads["truth"] = leads["case_id"]
    return leads.drop(columns=["case_id"])


def _pairs(groups: pd.Series) -> set[tuple[int, int]]:
    out = set()
    for _, ids in groups.groupby(groups):
        out.update(itertools.combinations(sorted(ids.index.tolist()), 2))
    return out


def test_generated_cases_are_linked_with_high_precision(synthetic: pd.DataFrame) -> None:
    result = link(synthetic.drop(columns=["truth"]), {}, jieba.lcut, CONFIG)
    ids = synthetic["id"].astype(int)
    predicted = _pairs(pd.Series(ids.map(result.case_of).values, index=ids.values))
    truth = _pairs(pd.Series(synthetic["truth"].values, index=ids.values))
    precision = len(predicted & truth) / max(len(predicted), 1)
    recall = len(predicted & truth) / max(len(truth), 1)
    assert precision >= 0.95, (precision, recall)
    assert recall >= 0.6, (precision, recall)
    # every link carries its evidence: which fields agreed and how much each counted
    linked = [lid for lid, ev in result.evidence.items() if ev]
    assert linked
    ev = result.evidence[linked[0]][0]
    assert ev["probability"] >= CONFIG.accept
    assert all({"field", "label", "level", "weight"} <= set(f) for f in ev["fields"])
    assert sum(f["weight"] for f in ev["fields"]) > 0
    # the weights were estimated from the data and can be inspected
    weights = result.model.to_dict()
    who = next(f for f in weights["fields"] if f["field"] == "phone+party")
    level = {lv["level"]: lv["weight"] for lv in who["levels"]}
    assert level["号码相同 / 同名同音"] > 5 > level["不同 / 不同"]
    assert level["未知 / 未知"] == 0  # nothing known of either field: no evidence


def test_homophone_name_and_shared_phone_link_one_case() -> None:
    rows = [*background(60),
        lead(1, 0, reporter_name="王晓明", phones=["13812345678"], address="东三旗村12号",
             description="与邻居鲁某因空调外机对着窗户发生争执"),
        lead(2, 3, reporter_name="王小明", phones=["010-61712345"], address="东三旗村12号",
             source="hotline_12345", description="空调外机对着窗户，邻居鲁某不肯移走"),
        lead(3, 5, reporter_name="王某", reporter_name_masked=True, phones=["138****5678"],
             address="东三旗村12号", description="与鲁某因空调外机发生口角"),
    ]
    result = link(frame(rows), {}, jieba.lcut, CONFIG)
    assert result.case_of[1] == result.case_of[2] == result.case_of[3]
    pair = link(frame(rows[:-1]), {}, jieba.lcut, CONFIG)
    fields = {f["field"]: f["level"] for f in pair.evidence[2][0]["fields"]}
    assert pair.evidence[2][0]["with_lead"] == 1
    assert fields["phone+party"].endswith("/ 同名同音")


def test_conflicting_valid_ids_never_merge() -> None:
    same = {"reporter_name": "张伟", "address": "东三旗村8号", "phones": ["13900001111"],
            "description": "因宅基地地界与邻居发生争执"}
    rows = [*background(60),
        lead(1, 0, reporter_id="11010519491231002X", reporter_id_valid=True, **same),
        lead(2, 1, reporter_id="110105194912310029", reporter_id_valid=True, **same),
    ]
    rows[-1]["reporter_id"] = "110101199003078515"
    result = link(frame(rows), {}, jieba.lcut, CONFIG)
    assert result.case_of[1] != result.case_of[2]
    assert result.stats["conflicts"] >= 1


def test_one_weak_link_does_not_chain_two_cases() -> None:
    case_a = [lead(i, i, reporter_name="赵刚", phones=["13700000001"], address="东三旗村1号",
                   description="因拖欠工资6万元与老板杨某发生纠纷") for i in (1, 2, 3)]
    case_b = [lead(i, i, reporter_name="钱红", phones=["13700000002"], address="东三旗村9号",
                   dispute_type="物业", description="物业费上涨与物业管家孙某争吵")
              for i in (11, 12, 13)]
    bridge = lead(20, 4, reporter_name="李某", reporter_name_masked=True,
                  description="听说村里有人吵架", dispute_type="其他")
    result = link(frame([*background(60), *case_a, *case_b, bridge]), {}, jieba.lcut, CONFIG)
    assert len({result.case_of[i] for i in (1, 2, 3)}) == 1
    assert len({result.case_of[i] for i in (11, 12, 13)}) == 1
    assert result.case_of[1] != result.case_of[11]


def test_coordinator_decisions_are_applied() -> None:
    rows = [*background(40),
        lead(1, 0, reporter_name="周强", phones=["13600000001"], address="东三旗村3号",
             description="与邻居吴某因漏水争吵"),
        lead(2, 2, reporter_name="周强", phones=["13600000001"], address="东三旗村3号",
             description="楼上漏水，吴某不修"),
        lead(3, 30, reporter_name="吴敏", phones=["13600000009"], address="东三旗村5号",
             description="楼下周某说我家漏水"),
    ]
    first = link(frame(rows), {}, jieba.lcut, CONFIG)
    assert first.case_of[1] == first.case_of[2]
    decided = link(frame(rows), first.case_of, jieba.lcut, CONFIG, merges=[(1, 3)],
                   splits=[(1, 2)])
    assert decided.case_of[1] == decided.case_of[3]
    assert decided.case_of[1] != decided.case_of[2]


def test_case_ids_are_stable_and_incremental_matches_full(synthetic: pd.DataFrame) -> None:
    leads = synthetic.drop(columns=["truth"]).sort_values("reported_at").reset_index(drop=True)
    cut_at = int(len(leads) * 0.8)
    history, night = leads.iloc[:cut_at], leads.iloc[cut_at:]
    base = link(history, {}, jieba.lcut, CONFIG)
    incremental = link(leads, base.case_of, jieba.lcut, CONFIG, model=base.model,
                       new_ids=night["id"].astype(int).tolist())
    full = link(leads, base.case_of, jieba.lcut, CONFIG, model=base.model)
    # cases the night did not touch keep every lead and their id
    touched = {incremental.case_of[i] for i in night["id"].astype(int)}
    for lid, cid in base.case_of.items():
        if cid not in touched and incremental.case_of[lid] not in touched:
            assert incremental.case_of[lid] == cid
    # incremental and full rebuild give the same partition
    inc = _pairs(pd.Series(incremental.case_of))
    ful = _pairs(pd.Series(full.case_of))
    agreement = len(inc & ful) / max(len(inc | ful), 1)
    assert agreement >= 0.98, agreement
    # with the index the history run left, the night reads only its neighbourhood
    indexed = link(leads, base.case_of, jieba.lcut, CONFIG, model=base.model,
                   new_ids=night["id"].astype(int).tolist(), index=base.index)
    assert indexed.stats["region"] < len(leads)
    assert _pairs(pd.Series(indexed.case_of)) == inc
    assert indexed.index is not None and set(indexed.index.table.ids) == set(leads["id"])


def test_features_computed_in_worker_processes_give_the_same_cases(synthetic: pd.DataFrame) -> None:
    from connectors.tokenizer import cut
    from flows.pool import pooled

    leads = synthetic.drop(columns=["truth"])
    alone = link(leads, {}, cut, CONFIG)
    pooled_run = link(leads, {}, cut, CONFIG, chunks=pooled(2))
    assert pooled_run.case_of == alone.case_of
    assert pooled_run.stats["seconds"].keys() >= {"features", "pairs", "clusters"}


def test_kept_features_are_recomputed_for_corrected_leads(synthetic: pd.DataFrame) -> None:
    leads = synthetic.drop(columns=["truth"]).assign(updated_at=pd.Timestamp("2024-06-01"))
    first = link(leads, {}, jieba.lcut, CONFIG, chunks=map)
    assert first.case_of == link(leads, {}, jieba.lcut, CONFIG).case_of  # chunked = in one go
    lid = int(leads["id"].iloc[0])
    fixed = leads.copy()
    at = int(fixed.index[fixed["id"] == lid][0])
    fixed.at[at, "phones"] = ["13911112222"]
    fixed.at[at, "updated_at"] = pd.Timestamp("2024-06-02")
    again = link(fixed, first.case_of, jieba.lcut, CONFIG, model=first.model, index=first.index)
    assert again.index is not None
    table, vocabs = again.index.table, again.index.vocabs
    row = int(np.flatnonzero(table.ids == lid)[0])
    phones = table.sets["phones"]
    assert [vocabs["phone"].strings[c] for c in phones.values[phones.offsets[row]:phones.offsets[row + 1]]
            ] == [UNKEYED("13911112222")]  # kept as its keyed hash, never in clear
    assert again.index.stats.n == len(leads)


def test_one_reporter_in_another_quarrel_is_another_case() -> None:
    """Two months apart, the same phone and name, another type and subject: the person is
    one, the quarrel is not. Within days, about the same subject, it is one case."""
    rows = [*background(300),
            lead(1, 0, reporter_name="史芳静", phones=["13670760757"], dispute_type="婚姻家庭",
                 address="东三旗村东街24号", description="与其爱人鲁某因喝酒经常吵架"),
            lead(2, 60, reporter_name="史芳静", phones=["13670760757"],
                 address="东三旗村东街24号", description="因占用车位与邻居发生争执"),
            lead(3, 3, reporter_name="史芳静", phones=["13670760757"], dispute_type="婚姻家庭",
                 address="东三旗村东街24号", description="其爱人鲁某酒后又来吵闹")]
    result = link(frame(rows), {}, jieba.lcut, CONFIG)
    assert result.model.repeat is not None and result.model.repeat.pairs > 0
    assert result.case_of[1] != result.case_of[2]
    assert result.case_of[1] == result.case_of[3]
    assert result.person_of[1] == result.person_of[2] == result.person_of[3]


def test_another_address_does_not_count_against_ones_own_number() -> None:
    """The same phone gives home (东三旗村) one time and the town's hall the next: the other
    place takes nothing from the pair, and the evidence says so; an address shared still
    counts, and two people's different phones keep their places' full weight."""
    from triage.link.evidence import ADJUSTMENTS, adjustment_entries
    from triage.link.model import contributions, whereabouts_adjustment

    own = dict(reporter_name="马红梅", phones=["13910457781"], dispute_type="婚姻家庭")
    rows = [*background(300),
            lead(1, 0, **own, address="东三旗村东街24号", description="其丈夫酒后砸东西，双方争吵"),
            lead(2, 9, **own, village="前锋村", village_code="110114115201",
                 address="北七家镇政府附近", description="丈夫又喝酒闹事，要求调解")]
    result = link(frame(rows), {}, jieba.lcut, CONFIG)
    model = result.model
    gamma = np.full((4, len(FIELDS)), -1, dtype=np.int8)
    gamma[:, FIELD_INDEX["place"]] = [1, 0, 2, 1]
    gamma[:, FIELD_INDEX["phone"]] = [2, 2, 2, 0]
    back = whereabouts_adjustment(model, gamma)
    place = [f.name for f in FACTORS].index("place")
    against = contributions(model, gamma)[:, place]
    assert against[0] < 0 and against[1] < 0 and against[2] > 0  # the fitted weights as they are
    assert back.tolist() == pytest.approx([-against[0], -against[1], 0.0, 0.0])
    fields = [f for e in result.evidence[2] for f in e["fields"]]
    assert {"field": "own_number_address", "label": "地点", "level": "本人号码：住址不同不计",
            "weight": round(-float(against[0]), 2)} in fields  # 同镇街, given back
    assert result.case_of[1] == result.case_of[2]
    assert adjustment_entries(np.zeros(len(ADJUSTMENTS)), 3) == []


def test_the_repeat_model_is_learned_and_kept() -> None:
    """One reporter's pairs: a mixture of the same quarrel (same type and subject, days apart)
    and other quarrels (another type and subject, months apart), told apart by EM."""
    from triage.link.model import MatchModel, level_frequencies
    from triage.link.repeat import RepeatModel, estimate_repeat, quarrel_indices

    def row(phone: int, dtype: int, subject: int, time: int) -> list[int]:
        g = [-1] * len(FIELDS)
        g[FIELD_INDEX["phone"]], g[FIELD_INDEX["party"]] = phone, 9
        g[FIELD_INDEX["dispute_type"]], g[FIELD_INDEX["subject"]] = dtype, subject
        g[FIELD_INDEX["time"]] = time
        return g

    gamma = np.array([row(2, 1, 2, 3)] * 300 + [row(2, 1, 1, 2)] * 200 + [row(2, 0, 0, 0)] * 150
                     + [row(2, 0, 0, 1)] * 60 + [row(0, 1, 2, 3)] * 50, dtype=np.int8)
    q = quarrel_indices()
    m0 = level_frequencies(np.array([row(2, 1, 2, 3), row(2, 1, 1, 2)], dtype=np.int8))  # as anchors
    u0 = level_frequencies(np.array([row(0, 0, 0, 0), row(0, 0, 1, 1)], dtype=np.int8))  # as random
    repeat = estimate_repeat(gamma, [m0[i] for i in q], [u0[i] for i in q])
    assert repeat is not None and 0.5 < repeat.prior < 0.95
    # nobody called about another quarrel: nothing to learn, no model
    assert estimate_repeat(gamma[:300], [m0[i] for i in q], [u0[i] for i in q]) is None
    prob = np.full(len(gamma), 0.999)
    capped = repeat.cap(gamma, prob)
    assert (capped[:500] == 0.999).all() and (capped[500:710] < 0.5).all()
    assert (capped[710:] == 0.999).all()  # another phone, a namesake: judged by the main model
    again = RepeatModel.from_dict(repeat.to_dict())
    assert np.array_equal(again.cap(gamma, prob), capped)
    with pytest.raises(ValueError):
        RepeatModel.from_dict({**repeat.to_dict(), "factors": ["time"]})
    shown = {(field, level): w for field, level, _, _, w in repeat.levels()}  # triage weights
    assert shown[("纠纷类型+纠纷事由", "不同 / 不同")] < 0 < shown[("纠纷类型+纠纷事由", "相同 / 相同")]
    kept = MatchModel.initial()
    kept.repeat = repeat
    again_model = MatchModel.from_dict(json.loads(json.dumps(kept.to_dict())))
    assert again_model.repeat is not None and again_model.repeat.to_dict() == repeat.to_dict()


def test_persons_recur_across_cases() -> None:
    rows = [*background(40),
        lead(1, 0, reporter_name="郑浩", phones=["13500000001"], reporter_id="11010519491231002X",
             reporter_id_valid=True, description="与邻居因占道争吵"),
        lead(2, 200, reporter_name="郑浩", phones=["13500000001"], dispute_type="债务/经济",
             description="借给朋友的钱不还"),
    ]
    result = link(frame(rows), {}, jieba.lcut, CONFIG)
    assert result.case_of[1] != result.case_of[2]  # a year apart, another quarrel
    assert result.person_of[1] == result.person_of[2]  # but the same person


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="王李张鲁某与和邻居丈夫因发生争执，。女士先生明红伟", max_size=40))
def test_feature_extractors_never_fail(text: str) -> None:
    assert isinstance(masked_mentions(text), frozenset)
    assert len(without_reporter(text, None)) <= len(text)
    for span in relation_spans(text):
        assert 2 <= len(span) <= 3 and span in text
    for cand in name_candidates(text):
        assert 2 <= len(cand) <= 3 and cand in text


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="东三旗村社区小区西街新路号院楼单元0123456789-", max_size=30))
def test_a_street_is_a_few_characters_of_the_address_before_a_number(address: str) -> None:
    street = street_of(address, "东三旗村")
    if street is not None:
        assert 1 <= len(street) <= 4 and street in address
        assert any(address[k + len(street):k + len(street) + 1].isdigit()
                   for k in range(len(address)) if address.startswith(street, k))


def test_many_peoples_complaints_against_one_employer_do_not_chain_into_one_case() -> None:
    """Twelve workers each call about the boss at one address: each call matches the first
    strongly, through the place and the boss's name. Past ``reporters`` distinct reporters a
    lead joins only on two strong links, in the first pass and on combined evidence; one
    worker's own repeated calls still join."""
    from triage.link.cluster import ClusterRules, cluster, merge_on_combined_evidence

    rules = ClusterRules(reporters=3)
    n = 13  # row 0 is the first call; rows 1..11 other workers; row 12 worker 1 again
    pairs = np.array([(0, k) for k in range(1, 12)] + [(1, 12)], dtype=np.int64)
    prob = np.full(len(pairs), 0.98)
    person = np.array([0, *range(1, 12), 1], dtype=np.int64)
    out = cluster(n, pairs, prob, rules, person=person)
    sizes = pd.Series(out.root).value_counts()
    assert sizes.max() == 4  # workers 0, 1 (twice) and 2: three reporters
    assert out.root[12] == out.root[1] == out.root[0]
    assert len(out.refused) == 9  # the rest wait for a coordinator, in review
    # without reporters the same pairs chain into one case of thirteen
    assert pd.Series(cluster(n, pairs, prob, rules).root).nunique() == 1
    # combined evidence cannot join them either
    gamma = np.zeros((len(pairs), len(FIELDS)), dtype=np.int8)
    roots = merge_on_combined_evidence(out.root, pairs, gamma, np.zeros(len(pairs)),
                                       lambda g, x: np.full(len(g), 0.99), rules, person=person)
    assert pd.Series(roots).value_counts().max() == 4


def test_an_address_many_reporters_give_counts_less() -> None:
    """Twelve workers of other families who each give the factory's gate (东三旗村村西路194号)
    about their own unpaid wages: sharing that house counts less than a household's door."""
    names = ["赵刚", "钱芳", "孙立", "吴敏", "郑强", "冯雪", "陈晨", "褚亮", "卫东", "蒋平", "沈阳", "韩梅"]
    workers = [lead(i + 1, 6 * i, reporter_name=n, phones=[f"1370000{i:04d}"],
                    address="东三旗村村西路194号", dispute_type="劳资/欠薪",
                    description=f"在鑫达服装厂干活，老板拖欠工资{3000 + 700 * i}元不给")
               for i, n in enumerate(names)]
    rows = frame([*background(60), *workers])
    crowded = link(rows, {}, jieba.lcut, CONFIG)
    plain = link(rows, {}, jieba.lcut, CONFIG.model_copy(update={"household": 1000}))

    def strongest(result: Any) -> float:
        return max(e["probability"] for i in range(1, len(names) + 1) for e in result.evidence[i])

    assert strongest(crowded) < strongest(plain)

    def parties(result: Any) -> set[str]:
        return {f["level"] for e in result.evidence[2] for f in e["fields"] if f["field"] == "phone+party"}

    # at a home, other surnames say nothing (a wife and her mother-in-law); at the gate they differ
    assert parties(plain) == {"不同 / 未知"}
    assert parties(crowded) == {"不同 / 不同姓且均未提及他人"}

    def crowding(result: Any) -> set[tuple[str, float]]:
        return {(f["level"], f["weight"]) for i in range(1, len(names) + 1)
                for e in result.evidence[i] for f in e["fields"] if f["field"] == "crowded_address"}

    # the coordinator reads why the link counts less: twelve reporters give that door
    assert crowding(crowded) == {("常用地址（约12名报告人）", round(-np.log2(12 / 3), 2))}
    assert crowding(plain) == set()


def test_a_person_many_reporters_name_ties_them_less() -> None:
    """Eight workers each name their boss 马云亮 in full: what ties two of them, or one of
    them to the boss's own report, is a person eight reporters name, which counts
    log2(8/3) bits less; a wife and her mother-in-law who both name 李建军 keep the full
    weight."""
    from triage.link.crowded import counterpart_adjustment, named_reporters
    from triage.link.persons import group_persons

    names = ["赵刚", "钱芳", "孙立", "吴敏", "郑强", "冯雪", "陈晨", "褚亮"]
    rows = [lead(i + 1, 5 * i, reporter_name=n, phones=[f"1360000{i:04d}"], dispute_type="劳资/欠薪",
                 description=f"在鑫达保安公司干活，老板马云亮拖欠工资{3000 + 700 * i}元不给")
            for i, n in enumerate(names)]
    rows += [lead(9, 2, reporter_name="马云亮", phones=["13911112222"], dispute_type="劳资/欠薪",
                  description="工人赵刚上门讨要工资，双方争吵"),
             lead(10, 1, reporter_name="王秀英", dispute_type="婚姻家庭", description="丈夫李建军酒后打人"),
             lead(11, 3, reporter_name="张桂兰", dispute_type="婚姻家庭", description="儿子李建军喝酒闹事")]
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut), vocabs)
    enc = encode(table, CorpusStats.of(table, vocabs), vocabs)
    pairs = np.array([[0, 1], [2, 7], [0, 8], [9, 10]])
    gamma, _ = compare_pairs(enc, pairs)
    party = FIELDS[FIELD_INDEX["party"]].levels
    assert [party[g] for g in gamma[:, FIELD_INDEX["party"]]] == ["提及对方全名"] * 4
    reporters, named_as = named_reporters(table, vocabs, group_persons(table))
    assert named_as[8] == 8 and named_as[9] == 0  # the boss by every worker; the wife by nobody

    def bits(household: int) -> list[float]:
        return counterpart_adjustment(gamma, pairs, enc.named_exact, enc.cands, enc.name_py,
                                      enc.town, reporters, named_as, household).tolist()

    # the boss's own report and a worker who names him: as many name him as name him anywhere
    assert bits(3) == pytest.approx([-np.log2(8 / 3)] * 3 + [0.0])
    assert bits(8) == [0.0] * 4
    # eight reporters across eight towns who name a 马云亮 are eight people's quarrels with
    # as many men of that name: counted per town, none is crowded
    apart = [{**r, "village_code": f"1101141{k:02d}001"} for k, r in enumerate(rows[:8])]
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame(apart), jieba.lcut), vocabs)
    enc = encode(table, CorpusStats.of(table, vocabs), vocabs)
    gamma, _ = compare_pairs(enc, pairs[:2])
    assert [party[g] for g in gamma[:, FIELD_INDEX["party"]]] == ["提及对方全名"] * 2
    reporters, named_as = named_reporters(table, vocabs, group_persons(table))
    assert counterpart_adjustment(gamma, pairs[:2], enc.named_exact, enc.cands, enc.name_py,
                                  enc.town, reporters, named_as, 3).tolist() == [0.0, 0.0]


def test_combined_evidence_keeps_a_crowded_doors_cost() -> None:
    """Lead 0 shares a crowded door with lead 1 and a quiet village with lead 2 (one case):
    taken together, the door's cost counts as well as the village's bonus."""
    from triage.link.cluster import ClusterRules, merge_on_combined_evidence

    rules = ClusterRules(accept=0.97, review=0.6, certain=0.999, floor=0.05, reporters=6)
    pairs = np.array([[0, 1], [0, 2], [1, 2]], dtype=np.int64)
    gamma = np.zeros((3, len(FIELDS)), dtype=np.int8)
    parts = np.array([[0.0, -3.0], [1.0, 0.0], [0.0, 0.0]], dtype=np.float32)  # village, door

    def score(g: np.ndarray, bonus: np.ndarray) -> np.ndarray:
        return 1 / (1 + 2.0 ** -(np.asarray(bonus, dtype=float) + 5.5))

    root = [0, 1, 1]
    kept = merge_on_combined_evidence(root, pairs, gamma, parts, score, rules, worst=[1])
    joined = merge_on_combined_evidence(root, pairs, gamma, parts, score, rules)
    assert kept[0] != kept[1] and joined[0] == joined[1]


def test_crowding_counts_distinct_reporters_and_spares_one_reporter() -> None:
    """One reporter calling ten times from home is one reporter; the bits taken grow with the
    reporters past a household's and stop at the cap; a reporter's own pairs keep theirs."""
    from triage.link.crowded import CAP, crowd_adjustment

    gamma = np.full((4, len(FIELDS)), -1, dtype=np.int8)
    gamma[:, FIELD_INDEX["house"]] = 2
    gamma[3, FIELD_INDEX["phone"]] = 2  # one reporter
    reporters = np.array([3, 6, 3000, 6])
    pairs = np.array([[0, 0], [1, 1], [2, 2], [3, 3]])
    bits = crowd_adjustment(gamma, pairs, reporters, household=3)
    assert bits.tolist() == [0.0, -1.0, -CAP, 0.0]
    rows = [lead(i, i, reporter_name="周强", phones=["13600000001"], address="东三旗村3号")
            for i in range(1, 11)]
    rows += [lead(20 + i, i, reporter_name=n, address="东三旗村9号")
             for i, n in enumerate(["赵一鸣", "钱红", "孙立", "李想"])]
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame(rows), jieba.lcut), vocabs)
    from triage.link.crowded import home_reporters
    from triage.link.persons import group_persons

    counts = home_reporters(table, group_persons(table))
    assert counts.tolist() == [1] * 10 + [4] * 4


def test_a_masked_number_fits_a_full_one_but_two_full_numbers_alike_are_two() -> None:
    """138****5678 may be 13812345678; 13899995678 is not, though it shares the first three
    and the last four digits (at 100,000 leads such pairs outnumber real masked matches)."""
    rows = [lead(1, 0, phones=["13812345678"]), lead(2, 1, phones=["138****5678"]),
            lead(3, 2, phones=["13899995678"])]
    assert _levels(rows, [[0, 1], [1, 2], [0, 2]], "phone") == ["脱敏号码相符", "脱敏号码相符", "不同"]
