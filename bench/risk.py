"""Risk scoring against the generator's truth (issue 11), and its speed. Run on demand.

    python bench/risk.py --cases 2000 --seed 1 [--speed-leads 1000000] [--misses 5]

The generator's truth comes from the events it drew for each case (``risk_truth``,
issue 11's policy), told in many wordings it wrote without looking at the detector.
Each true case's leads (grouped by the TRUE case id, so linking errors do not count
here) are given to ``RiskScorer.score`` as the store's lead dicts. Reported: red recall
and precision, exact level agreement, the confusion matrix, recall of true-red cases
within the top 10 % of cases by score, recall per red-flag event, and the time to
score 1,000,000 leads' text with ``text_hits`` on 2 processes (a generated pool of
descriptions, replicated to the count asked for). Targets (reported, not tuned to):
red recall >= 0.98, red precision >= 0.80, exact >= 0.90, top-10 % red recall >= 0.95,
1M leads < 2 min.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

# this checkout's code, not whatever the environment installed (a second worktree's bench
# would otherwise time the first one's code)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connectors.config import load_config
from samples.exports import load_units
from samples.risk_truth import RED_EVENTS
from samples.synthetic import generate
from triage.risk import RiskScorer

LEVELS = ("红", "橙", "黄", "蓝")
DATA = Path(__file__).resolve().parents[1] / "data"
_TARGETS = {"red recall": 0.98, "red precision": 0.80, "exact": 0.90, "top-10% red recall": 0.95}


def _flag(v: Any) -> bool | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return str(v) == "是"


def lead_dicts(leads: pd.DataFrame, categories: Any) -> dict[str, list[dict[str, Any]]]:
    """The generated leads as the store's lead dicts, grouped by the true case id."""
    out: dict[str, list[dict[str, Any]]] = {}
    heads = leads["headcount"].astype("float64").tolist()
    cols = zip(leads["case_id"], leads["source"], leads["source_ref"], leads["reported_at"],
               leads["description"], leads["category"], leads["urgency"], heads,
               leads["repeat_flag"], leads["skip_level"], leads["dv_flag"], strict=True)
    for i, (cid, src, ref, at, desc, cat, urg, head, rep, skip, dv) in enumerate(cols):
        cat_s = cat if isinstance(cat, str) else None
        out.setdefault(cid, []).append({
            "id": i + 1, "source": src, "source_ref": ref,
            "reported_at": at.to_pydatetime(), "description": desc, "category_raw": cat_s,
            "dispute_type": categories.map(cat_s, desc),
            "urgency": urg if isinstance(urg, str) else None,
            "headcount": None if math.isnan(head) else int(head),
            "repeat_flag": _flag(rep), "skip_level": _flag(skip), "dv_flag": _flag(dv),
        })
    return out


# ---------------------------------------------------------------- speed (2 processes)

_scorer: RiskScorer | None = None


def _init_worker() -> None:
    global _scorer
    _scorer = RiskScorer(load_config(DATA).risk)


def _score_chunk(args: tuple[int, list[str]]) -> int:
    start, texts = args
    assert _scorer is not None
    hits = 0
    for k, text in enumerate(texts):
        hits += len(_scorer.text_hits(start + k, text))
    return hits


def speed(pool_texts: list[str], n: int, procs: int = 2, chunk: int = 5000) -> tuple[float, int]:
    """Seconds to run ``text_hits`` over ``n`` texts (the pool replicated) on ``procs``."""
    reps = -(-n // len(pool_texts))
    texts = (pool_texts * reps)[:n]
    jobs = [(i, texts[i:i + chunk]) for i in range(0, n, chunk)]
    ctx = mp.get_context("fork")
    t = time.perf_counter()
    with ctx.Pool(procs, initializer=_init_worker) as pool:
        hits = sum(pool.imap_unordered(_score_chunk, jobs))
    return time.perf_counter() - t, hits


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--speed-leads", type=int, default=1_000_000,
                    help="texts to score for the speed figure (0: skip)")
    ap.add_argument("--misses", type=int, default=0, help="print this many missed red cases")
    ap.add_argument("--false-reds", type=int, default=0,
                    help="print this many cases scored red that are not, with the red evidence")
    args = ap.parse_args()

    t0 = time.perf_counter()
    data = generate(args.cases, args.seed, units=load_units())
    t_gen = time.perf_counter() - t0
    cfg = load_config(DATA)
    scorer = RiskScorer(cfg.risk)
    by_case = lead_dicts(data.leads, cfg.categories)
    t1 = time.perf_counter()
    rows, red_why = [], {}
    for cid, case_leads in by_case.items():
        a = scorer.score(case_leads)
        rows.append((cid, a.level, float(a.score)))
        red_why[cid] = [(s["signal"], s["evidence"][0].get("words"), s["evidence"][0].get("text"))
                        for s in a.signals if s["red_flag"]]
    t_score = time.perf_counter() - t1
    pred = pd.DataFrame(rows, columns=["case_id", "pred", "score"]).set_index("case_id")
    cases = data.cases.set_index("case_id").join(pred)
    truth, got = cases["risk_level"], cases["pred"]
    n_cases, n_leads = len(cases), len(data.leads)

    true_red, pred_red = truth == "红", got == "红"
    tp = int((true_red & pred_red).sum())
    recall = tp / max(1, int(true_red.sum()))
    precision = tp / max(1, int(pred_red.sum()))
    exact = float((truth == got).mean())
    top_k = max(1, math.ceil(0.10 * n_cases))
    top = cases.sort_values("score", ascending=False, kind="stable").head(top_k)
    top_recall = int((top["risk_level"] == "红").sum()) / max(1, int(true_red.sum()))

    print(f"generated {n_cases} cases, {n_leads} leads (seed {args.seed}) in {t_gen:.1f} s; "
          f"scored {n_cases} cases in {t_score:.1f} s")
    print("true level shares: " + ", ".join(
        f"{lvl} {(truth == lvl).mean():.3f}" for lvl in LEVELS))
    figures = {"red recall": recall, "red precision": precision, "exact": exact,
               "top-10% red recall": top_recall}
    for name, value in figures.items():
        mark = "ok" if value >= _TARGETS[name] else "BELOW TARGET"
        print(f"{name:<20} {value:.3f}   (target >= {_TARGETS[name]:.2f}: {mark})")
    print(f"red cases: {int(true_red.sum())} true, {int(pred_red.sum())} predicted, {tp} both")

    print("\nconfusion (rows true, columns predicted):")
    conf = pd.crosstab(truth, got).reindex(index=list(LEVELS), columns=list(LEVELS), fill_value=0)
    print(conf.to_string())

    print("\nrecall of red per red-flag event (cases with the event among their red flags; "
          "'alone' = the only red flag):")
    flags = cases["red_flags"].fillna("").str.split("|")
    for ev in (*RED_EVENTS, "escalation"):
        has = flags.map(lambda f, e=ev: e in f)
        alone = flags.map(lambda f, e=ev: f == [e])
        r_all = (got[has] == "红").mean() if has.any() else float("nan")
        r_alone = (got[alone] == "红").mean() if alone.any() else float("nan")
        print(f"  {ev:<14} {r_all:.3f} of {int(has.sum()):>4}   alone {r_alone:.3f} of "
              f"{int(alone.sum()):>4}")
    false_red = cases[pred_red & ~true_red]
    if len(false_red):
        print("false reds by true level: " + ", ".join(
            f"{k} {v}" for k, v in Counter(false_red["risk_level"]).most_common()))

    if args.misses:
        missed = cases[true_red & ~pred_red].head(args.misses)
        by_id = data.leads.set_index("case_id")
        for case_key, row in missed.iterrows():
            cid = str(case_key)
            print(f"\n--- missed {cid} ({row['dispute_type']}) predicted {row['pred']} "
                  f"score {row['score']:.1f}; red flags: {row['red_flags']}; "
                  f"events: {row['risk_events']}")
            ls = by_id.loc[[cid]].sort_values("reported_at")
            for _, lead in ls.iterrows():
                flags_txt = " ".join(f"{k}={lead[k]}" for k in (
                    "urgency", "headcount", "repeat_flag", "skip_level", "dv_flag")
                    if pd.notna(lead[k]))
                print(f"  {lead['source']:<17} {lead['reported_at']:%Y-%m-%d} {flags_txt}")
                print(f"    {lead['description']}")

    for case_key, row in cases[pred_red & ~true_red].head(args.false_reds).iterrows():
        cid = str(case_key)
        print(f"\n--- false red {cid}: true {row['risk_level']} ({row['risk_events']}); "
              f"scored red by {red_why[cid]}")

    if args.speed_leads:
        pool = data.leads["description"].tolist()
        secs, hits = speed(pool, args.speed_leads)
        reps = args.speed_leads / len(pool)
        print(f"\nspeed: text_hits on {args.speed_leads:,} leads' text in {secs:.1f} s on 2 processes "
              f"({args.speed_leads / secs:,.0f} leads/s; {hits:,} hits; a pool of {len(pool):,} "
              f"generated descriptions replicated {reps:.1f}x) "
              f"(target < 120 s: {'ok' if secs < 120 else 'ABOVE TARGET'})")


if __name__ == "__main__":
    main()
