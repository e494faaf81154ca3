"""Workbench page times with a district's store (issue 15). Run on demand.

    python bench/web.py [--cases 100000] [--seed 4] [--requests 20] [--workdir /tmp/triage-web]

The store is built once as ``bench/outputs.py`` builds it (generated exports, ingest, a
full link, score, route; kept in ``--workdir``). ``triage serve`` then runs as a separate
process on 127.0.0.1 and a signed-in coordinator asks, ``--requests`` times each, for the
today page, the page of the most severe case, the page of a typical case, a search by
village and the review page; a mediator asks for their case list. Reported per page: the
median and the 95th percentile of the wall time seen by the client, and the page's size.
Floor (issue 15): the today page and a case page under 300 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from outputs import build, district_data
from sqlalchemy import func, select
from sqlmodel import Session, col

from connectors.store.schema import AppUser, Assignment, Case
from connectors.store.users import add_user

PASSWORD = "bench-password-1"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _signed_in(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, follow_redirects=True, timeout=30)
    form = client.get("/login").text
    token = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token})
    return client


def timed(client: httpx.Client, path: str, n: int) -> tuple[float, float, int]:
    times, size = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
        size = len(r.content)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--mediators", type=int, default=300)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/triage-web"))
    args = ap.parse_args()
    data = district_data(args.workdir / "data", args.mediators)
    home = args.workdir / f"home-{args.cases}-{args.seed}-{args.mediators}"
    res = build(args, home, data)
    with Session(res.engine) as s:
        if s.execute(select(AppUser).where(col(AppUser.name) == "bench")).first() is None:
            mediator = s.execute(select(Assignment.mediator_id, func.count()).where(
                col(Assignment.is_current).is_(True), col(Assignment.mediator_id).is_not(None))
                .group_by(Assignment.mediator_id).order_by(func.count().desc()).limit(1)).first()
            add_user(res.engine, "bench", "coordinator", PASSWORD)
            add_user(res.engine, "bench-med", "mediator", PASSWORD, mediator_id=mediator[0] if mediator else "-")
        cases = s.execute(select(func.count()).select_from(Case)).scalar_one()
        severe = s.execute(select(Case.id).where(col(Case.status) == "open")
                           .order_by(col(Case.risk_score).desc()).limit(1)).scalar_one()
        typical = s.execute(select(Case.id).where(col(Case.status) == "open", col(Case.lead_count) >= 2)
                            .order_by(Case.id).offset(cases // 3).limit(1)).scalar_one()
        village = s.execute(select(Case.village).where(col(Case.village).is_not(None)).limit(1)).scalar_one()
    port = _port()
    env = {**os.environ, "TRIAGE_HOME": str(home), "TRIAGE_DATA_DIR": str(data)}
    env.pop("TRIAGE_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        coord, med = _signed_in(url, "bench"), _signed_in(url, "bench-med")
        print(f"store: {cases} cases ({os.cpu_count()} CPUs); {args.requests} requests per page", flush=True)
        for who, client, path in (("coordinator", coord, "/"), ("coordinator", coord, f"/cases/{severe}"),
                                  ("coordinator", coord, f"/cases/{typical}"),
                                  ("coordinator", coord, f"/cases?village={village}"),
                                  ("coordinator", coord, "/review"), ("mediator", med, "/cases")):
            client.get(path)  # warm: the first request loads the name finder and jieba
            median, p95, size = timed(client, path, args.requests)
            print(f"  {who:<12} {path:<40} median {median:6.0f} ms  p95 {p95:6.0f} ms  {size / 1024:5.0f} KB",
                  flush=True)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
