"""A deployer's configuration mistakes, as the command line tells them: the file, the row and
the column in Chinese, Excel's encodings accepted, no personal data and no traceback."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _triage(args: list[str], data: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"TRIAGE_DATA_DIR": str(data), "TRIAGE_HOME": str(home), "PATH": "/usr/bin:/bin",
           "HOME": str(home)}
    return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _roster(data: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO((data / "rosters" / "mediators.csv").read_text("utf-8"))))
    return rows[0], rows[1:]


def test_a_roster_saved_by_excel_as_gbk_is_read(data: Path, tmp_path: Path) -> None:
    path = data / "rosters" / "mediators.csv"
    path.write_bytes(path.read_text("utf-8").encode("gbk"))
    done = _triage(["route", "show", "C0000001"], data, tmp_path / "home")
    assert "配置错误" not in done.stdout and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert "尚未分派" in done.stdout


def test_a_bad_roster_cell_names_file_row_and_column_without_personal_data(
        data: Path, tmp_path: Path) -> None:
    header, rows = _roster(data)
    rows[1][header.index("capacity")] = "很多"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    (data / "rosters" / "mediators.csv").write_bytes(buf.getvalue().encode("utf-8-sig"))
    done = _triage(["route", "show", "C0000001"], data, tmp_path / "home")
    out = done.stdout + done.stderr
    assert done.returncode == 2
    assert "mediators.csv" in out and "第3行" in out and "capacity" in out
    assert "Traceback" not in out
    assert rows[1][header.index("phone")] not in out and rows[1][header.index("name")] not in out


def test_an_unknown_source_or_http_source_is_an_error_with_the_valid_ones(
        data: Path, tmp_path: Path) -> None:
    sample = tmp_path / "x.csv"
    sample.write_text("a,b\n1,2\n", "utf-8")
    wrong = _triage(["ingest", str(sample), "--source", "polic"], data, tmp_path / "home")
    assert wrong.returncode == 2 and "police" in wrong.stdout and "womens_federation" in wrong.stdout
    nosuch = _triage(["pull", "nosuch"], data, tmp_path / "home")
    assert nosuch.returncode == 2 and "nosuch" in nosuch.stdout
