"""The whole job, stage by stage, on generated exports, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from connectors.outputs.export import EXPORT_COLUMNS, export_cases
from connectors.resources import Resources
from connectors.store.access import sync_roster
from connectors.store.schema import Assignment, Case, CaseLink, Lead, RejectedRow, RiskAssessment
from flows import stages
from flows.stages import link_stage

from .exports import drop_demo


def _run(res: Resources) -> dict:
    sync_roster(res.engine, res.config.mediators)
    ingest = stages.ingest_inbox(res)
    return {
        "ingest": ingest,
        "link": link_stage(res),
        "risk": stages.score_stage(res, None, ingest.new_lead_ids),
        "route": stages.route_stage(res),
        "outputs": stages.share_stage(res, None, {"ingest": stages.summary_dict(ingest)}),
    }


def _scalar(res: Resources, stmt) -> int:
    with Session(res.engine) as s:
        return int(s.execute(stmt).scalar_one())


def test_every_row_is_a_lead_or_rejected_and_every_case_is_routed(res: Resources) -> None:
    manifest = drop_demo(res.settings.inbox, 60, 11)
    out = _run(res)
    ing = out["ingest"]
    assert ing.quarantined == 0 and ing.balanced
    assert ing.rows_in == manifest.total_rows
    leads = _scalar(res, select(func.count()).select_from(Lead))
    rejected = _scalar(res, select(func.count()).select_from(RejectedRow))
    assert rejected == ing.rejected >= 1
    assert ing.leads_new == leads
    truth = pd.read_csv(manifest.truth_path, dtype=str)
    assert leads == len(truth)
    assert not list(res.settings.inbox.glob("*/*.csv")) + list(res.settings.inbox.glob("*/*.xlsx"))
    # every lead has a case, every open case an assessment and an assignment
    assert _scalar(res, select(func.count()).select_from(CaseLink)) == leads
    open_cases = _scalar(res, select(func.count()).select_from(Case).where(Case.status == "open"))
    assert open_cases == out["link"]["cases"]
    assert _scalar(res, select(func.count()).select_from(RiskAssessment).where(
        RiskAssessment.is_current == True)) == open_cases  # noqa: E712
    assert _scalar(res, select(func.count()).select_from(Assignment).where(
        Assignment.is_current == True)) == open_cases  # noqa: E712
    # only a case that could not be placed in any town waits for a coordinator
    unplaced = _scalar(res, select(func.count()).select_from(Case).where(
        Case.status == "open", Case.town.is_(None)))
    assert out["route"]["unroutable"] <= unplaced
    assert sum(out["risk"][k] for k in ("红", "橙", "黄", "蓝")) == open_cases


def test_second_run_changes_nothing_and_case_ids_are_stable(res: Resources) -> None:
    drop_demo(res.settings.inbox, 40, 5)
    _run(res)
    with Session(res.engine) as s:
        before = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    # the same exports dropped again: nothing new, same cases
    drop_demo(res.settings.inbox, 40, 5)
    again = _run(res)
    assert again["ingest"].leads_new == 0 and again["ingest"].leads_updated == 0
    assert again["ingest"].duplicates == len(again["ingest"].files)
    with Session(res.engine) as s:
        after = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    assert after == before


def test_outputs_are_masked_for_their_receiver(res: Resources, tmp_path: Path) -> None:
    """On each database: the other agencies' phones and IDs never reach the 12345 ledger, the
    briefing or the export (tests/test_share_outputs.py checks every receiver in detail)."""
    drop_demo(res.settings.inbox, 40, 3)
    out = _run(res)
    names = [p.name for p in out["outputs"]]
    assert any(n.startswith("派出所台账") for n in names)
    assert any(n.startswith("派单_") for n in names)
    with Session(res.engine) as s:
        phones = {p for (ps,) in s.execute(select(Lead.phones).where(Lead.source != "hotline_12345"))
                  for p in (ps or []) if "*" not in p}
        ids = {i for (i,) in s.execute(select(Lead.reporter_id).where(
            Lead.reporter_id_valid == True, Lead.source != "hotline_12345")) if i}  # noqa: E712
    hotline = next(p for p in out["outputs"] if p.name.startswith("12345台账"))
    wb = load_workbook(hotline, read_only=True)
    cells = {str(c) for ws in wb.worksheets if ws.title != "本部门线索"
             for row in ws.iter_rows(values_only=True) for c in row if c is not None}
    text = "\n".join(cells)
    assert "风险信号及依据" in cells
    assert phones and not any(p in text for p in phones)
    assert ids and not any(i in text for i in ids)
    briefing = next(p for p in out["outputs"] if p.suffix == ".html").read_text("utf-8")
    assert not any(p in briefing for p in phones)

    export = tmp_path / "cases.csv"
    n = export_cases(res.engine, export)
    with export.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == EXPORT_COLUMNS
    assert len(rows) == n == _scalar(res, select(func.count()).select_from(Lead))
    assert all(r["case_id"] and r["risk_level"] in ("红", "橙", "黄", "蓝") for r in rows)
    assert not any(p in export.read_text("utf-8") for p in phones)


def test_later_nights_link_incrementally_and_keep_decisions(res: Resources) -> None:
    from connectors.store.link_files import index_path, load_index, load_model, save_index
    from connectors.store.linking import decide, pending_reviews

    models = res.settings.models
    drop_demo(res.settings.inbox, 40, 21)
    first = _run(res)
    assert first["link"]["mode"] == "full"
    assert load_model(models) is not None  # weights written where they can be inspected
    with Session(res.engine) as s:
        before = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    drop_demo(res.settings.inbox, 15, 22)
    second = _run(res)
    assert second["link"]["mode"] == "incremental"
    assert second["ingest"].leads_new > 0
    # the night read only its own neighbourhood, through the index the first run left
    index = load_index(models)
    assert index is not None and index.stats.n == second["link"]["leads"]
    assert second["link"]["region"] < second["link"]["leads"]
    with Session(res.engine) as s:
        after = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    kept = sum(1 for lid, cid in before.items() if after[lid] == cid)
    assert kept / len(before) >= 0.95
    # a coordinator merges two leads of different cases, each with other leads: the next run
    # joins the two cases whole and keeps them together
    sizes = pd.Series(after).value_counts()
    big = [c for c in sizes.index if sizes[c] >= 2][:2]
    a = min(lid for lid, cid in after.items() if cid == big[0])
    b = min(lid for lid, cid in after.items() if cid == big[1])
    joined = {lid for lid, cid in after.items() if cid in big}
    decide(res.engine, a, b, "merge", "测试协调员")
    older = load_index(models)
    assert older is not None
    older.revision -= 1  # as an index whose features were computed another way
    save_index(models, older)
    assert load_index(models) is None
    del older.table.sets["fulls"]  # as an index written before a feature was added
    older.revision += 1
    save_index(models, older)
    assert load_index(models) is None
    index_path(models).write_bytes(b"damaged")  # a damaged index only costs a recomputation
    _run(res)
    kept_index = load_index(models)
    assert kept_index is not None
    _rewrite_meta(index_path(models), drop="revision")  # written before indexes kept their revision
    assert load_index(models) is None
    with Session(res.engine) as s:
        final = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    assert final[a] == final[b]
    assert {final[lid] for lid in joined} == {final[a]}  # whole cases, not one lead
    assert all(r["lead_a"] != a or r["lead_b"] != b for r in pending_reviews(res.engine))
    # keeping two leads of one case apart splits that case, and the split holds
    c, d = sorted(lid for lid in joined if final[lid] == final[a])[:2]
    decide(res.engine, c, d, "split", "测试协调员")
    link_stage(res)
    with Session(res.engine) as s:
        split = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    assert split[c] != split[d]
    drop_demo(res.settings.inbox, 10, 23)
    _run(res)
    with Session(res.engine) as s:
        later = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    assert later[c] != later[d] and later[a] == later[b]


def _rewrite_meta(path: Path, drop: str) -> None:
    """Rewrite an index file with one entry of its header left out."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    del meta[drop]
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    with path.open("wb") as fh:
        np.savez(fh, **arrays)


def test_a_corrected_lead_takes_its_whole_case_along(res: Resources) -> None:
    """A night's corrected lead that now links elsewhere moves its case with it (merged),
    never leaving a case that says 'merged' in its log while keeping leads."""
    drop_demo(res.settings.inbox, 60, 31)
    _run(res)
    drop_demo(res.settings.inbox, 10, 32)  # reuses record numbers: corrections of the first
    second = _run(res)
    assert second["ingest"].leads_updated > 0
    with Session(res.engine) as s:
        counts = dict(s.execute(select(CaseLink.case_id, func.count()).group_by(CaseLink.case_id)).all())
        cases = s.execute(select(Case.id, Case.status, Case.lead_count)).all()
    for cid, status, lead_count in cases:
        if status == "open":
            assert counts.get(cid, 0) == lead_count, cid
        else:
            assert cid not in counts, cid


def test_an_incremental_night_reads_only_new_leads_in_full_and_links_as_a_full_read(
        res: Resources) -> None:
    """The drop-folder path must not read the whole history's text: leads the index holds
    features for come by id, version and person alone, and the cases come out the same."""
    from connectors.store.link_files import load_index, load_model
    from connectors.store.linking import link_inputs
    from connectors.store.secrets import link_key
    from connectors.tokenizer import cut, word_tags
    from triage.link import link
    from triage.link.features import Pseudonyms

    drop_demo(res.settings.inbox, 40, 31)
    _run(res)
    drop_demo(res.settings.inbox, 12, 32)
    got = stages.ingest_inbox(res)
    with Session(res.engine) as s:  # a coordinator corrects an old lead: it is read again
        old = s.execute(select(Lead).order_by(Lead.id)).scalars().first()
        assert old is not None
        old.description = (old.description or "") + "（补充：双方仍有争吵）"
        old.updated_at = pd.Timestamp.now().to_pydatetime().replace(microsecond=0)
        s.add(old)
        s.commit()
        corrected = old.id
    index, model = load_index(res.settings.models), load_model(res.settings.models)
    assert index is not None and model is not None
    slim = link_inputs(res.engine, index.kept())
    full = link_inputs(res.engine, None)
    read_in_full = set(slim.leads.loc[slim.leads["source"].notna(), "id"].astype(int))
    # the night's new and re-sent leads and the corrected one: nothing else of the history
    assert read_in_full == set(full.new_ids) == set(slim.new_ids)
    assert set(got.new_lead_ids) | {corrected} <= read_in_full
    assert len(read_in_full) <= got.rows_in + 1 < len(full.leads) / 2
    assert list(slim.leads["id"]) == list(full.leads["id"])
    mine = slim.leads.set_index("id").loc[sorted(read_in_full)]
    theirs = full.leads.set_index("id").loc[sorted(read_in_full)]
    pd.testing.assert_frame_equal(mine.astype(str), theirs.astype(str))

    def run(inputs):  # type: ignore[no-untyped-def]
        return link(inputs.leads, inputs.previous, cut, res.config.linking, model=model,
                    new_ids=inputs.new_ids, words=word_tags(), index=load_index(res.settings.models),
                    pseudonyms=Pseudonyms(link_key(res.engine, res.settings)))

    assert run(slim).case_of == run(full).case_of
