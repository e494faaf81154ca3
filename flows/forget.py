"""Forgetting a person (个人信息删除): the store and the link index, together.

The store goes first, in one transaction; then the index loses the person's
leads and every string only they used. If the index cannot be read it is
deleted instead, and the next run rebuilds it from the store.
"""

from __future__ import annotations

import logging

from connectors.resources import Resources
from connectors.store import link_files
from connectors.store.forget import Forgotten, forget_person

log = logging.getLogger(__name__)


def forget(res: Resources, person_id: int) -> Forgotten:
    """Delete a person's leads and all derived from them, from the store and the index."""
    folder = res.settings.models
    with link_files.index_lock(folder):  # no linking run may write the index meanwhile
        done = forget_person(res.engine, person_id)
        index = link_files.load_index(folder)
        if index is not None:
            link_files.save_index(folder, index.without(done.lead_ids))
        else:
            link_files.index_path(folder).unlink(missing_ok=True)
    log.info("forgot person %s: %s leads, %s cases deleted, %s cases kept", person_id,
             len(done.lead_ids), len(done.cases_deleted), len(done.cases_kept))
    return done
