"""Linking benchmark: quality against the generator's truth, wall time and peak memory.

    python bench/link.py --cases 8000 --seed 2                 # quality and time, ~20k leads
    python bench/link.py --cases 8000 --seed 2 --splink        # side by side with Splink 5
    python bench/link.py --cases 420000 --seed 3 --incremental 10000   # scale: 1M leads
    python bench/link.py --data gen2 --cases 50000 --seed 5 --backfill --splink   # from files

With --backfill (gen2 only), a year of a district's weekly exports (``--offices`` stations
each exporting every week: 50,000 disputes and 6 offices give 1,272 files, 110k rows)
is ingested into a fresh store and linked in full, as a new deployment's first run does,
and timed from the files to the cases; with --splink, Splink's time in the same run is
pandas reading the same files (raw, no header finding or normalization: less work than
any reader that could feed it) plus its linking of our normalized leads.

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
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory import tree_rss_kb
from quality import bcubed_f1, pair_counts

from connectors.config import load_config
from connectors.settings import REPO_DATA
from connectors.store.link_files import load_index, load_model, save_index, save_model
from connectors.store.linking import LINK_COLUMNS
from connectors.tokenizer import cut, word_tags
from flows.pool import pooled
from samples.exports import load_units
from samples.synthetic import generate
from triage.link import link
from triage.link.factors import FACTORS
from triage.link.regularize import violations
from triage.normalize.lead import NormalizeContext, RowRejected, canonical_lead

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


def independent_leads(cases: int, seed: int, workdir: Path, name: str = "gen2") -> pd.DataFrame:
    """An independent generator's exports (``bench/gen2``, ``bench/gen3``), read as a
    deployment reads them: every file through the real ingestion into a scratch SQLite store,
    the leads then taken from the store and matched to the generator's truth by agency
    record number."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / name))
    from generate import generate as generate_other

    from connectors.resources import open_resources
    from connectors.settings import Settings
    from connectors.store.access import leads_frame
    from flows.stages.ingest import ingest_paths

    files = workdir / f"{name}-files-{cases}-{seed}"
    if not (files / "truth.csv").exists():
        generate_other(cases, seed, files)
    home = workdir / f"{name}-store-{cases}-{seed}"
    shutil.rmtree(home, ignore_errors=True)
    res = open_resources(Settings(home=home, database_url=None))
    listed = pd.read_csv(files / "files.csv", dtype=str)  # the generator's manifest of exports
    paths = [files / f for f in listed["file"]]
    hints: list[str | None] = list(listed["source"])  # as the inbox's agency folders tell
    got = ingest_paths(res, paths, hints=hints)
    print(f"{name}: {len(paths)} files, {got.rows_in} rows read: {got.leads_new} leads, "
          f"{got.leads_updated + got.leads_unchanged} repeated, {got.rejected} rejected, "
          f"{got.quarantined} files quarantined, {got.failed} failed", flush=True)
    for f in got.files:
        if f["status"] not in ("ingested", "duplicate") or f["rejected"]:
            print(f"  {f['file']}: {f['status']}, {f['rejected']} rejected {f['reason'] or ''}")
    leads = leads_frame(res.engine, (*LINK_COLUMNS, "source_ref"))
    leads["truth"] = truth_of(files, leads)
    lost = int(leads["truth"].isna().sum())
    if lost:
        print(f"{name}: {lost} leads with no truth row (kept apart)", flush=True)
        leads.loc[leads["truth"].isna(), "truth"] = [f"?{i}" for i in range(lost)]
    leads["person_id"] = None
    return leads.drop(columns=["source_ref", "updated_at"], errors="ignore")


def truth_of(files: Path, leads: pd.DataFrame) -> list[str | None]:
    """Each lead's true dispute from the generator's ``truth.csv``, by agency and record
    number (None for a lead the truth does not know)."""
    truth = pd.read_csv(files / "truth.csv", dtype=str, encoding="utf-8")
    key = dict(zip(zip(truth["source"], truth["source_ref"].str.strip(), strict=True),
                   truth["dispute_id"], strict=True))
    return [key.get((s, str(r).strip())) for s, r in zip(leads["source"], leads["source_ref"],
                                                          strict=True)]


def scores(pred: pd.Series, truth: pd.Series) -> dict[str, float]:
    tp, npred, ntrue = pair_counts(pred.reset_index(drop=True), truth.reset_index(drop=True))
    p = tp / npred if npred else 1.0
    r = tp / ntrue if ntrue else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "bcubed_f1": bcubed_f1(pred.reset_index(drop=True), truth.reset_index(drop=True))}


def _leads(cases: int, seed: int, workdir: Path, data: str = "gen1") -> pd.DataFrame:
    """Generated leads with their truth: made once in a child process and kept as Parquet,
    of which only the columns the nightly flow reads are loaded."""
    path = workdir / f"leads-{data}-{cases}-{seed}.parquet"
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        make = "canonical_leads" if data == "gen1" else "independent_leads"
        where = "" if data == "gen1" else f", __import__('pathlib').Path({str(workdir)!r}), {data!r}"
        code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                f"from link import {make}; "
                f"{make}({cases}, {seed}{where}).to_parquet({str(path) + '.tmp'!r})")
        subprocess.run([sys.executable, "-c", code], check=True)
        os.replace(str(path) + ".tmp", path)
    import pyarrow.parquet as pq

    present = set(pq.read_schema(path).names)
    frame = pd.read_parquet(path, columns=[c for c in (*LINK_COLUMNS, "truth") if c in present])
    frame["phones"] = [list(p) if p is not None else None for p in frame["phones"]]
    return frame


class Sampler:
    """Largest resident memory of this process and its workers, sampled every 0.2 s."""

    def __init__(self) -> None:
        self.peak_kb = self.stage_kb = 0
        self.t = time.perf_counter()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            kb = tree_rss_kb(os.getpid())
            self.peak_kb, self.stage_kb = max(self.peak_kb, kb), max(self.stage_kb, kb)
            time.sleep(0.2)

    def start(self) -> None:
        self.t, self.stage_kb = time.perf_counter(), 0

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        print(f"  {name:<9} {now - self.t:6.1f}s  peak {self.stage_kb / 1024:6.0f} MB", flush=True)
        self.t, self.stage_kb = now, 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cases", type=int, default=8000)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--data", choices=("gen1", "gen2", "gen3"), default="gen1",
                    help="gen1: samples/ (linking is tuned on it); gen2, gen3: bench/gen2, bench/gen3, "
                         "each written independently from the export spec, read through the real "
                         "ingestion (gen3 is held out: measured, never diagnosed)")
    ap.add_argument("--incremental", type=int, default=0, help="hold back N leads for a night")
    ap.add_argument("--splink", action="store_true", help="also run Splink 5 (DuckDB)")
    ap.add_argument("--workers", type=int, default=2, help="processes computing lead features")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "triage-bench")
    ap.add_argument("--compare-full", action="store_true",
                    help="after the night, rebuild all in full and compare the two partitions")
    ap.add_argument("--night-from", type=Path, help=argparse.SUPPRESS)  # the night's own process
    ap.add_argument("--backfill", action="store_true",
                    help="gen2's weekly exports through ingestion and a full link, timed from files")
    ap.add_argument("--offices", type=int, default=6, help="--backfill: offices exporting each week")
    args = ap.parse_args()
    if args.backfill:
        run_backfill(args.cases, args.seed, args.offices, args.workdir, args.splink)
        return
    cfg = load_config(REPO_DATA).linking

    t = time.perf_counter()
    leads = _leads(args.cases, args.seed, args.workdir, args.data)
    print(f"{args.data}: {len(leads)} leads of {args.cases} cases (seed {args.seed}) ready in "
          f"{time.perf_counter() - t:.1f}s; {os.cpu_count()} cores")
    truth = leads.pop("truth")
    frame = leads
    words = word_tags()
    sampler = Sampler()
    time.sleep(0.5)
    print(f"leads in memory: {sampler.peak_kb / 1024:.0f} MB resident before linking")
    chunks = pooled(args.workers) if args.workers > 1 else None
    if args.night_from:
        run_night(frame, truth, cfg, words, args.incremental, sampler, args.night_from,
                  args.compare_full)
        return
    if args.incremental:
        state = args.workdir / f"index-{args.cases}-{args.seed}-{args.incremental}"
        run_incremental(frame, truth, cfg, words, chunks, args.incremental, sampler, state)
        return
    t = time.perf_counter()
    sampler.start()
    result = link(frame, {}, cut, cfg, words=words, chunks=chunks, progress=sampler.stage)
    ours_s = time.perf_counter() - t
    ours = scores(frame["id"].astype(int).map(result.case_of), truth)
    print(f"ours: {ours_s:.1f}s, peak {sampler.peak_kb / 1024:.0f} MB with workers, "
          f"stats {result.stats}")
    print("ours: " + ", ".join(f"{k} {v:.4f}" for k, v in ours.items()))
    broken = violations(FACTORS, result.model.weights())
    print(f"weight orders: {len(broken)} broken" + "".join(f"\n  {b}" for b in broken[:10]))
    if args.splink:
        from splink_baseline import run_splink

        from triage.link.features import Subjects

        t = time.perf_counter()
        labels = run_splink(frame, subjects=Subjects.of(cfg.subjects))
        splink_s = time.perf_counter() - t
        theirs = scores(frame["id"].astype(int).map(labels), truth)
        print(f"splink: {splink_s:.1f}s")
        print("splink: " + ", ".join(f"{k} {v:.4f}" for k, v in theirs.items()))
        print(f"side by side: F1 ours {ours['f1']:.4f} vs splink {theirs['f1']:.4f}; "
              f"wall ours {ours_s:.1f}s vs splink {splink_s:.1f}s")


def run_backfill(cases: int, seed: int, offices: int, workdir: Path, splink: bool) -> None:
    """Files → cases, ours against Splink, measured side by side in this one process."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "gen2"))
    from generate import generate as generate_gen2

    from connectors.resources import open_resources
    from connectors.settings import Settings
    from connectors.store.access import read_frame, select_columns
    from connectors.store.schema import CaseLink, Lead
    from flows.stages.ingest import ingest_paths
    from flows.stages.link import link_stage

    files = workdir / f"gen2-weekly-{cases}-{seed}-{offices}"
    if not (files / "truth.csv").exists():
        generate_gen2(cases, seed, str(files), files="weekly", offices=offices)
    listed = pd.read_csv(files / "files.csv", dtype=str, keep_default_na=False)
    paths = [files / f for f in listed["file"]]
    size = sum(p.stat().st_size for p in paths)
    print(f"backfill: {len(paths)} files, {size / 1e6:.0f} MB, {os.cpu_count()} cores", flush=True)

    home = workdir / f"backfill-store-{cases}-{seed}-{offices}"
    shutil.rmtree(home, ignore_errors=True)
    t0 = time.perf_counter()
    res = open_resources(Settings(home=home, database_url=None))
    got = ingest_paths(res, paths, hints=list(listed["source"]))
    t1 = time.perf_counter()
    linked = link_stage(res, full=True)
    t2 = time.perf_counter()
    ours_s = t2 - t0
    print(f"ours: ingest {t1 - t0:.1f}s ({got.rows_in} rows, {got.rows_in / (t1 - t0):,.0f} rows/s: "
          f"{got.leads_new} leads, {got.rejected} rejected, {got.quarantined} quarantined, "
          f"{got.failed} failed), link {t2 - t1:.1f}s ({linked.get('cases')} cases); "
          f"total {ours_s:.1f}s", flush=True)
    leads = read_frame(res.engine, select_columns(Lead, *LINK_COLUMNS, "source_ref"))
    links = read_frame(res.engine, select_columns(CaseLink, "lead_id", "case_id"))
    truth = pd.Series([t if t is not None else f"?{i}"  # unknown to the truth: kept apart
                       for i, t in enumerate(truth_of(files, leads))])
    case_of = dict(zip(links["lead_id"].astype(int), links["case_id"], strict=True))
    ours = scores(leads["id"].astype(int).map(case_of), truth)
    print("ours: " + ", ".join(f"{k} {v:.4f}" for k, v in ours.items()), flush=True)
    if not splink:
        return
    from splink_baseline import run_splink

    from triage.link.features import Subjects

    t0 = time.perf_counter()
    rows = 0
    for name, fmt, enc in zip(listed["file"], listed["format"], listed["encoding"], strict=True):
        if fmt == "csv":
            raw = pd.read_csv(files / name, encoding=enc or "utf-8", header=None, dtype=str,
                              on_bad_lines="skip", engine="python")
        else:
            raw = pd.read_excel(files / name, header=None, dtype=str, engine="calamine")
        rows += len(raw)
    t1 = time.perf_counter()
    frame = leads.drop(columns=["source_ref"])
    frame["person_id"] = None
    labels = run_splink(frame, subjects=Subjects.of(res.config.linking.subjects))
    t2 = time.perf_counter()
    theirs = scores(frame["id"].astype(int).map(labels), truth)
    print(f"splink: read {t1 - t0:.1f}s ({rows} raw rows, pandas+calamine), link {t2 - t1:.1f}s; "
          f"total {t2 - t0:.1f}s")
    print("splink: " + ", ".join(f"{k} {v:.4f}" for k, v in theirs.items()))
    print(f"side by side, files to cases: ours {ours_s:.1f}s vs splink {t2 - t0:.1f}s "
          f"({(t2 - t0) / ours_s:.2f}x); F1 ours {ours['f1']:.4f} vs splink {theirs['f1']:.4f}")


def run_incremental(frame: pd.DataFrame, truth: pd.Series, cfg: Any, words: Any,
                    chunks: Any, night_size: int, sampler: Sampler, state: Path) -> None:
    """Full link of the history; then, in a fresh process as a nightly run would be, one
    night of ``night_size`` leads with the index the full run left (read from disk)."""
    order = frame["reported_at"].argsort(kind="stable").to_numpy()
    frame = frame.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    history = frame.iloc[:-night_size]
    t = time.perf_counter()
    sampler.start()
    base = link(history, {}, cut, cfg, words=words, chunks=chunks, progress=sampler.stage)
    full_s = time.perf_counter() - t
    print(f"full link of {len(history)} leads: {full_s:.1f}s, peak {sampler.peak_kb / 1024:.0f} MB "
          f"with workers, {base.stats['pairs']} candidate pairs")
    print("full (history) vs truth: " + ", ".join(
        f"{k} {v:.4f}" for k, v in scores(history["id"].astype(int).map(base.case_of),
                                          truth.iloc[:-night_size]).items()))
    assert base.index is not None
    t = time.perf_counter()
    kept = save_index(state, base.index)  # as the nightly flow keeps them: .npz, JSON, Parquet
    save_model(state, base.model, 0, datetime.now())
    pd.DataFrame({"lead_id": list(base.case_of), "case_id": list(base.case_of.values())}
                 ).to_parquet(state / "case_of.parquet")
    print(f"index kept: {kept.stat().st_size / 2**20:.0f} MB on disk, written in "
          f"{time.perf_counter() - t:.1f}s", flush=True)
    del base, history
    subprocess.run([sys.executable, __file__, *sys.argv[1:], "--night-from", str(state)], check=True)


def run_night(frame: pd.DataFrame, truth: pd.Series, cfg: Any, words: Any, night_size: int,
              sampler: Sampler, state: Path, compare_full: bool = False) -> None:
    """The night itself: read the kept index, link ``night_size`` new leads against it."""
    order = frame["reported_at"].argsort(kind="stable").to_numpy()
    frame = frame.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    night = frame.iloc[-night_size:]
    t = time.perf_counter()
    index, model = load_index(state), load_model(state)
    assert index is not None and model is not None, f"no index or weights in {state}"
    links = pd.read_parquet(state / "case_of.parquet")
    case_of = dict(zip(links["lead_id"].astype(int), links["case_id"], strict=True))
    load_s = time.perf_counter() - t
    sampler.start()
    inc = link(frame, case_of, cut, cfg, words=words, model=model,
               new_ids=night["id"].astype(int).tolist(), index=index, progress=sampler.stage)
    inc_s = time.perf_counter() - t
    print(f"incremental night of {len(night)} leads against {len(frame) - len(night)}: "
          f"{inc_s:.1f}s (reading the index {load_s:.1f}s), region {inc.stats['region']} leads, "
          f"peak {sampler.peak_kb / 1024:.0f} MB")
    pred = frame["id"].astype(int).map(inc.case_of)
    print("incremental result vs truth: " + ", ".join(
        f"{k} {v:.4f}" for k, v in scores(pred, truth).items()))
    if compare_full:
        full = link(frame, case_of, cut, cfg, words=words, model=model)
        rebuilt = frame["id"].astype(int).map(full.case_of)
        print("incremental vs full rebuild (same weights), the rebuild taken as truth: " + ", ".join(
            f"{k} {v:.4f}" for k, v in scores(pred, rebuilt).items()))


if __name__ == "__main__":
    main()
