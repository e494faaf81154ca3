"""Worker processes for the linking stage's lead features, started and closed per run."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from triage.link.engine import ChunkMap
from triage.link.table import LeadChunk


def pooled(workers: int) -> ChunkMap:
    """Map over chunks of leads in fresh worker processes, closed (memory freed) when done."""
    def run(fn: Callable[[pd.DataFrame], LeadChunk], parts: list[pd.DataFrame]) -> Iterator[LeadChunk]:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            yield from pool.map(fn, parts)
        release_memory()

    return run


def release_memory() -> None:
    """Give freed heap back to the system (the workers' results leave many small holes)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
