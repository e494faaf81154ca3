"""Configuration under data/: loads, and bad files fail with the file and row named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from connectors.config import ConfigError, load_config
from connectors.settings import REPO_DATA


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO_DATA, tmp_path / "data"))


def test_shipped_configuration_loads(config) -> None:
    assert set(config.specs) == {"police", "womens_federation", "petition", "hotline_12345"}
    assert config.mediators and config.risk.signal


def test_unknown_canonical_field(data: Path) -> None:
    p = data / "sources" / "police.toml"
    p.write_text(p.read_text("utf-8") + 'colour = ["颜色"]\n', "utf-8")
    with pytest.raises(ConfigError, match=r"(?s)police.toml.*colour"):
        load_config(data)


def test_header_synonym_added_without_code(data: Path, tmp_path: Path) -> None:
    from connectors.sources.files import read_table

    from .exports import POLICE_HEADERS, police_rows, write_csv

    p = data / "sources" / "police.toml"
    p.write_text(p.read_text("utf-8").replace('"警情号"]', '"警情号", "案事件编号"]'), "utf-8")
    cfg = load_config(data)
    headers = ["案事件编号", *POLICE_HEADERS[1:]]
    table = read_table(write_csv(tmp_path / "a.csv", headers, police_rows(2)),
                       list(cfg.specs.values()))
    assert table.match.columns["source_ref"] == 0


def test_roster_row_with_unknown_village(data: Path) -> None:
    p = data / "rosters" / "mediators.csv"
    lines = p.read_text("utf-8-sig").splitlines()
    head = lines[0].split(",")
    row = lines[1].split(",")
    row[head.index("villages")] = "不存在村"
    p.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", "utf-8")
    with pytest.raises(ConfigError, match=r"(?s)第2行.*不存在村"):
        load_config(data)


def test_bad_toml_names_the_file(data: Path) -> None:
    (data / "lexicons" / "risk.toml").write_text("[levels\n", "utf-8")
    with pytest.raises(ConfigError, match=r"risk\.toml"):
        load_config(data)


def test_ingest_limits_are_validated(data: Path) -> None:
    p = data / "config" / "ingest.toml"
    p.write_text(p.read_text("utf-8").replace("max_rows = 2000000", "max_rows = -5"), "utf-8")
    with pytest.raises(ConfigError, match=r"(?s)ingest\.toml.*max_rows"):
        load_config(data)
    p.write_text("chunk_rows = 100\nmax_file_mb = 5\n", "utf-8")  # a limit outside [limits]
    with pytest.raises(ConfigError, match=r"(?s)ingest\.toml.*max_file_mb"):
        load_config(data)


def test_shipped_ingest_and_http_configuration(config) -> None:
    assert config.ingest.limits.max_file_mb > 0 and config.ingest.chunk_rows > 0
    assert config.http_sources == []  # none shipped: a deployment adds its own


def test_subject_keywords_are_validated(data: Path, config) -> None:
    assert "事由:翻建房屋" in __import__("triage.link.features", fromlist=["Subjects"]).Subjects.of(
        config.linking.subjects).words("因翻盖房子超出地界吵起来了")
    p = data / "lexicons" / "subjects.toml"
    p.write_text(p.read_text("utf-8") + '"井盖" = ["井"]\n', "utf-8")  # one character: too loose
    with pytest.raises(ConfigError, match=r"(?s)subjects\.toml.*井盖"):
        load_config(data)


def test_name_confusions_are_validated(data: Path) -> None:
    p = data / "lexicons" / "names.toml"
    shipped = p.read_text("utf-8")
    p.write_text(shipped.replace('"沈沉"', '"沈沉", "沉默"'), "utf-8")  # 沉 in two groups
    with pytest.raises(ConfigError, match=r"(?s)names\.toml.*沉"):
        load_config(data)
    p.write_text(shipped.replace('["zh", "z"]', '["ZH", "z"]'), "utf-8")  # pinyin is lower case
    with pytest.raises(ConfigError, match=r"(?s)names\.toml.*initials"):
        load_config(data)


def test_a_deployment_without_name_confusions_compares_by_sound_alone(data: Path) -> None:
    (data / "lexicons" / "names.toml").unlink()
    assert not load_config(data).linking.names.sounds()


def test_a_deployment_without_a_subject_lexicon_has_none(data: Path) -> None:
    (data / "lexicons" / "subjects.toml").unlink()
    assert load_config(data).linking.subjects == {}
