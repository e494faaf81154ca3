"""Ingestion throughput and memory over generated exports of all four agencies.

    python bench/ingest.py --rows 1000000 --format csv --db sqlite
    python bench/ingest.py --rows 1000000 --format xlsx --db sqlite
    python bench/ingest.py --rows 200000 --format csv --db postgres --database-url postgresql+psycopg://…

Generates the four agencies' exports with ``write_demo_exports(formats="csv"|"xlsx")``
sized to about ``--rows`` rows (kept under ``--workdir`` and reused by later runs),
then ingests them through the real connector (``flows.stages.ingest_paths``: reading,
normalization in worker processes, bulk writes, one transaction per file) into an
empty database: a fresh SQLite file, or a fresh schema of the PostgreSQL database
that is dropped afterwards. Each phase runs in its own child process so that
generation never counts toward the ingestion's memory.

Prints data size, rows, seconds, rows/s, CPU time, and peak memory: ``ru_maxrss`` of
the ingesting process, the peak of its largest descendant (a worker or the fork server
that starts them), and the largest sum over the whole process tree. Descendants are
read from ``/proc`` every 0.1 s: they need not be the ingesting process's own children,
so ``getrusage`` would not see them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from memory import tree_sample  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
LEADS_PER_CASE = 2.3725  # what the generator's cases yield on average (measured)


def generate(outdir: Path, rows: int, fmt: str, seed: int) -> dict[str, object]:
    """Write (or reuse) the exports; returns their manifest summary."""
    done = outdir / "manifest.json"
    if done.exists():
        return dict(json.loads(done.read_text("utf-8")))
    from samples.exports import write_demo_exports

    cases = max(1, round(rows / LEADS_PER_CASE))
    t = time.perf_counter()
    manifest = write_demo_exports(outdir, cases, seed, formats=fmt)
    info = {"cases": cases, "rows": manifest.total_rows, "leads": manifest.total_leads,
            "files": [str(f.path) for f in manifest.files],
            "bytes": sum(Path(f.path).stat().st_size for f in manifest.files),
            "seconds": round(time.perf_counter() - t, 1)}
    done.write_text(json.dumps(info, ensure_ascii=False), "utf-8")
    return info


def ingest(files: list[Path], db: str, database_url: str | None, workdir: Path,
           workers: int | None) -> dict[str, object]:
    """Ingest ``files`` into an empty database; runs in the measured child process."""
    import resource

    from sqlalchemy import text

    from connectors.resources import open_resources
    from connectors.settings import Settings
    from connectors.store.db import make_engine
    from flows import stages

    schema = None
    home = workdir / f"home-{os.getpid()}"
    if db == "postgres":
        if not database_url:
            raise SystemExit("--db postgres needs --database-url (or TRIAGE_DATABASE_URL)")
        schema = f"bench_ingest_{os.getpid()}"
        with make_engine(database_url).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = database_url
    else:
        url = f"sqlite:///{home / 'triage.db'}"
    settings = Settings(home=home, database_url=url)
    res = open_resources(settings, migrate=False)
    if schema:
        res.engine.dispose()
        res.engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    from connectors.store.db import upgrade

    upgrade(res.engine)
    if workers is not None:
        res.config.ingest.workers = workers
    try:
        t = time.perf_counter()
        summary = stages.ingest_paths(res, files)
        seconds = time.perf_counter() - t
    finally:
        res.engine.dispose()
        if schema:
            with make_engine(database_url or "").begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    me = resource.getrusage(resource.RUSAGE_SELF)
    db_mb = sum(p.stat().st_size for p in home.glob("triage.db*")) / 2**20
    shutil.rmtree(home, ignore_errors=True)  # the exports stay for the next run, not the database
    return {
        "rows": summary.rows_in, "leads_new": summary.leads_new, "rejected": summary.rejected,
        "balanced": summary.balanced, "failed": [f for f in summary.files if f["status"] != "ingested"],
        "seconds": seconds, "rows_per_second": summary.rows_in / seconds if seconds else 0.0,
        "maxrss_mb": me.ru_maxrss / 1024, "main_cpu_seconds": me.ru_utime + me.ru_stime,
        "db_mb": db_mb,
    }


@dataclass
class _Tree:
    """What sampling saw of a phase's process tree."""

    peak_kb: int = 0  # the largest sum of resident memory
    descendants: dict[int, tuple[int, float]] = field(default_factory=dict)  # pid: peak kB, CPU s

    @property
    def largest_descendant_kb(self) -> int:
        return max((hwm for hwm, _ in self.descendants.values()), default=0)

    @property
    def descendants_cpu(self) -> float:
        return sum(cpu for _, cpu in self.descendants.values())


def _child(phase: str, args: argparse.Namespace, extra: list[str]) -> tuple[dict[str, object], _Tree]:
    """Run one phase in a fresh interpreter; its JSON result and what sampling saw."""
    cmd = [sys.executable, __file__, "--phase", phase, "--rows", str(args.rows),
           "--format", args.format, "--db", args.db, "--seed", str(args.seed),
           "--workdir", str(args.workdir), *extra]
    if args.database_url:
        cmd += ["--database-url", args.database_url]
    if args.workers is not None:
        cmd += ["--workers", str(args.workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    tree = _Tree()
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.1):
            seen = tree_sample(proc.pid)
            tree.peak_kb = max(tree.peak_kb, sum(rss for rss, _, _ in seen.values()))
            for p, (_, hwm, cpu) in seen.items():  # a zombie shows no memory: keep maxima
                if p != proc.pid:
                    before = tree.descendants.get(p, (0, 0.0))
                    tree.descendants[p] = (max(before[0], hwm), max(before[1], cpu))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{phase} failed with exit code {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), tree


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--database-url", default=os.environ.get("TRIAGE_DATABASE_URL"))
    ap.add_argument("--workers", type=int, default=None,
                    help="worker processes (default: data/config/ingest.toml)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path,
                    default=Path(tempfile.gettempdir()) / "triage-bench-ingest")
    ap.add_argument("--phase", choices=("generate", "ingest"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    exports = args.workdir / f"{args.format}-{args.rows}-seed{args.seed}"
    if args.phase == "generate":
        print(json.dumps(generate(exports, args.rows, args.format, args.seed), ensure_ascii=False))
        return
    if args.phase == "ingest":
        info = json.loads((exports / "manifest.json").read_text("utf-8"))
        files = [Path(f) for f in info["files"]]
        print(json.dumps(ingest(files, args.db, args.database_url, args.workdir, args.workers),
                         ensure_ascii=False))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    data, _ = _child("generate", args, [])
    result, tree = _child("ingest", args, [])
    cpu = float(result["main_cpu_seconds"]) + tree.descendants_cpu  # type: ignore[arg-type]
    print(f"machine: {os.cpu_count()} cores; database: {args.db}; format: {args.format}")
    print(f"data: {len(data['files'])} files, {data['rows']} rows, "  # type: ignore[arg-type]
          f"{int(data['bytes']) / 2**20:.0f} MB ({args.format})")  # type: ignore[call-overload]
    print(f"ingested: {result['rows']} rows ({result['leads_new']} new leads, "
          f"{result['rejected']} rejected, balanced={result['balanced']}) "
          f"in {result['seconds']:.1f} s → {result['rows_per_second']:,.0f} rows/s "
          f"(CPU {cpu:.0f} s, of which the ingesting process "
          f"{result['main_cpu_seconds']:.0f} s)")
    print(f"peak memory: ingesting process {result['maxrss_mb']:.0f} MB (ru_maxrss), largest "
          f"worker {tree.largest_descendant_kb / 1024:.0f} MB; whole process tree "
          f"{tree.peak_kb / 1024:.0f} MB (sampled)")
    if args.db == "sqlite":
        print(f"database size: {result['db_mb']:.0f} MB")
    if result["failed"]:
        print(f"NOT INGESTED: {result['failed']}")


if __name__ == "__main__":
    main()
