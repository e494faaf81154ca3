"""Read agency export files (CSV in any Chinese encoding, xlsx) into raw tables.

The header row is found by content, below any title rows, on whichever sheet
holds it; the source is recognized by its headers. Nothing here interprets a
cell: the canonical mapping happens in ``triage.canonical``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from triage.sources import HeaderMatch, SourceSpec, identify

HEADER_SCAN_ROWS = 30
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 2 * 1024 * 1024 * 1024
MAX_XLSX_RATIO = 200  # uncompressed/compressed beyond this is a zip bomb, not a ledger


class UnreadableFile(Exception):
    """The file cannot be read as an agency export; the message says why, in Chinese."""

    def __init__(self, message: str, headers_found: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.headers_found = list(headers_found)


@dataclass
class RawTable:
    """The data rows of one export, below its recognized header row."""

    path: Path
    file_format: str
    encoding: str | None
    sheet: str | None
    header_row: int  # 1-based
    headers: list[str]
    match: HeaderMatch
    rows: list[list[object]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)  # 1-based, as a person sees them
    blank_rows: int = 0


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else GB18030 (a superset of GBK)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）: {exc}") from exc
        return "gb18030"
    return "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"


def _is_blank(row: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _find_header(
    grid: Sequence[Sequence[object]], specs: Iterable[SourceSpec], hint: str | None
) -> tuple[int, HeaderMatch] | None:
    best: tuple[int, HeaderMatch] | None = None
    specs = list(specs)
    for idx, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        m = identify(row, specs, hint)
        if m is not None and (best is None or m.score > best[1].score):
            best = (idx, m)
    return best


def _headers_seen(grid: Sequence[Sequence[object]]) -> list[str]:
    """The most header-like row near the top, for the quarantine report."""
    rows = [r for r in grid[:HEADER_SCAN_ROWS] if not _is_blank(r)]
    if not rows:
        return []
    widest = max(rows, key=lambda r: sum(1 for v in r if v not in (None, "")))
    return [str(v).strip() for v in widest if v not in (None, "")]


def _table_from_grid(
    path: Path, grid: list[list[object]], fmt: str, encoding: str | None, sheet: str | None,
    specs: Sequence[SourceSpec], hint: str | None,
) -> RawTable | None:
    found = _find_header(grid, specs, hint)
    if found is None:
        return None
    idx, match = found
    headers = ["" if v is None else str(v).strip() for v in grid[idx]]
    table = RawTable(path, fmt, encoding, sheet, idx + 1, headers, match)
    width = len(headers)
    for offset, row in enumerate(grid[idx + 1:], start=idx + 2):
        if _is_blank(row):
            table.blank_rows += 1
            continue
        cells = list(row[:width]) + [None] * (width - len(row))
        table.rows.append(cells)
        table.row_numbers.append(offset)
    return table


def read_csv_grid(path: Path) -> tuple[list[list[object]], str]:
    """All rows of a CSV file as strings, with the encoding used."""
    data = path.read_bytes()
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    grid: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return grid, encoding


def _check_xlsx(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("不是有效的 xlsx 文件（压缩包损坏）") from exc
    packed = sum(i.compress_size for i in infos) or 1
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_XLSX_UNCOMPRESSED or unpacked / packed > MAX_XLSX_RATIO:
        raise UnreadableFile(
            f"xlsx 解压后过大（{unpacked} 字节，压缩比 {unpacked / packed:.0f}），疑似压缩炸弹，已拒收"
        )


def read_table(path: Path, specs: Sequence[SourceSpec], hint: str | None = None) -> RawTable:
    """Read one export file; raise ``UnreadableFile`` saying why it cannot be used."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"文件过大（{size} 字节，上限 {MAX_FILE_BYTES} 字节）")
    if size == 0:
        raise UnreadableFile("文件为空")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        grid, encoding = read_csv_grid(path)
        table = _table_from_grid(path, grid, "csv", encoding, None, specs, hint)
        if table is None:
            raise UnreadableFile("未找到任何来源的表头", _headers_seen(grid))
        return table
    if suffix == ".xls":
        raise UnreadableFile("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 或 .csv 后重新放入")
    if suffix in (".xlsx", ".xlsm"):
        _check_xlsx(path)
        try:
            wb = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types
            raise UnreadableFile(f"无法打开 Excel 文件: {exc}") from exc
        seen: list[str] = []
        best: RawTable | None = None
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheet_grid: list[list[object]] = [list(r) for r in sheet]
            table = _table_from_grid(path, sheet_grid, "xlsx", None, name, specs, hint)
            if table is None:
                seen = seen or _headers_seen(sheet_grid)
                continue
            if best is None or table.match.score > best.match.score:
                best = table
        if best is None:
            raise UnreadableFile("所有工作表中都未找到任何来源的表头", seen)
        return best
    raise UnreadableFile(f"不支持的文件类型 {suffix or '（无扩展名）'}，请提供 .xlsx 或 .csv")
