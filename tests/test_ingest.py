"""Ingestion into a real database: counts add up, idempotence, corrections, atomicity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlmodel import Session

from connectors.ingest import ingest_file
from connectors.store import Resources
from flows.stages import normalize_context
from triage.models import Lead, LeadVersion, RawRow, RejectedRow, SourceFile

from .exports import POLICE_HEADERS, police_rows, write_csv, write_xlsx


def _ingest(res: Resources, path: Path):
    return ingest_file(res.engine, path, list(res.config.specs.values()), normalize_context(res))


def _count(res: Resources, model) -> int:
    with Session(res.engine) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_rows_in_equal_leads_plus_rejected(res: Resources, tmp_path: Path) -> None:
    rows = police_rows(8)
    rows[2][0] = ""  # no 警情编号
    rows[5][1] = "上周三晚上"  # unreadable time
    path = write_xlsx(tmp_path / "jq.xlsx", POLICE_HEADERS, rows, title="警情导出", totals=True)
    out = _ingest(res, path)
    assert out.status == "ingested" and out.source == "police"
    assert out.rows_in == 9 and out.balanced
    assert (out.leads_new, out.rejected) == (6, 3)
    with Session(res.engine) as s:
        reasons = {(r.row_number, r.column, r.reason[:4]) for r in s.scalars(select(RejectedRow))}
        record = s.scalars(select(SourceFile)).one()
    header_row = 3  # title, blank, header
    assert (header_row + 3, "警情编号", "缺少编号") in reasons
    assert any(r[0] == header_row + 6 and r[1] == "报警时间" for r in reasons)
    assert any(r[2].startswith("合计") for r in reasons)
    assert record.rows_in == record.leads_new + record.rejected
    assert _count(res, RawRow) == 9


def test_same_file_twice_or_renamed_adds_nothing(res: Resources, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "jq.csv", POLICE_HEADERS, police_rows(4), "gbk")
    first = _ingest(res, path)
    again = _ingest(res, path)
    renamed = tmp_path / "副本-jq.csv"
    shutil.copy(path, renamed)
    third = _ingest(res, renamed)
    assert first.leads_new == 4
    assert again.status == "duplicate" and third.status == "duplicate"
    assert _count(res, Lead) == 4 and _count(res, SourceFile) == 1


def test_overlapping_reexport_and_correction(res: Resources, tmp_path: Path) -> None:
    _ingest(res, write_csv(tmp_path / "may.csv", POLICE_HEADERS, police_rows(5), "utf-8-sig"))
    rows = police_rows(5, start=3)  # rows 3..7: 3 overlap, 2 new
    rows[0][7] = "更正：双方已和解"  # J2024000003 corrected by the agency
    out = _ingest(res, write_xlsx(tmp_path / "may-jun.xlsx", POLICE_HEADERS, rows))
    assert (out.leads_new, out.leads_updated, out.leads_unchanged) == (2, 1, 2)
    with Session(res.engine) as s:
        lead = s.scalars(select(Lead).where(Lead.source_ref == "J2024000003")).one()
        history = s.scalars(select(LeadVersion).where(LeadVersion.lead_id == lead.id)).all()
    assert lead.version == 2 and lead.description == "更正：双方已和解"
    assert len(history) == 1 and "空调外机" in history[0].data["description"]
    assert _count(res, Lead) == 7


def test_crash_mid_file_leaves_database_as_before(res: Resources, tmp_path: Path) -> None:
    _ingest(res, write_csv(tmp_path / "a.csv", POLICE_HEADERS, police_rows(3)))
    before = {m: _count(res, m) for m in (Lead, RawRow, SourceFile, RejectedRow)}
    inserted = {"n": 0}

    def fail_on_third_lead(conn, cursor, statement, params, context, executemany):
        if statement.startswith("INSERT INTO lead "):
            inserted["n"] += 1
            if inserted["n"] == 3:
                raise RuntimeError("disk unplugged")

    event.listen(res.engine, "before_cursor_execute", fail_on_third_lead)
    try:
        with pytest.raises(RuntimeError, match="disk unplugged"):
            _ingest(res, write_csv(tmp_path / "b.csv", POLICE_HEADERS, police_rows(6, start=10)))
    finally:
        event.remove(res.engine, "before_cursor_execute", fail_on_third_lead)
    assert {m: _count(res, m) for m in before} == before


def test_normalized_fields_reach_the_lead(res: Resources, tmp_path: Path) -> None:
    rows = police_rows(1)
    rows[0][2] = "王 晓明、李红"
    rows[0][3] = "＋86 138 1234 5678/(010)61712345"
    rows[0][4] = "11010519491231002x"
    _ingest(res, write_csv(tmp_path / "n.csv", POLICE_HEADERS, rows))
    with Session(res.engine) as s:
        lead = s.scalars(select(Lead)).one()
    assert lead.reporter_name == "王晓明"
    assert lead.reporter_names == ["王晓明", "李红"]
    assert lead.phones == ["13812345678", "010-61712345"]
    assert lead.reporter_id == "11010519491231002X" and lead.reporter_id_valid
    assert (lead.town, lead.village) == ("北七家镇", "东三旗村")
    assert lead.dispute_type == "邻里"
    assert lead.parties == ["鲁某"]
