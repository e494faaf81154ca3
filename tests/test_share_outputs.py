"""Share-back outputs as their readers open them: every workbook through openpyxl.

A night of generated exports plus canary records (tests/share_canary: names,
phones in every form, IDs, plates and homes planted in descriptions by a helper
who never saw the masker) goes through the real stages into a real SQLite
store; then each receiver's workbook is checked against the masking policy.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from connectors.outputs.workbook import Column, Sheet, write_workbook
from connectors.resources import Resources, open_resources
from connectors.settings import Settings
from connectors.store.access import finish_run, start_run, sync_roster
from connectors.store.schema import Case, Lead
from flows import stages
from flows.stages import link_stage
from triage.masking import PLACEHOLDER

from .conftest import REPO_DATA
from .exports import POLICE_HEADERS, drop_demo, write_csv

CANARY = [json.loads(line) for line in
          (Path(__file__).parent / "share_canary" / "records.jsonl").read_text("utf-8").splitlines()
          if line.strip()]
HOTLINE_HEADERS = ["工单编号", "来电时间", "来电人", "来电号码", "事发地址", "问题分类", "诉求内容"]
FORMULA = '=HYPERLINK("http://evil.example","点此")'
CONTROL = "夜里敲门\x07不止"


def _canary_rows() -> tuple[list[list[object]], list[list[object]]]:
    """Each canary record twice, as the police and the hotline told it (one dispute, one case)."""
    police, hotline = [], []
    for i, r in enumerate(CANARY):
        when = f"2024-10-{(i % 28) + 1:02d} 2{i % 4}:1{i % 6}:00"
        phone = f"1390000{i:04d}"
        place = f"北京市昌平区北七家镇{['东三旗村', '平西府村', '郑各庄村'][i % 3]}"
        police.append([f"JCANARY{i:04d}", when, "", phone, "", place, "纠纷-邻里纠纷", r["text"], "", ""])
        hotline.append([f"GDCANARY{i:04d}", when, "", phone, place, "邻里纠纷", r["text"]])
    police.append(["JFORMULA0001", "2024-10-20 10:00:00", "=cmd|' /C calc'!A0", "13900009999", "",
                   "北京市昌平区北七家镇东三旗村", "纠纷-邻里纠纷", FORMULA, "+1+1", ""])
    police.append(["JCONTROL0001", "2024-10-21 10:00:00", "", "13900009998", "",
                   "北京市昌平区北七家镇平西府村", "纠纷-邻里纠纷", CONTROL, "", ""])
    return police, hotline


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("share")
    settings = Settings(home=home / "home", database_url=f"sqlite:///{home / 'triage.db'}",
                        data_dir=REPO_DATA)
    res = open_resources(settings)
    drop_demo(settings.inbox, 60, 5)
    police, hotline = _canary_rows()
    write_csv(settings.inbox / "police" / "派出所警情_canary.csv", POLICE_HEADERS, police, encoding="gbk")
    write_csv(settings.inbox / "hotline_12345" / "12345工单_canary.csv", HOTLINE_HEADERS, hotline)
    sync_roster(res.engine, res.config.mediators)
    run_id = start_run(res.engine, "nightly", {})
    ingest = stages.ingest_inbox(res, run_id)
    link_stage(res, run_id)
    stages.score_stage(res, run_id, ingest.new_lead_ids)
    stages.route_stage(res, run_id)
    summary = {"ingest": stages.summary_dict(ingest)}
    paths = stages.share_stage(res, run_id, summary)
    finish_run(res.engine, run_id, {}, "completed")
    yield {"res": res, "paths": paths, "run_id": run_id, "ingest": ingest}
    res.engine.dispose()


def _cells(path: Path, sheets: tuple[str, ...] | None = None) -> list[str]:
    wb = load_workbook(path)
    return [str(c.value) for ws in wb.worksheets if sheets is None or ws.title in sheets
            for row in ws.iter_rows() for c in row if c.value is not None]


def _book(night: dict[str, Any], prefix: str) -> Path:
    return next(p for p in night["paths"] if p.name.startswith(prefix))


def _leaks(text: str, kinds: set[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in CANARY:
        for p in r["pii"]:
            if p["kind"] in kinds and p["value"] in text:
                out.setdefault(p["kind"], []).append(p["value"])
    return out


def test_one_folder_per_run_with_a_ledger_per_receiver(night: dict[str, Any]) -> None:
    names = {p.name for p in night["paths"]}
    run = night["run_id"]
    for who in ("司法所", "派出所", "妇联", "信访办", "12345"):
        assert any(n.startswith(f"{who}台账_") and n.endswith(f"_运行{run}.xlsx") for n in names), who
    assert any(p.parent.name == "调解员派单" for p in night["paths"])
    assert all(p.parent.name == f"运行{run}" or p.parent.parent.name == f"运行{run}"
               for p in night["paths"] if p.suffix == ".xlsx")
    assert sum(p.suffix == ".html" for p in night["paths"]) == 1


def test_hotline_ledger_masks_what_others_wrote(night: dict[str, Any]) -> None:
    """12345 gets the police's record of each canary dispute with names, phones and homes
    masked, no ID number and no description at all (a name inside free text cannot be masked
    for certain, so it reads none); its own copy comes back as it wrote it. No canary of any
    kind reaches it, nor the petition office."""
    path = _book(night, "12345台账")
    others = "\n".join(_cells(path, ("相关线索", "案件")))
    assert sum("JCANARY" in c for c in _cells(path, ("相关线索",))) >= len(CANARY) * 0.9
    assert not _leaks(others, {"phone", "id", "plate", "address", "name"})
    assert not _leaks("\n".join(_cells(_book(night, "信访办台账"))), {"phone", "id", "plate", "address", "name"})
    header = [c.value for c in load_workbook(path)["相关线索"][2]]
    assert "身份证号" not in header and "内容摘要" not in header  # absent: the column is left out
    assert "联系电话" in header and "风险信号及依据" in [c.value for c in load_workbook(path)["案件"][2]]
    own = "\n".join(_cells(path, ("本部门线索",)))
    assert _leaks(own, {"phone"})  # its own text, as written


def test_police_ledger_masks_other_agencies_phones_and_ids(night: dict[str, Any]) -> None:
    path = _book(night, "派出所台账")
    others = "\n".join(_cells(path, ("相关线索",)))
    assert "GDCANARY" in others
    leaks = _leaks(others, {"phone", "id"})
    assert not leaks, leaks
    assert _leaks(others, {"plate"})  # plates: the police see them in full
    with Session(night["res"].engine) as s:
        phones = {p for (ps,) in s.execute(select(Lead.phones).where(Lead.source != "police"))
                  for p in (ps or []) if "*" not in p}
    cells = _cells(path, ("相关线索", "案件"))
    assert phones and not any(p in c for c in cells for p in phones)


def test_briefing_and_worklists_carry_no_canary(night: dict[str, Any]) -> None:
    page = next(p for p in night["paths"] if p.suffix == ".html").read_text("utf-8")
    leaks = _leaks(page, {"phone", "id", "plate", "address", "name"})
    assert not leaks, leaks
    for book in (p for p in night["paths"] if p.parent.name == "调解员派单"):
        assert not _leaks("\n".join(_cells(book)), {"id", "plate"})


def _level_colour(ws: Any, cell: Any) -> str | None:
    """The fill a reader sees on a level cell: the conditional format whose rule holds for it."""
    for cf in ws.conditional_formatting:
        if cell.coordinate in cf.sqref:
            for rule in cf.rules:
                if rule.type == "containsText" and rule.text in str(cell.value):
                    return str(rule.dxf.fill.bgColor.rgb)
    return None


def test_judicial_ledger_has_everything_in_full(night: dict[str, Any]) -> None:
    path = _book(night, "司法所台账")
    wb = load_workbook(path)
    assert wb.sheetnames == ["案件", "线索", "跟进任务", "待确认关联", "转办", "待人工指派", "未送达告警", "拒收行"]
    text = "\n".join(_cells(path, ("线索",)))
    assert _leaks(text, {"phone"}) and _leaks(text, {"id"})
    ing = night["ingest"]
    assert wb["拒收行"].max_row - 2 == ing.rejected  # a note row, the header, one row per reject
    cases = wb["案件"]
    assert cases.freeze_panes == "A3" and cases.auto_filter.ref
    header = [c.value for c in cases[2]]
    level = cases.cell(row=3, column=header.index("风险等级") + 1)
    assert level.value == "红" and _level_colour(cases, level) == "FFC00000"
    when = cases.cell(row=3, column=header.index("首次报告") + 1)
    assert when.is_date
    signals = cases.cell(row=3, column=header.index("风险信号及依据") + 1)
    assert signals.alignment.wrap_text and "“" in signals.value  # quotes, wrapped
    assert cases.page_setup.orientation == "landscape" and cases.print_title_rows == "$2:$2"
    internal = {"dv_flag", "skip_level", "open", "assigned", "referred", "unroutable", "None", "nan"}
    assert not internal & set(_cells(path))


def test_what_the_agency_wrote_stays_text_never_a_formula(night: dict[str, Any]) -> None:
    with Session(night["res"].engine) as s:
        stored = s.execute(select(Lead.description, Lead.reporter_name, Lead.disposition)
                           .where(Lead.source_ref == "JFORMULA0001")).one()
    assert stored == (FORMULA, "=cmd|' /C calc'!A0", "+1+1")  # the store keeps it exactly
    for path in (p for p in night["paths"] if p.suffix == ".xlsx"):
        wb = load_workbook(path)
        for ws in wb.worksheets:
            assert not ws._hyperlinks
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (path.name, ws.title, c.coordinate, c.value)
    cells = _cells(_book(night, "司法所台账"), ("线索",))
    assert FORMULA in cells and "+1+1" in cells
    assert "夜里敲门不止" in cells  # the reader drops control characters, and flags it


def test_a_workbook_shows_control_characters_and_writes_every_string_as_text(tmp_path: Path) -> None:
    """HTTP records and rosters reach outputs without the file reader: the writer is safe alone."""
    frame = pd.DataFrame({"a": ["夜里\x07敲门", "=1+1", "-5", "@SUM(A1)", "http://evil.example", "+86 139"],
                          "d": pd.to_datetime(["2024-05-03 21:14"] * 6)})
    path = write_workbook(tmp_path / "t.xlsx", [Sheet("表", frame, [Column("a", "内容"),
                                                                   Column("d", "时间", "datetime")])])
    ws = load_workbook(path)["表"]
    values = [ws.cell(row=r, column=1) for r in range(2, 8)]
    assert [c.value for c in values] == ["夜里\u2407敲门", "=1+1", "-5", "@SUM(A1)", "http://evil.example",
                                         "+86 139"]
    assert all(c.data_type == "s" for c in values) and not ws._hyperlinks
    assert ws.cell(row=2, column=2).is_date


def test_dv_details_reach_only_receivers_entitled(night: dict[str, Any]) -> None:
    res: Resources = night["res"]
    with Session(res.engine) as s:
        dv_texts = [t for (t,) in s.execute(select(Lead.description).where(
            Lead.dv_flag == True, Lead.source == "womens_federation"))  # noqa: E712
            if t and len(t) > 12]
    assert dv_texts
    for prefix in ("12345台账", "信访办台账", "派出所台账"):
        cells = "\n".join(_cells(_book(night, prefix)))
        shown = [t for t in dv_texts if t in cells]
        assert not shown, (prefix, shown[:2])
    cells = "\n".join(_cells(_book(night, "妇联台账")) + _cells(_book(night, "司法所台账")))
    assert all(t in cells for t in dv_texts)  # entitled: the federation's own, the office's
    page = next(p for p in night["paths"] if p.suffix == ".html").read_text("utf-8")
    assert not [t for t in dv_texts if t in page]


def test_a_run_that_received_nothing_writes_no_ledgers(night: dict[str, Any]) -> None:
    res: Resources = night["res"]
    run_id = start_run(res.engine, "watch", {})
    empty = stages.ingest_inbox(res, run_id)
    assert empty.rows_in == 0
    paths = stages.share_stage(res, run_id, {"ingest": stages.summary_dict(empty)})
    finish_run(res.engine, run_id, {}, "completed")
    assert [p.suffix for p in paths] == [".html"]
    page = paths[0].read_text("utf-8")
    intake = page[page.index('<table id="intake">'):]
    intake = intake[:intake.index("</table>")]
    rows = re.findall(r"<tr><td>[^<]+</td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>", intake)
    assert sum(int(r[1]) for r in rows) == night["ingest"].rows_in  # the day's intake stands
    assert not (res.settings.outputs / paths[0].parent.name / f"运行{run_id}").exists()
    assert placeholder_free(page)


def placeholder_free(page: str) -> bool:
    """The briefing shows no raw placeholder for a field it simply leaves out."""
    return PLACEHOLDER["id_number"] not in page


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                    reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_briefing_as_a_reader_sees_it_in_chromium(night: dict[str, Any]) -> None:
    """Rendered by a real headless Chromium from the file, with no network: the counts are the
    store's, the charts are drawn, and no canary is on the screen."""
    from playwright.sync_api import sync_playwright

    res: Resources = night["res"]
    with Session(res.engine) as s:
        levels = dict(s.execute(select(Case.risk_level, func.count()).where(Case.status == "open")
                                .group_by(Case.risk_level)).all())
    page_path = next(p for p in night["paths"] if p.suffix == ".html")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                   else route.continue_())  # nothing may come from the network
        page.goto(page_path.as_uri())
        for level, n in levels.items():
            card = page.locator(f'#level-counts [data-level="{level}"] b')
            assert card.inner_text() == str(n)
        charts = page.locator("figure[data-chart] svg")
        assert charts.count() >= 5
        assert all(charts.nth(i).bounding_box()["height"] > 50 for i in range(charts.count()))
        assert page.locator("#high tr").count() - 1 == levels.get("红", 0) + levels.get("橙", 0)
        seen = page.locator("body").inner_text()
        browser.close()
    assert not _leaks(seen, {"phone", "id", "plate", "address", "name"})
    assert "GDCANARY" not in seen and "JCANARY" not in seen  # no agency record numbers either


def test_report_writes_a_past_run_again_and_refuses_mistakes_plainly(
        night: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    res: Resources = night["res"]
    monkeypatch.setenv("TRIAGE_HOME", str(res.settings.home))
    monkeypatch.setenv("TRIAGE_DATABASE_URL", res.settings.db_url)
    monkeypatch.setenv("TRIAGE_DATA_DIR", str(REPO_DATA))
    ledger = _book(night, "司法所台账")
    ledger.unlink()
    runner = CliRunner()
    done = runner.invoke(app, ["report", "--run", str(night["run_id"])])
    assert done.exit_code == 0, done.output
    assert ledger.exists() and ledger.name in done.output.replace("\n", "")
    day = ledger.parent.parent.name
    assert runner.invoke(app, ["report", "--date", day]).exit_code == 0
    for args, words in ((["report", "--run", "9999"], "没有第 9999 次运行"),
                        (["report", "--date", "2026-13-01"], "日期格式不对"),
                        (["report", "--date", "1999-01-01"], "没有运行记录"),
                        (["report"], "请给出 --run 或 --date")):
        wrong = runner.invoke(app, args)
        assert wrong.exit_code == 2 and words in wrong.output and "Traceback" not in wrong.output


def test_work_lists_follow_the_rosters_choice(night: dict[str, Any]) -> None:
    """Village committees of a town share one named workbook (a sheet per mediator); the
    judicial office's staff sit in their organization's; nobody's cases are elsewhere."""
    books = [p for p in night["paths"] if p.parent.name == "调解员派单"]
    assert any("村居调委会" in p.name for p in books) and any("司法所" in p.name for p in books)
    roster = {m.mediator_id: m for m in night["res"].config.mediators}
    for book in books:
        for ws in load_workbook(book, read_only=True).worksheets:
            mid = ws.title.rsplit("_", 1)[-1]
            group = roster[mid].worklist
            expected = roster[mid].organization if group == "organization" else group
            assert f"派单_{expected}_" in book.name, (book.name, ws.title)
