"""Policy of the core, without a database: when a new lead alerts, how load counts."""

from __future__ import annotations

from triage.followup import new_lead_alert
from triage.routing import current_load, needs_routing

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


def test_load_counts_assignments_but_not_of_cases_being_rerouted() -> None:
    current = [("C1", "m1"), ("C2", "m1"), ("C3", "m2"), ("C4", None)]
    assert current_load(current) == {"m1": 2, "m2": 1}
    assert current_load(current, rerouted=["C2", "C3"]) == {"m1": 1}


def test_confirmed_cases_are_not_routed_again() -> None:
    assert needs_routing("C1", {"C2"}) and not needs_routing("C2", {"C2"})
