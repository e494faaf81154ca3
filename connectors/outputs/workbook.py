"""Workbooks people open in Excel or WPS: styled, printable, and never a formula.

Every string is written as a string cell (``write_string``), so a description the
agency began with ``=``, ``+``, ``-`` or ``@`` stays what they wrote and nothing
evaluates it; no text becomes a hyperlink. Control characters, which a workbook
cannot hold, are shown as their visible symbols (U+2400…). The store keeps the
text exactly; this is the only place it is made safe, when it is written out.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import xlsxwriter

Kind = Literal["text", "wrap", "datetime", "date", "number", "level"]
LEVEL_COLOURS = {"红": ("#C00000", "#FFFFFF"), "橙": ("#F4B084", "#000000"),
                 "黄": ("#FFE699", "#000000"), "蓝": ("#BDD7EE", "#000000")}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_WIDTH, WRAP_WIDTH = 40, 50


@dataclass(frozen=True)
class Column:
    """One column: the frame's column name, its Chinese header, and how it is shown."""

    key: str
    header: str
    kind: Kind = "text"


@dataclass
class Sheet:
    """One sheet: rows of a frame, shown through its columns."""

    name: str
    frame: pd.DataFrame
    columns: Sequence[Column]
    note: str | None = None  # a line above the table, e.g. what the sheet holds
    widths: dict[str, float] = field(default_factory=dict)


def safe_text(value: str) -> str:
    """Control characters as visible symbols; everything else exactly as written."""
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group(0))) if m.group(0) != "\x7f"
                        else "\u2421", value)


def display_width(text: str) -> int:
    """Columns a text takes on screen: Han characters and full-width forms count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _missing(v: Any) -> bool:
    return v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _as_text(v: Any) -> str:
    if isinstance(v, list | tuple | set):
        return "、".join(str(x) for x in v if not _missing(x))
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "constant_memory": True})
    base = {"font_name": "宋体", "font_size": 10, "valign": "top"}
    fmt = {
        "header": wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1,
                                 "text_wrap": True, "valign": "vcenter"}),
        "note": wb.add_format({**base, "italic": True, "font_color": "#595959"}),
        "text": wb.add_format(base),
        "wrap": wb.add_format({**base, "text_wrap": True}),
        "datetime": wb.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"}),
        "date": wb.add_format({**base, "num_format": "yyyy-mm-dd"}),
        "number": wb.add_format(base),
    }
    levels = {lvl: wb.add_format({**base, "bold": True, "align": "center", "bg_color": bg,
                                  "font_color": fg})
              for lvl, (bg, fg) in LEVEL_COLOURS.items()}
    for sheet in sheets:
        _write_sheet(wb, sheet, fmt, levels)
    wb.close()
    tmp.replace(path)
    return path


def _write_sheet(wb: Any, sheet: Sheet, fmt: dict[str, Any], levels: dict[str, Any]) -> None:
    ws = wb.add_worksheet(sheet.name[:31])
    cols = list(sheet.columns)
    top = 0
    if sheet.note:
        ws.write_string(0, 0, safe_text(sheet.note), fmt["note"])
        top = 1
    widths: list[float] = [display_width(c.header) + 2 for c in cols]
    values = [sheet.frame[c.key].tolist() if c.key in sheet.frame.columns
              else [None] * len(sheet.frame) for c in cols]
    for i, c in enumerate(cols):  # widths from the header and the first rows
        sample = [display_width(_as_text(v)) for v in values[i][:300] if not _missing(v)]
        want = max([widths[i], *sample]) + 1
        cap = WRAP_WIDTH if c.kind == "wrap" else MAX_WIDTH
        widths[i] = sheet.widths.get(c.key, min(max(want, 6), cap))
        ws.set_column(i, i, widths[i], fmt["wrap" if c.kind == "wrap" else "text"])
    ws.set_row(top, 30)
    for i, c in enumerate(cols):
        ws.write_string(top, i, c.header, fmt["header"])
    for r, row in enumerate(zip(*values, strict=True), start=top + 1):
        for i, (c, v) in enumerate(zip(cols, row, strict=True)):
            if _missing(v):
                continue
            if c.kind in ("datetime", "date") and isinstance(v, datetime | date | pd.Timestamp):
                ws.write_datetime(r, i, pd.Timestamp(v).to_pydatetime(), fmt[c.kind])
            elif c.kind == "number" and isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(r, i, v, fmt["number"])
            elif c.kind == "level" and v in levels:
                ws.write_string(r, i, v, levels[v])
            else:
                ws.write_string(r, i, safe_text(_as_text(v)), fmt["wrap" if c.kind == "wrap" else "text"])
    last = top + len(sheet.frame)
    ws.freeze_panes(top + 1, 0)
    if cols:
        ws.autofilter(top, 0, last, len(cols) - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
