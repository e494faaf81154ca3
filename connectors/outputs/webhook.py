"""Alert delivery over HTTP (httpx): a POST of the JSON payload to a receiver's webhook, for
example an enterprise-chat group robot. The client is injected, so tests point it at a real
server on 127.0.0.1 instead of patching."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx


class DeliveryFailed(Exception):
    """The receiver did not acknowledge; the message says how (status, timeout, error code)."""


class Webhook:
    """Posts alerts; a 2xx answer is an acknowledgement, unless a robot's JSON says
    ``errcode`` other than 0. Every post carries an ``Idempotency-Key`` (one per alert and
    receiver) so a receiver that got a post whose answer was lost can drop the repeat."""

    def __init__(self, client: httpx.Client | None = None, timeout: float = 5.0) -> None:
        self.client = client or httpx.Client(timeout=httpx.Timeout(timeout))

    def post(self, url: str, payload: Mapping[str, Any], key: str) -> None:
        try:
            r = self.client.post(url, json=dict(payload), headers={"Idempotency-Key": key})
        except httpx.TimeoutException:
            raise DeliveryFailed("接收方超时未应答") from None
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"无法连接接收方：{type(exc).__name__}") from None
        if not r.is_success:
            raise DeliveryFailed(f"接收方返回 HTTP {r.status_code}")
        try:
            body = r.json()
        except ValueError:
            return
        if isinstance(body, dict) and body.get("errcode") not in (None, 0):
            raise DeliveryFailed(f"接收方返回错误码 {body.get('errcode')}：{body.get('errmsg', '')}"[:200])

    def close(self) -> None:
        self.client.close()
