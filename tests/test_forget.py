"""``triage forget --person``: nothing of the person is left in the store or the link index."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
from sqlalchemy import select, text
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner

from connectors.resources import Resources
from connectors.settings import Settings
from connectors.store.access import LEAD_COLUMNS, leads_frame, sync_roster
from connectors.store.link_files import index_path, load_index
from connectors.store.schema import CaseLink, Person, RawRow, RiskAssessment
from connectors.store.secrets import link_key
from flows import stages
from flows.cli import app
from triage.link.features import Pseudonyms, name_candidates, pinyin_key

from .exports import drop_demo, write_xlsx


def _run(res: Resources) -> None:
    sync_roster(res.engine, res.config.mediators)
    got = stages.ingest_all(res)
    stages.link_stage(res)
    stages.score_stage(res, None, got.new_lead_ids)
    stages.route_stage(res)


def _store_text(res: Resources) -> str:
    """Every row of every table, as text."""
    parts = []
    with res.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                parts.append(json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False))
    return "\n".join(parts)


def _index_bytes(folder: Path) -> bytes:
    with zipfile.ZipFile(index_path(folder)) as z:
        return b"".join(z.read(n) for n in z.namelist())


def _quoting(res: Resources, gone: set[int]) -> list[str]:
    """Every risk signal or link evidence, in any case (merged ones too), that still refers
    to one of these leads."""
    found = []
    with res.engine.connect() as conn:
        for cid, signals, history, text in conn.execute(select(
                RiskAssessment.case_id, RiskAssessment.signals, RiskAssessment.history,
                RiskAssessment.explanation)):
            found += [f"{cid}: explanation quotes lead {g}" for g in gone
                      if re.search(rf"线索#{g}(?!\d)", text or "")]
            for sig in [*(signals or []), *(history or [])]:
                for ev in sig.get("evidence") or []:
                    if ev.get("lead_id") in gone or set(ev.get("lead_ids") or []) & gone:
                        found.append(f"{cid}: {sig['signal']} {ev}")
        for lid, evidence in conn.execute(select(CaseLink.lead_id, CaseLink.evidence)):
            found += [f"link of {lid}: {e}" for e in evidence or [] if e.get("with_lead") in gone]
    return found


def _pick_person(res: Resources) -> tuple[int, pd.DataFrame]:
    """A reporter with a full name no other lead shares (even by sound) or mentions in its
    text (another reporter's record naming them is that reporter's, not theirs), a phone
    and a case that other leads are in too, so both a kept and a cleaned case are exercised."""
    leads = leads_frame(res.engine, (*LEAD_COLUMNS, "parties", "address"))
    with Session(res.engine) as s:
        links = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    leads["case_id"] = leads["id"].map(links)
    said: dict[str, set[int]] = {}  # a sound → the leads whose text or parties name it
    for r in leads.itertuples():
        spans = [*(r.parties or []), *name_candidates(r.description or ""),
                 *name_candidates(r.address or "")]
        for span in spans:
            said.setdefault(pinyin_key(span), set()).add(int(r.id))
    named = leads[~leads["reporter_name_masked"] & leads["reporter_name"].notna()]
    sounds = Counter(pinyin_key(n) for n in leads["reporter_name"].dropna())
    size = leads.groupby("case_id")["id"].size()
    for pid, own in named.groupby("person_id"):
        mine = leads[leads["person_id"] == pid]
        name = own["reporter_name"].iloc[0]
        phones = [p for ps in mine["phones"] for p in (ps or []) if "*" not in p]
        others = leads[leads["person_id"] != pid]
        shared_phone = any(p in (ps or []) for ps in others["phones"] for p in phones)
        mentioned = others["description"].fillna("").str.contains(name, regex=False).any()
        said_by_others = said.get(pinyin_key(name), set()) - set(mine["id"].astype(int))
        if (len(name) >= 3 and not mentioned and not said_by_others
                and sounds[pinyin_key(name)] == len(own) and phones and not shared_phone
                and (size[mine["case_id"]] > len(mine)).any()
                and mine["reporter_id_valid"].eq(True).any()):
            return int(pid), mine
    raise AssertionError("no suitable person in the sample")


def test_forget_leaves_nothing_of_the_person(settings: Settings, res: Resources, monkeypatch) -> None:
    drop_demo(res.settings.inbox, 60, 31)
    _run(res)
    drop_demo(res.settings.inbox, 10, 32)  # corrections and merges: cases with a history
    _run(res)
    pid, mine = _pick_person(res)
    name = mine.loc[~mine["reporter_name_masked"], "reporter_name"].iloc[0]
    phones = sorted({p for ps in mine["phones"] for p in (ps or []) if "*" not in p})
    ids = sorted({i for i in mine["reporter_id"].dropna()})
    texts = [t for t in mine["description"].dropna() if len(t) >= 8]
    key = Pseudonyms(link_key(res.engine, res.settings))
    before = _store_text(res)
    index_before = _index_bytes(res.settings.models)
    for value in (name, *phones, *ids, *texts):
        assert value in before, value
    assert name.encode() in index_before and key(phones[0]).encode() in index_before
    lead_count = len(leads_frame(res.engine))

    monkeypatch.setenv("TRIAGE_HOME", str(settings.home))
    monkeypatch.setenv("TRIAGE_DATABASE_URL", settings.db_url)
    result = CliRunner().invoke(app, ["forget", "--person", str(pid), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"线索 {len(mine)} 条" in result.output

    after = _store_text(res)
    for value in (name, *phones, *ids, *texts):
        assert value not in after, value
    with Session(res.engine) as s:
        assert s.get(Person, pid) is None
    assert len(leads_frame(res.engine)) == lead_count - len(mine)
    raw = _index_bytes(res.settings.models)
    for value in (name, pinyin_key(name), *(key(p) for p in phones), *(key(i) for i in ids),
                  *phones, *ids):
        assert value.encode() not in raw, value
    index = load_index(res.settings.models)
    assert index is not None and not set(mine["id"]) & set(index.table.ids.tolist())
    assert _quoting(res, set(mine["id"].astype(int))) == []

    # the next night runs on what is left and brings nothing of them back
    drop_demo(res.settings.inbox, 10, 33)
    _run(res)
    final = _store_text(res)
    assert name not in final and not any(p in final for p in phones)
    with res.engine.connect() as conn:  # every case still has its leads, counts agree
        bad = conn.execute(text(
            "SELECT c.id FROM \"case\" c LEFT JOIN case_link l ON l.case_id = c.id "
            "WHERE c.status = 'open' GROUP BY c.id, c.lead_count "
            "HAVING COUNT(l.lead_id) <> c.lead_count")).all()
    assert bad == []


def test_forget_asks_which_person(settings: Settings, res: Resources, monkeypatch) -> None:
    monkeypatch.setenv("TRIAGE_HOME", str(settings.home))
    monkeypatch.setenv("TRIAGE_DATABASE_URL", settings.db_url)
    runner = CliRunner()
    assert runner.invoke(app, ["forget"]).exit_code == 2
    missing = runner.invoke(app, ["forget", "--person", "999999", "--yes"])
    assert missing.exit_code == 1 and "999999" in missing.output
    unknown = runner.invoke(app, ["forget", "--id-number", "110114198001011234", "--yes"])
    assert unknown.exit_code == 1


def test_forget_finds_every_copy_of_a_record_in_later_exports(settings: Settings, res: Resources,
                                                              monkeypatch, tmp_path: Path) -> None:
    """Cumulative exports repeat earlier rows; Excel keeps long record numbers as numbers."""
    headers = ["警情编号", "报警时间", "报警人", "报警人电话", "身份证号", "发案地点", "警情类别", "简要案情"]

    def rows(n: int) -> list[list[object]]:
        return [[2024050100000 + i, f"2024-05-{i + 1:02d} 21:14", name, phone, ident,
                 "北京市昌平区北七家镇东三旗村12号", "纠纷-邻里纠纷", f"{name}称与邻居因漏水争吵（第{i}次）"]
                for i, (name, phone, ident) in enumerate(
                    [("柏文斌", "13911112222", "11010519491231002X"), ("卫红梅", "13633334444", "")] * (n // 2))]

    stages.ingest_paths(res, [write_xlsx(tmp_path / "a.xlsx", headers, rows(4))], "police")
    later = stages.ingest_paths(res, [write_xlsx(tmp_path / "b.xlsx", headers, rows(8))], "police")
    assert later.leads_unchanged == 4 and later.leads_new == 4  # the first four again, as repeats
    stages.link_stage(res)
    with Session(res.engine) as s:
        pid = s.execute(select(Person.id).where(Person.id_number == "11010519491231002X")).scalar_one()
        raw_before = [str(r) for r in s.execute(select(RawRow.data)).scalars()]
    assert sum("柏文斌" in r for r in raw_before) == 6  # 2 rows in the first export, 4 in the second

    monkeypatch.setenv("TRIAGE_HOME", str(settings.home))
    monkeypatch.setenv("TRIAGE_DATABASE_URL", settings.db_url)
    result = CliRunner().invoke(app, ["forget", "--id-number", "11010519491231002X", "--yes"])
    assert result.exit_code == 0, result.output
    assert "a.xlsx" in result.output and "b.xlsx" in result.output  # where their rows came from
    text_after = _store_text(res)
    for value in ("柏文斌", "13911112222", "11010519491231002X"):
        assert value not in text_after, value
    assert text_after.count("卫红梅") >= 6  # the other reporter keeps every row
    with Session(res.engine) as s:
        assert s.get(Person, pid) is None
