"""Reading real export files: encodings, title rows, sheets, guards."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.sources.files import ReadLimits, UnreadableFile, open_table, read_table

from .exports import (
    POLICE_HEADERS,
    police_rows,
    write_csv,
    write_lying_zip,
    write_xlsx,
    write_xlsx_cells,
    write_xlsx_two_row_header,
    write_zip_bomb,
)


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


@pytest.mark.parametrize("mark", ["（必填）", "(必填)", " （选填）", "*"])
def test_a_forms_required_mark_on_a_header_is_ignored(tmp_path: Path, config, mark: str) -> None:
    """信访编号（必填）: offices export the input form's marks with the headers; a required
    column so marked was not recognized, and the whole file went to quarantine."""
    headers = [h + mark if h in ("警情编号", "报警时间") else h for h in POLICE_HEADERS]
    rows = police_rows(3)
    table = read_table(write_xlsx(tmp_path / "jq.xlsx", headers, rows), list(config.specs.values()))
    assert table.match.source == "police"
    assert table.match.columns["source_ref"] == 0 and table.match.columns["reported_at"] == 1
    assert [r[0] for r in table.rows] == [r[0] for r in rows]


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


# ----------------------------------------------------------------------------- more forms


def test_two_row_header_with_merged_parent_hidden_column_and_merged_data(
        tmp_path: Path, config) -> None:
    rows = police_rows(4)
    path = write_xlsx_two_row_header(tmp_path / "两行表头.xlsx", rows)
    table = read_table(path, list(config.specs.values()))
    assert table.match.source == "police"
    assert table.head.header_rows == 2 and table.header_row == 3
    headers = table.headers
    # the parent merged over its children names both of them
    assert headers[3:5] == ["报警人姓名", "报警人电话"]
    cols = table.match.columns
    assert headers[cols["reporter_name"]] == "报警人姓名"
    # the visible 报警人电话 wins over the hidden 联系电话 column that also means a phone
    assert table.head.hidden_columns == [5]
    assert cols["reporter_phone"] == 4
    # the table starts in column B: cells keep their sheet columns
    assert [r[1] for r in table.rows] == [r[0] for r in rows]
    assert [r[4] for r in table.rows] == [r[3] for r in rows]
    # 管辖单位 merged down over all rows reads in every row
    assert {r[cols["unit"]] for r in table.rows} == {"北七家派出所"}
    assert table.row_numbers == [4, 5, 6, 7]


def test_two_row_header_in_a_csv_saved_from_such_a_sheet(tmp_path: Path, config) -> None:
    upper = ["警情编号", "报警时间", "报警人", "", "发案地点", "警情类别", "简要案情"]
    lower = ["", "", "姓名", "电话", "", "", ""]
    rows = [[r[0], r[1], r[2], r[3], r[5], r[6], r[7]] for r in police_rows(3)]
    path = write_csv(tmp_path / "两行.csv", upper, [lower, *rows], "gbk")
    table = read_table(path, list(config.specs.values()))
    assert table.head.header_rows == 2
    assert table.headers[2:4] == ["报警人姓名", "报警人电话"]
    assert [r[3] for r in table.rows] == [r[3] for r in rows]


def test_title_row_is_not_read_as_a_parent_header(tmp_path: Path, config) -> None:
    path = write_csv(tmp_path / "t.csv", POLICE_HEADERS, police_rows(2), title="警情导出")
    table = read_table(path, list(config.specs.values()))
    assert table.head.header_rows == 1 and table.headers == POLICE_HEADERS


def test_formula_cells_give_their_cached_values_never_evaluated(tmp_path: Path, config) -> None:
    rows = [list(r) for r in police_rows(2)]
    path = write_xlsx_cells(tmp_path / "f.xlsx", POLICE_HEADERS, rows, formulas={
        (0, 7): ('HYPERLINK("http://evil.example/x","点击查看")', "点击查看"),
        (1, 7): ("1+1", 2),
        (1, 2): ('A2&"某"', "王某"),
    })
    table = read_table(path, list(config.specs.values()))
    assert table.rows[0][7] == "点击查看"
    assert table.rows[1][7] == 2
    assert table.rows[1][2] == "王某"


def test_control_characters_are_removed_and_noted(tmp_path: Path, config) -> None:
    rows = [list(r) for r in police_rows(3)]
    rows[1][7] = "报警人称\x00邻居\x07扬言\x1b[31m报复"
    rows[2][2] = "王\x0b晓明"
    for path in (write_xlsx_cells(tmp_path / "c.xlsx", POLICE_HEADERS, rows),
                 write_csv(tmp_path / "c.csv", POLICE_HEADERS, rows)):
        table = read_table(path, list(config.specs.values()))
        assert table.rows[1][7] == "报警人称邻居扬言[31m报复"
        assert table.rows[2][2] == "王晓明"
        assert table.scrubbed == {1: [7], 2: [2]}


def test_multiline_cells_and_row_numbers_as_excel_shows_them(tmp_path: Path, config) -> None:
    rows = [list(r) for r in police_rows(3)]
    rows[0][7] = "第一行\r\n第二行，含\"引号\"和,逗号"
    path = write_csv(tmp_path / "m.csv", POLICE_HEADERS, rows, "utf-8-sig")
    table = read_table(path, list(config.specs.values()))
    assert table.rows[0][7] == rows[0][7]
    assert table.row_numbers == [2, 3, 4]


def test_size_row_and_column_limits(tmp_path: Path, config) -> None:
    specs = list(config.specs.values())
    path = write_csv(tmp_path / "big.csv", POLICE_HEADERS, police_rows(30))
    with pytest.raises(UnreadableFile, match="文件过大"):
        open_table(path, specs, limits=ReadLimits(max_file_mb=0.001))
    with pytest.raises(UnreadableFile, match="行数超过上限"):  # found while streaming
        read_table(path, specs, limits=ReadLimits(max_rows=29))
    assert len(read_table(path, specs, limits=ReadLimits(max_rows=30)).rows) == 30
    wide = [[*r, *(["x"] * 20)] for r in police_rows(2)]
    with pytest.raises(UnreadableFile, match="列"):
        read_table(write_csv(tmp_path / "wide.csv", POLICE_HEADERS, wide), specs,
                   limits=ReadLimits(max_columns=20))


def test_zip_bomb_lying_about_its_size_is_refused(tmp_path: Path, config) -> None:
    with pytest.raises(UnreadableFile, match="压缩炸弹"):
        read_table(write_lying_zip(tmp_path / "lie.xlsx"), list(config.specs.values()))


def test_zip_with_too_many_parts_is_refused(tmp_path: Path, config) -> None:
    import zipfile

    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(30):
            zf.writestr(f"xl/p{i}.xml", b"<a/>")
    with pytest.raises(UnreadableFile, match="部件"):
        read_table(path, list(config.specs.values()), limits=ReadLimits(max_xlsx_members=20))


def test_zip_bomb_ratio_limit_is_configurable(tmp_path: Path, config) -> None:
    path = write_zip_bomb(tmp_path / "b.xlsx", megabytes=2)
    with pytest.raises(UnreadableFile, match="压缩炸弹"):
        read_table(path, list(config.specs.values()))
    with pytest.raises(UnreadableFile) as err:  # allowed through, then not a workbook
        read_table(path, list(config.specs.values()), limits=ReadLimits(max_xlsx_ratio=10_000))
    assert "压缩炸弹" not in str(err.value)


def test_unknown_extension_and_binary_garbage(tmp_path: Path, config) -> None:
    odd = tmp_path / "x.pdf"
    odd.write_bytes(b"%PDF-1.4")
    with pytest.raises(UnreadableFile, match="不支持的文件类型"):
        read_table(odd, list(config.specs.values()))
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(UnreadableFile):
        read_table(nul, list(config.specs.values()))
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(UnreadableFile, match="xlsx"):
        read_table(fake, list(config.specs.values()))


# Cells as agencies type them: Chinese, commas, quotes, line breaks, leading spaces.
_cell = st.text(alphabet=st.sampled_from(list("王晓明某,\"'\n\r \t；：、（）()123-/abc北七家镇")),
                max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=10, max_size=10), min_size=1, max_size=8),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030"]))
def test_csv_cells_read_back_exactly_in_any_encoding(tmp_path: Path, config, rows, encoding) -> None:
    refs = [[f"J{i:05d}", "2024-05-03 21:14:05", *r[2:]] for i, r in enumerate(rows)]
    path = write_csv(tmp_path / f"p-{encoding}.csv", POLICE_HEADERS, refs, encoding)
    table = read_table(path, list(config.specs.values()))
    # every cell comes back as written (trailing empty cells are not kept)
    assert [r + [""] * (10 - len(r)) for r in table.rows] == refs
    assert table.encoding == encoding.replace("gbk", "gb18030")
