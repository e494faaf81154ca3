"""The linking weights (JSON) and the link index (``.npz``) in ``TRIAGE_HOME/models``.

Both are data only: the weights are JSON, the index is numpy arrays read with
``allow_pickle=False``, so a file planted in the folder can at worst fail to
load (and be recomputed), never run code. The index keeps phone and ID numbers
only as keyed hashes (``triage.link.features.Pseudonyms``). Every write goes to
a temporary file first and replaces the old one at once, so a worker reading it
never sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import logging
import mmap
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from triage.link import LinkIndex, MatchModel
from triage.link.index import IndexFormatError, from_arrays, to_arrays

log = logging.getLogger(__name__)
MODEL_FILE = "linking.json"
INDEX_FILE = "link_index.npz"
LEGACY_INDEX = "link_index.pkl"  # written by earlier versions: never read, removed on sight


@contextlib.contextmanager
def index_lock(folder: Path) -> Iterator[None]:
    """Held while a run reads, updates and writes the index, and while a person is forgotten:
    two writers at once would each keep what the other removed."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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
        index = from_arrays(read_arrays(path))
    except FileNotFoundError:
        return None
    except (IndexFormatError, ValueError, OSError, zipfile.BadZipFile, EOFError, struct.error) as exc:
        log.warning("linking index %s unreadable (%s): features are recomputed", path, exc)
        return None
    if not index.current():
        log.warning("linking index %s is from another version: features are recomputed", path)
        return None
    return index


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` as ``np.savez`` writes it (stored, not compressed), read
    straight from a memory map: one copy per array, checksums verified, and any array of
    Python objects refused (that would need unpickling)."""
    with zipfile.ZipFile(path) as z:
        members = z.infolist()
    out: dict[str, np.ndarray] = {}
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        for info in members:
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise IndexFormatError(f"unexpected member {info.filename}")
            off = info.header_offset
            name_len, extra_len = struct.unpack("<HH", mm[off + 26:off + 30])
            out[info.filename[:-4]] = _member(mm, off + 30 + name_len + extra_len, info)
    return out


def _member(mm: mmap.mmap, start: int, info: zipfile.ZipInfo) -> np.ndarray:
    with memoryview(mm) as whole, whole[start:start + info.file_size] as data:
        if zlib.crc32(data) != info.CRC:
            raise IndexFormatError(f"{info.filename} damaged (checksum)")
        head = io.BytesIO(data[:min(len(data), 65536)].tobytes())
        version = np.lib.format.read_magic(head)
        shape, fortran, dtype = (np.lib.format.read_array_header_1_0(head) if version == (1, 0)
                                 else np.lib.format.read_array_header_2_0(head))
        if dtype.hasobject or fortran:
            raise IndexFormatError(f"{info.filename} holds Python objects: refused")
        view = np.frombuffer(data, dtype=dtype, count=int(np.prod(shape)), offset=head.tell())
        array = view.reshape(shape).copy()
        del view
    return array


def save_index(folder: Path, index: LinkIndex) -> Path:
    path = index_path(folder)
    with _temporary(path) as fh:
        np.savez(fh, allow_pickle=False, **to_arrays(index))
    return path


def _replace(path: Path, data: bytes) -> None:
    with _temporary(path) as fh:
        fh.write(data)


@contextlib.contextmanager
def _temporary(path: Path) -> Iterator[Any]:
    """A file of its own beside ``path`` that replaces it when written, or is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
