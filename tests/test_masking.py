"""Masking by receiver: full numbers reach only those entitled to them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from triage.masking import mask_name, mask_record, scrub_text

RECORD = {"reporter_name": "王晓明", "reporter_phone": "13812345678",
          "phones": ["13812345678", "010-61712345"], "reporter_id": "11010519491231002X",
          "description": "王晓明（电话13812345678，身份证11010519491231002X）称邻居扰民"}


def test_receivers_get_what_masking_toml_says(config) -> None:
    coordinator = mask_record(RECORD, config.masking.for_receiver("coordinator"))
    assert coordinator == RECORD
    briefing = mask_record(RECORD, config.masking.for_receiver("briefing"))
    assert briefing["reporter_phone"] is None and briefing["reporter_id"] is None
    assert briefing["description"] is None and briefing["reporter_name"] == "王某"
    hotline = mask_record(RECORD, config.masking.for_receiver("hotline_12345"))
    assert hotline["reporter_phone"] == "138****5678"
    assert "13812345678" not in hotline["description"]
    assert "11010519491231002X" not in hotline["description"]


def test_mask_name_forms() -> None:
    assert mask_name("王晓明") == "王某"
    assert mask_name("欧阳娜娜") == "欧阳某"
    assert mask_name("李某某") == "李某某"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.text(max_size=20))
def test_no_full_mobile_survives_scrubbing(mobile: str, noise: str) -> None:
    text = f"{noise}联系电话{mobile}。{noise}"
    assert mobile not in (scrub_text(text) or "")
