"""Self-check of a generated folder (and optionally generate it first, timed).

    python check.py DIR                       # check an existing output
    python check.py DIR --generate --cases 1000 --seed 1 [--files weekly]
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

REF_HEADERS = {"police": {"警情编号", "接警编号", "警情号"}, "hotline_12345": {"工单编号", "工单号"},
               "petition": {"信访件编号", "信访编号", "登记编号"}, "womens_federation": {"登记编号", "求助编号", "来电编号"}}
REF_RE = {"police": re.compile(r"^J\d{6}\d{8}\d{6}$"), "hotline_12345": re.compile(r"^GD\d{8}\d{6}$"),
          "petition": re.compile(r"^XF\d{6}\d{4}\d{6}$"), "womens_federation": re.compile(r"^(FL\d{8}\d{3}|12338-\d{8}-\d{4})$")}
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_ok(s):
    s = s.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], W)) % 11] == s[-1]


def read_rows(path, fmt, enc):
    """all rows of the sheet holding the header (xlsx) or of the csv, as lists of strings"""
    if fmt == "xlsx":
        import openpyxl
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheets = []
        for ws in wb.worksheets:
            rows = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
            sheets.append(rows)
        wb.close()
        return sheets
    raw = Path(path).read_bytes()
    if enc == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("utf-8-sig file without BOM")
    if enc == "utf-8" and raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("utf-8 file with a BOM")
    text = raw.decode(enc)
    return [list(csv.reader(io.StringIO(text)))]


def file_refs(sheets, source):
    heads = REF_HEADERS[source]
    for rows in sheets:
        for hi, r in enumerate(rows):
            cells = [c.strip() for c in r]
            hit = [i for i, c in enumerate(cells) if c in heads]
            if hit and sum(1 for c in cells if c) >= 5:
                ci = hit[0]
                refs, n_data, where = [], 0, {}
                for ri in range(hi + 1, len(rows)):
                    row = [c.strip() for c in rows[ri]]
                    if not any(row):
                        continue
                    first = next(c for c in row if c)
                    if first.replace(" ", "").startswith("合计"):
                        continue
                    n_data += 1
                    v = row[ci] if ci < len(row) else ""
                    refs.append(v)
                    where[v] = ri + 1
                return refs, n_data, where
    return None, 0, {}


def check(out):
    out = Path(out)
    problems = []
    files = list(csv.DictReader(open(out / "files.csv", encoding="utf-8")))
    truth = list(csv.DictReader(open(out / "truth.csv", encoding="utf-8")))
    disputes = list(csv.DictReader(open(out / "disputes.csv", encoding="utf-8")))
    by_file = defaultdict(list)
    for t in truth:
        by_file[t["file"]].append(t)
    # unique source_ref per source
    seen = defaultdict(set)
    for t in truth:
        k = t["source_ref"].strip()
        if k in seen[t["source"]]:
            problems.append(f"duplicate source_ref {t['source']} {k}")
        seen[t["source"]].add(k)
        if not REF_RE[t["source"]].match(k):
            problems.append(f"source_ref style {t['source']} {k}")
    # every file opens/decodes, data rows == truth rows, refs present
    n_rows_total = 0
    fmt_count = Counter()
    for f in files:
        path = out / f["file"]
        fmt_count[(f["source"], f["format"], f["encoding"])] += 1
        try:
            sheets = read_rows(path, f["format"], f["encoding"])
        except Exception as e:  # noqa: BLE001
            problems.append(f"cannot read {f['file']}: {e}")
            continue
        refs, n_data, where = file_refs(sheets, f["source"])
        if refs is None:
            problems.append(f"no header found in {f['file']}")
            continue
        tr = by_file.get(f["file"], [])
        n_rows_total += n_data
        if n_data != len(tr) or n_data != int(f["data_rows"]):
            problems.append(f"{f['file']}: {n_data} data rows, truth {len(tr)}, files.csv {f['data_rows']}")
        got = {r.strip() for r in refs}
        for t in tr:
            k = t["source_ref"].strip()
            if k not in got:
                problems.append(f"{f['file']}: {k} not in file")
            elif where.get(k, where.get(" " + k, where.get(k + " "))) not in (None, int(t["row"])):
                problems.append(f"{f['file']}: {k} at row {where.get(k)} but truth row {t['row']}")
    if n_rows_total != len(truth):
        problems.append(f"data rows written {n_rows_total} != truth rows {len(truth)}")
    # per dispute counts
    per = Counter(t["dispute_id"] for t in truth)
    for d in disputes:
        if per.get(d["dispute_id"], 0) != int(d["records"]):
            problems.append(f"{d['dispute_id']}: records {d['records']} but truth {per.get(d['dispute_id'], 0)}")
    # report
    print(f"folder: {out}")
    kinds = ", ".join(f"{s}/{fm}/{e or '-'}: {n}" for (s, fm, e), n in sorted(fmt_count.items()))
    print(f"files: {len(files)}  ({kinds})")
    print(f"disputes: {len(disputes)}  records: {len(truth)}  mean records/dispute: {len(truth) / max(1, len(disputes)):.2f}")
    print("records per source:", dict(Counter(t["source"] for t in truth)))
    dist = Counter(int(d["records"]) for d in disputes)
    print("records per dispute:", " ".join(f"{k}:{dist[k]}" for k in sorted(dist)))
    print("disputes per kind:", dict(Counter(d["kind"] for d in disputes).most_common()))
    ev = Counter()
    for t in truth:
        for e in t["events"].split(","):
            ev[e] += 1
    print("events (records):", dict(ev.most_common()))
    multi = Counter(len(set(d["sources"].split(";"))) for d in disputes)
    print("agencies per dispute:", dict(sorted(multi.items())))
    hard_negatives(out, disputes, truth)
    if problems:
        print(f"PROBLEMS: {len(problems)}")
        for p in problems[:30]:
            print("  ", p)
        return 1
    print("OK: refs unique per source and present in their files; data rows == truth rows; all files readable")
    return 0


def hard_negatives(out, disputes, truth):
    """how much there is to confuse a linker: shared names, households, buildings, employers"""
    pp = out / "persons.csv"
    if not pp.exists():
        return
    persons = {p["pid"]: p for p in csv.DictReader(open(pp, encoding="utf-8"))}
    reporters = {t["reporter_pid"] for t in truth}
    names = Counter(persons[p]["name"] for p in reporters if p in persons)
    shared = sum(1 for p in reporters if p in persons and names[persons[p]["name"]] > 1)
    print(f"reporters: {len(reporters)}; sharing their full name with another reporter: {shared} "
          f"({shared / max(1, len(reporters)):.0%}); most common: {names.most_common(5)}")
    hh = Counter()
    bld = Counter()
    orgs = Counter()
    for d in disputes:
        for h in d["households"].split(";"):
            if h:
                hh[h] += 1
        for p in d["parties"].split(";"):
            if p.startswith("O"):
                orgs[p] += 1
        a = d["parties"].split(";")[0]
        if a in persons:
            bld[persons[a]["building_key"]] += 1
    print(f"households in 2+ disputes: {sum(1 for v in hh.values() if v > 1)}; "
          f"buildings/village streets with 2+ disputes: {sum(1 for v in bld.values() if v > 1)} (max {max(bld.values()) if bld else 0}); "
          f"organisations in 2+ disputes: {sum(1 for v in orgs.values() if v > 1)} (max {max(orgs.values()) if orgs else 0})")
    per_unit = Counter(d["unit_code"] for d in disputes if d["kind"] == "婚姻家庭")
    if per_unit:
        print(f"婚姻家庭 disputes per village/community: max {max(per_unit.values())}, median {sorted(per_unit.values())[len(per_unit) // 2]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--generate", action="store_true")
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", default="single")
    ap.add_argument("--start", default="2025-01-01")
    ap.add_argument("--days", type=int, default=365)
    a = ap.parse_args()
    if a.generate:
        from generate import generate
        t0 = time.time()
        st = generate(a.cases, a.seed, a.out, files=a.files, start=a.start, days=a.days)
        print(f"generated {st['disputes']} disputes / {st['records']} records / {st['files']} files in {time.time() - t0:.1f}s {st['seconds']}")
    t0 = time.time()
    rc = check(a.out)
    print(f"check took {time.time() - t0:.1f}s")
    sys.exit(rc)


if __name__ == "__main__":
    main()
