"""The linking weights (JSON) and the link index (``.npz``) in ``TRIAGE_HOME/models``.

Both are data only: the weights are JSON, the index is numpy arrays read with
``allow_pickle=False``, so a file planted in the folder can at worst fail to
load (and be recomputed), never run code. The index keeps phone and ID numbers
only as keyed hashes (``triage.link.features.Pseudonyms``). Every write goes to
a temporary file first and replaces the old one at once, so a worker reading it
never sees half a file.
"""

from __future__ import annotations

import json
import logging
import os
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np

from triage.link import LinkIndex, MatchModel
from triage.link.index import IndexFormatError, from_arrays, to_arrays

log = logging.getLogger(__name__)
MODEL_FILE = "linking.json"
INDEX_FILE = "link_index.npz"
LEGACY_INDEX = "link_index.pkl"  # written by earlier versions: never read, removed on sight


def model_path(folder: Path) -> Path:
    return folder / MODEL_FILE


def load_model(folder: Path) -> MatchModel | None:
    """The weights the last full run estimated; None (estimate anew) if missing or unusable."""
    path = model_path(folder)
    if not path.exists():
        return None
    try:
        return MatchModel.from_dict(json.loads(path.read_text("utf-8")))
    except (ValueError, KeyError, TypeError) as exc:  # weights of an older model: estimate anew
        log.warning("linking weights %s not usable (%s): the next run estimates them", path, exc)
        return None


def save_model(folder: Path, model: MatchModel, run_id: int | None, at: datetime) -> Path:
    """Write the weights, and a copy named for the run so earlier weights can be compared."""
    path = model_path(folder)
    body = {"run_id": run_id, "estimated_at": at.isoformat(), **model.to_dict()}
    text = json.dumps(body, ensure_ascii=False, indent=2)
    _replace(path, text.encode("utf-8"))
    _replace(folder / f"linking-run{run_id or 0}.json", text.encode("utf-8"))
    return path


def index_path(folder: Path) -> Path:
    return folder / INDEX_FILE


def load_index(folder: Path) -> LinkIndex | None:
    """The previous run's features and keys; None (all is recomputed) if missing or unreadable."""
    legacy = folder / LEGACY_INDEX
    if legacy.exists():  # a pickle can run code when loaded: never read, and it held numbers in clear
        log.warning("removing %s, an index of an earlier version (never loaded)", legacy)
        legacy.unlink(missing_ok=True)
    path = index_path(folder)
    try:
        with np.load(path, allow_pickle=False) as npz:
            index = from_arrays({name: npz[name] for name in npz.files})
    except FileNotFoundError:
        return None
    except (IndexFormatError, ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        log.warning("linking index %s unreadable (%s): features are recomputed", path, exc)
        return None
    if not index.current():
        log.warning("linking index %s is from another version: features are recomputed", path)
        return None
    return index


def save_index(folder: Path, index: LinkIndex) -> Path:
    path = index_path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez(fh, allow_pickle=False, **to_arrays(index))
    os.replace(tmp, path)
    return path


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
