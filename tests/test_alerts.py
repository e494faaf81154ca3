"""Alerts through the outbox to a real HTTP server on 127.0.0.1 that fails, times out and
recovers: at least once, once only to a receiver that acknowledged, backoff between tries,
undelivered listed when the tries run out, and no personal data in what is sent."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from connectors.resources import Resources
from connectors.store.access import now, sync_roster
from connectors.store.outbox import undelivered
from flows import stages

from .exports import POLICE_HEADERS, red_police_row, write_csv

PHONE = "13812345678"
ID_NUMBER = "110114198507061234"


class Receiver(BaseHTTPRequestHandler):
    """/ok answers at once; /flaky answers 500, then too late, then 200; /down always 503."""

    calls: ClassVar[Counter[str]] = Counter()
    acked: ClassVar[list[tuple[str, str]]] = []
    bodies: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        Receiver.bodies.append(body)
        Receiver.calls[self.path] += 1
        n = Receiver.calls[self.path]
        if self.path == "/down" or (self.path == "/flaky" and n == 1):
            self.send_response(503 if self.path == "/down" else 500)
            self.end_headers()
            return
        if self.path == "/flaky" and n == 2:
            time.sleep(1.5)  # longer than the client waits: no acknowledgement
            return
        Receiver.acked.append((self.path, self.headers["Idempotency-Key"]))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Receiver.calls, Receiver.acked, Receiver.bodies = Counter(), [], []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _red_case(res: Resources) -> None:
    write_csv(res.settings.inbox / "police" / "警情_红.csv", POLICE_HEADERS, [red_police_row(
        phone=PHONE, id_number=ID_NUMBER,
        text="报警人称长期遭丈夫家暴，今晚其丈夫酒后手持菜刀堵在门口，扬言要砍死她")])
    sync_roster(res.engine, res.config.mediators)
    ingest = stages.ingest_inbox(res)
    stages.link_stage(res)
    risk = stages.score_stage(res, None, ingest.new_lead_ids)
    assert risk["红"] == 1 and risk["alerts"] == 1
    stages.route_stage(res)


def test_alerts_arrive_once_per_receiver_through_failures(res: Resources, server: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _red_case(res)
    monkeypatch.setenv("TRIAGE_TEST_ROBOT", f"{server}/ok")
    routing = res.config.routing.model_copy(update={"alerts": res.config.routing.alerts.model_copy(
        update={"receivers": {"司法所": "env:TRIAGE_TEST_ROBOT", "派出所": f"{server}/flaky",
                              "调解员": f"{server}/down"},
                "attempts": 3, "backoff_seconds": 60, "timeout_seconds": 0.5,
                "case_url": "https://triage.example/cases/{case_id}"})})
    hooked = Resources(res.settings, res.engine, dataclasses.replace(res.config, routing=routing))
    t0 = now()
    first = stages.alert_stage(hooked, at=t0)
    # coordinators, the lead mediator, 妇联 and 派出所 (domestic violence with a weapon)
    assert first["queued"] == 4 and first["sent"] == 1
    assert stages.alert_stage(hooked, at=t0 + timedelta(seconds=10))["sent"] == 0  # backoff
    assert Receiver.calls == {"/ok": 1, "/flaky": 1, "/down": 1}
    stages.alert_stage(hooked, at=t0 + timedelta(seconds=61))  # flaky times out
    assert Receiver.calls["/flaky"] == 2
    last = stages.alert_stage(hooked, at=t0 + timedelta(seconds=400))  # recovers; down gives up
    assert last["sent"] == 1
    for k in range(5):  # nothing is sent again, to those who acknowledged or to those given up
        stages.alert_stage(hooked, at=t0 + timedelta(hours=k + 1))
    assert Receiver.calls == {"/ok": 1, "/flaky": 3, "/down": 3}
    assert Counter(path for path, _key in Receiver.acked) == {"/ok": 1, "/flaky": 1}
    assert len({key for _path, key in Receiver.acked}) == 2
    lost = undelivered(res.engine)
    assert dict(zip(lost["receiver"].map(lambda r: "mediator" if "-" in r else r), lost["status"],
                    strict=True)) == {"mediator": "failed", "妇联": "no_channel"}
    for body in Receiver.bodies:
        payload = json.loads(body)
        assert payload["level"] == "红" and payload["link"].startswith("https://triage.example/cases/")
        assert PHONE not in body and ID_NUMBER not in body and "王晓明" not in body
        assert "菜刀" not in body  # the lead's words never ride along; signal names do
        assert "持械" in payload["signals"]
