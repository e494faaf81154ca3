"""Independent sample-data generator for the dispute-triage pipeline.

    python generate.py --cases N --seed S --out DIR [--files single|weekly [--offices K]] [--start 2025-01-01 --days 365]

or, with this folder on sys.path:

    from generate import generate
    generate(1000, 7, "out/x", files="weekly")

Writes the four agencies' exports plus truth.csv, disputes.csv and files.csv.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from disputes import SOURCES, World                      # noqa: E402
from people import Population                            # noqa: E402
from places import DEFAULT_GAZ, TOWNS, load_places       # noqa: E402
import writers as W                                      # noqa: E402
from wording import describe                             # noqa: E402

FED_TOWN = {"110114115000": "BQJ", "110112114000": "TH", "110102020000": "GW"}
DIST_TOWN = {v: k for k, v in TOWNS.items()}


def _assign_refs(items, rng):
    """Record numbers in each agency's own style, unique within the agency."""
    by_src = {s: [] for s in SOURCES}
    for d, r in items:
        by_src[r.source].append((d, r))
    for s in by_src:
        by_src[s].sort(key=lambda x: (x[1].t, x[0].did))
    counters = {}

    def nxt(key, lo, hi, step):
        c = counters.get(key)
        c = rng.randint(lo, hi) if c is None else c + rng.randint(1, step)
        counters[key] = c
        return c

    for d, r in by_src["police"]:
        u = d.place.district
        r.unit = u
        n = nxt(("p", u, r.t.date()), 1, 60, 30)
        r.ref = f"J{u}{r.t:%Y%m%d}{n:06d}"
    for d, r in by_src["hotline_12345"]:
        n = nxt(("h", r.t.date()), 1, 400, 300)
        r.ref = f"GD{r.t:%Y%m%d}{n:06d}"
    for d, r in by_src["petition"]:
        u = d.place.district
        n = nxt(("x", u, r.t.year), 1, 20, 3)
        r.ref = f"XF{u}{r.t.year}{n:05d}"
    for d, r in by_src["womens_federation"]:
        tc = d.place.town_code if d.place.in_area else DIST_TOWN[d.place.district]
        if r.channel == "12338热线":
            n = nxt(("f12338", r.t.date()), 1, 30, 12)
            r.ref = f"12338-{r.t:%Y%m%d}-{n:04d}"
        else:
            n = nxt(("f", tc, r.t.date()), 1, 5, 3)
            r.ref = f"FL{FED_TOWN[tc]}{r.t:%Y%m%d}{n:03d}"


def _names_cell(w, r, rng):
    """Several people in one cell (collective petitions, joint visits)."""
    if r.source in ("police", "hotline_12345") and r.reporter and rng.random() < 0.015:
        me = w.pop.get(r.reporter)
        if me.hid:
            others = [p for p in w.pop.hh(me.hid).members if p != me.pid]
            if others:
                return rng.choice(["、", "，", "/"]).join([me.name, w.pop.get(others[0]).name])
    if r.source != "petition" or not r.co_reporters:
        return None
    lead = w.pop.get(r.reporter)
    if r.headcount >= 5 and rng.random() < 0.6:
        return f"{lead.name}等{r.headcount}人"
    if rng.random() < 0.5:
        names = [lead.name] + [w.pop.get(p).name for p in r.co_reporters[:2]]
        return rng.choice(["、", "，", " ", "/"]).join(names)
    return None


def generate(cases: int, seed: int, out: str, files: str = "single", start: str | dt.date = "2025-01-01",
             days: int = 365, gazetteer: str = DEFAULT_GAZ, verbose: bool = False,
             offices: int = 1) -> dict:
    t_begin = time.time()
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    start_dt = dt.datetime(start.year, start.month, start.day)
    rng = random.Random(seed)
    area, elsewhere = load_places(random.Random(seed * 7919 + 1), gazetteer)
    pop = Population(rng, start)
    world = World(rng, pop, area, elsewhere, start_dt, days, cases)
    disputes = [world.make(f"D{i + 1:06d}") for i in range(cases)]
    items = [(d, r) for d in disputes for r in d.recs]
    _assign_refs(items, random.Random(seed * 31 + 5))
    t_scen = time.time()

    # words: one rng per dispute so text does not depend on file layout
    infos = {}
    for d in disputes:
        drng = random.Random(f"{seed}:{d.did}")
        used = set()
        for r in d.recs:
            info = describe(world, d, r, drng, used)
            info["person"] = pop.get(r.reporter) if r.reporter else None
            info["written_t"] = r.t
            info["unit"] = getattr(r, "unit", d.place.district)
            info["names_cell"] = _names_cell(world, r, drng)
            infos[id(r)] = info
    t_text = time.time()

    os.makedirs(out, exist_ok=True)
    wrng = random.Random(seed * 131 + 17)
    truth_rows, manifest = [], []
    by_src = {s: [] for s in SOURCES}
    for d, r in items:
        by_src[r.source].append((d, r))
    for s in by_src:
        by_src[s].sort(key=lambda x: (x[1].t, x[1].ref))

    def emit(src, recs, relpath, prof_key, fmt, enc, period, big):
        prof = W.PROFILES[src][prof_key]
        path = os.path.join(out, relpath)
        os.makedirs(os.path.dirname(path) or out, exist_ok=True)
        xlsx = fmt == "xlsx"
        masked = wrng.random() < {"police": 0.03, "hotline_12345": 0.06, "petition": 0.0, "womens_federation": 0.15}[src] \
            and not big
        rows = []
        for i, (d, r) in enumerate(recs):
            rows.append(W.build_row(src, prof, r, infos[id(r)], wrng, masked, xlsx, i + 1))
        headers = [h for h, _ in prof["cols"]]
        if wrng.random() < 0.05:   # a header cell with stray spaces / full-width brackets
            k = wrng.randrange(len(headers))
            headers[k] = wrng.choice([" " + headers[k], headers[k] + " ", headers[k] + "（必填）" if k else headers[k]])
        if xlsx:
            hidden = [i for i, (_, f) in enumerate(prof["cols"]) if f == "hidden"]
            hr = W.write_xlsx(path, headers, rows, prof, src, period, wrng, hidden, prof.get("notes_sheet", False), big)
        else:
            hr = W.write_csv(path, headers, rows, prof, src, period, wrng, enc)
        for d, r in recs:
            r.file = relpath
            truth_rows.append([src, r.ref, relpath, d.did, r.t.isoformat() + "+08:00",
                               ",".join(e for e in r.events if e != "none") or "none",
                               r.reporter or "", pop.get(r.reporter).hid or "" if r.reporter else "",
                               f"{d.did}-{r.incident}", d.kind, r.role])
        manifest.append([relpath, src, fmt, enc or "", prof_key, hr, len(recs), "masked" if masked else ""])

    end_dt = start_dt + dt.timedelta(days=days)
    if files == "single":
        for src in SOURCES:
            name, pk, fmt, enc = W.SINGLE[src]
            period = f"{start_dt:%Y-%m-%d}至{(end_dt - dt.timedelta(days=1)):%Y-%m-%d}"
            emit(src, by_src[src], name, pk, fmt, enc, period, True)
    elif files == "weekly":
        monday = start_dt - dt.timedelta(days=start_dt.weekday())
        nweeks = (end_dt - monday).days // 7 + 1
        sub = {"police": "police", "hotline_12345": "hotline_12345", "petition": "petition",
               "womens_federation": "womens_federation"}
        # offices > 1: a district's several stations (or street desks) each export their own
        # week; a dispute stays with one office
        for src in SOURCES:
            weeks = [[] for _ in range(nweeks * offices)]
            for d, r in by_src[src]:
                office = zlib.crc32(d.did.encode()) % offices
                weeks[(r.t - monday).days // 7 * offices + office].append((d, r))
            sched = W.SCHEDULE[src]
            for slot in range(nweeks * offices):
                wi, office = divmod(slot, offices)
                a = monday + dt.timedelta(days=7 * wi)
                b = a + dt.timedelta(days=6)
                if b < start_dt or a >= end_dt:
                    continue
                pk = [k for w0, k in sched if w0 <= wi][-1]
                if wrng.random() < 0.1:
                    pk = wrng.choice(sorted(W.PROFILES[src]))
                prof = W.PROFILES[src][pk]
                fmt, enc = prof["fmt"], prof.get("enc")
                if wrng.random() < 0.08:    # someone re-saved the export
                    fmt = "csv" if fmt == "xlsx" else "xlsx"
                    enc = wrng.choice(["utf-8", "utf-8-sig", "gb18030"]) if fmt == "csv" else None
                elif fmt == "csv" and wrng.random() < 0.1:
                    enc = wrng.choice(["utf-8", "utf-8-sig", "gb18030"])
                iso = a.isocalendar()
                nm = wrng.choice(W.WEEK_NAMES[src]).format(y=iso[0], w=iso[1], a=f"{a:%Y%m%d}", b=f"{b:%Y%m%d}")
                rel = os.path.join(sub[src], f"{nm}.{fmt}")
                period = f"{a:%Y-%m-%d}至{b:%Y-%m-%d}"
                if offices > 1:
                    rel = os.path.join(sub[src], f"{nm}_{office + 1}.{fmt}")
                emit(src, weeks[slot], rel, pk, fmt, enc, period, False)
    else:
        raise ValueError("files must be single or weekly")

    with open(os.path.join(out, "truth.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["source", "source_ref", "file", "dispute_id", "reported_at", "events", "reporter_pid",
                     "household_id", "incident_id", "kind", "reporter_role"])
        wr.writerows(truth_rows)
    with open(os.path.join(out, "disputes.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["dispute_id", "kind", "subtype", "parties", "records", "place_code", "place", "households",
                     "first_at", "last_at", "dv", "tags"])
        for d in disputes:
            wr.writerow([d.did, d.kind, d.subtype, ";".join(d.parties), len(d.recs), d.place.code,
                         d.place.town + d.place.name, ";".join(d.hh_keys), d.recs[0].t.isoformat(),
                         d.recs[-1].t.isoformat(), int(d.dv), ";".join(d.tags)])
    with open(os.path.join(out, "people.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["pid", "name", "sex", "birth", "idno", "mobiles", "landline", "household_id"])
        for p in pop.persons:
            wr.writerow([p.pid, p.name, p.sex, p.birth.isoformat(), p.idno, ";".join(p.mobiles), p.landline or "",
                         p.hid or ""])
    with open(os.path.join(out, "households.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["household_id", "place_code", "town", "place", "address", "members"])
        for h in pop.households:
            pl = h.place
            det = (f"{h.addr['street']}{h.addr['no']}号" if pl.is_village else
                   f"{h.addr['bldg']}号楼{h.addr['unit']}单元{h.addr['room']}")
            wr.writerow([h.hid, pl.code, pl.town, pl.name, f"{pl.district_name}{pl.town}{pl.base}{'村' if pl.is_village else ''}{det}",
                         ";".join(h.members)])
    with open(os.path.join(out, "files.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["file", "source", "format", "encoding", "profile", "header_row", "data_rows", "note"])
        wr.writerows(manifest)
    stats = {"disputes": cases, "records": len(items), "files": len(manifest),
             "seconds": round(time.time() - t_begin, 1), "scenario_s": round(t_scen - t_begin, 1),
             "text_s": round(t_text - t_scen, 1), "write_s": round(time.time() - t_text, 1)}
    if verbose:
        print(stats)
    return stats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--files", choices=["single", "weekly"], default="single")
    ap.add_argument("--start", default="2025-01-01")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--gazetteer", default=DEFAULT_GAZ)
    ap.add_argument("--offices", type=int, default=1, help="weekly: offices exporting separately")
    a = ap.parse_args(argv)
    generate(a.cases, a.seed, a.out, a.files, a.start, a.days, a.gazetteer, verbose=True,
             offices=a.offices)


if __name__ == "__main__":
    main()
