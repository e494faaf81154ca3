"""Resident memory and CPU of a process and all its descendants, read from /proc (Linux)."""

from __future__ import annotations

import os

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_sample(pid: int) -> dict[int, tuple[int, int, float]]:
    """Per process of the tree under ``pid`` (itself included): resident memory and its
    peak (kB), and CPU seconds so far, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out: dict[int, tuple[int, int, float]] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as fh:
                mem = {k: int(v.split()[0]) for k, _, v in (line.partition(":") for line in fh)
                       if k in ("VmRSS", "VmHWM")}
        except (OSError, IndexError, ValueError):
            continue
        cpu = (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime
        out[p] = (mem.get("VmRSS", 0), mem.get("VmHWM", 0), cpu)
    return out


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and every descendant, in kB."""
    return sum(rss for rss, _, _ in tree_sample(pid).values())
