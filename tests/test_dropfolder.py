"""The drop folder: wrong subfolders, the inbox root, quarantine with a report."""

from __future__ import annotations

from connectors.resources import Resources
from flows import stages

from .exports import POLICE_HEADERS, police_rows, write_csv, write_xlsx


def test_files_are_recognized_by_headers_wherever_they_land(res: Resources) -> None:
    inbox = res.settings.inbox
    write_csv(inbox / "petition" / "警情.csv", POLICE_HEADERS, police_rows(3), "gbk")
    write_xlsx(inbox / "警情-根目录.xlsx", POLICE_HEADERS, police_rows(2, start=50))
    write_csv(inbox / "police" / "商品.csv", ["序号", "商品", "价格"], [[1, "苹果", 3]])
    (inbox / "police" / "~$锁文件.xlsx").write_bytes(b"lock")
    summary = stages.ingest_inbox(res)
    by_file = {f["file"]: f for f in summary.files}
    assert by_file["警情.csv"]["source"] == "police" and by_file["警情.csv"]["leads_new"] == 3
    assert by_file["警情-根目录.xlsx"]["source"] == "police"
    assert by_file["商品.csv"]["status"] == "quarantined"
    assert "~$锁文件.xlsx" not in by_file
    quarantined = res.settings.quarantine / "商品.csv"
    report = (res.settings.quarantine / "商品.csv.report.txt").read_text("utf-8")
    assert quarantined.exists()
    assert "序号、商品、价格" in report and "警情编号" in report and "工单编号" in report
    processed = list(res.settings.processed.rglob("*.*"))
    assert {p.name for p in processed} == {"警情.csv", "警情-根目录.xlsx"}
    assert (inbox / "police" / "~$锁文件.xlsx").exists()


def test_bad_files_never_stop_the_good_ones(res: Resources) -> None:
    """One inbox run over a zip bomb, an .xls, an empty file, binary garbage, a file over
    the row limit and a file whose headers match nothing, between good files."""
    from .exports import write_lying_zip, write_zip_bomb

    inbox = res.settings.inbox
    write_zip_bomb(inbox / "police" / "炸弹.xlsx")
    write_lying_zip(inbox / "police" / "伪装.xlsx")
    (inbox / "petition" / "旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (inbox / "womens_federation" / "空.csv").write_bytes(b"")
    (inbox / "hotline_12345" / "乱码.csv").write_bytes(bytes(range(256)) * 64)
    (inbox / "乱码.xlsx").write_bytes(bytes(range(255, -1, -1)) * 64)
    write_csv(inbox / "police" / "好1.csv", POLICE_HEADERS, police_rows(5), "gbk")
    write_xlsx(inbox / "police" / "好2.xlsx", POLICE_HEADERS, police_rows(4, start=100),
               title="警情导出", totals=True)
    write_csv(inbox / "police" / "太长.csv", POLICE_HEADERS, police_rows(30, start=500))
    res.config.ingest.limits.max_rows = 20
    summary = stages.ingest_inbox(res)
    by_file = {f["file"]: f for f in summary.files}
    assert by_file["好1.csv"]["status"] == "ingested" and by_file["好1.csv"]["leads_new"] == 5
    assert by_file["好2.xlsx"]["status"] == "ingested" and by_file["好2.xlsx"]["leads_new"] == 4
    bad = ["炸弹.xlsx", "伪装.xlsx", "旧格式.xls", "空.csv", "乱码.csv", "乱码.xlsx", "太长.csv"]
    assert {by_file[b]["status"] for b in bad} == {"quarantined"}
    assert "压缩炸弹" in by_file["炸弹.xlsx"]["reason"]
    assert "压缩炸弹" in by_file["伪装.xlsx"]["reason"]
    assert ".xlsx" in by_file["旧格式.xls"]["reason"]
    assert "为空" in by_file["空.csv"]["reason"]
    assert "行数超过上限" in by_file["太长.csv"]["reason"]
    for b in bad:
        assert (res.settings.quarantine / b).exists()
        assert (res.settings.quarantine / f"{b}.report.txt").exists()
    assert summary.balanced and summary.quarantined == len(bad)
    assert not [p for p in inbox.rglob("*") if p.is_file()]


def test_a_file_failing_in_the_database_stays_in_the_inbox(res: Resources) -> None:
    from sqlalchemy import text

    inbox = res.settings.inbox
    write_csv(inbox / "police" / "a.csv", POLICE_HEADERS, police_rows(3))
    write_csv(inbox / "police" / "b.csv", POLICE_HEADERS, police_rows(3, start=50))
    with res.engine.begin() as conn:  # the database refuses one of b.csv's leads
        if conn.dialect.name == "postgresql":
            conn.execute(text("""CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN
                IF NEW.source_ref = 'J2024000051' THEN RAISE EXCEPTION 'no space left'; END IF;
                RETURN NEW; END $$ LANGUAGE plpgsql"""))
            conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON lead FOR EACH ROW "
                              "EXECUTE FUNCTION refuse()"))
        else:
            conn.execute(text("""CREATE TRIGGER refuse BEFORE INSERT ON lead
                WHEN NEW.source_ref = 'J2024000051' BEGIN SELECT RAISE(ABORT, 'no space left'); END"""))
    summary = stages.ingest_inbox(res)
    by_file = {f["file"]: f for f in summary.files}
    assert by_file["a.csv"]["status"] == "ingested"
    assert by_file["b.csv"]["status"] == "failed" and "no space left" in by_file["b.csv"]["reason"]
    assert (inbox / "police" / "b.csv").exists()  # kept for the next run
    assert not (res.settings.quarantine / "b.csv").exists()
    assert summary.failed == 1 and summary.leads_new == 3
