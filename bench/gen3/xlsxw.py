"""A small, fast .xlsx writer (zip of SpreadsheetML parts) that supports what real
exports have: title rows, merged cells, hidden columns, several sheets, inline or
shared strings, numbers, dates with a date format."""
from __future__ import annotations

import datetime as dt
import zipfile

_EPOCH = dt.datetime(1899, 12, 30)


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _esc(s: str) -> str:
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    return s


def excel_serial(t: dt.datetime) -> float:
    return (t - _EPOCH).total_seconds() / 86400.0


STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/><numFmt numFmtId="165" formatCode="yyyy/m/d h:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="2"/></font><font><b/><sz val="14"/><name val="宋体"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


class DateCell:
    """a datetime written as a number with a date format (style 1..4)"""
    __slots__ = ("t", "style")

    def __init__(self, t, style=1):
        self.t, self.style = t, style


class Title:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def _sheet_xml(rows, merges=(), hidden_cols=(), ncols=1, shared=None, widths=None):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">']
    nrows = max(1, len(rows))
    out.append(f'<dimension ref="A1:{col_letter(max(ncols, 1) - 1)}{nrows}"/>')
    cols = []
    hid = set(hidden_cols)
    for i in range(ncols):
        wdt = (widths[i] if widths and i < len(widths) else 14)
        if i in hid:
            cols.append(f'<col min="{i + 1}" max="{i + 1}" width="0" hidden="1" customWidth="1"/>')
        else:
            cols.append(f'<col min="{i + 1}" max="{i + 1}" width="{wdt}" customWidth="1"/>')
    if cols:
        out.append("<cols>" + "".join(cols) + "</cols>")
    out.append("<sheetData>")
    letters = [col_letter(i) for i in range(max(ncols, 1) + 30)]
    ap = out.append
    for ri, row in enumerate(rows, 1):
        if not row:
            continue
        cells = []
        for ci, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{letters[ci]}{ri}"
            if isinstance(v, str):
                if shared is not None:
                    idx = shared.get(v)
                    if idx is None:
                        idx = len(shared)
                        shared[v] = idx
                    cells.append(f'<c r="{ref}" t="s"><v>{idx}</v></c>')
                else:
                    sp = ' xml:space="preserve"' if (v[0] == " " or v[-1] == " " or "\n" in v) else ""
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t{sp}>{_esc(v)}</t></is></c>')
            elif isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            elif isinstance(v, DateCell):
                cells.append(f'<c r="{ref}" s="{v.style}"><v>{excel_serial(v.t)!r}</v></c>')
            elif isinstance(v, Title):
                if shared is not None:
                    idx = shared.get(v.text)
                    if idx is None:
                        idx = len(shared)
                        shared[v.text] = idx
                    cells.append(f'<c r="{ref}" s="5" t="s"><v>{idx}</v></c>')
                else:
                    cells.append(f'<c r="{ref}" s="5" t="inlineStr"><is><t>{_esc(v.text)}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_esc(str(v))}</t></is></c>')
        if cells:
            ap(f'<row r="{ri}">' + "".join(cells) + "</row>")
    out.append("</sheetData>")
    if merges:
        out.append(f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>")
    out.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    return "".join(out)


def write_xlsx(path, sheets, shared_strings=False, app="Microsoft Excel", stamp=(2025, 1, 1, 8, 0, 0)):
    """sheets: list of dicts with name, rows, merges, hidden_cols, ncols, widths, state"""
    shared = {} if shared_strings else None
    parts = []
    for i, sh in enumerate(sheets, 1):
        parts.append((f"xl/worksheets/sheet{i}.xml",
                      _sheet_xml(sh["rows"], sh.get("merges", ()), sh.get("hidden_cols", ()), sh.get("ncols", 1), shared, sh.get("widths"))))
    ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>']
    for i in range(1, len(sheets) + 1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    if shared is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    ct.append("</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')
    wb = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView activeTab="0"/></bookViews><sheets>']
    wrels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    for i, sh in enumerate(sheets, 1):
        state = f' state="{sh["state"]}"' if sh.get("state") else ""
        wb.append(f'<sheet name="{_esc(sh["name"])}" sheetId="{i}"{state} r:id="rId{i}"/>')
        wrels.append(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>')
    n = len(sheets)
    wrels.append(f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>')
    if shared is not None:
        wrels.append(f'<Relationship Id="rId{n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    wb.append("</sheets></workbook>")
    wrels.append("</Relationships>")
    app_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
               f'<Application>{_esc(app)}</Application></Properties>')
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:creator>admin</dc:creator></cp:coreProperties>')
    class _Z:
        """fixed timestamps so that a seed always gives the same bytes"""

        def __init__(self, zf):
            self.zf = zf

        def writestr(self, name, data):
            zi = zipfile.ZipInfo(name, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            self.zf.writestr(zi, data, compresslevel=1)

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        z = _Z(zf)
        z.writestr("[Content_Types].xml", "".join(ct))
        z.writestr("_rels/.rels", rels)
        z.writestr("docProps/app.xml", app_xml)
        z.writestr("docProps/core.xml", core)
        z.writestr("xl/workbook.xml", "".join(wb))
        z.writestr("xl/_rels/workbook.xml.rels", "".join(wrels))
        z.writestr("xl/styles.xml", STYLES)
        for name, xml in parts:
            z.writestr(name, xml)
        if shared is not None:
            items = sorted(shared.items(), key=lambda kv: kv[1])
            sx = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(items)}" uniqueCount="{len(items)}">']
            for s, _ in items:
                sp = ' xml:space="preserve"' if (s[:1] == " " or s[-1:] == " " or "\n" in s) else ""
                sx.append(f"<si><t{sp}>{_esc(s)}</t></si>")
            sx.append("</sst>")
            z.writestr("xl/sharedStrings.xml", "".join(sx))
