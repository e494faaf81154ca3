"""Linking benchmark: quality against the generator's truth, wall time and peak memory.

    python bench/link.py --cases 8000 --seed 2                 # quality and time, ~20k leads
    python bench/link.py --cases 8000 --seed 2 --splink        # side by side with Splink 5
    python bench/link.py --cases 420000 --seed 3 --incremental 10000   # scale: 1M leads

Leads are generated and normalized by the same canonical mapping the connectors
use (no database, so the figures are linking alone) in a child process, and kept
under --workdir for later runs; linking then runs in a fresh process, so its peak
memory is linking's own. Lead features are computed by a pool of --workers
processes, as the nightly flow does. With --incremental N, the last N leads by
time are held back, the rest is linked in full, and the N are linked
incrementally against that history with the index the full run left.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import bcubed_f1, pair_counts

from connectors.config import load_config
from connectors.demo_exports import load_units
from connectors.settings import REPO_DATA
from flows.linking import LINK_COLUMNS, cut, word_tags
from triage.canonical import NormalizeContext, RowRejected, canonical_lead
from triage.link import link
from triage.synthetic import generate

FIELDS = ("source_ref", "reported_at", "reporter_name", "reporter_phone", "reporter_id",
          "reporter_sex", "reporter_age", "address", "category", "description", "disposition",
          "urgency", "channel", "headcount", "repeat_flag", "skip_level", "dv_flag", "unit",
          "handler")


def canonical_leads(cases: int, seed: int) -> pd.DataFrame:
    """Generated leads, normalized exactly as ingestion would, with the truth kept beside."""
    cfg = load_config(REPO_DATA)
    ctx = NormalizeContext(cfg.gazetteer, cfg.categories, cfg.default_area_code, cfg.jurisdiction)
    data = generate(cases, seed, units=load_units())
    rows: list[dict[str, Any]] = []
    raw = data.leads
    cols = [c for c in FIELDS if c in raw.columns]
    for rec, source, truth in zip(raw[cols].to_dict("records"), raw["source"], raw["case_id"],
                                  strict=True):
        cells = {k: (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
        if isinstance(cells.get("reported_at"), pd.Timestamp):
            cells["reported_at"] = cells["reported_at"].to_pydatetime()
        try:
            lead = canonical_lead(source, cells, ctx, {})
        except RowRejected:
            continue
        lead["truth"] = truth
        rows.append(lead)
    frame = pd.DataFrame(rows)
    frame["id"] = range(1, len(frame) + 1)
    frame["person_id"] = None
    return frame


def scores(pred: pd.Series, truth: pd.Series) -> dict[str, float]:
    tp, npred, ntrue = pair_counts(pred.reset_index(drop=True), truth.reset_index(drop=True))
    p = tp / npred if npred else 1.0
    r = tp / ntrue if ntrue else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "bcubed_f1": bcubed_f1(pred.reset_index(drop=True), truth.reset_index(drop=True))}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _leads(cases: int, seed: int, workdir: Path) -> pd.DataFrame:
    """Generated leads (with truth), made once in a child process and kept as a pickle."""
    path = workdir / f"leads-{cases}-{seed}.pkl"
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                f"from link import canonical_leads; "
                f"canonical_leads({cases}, {seed}).to_pickle({str(path) + '.tmp'!r})")
        subprocess.run([sys.executable, "-c", code], check=True)
        os.replace(str(path) + ".tmp", path)
    return pd.read_pickle(path)


def peak_children_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cases", type=int, default=8000)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--incremental", type=int, default=0, help="hold back N leads for a night")
    ap.add_argument("--splink", action="store_true", help="also run Splink 5 (DuckDB)")
    ap.add_argument("--workers", type=int, default=2, help="processes computing lead features")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "triage-bench")
    args = ap.parse_args()
    cfg = load_config(REPO_DATA).linking

    t = time.perf_counter()
    leads = _leads(args.cases, args.seed, args.workdir)
    print(f"{len(leads)} leads of {args.cases} cases (seed {args.seed}) ready in "
          f"{time.perf_counter() - t:.1f}s; {os.cpu_count()} cores")
    truth = leads["truth"]
    frame = leads[[c for c in LINK_COLUMNS if c in leads.columns]]  # what the flow reads
    del leads
    words = word_tags()
    with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        chunks = pool.map if args.workers > 1 else None
        if args.incremental:
            run_incremental(frame, truth, cfg, words, chunks, args.incremental)
            return
        t = time.perf_counter()
        result = link(frame, {}, cut, cfg, words=words, chunks=chunks)
        ours_s = time.perf_counter() - t
    ours = scores(frame["id"].astype(int).map(result.case_of), truth)
    print(f"ours: {ours_s:.1f}s, peak {peak_mb():.0f} MB (+ workers {peak_children_mb():.0f} MB), "
          f"stats {result.stats}")
    print("ours: " + ", ".join(f"{k} {v:.4f}" for k, v in ours.items()))
    if args.splink:
        from splink_baseline import run_splink

        t = time.perf_counter()
        labels = run_splink(frame)
        splink_s = time.perf_counter() - t
        theirs = scores(frame["id"].astype(int).map(labels), truth)
        print(f"splink: {splink_s:.1f}s")
        print("splink: " + ", ".join(f"{k} {v:.4f}" for k, v in theirs.items()))
        print(f"side by side: F1 ours {ours['f1']:.4f} vs splink {theirs['f1']:.4f}; "
              f"wall ours {ours_s:.1f}s vs splink {splink_s:.1f}s")


def run_incremental(frame: pd.DataFrame, truth: pd.Series, cfg: Any, words: Any,
                    chunks: Any, night_size: int) -> None:
    """Full link of the history, then one night of ``night_size`` leads with the index."""
    order = frame["reported_at"].argsort(kind="stable").to_numpy()
    frame = frame.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    history = frame.iloc[:-night_size]
    night = frame.iloc[-night_size:]
    t = time.perf_counter()
    base = link(history, {}, cut, cfg, words=words, chunks=chunks)
    full_s = time.perf_counter() - t
    print(f"full link of {len(history)} leads: {full_s:.1f}s, peak {peak_mb():.0f} MB "
          f"(+ workers {peak_children_mb():.0f} MB), {base.stats['pairs']} candidate pairs")
    print("full (history) vs truth: " + ", ".join(
        f"{k} {v:.4f}" for k, v in scores(history["id"].astype(int).map(base.case_of),
                                          truth.iloc[:-night_size]).items()))
    t = time.perf_counter()
    inc = link(frame, base.case_of, cut, cfg, words=words, model=base.model,
               new_ids=night["id"].astype(int).tolist(), index=base.index)
    inc_s = time.perf_counter() - t
    print(f"incremental night of {len(night)} leads against {len(history)}: {inc_s:.1f}s, "
          f"region {inc.stats['region']} leads, peak {peak_mb():.0f} MB")
    pred = frame["id"].astype(int).map(inc.case_of)
    print("incremental result vs truth: " + ", ".join(
        f"{k} {v:.4f}" for k, v in scores(pred, truth).items()))



if __name__ == "__main__":
    main()
