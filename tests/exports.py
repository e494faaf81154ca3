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


def drop_demo(inbox: Path, cases: int, seed: int):  # type: ignore[no-untyped-def]
    """Generate demo exports beside the inbox and drop the agencies' files into it."""
    import shutil

    from connectors.demo_exports import write_demo_exports

    staging = inbox.parent / f"demo-{cases}-{seed}"
    if staging.exists():
        shutil.rmtree(staging)
    manifest = write_demo_exports(staging, cases, seed)
    for f in manifest.files:
        target = inbox / f.source / Path(f.path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f.path, target)
    return manifest
