"""Independent sample-data generator for the four agency exports (see README.md).

    python generate.py --cases N --seed S --out DIR [--files single|weekly] [--start 2025-01-01 --days 365]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from disputes import SOURCES, World, build_dispute  # noqa: E402
from fields import fill  # noqa: E402
from people import People  # noqa: E402
from places import Places  # noqa: E402
from writers import FORMATS, Profile, write_export  # noqa: E402

SUBDIR = {"police": "police", "hotline_12345": "hotline_12345", "petition": "petition", "womens_federation": "womens_federation"}
SINGLE = {"police": ("派出所警情导出.xlsx", "xlsx", None), "hotline_12345": ("12345工单.xlsx", "xlsx", None),
          "petition": ("信访登记.csv", "csv", "gbk"), "womens_federation": ("妇联求助登记.xlsx", "xlsx", None)}
WEEK_NAMES = {
    "police": ["派出所警情导出_{a}-{b}", "警情导出{a}", "纠纷类警情{y}年第{w}周", "110警情{a}_{b}"],
    "hotline_12345": ["12345工单_{a}-{b}", "接诉即办工单明细{a}", "12345派单{y}第{w}周", "工单导出_{a}"],
    "petition": ["信访登记_{a}-{b}", "来信来访登记台账{y}年第{w}周", "信访件登记{a}", "信访登记表_{a}"],
    "womens_federation": ["妇联求助登记_{a}-{b}", "12338及来访登记{y}第{w}周", "求助登记台账{a}", "妇联求助{a}"],
}


def assign_refs(rng, records, start):
    """each agency's own numbering, unique within the agency"""
    by_src = {s: [] for s in SOURCES}
    for r in records:
        by_src[r.source].append(r)
    for s, recs in by_src.items():
        recs.sort(key=lambda r: (r.t, r.incident.t))
        counters = {}
        for r in recs:
            if s == "police":
                dc = r.station_dc
                key = (dc, r.t.date())
                n = counters.get(key, rng.randint(1, 60)) + rng.randint(1, 25)
                counters[key] = n
                r.ref = f"J{dc}{r.t:%Y%m%d}{n:06d}"
            elif s == "hotline_12345":
                key = r.t.date()
                n = counters.get(key, rng.randint(1, 300)) + rng.randint(1, 180)
                counters[key] = n
                r.ref = f"GD{r.t:%Y%m%d}{n:06d}"
            elif s == "petition":
                dc = r.station_dc
                key = (dc, r.t.year)
                n = counters.get(key, rng.randint(0, 40)) + rng.randint(1, 3)
                counters[key] = n
                r.ref = f"XF{dc}{r.t.year}{n:06d}"
            else:
                hotline = r.t.weekday() >= 5 or r.t.hour < 8 or r.t.hour >= 18 or r.fields_hint
                key = (hotline, r.t.date())
                n = counters.get(key, 0) + rng.randint(1, 3)
                counters[key] = n
                r.ref = f"12338-{r.t:%Y%m%d}-{n:04d}" if hotline else f"FL{r.t:%Y%m%d}{n:03d}"


def generate(cases, seed, out, files="single", start="2025-01-01", days=365, gazetteer=None, quiet=True):
    t_begin = time.time()
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _clean_previous(out)
    rng = random.Random(seed)
    places = Places(rng, gazetteer)
    people = People(rng, places, start)
    world = World(rng, places, people, start, days, cases)
    disputes = [build_dispute(world, i) for i in range(cases)]
    t_world = time.time()
    records = []
    for d in disputes:
        for r in d.records:
            r.station_dc = d.unit.district_code
            r.fields_hint = rng.random() < 0.2 if r.source == "womens_federation" else False
            records.append((d, r))
    assign_refs(rng, [r for _, r in records], start)
    # values in the agency's terms
    trng = random.Random(seed * 7919 + 17)
    for d, r in records:
        r.fields = fill(trng, d, r)
    t_text = time.time()
    # files
    wrng = random.Random(seed * 104729 + 3)
    file_rows = []
    truth = []
    groups = {}
    for d, r in records:
        if files == "single":
            key = (r.source, 0)
        else:
            key = (r.source, (r.t.date() - start).days // 7)
        groups.setdefault(key, []).append((d, r))
    # three software versions per agency over the year (between them every header synonym is used),
    # plus weeks where an office exports its own way
    versions = {s: [Profile(wrng, s, *wrng.choice(FORMATS[s]), rot=i) for i in range(3)] for s in SOURCES}
    for (src, wk), items in sorted(groups.items(), key=lambda kv: (SOURCES.index(kv[0][0]), kv[0][1])):
        items.sort(key=lambda x: (x[1].t, x[1].ref))
        if files == "single":
            name, fmt, enc = SINGLE[src]
            prof = Profile(wrng, src, fmt, enc, rot=SOURCES.index(src), single=True)
            rel = name
            period = f"{start:%Y-%m-%d}至{start + dt.timedelta(days=days - 1):%Y-%m-%d}"
        else:
            ws = start + dt.timedelta(days=7 * wk)
            we = min(ws + dt.timedelta(days=6), start + dt.timedelta(days=days - 1))
            n_weeks = (days + 6) // 7
            vi = min(2, wk * 3 // max(1, n_weeks))
            if wrng.random() < 0.3:
                prof = Profile(wrng, src, *wrng.choice(FORMATS[src]), rot=wk)
            else:
                prof = versions[src][vi]
            pat = WEEK_NAMES[src][(wk + SOURCES.index(src)) % len(WEEK_NAMES[src])]
            stem = pat.format(a=f"{ws:%Y%m%d}", b=f"{we:%Y%m%d}", y=ws.year, w=wk + 1)
            ext = "xlsx" if prof.fmt == "xlsx" else "csv"
            rel = f"{SUBDIR[src]}/{wk + 1:02d}_{stem}.{ext}"
            period = rng_period(wrng, ws, we, wk)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        info = write_export(wrng, path, prof, [(r, r.fields) for _, r in items], period)
        file_rows.append({"file": rel, "source": src, "format": info["format"], "encoding": info["encoding"],
                          "data_rows": info["data_rows"], "sheet": info["sheet"], "header_row": info["header_row"],
                          "software": prof.app if info["format"] == "xlsx" else ""})
        rowno = {id(rec): n for rec, n in info["where"]}
        for d, r in items:
            hh = ";".join(h.hid for h in d.households if h is not None)
            truth.append({"source": src, "source_ref": r.ref, "file": rel, "row": rowno[id(r)], "dispute_id": d.did,
                          "kind": d.kind, "reported_at": r.t.isoformat(timespec="seconds"),
                          "events": ",".join(sorted(r.events)) if r.events else "none",
                          "incident_id": f"{d.did}-{_inc_no(d, r)}",
                          "reporter_pid": r.rep.pid, "reporter_role": r.rep_role, "households": hh})
    t_files = time.time()
    truth.sort(key=lambda x: (SOURCES.index(x["source"]), x["reported_at"], x["source_ref"]))
    _write_csv(out / "truth.csv", ["source", "source_ref", "file", "row", "dispute_id", "kind", "reported_at", "events",
                                    "incident_id", "reporter_pid", "reporter_role", "households"], truth)
    drows = []
    for d in disputes:
        parties = []
        roles = []
        for role in ("A", "B", "B_org", "W", "C"):
            e = d.roles.get(role)
            if e is None:
                continue
            pid = getattr(e, "pid", None) or getattr(e, "oid")
            if pid not in parties:
                parties.append(pid)
                roles.append(f"{role}:{pid}")
        for g in d.group:
            if g.pid not in parties:
                parties.append(g.pid)
                roles.append(f"G:{g.pid}")
        ts = [r.t for r in d.records]
        drows.append({"dispute_id": d.did, "kind": d.kind, "subtype": d.sub, "parties": ";".join(parties),
                      "party_roles": ";".join(roles), "households": ";".join(h.hid for h in d.households if h is not None),
                      "unit_code": d.unit.code, "records": len(d.records), "pattern": d.facts.get("pattern", ""),
                      "first_report": min(ts).isoformat(timespec="seconds"), "last_report": max(ts).isoformat(timespec="seconds"),
                      "sources": ";".join(sorted({r.source for r in d.records}))})
    _write_csv(out / "disputes.csv", ["dispute_id", "kind", "subtype", "parties", "party_roles", "households", "unit_code",
                                       "records", "pattern", "first_report", "last_report", "sources"], drows)
    _write_csv(out / "files.csv", ["file", "source", "format", "encoding", "data_rows", "sheet", "header_row", "software"], file_rows)
    prow = []
    for p in people.persons:
        a = p.hh.addr if p.hh is not None else None
        prow.append({"pid": p.pid, "name": p.name, "sex": p.sex, "birth": p.birth.isoformat(), "id_number": p.idno,
                     "phones": ";".join(p.phones), "landline": (p.hh.landline or "") if p.hh is not None else "",
                     "household": p.hh.hid if p.hh is not None else "", "unit_code": a.unit.code if a else "",
                     "address_key": a.key() if a else "", "building_key": a.building_key() if a else "",
                     "spouse": p.kin["spouse"].pid if "spouse" in p.kin else "", "disputes_as_party": p.n_disputes})
    _write_csv(out / "persons.csv", list(prow[0].keys()) if prow else ["pid"], prow)
    orow = [{"oid": o.oid, "name": o.name, "kind": o.kind, "unit_code": o.addr.unit.code, "contact_pid": o.boss.pid if o.boss else ""}
            for o in world.orgs]
    _write_csv(out / "orgs.csv", ["oid", "name", "kind", "unit_code", "contact_pid"], orow)
    t_end = time.time()
    stats = {"disputes": len(disputes), "records": len(records), "files": len(file_rows),
             "seconds": {"world": round(t_world - t_begin, 2), "text": round(t_text - t_world, 2),
                         "files": round(t_files - t_text, 2), "total": round(t_end - t_begin, 2)}}
    if not quiet:
        print(stats)
    return stats


def _clean_previous(out: Path):
    """remove the files a previous run wrote into this folder (and only those)"""
    fc = out / "files.csv"
    if not fc.exists():
        return
    with open(fc, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            p = out / row.get("file", "")
            if row.get("file") and p.is_file() and out.resolve() in p.resolve().parents:
                p.unlink()
    for name in ("truth.csv", "disputes.csv", "files.csv", "persons.csv", "orgs.csv"):
        if (out / name).exists():
            (out / name).unlink()
    for sub in SUBDIR.values():
        d = out / sub
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()


def _inc_no(d, r):
    seen = []
    for x in d.records:
        if x.incident not in seen:
            seen.append(x.incident)
        if x is r:
            break
    return seen.index(r.incident) + 1


def rng_period(rng, ws, we, wk):
    r = rng.random()
    if r < 0.4:
        return f"{ws:%Y.%m.%d}-{we:%Y.%m.%d}"
    if r < 0.7:
        return f"{ws.year}年第{wk + 1}周"
    if r < 0.85:
        return f"{ws.year}年{ws.month}月{ws.day}日至{we.month}月{we.day}日"
    return f"{ws:%Y%m%d}-{we:%Y%m%d}"


def _write_csv(path, cols, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, required=True, help="number of disputes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--files", choices=["single", "weekly"], default="single")
    ap.add_argument("--start", default="2025-01-01")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--gazetteer", default=None, help="folder with 110114.csv, 110112.csv, 110102.csv (default: shared/data/gazetteer)")
    a = ap.parse_args(argv)
    generate(a.cases, a.seed, a.out, files=a.files, start=a.start, days=a.days, gazetteer=a.gazetteer, quiet=False)


if __name__ == "__main__":
    main()
