"""Ingestion into a real database: counts add up, idempotence, corrections, atomicity."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from connectors.resources import Resources
from connectors.sources.files import ReadLimits
from connectors.sources.ingest import IngestOptions, ingest_file
from connectors.store.schema import Lead, LeadVersion, RawRow, RejectedRow, SourceFile
from flows.stages import normalize_context

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


def _fail_on_ref(res: Resources, ref: str) -> None:
    """A real database failure in the middle of a file: a trigger refusing one lead."""
    with res.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"""
                CREATE FUNCTION refuse_lead() RETURNS trigger AS $$
                BEGIN IF NEW.source_ref = '{ref}' THEN RAISE EXCEPTION 'disk unplugged'; END IF;
                RETURN NEW; END $$ LANGUAGE plpgsql"""))
            conn.execute(text("CREATE TRIGGER refuse_lead BEFORE INSERT ON lead "
                              "FOR EACH ROW EXECUTE FUNCTION refuse_lead()"))
        else:
            conn.execute(text(f"""
                CREATE TRIGGER refuse_lead BEFORE INSERT ON lead
                WHEN NEW.source_ref = '{ref}' BEGIN SELECT RAISE(ABORT, 'disk unplugged'); END"""))


def _allow_all(res: Resources) -> None:
    with res.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse_lead" + (
            " ON lead" if conn.dialect.name == "postgresql" else "")))


def test_crash_mid_file_leaves_database_as_before(res: Resources, tmp_path: Path) -> None:
    _ingest(res, write_csv(tmp_path / "a.csv", POLICE_HEADERS, police_rows(3)))
    before = {m: _count(res, m) for m in (Lead, RawRow, SourceFile, RejectedRow)}
    # 40 rows in chunks of 5: the failure comes at the 8th chunk, after 7 were written
    path = write_csv(tmp_path / "b.csv", POLICE_HEADERS, police_rows(40, start=10))
    _fail_on_ref(res, "J2024000045")
    small = IngestOptions(chunk_rows=5, workers=1)
    with pytest.raises(DBAPIError, match="disk unplugged"):
        ingest_file(res.engine, path, list(res.config.specs.values()), normalize_context(res),
                    options=small)
    assert {m: _count(res, m) for m in before} == before
    _allow_all(res)
    out = ingest_file(res.engine, path, list(res.config.specs.values()), normalize_context(res),
                      options=small)
    assert (out.status, out.leads_new, out.rows_in) == ("ingested", 40, 40)


def test_limit_crossed_mid_file_keeps_nothing_and_quarantines(res: Resources,
                                                              tmp_path: Path) -> None:
    path = write_csv(tmp_path / "long.csv", POLICE_HEADERS, police_rows(30))
    opts = IngestOptions(chunk_rows=4, workers=1, limits=ReadLimits(max_rows=25))
    out = ingest_file(res.engine, path, list(res.config.specs.values()), normalize_context(res),
                      options=opts)
    assert out.status == "quarantined" and "行数超过上限" in (out.reason or "")
    assert _count(res, Lead) == 0 and _count(res, RawRow) == 0
    with Session(res.engine) as s:
        record = s.scalars(select(SourceFile)).one()
    assert record.status == "quarantined" and record.rows_in == 0


_KILL_SCRIPT = """
import sys
from pathlib import Path
from sqlalchemy import event
from connectors.store.db import make_engine
from connectors.config import load_config
from connectors.sources.ingest import IngestOptions, ingest_file
from connectors.settings import REPO_DATA
from triage.normalize.lead import NormalizeContext

url, path = sys.argv[1], Path(sys.argv[2])
cfg = load_config(REPO_DATA)
engine = make_engine(url)
chunks = {"n": 0}

@event.listens_for(engine, "before_cursor_execute")
def announce(conn, cursor, statement, params, context, executemany):
    if statement.startswith("SELECT") and "source_ref" in statement:  # each chunk's lookup
        chunks["n"] += 1
        if chunks["n"] == 3:  # two chunks written, inside the file's transaction
            print("WRITING", flush=True)

ctx = NormalizeContext(cfg.gazetteer, cfg.categories, cfg.default_area_code, cfg.jurisdiction)
ingest_file(engine, path, list(cfg.specs.values()), ctx,
            options=IngestOptions(chunk_rows=200, workers=1))
print("DONE", flush=True)
"""


def test_killed_process_mid_file_leaves_database_as_before(res: Resources, tmp_path: Path) -> None:
    """A real crash: the ingesting process is killed (SIGKILL) in the middle of a file."""
    _ingest(res, write_csv(tmp_path / "a.csv", POLICE_HEADERS, police_rows(3)))
    before = {m: _count(res, m) for m in (Lead, RawRow, SourceFile, RejectedRow)}
    path = write_csv(tmp_path / "big.csv", POLICE_HEADERS, police_rows(20_000, start=100))
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, res.settings.db_url, str(path)],
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "WRITING"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    res.engine.dispose()
    assert {m: _count(res, m) for m in before} == before
    out = _ingest(res, path)  # and the same file goes in whole afterwards
    assert out.leads_new == 20_000 and out.balanced


def test_worker_processes_give_the_same_leads(res: Resources, tmp_path: Path) -> None:
    rows = police_rows(1200)
    rows[100][0] = ""  # rejected in the middle of a worker's chunk
    rows[700][1] = "2099-01-01 10:00"  # a date in the future: rejected with its column
    path = write_csv(tmp_path / "w.csv", POLICE_HEADERS, rows, "gb18030")
    out = ingest_file(res.engine, path, list(res.config.specs.values()), normalize_context(res),
                      options=IngestOptions(chunk_rows=100, workers=2))
    assert (out.rows_in, out.leads_new, out.rejected) == (1200, 1198, 2) and out.balanced
    with Session(res.engine) as s:
        leads = {lead.source_ref: lead for lead in s.scalars(select(Lead))}
        raw = s.scalars(select(RawRow).order_by(RawRow.row_number)).all()
        rejected = {r.row_number: r.column for r in s.scalars(select(RejectedRow))}
    assert rejected == {102: "警情编号", 702: "报警时间"}
    assert [r.row_number for r in raw] == list(range(2, 1202))
    assert raw[5].data == rows[5]  # the raw row is kept cell for cell
    # each lead matches what the same row gives in this process
    from triage.normalize.lead import canonical_lead

    header_of = dict(zip(["source_ref", "reported_at", "reporter_name", "reporter_phone",
                          "reporter_id", "address", "category", "description", "disposition",
                          "unit"], POLICE_HEADERS, strict=True))
    for i in (0, 555, 1199):
        cells = dict(zip(header_of, rows[i], strict=True))
        expected = canonical_lead("police", cells, normalize_context(res), header_of)
        got = leads[rows[i][0]]
        assert got.content_hash == expected["content_hash"]
        assert (got.reported_at, got.phones, got.village_code) == (
            expected["reported_at"], expected["phones"], expected["village_code"])


def test_stored_forms_read_back_as_python_values(res: Resources, tmp_path: Path) -> None:
    rows = police_rows(2)
    rows[0][4] = "11010519491231002X"
    _ingest(res, write_csv(tmp_path / "t.csv", POLICE_HEADERS, rows))
    with Session(res.engine) as s:
        lead = s.scalars(select(Lead).where(Lead.source_ref == rows[0][0])).one()
        later = s.scalars(select(Lead).where(
            Lead.reported_at > datetime(2024, 5, 2, 21, 14, 5))).all()
    assert isinstance(lead.reported_at, datetime) and lead.reported_at == datetime(2024, 5, 2, 21, 14, 5)
    assert lead.reporter_birth == date(1949, 12, 31) and lead.reporter_id_valid is True
    assert lead.phones == ["13812340001"] and lead.parties == ["鲁某"]
    assert lead.extra == {"unit": "北七家派出所"} and lead.version == 1
    assert [x.source_ref for x in later] == [rows[1][0]]


def test_record_corrected_twice_in_one_file_keeps_each_version(res: Resources,
                                                               tmp_path: Path) -> None:
    rows = police_rows(3)
    again = list(rows[1])
    again[8] = "已转交司法所调解"
    third = list(again)
    third[8] = "双方和解"
    path = write_csv(tmp_path / "dup.csv", POLICE_HEADERS, [*rows, again, list(rows[0]), third])
    out = _ingest(res, path)
    assert (out.leads_new, out.leads_updated, out.leads_unchanged) == (3, 2, 1)
    with Session(res.engine) as s:
        lead = s.scalars(select(Lead).where(Lead.source_ref == rows[1][0])).one()
        history = s.scalars(select(LeadVersion).where(LeadVersion.lead_id == lead.id)
                            .order_by(LeadVersion.version)).all()
    assert lead.version == 3 and lead.disposition == "双方和解"
    assert [h.version for h in history] == [1, 2]
    assert [h.data["disposition"] for h in history] == ["已调解", "已转交司法所调解"]


def test_reexport_in_another_format_is_unchanged(res: Resources, tmp_path: Path) -> None:
    """The same records as CSV text, then as xlsx with typed dates and padded cells."""
    rows = police_rows(4)
    _ingest(res, write_csv(tmp_path / "a.csv", POLICE_HEADERS, rows, "gbk"))
    typed = [[f" {r[0]} ", datetime.fromisoformat(r[1]), *r[2:7], r[7] + "  ", *r[8:]]
             for r in rows]
    out = _ingest(res, write_xlsx(tmp_path / "a.xlsx", POLICE_HEADERS, typed, title="导出"))
    assert (out.leads_new, out.leads_updated, out.leads_unchanged) == (0, 0, 4)


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


def test_many_small_files_read_by_workers_store_what_one_process_stores(
        res: Resources, tmp_path: Path) -> None:
    """A backfill's many small files are read and normalized whole in worker processes,
    several ahead of the writer: every file's outcome, lead and rejected row is what one
    process reading them in order gives, duplicates and a refused file included."""
    from connectors.resources import open_resources
    from connectors.settings import Settings
    from connectors.sources.ingest import POOLED_FROM_FILES, FileOutcome, Ingestor

    paths: list[Path] = []
    for k in range(POOLED_FROM_FILES + 4):
        rows = police_rows(3 + k % 5, start=100 * k + 1)
        if k % 7 == 3:
            rows[1][1] = "上周三晚上"  # a rejected row, with its column
        write = write_xlsx if k % 2 else write_csv
        name = tmp_path / "in" / f"警情_{k:02d}.{'xlsx' if k % 2 else 'csv'}"
        name.parent.mkdir(exist_ok=True)
        paths.append(write(name, POLICE_HEADERS, rows) if k % 2
                     else write(name, POLICE_HEADERS, rows, "gbk" if k % 3 else "utf-8-sig"))
    shutil.copy(paths[4], tmp_path / "in" / "副本.csv")
    paths.insert(9, tmp_path / "in" / "副本.csv")  # the same bytes again: a duplicate
    garbage = tmp_path / "in" / "坏文件.xlsx"
    garbage.write_bytes(b"not a workbook")
    paths.insert(20, garbage)

    def failed(path: Path, exc: Exception) -> FileOutcome:
        raise AssertionError(f"{path.name}: {exc}")

    def ingest(r: Resources, workers: int) -> list[tuple]:
        with Ingestor(r.engine, list(r.config.specs.values()), normalize_context(r),
                      IngestOptions(workers=workers)) as ing:
            outs = list(ing.ingest_files(paths, [None] * len(paths), failed))
        return [(o.path.name, o.status, o.source, o.rows_in, o.leads_new, o.rejected, o.blank_rows,
                 (o.reason or "")[:12]) for o in outs]

    def stored(r: Resources) -> tuple:
        with Session(r.engine) as s:
            leads = sorted((x.source_ref, x.content_hash, x.reported_at, x.village_code)
                           for x in s.scalars(select(Lead)))
            rejected = sorted((x.row_number, x.column, x.reason) for x in s.scalars(select(RejectedRow)))
            files = sorted((x.name, x.status, x.rows_in, x.blank_rows, x.header_row)
                           for x in s.scalars(select(SourceFile)))
        return leads, rejected, files

    pooled = ingest(res, 2)
    alone = open_resources(Settings(home=tmp_path / "alone", database_url=None))
    assert pooled == ingest(alone, 1)
    assert stored(res) == stored(alone)
    statuses = [o[1] for o in pooled]
    assert statuses.count("duplicate") == 1 and statuses.count("quarantined") == 1
    assert [o[0] for o in pooled] == [p.name for p in paths]  # in the order given
    assert sum(o[3] for o in pooled) == sum(o[4] + o[5] for o in pooled)  # rows in = leads + rejected
