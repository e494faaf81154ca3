"""Read agency export files (CSV in any Chinese encoding, xlsx) as a stream of raw rows.

The header row is found by content, below any title rows, on whichever sheet holds
it, as one row or as a parent row merged over child cells (报警人 over 姓名/电话);
the source is recognized by its headers. Rows then stream in chunks, so a file of a
million rows never sits in memory whole. Guards come first: size, row and column
limits, xlsx zip bombs, control characters. Nothing here interprets a cell: the
canonical mapping happens in ``triage.canonical``.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import csv
import itertools
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field

from connectors.sources.xlsx import SheetInfo, Workbook, XlsxError
from triage.normalize.cells import has_control, scrub_control
from triage.normalize.headers import HeaderMatch, SourceSpec, identify, known_header_keys, two_row_headers

HEADER_SCAN_ROWS = 30
MAX_MERGED_RANGES = 100_000
MB = 1024 * 1024
_BLOCK = 1 << 20


class ReadLimits(BaseModel):
    """Limits that keep a hostile or broken file from exhausting the machine
    (``[limits]`` of ``data/config/ingest.toml``)."""

    model_config = ConfigDict(extra="forbid")

    max_file_mb: float = Field(default=512, gt=0)
    max_rows: int = Field(default=2_000_000, gt=0)
    max_columns: int = Field(default=256, gt=0)
    max_xlsx_uncompressed_mb: float = Field(default=2048, gt=0)
    max_xlsx_ratio: float = Field(default=200, gt=1)
    max_xlsx_members: int = Field(default=2000, gt=0)


class UnreadableFile(Exception):
    """The file cannot be read as an agency export; the message says why, in Chinese."""

    def __init__(self, message: str, headers_found: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.headers_found = list(headers_found)


@dataclass
class TableHead:
    """What was recognized at the top of an export: where its header is and what it means."""

    path: Path
    file_format: str
    encoding: str | None
    sheet: str | None
    header_row: int  # 1-based, the last header row when the header spans two
    headers: list[str]
    match: HeaderMatch
    header_rows: int = 1
    hidden_columns: list[int] = field(default_factory=list)  # 0-based


@dataclass
class RowChunk:
    """Consecutive non-blank data rows, each with its 1-based row number in the file."""

    rows: list[list[object]]
    row_numbers: list[int]
    scrubbed: dict[int, list[int]] = field(default_factory=dict)  # row → columns cleaned


@dataclass
class RawTable:
    """A whole export read at once (small files, tests): its head and every data row."""

    head: TableHead
    rows: list[list[object]]
    row_numbers: list[int]
    blank_rows: int
    scrubbed: dict[int, list[int]] = field(default_factory=dict)

    @property
    def match(self) -> HeaderMatch:
        return self.head.match

    @property
    def headers(self) -> list[str]:
        return self.head.headers

    @property
    def header_row(self) -> int:
        return self.head.header_row

    @property
    def sheet(self) -> str | None:
        return self.head.sheet

    @property
    def encoding(self) -> str | None:
        return self.head.encoding


def scrub_row(row: list[object]) -> list[int]:
    """Remove control characters from a row's text cells in place; the columns changed."""
    try:  # all text (CSV): one search for the whole row
        if not has_control("\t".join(row)):  # type: ignore[arg-type]
            return []
    except TypeError:
        pass
    dirty = [i for i, v in enumerate(row) if isinstance(v, str) and has_control(v)]
    for i in dirty:
        row[i] = scrub_control(str(row[i]))
    return dirty


def _is_blank(row: Sequence[object]) -> bool:
    try:  # all text (CSV): one join instead of a loop
        return not "".join(row).strip()  # type: ignore[arg-type]
    except TypeError:
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


def _headers_seen(grid: Sequence[Sequence[object]]) -> list[str]:
    """The most header-like row near the top, for the quarantine report."""
    rows = [r for r in grid[:HEADER_SCAN_ROWS] if not _is_blank(r)]
    if not rows:
        return []
    widest = max(rows, key=lambda r: sum(1 for v in r if _text(v)))
    return [_text(v) for v in widest if _text(v)]


@dataclass
class _Found:
    index: int  # 0-based index of the last header row in the grid
    rows: int  # 1 or 2
    headers: list[str]
    match: HeaderMatch


def _find_header(
    grid: Sequence[Sequence[object]], specs: Sequence[SourceSpec], hint: str | None,
    hidden: Sequence[int] = (), merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> _Found | None:
    """The best header within the first rows: a single row, or a parent row over a child row.

    Readings compare by fields recognized, then columns recognized; a two-row reading
    wins only when it recognizes more than the single rows (a title above a header is
    not a parent row).
    """
    known = known_header_keys(specs)
    best: _Found | None = None
    top = grid[:HEADER_SCAN_ROWS]
    for idx, row in enumerate(top):
        if _is_blank(row):
            continue
        readings = [(1, [_text(v) for v in row])]
        if idx + 1 < len(top) and not _is_blank(top[idx + 1]):
            spans = None
            if merged:
                spans = [(c0, c1) for (r0, c0), (r1, c1) in merged if r0 == idx and c1 > c0]
            readings.append((2, two_row_headers(row, top[idx + 1], known, spans)))
        for rows, headers in readings:
            match = identify(headers, specs, hint, hidden)
            if match is not None and (best is None or (match.score, match.recognized, -rows)
                                      > (best.match.score, best.match.recognized, -best.rows)):
                best = _Found(idx + rows - 1, rows, headers, match)
    return best


def _head_from(found: _Found, path: Path, fmt: str, encoding: str | None, sheet: str | None,
               hidden: Sequence[int]) -> TableHead:
    return TableHead(path, fmt, encoding, sheet, found.index + 1, found.headers, found.match,
                     found.rows, sorted(hidden))


class ExportReader:
    """An open export: its recognized head, then its data rows in chunks (read once)."""

    head: TableHead
    blank_rows: int = 0
    rows_read: int = 0

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits

    def _rows(self) -> Iterator[tuple[int, list[object]]]:
        """(1-based row number, cells) of every row below the header, blank ones included."""
        raise NotImplementedError

    def chunks(self, size: int) -> Iterator[RowChunk]:
        """Non-blank data rows in chunks of ``size``; control characters removed and noted."""
        chunk = RowChunk([], [])
        max_rows, max_cols = self.limits.max_rows, self.limits.max_columns
        for number, row in self._rows():
            if _is_blank(row):
                self.blank_rows += 1
                continue
            self.rows_read += 1
            if self.rows_read > max_rows:
                raise UnreadableFile(f"数据行数超过上限 {max_rows} 行，请拆分文件后重新放入")
            if len(row) > max_cols:
                if not _is_blank(row[max_cols:]):
                    raise UnreadableFile(f"第{number}行有 {len(row)} 列，超过上限 {max_cols} 列")
                row = row[:max_cols]
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()  # trailing empty cells carry nothing
            dirty = scrub_row(row)
            if dirty:
                chunk.scrubbed[len(chunk.rows)] = dirty
            chunk.rows.append(row)
            chunk.row_numbers.append(number)
            if len(chunk.rows) >= size:
                yield chunk
                chunk = RowChunk([], [])
        if chunk.rows:
            yield chunk

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> ExportReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ----------------------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> tuple[str, bool]:
    """UTF-8 (with or without BOM) if the whole file decodes, else GB18030 (a superset of
    GBK); and whether the file holds NUL bytes.

    Decodes block by block, so a large file is checked without being held in memory.
    """
    with path.open("rb") as fh:
        bom = fh.read(3) == codecs.BOM_UTF8
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        nul = False
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(_BLOCK), b""):
                    decoder.decode(block)
                    nul = nul or b"\x00" in block
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return ("utf-8-sig" if encoding == "utf-8" and bom else encoding), nul
    raise UnreadableFile("无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030），可能不是文本文件")


def _delimiter(sample: str) -> str:
    """Comma, tab or semicolon, whichever splits the first lines most consistently.

    Only the delimiter is guessed: quoting is always Excel's (``"`` doubled inside
    quotes), which is what every export writes.
    """
    with contextlib.suppress(csv.Error):
        return csv.Sniffer().sniff(sample[:8192], delimiters=",\t;").delimiter
    return ","


def _without_nul(lines: Iterable[str]) -> Iterator[str]:
    """Lines with NUL turned into DEL: the csv module refuses NUL, and DEL is then removed
    (and noted) like any other control character."""
    for line in lines:
        yield line.replace("\x00", "\x7f") if "\x00" in line else line


class CsvReader(ExportReader):
    """A CSV export, streamed with the csv module in its detected encoding and dialect."""

    def __init__(self, path: Path, specs: Sequence[SourceSpec], hint: str | None,
                 limits: ReadLimits) -> None:
        super().__init__(limits)
        encoding, nul = detect_encoding(path)
        self._fh: IO[str] = path.open(encoding=encoding, newline="")
        try:
            sample = self._fh.read(64 * 1024)
            self._fh.seek(0)
            lines = _without_nul(self._fh) if nul else self._fh
            self._reader = csv.reader(lines, delimiter=_delimiter(sample))
            self._top: list[list[object]] = []
            for line in self._reader:
                self._top.append(list(line))
                if len(self._top) >= HEADER_SCAN_ROWS:
                    break
            found = _find_header(self._top, specs, hint)
            if found is None:
                raise UnreadableFile("未找到任何来源的表头", _headers_seen(self._top))
        except csv.Error as exc:
            self.close()
            raise UnreadableFile(f"CSV 格式错误: {exc}") from exc
        except BaseException:
            self.close()
            raise
        self.head = _head_from(found, path, "csv", encoding, None, ())

    def _rows(self) -> Iterator[tuple[int, list[object]]]:
        start = self.head.header_row  # 0-based index of the first data row
        number = start
        for row in self._top[start:]:
            number += 1
            yield number, row
        try:
            for line in self._reader:
                number += 1
                yield number, list(line)
        except csv.Error as exc:
            raise UnreadableFile(f"CSV 格式错误（第{number + 1}行附近）: {exc}") from exc

    def chunks(self, size: int) -> Iterator[RowChunk]:
        """``ExportReader.chunks`` for text rows, in one tight loop (it runs for every
        row of every CSV in the writing process)."""
        start = self.head.header_row
        max_rows, max_cols = self.limits.max_rows, self.limits.max_columns
        rows: list[list[object]] = []
        numbers: list[int] = []
        scrubbed: dict[int, list[int]] = {}
        number = start
        lines: Iterator[list[Any]] = itertools.chain(self._top[start:], self._reader)
        try:
            for line in lines:
                number += 1
                joined = "".join(line)
                if not joined.strip():
                    self.blank_rows += 1
                    continue
                self.rows_read += 1
                if self.rows_read > max_rows:
                    raise UnreadableFile(f"数据行数超过上限 {max_rows} 行，请拆分文件后重新放入")
                if len(line) > max_cols:
                    if "".join(line[max_cols:]).strip():
                        raise UnreadableFile(
                            f"第{number}行有 {len(line)} 列，超过上限 {max_cols} 列")
                    del line[max_cols:]
                while line and not line[-1]:
                    line.pop()  # trailing empty cells carry nothing
                if has_control(joined):
                    scrubbed[len(rows)] = scrub_row(line)
                rows.append(line)
                numbers.append(number)
                if len(rows) >= size:
                    yield RowChunk(rows, numbers, scrubbed)
                    rows, numbers, scrubbed = [], [], {}
        except csv.Error as exc:
            raise UnreadableFile(f"CSV 格式错误（第{number + 1}行附近）: {exc}") from exc
        if rows:
            yield RowChunk(rows, numbers, scrubbed)

    def close(self) -> None:
        self._fh.close()


# ----------------------------------------------------------------------------- xlsx



def check_xlsx(path: Path, limits: ReadLimits) -> None:
    """Refuse zip bombs: too many members, or more uncompressed bytes than the limits allow.

    The declared sizes are checked first, then every member is actually inflated with
    a running count, because a crafted archive can lie about its sizes.
    """
    cap = int(limits.max_xlsx_uncompressed_mb * MB)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_xlsx_members:
                raise UnreadableFile(f"xlsx 内含 {len(infos)} 个部件，超过上限，疑似压缩炸弹，已拒收")
            packed = max(1, path.stat().st_size)
            declared = sum(i.file_size for i in infos)
            ratio_cap = min(cap, int(packed * limits.max_xlsx_ratio))
            if declared > ratio_cap:
                raise UnreadableFile(
                    f"xlsx 解压后过大（{declared} 字节，压缩比 {declared / packed:.0f}），"
                    "疑似压缩炸弹，已拒收")
            total = 0
            for info in infos:
                # Let the part inflate past its declared size, so a header that lies
                # about it is measured by what really comes out.
                actual = copy.copy(info)
                actual.file_size = 1 << 62
                with zf.open(actual) as member:
                    while block := member.read(_BLOCK):
                        total += len(block)
                        if total > ratio_cap:
                            raise UnreadableFile(
                                f"xlsx 实际解压后超过 {total} 字节（声明 {declared} 字节），"
                                "疑似压缩炸弹，已拒收")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise UnreadableFile(f"不是有效的 xlsx 文件（压缩包损坏）: {exc}") from exc
    except (ValueError, OSError) as exc:  # zlib errors, bad CRC
        raise UnreadableFile(f"不是有效的 xlsx 文件（压缩包损坏）: {exc}") from exc


class XlsxReader(ExportReader):
    """An xlsx export, streamed from its compressed sheet (``connectors.xlsx``): formula
    cells give the value Excel last computed, never evaluated.

    Merged cells below the header hold their value in every cell they cover, as a
    person reading the sheet sees it.
    """

    def __init__(self, path: Path, specs: Sequence[SourceSpec], hint: str | None,
                 limits: ReadLimits) -> None:
        super().__init__(limits)
        check_xlsx(path, limits)
        try:
            self._wb = Workbook(str(path), limits.max_columns)
        except XlsxError as exc:
            raise UnreadableFile(f"无法打开 Excel 文件: {exc}") from exc
        try:
            self._open(path, specs, hint)
        except XlsxError as exc:
            self.close()
            raise UnreadableFile(f"无法读取 Excel 文件: {exc}") from exc
        except BaseException:
            self.close()
            raise

    def _open(self, path: Path, specs: Sequence[SourceSpec], hint: str | None) -> None:
        seen: list[str] = []
        best: tuple[tuple[int, int, bool], SheetInfo, _Found] | None = None
        started: dict[str, tuple[list[list[Any]], Iterator[list[Any]]]] = {}
        for sheet in self._wb.sheets:
            self._wb.scan_sheet(sheet)
            rest = self._wb.rows(sheet)
            top = list(itertools.islice(rest, HEADER_SCAN_ROWS))
            started[sheet.part] = (top, rest)  # the chosen sheet's rows go on from here
            found = _find_header(top, specs, hint, sheet.hidden_columns, sheet.merged)
            if found is None:
                seen = seen or _headers_seen(top)
                continue
            key = (found.match.score, found.match.recognized, sheet.visible)
            if best is None or key > best[0]:
                best = (key, sheet, found)
        if best is None:
            raise UnreadableFile("所有工作表中都未找到任何来源的表头", seen)
        _, self._sheet, found = best
        top, rest = started[self._sheet.part]
        self._started = itertools.chain(top, rest)
        self.head = _head_from(found, path, "xlsx", None, self._sheet.name,
                               self._sheet.hidden_columns)
        width = max(len(found.headers), 1)
        first_data = found.index + 1  # 0-based sheet row
        spans = [((r0, c0), (r1, min(c1, width - 1))) for (r0, c0), (r1, c1) in self._sheet.merged
                 if r1 >= first_data and c0 < width and (r0, c0) != (r1, c1)]
        if len(spans) > MAX_MERGED_RANGES:
            raise UnreadableFile(f"合并单元格过多（{len(spans)} 处），无法可靠读取，请取消合并后重新导出")
        self._merged = sorted(spans)

    def _rows(self) -> Iterator[tuple[int, list[object]]]:
        start = self.head.header_row  # 0-based index of the first data row
        pending = list(reversed(self._merged))  # by first row, next one last
        active: list[tuple[int, int, int, object]] = []  # last row, first col, last col, value
        try:
            for index, row in enumerate(self._started):
                if index < start and not (pending and pending[-1][0][0] <= index):
                    continue
                while pending and pending[-1][0][0] <= index:
                    (_, c0), (r1, c1) = pending.pop()
                    active.append((r1, c0, c1, row[c0] if c0 < len(row) else None))
                if active:
                    active = [a for a in active if a[0] >= index]
                    for _, c0, c1, value in active:
                        if len(row) <= c1:
                            row.extend([None] * (c1 + 1 - len(row)))
                        for c in range(c0, c1 + 1):
                            if row[c] is None:
                                row[c] = value
                if index >= start:
                    yield index + 1, row
        except XlsxError as exc:
            raise UnreadableFile(f"读取 Excel 数据出错: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._wb.close()


# ----------------------------------------------------------------------------- entry points


def open_table(path: Path, specs: Sequence[SourceSpec], hint: str | None = None,
               limits: ReadLimits | None = None) -> ExportReader:
    """Open one export file for streaming; raise ``UnreadableFile`` saying why it cannot be used."""
    limits = limits or ReadLimits()
    size = path.stat().st_size
    if size > limits.max_file_mb * MB:
        raise UnreadableFile(f"文件过大（{size} 字节，上限 {limits.max_file_mb:g} MB）")
    if size == 0:
        raise UnreadableFile("文件为空")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return CsvReader(path, specs, hint, limits)
    if suffix == ".xls":
        raise UnreadableFile("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 或 .csv 后重新放入")
    if suffix in (".xlsx", ".xlsm"):
        return XlsxReader(path, specs, hint, limits)
    raise UnreadableFile(f"不支持的文件类型 {suffix or '（无扩展名）'}，请提供 .xlsx 或 .csv")


def read_table(path: Path, specs: Sequence[SourceSpec], hint: str | None = None,
               limits: ReadLimits | None = None) -> RawTable:
    """Read a whole export at once (for small files and tests)."""
    with open_table(path, specs, hint, limits) as reader:
        rows: list[list[object]] = []
        numbers: list[int] = []
        scrubbed: dict[int, list[int]] = {}
        for chunk in reader.chunks(10_000):
            scrubbed.update({len(rows) + i: cols for i, cols in chunk.scrubbed.items()})
            rows.extend(chunk.rows)
            numbers.extend(chunk.row_numbers)
        return RawTable(reader.head, rows, numbers, reader.blank_rows, scrubbed)
