"""Write synthetic agency exports, as messy as the real ones, plus their truth.

``samples.synthetic`` generates clean leads with ground truth; this module turns them
into the files the four agencies actually drop (``agency-exports.md``): CSV in UTF-8,
UTF-8 with BOM and GBK/GB18030, xlsx with title rows, merged cells, blank rows, a
``合计`` row, a notes sheet and hidden columns, header synonyms that change from file
to file, dates, phones, ID numbers, names and addresses in every form listed there.
Each source is split into 1-3 period files that overlap by a few re-exported rows,
and a few rows that must be rejected are injected and counted, so the demo exercises
ingestion, idempotence and rejection end to end. ``truth.csv`` lists every lead once.

``formats="csv"`` / ``"xlsx"`` write one clean-structured format for benchmarks
(value forms stay varied, no bad rows, no overlap), streaming large volumes in chunks.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from samples.synthetic import SOURCES, SyntheticData, generate

__all__ = ["BadRow", "DemoManifest", "ExportFile", "load_units", "write_demo_exports"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
XLSX_MAX_ROWS = 1_000_000  # below Excel's 1,048,576-row sheet limit, with room for titles
CSV_CHUNK = 100_000

_STEM = {"police": "派出所警情", "hotline_12345": "12345工单", "petition": "信访登记",
         "womens_federation": "妇联求助登记"}
_SHEET = {"police": "警情数据", "hotline_12345": "工单明细", "petition": "信访登记",
          "womens_federation": "求助登记"}
_TITLE = {"police": "{unit}警情导出（{period}）",
          "hotline_12345": "12345接诉即办工单明细（{period}）",
          "petition": "信访事项登记台账（{period}）",
          "womens_federation": "妇联求助登记表（含12338热线）（{period}）"}
_PRECISION = {"police": "s", "hotline_12345": "m", "womens_federation": "m", "petition": "d"}

# Mixed mode: per source, the files in period order: (format, encoding, xlsx date style).
_MIXED_PLAN: dict[str, list[tuple[str, str | None, str]]] = {
    "police": [("xlsx", None, "cells"), ("csv", "gbk", ""), ("xlsx", None, "serial")],
    "hotline_12345": [("csv", "utf-8", ""), ("csv", "utf-8-sig", ""), ("xlsx", None, "cells")],
    "petition": [("xlsx", None, "cells"), ("csv", "gb18030", "")],
    "womens_federation": [("csv", "utf-8-sig", ""), ("xlsx", None, "serial")],
}
_BAD_DATES = ("不详", "2024-02-30 10:00", "2024年13月5日", "待补录", "0000-00-00")
_NOTES = ("说明", "1. 本表由业务系统导出，仅供矛盾纠纷排查化解工作使用。",
          "2. 表中个人信息请妥善保管，不得外传。", "3. 数据口径：登记日期在统计期内的全部记录。",
          "4. 如有疑问请联系本单位信息员。")
_FULLWIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")

# date forms
_ISO_S, _SLASH_S, _CN_S, _ISO_M, _SLASH_M, _CN_M, _CN_D, _COMPACT, _ISO_D, _SLASH_D = range(10)
_DATE_FORMS = {  # precision -> (forms, weights); every form keeps the precision
    "s": ((_ISO_S, _SLASH_S, _CN_S), (0.6, 0.25, 0.15)),
    "m": ((_ISO_M, _SLASH_M, _CN_M, _ISO_S), (0.2, 0.4, 0.25, 0.15)),
    "d": ((_CN_D, _COMPACT, _ISO_D, _SLASH_D), (0.35, 0.25, 0.25, 0.15)),
}
_XL_DATE_FMT = {"s": "yyyy-mm-dd hh:mm:ss", "m": "yyyy/m/d hh:mm", "d": "yyyy-mm-dd"}
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")
_EXPORTED_AT = datetime(2025, 1, 6, 9, 30)


@dataclass
class ExportFile:
    """One written export file and what it holds."""

    path: Path
    source: str
    format: str  # csv | xlsx
    encoding: str | None  # csv only: utf-8 | utf-8-sig | gbk | gb18030
    sheet: str | None  # xlsx: the data sheet
    header_row: int  # 1-based row of the header line in the file/sheet
    rows: int  # non-blank rows below the header: leads, re-exports, bad rows, the 合计 row
    leads: int  # rows that are leads of the truth (re-exported ones included)
    duplicates: int  # rows already exported in an earlier file of the source
    bad_rows: int  # injected rows that must be rejected
    totals_rows: int = 0  # the 合计 row at the bottom of a sheet (not a lead either)
    headers: dict[str, str] = field(default_factory=dict)  # canonical field -> header


@dataclass
class BadRow:
    """An injected row that ingestion must reject, and why."""

    path: Path
    row_number: int  # 1-based, header included, as a person sees it in the file
    reason: str  # missing_source_ref | bad_date


@dataclass
class DemoManifest:
    """What ``write_demo_exports`` wrote."""

    outdir: Path
    cases: int
    seed: int
    formats: str
    total_leads: int  # distinct leads, one per truth row
    files: list[ExportFile] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def truth_path(self) -> Path:
        """``truth.csv``: source, source_ref, case_id, person_id, risk_level per lead."""
        return self.outdir / "truth.csv"

    @property
    def cases_path(self) -> Path:
        """``cases.csv``: the true cases (type, village, risk, parties ...)."""
        return self.outdir / "cases.csv"

    @property
    def total_rows(self) -> int:
        """Non-blank rows below the headers over all files (what ingestion reads in)."""
        return sum(f.rows for f in self.files)

    @property
    def totals_rows(self) -> int:
        return sum(f.totals_rows for f in self.files)

    @property
    def expected_rejected(self) -> int:
        """Rows ingestion must reject: the injected bad rows and the 合计 rows."""
        return self.injected_bad_rows + self.totals_rows

    @property
    def duplicate_rows(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def injected_bad_rows(self) -> int:
        return len(self.bad_rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (paths as strings)."""
        d = asdict(self)
        d.update(total_rows=self.total_rows, duplicate_rows=self.duplicate_rows,
                 injected_bad_rows=self.injected_bad_rows, totals_rows=self.totals_rows,
                 expected_rejected=self.expected_rejected, truth_path=self.truth_path,
                 cases_path=self.cases_path)
        return json.loads(json.dumps(d, default=str, ensure_ascii=False))

    def summary(self) -> str:
        """A short human-readable table of the files written."""
        lines = [f"{self.cases} cases, {self.total_leads} leads, {self.total_rows} rows in "
                 f"{len(self.files)} files ({self.duplicate_rows} re-exported, "
                 f"{self.injected_bad_rows} bad, {self.totals_rows} 合计) -> {self.outdir}"]
        for f in self.files:
            enc = f.encoding or "-"
            lines.append(f"  {f.source:<18} {f.format:<4} {enc:<9} rows={f.rows:<7} "
                         f"leads={f.leads:<7} dup={f.duplicates:<3} bad={f.bad_rows} "
                         f"合计={f.totals_rows} {f.path.name}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- inputs


def load_units(path: Path | None = None) -> list[dict[str, str]]:
    """Gazetteer rows of ``units.csv`` as dicts."""
    path = path or DATA_DIR / "gazetteer" / "units.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _load_fields(sources_dir: Path) -> dict[str, dict[str, list[str]]]:
    """Per source, canonical field -> header synonyms, from ``data/sources/*.toml``."""
    out: dict[str, dict[str, list[str]]] = {}
    for source in SOURCES:
        with (sources_dir / f"{source}.toml").open("rb") as fh:
            spec = tomllib.load(fh)
        out[source] = {k: list(v) for k, v in spec.get("fields", {}).items()}
    return out


# ----------------------------------------------------------------------------- rendering


def _date_strings(ts: np.ndarray, forms: np.ndarray) -> list[str | None]:
    """Timestamps as text, each row in its own form."""
    idx = pd.DatetimeIndex(ts)
    parts = zip(idx.year.tolist(), idx.month.tolist(), idx.day.tolist(), idx.hour.tolist(),
                idx.minute.tolist(), idx.second.tolist(), forms.tolist(), strict=True)
    out: list[str | None] = []
    for y, mo, d, h, mi, s, f in parts:
        if y < 0:  # NaT
            out.append(None)
        elif f == _ISO_S:
            out.append(f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}")
        elif f == _SLASH_S:
            out.append(f"{y}/{mo}/{d} {h}:{mi:02d}:{s:02d}")
        elif f == _CN_S:
            out.append(f"{y}年{mo}月{d}日 {h}时{mi}分{s}秒")
        elif f == _ISO_M:
            out.append(f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}")
        elif f == _SLASH_M:
            out.append(f"{y}/{mo}/{d} {h}:{mi:02d}")
        elif f == _CN_M:
            out.append(f"{y}年{mo}月{d}日 {h}时{mi}分")
        elif f == _CN_D:
            out.append(f"{y}年{mo}月{d}日")
        elif f == _COMPACT:
            out.append(f"{y}{mo:02d}{d:02d}")
        elif f == _ISO_D:
            out.append(f"{y}-{mo:02d}-{d:02d}")
        else:
            out.append(f"{y}/{mo}/{d}")
    return out


def _mobile(m: str, r: float) -> str:
    if r < 0.55:
        return m
    if r < 0.67:
        return f"{m[:3]}-{m[3:7]}-{m[7:]}"
    if r < 0.77:
        return f"{m[:3]} {m[3:7]} {m[7:]}"
    if r < 0.85:
        return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
    if r < 0.90:
        return f"86-{m}"
    if r < 0.95:
        return m.translate(_FULLWIDTH)
    return f" {m} "


def _landline(p: str, r: float) -> str:
    area, local = p.split("-", 1)
    if r < 0.45:
        return p
    if r < 0.65:
        return f"({area}){local}"
    if r < 0.75:
        return f"（{area}）{local}"
    if r < 0.92:
        return local
    return area + local


def _phone(v: str | None, r: float, r2: float) -> str | None:
    if v is None:
        return None
    if "/" in v:
        first, second = v.split("/", 1)
        sep = "/" if r2 < 0.7 else ("，" if r2 < 0.85 else " ")
        return _mobile(first, r) + sep + _landline(second, r2)
    if "*" in v:
        return v
    if v.startswith("0"):
        return _landline(v, r)
    return _mobile(v, r)


def _spaces(values: Sequence[str | None], rs: np.ndarray, p: float) -> list[str | None]:
    """Leading/trailing spaces on a share ``p`` of the cells."""
    out = list(values)
    for i in np.flatnonzero(rs < p).tolist():
        v = out[i]
        if v:
            out[i] = (" " + v) if rs[i] < p / 3 else (v + " " if rs[i] < 2 * p / 3 else f" {v}  ")
    return out


class _Rendered:
    """The cells of one source's rows, rendered once so re-exported rows stay identical."""

    def __init__(self, leads: pd.DataFrame, source: str, fields: Sequence[str],
                 urgency_yesno: bool, rng: np.random.Generator) -> None:
        n = len(leads)
        self.n = n
        self.source = source
        self.precision = _PRECISION[source]
        self.refs: list[str] = leads["source_ref"].tolist()
        self.reported = leads["reported_at"].to_numpy(dtype="datetime64[s]")
        self.deadline = leads["deadline"].to_numpy(dtype="datetime64[s]")
        forms, weights = _DATE_FORMS[self.precision]
        self.date_forms = rng.choice(np.asarray(forms), n, p=np.asarray(weights))
        self.xl_pick = rng.random(n)  # which rows an xlsx writes as a typed date
        cols: dict[str, list[Any]] = {}
        for f in fields:
            cols[f] = self._render(f, leads, rng) if f in leads.columns else [None] * n
        if urgency_yesno and "urgency" in cols:
            cols["urgency"] = [None if u is None else ("是" if u in ("紧急", "特急") else "否")
                               for u in self._strs(leads["urgency"])]
        self.cols = cols

    @staticmethod
    def _strs(s: pd.Series) -> list[str | None]:
        return [None if v is None or v != v else str(v) for v in s.astype(object).tolist()]

    def _render(self, f: str, leads: pd.DataFrame, rng: np.random.Generator) -> list[Any]:
        n = self.n
        rs = rng.random(n)
        if f == "source_ref":
            return _spaces(self.refs, rs, 0.02)
        if f == "reported_at":
            return _date_strings(self.reported, self.date_forms)
        if f == "deadline":
            forms = rng.choice(np.asarray([_ISO_D, _CN_D, _SLASH_D]), n)
            return _date_strings(self.deadline, forms)
        if f in ("reporter_age", "headcount"):
            return [None if v is pd.NA or v is None else int(v) for v in leads[f].tolist()]
        vals = self._strs(leads[f])
        if f == "reporter_phone":
            r2 = rng.random(n)
            return [_phone(v, a, b) for v, a, b in zip(vals, rs.tolist(), r2.tolist(),
                                                       strict=True)]
        if f == "reporter_id":
            out = [v.lower() if v and v.endswith("X") and r < 0.5 else v
                   for v, r in zip(vals, rs.tolist(), strict=True)]
            return _spaces(out, rng.random(n), 0.03)
        if f == "reporter_name":
            out = [v[0] + " " + v[1:] if v and r < 0.05 and len(v) == 3 and "*" not in v
                   and "某" not in v and not v.endswith(("先生", "女士", "老师")) else v
                   for v, r in zip(vals, rs.tolist(), strict=True)]
            return _spaces(out, rng.random(n), 0.04)
        if f in ("address", "description"):
            out = [v.translate(_FULLWIDTH) if v and r < 0.05 else v
                   for v, r in zip(vals, rs.tolist(), strict=True)]
            return _spaces(out, rng.random(n), 0.03)
        if f == "category" and self.source == "hotline_12345":
            return [v.replace(">", "-") if v and r < 0.3 else v
                    for v, r in zip(vals, rs.tolist(), strict=True)]
        return _spaces(vals, rs, 0.01)

    def csv_value(self, f: str, i: int) -> Any:
        return self.cols[f][i]

    def xlsx_value(self, f: str, i: int, style: str) -> Any:
        """The typed value of a cell: dates become date cells or Excel serials."""
        if f == "reported_at" and style and self.xl_pick[i] < 0.7:
            ts = self.reported[i]
            if style == "serial":
                return float((ts - _EXCEL_EPOCH) / np.timedelta64(1, "D"))
            return ts.astype(datetime)
        if f == "deadline" and style and not np.isnat(self.deadline[i]) and self.xl_pick[i] < 0.5:
            return self.deadline[i].astype(datetime)
        return self.cols[f][i]


# ----------------------------------------------------------------------------- writers


@dataclass
class _Plan:
    """One file to write: its rows (indices into the rendered source) and its shape."""

    source: str
    fmt: str
    encoding: str | None
    style: str  # xlsx date style: cells | serial | "" (text only)
    rows: list[int]  # lead indices in file order; a bad row repeats its neighbour's index
    duplicates: int
    headers: dict[str, str]
    numbered: bool = False  # a leading 序号 column
    tail: list[str] = field(default_factory=list)  # extra trailing columns (备注, 录入人 ...)
    bad: dict[int, str] = field(default_factory=dict)  # position in rows -> reason
    title: bool = True
    notes_first: bool = False
    hidden: str | None = None
    blank_after: tuple[int, ...] = ()

    def header_line(self) -> list[str]:
        return (["序号"] if self.numbered else []) + list(self.headers.values()) + self.tail


_CLERKS = ("张丽", "王磊", "李娜", "刘洋", "陈静")


def _period(ts: np.ndarray) -> str:
    if not len(ts):
        return "无数据"
    a, b = pd.Timestamp(ts.min()), pd.Timestamp(ts.max())
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.year}年{a.month}月"
    return f"{a.year}年{a.month}月—{b.year}年{b.month}月"


def _file_name(plan: _Plan, k: int, ts: np.ndarray) -> str:
    if len(ts):
        a, b = pd.Timestamp(ts.min()), pd.Timestamp(ts.max())
        span = f"{a.year}{a.month:02d}-{b.year}{b.month:02d}"
    else:
        span = "empty"
    return f"{_STEM[plan.source]}_{k + 1}_{span}.{plan.fmt}"


def _rows(plan: _Plan, rend: _Rendered, start: int, stop: int, typed: bool,
          shared: set[int]) -> list[list[Any]]:
    """Data rows ``start:stop`` of a file, bad rows included, in file order.

    Rows that also appear in another file (re-exports) are written as text everywhere,
    so both copies read back as the same cells.
    """
    fields = list(plan.headers)
    ref_col = fields.index("source_ref")
    date_col = fields.index("reported_at")
    out: list[list[Any]] = []
    for pos in range(start, stop):
        i = plan.rows[pos]
        if typed and i not in shared:
            cells = [rend.xlsx_value(f, i, plan.style) for f in fields]
        else:  # text cells only, as a CSV reads back
            cells = [v if v is None or isinstance(v, str) else str(v)
                     for v in (rend.csv_value(f, i) for f in fields)]
        reason = plan.bad.get(pos)
        if reason == "missing_source_ref":
            cells[ref_col] = None
        elif reason == "bad_date":
            cells[ref_col] = rend.refs[i] + "B"
            cells[date_col] = _BAD_DATES[pos % len(_BAD_DATES)]
        row: list[Any] = [pos + 1] if plan.numbered else []
        row.extend(cells)
        for name in plan.tail:
            if name == "录入人":
                row.append(_CLERKS[sum(map(ord, rend.refs[i])) % len(_CLERKS)])
            elif name == "内部编号":
                row.append("N" + rend.refs[i][-7:])
            else:
                row.append(None)
        out.append(row)
    return out


def _write_csv(path: Path, plan: _Plan, rend: _Rendered, title: str | None,
               shared: set[int]) -> int:
    """Write a CSV in chunks; return the 1-based header row."""
    with path.open("w", encoding=plan.encoding or "utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        if title:
            w.writerow([title])
        w.writerow(plan.header_line())
        for start in range(0, len(plan.rows), CSV_CHUNK):
            stop = min(len(plan.rows), start + CSV_CHUNK)
            w.writerows(["" if v is None else v for v in row]
                        for row in _rows(plan, rend, start, stop, False, shared))
    return 2 if title else 1


def _write_xlsx(path: Path, plan: _Plan, rend: _Rendered, title: str | None, sheet: str,
                shared: set[int]) -> tuple[int, dict[int, int]]:
    """Write an xlsx in constant-memory mode; return the header row and data-row numbers."""
    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False,
    })
    wb.set_properties({"created": _EXPORTED_AT, "author": _STEM[plan.source]})  # same bytes per seed
    title_fmt = wb.add_format({"bold": True, "align": "center", "font_size": 14})
    head_fmt = wb.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"})
    date_fmt = wb.add_format({"num_format": _XL_DATE_FMT[rend.precision]})
    day_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})

    def notes() -> None:
        ns = wb.add_worksheet("说明")
        for r, text in enumerate(_NOTES):
            ns.write_string(r, 0, text)

    if plan.notes_first:
        notes()
    ws = wb.add_worksheet(sheet)
    header = plan.header_line()
    ncols = len(header)
    ws.set_column(0, ncols - 1, 16)
    if plan.hidden in header:
        c = header.index(plan.hidden)
        ws.set_column(c, c, 12, None, {"hidden": True})
    r = 0
    if title:
        ws.merge_range(0, 0, 0, max(1, ncols - 1), title, title_fmt)
        ws.write_string(1, 0, f"导出时间：{_EXPORTED_AT:%Y-%m-%d %H:%M}")
        r = 3 if plan.notes_first else 2  # sometimes a blank row above the header
    header_row = r + 1
    for c, h in enumerate(header):
        ws.write_string(r, c, h, head_fmt)
    r += 1
    reported_col = header.index(plan.headers["reported_at"])
    row_numbers: dict[int, int] = {}
    blank_after = set(plan.blank_after)
    for start in range(0, len(plan.rows), CSV_CHUNK):
        stop = min(len(plan.rows), start + CSV_CHUNK)
        for pos, row in enumerate(_rows(plan, rend, start, stop, True, shared), start=start):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                elif isinstance(v, datetime):
                    ws.write_datetime(r, c, v, date_fmt if c == reported_col else day_fmt)
                else:  # counts, ages and Excel serials (a bare number, as exported)
                    ws.write_number(r, c, v)
            row_numbers[pos] = r + 1
            r += 1
            if pos in blank_after:
                r += 1  # an empty row inside the data
    ws.write_string(r, 0, "合计")
    if "headcount" in plan.headers:  # the total of the 人数 column, as such sheets have
        c = header.index(plan.headers["headcount"])
        ws.write_number(r, c, sum(v for v in (rend.cols["headcount"][i] for i in plan.rows)
                                  if isinstance(v, int)))
    if not plan.notes_first:
        notes()
    wb.close()
    return header_row, row_numbers


def _choose_headers(fields: dict[str, list[str]], rng: np.random.Generator,
                    previous: dict[str, str] | None, fixed: dict[str, str]) -> dict[str, str]:
    """A header per canonical field, from its synonyms; differs from the previous file."""
    out = {f: fixed.get(f) or syn[int(rng.integers(len(syn)))] for f, syn in fields.items()}
    if previous is not None and out == previous:
        options = [f for f, syn in fields.items() if len(syn) > 1 and f not in fixed]
        if options:
            f = options[int(rng.integers(len(options)))]
            out[f] = next(h for h in fields[f] if h != previous[f])
    return out


def _split(n: int, parts: int) -> list[tuple[int, int]]:
    bounds = [round(n * k / parts) for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(parts)]


def write_demo_exports(outdir: Path, cases: int, seed: int, *, units_path: Path | None = None,
                       sources_dir: Path | None = None, formats: str = "mixed",
                       outside: float = 0.0,
                       select: Callable[[pd.DataFrame], pd.Series] | None = None) -> DemoManifest:
    """Generate ``cases`` disputes and write their agency exports and truth into ``outdir``.

    Writes ``outdir/<source>/`` export files, ``outdir/truth.csv`` (``source, source_ref,
    case_id, person_id, risk_level``, one row per lead) and ``outdir/cases.csv``.
    ``formats``: ``mixed`` (every messy form, bad rows and re-exported overlaps), ``csv``
    (UTF-8) or ``xlsx`` (one format, no bad rows, no overlap, for benchmarks). ``outside``:
    the share of disputes in neighbouring towns the three towns' deployment does not serve.
    ``select``: which of the generated leads to write (a history and its next night, say).
    """
    if formats not in ("mixed", "csv", "xlsx"):
        raise ValueError(f"formats must be mixed, csv or xlsx, not {formats!r}")
    outdir = Path(outdir)
    units = load_units(units_path)
    fields_by_source = _load_fields(sources_dir or DATA_DIR / "sources")
    data: SyntheticData = generate(cases, seed, units=units, outside=outside)
    if select is not None:
        data = replace(data, leads=data.leads[select(data.leads)].reset_index(drop=True))
    outdir.mkdir(parents=True, exist_ok=True)
    manifest = DemoManifest(outdir=outdir, cases=cases, seed=seed, formats=formats,
                            total_leads=len(data.leads))
    for si, source in enumerate(SOURCES):
        rng = np.random.default_rng([seed, 7919, si])
        fields = fields_by_source[source]
        sub = data.leads[data.leads["source"] == source].reset_index(drop=True)
        fixed: dict[str, str] = {}
        if "urgency" in fields:  # 紧急程度 and 是否紧急 say different things: one per source
            syn = fields["urgency"]
            fixed["urgency"] = syn[int(rng.integers(len(syn)))]
        rend = _Rendered(sub, source, list(fields), fixed.get("urgency") == "是否紧急", rng)
        plans = _plans(source, len(sub), formats, fields, fixed, rng)
        shared = {i for plan in plans for i in plan.rows[:plan.duplicates]}
        folder = outdir / source
        folder.mkdir(parents=True, exist_ok=True)
        for k, plan in enumerate(plans):
            ts = rend.reported[plan.rows] if plan.rows else np.asarray([], dtype="datetime64[s]")
            path = folder / _file_name(plan, k, ts)
            title = None
            if plan.title:
                unit = "派出所"
                if source == "police" and plan.rows:
                    unit = str(sub["unit"].iloc[plan.rows].mode().iloc[0])
                title = _TITLE[source].format(unit=unit, period=_period(ts))
            sheet: str | None = None
            if plan.fmt == "csv":
                header_row = _write_csv(path, plan, rend, title, shared)
                row_numbers = {p: header_row + 1 + p for p in range(len(plan.rows))}
            else:
                sheet = _SHEET[source]
                header_row, row_numbers = _write_xlsx(path, plan, rend, title, sheet, shared)
            for p, reason in sorted(plan.bad.items()):
                manifest.bad_rows.append(BadRow(path, row_numbers[p], reason))
            totals = 1 if plan.fmt == "xlsx" else 0
            manifest.files.append(ExportFile(
                path=path, source=source, format=plan.fmt, encoding=plan.encoding, sheet=sheet,
                header_row=header_row, rows=len(plan.rows) + totals,
                leads=len(plan.rows) - len(plan.bad), duplicates=plan.duplicates,
                bad_rows=len(plan.bad), totals_rows=totals, headers=dict(plan.headers)))
    data.truth.to_csv(manifest.truth_path, index=False, encoding="utf-8")
    data.cases.to_csv(manifest.cases_path, index=False, encoding="utf-8")
    return manifest


def _plans(source: str, n: int, formats: str, fields: dict[str, list[str]],
           fixed: dict[str, str], rng: np.random.Generator) -> list[_Plan]:
    """Which rows go to which file, in which format, with which headers and extras."""
    plans: list[_Plan] = []
    previous: dict[str, str] | None = None
    if formats != "mixed":
        limit = XLSX_MAX_ROWS if formats == "xlsx" else max(n, 1)
        for start in range(0, max(n, 1), limit):
            headers = _choose_headers(fields, rng, previous, fixed)
            previous = headers
            plans.append(_Plan(source, formats, "utf-8" if formats == "csv" else None,
                               "cells" if formats == "xlsx" else "",
                               list(range(start, min(n, start + limit))), 0, headers,
                               title=formats == "xlsx"))
        return plans
    spec = _MIXED_PLAN[source]
    parts = max(1, min(len(spec), n // 15), -(-n // XLSX_MAX_ROWS))  # sheets hold ~1M rows
    chunks = _split(n, parts)
    for k, (a, b) in enumerate(chunks):
        fmt, enc, style = spec[k * len(spec) // parts if parts <= len(spec) else k % len(spec)]
        rows = list(range(a, b))
        dup = 0
        if k > 0 and a > 0:  # the last rows of the previous period, exported again
            dup = min(3, max(1, (a - chunks[k - 1][0]) // 20))
            rows = list(range(a - dup, a)) + rows
        headers = _choose_headers(fields, rng, previous, fixed)
        previous = headers
        tail: list[str] = []
        if rng.random() < 0.5:
            tail.append("备注" if rng.random() < 0.5 else "录入人")
        plan = _Plan(source, fmt, enc, style, rows, dup, headers,
                     numbered=fmt == "xlsx" or bool(rng.random() < 0.3), tail=tail)
        if fmt == "csv":
            plan.title = enc == "gbk"  # Excel saved a titled sheet as CSV
        else:
            plan.notes_first = k % 2 == 1
            if k == 0:
                plan.tail.append("内部编号")
                plan.hidden = "内部编号"
        plans.append(plan)
    if n:  # a few rows that must be rejected: no reference; a date nobody can read
        _inject(plans[0], "missing_source_ref")
        _inject(plans[-1], "bad_date")
    for plan in plans:
        if plan.fmt == "xlsx" and len(plan.rows) > 4:
            plan.blank_after = tuple(sorted({len(plan.rows) // 3, len(plan.rows) // 2}))
    return plans


def _inject(plan: _Plan, reason: str) -> None:
    """Insert a bad copy of a row in the middle of the file's new (non re-exported) rows."""
    fresh = len(plan.rows) - plan.duplicates
    if fresh < 2:
        return
    pos = plan.duplicates + fresh // 2
    while pos in plan.bad:
        pos += 1
    plan.rows.insert(pos, plan.rows[pos])
    plan.bad = {(p + 1 if p >= pos else p): r for p, r in plan.bad.items()}
    plan.bad[pos] = reason
