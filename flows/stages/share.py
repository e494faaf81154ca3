"""The sharing stage (信息共享): each receiver's workbook and the day's briefing, masked by policy."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from connectors.outputs.names import NameFinder
from connectors.outputs.share import ShareSetup, write_run_outputs
from connectors.resources import Resources
from connectors.store.sharing import run_day
from triage.normalize.addresses import Gazetteer


@lru_cache(maxsize=4)
def _finder(gazetteer: Gazetteer) -> NameFinder:
    """One name finder per gazetteer: place names (高岭村, 和平社区) are never taken for people."""
    units = gazetteer.units.values()
    return NameFinder([n for u in units for n in (u.name, u.short_name)])


def share_setup(res: Resources) -> ShareSetup:
    return ShareSetup(res.config.masking, res.config.mediators, _finder(res.config.gazetteer))


def share_stage(res: Resources, run_id: int | None = None,
                summary: dict[str, Any] | None = None) -> list[Path]:
    """Write this run's ledgers and work lists (not when it received nothing) and the briefing."""
    summary = summary or {}
    ing = summary.get("ingest", {})
    received = bool(ing.get("files")) or bool(ing.get("rows_in")) or run_id is None
    day = (run_day(res.engine, run_id) if run_id is not None else None) or datetime.now()
    return write_run_outputs(res.engine, res.settings.outputs, share_setup(res), run_id or 0, day,
                             ledgers=received)


def report_stage(res: Resources, run_id: int) -> list[Path]:
    """``triage report --run N``: that run's outputs again, from the store as it is now."""
    day = run_day(res.engine, run_id)
    if day is None:
        raise LookupError(f"没有第 {run_id} 次运行（triage status 可查看最近的运行）")
    return write_run_outputs(res.engine, res.settings.outputs, share_setup(res), run_id, day)
