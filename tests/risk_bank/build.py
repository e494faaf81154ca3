#!/usr/bin/env python3
"""Build bank.jsonl from src/*.txt (pipe format: style|kind|signals|actor|target|text|note)."""
import glob, json, sys
PREFIX = sys.argv[1] if len(sys.argv) > 1 else "B"  # the id letter: B (this bank), S, N …
STY = {"po":"police","wf":"womens_federation","pe":"petition","hl":"hotline_12345","ju":"judgment","me":"mediation","ps":"post"}
KND = {"pos":"positive","neg":"negated","hed":"hedged","dec":"decoy","neu":"neutral"}
SIG = {"th":"threat","wp":"weapon","su":"suicide","di":"dv_injury","st":"strangulation","ob":"order_breach",
       "dv":"dv","ph":"physical","co":"collective","rs":"repeat_skip","he":"heated","pa":"protection_order_application"}
LEVEL = {"threat":"红","weapon":"红","suicide":"红","dv_injury":"红","strangulation":"红","order_breach":"红",
         "dv":"橙","physical":"橙","collective":"橙","repeat_skip":"橙","heated":"黄"}
RANK = {"蓝":0,"黄":1,"橙":2,"红":3}
ORDER = list(SIG.values())
rows, bad = [], 0
for fn in sorted(glob.glob("src/*.txt")):
    for ln, line in enumerate(open(fn, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("|")
        if len(f) == 6: f.append("")
        if len(f) != 7:
            print(f"{fn}:{ln}: {len(f)} fields: {line}"); bad += 1; continue
        st, kd, sg, ac, tg, tx, nt = [x.strip() for x in f]
        try:
            sigs = [SIG[s.strip()] for s in sg.split(",") if s.strip() and s.strip() != "-"]
            style, kind = STY[st], KND[kd]
        except KeyError as e:
            print(f"{fn}:{ln}: bad code {e}"); bad += 1; continue
        sigs = sorted(set(sigs), key=ORDER.index)
        lvl = max((LEVEL.get(s, "蓝") for s in sigs), key=RANK.get, default="蓝")
        o = {"style": style, "text": tx, "signals": sigs, "level": lvl, "kind": kind,
             "actor": None if ac in ("-", "") else ac, "target": None if tg in ("-", "") else tg}
        if nt: o["note"] = nt
        o["_src"] = f"{fn}:{ln}"
        rows.append(o)
if bad: sys.exit(f"{bad} bad lines")
with open("bank.jsonl", "w", encoding="utf-8") as out:
    for i, o in enumerate(rows, 1):
        o.pop("_src")
        d = {"id": f"{PREFIX}{i:04d}", **o}
        out.write(json.dumps(d, ensure_ascii=False) + "\n")
print(f"wrote {len(rows)} rows")
