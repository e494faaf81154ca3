"""Policy of the core, without a database: when a new lead alerts, how load counts."""

from __future__ import annotations

import json
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from triage.followup import alert_payload, follow_up_plan, new_lead_alert, receivers

FRESH = [{"id": 7, "source": "police"}, {"id": 9, "source": "hotline_12345"}]


def test_a_new_lead_on_a_red_or_orange_case_alerts() -> None:
    alert = new_lead_alert("C0000001", "红", "红", FRESH)
    assert alert is not None and alert["lead_id"] == 7 and alert["case_id"] == "C0000001"
    assert "新增 2 条线索" in alert["message"] and "12345、派出所" in alert["message"]
    assert new_lead_alert("C0000001", "橙", "红", FRESH) is not None


def test_a_lead_that_makes_a_case_red_alerts_whatever_it_was() -> None:
    arrived = new_lead_alert("C0000001", None, "红", FRESH, ["持械"])
    assert arrived is not None and arrived["kind"] == "新增红色风险"
    assert "新案件" in arrived["message"] and "持械" in arrived["message"]
    raised = new_lead_alert("C0000001", "黄", "红", FRESH, ["升级态势"])
    assert raised is not None and "黄→红" in raised["message"]


def test_no_alert_without_new_leads_or_below_red_on_a_quiet_case() -> None:
    assert new_lead_alert("C0000001", "红", "红", []) is None
    assert new_lead_alert("C0000001", "黄", "橙", FRESH) is None
    assert new_lead_alert("C0000001", None, "黄", FRESH) is None


def test_follow_up_plan_per_level_from_when_the_level_was_reached(config) -> None:
    since = datetime(2026, 12, 4, 16)  # a Friday afternoon
    red = follow_up_plan("红", since, config.routing, config.risk.deadlines["红"], ["妇联", "派出所"])
    assert red[0][1] == datetime(2026, 12, 4, 18)  # the level's deadline: 2 hours
    joint = [k for k, _ in red if k.startswith("会诊")]
    assert joint and "司法所、妇联、派出所" in joint[0]
    yellow = follow_up_plan("黄", since, config.routing, config.risk.deadlines["黄"])
    assert yellow[0][1] == datetime(2026, 12, 9, 16)  # 3 working days skip the weekend
    assert all(due > since for _k, due in red + yellow)
    assert next(k for k, _ in follow_up_plan("蓝", since, config.routing,
                                         config.risk.deadlines["蓝"])).startswith("坐诊")


def test_an_alert_goes_to_the_coordinators_the_mediator_and_each_agency_once() -> None:
    assert receivers("BQJ-V001", ["派出所", "妇联", "派出所"]) == ["司法所", "BQJ-V001", "派出所", "妇联"]
    assert receivers(None, []) == ["司法所"]


@given(st.text(min_size=1, max_size=40))
def test_an_alert_payload_carries_no_words_of_the_leads(words: str) -> None:
    alert = {"case_id": "C20240503-000123", "level": "红", "kind": "新增红色风险",
             "message": f"王小明 13912345678 110114199001011234 {words}"}
    body = json.dumps(alert_payload(alert, "东三旗村", ["持械"], "https://x/cases/{case_id}"),
                      ensure_ascii=False)
    assert "13912345678" not in body and "王小明" not in body and "110114199001011234" not in body
    assert "C20240503-000123" in body and "https://x/cases/C20240503-000123" in body
    assert "持械" in body and "东三旗村" in body
