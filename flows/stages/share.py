"""The sharing stage (信息共享): ledgers, work lists and the briefing, masked per receiver."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.outputs.ledger import write_outputs
from connectors.resources import Resources
from connectors.store.access import read_frame, select_columns
from connectors.store.schema import Mediator


def share_stage(res: Resources, run_id: int | None = None,
                summary: dict[str, Any] | None = None) -> list[Path]:
    """Write ledgers, mediator work lists and the briefing into the outputs folder."""
    mediators = read_frame(res.engine, select_columns(Mediator, "id", "name", "organization"))
    return write_outputs(res.engine, res.settings.outputs, res.config.masking, mediators,
                         summary or {})
