"""The streaming xlsx reader: the same cells as calamine (a reference reader) on real
workbooks written by openpyxl and xlsxwriter, and the parts of the format real exports
use (shared and rich text, phonetic guides, escapes, the 1904 system, prefixed XML)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook as OpenpyxlWorkbook
from python_calamine import CalamineWorkbook

from connectors.sources.xlsx import Workbook, XlsxError, is_date_format
from samples.exports import write_demo_exports


def _norm(v: Any) -> Any:
    if v == "" or v is None:
        return None
    if isinstance(v, datetime):
        return v.replace(microsecond=round(v.microsecond, -3) % 1_000_000)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return float(v)
    return v


def _trim(row: list[Any]) -> list[Any]:
    row = [_norm(v) for v in row]
    while row and row[-1] is None:
        row.pop()
    return row


def ours(path: Path) -> dict[str, list[list[Any]]]:
    with Workbook(str(path)) as wb:
        return {s.name: [_trim(r) for r in wb.rows(s)] for s in wb.sheets}


def calamine(path: Path) -> dict[str, list[list[Any]]]:
    wb = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        rows = [_trim(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        out[name] = rows
    return out


def _same(a: dict[str, list[list[Any]]], b: dict[str, list[list[Any]]]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        x, y = a[name], b[name]
        while x and not x[-1]:
            x.pop()
        while y and not y[-1]:
            y.pop()
        assert x == y, name


def test_demo_exports_read_like_calamine(tmp_path: Path) -> None:
    manifest = write_demo_exports(tmp_path / "demo", 60, 5)
    books = [Path(f.path) for f in manifest.files if f.format == "xlsx"]
    assert books
    for path in books:
        _same(ours(path), calamine(path))


_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**9, 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet=st.sampled_from(list("王晓明某,\"'<>&_x000D_ \n；：（）12ab")), max_size=12),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_values, max_size=6), max_size=8), writer=st.sampled_from(
    ["openpyxl", "xlsxwriter", "xlsxwriter-constant"]))
@example(rows=[[" "]], writer="openpyxl")  # <t> </t> without xml:space="preserve": empty
@example(rows=[[" ", "  x "]], writer="xlsxwriter")
def test_any_cells_read_like_calamine(tmp_path: Path, rows, writer) -> None:
    path = tmp_path / f"h-{writer}.xlsx"
    if writer == "openpyxl":
        wb = OpenpyxlWorkbook()
        ws = wb.active
        assert ws is not None
        for r, row in enumerate(rows, start=2):  # the first row left empty
            for c, v in enumerate(row, start=2):
                if v is not None:
                    cell = ws.cell(r, c)
                    cell.value = v.replace("\n", " ") if isinstance(v, str) else v
        wb.save(path)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path), {"constant_memory": writer.endswith("constant"),
                                               "strings_to_numbers": False,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
        ws = book.add_worksheet()
        fmt = book.add_format({"num_format": "yyyy/m/d hh:mm:ss"})
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if isinstance(v, datetime):
                    ws.write_datetime(r, c, v, fmt)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                elif v is not None:
                    ws.write(r, c, v)
        book.close()
    _same(ours(path), calamine(path))


def _book(tmp_path: Path, sheet_xml: str, shared: str | None = None, *, date1904: bool = False,
          styles: str | None = None) -> Path:
    """A minimal workbook written by hand, to reach corners no writer here produces."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    path = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'))
        zf.writestr("xl/workbook.xml", (
            f'<workbook {ns} {rns}><workbookPr date1904="{int(date1904)}"/><sheets>'
            '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        kinds = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{kinds}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{kinds}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{kinds}/styles" Target="styles.xml"/>'
            '</Relationships>'))
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            zf.writestr("xl/sharedStrings.xml", f"<sst {ns}>{shared}</sst>")
        zf.writestr("xl/styles.xml", styles or (
            f'<styleSheet {ns}><numFmts count="1"><numFmt numFmtId="164" '
            'formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
            '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/>'
            '</cellXfs></styleSheet>'))
    return path


def test_rich_text_phonetic_guides_escapes_and_errors(tmp_path: Path) -> None:
    shared = ('<si><t>警情编号</t></si>'
              '<si><r><rPr><b/></rPr><t>王</t></r><r><t xml:space="preserve">晓明 </t></r>'
              '<rPh sb="0" eb="1"><t>おう</t></rPh></si>'
              '<si><t>第一行_x000D_第二行_x005F_x0041_</t></si>')
    sheet = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<x:sheetData>'
             '<x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c><x:c r="C2" t="s"><x:v>1</x:v></x:c>'
             '</x:row>'
             '<x:row r="4"><x:c r="B4" t="s"><x:v>2</x:v></x:c><x:c r="C4" t="e"><x:v>#N/A</x:v>'
             '</x:c><x:c r="D4" t="b"><x:v>1</x:v></x:c><x:c r="E4" s="1"><x:v>45415.885</x:v>'
             '</x:c><x:c r="F4"><x:f>SUM(A1:A2)</x:f></x:c><x:c r="G4" t="str"><x:f>A1</x:f>'
             '<x:v>缓存值</x:v></x:c><x:c t="inlineStr"><x:is><x:t>无引用</x:t></x:is></x:c></x:row>'
             '</x:sheetData></x:worksheet>')
    rows = ours(_book(tmp_path, sheet, shared))["数据"]
    assert rows[0] == [] and rows[2] == []  # rows the file leaves out are empty
    assert rows[1] == [None, "警情编号", "王晓明 "]  # no phonetic guide in the text
    assert rows[3] == [None, "第一行\r第二行_x0041_", "#N/A", True,
                       datetime(2024, 5, 3, 21, 14, 24), None, "缓存值", "无引用"]


def test_dates_in_the_1904_system_and_builtin_formats(tmp_path: Path) -> None:
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" s="2"><v>43953</v></c><c r="B1"><v>43953</v></c>'
             '<c r="C1" s="1"><v>99999999999</v></c></row></sheetData></worksheet>')
    row = ours(_book(tmp_path, sheet, date1904=True))["数据"][0]
    assert row[:2] == [datetime(2024, 5, 3), 43953.0]  # 1462 days later than the 1900 system
    assert row[2] == 99999999999.0  # beyond any calendar: left as the number


@pytest.mark.parametrize(("code", "is_date"), [
    ("yyyy/m/d h:mm", True), ('yyyy"年"m"月"d"日"', True), ("[$-804]aaaa", False),
    ("0.00", False), ("#,##0", False), ("General", False), ('"日期"0', False), ("h:mm:ss", True),
    ("[Red]0.0", False),
])
def test_date_format_codes(code: str, is_date: bool) -> None:
    assert is_date_format(code) is is_date


def test_merged_ranges_and_hidden_columns(tmp_path: Path) -> None:
    from .exports import police_rows, write_xlsx_two_row_header

    path = write_xlsx_two_row_header(tmp_path / "m.xlsx", police_rows(3))
    with Workbook(str(path)) as wb:
        sheet = wb.sheets[0]
        wb.scan_sheet(sheet)
    assert ((1, 3), (1, 4)) in sheet.merged and ((0, 1), (0, 11)) in sheet.merged
    assert sheet.hidden_columns == [5]


def test_broken_workbooks_raise_xlsx_error(tmp_path: Path) -> None:
    with pytest.raises(XlsxError):
        Workbook(str(tmp_path / "missing.xlsx"))
    path = tmp_path / "nobook.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(XlsxError, match="workbook"):
        Workbook(str(path))
    bad = _book(tmp_path, "<worksheet><sheetData><row><c><v>1</v></row></sheetData>")
    with Workbook(str(bad)) as wb, pytest.raises(XlsxError, match="XML"):
        list(wb.rows(wb.sheets[0]))


def test_cells_beyond_the_column_limit_are_refused(tmp_path: Path) -> None:
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="XFD1" t="inlineStr"><is><t>远</t></is></c></row>'
             '</sheetData></worksheet>')
    with Workbook(str(_book(tmp_path, sheet)), max_columns=256) as wb, \
            pytest.raises(XlsxError, match="列"):
        list(wb.rows(wb.sheets[0]))


def test_times_without_dates(tmp_path: Path) -> None:
    wb = OpenpyxlWorkbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = time(21, 14, 5)
    wb.save(tmp_path / "t.xlsx")
    rows = ours(tmp_path / "t.xlsx")
    assert rows[next(iter(rows))][0][0] == datetime(1899, 12, 30, 21, 14, 5)
