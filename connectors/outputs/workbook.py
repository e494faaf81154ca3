"""Workbooks people open in Excel or WPS: styled, printable, and never a formula.

Every string is written as a string cell, so a description the agency began with
``=``, ``+``, ``-`` or ``@`` stays what they wrote and nothing evaluates it; no text
becomes a hyperlink. Control characters, which a workbook cannot hold, are shown as
their visible symbols (U+2400…). The store keeps the text exactly; this is the only
place it is made safe, when it is written out.

Cells are written by rust_xlsxwriter (through rustpy-xlsxwriter), a sheet at a time from
columns made ready here: a district's nightly ledgers hold millions of cells, which the
pure-Python writer took two minutes over. A risk level is coloured by a conditional
format on its column (one rule per level), which Excel, WPS and LibreOffice all show.
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
from rustpy_xlsxwriter import Format, write_worksheets

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


def _format(*, wrap: bool = False, bold: bool = False, num: str | None = None,
            center: bool = False, italic: bool = False) -> Format:
    f = Format().set_font_name("宋体").set_font_size(10).set_align("top")
    if wrap:
        f = f.set_text_wrap()
    if bold:
        f = f.set_bold()
    if italic:
        f = f.set_italic().set_font_color("#595959")
    if center:
        f = f.set_align("center")
    return f.set_num_format(num) if num else f


_NUM_FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd"}


def _cells(values: list[Any], kind: Kind) -> list[Any]:
    """A column's values as the writer takes them: None where missing, plain datetimes in
    date columns, numbers in number columns, every other value as safe text."""
    out: list[Any] = []
    for v in values:
        if _missing(v):
            out.append(None)
        elif kind in _NUM_FORMATS and isinstance(v, datetime | date):
            t = pd.Timestamp(v).to_pydatetime()
            out.append(t.replace(tzinfo=None))
        elif kind == "number" and isinstance(v, int | float) and not isinstance(v, bool):
            out.append(v)
        else:
            out.append(_as_text(v))
    texts = [v for v in out if isinstance(v, str)]
    if texts and _CONTROL.search("\n".join(texts)):  # rare: only then each cell is looked at
        out = [safe_text(v) if isinstance(v, str) else v for v in out]
    return out


def _column(series: pd.Series, kind: Kind) -> list[Any]:
    """``_cells`` of a frame's column, by whole columns where its dtype allows: the night's
    ledgers hold tens of millions of cells."""
    if kind in _NUM_FORMATS and pd.api.types.is_datetime64_any_dtype(series.dtype):
        naive = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
        values = naive.dt.to_pydatetime().tolist()
        return [None if m else v for v, m in zip(values, naive.isna().tolist(), strict=True)]
    if isinstance(series.dtype, pd.StringDtype) and kind != "number":
        values = series.astype(object).where(series.notna(), None).tolist()
        if series.str.contains(_CONTROL.pattern, regex=True, na=False).any():
            return [None if v is None else safe_text(v) for v in values]
        return values
    return _cells(series.tolist(), kind)


def _widths(sheet: Sheet, cols: list[Column], values: list[list[Any]]) -> dict[str, float]:
    """Each column as wide as its header and first rows (capped; wrapped columns wider)."""
    out = {}
    for c, vals in zip(cols, values, strict=True):
        sample = [display_width(_as_text(v)) for v in vals[:300] if not _missing(v)]
        want = max([display_width(c.header) + 2, *sample]) + 1
        cap = WRAP_WIDTH if c.kind == "wrap" else MAX_WIDTH
        out[c.header] = sheet.widths.get(c.key, min(max(want, 6), cap))
    return out


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.xlsx")
    fmt = {"text": _format(), "wrap": _format(wrap=True), "number": _format(),
           "datetime": _format(num=_NUM_FORMATS["datetime"]), "date": _format(num=_NUM_FORMATS["date"]),
           "level": _format(bold=True, center=True)}
    header = _format(bold=True).set_background_color("#D9E1F2").set_border("thin").set_text_wrap()
    note = _format(italic=True)
    levels = [{"type": "text", "criteria": "contains", "value": lvl,
               "format": Format().set_bold().set_background_color(bg).set_font_color(fg)}
              for lvl, (bg, fg) in LEVEL_COLOURS.items()]
    data: list[tuple[str, Any]] = []  # (sheet name, frame)
    opts: dict[str, dict[str, Any]] = {k: {} for k in (
        "header_row", "merge_ranges", "row_heights", "column_widths", "column_formats",
        "header_format", "autofilter", "freeze_panes", "page_setup", "conditional_formats")}
    for sheet in sheets:
        name, cols = sheet.name[:31], list(sheet.columns)
        headers = [c.header for c in cols]
        if len(set(headers)) != len(headers):
            raise ValueError(f"表“{name}”的列名重复：{headers}")
        raw = [_column(sheet.frame[c.key], c.kind) if c.key in sheet.frame.columns
               else [None] * len(sheet.frame) for c in cols]
        columns = {c.header: pd.Series(v, dtype=object) for c, v in zip(cols, raw, strict=True)}
        data.append((name, pd.DataFrame(columns, index=pd.RangeIndex(len(sheet.frame)))))
        top = 1 if sheet.note else 0
        opts["header_row"][name] = top
        if sheet.note:
            opts["merge_ranges"][name] = [(0, 0, 0, max(len(cols) - 1, 1), safe_text(sheet.note), note)]
        opts["row_heights"][name] = {top: 30}
        opts["column_widths"][name] = _widths(sheet, cols, raw)
        opts["column_formats"][name] = {c.header: fmt[c.kind] for c in cols}
        opts["header_format"][name] = header
        opts["autofilter"][name] = bool(cols)
        opts["freeze_panes"][name] = {"row": top + 1, "col": 0}
        opts["page_setup"][name] = {
            "landscape": True, "paper_size": 9, "fit_to_pages": (1, 0), "repeat_rows": top,
            "margins": {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6},
            "footer": "&C第 &P 页，共 &N 页"}
        opts["conditional_formats"][name] = {c.header: levels for c in cols if c.kind == "level"}
    write_worksheets(
        data, str(tmp), header_row=opts["header_row"], merge_ranges=opts["merge_ranges"],
        row_heights=opts["row_heights"], column_widths=opts["column_widths"],
        column_formats=opts["column_formats"], header_format=opts["header_format"],
        autofilter=opts["autofilter"], freeze_panes=opts["freeze_panes"],
        page_setup=opts["page_setup"], conditional_formats=opts["conditional_formats"])
    tmp.replace(path)
    return path
