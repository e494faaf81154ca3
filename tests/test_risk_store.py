"""Risk through the store, on SQLite and PostgreSQL: explanations and deadlines kept with
each assessment, a coordinator's override across reruns, and a new red flag lifting it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from connectors.resources import Resources
from connectors.store.linking import decide
from connectors.store.risk import current_assessment
from connectors.store.schema import Alert, CaseLink, RiskAssessment
from flows import stages
from flows.stages import link_stage
from flows.stages.score import override_case

from .exports import POLICE_HEADERS, write_csv

ROW = ["王晓明", "13812340001", "", "北京市昌平区北七家镇东三旗村12号", "纠纷-邻里纠纷"]


def _row(ref: str, when: str, text: str) -> list[object]:
    return [ref, when, *ROW, text, "已调解", "北七家派出所"]


def _night(res: Resources, inbox: Path, name: str, rows: list[list[object]]) -> None:
    """A night's file; a coordinator has confirmed its lead belongs to the first one's case
    (this test is about risk, not about whether linking would have found it)."""
    write_csv(inbox / "police" / name, POLICE_HEADERS, rows, "gbk")
    ingest = stages.ingest_inbox(res)
    for lid in ingest.new_lead_ids:
        if lid != 1:
            decide(res.engine, 1, lid, "merge", "测试协调员")
    link_stage(res)
    stages.score_stage(res, None, ingest.new_lead_ids)


def _case(res: Resources) -> str:
    with Session(res.engine) as s:
        cases = set(s.exec(select(CaseLink.case_id)).all())
    assert len(cases) == 1
    return cases.pop()


def test_an_override_holds_across_nights_until_a_new_red_flag(res: Resources) -> None:
    inbox = res.settings.inbox
    _night(res, inbox, "a.csv", [
        _row("J1", "2024-05-01 21:14:05", "报警人称与邻居鲁某因空调外机对着窗户发生争执，对方扬言要弄死他")])
    case = _case(res)
    first = current_assessment(res.engine, case)
    assert first is not None and first["level"] == "红"
    assert first["explanation"].startswith("风险等级：红") and "弄死" in first["explanation"]
    assert first["follow_up_by"] is not None and first["level_since"] is not None

    with pytest.raises(ValueError, match="理由"):
        override_case(res, case, "黄", "张协调员")
    override_case(res, case, "黄", "张协调员", "双方已当面和解，对方承认是气话")

    _night(res, inbox, "b.csv", [
        _row("J2", "2024-05-03 20:00:00", "报警人称与邻居鲁某因空调外机问题再次发生口角")])
    kept = current_assessment(res.engine, case)
    assert kept is not None
    assert (kept["level"], kept["computed_level"], kept["override_by"]) == ("黄", "红", "张协调员")
    assert kept["override_at"] is not None and kept["override_from"] == "红"

    _night(res, inbox, "c.csv", [
        _row("J3", "2024-05-05 22:30:00", "报警人称与邻居鲁某因空调外机问题又起争执，鲁某手持菜刀堵在其家门口")])
    lifted = current_assessment(res.engine, case)
    assert lifted is not None and lifted["level"] == "红" and lifted["override_level"] is None
    assert "张协调员" in lifted["note"] and "已自动恢复为红" in lifted["explanation"]
    with Session(res.engine) as s:
        kinds = [a.kind for a in s.exec(select(Alert).where(Alert.case_id == case))]
        history = s.exec(select(RiskAssessment).where(RiskAssessment.case_id == case)).all()
    assert "降级后新红色线索" in kinds and "新增红色风险" in kinds  # red on arrival alerts too
    assert [h.override_level for h in history if not h.is_current][-1] == "黄"


def test_a_night_scores_only_what_changed_and_agrees_with_scoring_everything(
        res: Resources) -> None:
    """Incremental scoring (cases the night touched, their persons' cases, cases crossing the
    fading line) leaves every case where scoring all of them again would."""
    import shutil

    import pandas as pd

    from samples.exports import write_demo_exports

    def latest(leads: pd.DataFrame) -> pd.Series:
        return pd.to_datetime(leads["reported_at"]).rank(method="first") > len(leads) * 0.85

    for name, pick in (("history", lambda leads: ~latest(leads)), ("night", latest)):
        staging = res.settings.home / f"stage-{name}"
        manifest = write_demo_exports(staging, 80, 21, formats="csv", select=pick)
        for f in manifest.files:
            target = res.settings.inbox / f.source / Path(f.path).name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f.path, target)
        got = stages.ingest_inbox(res)
        link_stage(res)
        out = stages.score_stage(res, None, got.new_lead_ids)
        if name == "night":
            assert 0 < out["scored"] < out["红"] + out["橙"] + out["黄"] + out["蓝"]
    with Session(res.engine) as s:
        night = {a.case_id: (a.level, a.score) for a in s.exec(
            select(RiskAssessment).where(RiskAssessment.is_current == True))}  # noqa: E712
    stages.score_stage(res, None, (), full=True)
    with Session(res.engine) as s:
        full = {a.case_id: (a.level, a.score) for a in s.exec(
            select(RiskAssessment).where(RiskAssessment.is_current == True))}  # noqa: E712
    assert {c: v for c, v in night.items() if c in full} == full
    # and a second run with nothing new scores nothing
    assert stages.score_stage(res, None, ())["scored"] == 0
