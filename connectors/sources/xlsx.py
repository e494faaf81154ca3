"""Read xlsx workbooks as a stream of rows, in constant memory.

A sheet is parsed straight from its compressed part with expat, one block at a
time, so a million-row export never sits in memory whole (only the shared-string
table does, as every reader must hold it). Cells come back as Excel stores them:
text, numbers, booleans, dates (numbers in a date format, in the 1900 or 1904
system), and for formula cells the value Excel last computed; nothing is ever
evaluated. Merged ranges and hidden columns are read too, for the caller to apply.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import IO, Any
from xml.parsers import expat

_BLOCK = 1 << 20
_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF_RE = re.compile(r"([A-Z]{1,3})(\d+)")
_QUOTED_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_DATE_CODE_RE = re.compile(r"[ymdhs]", re.IGNORECASE)
# Built-in number formats that show dates or times (ECMA-376 18.8.30, with the
# East Asian ones: 27-36 and 50-58 are 年月日 forms in Chinese locales).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3}\d+):([A-Z]{1,3}\d+)"')
_COL_RE = re.compile(rb"<(?:\w+:)?col\b([^>]*)/?>")
_ATTR_RE = re.compile(rb'([\w:]+)="([^"]*)"')


class XlsxError(Exception):
    """The workbook's structure cannot be read; the message says what is wrong."""


def _preserves(attrs: dict[str, str]) -> bool:
    """Whether a ``<t>`` keeps its spaces (``xml:space="preserve"``)."""
    return any(k.endswith("space") and v == "preserve" for k, v in attrs.items())


def _drop_blank(buf: list[str], start: int) -> None:
    """Text of one ``<t>`` that is only whitespace and not preserved is no text (as Excel
    and calamine read it): remove what it added to ``buf``."""
    if not "".join(buf[start:]).strip():
        del buf[start:]


def _local(name: str) -> str:
    """An element name without its namespace (expat reports ``uri name`` with
    namespace processing off it is ``prefix:name``)."""
    return name.rsplit(":", 1)[-1].rsplit(" ", 1)[-1]


def column_index(letters: str) -> int:
    """0-based column of ``A``..``XFD``."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def cell_position(ref: str) -> tuple[int, int]:
    """0-based (row, column) of a reference such as ``B3``."""
    m = _CELL_REF_RE.fullmatch(ref)
    if m is None:
        raise XlsxError(f"单元格引用无效: {ref!r}")
    return int(m.group(2)) - 1, column_index(m.group(1))


def unescape(text: str) -> str:
    """Undo the ``_xHHHH_`` escapes xlsx uses for characters XML cannot hold."""
    if "_x" not in text:
        return text
    return _ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text)


def is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time (``yyyy/m/d h:mm``,
    ``yyyy"年"m"月"d"日"``), ignoring quoted text, ``[...]`` sections and escapes."""
    return _DATE_CODE_RE.search(_QUOTED_RE.sub("", code)) is not None


@dataclass
class SheetInfo:
    """One worksheet of a workbook."""

    name: str
    part: str  # path of its XML inside the zip
    visible: bool = True
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)


def _parse_small(data: bytes, start: Any, end: Any = None, text: Any = None) -> None:
    p = expat.ParserCreate()
    p.buffer_text = True
    p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    if text is not None:
        p.CharacterDataHandler = text
    try:
        p.Parse(data, True)
    except expat.ExpatError as exc:
        raise XlsxError(f"XML 格式错误: {exc}") from exc


class Workbook:
    """An xlsx file opened for streaming; use as a context manager."""

    def __init__(self, path: str, max_columns: int = 16384) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XlsxError(f"不是有效的 xlsx 文件: {exc}") from exc
        self.max_columns = max_columns
        try:
            self._read_structure()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    # ----------------------------------------------------------------- structure
    def _member(self, name: str) -> bytes | None:
        try:
            return self._zip.read(name)
        except KeyError:
            return None

    def _read_structure(self) -> None:
        workbook_part = "xl/workbook.xml"
        rels_part = "xl/_rels/workbook.xml.rels"
        ctypes = self._member("[Content_Types].xml") or b""
        m = re.search(rb'PartName="/([^"]+)"[^>]*ContentType="[^"]*sheet\.main\+xml"', ctypes)
        if m:  # the workbook part may live elsewhere than xl/workbook.xml
            workbook_part = m.group(1).decode()
            folder = PurePosixPath(workbook_part).parent
            rels_part = str(folder / "_rels" / (PurePosixPath(workbook_part).name + ".rels"))
        wb = self._member(workbook_part)
        if wb is None:
            raise XlsxError("缺少 workbook.xml，不是 Excel 工作簿")
        rels = self._member(rels_part) or b""
        folder = PurePosixPath(workbook_part).parent
        targets: dict[str, tuple[str, str]] = {}

        def rel(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship" and "Id" in attrs and "Target" in attrs:
                target = attrs["Target"]
                part = target.lstrip("/") if target.startswith("/") else str(folder / target)
                targets[attrs["Id"]] = (part, attrs.get("Type", ""))

        _parse_small(rels, rel)
        self.date1904 = False
        self.sheets: list[SheetInfo] = []

        def book(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "workbookPr":
                self.date1904 = attrs.get("date1904", "0") in ("1", "true")
            elif local == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                part, kind = targets.get(rid, ("", ""))
                if part and (not kind or kind.endswith("/worksheet")):
                    self.sheets.append(SheetInfo(attrs.get("name", ""), _normal(part),
                                                 attrs.get("state", "visible") == "visible"))

        _parse_small(wb, book)
        shared = next((p for p, k in targets.values() if k.endswith("/sharedStrings")),
                      str(folder / "sharedStrings.xml"))
        styles = next((p for p, k in targets.values() if k.endswith("/styles")),
                      str(folder / "styles.xml"))
        self.strings = self._shared_strings(_normal(shared))
        self.date_styles = self._date_styles(_normal(styles))

    def _shared_strings(self, part: str) -> list[str]:
        """Every shared string; rich text joined, phonetic guides (``rPh``) left out."""
        if part not in self._zip.namelist():
            return []
        out: list[str] = []
        buf: list[str] = []
        state: dict[str, Any] = {"depth_rph": 0, "in_t": False, "t_from": 0, "t_keep": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "si":
                buf.clear()
            elif local == "rPh":
                state["depth_rph"] += 1
            elif local == "t" and not state["depth_rph"]:
                state["in_t"] = True
                state["t_from"], state["t_keep"] = len(buf), _preserves(attrs)

        def end(name: str) -> None:
            local = _local(name)
            if local == "si":
                out.append(unescape("".join(buf)))
            elif local == "rPh":
                state["depth_rph"] -= 1
            elif local == "t":
                if state["in_t"] and not state["t_keep"]:
                    _drop_blank(buf, state["t_from"])
                state["in_t"] = False

        def text(data: str) -> None:
            if state["in_t"]:
                buf.append(data)

        p = expat.ParserCreate()
        p.buffer_text = True
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
        with self._zip.open(part) as fh:
            _feed(p, fh)
        return out

    def _date_styles(self, part: str) -> frozenset[int]:
        """Indexes of the cell styles (``s``) whose number format shows a date or time."""
        data = self._member(part)
        if data is None:
            return frozenset()
        custom: dict[int, str] = {}
        xfs: list[int] = []
        state = {"in_cellxfs": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "numFmt":
                with contextlib.suppress(ValueError):
                    custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                state["in_cellxfs"] = True
            elif local == "xf" and state["in_cellxfs"]:
                try:
                    xfs.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)

        def end(name: str) -> None:
            if _local(name) == "cellXfs":
                state["in_cellxfs"] = False

        _parse_small(data, start, end)
        dates = set()
        for i, fmt in enumerate(xfs):
            if (fmt in _DATE_FORMAT_IDS or (fmt in custom and is_date_format(custom[fmt]))):
                dates.add(i)
        return frozenset(dates)

    # ----------------------------------------------------------------- sheets
    def scan_sheet(self, sheet: SheetInfo) -> None:
        """Fill in a sheet's merged ranges and hidden columns (one pass over its part)."""
        merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        head = b""
        tail = b""
        with self._zip.open(sheet.part) as fh:
            while block := fh.read(_BLOCK):
                if len(head) < 256 * 1024 and b"<sheetData" not in head:
                    head += block[:256 * 1024]
                data = tail + block
                for m in _MERGE_RE.finditer(data):
                    merged.append((cell_position(m.group(1).decode()),
                                   cell_position(m.group(2).decode())))
                cut = data.rfind(b"<")
                tail = data[cut:] if cut >= 0 and len(data) - cut < 200 else b""
        hidden: list[int] = []
        for m in _COL_RE.finditer(head.split(b"<sheetData", 1)[0]):
            attrs = dict(_ATTR_RE.findall(m.group(1)))
            if attrs.get(b"hidden") in (b"1", b"true"):
                try:
                    lo, hi = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
                except ValueError:
                    continue
                hidden.extend(range(lo - 1, min(hi, lo + 1024, self.max_columns)))
        sheet.merged = merged
        sheet.hidden_columns = hidden

    def rows(self, sheet: SheetInfo) -> Iterator[list[Any]]:
        """Every row of the sheet from the first, cells at their columns (``None`` where
        empty); rows missing from the file come back empty."""
        strings, date_styles = self.strings, self.date_styles
        epoch = _EPOCH_1904 if self.date1904 else _EPOCH_1900
        max_columns = self.max_columns
        ready: deque[tuple[int, list[Any]]] = deque()
        row: list[Any] = []
        state: dict[str, Any] = {"row": -1, "col": 0, "t": None, "s": None, "in_v": False,
                                 "rph": 0}
        buf: list[str] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            local = name if ":" not in name else _local(name)
            if local == "c":
                ref = attrs.get("r")
                if ref:
                    col = 0
                    for ch in ref:
                        if ch >= "A":
                            col = col * 26 + ord(ch) - 64
                        else:
                            break
                    state["col"] = col - 1
                else:
                    state["col"] = len(row)
                state["t"] = attrs.get("t")
                state["s"] = attrs.get("s")
                buf.clear()
            elif local in ("v", "t"):
                if not state["rph"]:
                    state["in_v"] = True
                    state["t_from"], state["t_keep"] = len(buf), local == "v" or _preserves(attrs)
            elif local == "row":
                r = attrs.get("r")
                state["row"] = int(r) - 1 if r and r.isdigit() else state["row"] + 1
                row.clear()
            elif local == "rPh":
                state["rph"] += 1

        def end(name: str) -> None:
            local = name if ":" not in name else _local(name)
            if local == "c":
                value = _value(state["t"], state["s"], "".join(buf), strings, date_styles,
                               epoch)
                if value is not None:
                    col = state["col"]
                    if col >= max_columns:
                        raise XlsxError(f"第{state['row'] + 1}行第{col + 1}列有数据，"
                                        f"超过 {max_columns} 列上限")
                    if col >= len(row):
                        row.extend([None] * (col - len(row) + 1))
                    row[col] = value
            elif local in ("v", "t"):
                if state["in_v"] and not state["t_keep"]:
                    _drop_blank(buf, state["t_from"])
                state["in_v"] = False
            elif local == "row":
                ready.append((state["row"], list(row)))
            elif local == "rPh":
                state["rph"] -= 1

        def text(data: str) -> None:
            if state["in_v"]:
                buf.append(data)

        p = expat.ParserCreate()
        p.buffer_text = True
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
        expected = 0
        with self._zip.open(sheet.part) as fh:
            while True:
                block = fh.read(_BLOCK)
                try:
                    p.Parse(block, not block)
                except expat.ExpatError as exc:
                    raise XlsxError(f"工作表 {sheet.name} 的 XML 格式错误: {exc}") from exc
                while ready:
                    index, cells = ready.popleft()
                    while expected < index:  # rows the file leaves out are empty
                        yield []
                        expected += 1
                    if index >= expected:
                        yield cells
                        expected = index + 1
                if not block:
                    break


def _normal(part: str) -> str:
    """``xl/worksheets/../x.xml`` → ``xl/x.xml``."""
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def _feed(parser: Any, fh: IO[bytes]) -> None:
    try:
        while block := fh.read(_BLOCK):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise XlsxError(f"XML 格式错误: {exc}") from exc


def _value(kind: str | None, style: str | None, text: str, strings: list[str],
           date_styles: frozenset[int], epoch: datetime) -> Any:
    """A cell's value from its type (``t``), style (``s``) and text."""
    if kind is None or kind == "n":
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text
        if style is not None and date_styles and style.isdigit() and int(style) in date_styles:
            try:  # to the millisecond, as Excel keeps them (45415.885 is 21:14:24.000)
                return epoch + timedelta(milliseconds=round(number * 86_400_000))
            except (OverflowError, ValueError):
                return number  # a date beyond any calendar: left for the date check
        return number
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            return None
    if kind in ("inlineStr", "str"):
        return unescape(text) if text else None
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return text
    if kind == "e":
        return text or None
    return text or None
