#!/usr/bin/env python3
"""Validate bank.jsonl and print counts."""
import json, sys, re
from collections import Counter
VOCAB = ["threat","weapon","suicide","dv_injury","strangulation","order_breach","dv","physical",
         "collective","repeat_skip","heated","protection_order_application"]
RED = {"threat","weapon","suicide","dv_injury","strangulation","order_breach"}
ORANGE = {"dv","physical","collective","repeat_skip"}
YELLOW = {"heated"}
STYLES = ["police","womens_federation","petition","hotline_12345","judgment","mediation","post"]
KINDS = ["positive","negated","hedged","decoy","neutral"]
KEYS = {"id","style","text","signals","level","kind","actor","target"}
def level_of(sigs):
    s = set(sigs)
    return "红" if s & RED else "橙" if s & ORANGE else "黄" if s & YELLOW else "蓝"
errs, rows = [], []
for n, line in enumerate(open(sys.argv[1] if len(sys.argv) > 1 else "bank.jsonl", encoding="utf-8"), 1):
    try:
        o = json.loads(line)
    except Exception as e:
        errs.append(f"line {n}: bad json {e}"); continue
    rows.append(o)
    if not KEYS <= set(o) or set(o) - KEYS - {"note"}:
        errs.append(f"{o.get('id')}: keys {sorted(o)}")
    if o["style"] not in STYLES: errs.append(f"{o['id']}: style {o['style']}")
    if o["kind"] not in KINDS: errs.append(f"{o['id']}: kind {o['kind']}")
    bad = [s for s in o["signals"] if s not in VOCAB]
    if bad: errs.append(f"{o['id']}: unknown signals {bad}")
    if len(set(o["signals"])) != len(o["signals"]): errs.append(f"{o['id']}: duplicate signal")
    if o["level"] != level_of(o["signals"]): errs.append(f"{o['id']}: level {o['level']} != {level_of(o['signals'])}")
    if o["kind"] == "neutral" and o["signals"]: errs.append(f"{o['id']}: neutral with signals")
    if o["kind"] == "positive" and not o["signals"]: errs.append(f"{o['id']}: positive without signals")
    if not o["text"].strip(): errs.append(f"{o['id']}: empty text")
ids = Counter(o["id"] for o in rows)
errs += [f"duplicate id {i}" for i, c in ids.items() if c > 1]
texts = Counter(o["text"] for o in rows)
errs += [f"duplicate text: {t}" for t, c in texts.items() if c > 1]
print("rows:", len(rows))
print("errors:", len(errs)); [print("  ", e) for e in errs[:50]]
sig_all = Counter(s for o in rows for s in o["signals"])
sig_pos = Counter(s for o in rows if o["kind"] == "positive" for s in o["signals"])
print("\nsignal              all  in-positive")
for s in VOCAB: print(f"  {s:30s} {sig_all[s]:4d} {sig_pos[s]:4d}")
print("\nkind:", dict(Counter(o["kind"] for o in rows)))
print("style:", dict(Counter(o["style"] for o in rows)))
print("level:", dict(Counter(o["level"] for o in rows)))
nhd = sum(o["kind"] in ("negated","hedged","decoy") for o in rows)
print("negated+hedged+decoy:", nhd)
# requirement check
req = {**{s:60 for s in RED}, "dv":50, "physical":50, "heated":50, "collective":25, "repeat_skip":25, "protection_order_application":20}
short = {s: (sig_pos[s], n) for s, n in req.items() if sig_pos[s] < n}
sty = Counter(o["style"] for o in rows)
for s in STYLES:
    need = 120 if s in ("police","womens_federation","petition","hotline_12345") else 60
    if sty[s] < need: short[s] = (sty[s], need)
if len(rows) < 900: short["total"] = (len(rows), 900)
if nhd < 300: short["neg+hed+dec"] = (nhd, 300)
kc = Counter(o["kind"] for o in rows)
if kc["neutral"] < 80: short["neutral"] = (kc["neutral"], 80)
print("\nSHORTFALLS:" if short else "\nall quotas met", short if short else "")
sys.exit(1 if errs else 0)
