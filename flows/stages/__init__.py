"""The pipeline's stages as plain functions: read the store, call the core, write back.

No Prefect here, so every stage runs and is tested on its own; ``flows.nightly``
wraps them as tasks with retries, logging and artifacts. One module per stage.
"""

from flows.stages.alerts import alert_stage
from flows.stages.ingest import (
    IngestSummary,
    ingest_all,
    ingest_inbox,
    ingest_paths,
    ingestor,
    normalize_context,
    pull_http_sources,
    summary_dict,
)
from flows.stages.link import link_stage
from flows.stages.route import route_stage
from flows.stages.score import score_stage
from flows.stages.share import share_stage

__all__ = [
    "IngestSummary", "alert_stage", "ingest_all", "ingest_inbox", "ingest_paths", "ingestor", "link_stage",
    "normalize_context", "pull_http_sources", "route_stage", "score_stage", "share_stage",
    "summary_dict",
]
