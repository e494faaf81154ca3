"""Write small real export files for tests (CSV in any encoding, xlsx with title rows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

POLICE_HEADERS = ["警情编号", "报警时间", "报警人", "报警人电话", "身份证号", "发案地点",
                  "警情类别", "简要案情", "处警结果", "管辖单位"]


def police_rows(n: int, start: int = 1) -> list[list[object]]:
    """Plausible police rows; numbers and times differ per row."""
    rows: list[list[object]] = []
    for i in range(start, start + n):
        rows.append([
            f"J2024{i:06d}", f"2024-05-{(i % 27) + 1:02d} 21:14:05", "王晓明" if i % 2 else "李某",
            f"1381234{i % 10000:04d}", "", "北京市昌平区北七家镇东三旗村12号",
            "纠纷-邻里纠纷", f"报警人称与邻居鲁某因空调外机对着窗户发生争执（第{i}次）", "已调解",
            "北七家派出所",
        ])
    return rows


def red_police_row(ref: str = "J2026000001", phone: str = "13812345678", id_number: str = "",
                   text: str = "报警人称长期遭丈夫家暴，今晚其丈夫手持菜刀堵门，扬言要砍死她",
                   ) -> list[object]:
    """One police record of a red incident in 北七家镇东三旗村: domestic violence, a knife, a
    threat to kill (brings in the women's federation and the police)."""
    return [ref, "2026-12-06 21:14:05", "王晓明", phone, id_number, "北京市昌平区北七家镇东三旗村12号",
            "纠纷-家庭纠纷", text, "已处置", "北七家派出所"]


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]],
              encoding: str = "utf-8", title: str | None = None) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if title:
        w.writerow([title])
    w.writerow(headers)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]],
               title: str | None = None, totals: bool = False, notes_sheet: bool = True,
               blank_rows: int = 0) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if notes_sheet:
        ws.title = "说明"
        ws.append(["本表由系统导出，仅供内部使用"])
        ws = wb.create_sheet("数据")
    else:
        ws.title = "数据"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.append([])
    ws.append(list(headers))
    for i, row in enumerate(rows):
        ws.append(list(row))
        if blank_rows and i == len(rows) // 2:
            for _ in range(blank_rows):
                ws.append([])
    if totals:
        ws.append(["合计", f"{len(rows)}起"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def drop_demo(inbox: Path, cases: int, seed: int, outside: float = 0.0):  # type: ignore[no-untyped-def]
    """Generate demo exports beside the inbox and drop the agencies' files into it."""
    import shutil

    from samples.exports import write_demo_exports

    staging = inbox.parent / f"demo-{cases}-{seed}"
    if staging.exists():
        shutil.rmtree(staging)
    manifest = write_demo_exports(staging, cases, seed, outside=outside)
    for f in manifest.files:
        target = inbox / f.source / Path(f.path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f.path, target)
    return manifest


def write_xlsx_two_row_header(path: Path, rows: Sequence[Sequence[object]], *,
                              hidden_old_phone: bool = True, merged_unit: bool = True) -> Path:
    """A police sheet as some stations export it: a title, then a two-row header whose
    parent cells are merged over their children (报警人 over 姓名/电话), the table starting
    in column B, a hidden column holding an old copy of the phone, and the 管辖单位 cell
    merged down over all data rows.

    Data rows carry the ten ``POLICE_HEADERS`` fields in order.
    """
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "警情"
    # columns: B 警情编号 | C 报警时间 | D-E 报警人(姓名, 电话) | F 旧电话(hidden) |
    #          G 身份证号 | H 发案地点 | I 警情类别 | J 简要案情 | K 处警结果 | L 管辖单位
    ws["B1"] = "北七家派出所警情导出（2024年5月）"
    ws.merge_cells("B1:L1")
    top = {"B": "警情编号", "C": "报警时间", "D": "报警人", "F": "联系电话", "G": "身份证号",
           "H": "发案地点", "I": "警情类别", "J": "简要案情", "K": "处警结果", "L": "管辖单位"}
    for col, text in top.items():
        ws[f"{col}2"] = text
    for col in "BCFGHIJKL":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    ws["D3"] = "姓名"
    ws["E3"] = "电话"
    if hidden_old_phone:
        ws.column_dimensions["F"].hidden = True
    for i, row in enumerate(rows, start=4):
        ref, at, name, phone, ident, addr, cat, desc, result, unit = row
        values = {"B": ref, "C": at, "D": name, "E": phone, "F": "010-00000000", "G": ident,
                  "H": addr, "I": cat, "J": desc, "K": result}
        if not merged_unit or i == 4:
            values["L"] = unit
        for col, v in values.items():
            ws[f"{col}{i}"] = v
    if merged_unit and len(rows) > 1:
        ws.merge_cells(f"L4:L{3 + len(rows)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_xlsx_cells(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]],
                     formulas: dict[tuple[int, int], tuple[str, object]] | None = None) -> Path:
    """An xlsx written with xlsxwriter, which keeps control characters (as ``_x0001_``
    escapes) and can store a formula together with its cached value.

    ``formulas`` maps (data row index, column index) to (formula, cached value).
    """
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    ws = wb.add_worksheet("数据")
    for c, h in enumerate(headers):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if formulas and (r - 1, c) in formulas:
                formula, cached = formulas[(r - 1, c)]
                ws.write_formula(r, c, formula, None, cached)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            elif v is not None:
                ws.write(r, c, v)
    wb.close()
    return path


def write_zip_bomb(path: Path, megabytes: int = 50) -> Path:
    """An .xlsx that is a zip of one highly compressible part."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (megabytes * 1024 * 1024))
    return path


def write_lying_zip(path: Path, megabytes: int = 40, declared: int = 1000) -> Path:
    """A zip bomb whose headers claim each part is tiny: the sizes in the local and
    central headers are overwritten after writing, the data and CRC stay real."""
    import struct
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"0" * (megabytes * 1024 * 1024) + b"</a>")
    data = bytearray(path.read_bytes())
    pos = 0
    while (pos := data.find(b"PK\x03\x04", pos)) != -1:  # local headers: size at +22
        struct.pack_into("<I", data, pos + 22, declared)
        pos += 4
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:  # central directory: size at +24
        struct.pack_into("<I", data, pos + 24, declared)
        pos += 4
    path.write_bytes(bytes(data))
    return path
