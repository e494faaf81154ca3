"""The drop folder: one inbox subfolder per agency, processed and quarantine beside it."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from connectors.settings import Settings
from triage.domain import SOURCES
from triage.normalize.headers import SourceSpec

IGNORED_PREFIXES = (".", "~$", "~")
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".report.txt")


def pending_files(settings: Settings, settle_seconds: float = 0.0,
                  now: float | None = None) -> list[tuple[Path, str | None]]:
    """Files waiting in the inbox, with the source their subfolder suggests. A file modified
    less than ``settle_seconds`` ago may still be copying and waits for the next run (as do
    temporary names: ``~$…``, ``….part``, ``….tmp``)."""
    found: list[tuple[Path, str | None]] = []
    inbox = settings.inbox
    if not inbox.exists():
        return found
    cutoff = (time.time() if now is None else now) - settle_seconds

    def wanted(path: Path) -> bool:
        return _wanted(path) and (settle_seconds <= 0 or path.stat().st_mtime <= cutoff)

    for entry in sorted(inbox.iterdir()):
        if entry.is_dir():
            hint = entry.name if entry.name in SOURCES else None
            found.extend((p, hint) for p in sorted(entry.rglob("*")) if wanted(p))
        elif wanted(entry):
            found.append((entry, None))
    return found


def _wanted(path: Path) -> bool:
    name = path.name
    return path.is_file() and not name.startswith(IGNORED_PREFIXES) and not name.endswith(
        IGNORED_SUFFIXES)


def _free_name(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while target.exists():
        target = folder / f"{stem}_{n}{suffix}"
        n += 1
    return target


def move_processed(settings: Settings, path: Path, source: str | None) -> Path:
    """Move an ingested (or already known) file out of the inbox, never overwriting."""
    day = datetime.now().strftime("%Y%m%d")
    target = _free_name(settings.processed / (source or "unknown") / day, path.name)
    shutil.move(str(path), target)
    return target


def quarantine(
    settings: Settings, path: Path, reason: str, headers_found: Sequence[str],
    specs: Sequence[SourceSpec],
) -> Path:
    """Move an unreadable file to quarantine with a report a liaison can act on."""
    target = _free_name(settings.quarantine, path.name)
    shutil.move(str(path), target)
    lines = [
        f"文件: {path.name}",
        f"时间: {datetime.now():%Y-%m-%d %H:%M:%S}",
        f"原因: {reason}",
        "",
        "在文件中找到的表头:",
        "  " + ("、".join(headers_found) if headers_found else "（未找到表头行）"),
        "",
        "各来源可识别的表头（每个字段任选其一；带 * 的为必填）:",
    ]
    for spec in specs:
        lines.append(f"[{spec.label} / {spec.name}]")
        for fld, names in spec.fields.items():
            mark = "*" if fld in spec.required else " "
            lines.append(f"  {mark} {fld}: {'、'.join(names)}")
    lines += ["", "处理办法: 修正文件后重新放入收件箱对应子文件夹；"
              "如果表头是新的写法，请在 data/sources/ 对应文件中加入同义词。"]
    target.with_name(target.name + ".report.txt").write_text("\n".join(lines) + "\n",
                                                              encoding="utf-8")
    return target
