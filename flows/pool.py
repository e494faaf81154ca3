"""Worker processes for the linking stage's lead features and the scoring stage's text
signals, started and closed per run."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from connectors.processes import without_main
from triage.link.engine import ChunkMap
from triage.link.table import LeadChunk
from triage.risk import RiskConfig, RiskScorer
from triage.risk.text import Hit

WORKERS = 2  # processes of a stage's pool (the machines have 2 cores)
_SCORER: RiskScorer | None = None


def pooled(workers: int) -> ChunkMap:
    """Map over chunks of leads in fresh worker processes, closed (memory freed) when done.

    Spawned, so nothing of them outlives the stage (a fork server would stay beside the
    night's largest stages); they start without importing the running program."""
    def run(fn: Callable[[pd.DataFrame], LeadChunk], parts: list[pd.DataFrame]) -> Iterator[LeadChunk]:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            with without_main():  # submits every part: the workers start here
                results = pool.map(fn, parts)
            yield from results
        release_memory()

    return run


def release_memory() -> None:
    """Give freed heap back to the system (the workers' results leave many small holes)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _start_scorer(cfg: RiskConfig) -> None:
    global _SCORER
    _SCORER = RiskScorer(cfg)


Described = tuple[int, str | None, int | None]  # lead id, description, year it was reported


def _chunk_hits(leads: list[Described]) -> list[tuple[int, list[Hit]]]:
    assert _SCORER is not None, "worker started without its scorer"
    return [(lid, _SCORER.text_hits(lid, text, year)) for lid, text, year in leads]


def pooled_text_hits(cfg: RiskConfig, workers: int, pairs: list[Described],
                     chunk: int = 5_000) -> dict[int, list[Hit]]:
    """The text signals of many descriptions (lead id, text, year reported), found in
    ``workers`` fresh processes, each building the scorer once."""
    out: dict[int, list[Hit]] = {}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_scorer, initargs=(cfg,)) as pool:
        with without_main():  # submits every part: the workers start here, not importing the program
            parts = pool.map(_chunk_hits, [pairs[i:i + chunk] for i in range(0, len(pairs), chunk)])
        for part in parts:
            out.update(part)
    release_memory()
    return out
