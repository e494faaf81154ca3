"""Raw rows to canonical leads: every normalizer reaches the lead, hostile cells are
defused, absurd dates are rejected with their column, and the fast paths give exactly
what the general parsers give."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.config import TriageConfig
from triage.normalize.cells import defuse_formula, has_control, scrub_control
from triage.normalize.dates import _parse_str, parse_datetime
from triage.normalize.headers import two_row_headers
from triage.normalize.idnumbers import _parse_id_str
from triage.normalize.lead import PARTY, PARTY_STOP, NormalizeContext, canonicalize, parties_in
from triage.normalize.names import _parse_names_str, _split_names, parse_names
from triage.normalize.phones import _parse_phones_str, parse_phones
from triage.normalize.text import _clean_raw, _clean_translated

from .exports import POLICE_HEADERS, police_rows

POLICE_FIELDS = ["source_ref", "reported_at", "reporter_name", "reporter_phone", "reporter_id",
                 "address", "category", "description", "disposition", "unit"]
COLUMNS = {f: i for i, f in enumerate(POLICE_FIELDS)}


@pytest.fixture(scope="module")
def ctx(config: TriageConfig) -> NormalizeContext:
    return NormalizeContext(config.gazetteer, config.categories, config.default_area_code,
                            config.jurisdiction, now=datetime(2025, 1, 1))


def one(ctx: NormalizeContext, **cells: object) -> dict:
    row: list[object] = list(police_rows(1)[0])
    for k, v in cells.items():
        row[COLUMNS[k]] = v
    batch = canonicalize("police", COLUMNS, POLICE_HEADERS, [row], ctx)
    assert not batch.rejected, batch.rejected
    return batch.leads[0]


def rejected(ctx: NormalizeContext, **cells: object) -> dict:
    row: list[object] = list(police_rows(1)[0])
    for k, v in cells.items():
        row[COLUMNS[k]] = v
    batch = canonicalize("police", COLUMNS, POLICE_HEADERS, [row], ctx)
    assert not batch.leads
    return batch.rejected[0]


# ----------------------------------------------------------------------------- normalizers


def test_phones_ids_names_addresses_categories_and_text_reach_the_lead(ctx) -> None:
    lead = one(ctx, reporter_name="王女士、李红", reporter_phone="138****5678/（010）61712345",
               reporter_id="110105491231002", address="昌平区北七家东三旗村委会3号楼2单元501",
               category="纠纷-家庭纠纷",
               description="  报警人称：丈夫\r\n酒后 　打人，ＡＢＣ１２３  ")
    assert lead["reporter_names"] == ["王女士", "李红"] and lead["reporter_sex"] == "女"
    assert lead["phones"] == ["138****5678", "010-61712345"]
    assert lead["reporter_id"] == "11010519491231002X" and lead["reporter_id_valid"]
    assert lead["reporter_birth"] == date(1949, 12, 31)
    assert (lead["town"], lead["village"]) == ("北七家镇", "东三旗村")
    assert lead["dispute_type"] == "婚姻家庭" and lead["category_raw"] == "纠纷-家庭纠纷"
    assert lead["description"] == "报警人称：丈夫 酒后 打人，ABC123"


def test_masked_names_and_invalid_ids_are_kept_and_flagged(ctx) -> None:
    lead = one(ctx, reporter_name="王某", reporter_id="110105194912310021")
    assert lead["reporter_name"] == "王某" and lead["reporter_name_masked"]
    assert lead["reporter_id"] == "110105194912310021" and lead["reporter_id_valid"] is False
    assert any(f.startswith("身份证号无效") for f in lead["flags"])
    masked = one(ctx, reporter_id="110114********1234")
    assert masked["reporter_id_valid"] is False and not masked["flags"]


@pytest.mark.parametrize("value", [
    "9999-12-31 00:00:00", 2958465.5, datetime(1900, 1, 1), "1899-12-31", "2099-05-03 21:14",
    "0000-00-00", "2024-02-30 10:00", 1e300,
])
def test_absurd_dates_are_rejected_with_their_column(ctx, value) -> None:
    r = rejected(ctx, reported_at=value)
    assert r["column"] == "报警时间" and "日期" in r["reason"]


@pytest.mark.parametrize("value", [45415.885, "20240503", "2024年5月3日 21时14分", datetime(2024, 5, 3)])
def test_every_listed_date_form(ctx, value) -> None:
    assert one(ctx, reported_at=value)["reported_at"].date() == date(2024, 5, 3)


# ----------------------------------------------------------------------------- hostile cells


def test_formula_like_cells_are_kept_as_written_and_flagged(ctx) -> None:
    """The store keeps what the agency wrote; outputs write it as text (test_share_outputs)."""
    lead = one(ctx, description='=HYPERLINK("http://evil.example","点此查看详情")',
               category="=cmd|' /C calc'!A0", disposition="@SUM(1+1)*cmd|' /C calc'!A0")
    assert lead["description"] == '=HYPERLINK("http://evil.example","点此查看详情")'
    assert lead["category_raw"] == "=cmd|' /C calc'!A0"
    assert lead["disposition"] == "@SUM(1+1)*cmd|' /C calc'!A0"
    assert sorted(lead["flags"]) == [f"疑似公式（原样保存，输出为文本）:{c}"
                                     for c in ("处警结果", "简要案情", "警情类别")]


def test_phone_numbers_and_placeholders_are_not_formulas(ctx) -> None:
    lead = one(ctx, reporter_phone="+86 138 1234 5678", disposition="-", description="-5度天气")
    assert lead["phones"] == ["13812345678"] and not lead["flags"]
    assert lead["disposition"] is None


def test_control_characters_noted_by_the_reader_become_a_flag(ctx) -> None:
    row = list(police_rows(1)[0])
    row[7] = "扬言报复"
    batch = canonicalize("police", COLUMNS, POLICE_HEADERS, [row], ctx, {0: [7, 2]})
    assert batch.leads[0]["flags"] == ["控制字符已去除:简要案情、报警人"]


# ----------------------------------------------------------------------------- identity


def test_content_hash_ignores_form_and_sees_content(ctx) -> None:
    base = one(ctx)["content_hash"]
    row = police_rows(1)[0]
    same = one(ctx, source_ref=f"  {row[0]} ", reported_at=datetime(2024, 5, 2, 21, 14, 5),
               description=row[7] + "  ", address=row[5].replace("12", "１２"))
    assert same["content_hash"] == base
    assert one(ctx, disposition="已转司法所")["content_hash"] != base
    assert one(ctx, reported_at="2024-05-02 21:14:06")["content_hash"] != base


def test_totals_rows_are_rejected(ctx) -> None:
    batch = canonicalize("police", COLUMNS, POLICE_HEADERS,
                         [["合计", "5起", *[None] * 8], [None, "合计：5起", *[None] * 8]], ctx)
    assert [r["reason"] for r in batch.rejected] == ["合计行，不是数据行"] * 2


def test_a_totals_row_beside_the_record_number_and_a_footer_note_are_no_data(ctx) -> None:
    """Exports written by other software: 合计 in a column before the record number, whose
    cell holds the count; a note under the table. Neither is a lead missing its time."""
    with_count = [None] * len(COLUMNS)
    with_count[COLUMNS["source_ref"]] = "共4635条"
    ref = COLUMNS["source_ref"]
    before = ["合计" if i == (ref - 1 if ref else ref + 1) else v for i, v in enumerate(with_count)]
    note = ["制表：信息科", *[None] * (len(COLUMNS) - 1)]
    real = police_rows(1)[0]
    batch = canonicalize("police", COLUMNS, POLICE_HEADERS, [before, note, real], ctx)
    assert [r["reason"] for r in batch.rejected] == ["合计行，不是数据行", "表尾说明行，不是数据行"]
    assert len(batch.leads) == 1


# ----------------------------------------------------------------------------- fast paths


@st.composite
def addresses(draw: st.DrawFn, names: list[str]) -> str:
    parts = draw(st.lists(st.one_of(
        st.sampled_from(names),
        st.from_regex(r"[0-9０-９]{1,4}", fullmatch=True),
        st.sampled_from(["号楼", "单元", "号院", "北街", "村委会", " ", "号", "室", "-"]),
    ), min_size=1, max_size=6))
    return "".join(parts)


@pytest.fixture(scope="module")
def gazetteer_names(config: TriageConfig) -> list[str]:
    units = list(config.gazetteer.units.values())
    picked = [u for u in units if u.level != "village"] + units[::7]
    names = [n for u in picked for n in (u.name, u.short_name, *u.aliases[:2])]
    return [*sorted({n for n in names if n}), "黄寺大街24号社区", "黄寺大街", "新风街1号"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), town=st.sampled_from([None, "110114115000", "110112108000"]))
def test_address_key_resolves_like_the_full_address(ctx, gazetteer_names, data, town) -> None:
    address = data.draw(addresses(gazetteer_names))
    assert ctx.gazetteer.resolve(ctx.address_key(address), town) == \
        ctx.gazetteer._resolve_uncached(address, town)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="王鲁某女士先生大爷妈阿姨该其与(张李 x，。", max_size=16))
def test_parties_found_from_the_suffix_as_the_regex_finds_them(text) -> None:
    expected: list[str] = []
    for m in PARTY.finditer(text):
        if m.group(1) not in PARTY_STOP and m.group(0) not in expected:
            expected.append(m.group(0))
    assert parties_in(text) == expected


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r" {0,2}1[0-9]{2}[- ]?[0-9]{4}[- ]?[0-9]{4} {0,2}", fullmatch=True)
       | st.from_regex(r"[0-9１]{11}", fullmatch=True)
       | st.from_regex(r"1[0-9]{2}[- ][0-9]{4}[- ][0-9]{3,5}", fullmatch=True))
def test_plain_mobile_fast_path_matches_the_parser(s) -> None:
    assert parse_phones(s) == list(_parse_phones_str(s, "010"))


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r" {0,2}(\+ ?86|86|0086)[- ]{0,2}1[0-9]{2}[- ]{0,2}[0-9]{4}[- ]?[0-9]{3,5} {0,2}",
                     fullmatch=True)
       | st.from_regex(r" {0,2}[1*][0-9*]{2}\*{0,8}[0-9*]{3,5} {0,2}", fullmatch=True))
def test_country_code_and_masked_mobile_fast_paths_match_the_parser(s) -> None:
    assert parse_phones(s) == list(_parse_phones_str(s, "010"))


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="王李欧阳司马某女士先生姐老师等和与跟晓明红 *x·、", max_size=10)
       | st.from_regex(r" {0,2}[王李欧阳某晓明红女士生等和]{1,9} {0,2}", fullmatch=True))
def test_single_name_fast_path_matches_the_splitting_parser(s) -> None:
    for pinyin in (False, True):
        assert _parse_names_str.__wrapped__(s, pinyin) == _split_names(s, pinyin)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=" \t\n\u3000\u00a0\u200b\ufeff\x1c\x85\x7f，！Ａ１a王。", max_size=12)
       | st.text(max_size=12))
def test_clean_shortcut_matches_the_translation(s) -> None:
    assert _clean_raw(s) == _clean_translated(s)


_DATES = (r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?",
          r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}( [0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?)?",
          r"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日( ?[0-9]{1,2}时[0-9]{1,2}分([0-9]{1,2}秒)?)?")


@settings(max_examples=600, deadline=None)
@given(st.one_of(*(st.from_regex(r, fullmatch=True) for r in _DATES)))
def test_date_fast_paths_match_the_parser(s) -> None:
    slow = _parse_str(s)
    try:
        fast: datetime | str = parse_datetime(s, min_year=0, max_datetime=datetime.max)
    except ValueError as exc:
        fast = str(exc)
    assert fast == slow


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="王李欧阳晓明红某*女士先生、,和 （女）老师", max_size=14))
def test_names_without_pinyin_keep_text_mask_and_sex(s) -> None:
    full = [(n.text, n.masked, n.sex_hint, n.surname) for n in parse_names(s)]
    assert [(n.text, n.masked, n.sex_hint, n.surname) for n in parse_names(s, pinyin=False)] == full


# ----------------------------------------------------------------------------- cell guards


@given(st.text())
def test_scrub_removes_exactly_the_control_characters(s) -> None:
    out = scrub_control(s)
    assert not has_control(out)
    assert out == "".join(ch for ch in s if not has_control(ch))


@given(st.text(alphabet=st.sampled_from(list("=+-@ \tHYPERLINK(\"x\")cmd|!A0 138 数据")), max_size=20))
def test_defused_text_never_starts_a_formula(s) -> None:
    out = defuse_formula(s)
    if out is not None:
        assert not out.startswith(("=", "+", "-", "@", " ", "\t"))
        assert out in s
    elif s.lstrip().startswith("="):
        pytest.fail("a leading = is always a formula")


@pytest.mark.parametrize("text", ["+86 138 1234 5678", "-", "--", "-5", "@张三", "+8613812345678"])
def test_data_that_only_looks_like_a_formula(text) -> None:
    assert defuse_formula(text) is None


@given(st.lists(st.sampled_from(["警情编号", "报警时间", "简要案情", "备注", ""]), max_size=8))
def test_two_row_headers_under_an_empty_parent_are_the_child_row(lower) -> None:
    known = {"警情编号", "报警时间", "简要案情"}
    assert two_row_headers([""] * len(lower), lower, known) == [c.strip() for c in lower]


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True)
       | st.from_regex(r"(11|12|31|44)0[0-9]{3}(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-2][0-9]{4}[0-9Xx]",
                       fullmatch=True))
def test_plain_id_fast_path_matches_the_general_parser(s) -> None:
    assert _parse_id_str.__wrapped__(s) == _parse_id_str.__wrapped__(f" {s} ")
