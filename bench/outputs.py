"""The share-back outputs of a district-sized night (issue 14). Run on demand.

    python bench/outputs.py [--cases 5000] [--seed 4] [--mediators 300] [--workdir /tmp/triage-outputs]

The generator writes a district's exports for ``--cases`` cases; they are ingested, linked,
scored and routed once into a SQLite store kept in ``--workdir`` (not timed). The roster is
the sample roster with each mediator split in two (half the capacity each) until it has
``--mediators`` people, so the work lists are those of a district. Then the outputs stage
runs as the nightly flow runs it: every ledger, every organization's work list, the
briefing. Reported: wall time and peak memory of the stage, files written, rows per ledger.
Floor (issue 14): 5,000 cases and 300 mediators in under 30 seconds on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from night import Clock
from openpyxl import load_workbook

from connectors.resources import Resources, open_resources
from connectors.settings import Settings
from connectors.store.access import finish_run, start_run, sync_roster
from flows import stages
from samples.exports import write_demo_exports

REPO_DATA = Path(__file__).resolve().parent.parent / "data"


def district_data(target: Path, mediators: int) -> Path:
    """A copy of ``data/`` whose roster has ``mediators`` people (the sample's, split)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO_DATA, target)
    path = target / "rosters" / "mediators.csv"
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    out, i = list(rows), 0
    while len(out) < mediators:
        base = rows[i % len(rows)]
        twin = dict(base, mediator_id=f"{base['mediator_id']}-B{i // len(rows)}",
                    name=f"{base['name']}{'乙丙丁戊'[i // len(rows) % 4]}",
                    capacity=str(max(3, int(base["capacity"] or 20) // 2)))
        out.append(twin)
        i += 1
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(out)
    return target


def build(args: argparse.Namespace, home: Path, data: Path) -> Resources:
    res = open_resources(Settings(home=home, database_url=None, data_dir=data))
    if (home / ".built").exists():
        return res
    print(f"building the store: {args.cases} cases, seed {args.seed} …", flush=True)
    t0 = time.perf_counter()
    staging = args.workdir / "files"
    shutil.rmtree(staging, ignore_errors=True)
    manifest = write_demo_exports(staging, args.cases, args.seed, formats="csv")
    for f in manifest.files:
        target = res.settings.inbox / f.source / Path(f.path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f.path, target)
    sync_roster(res.engine, res.config.mediators)
    got = stages.ingest_inbox(res)
    stages.link_stage(res, full=True)
    stages.score_stage(res, None, got.new_lead_ids)
    stages.route_stage(res)
    (home / ".built").write_text(str(got.leads_new))
    print(f"store: {got.leads_new} leads in {time.perf_counter() - t0:.0f} s", flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--mediators", type=int, default=300)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/triage-outputs"))
    args = ap.parse_args()
    data = district_data(args.workdir / "data", args.mediators)
    home = args.workdir / f"home-{args.cases}-{args.seed}-{args.mediators}"
    res = build(args, home, data)
    shutil.rmtree(res.settings.outputs, ignore_errors=True)
    run_id = start_run(res.engine, "nightly", {})
    summary = {"ingest": {"files": ["(the night)"], "rows_in": 1}}
    print(f"outputs of a night: {args.cases} cases, {len(res.config.mediators)} mediators "
          f"({os.cpu_count()} CPUs)", flush=True)
    clock = Clock()
    clock.start()
    paths = stages.share_stage(res, run_id, summary)
    took = clock.stage("outputs")
    finish_run(res.engine, run_id, {}, "completed")
    ledger = next(p for p in paths if p.name.startswith("司法所台账"))
    wb = load_workbook(ledger, read_only=True)
    rows = {ws.title: (ws.max_row or 2) - 2 for ws in wb.worksheets}
    worklists = sum(p.parent.name == "调解员派单" for p in paths)
    print(f"outputs {took:.1f} s, peak {clock.peak / 1024:.0f} MB: {len(paths)} files "
          f"({worklists} work lists), 司法所台账 rows {rows}", flush=True)


if __name__ == "__main__":
    main()
