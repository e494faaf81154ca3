"""Linking and risk quality against the generator's truth, on the embedded default.

    python bench/quality.py --cases 2000 --seed 1

Generates exports, runs ingest → link → score through the stages (no Prefect),
and reports pairwise precision/recall/F1, B-cubed F1, and risk-level agreement
per case, with wall time per stage.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from connectors.resources import open_resources
from connectors.settings import Settings
from connectors.store.access import leads_frame, read_frame, sync_roster
from connectors.store.schema import Case, CaseLink
from flows import stages
from flows.stages import link_stage
from samples.exports import write_demo_exports


def pair_counts(pred: pd.Series, truth: pd.Series) -> tuple[int, int, int]:
    """True-positive, predicted and true pair counts for two clusterings of the same items."""
    def pairs(s: pd.Series) -> int:
        n = s.value_counts()
        return int((n * (n - 1) // 2).sum())
    both = pd.DataFrame({"p": pred.values, "t": truth.values})
    tp = both.groupby(["p", "t"]).size()
    return int((tp * (tp - 1) // 2).sum()), pairs(pred), pairs(truth)


def bcubed_f1(pred: pd.Series, truth: pd.Series) -> float:
    df = pd.DataFrame({"p": pred.values, "t": truth.values})
    inter = df.groupby(["p", "t"]).size().rename("pt")
    df = df.join(inter, on=["p", "t"])
    df["ps"] = df.groupby("p")["p"].transform("size")
    df["ts"] = df.groupby("t")["t"].transform("size")
    precision = (df["pt"] / df["ps"]).mean()
    recall = (df["pt"] / df["ts"]).mean()
    return float(2 * precision * recall / (precision + recall))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="triage-quality-"))
    try:
        t0 = time.perf_counter()
        manifest = write_demo_exports(work / "exports", args.cases, args.seed)
        res = open_resources(Settings(home=work / "home"))
        sync_roster(res.engine, res.config.mediators)
        for f in manifest.files:
            target = res.settings.inbox / f.source / Path(f.path).name
            shutil.copy(f.path, target)
        timings = {"generate": time.perf_counter() - t0}
        t = time.perf_counter()
        ingest = stages.ingest_inbox(res)
        timings["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        link_stage(res)
        timings["link"] = time.perf_counter() - t
        t = time.perf_counter()
        stages.score_stage(res, None, ingest.new_lead_ids)
        timings["score"] = time.perf_counter() - t

        truth = pd.read_csv(manifest.truth_path, dtype=str)
        cases_truth = pd.read_csv(manifest.cases_path, dtype=str)
        leads = leads_frame(res.engine, ("id", "source", "source_ref"))
        links = read_frame(res.engine, select(CaseLink.lead_id, CaseLink.case_id))  # type: ignore[call-overload]
        cases = read_frame(res.engine, select(Case.id, Case.risk_level))  # type: ignore[call-overload]
        df = (leads.merge(links, left_on="id", right_on="lead_id")
              .merge(truth[["source", "source_ref", "case_id"]], on=["source", "source_ref"],
                     suffixes=("", "_true")))
        tp, npred, ntrue = pair_counts(df["case_id"], df["case_id_true"])
        precision = tp / npred if npred else 1.0
        recall = tp / ntrue if ntrue else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"leads {len(df)} (of {len(truth)} in truth), true cases {df['case_id_true'].nunique()}, "
              f"predicted cases {df['case_id'].nunique()}")
        print(f"pairwise precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f}; "
              f"B-cubed F1 {bcubed_f1(df['case_id'], df['case_id_true']):.4f}")
        # risk: each true case gets the highest level among the predicted cases of its leads
        order = {"蓝": 0, "黄": 1, "橙": 2, "红": 3}
        pred_level = df.merge(cases, left_on="case_id", right_on="id")
        pred_level["rank"] = pred_level["risk_level"].map(order)
        per_true = pred_level.groupby("case_id_true")["rank"].max()
        true_level = cases_truth.set_index("case_id")["risk_level"].map(order)
        joined = pd.DataFrame({"pred": per_true, "true": true_level}).dropna()
        exact = float((joined["pred"] == joined["true"]).mean())
        within1 = float(((joined["pred"] - joined["true"]).abs() <= 1).mean())
        names = {v: k for k, v in order.items()}
        confusion = Counter(zip(joined["true"].map(names), joined["pred"].map(names), strict=True))
        print(f"risk level exact {exact:.3f}, within one level {within1:.3f}")
        print("confusion (true→pred): " + ", ".join(f"{a}→{b} {n}" for (a, b), n in sorted(confusion.items())))
        print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
