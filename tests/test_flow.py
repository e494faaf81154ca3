"""The real Prefect flow, on a temporary Prefect API, over the embedded default."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.nightly import nightly

from .exports import drop_demo


@pytest.fixture(scope="module")
def prefect_api():
    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_nightly_flow_runs_every_stage(prefect_api, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("TRIAGE_HOME", str(home))
    monkeypatch.delenv("TRIAGE_DATABASE_URL", raising=False)
    manifest = drop_demo(home / "inbox", 30, 2)
    summary = nightly(kind="test")
    ing = summary["ingest"]
    assert ing["balanced"] and ing["rows_in"] == manifest.total_rows
    assert summary["link"]["cases"] > 0
    assert summary["route"]["routed"] == summary["link"]["cases"]
    assert all(Path(p).exists() for p in summary["outputs"])
    assert (home / "triage.db").exists()


def test_nightly_pulls_http_sources_after_the_drop_folder(prefect_api, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The token comes from a Prefect Secret block; a failing source is reported and the
    run still completes."""
    import shutil

    from prefect.blocks.system import Secret

    from connectors.settings import REPO_DATA

    from .exports import POLICE_HEADERS, police_rows, write_csv
    from .httpfeed import TOKEN, Feed, police_record, serve

    Secret(value=TOKEN).save("triage-test-police-token", overwrite=True)
    home = tmp_path / "home"
    data = Path(shutil.copytree(REPO_DATA, tmp_path / "data"))
    monkeypatch.setenv("TRIAGE_HOME", str(home))
    monkeypatch.setenv("TRIAGE_DATA_DIR", str(data))
    monkeypatch.delenv("TRIAGE_DATABASE_URL", raising=False)
    write_csv(home / "inbox" / "police" / "警情.csv", POLICE_HEADERS, police_rows(4))
    feed = Feed([police_record(i) for i in range(1, 12)])
    with serve(feed) as url:
        (data / "config" / "http_sources.toml").write_text(f"""
[[sources]]
name = "police-api"
source = "police"
base_url = "{url}"
page_size = 4
prefect_secret = "triage-test-police-token"

[[sources]]
name = "down"
source = "petition"
base_url = "http://127.0.0.1:9/never"
max_retries = 1
backoff = 0.01
timeout = 2
""", "utf-8")
        summary = nightly(kind="test")
    ing = summary["ingest"]
    status = {s["name"]: s for s in ing["sources"]}
    assert status["police-api"]["status"] == "ok" and status["police-api"]["records"] == 11
    assert status["down"]["status"] == "failed"
    assert ing["leads_new"] == 4 + 11 and ing["balanced"]
    assert [f["kind"] for f in ing["files"]] == ["file", "http_page", "http_page", "http_page"]
    assert summary["link"]["cases"] > 0


def test_watch_takes_a_settled_file_to_its_alert_and_leaves_one_still_copying(
        prefect_api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from flows.watch import watch

    from .exports import POLICE_HEADERS, red_police_row, write_csv

    home = tmp_path / "home"
    monkeypatch.setenv("TRIAGE_HOME", str(home))
    monkeypatch.delenv("TRIAGE_DATABASE_URL", raising=False)
    assert watch() == {"nothing_new": True}  # an empty inbox: exits at once
    red = write_csv(home / "inbox" / "police" / "警情_红.csv", POLICE_HEADERS, [red_police_row()])
    landed = time.time() - 60
    os.utime(red, (landed, landed))
    copying = write_csv(home / "inbox" / "police" / "警情_复制中.csv", POLICE_HEADERS, [[
        "J2026000002", "2026-12-06 22:00:00", "李某", "", "", "北京市昌平区北七家镇东三旗村3号",
        "纠纷-邻里纠纷", "报警人称与邻居因停车发生口角", "已调解", "北七家派出所"]])
    out = watch()
    assert out["ingest"]["leads_new"] == 1 and out["risk"]["红"] == 1
    assert out["alerts"]["queued"] >= 3  # coordinators, the lead mediator, the police ...
    assert out["route"]["assigned"] == 1
    assert copying.exists() and not red.exists()
    assert not any((home / "outputs").rglob("*.xlsx"))  # no ledgers on the watch path


def test_a_second_run_with_nothing_new_skips_linking_and_scoring(
        prefect_api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("TRIAGE_HOME", str(home))
    monkeypatch.delenv("TRIAGE_DATABASE_URL", raising=False)
    drop_demo(home / "inbox", 15, 4)
    first = nightly(kind="test")
    assert first["link"]["cases"] > 0 and not first.get("nothing_new")
    again = nightly(kind="test")
    assert again["nothing_new"] and "link" not in again and "risk" not in again
    assert again["route"]["routed"] == 0


def test_a_run_while_another_holds_the_store_is_refused_with_who(
        prefect_api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    from connectors.store.lock import RunLocked

    home = tmp_path / "home"
    monkeypatch.setenv("TRIAGE_HOME", str(home))
    monkeypatch.delenv("TRIAGE_DATABASE_URL", raising=False)
    home.mkdir(parents=True)
    url = f"sqlite:///{(home / 'triage.db').resolve()}"
    hold = ("import sys, time\nfrom connectors.store.db import make_engine\n"
            "from connectors.store.lock import run_lock\n"
            "with run_lock(make_engine(sys.argv[1]), 'nightly'):\n"
            "    print('locked', flush=True)\n    time.sleep(30)\n")
    proc = subprocess.Popen([sys.executable, "-c", hold, url], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(RunLocked, match="nightly"):
            nightly(kind="manual")
    finally:
        proc.kill()


def test_relearn_relinks_in_full_keeps_decisions_and_logs_each_split_with_its_leads(
        prefect_api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import Counter

    from sqlalchemy import select
    from sqlmodel import Session

    from connectors.resources import open_resources
    from connectors.settings import Settings
    from connectors.store.linking import decide
    from connectors.store.schema import CaseEvent, CaseLink
    from flows.relearn import relearn

    home = tmp_path / "home"
    monkeypatch.setenv("TRIAGE_HOME", str(home))
    monkeypatch.delenv("TRIAGE_DATABASE_URL", raising=False)
    drop_demo(home / "inbox", 30, 6)
    nightly(kind="test")
    engine = open_resources(Settings()).engine
    with Session(engine) as s:
        links = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
    big = next(c for c, n in Counter(links.values()).most_common() if n >= 2)
    a, b = sorted(lead for lead, c in links.items() if c == big)[:2]
    decide(engine, a, b, "split", "李协调")
    out = relearn(wait_seconds=0)
    assert out["link"]["cases"] > 0
    with Session(engine) as s:
        after = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id)).all())
        splits = s.execute(select(CaseEvent).where(CaseEvent.kind == "split")).scalars().all()
        details = [e.detail for e in splits]
    assert after[a] != after[b]  # the coordinator's keep-apart holds in a full relink
    assert splits and all(d and d["lead_ids"] and d["reason"] for d in details)
    assert any(a in d["lead_ids"] or b in d["lead_ids"] for d in details)
