"""Self-check of a generated data set.

    python check.py DIR

Counts per source, records-per-dispute distribution, source_ref uniqueness
per source, every truth row present in its file (and nothing else there),
files open with openpyxl / decode with their declared encodings.  Exit code 1
on any failure.
"""
from __future__ import annotations

import collections
import csv
import io
import os
import sys

import openpyxl

REF_HEADERS = {"警情编号", "接警编号", "警情号", "工单编号", "工单号", "信访件编号", "信访编号", "登记编号", "求助编号",
               "来电编号"}
EVENTS = {"threat_kill", "weapon", "suicide_threat", "dv_injury", "strangulation", "order_breach", "dv", "physical",
          "heated", "order_application", "none"}
NOT_DATA = ("合计", "共", "制表", "导出", "填表")


def _h(c) -> str:
    """header cell as a plain name: no spaces, no （必填） decoration"""
    return "" if c is None else str(c).strip().replace("（必填）", "").replace("(必填)", "").strip()


def _rows_xlsx(path):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        for i, r in enumerate(rows[:15]):
            cells = [_h(c) for c in r]
            hit = [j for j, c in enumerate(cells) if c in REF_HEADERS]
            if hit:
                wb.close()
                return i, hit[0], rows
    wb.close()
    return None, None, []


def _rows_csv(path, enc):
    raw = open(path, "rb").read()
    text = raw.decode(enc)          # strict: raises on a wrong encoding
    if enc == "gb18030":
        raw.decode("gbk")           # declared GBK: must be plain GBK
    if enc == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("utf-8-sig file without BOM")
    rows = list(csv.reader(io.StringIO(text)))
    for i, r in enumerate(rows[:15]):
        cells = [_h(c) for c in r]
        hit = [j for j, c in enumerate(cells) if c in REF_HEADERS]
        if hit:
            return i, hit[0], rows
    return None, None, rows


def check(out: str) -> bool:
    ok = True

    def fail(msg):
        nonlocal ok
        ok = False
        print("FAIL:", msg)

    truth = list(csv.DictReader(open(os.path.join(out, "truth.csv"), encoding="utf-8")))
    files = list(csv.DictReader(open(os.path.join(out, "files.csv"), encoding="utf-8")))
    disputes = list(csv.DictReader(open(os.path.join(out, "disputes.csv"), encoding="utf-8")))
    print(f"disputes {len(disputes)}, records {len(truth)}, files {len(files)}")

    by_src = collections.Counter(t["source"] for t in truth)
    print("records per source:", dict(by_src))
    per_d = collections.Counter(t["dispute_id"] for t in truth)
    dist = collections.Counter(per_d.values())
    n = len(disputes)
    print(f"records per dispute: mean {len(truth) / max(1, n):.2f}, max {max(dist) if dist else 0}")
    print("  " + "  ".join(f"{k}:{dist[k]}({dist[k] / n:.1%})" for k in sorted(dist)))
    for d in disputes:
        if int(d["records"]) != per_d.get(d["dispute_id"], 0):
            fail(f"dispute {d['dispute_id']} records {d['records']} != truth {per_d.get(d['dispute_id'], 0)}")
            break
    srcs = collections.defaultdict(set)
    for t in truth:
        srcs[t["dispute_id"]].add(t["source"])
    src_mix = collections.Counter(len(v) for v in srcs.values())
    print("agencies per dispute:", dict(sorted(src_mix.items())))
    ev = collections.Counter()
    for t in truth:
        for e in t["events"].split(","):
            if e not in EVENTS:
                fail(f"bad event {e!r} in {t['source_ref']}")
            ev[e] += 1
    print("events:", dict(ev.most_common()))
    kinds = collections.Counter(d["kind"] for d in disputes)
    print("kinds:", dict(kinds.most_common()))

    tags = collections.Counter()
    per_company = collections.Counter()
    for d in disputes:
        for t in filter(None, d["tags"].split(";")):
            tags[t.split(":")[0]] += 1
            if t.startswith(("company:", "project:")):
                per_company[t] += 1
    print("hard negatives: disputes reusing a household of another dispute:", tags["same_household_as"],
          "| neighbour disputes in a building with other disputes:", tags["building_with_other_disputes"])
    if per_company:
        top = per_company.most_common(3)
        print("  separate disputes per company/project, top 3:", top)
    ppath = os.path.join(out, "people.csv")
    if os.path.exists(ppath):
        names = collections.Counter(r["name"] for r in csv.DictReader(open(ppath, encoding="utf-8")))
        shared = sum(v for v in names.values() if v > 1)
        print(f"  people {sum(names.values())}, sharing a full name with someone else: {shared}; most common:",
              names.most_common(5))
    seen = collections.defaultdict(set)
    for t in truth:
        if t["source_ref"] != t["source_ref"].strip():
            fail(f"truth source_ref has spaces: {t['source_ref']!r}")
        if t["source_ref"] in seen[t["source"]]:
            fail(f"duplicate source_ref {t['source']} {t['source_ref']}")
        seen[t["source"]].add(t["source_ref"])
    by_file = collections.defaultdict(list)
    for t in truth:
        by_file[t["file"]].append(t["source_ref"])

    fmt_count = collections.Counter()
    listed = set()
    for f in files:
        path = os.path.join(out, f["file"])
        listed.add(f["file"])
        fmt_count[(f["source"], f["format"], f["encoding"])] += 1
        try:
            if f["format"] == "xlsx":
                hi, ci, rows = _rows_xlsx(path)
            else:
                hi, ci, rows = _rows_csv(path, f["encoding"])
        except Exception as e:   # noqa: BLE001
            fail(f"{f['file']}: cannot read: {e}")
            continue
        if hi is None:
            fail(f"{f['file']}: no header row found")
            continue
        refs = []
        for r in rows[hi + 1:]:
            if ci >= len(r) or r[ci] is None:
                continue
            v = str(r[ci]).strip()
            first = str(r[0]).strip() if r and r[0] is not None else ""
            if not v or first.startswith(NOT_DATA) or v.startswith(NOT_DATA):
                continue
            refs.append(v)
        exp = by_file.get(f["file"], [])
        if len(refs) != len(exp) or len(refs) != int(f["data_rows"]):
            fail(f"{f['file']}: {len(refs)} data rows, truth {len(exp)}, manifest {f['data_rows']}")
        if set(refs) != set(exp):
            fail(f"{f['file']}: refs differ from truth ({len(set(refs) ^ set(exp))} mismatches)")
        if len(set(refs)) != len(refs):
            fail(f"{f['file']}: duplicate refs in file")
    for fn in by_file:
        if fn not in listed:
            fail(f"truth names unlisted file {fn}")
    print("files by (source, format, encoding):")
    for k, v in sorted(fmt_count.items()):
        print("  ", k, v)
    print("OK" if ok else "FAILED")
    return ok


if __name__ == "__main__":
    sys.exit(0 if check(sys.argv[1]) else 1)
