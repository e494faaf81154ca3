"""Agency categories and descriptions mapped to the dispute taxonomy (data/taxonomy.toml)."""

from __future__ import annotations

import copy
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.domain import DISPUTE_TYPES
from triage.normalize.categories import CategoryMapper

TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "taxonomy.toml"


@pytest.fixture(scope="module")
def cfg() -> dict[str, Any]:
    with TAXONOMY.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def mapper(cfg: dict[str, Any]) -> CategoryMapper:
    return CategoryMapper.from_config(cfg)


@pytest.mark.parametrize(("category", "expected"), [
    # police 警情类别
    ("纠纷-家庭纠纷", "婚姻家庭"),
    ("纠纷-邻里纠纷", "邻里"),
    ("纠纷-经济纠纷", "债务/经济"),
    ("纠纷－家庭纠纷", "婚姻家庭"),  # full-width hyphen
    # 12345 问题分类, levels joined by > or -
    ("城乡建设>住房管理>物业管理", "物业"),
    ("城乡建设-住房管理-物业管理", "物业"),
    ("城乡建设＞住房管理＞物业管理", "物业"),
    ("劳动和社会保障>劳动保障>拖欠工资", "劳资/欠薪"),
    ("城乡建设>施工扰民", "施工扰民"),
    ("市场监管>消费纠纷", "消费"),
    ("农村管理>土地管理", "土地/宅基地"),
    # petition 问题类别
    ("宅基地纠纷", "土地/宅基地"),
    ("借贷纠纷", "债务/经济"),
    # women's federation 求助类型
    ("家庭暴力", "婚姻家庭"),
    ("婚姻家庭", "婚姻家庭"),
    ("子女抚养", "婚姻家庭"),
    ("财产继承", "继承"),
])
def test_agency_categories(mapper: CategoryMapper, category: str, expected: str) -> None:
    assert mapper.map(category, None) == expected
    # the category decides even when the description points elsewhere
    assert mapper.map(category, "楼上邻居装修噪音") == expected


@pytest.mark.parametrize(("category", "description", "expected"), [
    ("求助", "丈夫酒后动手打人，妻子报警", "婚姻家庭"),
    ("治安-殴打他人", "因楼上漏水与邻居发生争执", "邻里"),
    ("治安-殴打他人", "因欠钱不还发生口角", "债务/经济"),
    ("投诉", "工地夜间施工影响休息", "施工扰民"),
    ("咨询", "包工头拖欠工钱三个月", "劳资/欠薪"),
    ("其他", "父亲去世后兄弟争遗产", "继承"),
    ("举报", "翻建房屋占了我家宅基地", "土地/宅基地"),
    ("建议", "小区物业费上涨", "物业"),
    ("求助", "预付卡商家跑路要求退款", "消费"),
    (None, "邻居家空调外机滴水", "邻里"),
    ("", "丈夫不给生活费", "婚姻家庭"),
])
def test_description_fallback(mapper: CategoryMapper, category: str | None, description: str,
                              expected: str) -> None:
    assert mapper.map(category, description) == expected


@pytest.mark.parametrize(("category", "description"), [
    (None, None),
    ("", ""),
    ("求助", None),
    ("求助", "来电人情绪激动，要求尽快处理"),
    ("其他", "咨询办事流程"),
])
def test_nothing_specific_is_other(mapper: CategoryMapper, category: str | None,
                                   description: str | None) -> None:
    assert mapper.map(category, description) == "其他"


def test_rules_apply_in_file_order() -> None:
    cfg = {
        "category": [
            {"type": "邻里", "keywords": ["纠纷"]},
            {"type": "婚姻家庭", "keywords": ["家庭纠纷"]},
        ],
        "description": [
            {"type": "物业", "keywords": ["电梯"]},
            {"type": "邻里", "keywords": ["邻居"]},
        ],
    }
    m = CategoryMapper.from_config(cfg)
    assert m.map("纠纷-家庭纠纷", None) == "邻里"  # first rule wins, not the longer keyword
    assert m.map("求助", "邻居占用电梯") == "物业"
    cfg["category"].reverse()
    assert CategoryMapper.from_config(cfg).map("纠纷-家庭纠纷", None) == "婚姻家庭"


def test_no_rule_is_shadowed_by_earlier_ones(cfg: dict[str, Any], mapper: CategoryMapper) -> None:
    """Each rule's type is reached by at least one of its own keywords."""
    for section in ("category", "description"):
        for rule in cfg[section]:
            got = {mapper.map(k, None) if section == "category" else mapper.map(None, k)
                   for k in rule["keywords"]}
            assert rule["type"] in got, (section, rule)


# -------------------------------------------------------------------- validation
def _with(cfg: dict[str, Any], section: str, index: int, **changes: Any) -> dict[str, Any]:
    bad = copy.deepcopy(cfg)
    bad[section][index].update(changes)
    return bad


def test_unknown_type_is_named(cfg: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"\[\[category\]\] #2.*婚姻纠纷"):
        CategoryMapper.from_config(_with(cfg, "category", 1, type="婚姻纠纷"))
    with pytest.raises(ValueError, match=r"\[\[description\]\] #3.*物业费"):
        CategoryMapper.from_config(_with(cfg, "description", 2, type="物业费"))


def test_empty_keywords_are_named(cfg: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"\[\[category\]\] #4 \(type 债务/经济\)"):
        CategoryMapper.from_config(_with(cfg, "category", 3, keywords=[]))
    with pytest.raises(ValueError, match=r"\[\[description\]\] #1 .*empty keyword"):
        CategoryMapper.from_config(_with(cfg, "description", 0, keywords=["施工", " "]))
    with pytest.raises(ValueError, match=r"\[\[description\]\] #2"):
        CategoryMapper.from_config(_with(cfg, "description", 1, keywords="工资"))


@pytest.mark.parametrize(("change", "message"), [
    ({"types": ["婚姻家庭", "其他", "婚恋"]}, "婚恋"),
    ({"types": ["婚姻家庭", "邻里"]}, "其他"),
    ({"types": []}, "types"),
    ({"category": [{"type": "邻里", "keyword": ["邻里"]}]}, "keyword"),
    ({"category": [{"keywords": ["邻里"]}]}, "None"),
    ({"category": ["邻里"]}, r"\[\[category\]\] #1"),
])
def test_malformed_config(cfg: dict[str, Any], change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CategoryMapper.from_config({**cfg, **change})


def test_types_default_to_the_project_taxonomy() -> None:
    m = CategoryMapper.from_config({"category": [{"type": "物业", "keywords": ["物业"]}]})
    assert m.map("物业管理", None) == "物业"
    with pytest.raises(ValueError, match="其它"):
        CategoryMapper.from_config({"category": [{"type": "其它", "keywords": ["x"]}]})


@pytest.mark.parametrize(("category", "text", "expected", "words"), [
    ("社会管理>矛盾纠纷", "来电人反映包工头拖欠其工资三个月未付", "劳资/欠薪", ["包工头", "工资"]),
    ("其他", "市民反映楼上漏水，邻居不予维修", "邻里", ["楼上", "漏水", "邻居"]),
    ("投诉", "反映物业费收取不合理，电梯长期停运", "物业", ["物业费", "电梯"]),
    ("纠纷-家庭纠纷", "因欠款问题与女婿发生争执", "婚姻家庭", ["家庭纠纷"]),  # specific: it stands
    (None, "兄妹因父亲遗产继承问题协商不成", "继承", ["继承", "遗产"]),
    ("社会管理>矛盾纠纷", "来电人称与对方有矛盾，希望协调", "其他", []),
])
def test_the_text_decides_where_the_category_is_generic(mapper: CategoryMapper, category: str | None,
                                                        text: str, expected: str,
                                                        words: list[str]) -> None:
    assert mapper.decide(category, text) == (expected, words)
    assert mapper.map(category, text) == expected


def test_a_generic_category_that_names_a_type_is_the_fallback(mapper: CategoryMapper) -> None:
    assert mapper.decide("投诉>物业管理", "来电人称有纠纷") == ("物业", ["物业管理"])


def test_generic_words_are_validated(cfg: dict[str, Any]) -> None:
    bad = copy.deepcopy(cfg)
    bad["generic"] = ["矛盾纠纷", ""]
    with pytest.raises(ValueError, match="generic"):
        CategoryMapper.from_config(bad)


@settings(max_examples=300, deadline=None)
@given(category=st.one_of(st.none(), st.text(max_size=30)), text=st.text(max_size=120))
def test_any_input_gets_a_taxonomy_type_and_words_from_it(category: str | None, text: str) -> None:
    mapper = CategoryMapper.from_config(tomllib.loads(TAXONOMY.read_text("utf-8")))
    kind, words = mapper.decide(category, text)
    assert kind in DISPUTE_TYPES
    folded = "".join(unicodedata.normalize("NFKC", f"{category or ''}{text}").split())
    assert all(w in folded or w in "".join(unicodedata.normalize("NFKC", text).split())
               for w in words)
