"""A night end to end on a store with a history (issue 13), and the watch path. On demand.

    python bench/night.py --cases 40000 --seed 3 --night 0.01 [--workdir /tmp/triage-night]

The generator writes a district's exports (CSV); the leads reported before the last
``--night`` share form the history, built once into a SQLite store (ingest, a full link,
score, route) and kept in ``--workdir`` for later runs. History cases quiet for
``--quiet-days`` are closed first, as an office that works its cases would have (the sample
roster could not hold a year of open cases). Each run then restores that store and runs the
night as the nightly flow does, stage by stage without Prefect (its start-up is Prefect's,
not ours): the night's files into the inbox, ingest, incremental link, score, route,
alerts, outputs; wall time and peak memory (this process and its workers) per stage. Then
the watch path: one file of 50 rows dropped, ingested, linked, scored, routed and alerted,
timed from landing to alert. Floors (issue 13, at 2,000,000 leads of history and 20,000
new): the night under 5 minutes and 8 GB; the watch path under 60 seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory import tree_rss_kb

from connectors.resources import Resources, open_resources
from connectors.settings import Settings
from connectors.store.access import start_run, sync_roster
from flows import stages
from samples.exports import write_demo_exports


class Clock:
    """Wall time and the peak resident memory of each stage."""

    def __init__(self) -> None:
        self.peak = self.stage_peak = 0
        self.t = time.perf_counter()
        self.rows: list[tuple[str, float, int]] = []
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            kb = tree_rss_kb(os.getpid())
            self.peak, self.stage_peak = max(self.peak, kb), max(self.stage_peak, kb)
            time.sleep(0.2)

    def start(self) -> None:
        self.t, self.stage_peak = time.perf_counter(), 0

    def stage(self, name: str) -> float:
        now = time.perf_counter()
        took = now - self.t
        self.rows.append((name, took, self.stage_peak))
        print(f"  {name:<10} {took:7.1f} s   peak {self.stage_peak / 1024:7.0f} MB", flush=True)
        self.t, self.stage_peak = now, 0
        return took


def _latest(share: float):  # type: ignore[no-untyped-def]
    def pick(leads: pd.DataFrame) -> pd.Series:
        order = pd.to_datetime(leads["reported_at"]).rank(method="first")
        return order > len(leads) * (1 - share)
    return pick


def _earliest(share: float):  # type: ignore[no-untyped-def]
    latest = _latest(share)
    return lambda leads: ~latest(leads)


def _drop(files_dir: Path, inbox: Path) -> int:
    rows = 0
    for f in files_dir.glob("*/*.csv"):  # the agencies' subfolders, not the truth tables
        target = inbox / f.parent.name / f.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, target)
        rows += sum(1 for _ in f.open("rb")) - 1
    return rows


def build_history(args: argparse.Namespace, base: Path) -> None:
    print(f"building the history: {args.cases} cases, seed {args.seed} …", flush=True)
    t0 = time.perf_counter()
    staging = args.workdir / "history-files"
    shutil.rmtree(staging, ignore_errors=True)
    write_demo_exports(staging, args.cases, args.seed, formats="csv", select=_earliest(args.night))
    res = _resources(base)
    _drop(staging, res.settings.inbox)
    sync_roster(res.engine, res.config.mediators)
    got = stages.ingest_inbox(res)
    stages.link_stage(res, full=True)
    stages.score_stage(res, None, got.new_lead_ids)
    close_quiet(res, args.quiet_days)
    stages.route_stage(res)
    print(f"history: {got.leads_new} leads in {time.perf_counter() - t0:.0f} s", flush=True)


def close_quiet(res: Resources, days: int) -> None:
    """What coordinators do over a year: cases quiet for ``days`` are closed (调解成功), so the
    open cases are those of the last weeks, as in an office that works its cases."""
    from datetime import timedelta

    from sqlalchemy import func, select, update
    from sqlmodel import Session, col

    from connectors.store.schema import Case

    with Session(res.engine) as s, s.begin():
        newest = s.execute(select(func.max(col(Case.last_reported_at)))).scalar()
        if newest is None:
            return
        done = s.execute(update(Case).where(
            col(Case.status) == "open", col(Case.last_reported_at) < newest - timedelta(days=days))
            .values(status="closed", outcome="调解成功", closed_at=newest, closed_by="bench"))
        print(f"closed {done.rowcount} cases quiet for {days} days", flush=True)


def created_when_reported(res: Resources) -> None:
    """A history built in one sitting has every case created today; after a year of nightly
    runs each was created when first reported. Without this the day's briefing counts a
    million new cases. Idempotent, untimed."""
    from sqlalchemy import update
    from sqlmodel import Session, col

    from connectors.store.schema import Case

    with Session(res.engine) as s, s.begin():
        s.execute(update(Case).where(col(Case.created_at) > col(Case.first_reported_at))
                  .values(created_at=Case.first_reported_at))


def _resources(home: Path) -> Resources:
    settings = Settings(home=home, database_url=None)
    return open_resources(settings)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=40_000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--night", type=float, default=0.01, help="share of leads that are the night")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/triage-night"))
    ap.add_argument("--quiet-days", type=int, default=60,
                    help="history cases quiet this long are closed, as coordinators would")
    args = ap.parse_args()
    base = args.workdir / f"base-{args.cases}-{args.seed}-{args.night}"
    if not (base / "triage.db").exists():
        shutil.rmtree(base, ignore_errors=True)
        build_history(args, base)
    home = args.workdir / "night"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    night_files = args.workdir / f"night-files-{args.cases}-{args.seed}-{args.night}"
    if not night_files.exists():
        write_demo_exports(night_files, args.cases, args.seed, formats="csv", select=_latest(args.night))
    res = _resources(home)
    created_when_reported(res)
    rows = _drop(night_files, res.settings.inbox)
    print(f"night: {rows} rows in {len(list(night_files.glob('*/*.csv')))} files against the history "
          f"({os.cpu_count()} CPUs)", flush=True)
    clock = Clock()
    clock.start()
    sync_roster(res.engine, res.config.mediators)
    run_id = start_run(res.engine, "nightly", {})  # as the flows do: stages know their run
    got = stages.ingest_inbox(res, run_id)
    clock.stage("ingest")
    link = stages.link_stage(res, run_id)
    clock.stage("link")
    risk = stages.score_stage(res, run_id, got.new_lead_ids)
    clock.stage("score")
    route = stages.route_stage(res, run_id)
    clock.stage("route")
    stages.alert_stage(res)
    clock.stage("alerts")
    outputs = stages.share_stage(res, run_id, {"ingest": stages.summary_dict(got)})
    clock.stage("outputs")
    total = sum(t for _n, t, _p in clock.rows)
    print(f"night total {total:.1f} s, peak {clock.peak / 1024:.0f} MB; {got.leads_new} new leads, "
          f"{link.get('cases')} cases after linking, levels {dict((k, risk.get(k)) for k in '红橙黄蓝')}, "
          f"routed {route.get('routed')}, {len(outputs)} output files", flush=True)
    # the watch path: one file of 50 rows
    watch_files = args.workdir / "watch-files"
    shutil.rmtree(watch_files, ignore_errors=True)
    write_demo_exports(watch_files, 300, args.seed + 1000, formats="csv")
    police = sorted(watch_files.rglob("police/*.csv"))[0]
    head, *rows = police.read_text("utf-8").splitlines()[:51]
    lines = [head, *("W" + r for r in rows)]  # record numbers the history has not seen: new leads
    target = res.settings.inbox / "police" / "watch-50.csv"
    target.write_text("\n".join(lines) + "\n", "utf-8")
    clock.start()
    landed = time.perf_counter()
    run_id = start_run(res.engine, "watch", {})  # the watch flow's stages, as it calls them
    got = stages.ingest_inbox(res, run_id)
    clock.stage("ingest")
    stages.link_stage(res, run_id)
    clock.stage("link")
    stages.score_stage(res, run_id, got.new_lead_ids)
    clock.stage("score")
    stages.route_stage(res, run_id, retry=False)
    clock.stage("route")
    stages.alert_stage(res)
    clock.stage("alerts")
    print(f"watch path: {got.rows_in} rows ({got.leads_new} new leads) from landing to alerts in "
          f"{time.perf_counter() - landed:.1f} s", flush=True)


if __name__ == "__main__":
    main()
