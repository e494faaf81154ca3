"""Reading real export files: encodings, title rows, sheets, guards."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from connectors.files import UnreadableFile, read_table

from .exports import POLICE_HEADERS, police_rows, write_csv, write_xlsx


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_chinese_encoding(tmp_path: Path, config, encoding: str) -> None:
    rows = police_rows(5)
    path = write_csv(tmp_path / "jq.csv", POLICE_HEADERS, rows, encoding,
                     title="北七家派出所警情导出（2024年5月）")
    table = read_table(path, list(config.specs.values()))
    assert table.match.source == "police"
    assert table.header_row == 2
    assert [r[0] for r in table.rows] == [r[0] for r in rows]
    assert table.rows[0][2] == rows[0][2]
    assert table.row_numbers == [3, 4, 5, 6, 7]


def test_xlsx_title_merged_blank_totals_and_second_sheet(tmp_path: Path, config) -> None:
    rows = police_rows(6)
    path = write_xlsx(tmp_path / "jq.xlsx", POLICE_HEADERS, rows,
                      title="北七家派出所警情导出（2024年5月）", totals=True, blank_rows=2)
    table = read_table(path, list(config.specs.values()))
    assert table.sheet == "数据"
    assert table.match.source == "police"
    assert table.blank_rows >= 2
    # six data rows plus the totals row: the totals row is kept so that it is
    # rejected with a reason rather than silently dropped
    assert len(table.rows) == 7
    assert table.rows[-1][0] == "合计"


def test_headers_with_synonyms_spaces_and_full_width(tmp_path: Path, config) -> None:
    headers = ["工单号", " 受理时间 ", "诉求人：", "回访电话", "问题地址", "问题分类", "诉求描述"]
    rows = [["GD001", "2024/5/3 21:14", "王女士", "010-61712345", "北七家镇东三旗",
             "城乡建设>住房管理>物业管理", "物业不作为"]]
    table = read_table(write_csv(tmp_path / "a.csv", headers, rows), list(config.specs.values()))
    assert table.match.source == "hotline_12345"
    assert set(table.match.columns) >= {"source_ref", "reported_at", "reporter_name",
                                        "reporter_phone", "address", "category", "description"}


def test_unknown_headers_are_reported(tmp_path: Path, config) -> None:
    path = write_csv(tmp_path / "x.csv", ["序号", "商品", "价格"], [[1, "苹果", 3]])
    with pytest.raises(UnreadableFile) as err:
        read_table(path, list(config.specs.values()))
    assert err.value.headers_found == ["序号", "商品", "价格"]


def test_xls_refused_with_clear_message(tmp_path: Path, config) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(UnreadableFile, match=r"\.xlsx"):
        read_table(path, list(config.specs.values()))


def test_zip_bomb_refused(tmp_path: Path, config) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(UnreadableFile, match="压缩炸弹"):
        read_table(path, list(config.specs.values()))


def test_empty_and_undecodable_files(tmp_path: Path, config) -> None:
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="为空"):
        read_table(empty, list(config.specs.values()))
    garbage = tmp_path / "g.csv"
    garbage.write_bytes(bytes(range(128, 256)) * 10)
    with pytest.raises(UnreadableFile):
        read_table(garbage, list(config.specs.values()))
