"""The four seed cases of the article (``../shared/seed/``), as each agency would have
recorded them, in three tellings each (``tests/risk_seed/cases.json``, written from the
article and issue 11's policy alone by someone who had not read the detector)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from triage.risk import RiskScorer

SEED = json.loads((Path(__file__).parent / "risk_seed" / "cases.json").read_text("utf-8"))
RED_FLAGS = {"threat": "扬言伤害/报复", "weapon": "持械", "suicide": "自杀/自伤倾向",
             "dv_injury": "家暴致伤", "strangulation": "掐颈/捂嘴",
             "protection_order_breach": "违反保护令", "escalation": "升级态势",
             "prior_red": "既往红色风险"}


def _leads(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "reported_at": datetime.strptime(r["reported_at"], "%Y-%m-%d %H:%M")}
            for r in raw]


TELLINGS = [pytest.param(case, leads, id=f"{i}-{n}")
            for i, case in enumerate(SEED)
            for n, leads in enumerate([case["leads"], *case.get("variants", [])])]


@pytest.mark.parametrize(("case", "leads"), TELLINGS)
def test_a_seed_case_gets_its_level_and_red_flags(config, case: dict[str, Any],
                                                  leads: list[dict[str, Any]]) -> None:
    a = RiskScorer(config.risk).score(_leads(leads))
    assert a.level == case["expected_level"], (case["name"], a.signals)
    assert {RED_FLAGS[f] for f in case["expected_red_flags"]} <= set(a.red_flags), case["name"]
