"""The ``triage`` command line, as a coordinator calls it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

from .exports import POLICE_HEADERS, police_rows, write_csv

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRIAGE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TRIAGE_DATABASE_URL", raising=False)
    return tmp_path / "home"


def test_help_is_bilingual() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "流水线" in result.output and "pipeline" in result.output
    for cmd in ("demo", "run", "ingest", "export", "demo-data"):
        assert cmd in result.output


def test_ingest_then_export(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "jq.csv", POLICE_HEADERS, police_rows(3), "gbk")
    result = runner.invoke(app, ["ingest", str(path), "--source", "police"])
    assert result.exit_code == 0, result.output
    assert "新线索 3" in result.output
    assert path.exists()  # ingest by hand leaves the file where it is
    again = runner.invoke(app, ["ingest", str(path)])
    assert "duplicate" in again.output
    out = tmp_path / "cases.csv"
    result = runner.invoke(app, ["export", "cases", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["source_ref"] for r in rows] == [r[0] for r in police_rows(3)]


def test_unreadable_file_exits_non_zero(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["序号", "商品"], [[1, "苹果"]])
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 2
    assert "quarantined" in result.output


def test_demo_data_writes_truth(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo-data", str(tmp_path / "d"), "--cases", "20",
                                 "--seed", "3"])
    assert result.exit_code == 0, result.output
    truth = list(csv.DictReader((tmp_path / "d" / "truth.csv").open(encoding="utf-8")))
    assert truth and {"source", "source_ref", "case_id", "risk_level"} <= set(truth[0])


def test_review_and_weights_commands(home: Path, tmp_path: Path) -> None:
    from connectors.resources import open_resources
    from connectors.settings import Settings
    from flows.stages import link_stage

    path = write_csv(tmp_path / "jq.csv", POLICE_HEADERS, police_rows(6), "utf-8")
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    res = open_resources(Settings())
    link_stage(res)
    shown = runner.invoke(app, ["weights"])
    assert shown.exit_code == 0, shown.output
    assert "电话" in shown.output and "号码相同" in shown.output
    assert "同一案件的对数" in shown.output  # the counts behind each weight
    # decisions name leads by the agencies' record numbers, as the ledgers show them
    split = runner.invoke(app, ["review", "split", "J2024000001", "派出所:J2024000002", "--by", "王协调",
                                "--reason", "两次不同的争执"])
    assert split.exit_code == 0, split.output
    assert "分开" in split.output
    from sqlalchemy import select
    from sqlmodel import Session

    from connectors.store.schema import CaseEvent
    with Session(res.engine) as s:
        events = s.execute(select(CaseEvent.kind, CaseEvent.detail).where(
            CaseEvent.kind == "review_split")).all()
    assert events and events[0][1]["by"] == "王协调" and events[0][1]["reason"] == "两次不同的争执"
    assert events[0][1]["lead"].startswith("派出所 J2024")
    for args, words in ((["review", "merge", "J2024000001", "J9999"], "找不到原始编号 J9999"),
                        (["review", "merge", "J2024000001", "J2024000001"], "同一条线索"),
                        (["review", "merge", "J2024000001", "妇联:J2024000002"], "找不到原始编号")):
        wrong = runner.invoke(app, args)
        assert wrong.exit_code == 2 and words in wrong.output and "Traceback" not in wrong.output
    listed = runner.invoke(app, ["review", "list"])
    assert listed.exit_code == 0, listed.output
    assert "原始编号" in listed.output


def test_pull_reports_each_http_source(home: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from connectors.settings import REPO_DATA

    from .httpfeed import TOKEN, Feed, police_record, serve

    data = Path(shutil.copytree(REPO_DATA, tmp_path / "data"))
    monkeypatch.setenv("TRIAGE_DATA_DIR", str(data))
    result = runner.invoke(app, ["pull"])
    assert result.exit_code == 0 and "没有已配置的接口来源" in result.output
    monkeypatch.setenv("TRIAGE_CLI_TOKEN", TOKEN)
    with serve(Feed([police_record(i) for i in range(1, 8)])) as url:
        (data / "config" / "http_sources.toml").write_text(
            f'[[sources]]\nname = "cli-police"\nsource = "police"\nbase_url = "{url}"\n'
            'page_size = 3\ntoken_env = "TRIAGE_CLI_TOKEN"\n\n'
            '[[sources]]\nname = "no-token"\nsource = "police"\nbase_url = "http://127.0.0.1:9/"\n'
            'token_env = "TRIAGE_CLI_MISSING"\n', "utf-8")
        result = runner.invoke(app, ["pull"])
    assert result.exit_code == 2, result.output
    assert "cli-police" in result.output and "3 页，7 条" in result.output
    assert "TRIAGE_CLI_MISSING" in result.output and TOKEN not in result.output
    assert "新线索 7" in result.output


def _link_and_score() -> None:
    from connectors.resources import open_resources
    from flows.stages import link_stage, score_stage

    res = open_resources()
    link_stage(res)
    score_stage(res)


def test_a_coordinator_reads_and_overrides_a_cases_risk(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "jq.csv", POLICE_HEADERS, police_rows(3), "gbk")
    assert runner.invoke(app, ["ingest", str(path), "--source", "police"]).exit_code == 0
    _link_and_score()
    out = tmp_path / "cases.csv"
    assert runner.invoke(app, ["export", "cases", "--out", str(out)]).exit_code == 0
    with out.open(encoding="utf-8") as fh:
        case_id = next(csv.DictReader(fh))["case_id"]
    shown = runner.invoke(app, ["risk", "show", case_id])
    assert shown.exit_code == 0 and shown.output.startswith("风险等级：黄"), shown.output
    assert "跟进时限：3个工作日内" in shown.output and "争执" in shown.output
    refused = runner.invoke(app, ["risk", "set", case_id, "蓝", "--by", "张协调员"])
    assert refused.exit_code == 2 and "理由" in refused.output
    done = runner.invoke(app, ["risk", "set", case_id, "蓝", "--by", "张协调员",
                               "--reason", "双方已当面和解"])
    assert done.exit_code == 0 and "系统计算为黄" in done.output and "双方已当面和解" in done.output
    more = write_csv(tmp_path / "jq2.csv", POLICE_HEADERS, police_rows(1, start=4), "gbk")
    assert runner.invoke(app, ["ingest", str(more), "--source", "police"]).exit_code == 0
    _link_and_score()
    kept = runner.invoke(app, ["risk", "show", case_id])
    assert kept.output.startswith("风险等级：蓝（系统计算为黄）"), kept.output
    assert "张协调员" in kept.output


def test_a_coordinator_works_a_cases_route_from_the_command_line(home: Path, tmp_path: Path) -> None:
    from connectors.resources import open_resources
    from connectors.store.access import sync_roster
    from flows.stages import route_stage

    path = write_csv(tmp_path / "jq.csv", POLICE_HEADERS, police_rows(3), "gbk")
    assert runner.invoke(app, ["ingest", str(path), "--source", "police"]).exit_code == 0
    _link_and_score()
    res = open_resources()
    sync_roster(res.engine, res.config.mediators)
    route_stage(res)
    out = tmp_path / "cases.csv"
    assert runner.invoke(app, ["export", "cases", "--out", str(out)]).exit_code == 0
    with out.open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    case_id = row["case_id"]
    assert row["route_status"] == "assigned" and row["referred_to"] == ""
    shown = runner.invoke(app, ["route", "show", case_id])
    assert shown.exit_code == 0 and "东三旗村" in shown.output and "备选" in shown.output
    assert "成本" in shown.output and "响应：" in shown.output
    # a mediator of another town is refused with the reason, not a traceback
    refused = runner.invoke(app, ["route", "reassign", case_id, "THZ-T01", "--by", "张协调员",
                                  "--reason", "熟悉"])
    assert refused.exit_code == 2 and "不负责东三旗村" in refused.output
    unknown = runner.invoke(app, ["route", "confirm", "C9999999", "--by", "张协调员"])
    assert unknown.exit_code == 2 and "没有编号为 C9999999 的案件" in unknown.output
    mine = runner.invoke(app, ["route", "reassign", case_id, "BQJ-V035", "--by", "张协调员",
                               "--reason", "本村调委会熟悉双方"])
    assert mine.exit_code == 0, mine.output
    closed = runner.invoke(app, ["case", "close", case_id, "--outcome", "调解成功", "--by", "张协调员"])
    assert closed.exit_code == 0
    events = runner.invoke(app, ["case", "events", case_id])
    assert "reassigned" in events.output and "closed" in events.output and "张协调员" in events.output
    tasks = runner.invoke(app, ["followup", "list"])
    assert tasks.exit_code == 0


def test_status_shows_runs_the_inbox_overdue_and_undelivered_without_prefect(
        home: Path, tmp_path: Path) -> None:
    import sys

    write_csv(home / "inbox" / "police" / "jq.csv", POLICE_HEADERS, police_rows(2), "gbk")
    path = write_csv(tmp_path / "jq2.csv", POLICE_HEADERS, police_rows(2, start=5), "gbk")
    assert runner.invoke(app, ["ingest", str(path), "--source", "police"]).exit_code == 0
    shown = runner.invoke(app, ["status"])
    assert shown.exit_code == 0, shown.output
    assert "1 个文件待处理" in shown.output and "派出所 1" in shown.output
    assert "逾期跟进任务 / overdue follow-ups: 0" in shown.output
    assert "未送达告警 / undelivered alerts: 0" in shown.output
    # and it starts no Prefect: in a fresh process, no flow machinery is imported
    import os
    import subprocess

    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('FLOWS' if 'prefect.flows' in sys.modules else 'NO-FLOWS'))\n"
            "sys.argv = ['triage', 'status']\nfrom flows.cli import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TRIAGE_HOME": str(home)},
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.strip().endswith("NO-FLOWS"), done.stdout[-500:] + done.stderr[-500:]
