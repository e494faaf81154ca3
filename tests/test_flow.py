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
