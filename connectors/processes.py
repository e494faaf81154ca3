"""Starting worker processes: what every pool of ours shares.

A started worker (spawned, or forked from a fork server) first imports the running
program's main module as ``__mp_main__``: for the ``triage`` command that is Prefect and
every stage, 3 s or more per worker before its first task; under a Prefect worker, the
engine. Our workers run functions of this project's packages only, never of the main
module, so they need not.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def without_main() -> Iterator[None]:
    """Start worker processes inside this block so that they do not import the program:
    the main module's file and spec are hidden while they start (a pool starts its
    workers on its first submissions)."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved: dict[str, Any] = {k: main.__dict__[k] for k in ("__file__", "__spec__")
                             if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)
