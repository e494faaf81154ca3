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
