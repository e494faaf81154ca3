"""A real HTTP server on 127.0.0.1 playing an agency system that serves paged JSON:
slow, failing, and repeating or reordering records across pages."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "s3cret-token-do-not-log"


def police_record(i: int, updated: str = "2024-05-04T08:00:00", **extra: Any) -> dict[str, Any]:
    return {"source_ref": f"HTTP{i:05d}", "reported_at": f"2024-05-03 21:{i % 60:02d}:05",
            "reporter_name": "王晓明" if i % 2 else "李某", "reporter_phone": f"1381234{i:04d}",
            "address": "北京市昌平区北七家镇东三旗村12号", "category": "纠纷-邻里纠纷",
            "description": f"报警人称与邻居鲁某因空调外机发生争执（第{i}次）",
            "updated_at": f"{updated[:-2]}{i % 60:02d}", **extra}


class Feed:
    """The agency system behind the server: records, paging, and planned misbehaviour.

    ``plan`` is consumed one entry per request: an HTTP status to fail with, ``"slow"``
    (answer after ``slow_seconds``), ``"trickle"`` (send the body a byte at a time) or
    ``"ok"``. ``repeat`` starts every page with the last record of the previous one;
    ``reorder`` shuffles each page.
    """

    def __init__(self, records: list[dict[str, Any]], token: str | None = TOKEN) -> None:
        self.records = records
        self.token = token
        self.plan: deque[object] = deque()
        self.requests: list[dict[str, Any]] = []
        self.repeat = False
        self.reorder = False
        self.slow_seconds = 1.0
        self.retry_after = "1"
        self.lock = threading.Lock()

    def page(self, query: dict[str, str]) -> dict[str, Any]:
        since = query.get("updated_since")
        rows = sorted((r for r in self.records if since is None or r["updated_at"] >= since),
                      key=lambda r: (r["updated_at"], json.dumps(r, ensure_ascii=False)))
        offset = int(query.get("cursor", "0"))
        size = int(query.get("page_size", "10"))
        chunk = rows[offset:offset + size]
        if self.repeat and offset > 0:
            chunk = [rows[offset - 1], *chunk]
        if self.reorder:
            random.Random(offset).shuffle(chunk)
        nxt = offset + size
        return {"records": chunk, "next_cursor": str(nxt) if nxt < len(rows) else None}


class Handler(BaseHTTPRequestHandler):
    feed: Feed

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        feed = self.feed
        query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        with feed.lock:
            feed.requests.append({"query": query, "auth": self.headers.get("Authorization")})
            step = feed.plan.popleft() if feed.plan else "ok"
        if feed.token and self.headers.get("Authorization") != f"Bearer {feed.token}":
            self._send(401, b'{"error":"unauthorized"}')
            return
        if isinstance(step, int):
            self._send(step, b'{"error":"busy"}', {"Retry-After": feed.retry_after}
                       if step == 429 else None)
            return
        if step == "badjson":
            self._send(200, b"<html>maintenance</html>")
            return
        body = json.dumps(feed.page(query), ensure_ascii=False).encode("utf-8")
        if step == "slow":
            time.sleep(feed.slow_seconds)
        if step == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(0, len(body), 20):
                self.wfile.write(body[i:i + 20])
                self.wfile.flush()
                time.sleep(0.05)
            return
        self._send(200, body)

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(feed: Feed) -> Iterator[str]:
    """Serve ``feed`` on a free port of 127.0.0.1 in a thread; yields the URL."""
    handler = type("FeedHandler", (Handler,), {"feed": feed})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/api/leads"
    finally:
        httpd.shutdown()
        httpd.server_close()
