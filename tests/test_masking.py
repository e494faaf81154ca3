"""Masking by receiver: full numbers, names and homes reach only those entitled to them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.config import ConfigError, load_config
from connectors.outputs.names import NameFinder
from triage.masking import (
    DV_WITHHELD,
    MaskingPolicy,
    mask_address,
    mask_name,
    mask_record,
    scrub,
    scrub_numbers,
)

from .conftest import REPO_DATA

RECORD = {"source": "police", "reporter_name": "王晓明", "reporter_phone": "13812345678",
          "phones": ["13812345678", "010-61712345"], "reporter_id": "11010519491231002X",
          "address": "北七家镇东三旗村3组15号", "village": "东三旗村",
          "description": "王晓明（电话13812345678，身份证11010519491231002X）称邻居扰民"}
MASKED = lambda kind: "masked"  # noqa: E731


def test_receivers_get_what_masking_toml_says(config) -> None:
    judicial = mask_record(RECORD, config.masking.for_receiver("judicial_office"))
    assert judicial == RECORD
    briefing = mask_record(RECORD, config.masking.for_receiver("briefing"))
    assert briefing["reporter_phone"] is None and briefing["reporter_id"] is None
    assert briefing["reporter_name"] is None and briefing["address"] == "北七家镇东三旗村**"
    assert briefing["description"] is None  # the briefing reads no descriptions
    named = config.masking.for_receiver("briefing").model_copy(update={"text": "masked"})
    text = mask_record(RECORD, named)["description"]
    assert "王晓明" not in text and "〔姓名〕" in text  # names absent: a placeholder in text
    hotline = mask_record(RECORD, config.masking.for_receiver("hotline_12345"))
    assert hotline["reporter_phone"] == "138****5678" and hotline["reporter_name"] == "王**"
    assert hotline["reporter_id"] is None and hotline["description"] is None  # reads no text
    masked_text = config.masking.for_receiver("hotline_12345").model_copy(update={"text": "masked"})
    scrubbed = mask_record(RECORD, masked_text)["description"]
    assert "13812345678" not in scrubbed and "11010519491231002X" not in scrubbed
    assert "王晓明" not in scrubbed and "王**" in scrubbed
    police = config.masking.for_receiver("police")
    assert mask_record(RECORD, police, own=True) == RECORD  # its own record, as it wrote it
    police_dv = mask_record(RECORD, police, dv=True)  # the police read text, but no DV details
    assert police_dv["description"] == DV_WITHHELD
    federation = config.masking.for_receiver("womens_federation")
    assert "王晓明" in (mask_record(RECORD, federation, dv=True)["description"] or "")


def test_mask_value_forms() -> None:
    assert mask_name("王晓明") == "王**"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("李某某") == "李某某" and mask_name("刘女士") == "刘女士"
    assert mask_address("幸福里小区3栋2单元502室") == "幸福里小区3栋**"
    assert mask_address("石桥村3组15号", "石桥村") == "石桥村**"


def test_numbers_that_are_not_personal_stay() -> None:
    text = ("工单号20240503001234，警情编号J2024050300123，欠款3.5万元共12000元，"
            "2024年5月3日21时30分，65岁，120平方米，5人，第3次")
    assert scrub(text, MASKED) == text


@st.composite
def phone_forms(draw: st.DrawFn) -> tuple[str, str]:
    """A mobile as people write it, and its 11 digits."""
    digits = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    form = draw(st.sampled_from(["{}", "{} {} {}", "{}-{}-{}", "+86 {} {} {}", "+86{}", "0086 {}",
                                 "(+86){}"]))
    parts = (digits[:3], digits[3:7], digits[7:]) if form.count("{}") == 3 else (digits,)
    return form.format(*parts), digits


@given(phone_forms(), st.text(alphabet="报警人称其与邻居因琐事争吵电话联系，。", max_size=15))
def test_no_full_mobile_survives_in_any_form(phone: tuple[str, str], noise: str) -> None:
    written, digits = phone
    out = scrub_numbers(f"{noise}{written}{noise}") or ""
    assert digits not in out.replace(" ", "").replace("-", "")
    assert digits[-4:] in out  # masked, not deleted: a reader can still tell numbers apart


@given(st.from_regex(r"[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9])[0-9]{3}[0-9X]", fullmatch=True),
       st.sampled_from(["{}", "{} {} {}", "{}-{}-{}"]))
def test_no_id_number_survives_in_any_form(ident: str, form: str) -> None:
    written = form.format(ident[:6], ident[6:14], ident[14:]) if form != "{}" else ident
    out = scrub_numbers(f"身份证号{written}，") or ""
    assert ident not in out.replace(" ", "").replace("-", "") and ident[6:14] not in out


@given(st.from_regex(r"0[1-9][0-9]{1,2}", fullmatch=True), st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True),
       st.sampled_from(["{}-{}", "({}){}", "{} {}", "（{}）{}"]))
def test_no_landline_survives(area: str, local: str, form: str) -> None:
    out = scrub_numbers(f"座机{form.format(area, local)}。") or ""
    assert local not in out.replace(" ", "")


def _recall(path: Path) -> dict[str, float]:
    recs = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    finder = NameFinder([r["village"] for r in recs] + [r["town"] for r in recs])
    hit: dict[str, int] = {}
    total: dict[str, int] = {}
    for r in recs:
        out = scrub(r["text"], MASKED, finder.find(r["text"])) or ""
        for p in r["pii"]:
            total[p["kind"]] = total.get(p["kind"], 0) + 1
            hit[p["kind"]] = hit.get(p["kind"], 0) + (p["value"] not in out)
    return {k: hit[k] / total[k] for k in total}


@pytest.mark.parametrize(("corpus", "names"), [("share_canary", 0.95), ("share_canary2", 0.75)])
def test_canaries_written_by_others_are_masked(corpus: str, names: float) -> None:
    """Texts by helpers who never saw the masker (share_canary2 held out: never tuned on).
    Every number and plate is masked; names and homes to the floors measured."""
    recall = _recall(Path(__file__).parent / corpus / "records.jsonl")
    assert recall["phone"] == recall["id"] == recall["plate"] == 1.0
    assert recall["address"] >= 0.95 and recall["name"] >= names, recall


def test_a_policy_missing_a_receiver_is_refused_in_chinese(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(REPO_DATA, data)
    path = data / "config" / "masking.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("[receivers.hotline_12345]", "[receivers.hotline]"), "utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(data)
    assert "masking.toml" in str(err.value) and "hotline_12345" in str(err.value)
    path.write_text(text.replace('phone = "masked"', 'phone = "partly"', 1), "utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(data)
    assert "masking.toml" in str(err.value) and "phone" in str(err.value)


def test_the_policy_model_round_trips(config) -> None:
    again = MaskingPolicy.model_validate(config.masking.model_dump())
    assert again == config.masking
