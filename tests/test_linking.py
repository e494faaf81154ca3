"""First-version linking: shared phone or valid ID, within a window, stable case ids."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from triage.linking import group_persons, link_leads


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {"reporter_id": None, "reporter_id_valid": None, "phones": None,
            "dispute_type": "邻里", "reporter_name": "王晓明"}
    out = []
    for r in rows:
        r = {**base, **r}
        r["reported_at"] = datetime(2024, 1, 1) + timedelta(days=r.pop("day"))
        out.append(r)
    return pd.DataFrame(out)


def test_shared_phone_links_and_records_evidence() -> None:
    leads = frame([
        {"id": 1, "day": 0, "phones": ["13812345678"]},
        {"id": 2, "day": 5, "phones": ["13812345678", "010-61712345"]},
        {"id": 3, "day": 9, "phones": ["010-61712345"]},
        {"id": 4, "day": 9, "phones": ["13900000000"]},
    ])
    result = link_leads(leads, {})
    assert result.case_of[1] == result.case_of[2] == result.case_of[3]
    assert result.case_of[4] != result.case_of[1]
    ev = result.evidence[2][0]
    assert ev["field"] == "phone" and "5678" in ev["detail"] and "1234" not in ev["detail"]


def test_masked_phones_never_link_and_time_window_splits() -> None:
    leads = frame([
        {"id": 1, "day": 0, "phones": ["138****5678"]},
        {"id": 2, "day": 1, "phones": ["138****5678"]},
        {"id": 3, "day": 0, "phones": ["13812345678"]},
        {"id": 4, "day": 400, "phones": ["13812345678"]},
    ])
    result = link_leads(leads, {})
    assert len({result.case_of[i] for i in (1, 2, 3, 4)}) == 4


def test_case_ids_stable_and_merges_keep_the_oldest() -> None:
    leads = frame([
        {"id": 1, "day": 0, "phones": ["13812345678"]},
        {"id": 2, "day": 1, "phones": ["13900000000"]},
        {"id": 3, "day": 2, "phones": ["13700000000"]},
    ])
    first = link_leads(leads, {})
    assert len(set(first.case_of.values())) == 3
    bridge = frame([{"id": 4, "day": 3, "phones": ["13812345678", "13900000000"]}])
    second = link_leads(pd.concat([leads, bridge]), first.case_of)
    assert second.case_of[3] == first.case_of[3]  # untouched case keeps its id
    assert second.case_of[1] == second.case_of[2] == second.case_of[4] == first.case_of[1]
    merged = [e for e in second.events if e["kind"] == "merged"]
    assert merged == [{"kind": "merged", "case_id": first.case_of[1],
                       "other_case_id": first.case_of[2]}]


def test_persons_by_valid_id_or_phone_with_surname() -> None:
    leads = frame([
        {"id": 1, "day": 0, "reporter_id": "11010519491231002X", "reporter_id_valid": True},
        {"id": 2, "day": 300, "reporter_id": "11010519491231002X", "reporter_id_valid": True,
         "phones": ["13812345678"]},
        {"id": 3, "day": 301, "phones": ["13812345678"]},
        {"id": 4, "day": 301, "phones": ["13812345678"], "reporter_name": "李红"},
    ])
    persons = group_persons(leads)
    assert persons[1] == persons[2] == persons[3]
    assert persons[4] != persons[1]
