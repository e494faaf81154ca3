"""The drop folder: wrong subfolders, the inbox root, quarantine with a report."""

from __future__ import annotations

from connectors.store import Resources
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
