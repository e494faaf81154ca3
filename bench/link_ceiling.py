"""How far linking could go on today's evidence: the ceiling of better weights alone.

The linker compares two leads field by field into levels (γ) and turns the levels into a
probability. This bench replaces that probability by the truth itself: for every pattern
of levels seen in at least ``--least`` candidate pairs, the share of those pairs that are
one dispute in the generator's truth. It then clusters with the same rules as the real run.
That is what perfectly calibrated weights over the same comparison levels would give (a
little better still: the shares are read on the very pairs they score), so a quality floor
above it needs new evidence (new fields or levels), not better weights.

    python bench/link_ceiling.py --data gen2 --cases 5000 --seed 1 --accept 0.97,0.9,0.8

Prints ours beside the ceiling at each accept threshold, on the leads ``bench/link.py``
caches (the same data, the same figures).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from link import _leads, scores

import triage.link.engine as engine
from connectors.config import load_config
from connectors.settings import REPO_DATA
from connectors.tokenizer import cut, word_tags
from triage.link import link
from triage.link.blocking import candidate_pairs, lead_keys
from triage.link.compare import compare_pairs
from triage.link.crowded import home_reporters
from triage.link.encode import encode
from triage.link.features import UNKEYED
from triage.link.persons import group_persons


def pattern_shares(frame: pd.DataFrame, truth: pd.Series, cfg: Any, words: Any,
                   least: int) -> dict[bytes, float]:
    """Per pattern of levels among the blocked candidate pairs: the share that are one dispute."""
    table, stats, vocabs = engine._refresh(frame, cut, cfg.lexicons(), UNKEYED, None, set(), None)
    persons = group_persons(table)
    enc = replace(encode(table, stats, vocabs, cfg.stopwords, cfg.max_df, words),
                  home_reporters=home_reporters(table, persons), household=cfg.household)
    pairs = candidate_pairs(enc.t, lead_keys(enc, cfg.blocking), cfg.blocking)
    gamma, _ = compare_pairs(enc, pairs)
    t = truth.to_numpy()
    same = t[pairs[:, 0]] == t[pairs[:, 1]]
    keys = [row.tobytes() for row in gamma.astype(np.int8)]
    got = pd.DataFrame({"k": keys, "t": same}).groupby("k")["t"].agg(["sum", "count"])
    return {k: float(s) / c for k, (s, c) in zip(got.index, got.to_numpy(), strict=True)
            if c >= least}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", choices=("gen1", "gen2", "gen3"), default="gen2")
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--least", type=int, default=5, help="pairs a pattern needs for its share")
    ap.add_argument("--accept", default="0.97", help="accept thresholds, comma-separated")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "triage-bench")
    args = ap.parse_args()
    cfg = load_config(REPO_DATA).linking
    leads = _leads(args.cases, args.seed, args.workdir, args.data)
    truth = leads.pop("truth").reset_index(drop=True)
    words = word_tags()
    shares = pattern_shares(leads, truth, cfg, words, args.least)
    real = engine.match_probability

    def ceiling(model: Any, gamma: np.ndarray, extra: np.ndarray | None = None,
                step: int = 4_000_000) -> np.ndarray:
        out = real(model, gamma, extra, step)  # a pattern too rare for a share keeps ours
        for k, row in enumerate(gamma.astype(np.int8)):
            share = shares.get(row.tobytes())
            if share is not None:
                out[k] = min(max(share, 1e-6), 1 - 1e-6)
        return out

    print(f"{args.data} {args.cases} cases (seed {args.seed}): {len(leads)} leads, "
          f"{len(shares)} patterns with {args.least}+ pairs")
    for accept in (float(a) for a in args.accept.split(",")):
        run = cfg.model_copy(update={"accept": accept})
        for name, prob in (("ours", real), ("ceiling", ceiling)):
            engine.match_probability = prob  # type: ignore[assignment]
            result = link(leads, {}, cut, run, words=words)
            got = scores(leads["id"].astype(int).map(result.case_of), truth)
            print(f"accept {accept:.2f} {name:8s} " + ", ".join(f"{k} {v:.4f}" for k, v in got.items()),
                  flush=True)
        engine.match_probability = real


if __name__ == "__main__":
    main()
