"""The linking stage (隐患共排): read leads and decisions, link, write cases back.

A full run re-estimates the match weights and writes them to
``TRIAGE_HOME/models/linking.json``; an incremental run (the default once cases
exist) compares only new or corrected leads with the history, with the stored
weights and the index the last run left.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import numpy as np

from connectors.resources import Resources
from connectors.store import link_files
from connectors.store.access import now
from connectors.store.linking import link_inputs, save_links
from connectors.store.secrets import link_key
from connectors.tokenizer import cut, word_tags
from flows.pool import WORKERS, pooled
from triage.link import link
from triage.link.features import Pseudonyms

log = logging.getLogger(__name__)
PARALLEL_FROM = 20_000  # fewer new leads than this: computed in-process (no pool start-up)


def link_stage(res: Resources, run_id: int | None = None, *, full: bool = False) -> dict[str, Any]:
    """Link leads into cases; incremental unless ``full`` or nothing was linked before.

    Holds the index lock from reading the leads to writing the cases, so a person
    forgotten meanwhile can neither come back into the index nor half into the store.
    """
    folder = res.settings.models
    with link_files.index_lock(folder):
        model = None if full else link_files.load_model(folder)
        index = link_files.load_index(folder)
        pseudonyms = Pseudonyms(link_key(res.engine, res.settings))
        if index is not None and index.keyed != pseudonyms.fingerprint:
            log.warning("linking index was made with another key: every lead's features are recomputed")
        # an incremental run with a current index reads in full only the leads it has no features for
        current = index is not None and index.current(
            res.config.linking.features_fingerprint(), pseudonyms.fingerprint)
        got = link_inputs(res.engine, index.kept() if model is not None and current and index else None)
        leads = got.leads
        if leads.empty:
            return {"cases": 0, "created": 0, "merged": 0, "split": 0, "mode": "empty"}
        new_ids = got.new_ids if got.previous and model is not None else None
        known = 0 if index is None else int(np.isin(index.table.ids, leads["id"]).sum())
        result = link(leads, got.previous, cut, res.config.linking, model=model, new_ids=new_ids,
                      merges=got.merges, splits=got.splits, words=word_tags(), index=index,
                      chunks=pooled(WORKERS) if len(leads) - known >= PARALLEL_FROM else None,
                      progress=lambda stage: log.info("linking: %s done", stage),
                      pseudonyms=pseudonyms)
        if new_ids is None:
            link_files.save_model(folder, result.model, run_id, now())
        if result.index is not None:
            if index is not None and known < len(index.table):  # leads left the store
                result.index = result.index.pruned()
            link_files.save_index(folder, result.index)
        save_links(res.engine, leads, got.previous, result, run_id)
    kinds = Counter(e["kind"] for e in result.events)
    return {"cases": len(set(result.case_of.values())), "created": kinds["created"],
            "merged": kinds["merged"], "split": kinds["split"],
            "mode": "full" if new_ids is None else "incremental",
            "review": len(result.review), **{f"{k}": v for k, v in result.stats.items()}}
