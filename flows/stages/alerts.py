"""The alert stage (稳控共防): every new alert into the outbox for the coordinators, the lead
mediator and the co-agencies, then every delivery that is due sent through the webhook."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from connectors.outputs.webhook import DeliveryFailed, Webhook
from connectors.resources import Resources
from connectors.store.access import now
from connectors.store.outbox import delivery_counts, due, enqueue, record, record_no_channel
from triage.followup import MEDIATORS, alert_payload, receivers


def alert_stage(res: Resources, webhook: Webhook | None = None,
                at: datetime | None = None) -> dict[str, Any]:
    """Queue and send; a receiver that fails is retried in a later run after its backoff."""
    cfg = res.config.routing.alerts
    stamp = at or now()
    queued = enqueue(res.engine, receivers, stamp)
    pending = due(res.engine, stamp)
    own = webhook is None
    hook = webhook or Webhook(timeout=cfg.timeout_seconds)
    sent = failed = 0
    nowhere: list[int] = []
    try:
        for d in pending:
            url = cfg.receivers.get(d["receiver"]) or (
                cfg.receivers.get(MEDIATORS) if d["receiver"] not in cfg.receivers
                and res.config.mediator(d["receiver"]) is not None else None)
            if url is not None and url.startswith("env:"):
                url = os.environ.get(url[4:]) or None  # a robot's URL carries its key
            if url is None:
                nowhere.append(int(d["id"]))
                continue
            payload = alert_payload(d, d["village"] or d["town"], d["signals"], cfg.case_url)
            try:
                hook.post(url, payload, key=f"alert-{d['alert_id']}-{d['id']}")
                error = None
                sent += 1
            except DeliveryFailed as exc:
                error = str(exc)
                failed += 1
            record(res.engine, d["id"], stamp, error, cfg.attempts, cfg.backoff_seconds)
    finally:
        record_no_channel(res.engine, nowhere)
        if own:
            hook.close()
    counts = delivery_counts(res.engine)
    return {"queued": queued, "sent": sent, "failed_tries": failed,
            "undelivered": counts.get("failed", 0) + counts.get("no_channel", 0),
            "pending": counts.get("pending", 0)}
