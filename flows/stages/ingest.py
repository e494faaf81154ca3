"""The ingest stage (信息共享): the drop folder and the HTTP sources into leads.

Every row ends as a lead or a rejected row with a reason; ``IngestSummary`` adds
the counts up per file and in total.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from connectors.resources import Resources
from connectors.sources import dropfolder, http
from connectors.sources.ingest import FileOutcome, Ingestor
from triage.normalize.lead import NormalizeContext

log = logging.getLogger(__name__)


def normalize_context(res: Resources) -> NormalizeContext:
    cfg = res.config
    return NormalizeContext(cfg.gazetteer, cfg.categories, cfg.default_area_code, cfg.jurisdiction)


def ingestor(res: Resources, run_id: int | None = None) -> Ingestor:
    """An ``Ingestor`` with the deployment's sources, normalization and limits."""
    return Ingestor(res.engine, list(res.config.specs.values()), normalize_context(res),
                    res.config.ingest, run_id=run_id)


@dataclass
class IngestSummary:
    """What one ingest did: per file (or HTTP page) and in total; rows in = leads + rejected."""

    files: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)  # HTTP sources pulled
    rows_in: int = 0
    leads_new: int = 0
    leads_updated: int = 0
    leads_unchanged: int = 0
    rejected: int = 0
    quarantined: int = 0
    duplicates: int = 0
    failed: int = 0
    new_lead_ids: list[int] = field(default_factory=list)

    def add(self, out: FileOutcome, where: Path | None) -> None:
        self.files.append({
            "file": out.path.name, "kind": out.kind, "status": out.status, "source": out.source,
            "rows_in": out.rows_in, "leads_new": out.leads_new,
            "leads_updated": out.leads_updated, "leads_unchanged": out.leads_unchanged,
            "rejected": out.rejected, "reason": out.reason, "moved_to": str(where or ""),
        })
        self.rows_in += out.rows_in
        self.leads_new += out.leads_new
        self.leads_updated += out.leads_updated
        self.leads_unchanged += out.leads_unchanged
        self.rejected += out.rejected
        self.quarantined += out.status == "quarantined"
        self.duplicates += out.status == "duplicate"
        self.failed += out.status == "failed"
        self.new_lead_ids.extend(out.new_lead_ids)

    def merge(self, part: IngestSummary) -> None:
        self.files.extend(part.files)
        self.sources.extend(part.sources)
        for name in ("rows_in", "leads_new", "leads_updated", "leads_unchanged", "rejected",
                     "quarantined", "duplicates", "failed"):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        self.new_lead_ids.extend(part.new_lead_ids)

    @property
    def balanced(self) -> bool:
        return self.rows_in == (self.leads_new + self.leads_updated + self.leads_unchanged
                                + self.rejected)


def _failed(path: Path, exc: Exception) -> FileOutcome:
    """A failure that is not the file's fault (database down, a bug): reported as failed,
    the file left where it is for the next run."""
    log.error("导入文件失败 %s: %s", path.name, type(exc).__name__, exc_info=exc)
    return FileOutcome(path, "failed", reason=f"导入失败（文件保留在原处，下次运行重试）: "
                                              f"{type(exc).__name__}: {exc}"[:500])


def ingest_paths(
    res: Resources, paths: Sequence[Path], source: str | None = None, run_id: int | None = None,
    *, move: bool = False, hints: Sequence[str | None] | None = None,
) -> IngestSummary:
    """Ingest files; with ``move`` (the drop folder), file them as processed or quarantined.

    A bad file never stops the others: it is quarantined (or, if the failure is not
    the file's fault, reported as failed) and the next file goes on.
    """
    summary = IngestSummary()
    specs = list(res.config.specs.values())
    given = list(hints) if hints is not None else [source] * len(paths)
    with ingestor(res, run_id) as ing:
        for hint, out in zip(given, ing.ingest_files(list(paths), given, _failed), strict=True):
            path = out.path
            where: Path | None = None
            if move and out.status == "quarantined":
                where = dropfolder.quarantine(res.settings, path, out.reason or "",
                                              out.headers_found, specs)
            elif move and out.status in ("ingested", "duplicate"):
                where = dropfolder.move_processed(res.settings, path, out.source)
            summary.add(out, where)
            if hints is not None:
                summary.files[-1]["folder_hint"] = hint
    return summary


def ingest_inbox(res: Resources, run_id: int | None = None,
                 settle_seconds: float = 0.0) -> IngestSummary:
    """Ingest everything waiting in the drop folder (files changed within ``settle_seconds``
    wait: they may still be copying)."""
    pending = dropfolder.pending_files(res.settings, settle_seconds)
    return ingest_paths(res, [p for p, _ in pending], None, run_id, move=True,
                        hints=[h for _, h in pending])


def pull_http_sources(
    res: Resources, run_id: int | None = None, names: Sequence[str] | None = None,
) -> IngestSummary:
    """Pull the HTTP sources of ``data/config/http_sources.toml`` (or those ``names``).

    Every page counts like a file (rows in = leads + rejected); a source that fails is
    listed with its error and the others go on.
    """
    summary = IngestSummary()
    sources = [s for s in res.config.http_sources if names is None or s.name in names]
    if not sources:
        return summary
    with ingestor(res, run_id) as ing:
        for result in http.pull_all(ing, sources):
            for out in result.outcomes:
                summary.add(out, None)
                summary.files[-1]["http_source"] = result.name
            summary.sources.append(result.as_dict())
            if result.status != "ok":
                log.warning("接口来源 %s 拉取失败: %s", result.name, result.error)
    return summary


def ingest_all(res: Resources, run_id: int | None = None) -> IngestSummary:
    """The ingest stage: the drop folder, then the HTTP sources."""
    summary = ingest_inbox(res, run_id)
    summary.merge(pull_http_sources(res, run_id))
    return summary


def summary_dict(ingest: IngestSummary) -> dict[str, Any]:
    d = asdict(ingest)
    d.pop("new_lead_ids")
    d["balanced"] = ingest.balanced
    return d
