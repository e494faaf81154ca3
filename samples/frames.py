"""The three frames of a run: persons, leads in report-time order, and cases.

Built once every case is made: the numbers that are cheap to draw together (ID numbers,
mobiles, landlines) are drawn here, the recorded forms of phones and IDs filled in, the
leads put in report-time order and given their agency references, and every string
column goes through Arrow (a million leads take seconds, not minutes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from samples.agencies import SOURCES, WF, source_refs
from samples.chance import Dice
from samples.people import People
from samples.places import Places
from samples.records import LeadColumns, recorded_ids, recorded_phones


@dataclass
class _Numbers:
    """Per person: ``pids`` and ``ids`` (ID numbers), ``mobiles``; per household: ``landlines``."""

    pids: list[str]
    ids: list[str]
    mobiles: list[str]
    landlines: list[str | None]


def assemble(start: date, dice: Dice, places: Places, people: People, leads: LeadColumns,
             case_rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ``leads``, ``cases`` and ``persons`` frames of ``SyntheticData``."""
    npr = dice.np
    ids = people.id_numbers(npr)
    mobiles = people.mobiles(npr)
    landlines = people.landlines(npr)
    num = _Numbers([f"P{i:08d}" for i in range(len(people.p_sur))], ids, mobiles, landlines)
    persons = _persons(places, people, num)
    lead_frame = _leads(start, dice, people, leads, case_rows, num)
    cases = _cases(start, people, case_rows, num.pids)
    return lead_frame, cases, persons


def _persons(places: Places, people: People, num: _Numbers) -> pd.DataFrame:
    n_h = len(places.h_village)
    sex = np.asarray(people.p_sex, dtype=np.int64)
    houses = [places.full_address(h) for h in range(n_h)]
    hh_arr = np.asarray(people.p_hh, dtype=np.int64)
    hv = np.asarray(places.h_village, dtype=np.int64)
    vcodes = np.asarray([v.code for v in places.villages])
    return pd.DataFrame({
        "person_id": _strs(num.pids),
        "name": _strs([s + g for s, g in zip(people.p_sur, people.p_giv, strict=True)]),
        "sex": _strs(pa.array(["女", "男"], type=pa.large_string()), sex),
        "birth_date": people.birth_dates(),
        "id_number": _strs(num.ids),
        "mobile": _strs(num.mobiles),
        "landline": _strs(num.landlines, hh_arr),
        "household_id": _strs([f"H{h:08d}" for h in range(n_h)], hh_arr),
        "village_code": _strs(vcodes.tolist(), hv[hh_arr]),
        "address": _strs(houses, hh_arr),
    })


def _leads(start: date, dice: Dice, people: People, leads: LeadColumns,
           case_rows: list[dict[str, Any]], num: _Numbers) -> pd.DataFrame:
    sex = np.asarray(people.p_sex, dtype=np.int64)
    birth = people.birth_dates()
    phones = recorded_phones(leads, num.mobiles, num.landlines, people.p_hh)
    idv = recorded_ids(leads, num.ids, dice)
    src = np.asarray(leads.src, dtype=np.int64)
    rep = np.asarray(leads.rep, dtype=np.int64)
    case_arr = np.asarray(leads.case, dtype=np.int64)
    sec = np.asarray(leads.sec, dtype=np.int64)
    # one permutation to report-time order, applied to every column once
    order = np.lexsort((case_arr, src, sec))
    src, rep, case_arr, sec = src[order], rep[order], case_arr[order], sec[order]
    epoch = np.datetime64(start, "s")
    reported = epoch + sec.astype("timedelta64[s]")
    is_wf = src == WF
    age = (reported.astype("datetime64[D]") - birth[rep]).astype(np.int64) // 365.25
    head = np.asarray(leads.head, dtype=np.int64)[order]
    dl = np.asarray(leads.deadline, dtype=np.int64)[order]
    deadline = reported.astype("datetime64[D]") + np.maximum(dl, 0).astype("timedelta64[D]")
    deadline = np.where(dl < 0, np.datetime64("NaT"), deadline).astype("datetime64[s]")
    level_by_case = [r["risk_level"] for r in sorted(case_rows, key=lambda r: r["case_idx"])]
    sources = np.asarray(SOURCES)[src]
    case_ids = pa.array([f"C{c:07d}" for c in range(len(case_rows))], type=pa.large_string())
    pid_arr = pa.array(num.pids, type=pa.large_string())
    frame = pd.DataFrame({
        "source": _strs(pa.array(SOURCES, type=pa.large_string()), src),
        "source_ref": _strs(source_refs(sources, reported)),
        "reported_at": reported,
        "reporter_name": _strs(leads.name, order),
        "reporter_phone": _strs(phones, order),
        "reporter_id": _strs(idv, order),
        "reporter_sex": _strs(pa.array(["女", "男"], type=pa.large_string()),
                              sex[rep]).where(is_wf),
        "reporter_age": pd.array(np.where(is_wf, age, 0), dtype="Int64"),
        "address": _strs(leads.addr, order),
        "category": _strs(leads.cat, order),
        "description": _strs(leads.desc, order),
        "disposition": _strs(leads.disp, order),
        "urgency": _strs(leads.urg, order),
        "channel": _strs(leads.chan, order),
        "headcount": pd.array(head, dtype="Int64"),
        "repeat_flag": _strs(leads.repeat, order),
        "skip_level": _strs(leads.skip, order),
        "dv_flag": _strs(leads.dv, order),
        "referral": _strs(leads.refer, order),
        "unit": _strs(leads.unit, order),
        "handler": _strs(leads.handler, order),
        "deadline": deadline,
        "request_type": _strs(leads.req, order),
        "case_id": _strs(case_ids, case_arr),
        "person_id": _strs(pid_arr, rep),
        "risk_level": _strs(level_by_case, case_arr),
    })
    frame.loc[~is_wf, "reporter_age"] = pd.NA
    frame.loc[head < 0, "headcount"] = pd.NA
    return frame


def _cases(start: date, people: People, crow: list[dict[str, Any]], pids: list[str]) -> pd.DataFrame:
    base = pd.Timestamp(start)
    cases = pd.DataFrame({
        "case_id": _strs([f"C{r['case_idx']:07d}" for r in crow]),
        "dispute_type": _strs([r["dispute_type"] for r in crow]),
        "subject": _strs([r["subject"] for r in crow]),
        "district": _strs([r["district"] for r in crow]),
        "town": _strs([r["town"] for r in crow]),
        "village": _strs([r["village"] for r in crow]),
        "village_code": _strs([r["village_code"] for r in crow]),
        "risk_level": _strs([r["risk_level"] for r in crow]),
        "parties": _strs(["|".join([pids[p] for p in r["party_idx"]]) for r in crow]),
        "party_names": _strs(["|".join([people.name(p) for p in r["party_idx"]]) for r in crow]),
        "reporters": _strs(["|".join([pids[p] for p in r["reporter_idx"]]) for r in crow]),
        "lead_count": np.asarray([r["lead_count"] for r in crow], dtype=np.int64),
        "sources": _strs([r["sources"] for r in crow]),
        "first_reported_at": base + pd.to_timedelta([r["first_sec"] for r in crow], unit="s"),
        "last_reported_at": base + pd.to_timedelta([r["last_sec"] for r in crow], unit="s"),
        "lookalike_of": _strs([f"C{r['lookalike_of']:07d}" if r["lookalike_of"] >= 0
                               else None for r in crow]),
        "signals": _strs([r["signals"] for r in crow]),
        "risk_events": _strs([r["risk_events"] for r in crow]),
        "red_flags": _strs([r["red_flags"] for r in crow]),
        "org": _strs([r["org"] for r in crow]),
    })
    return cases.sort_values("case_id", ignore_index=True)


def _strs(values: Any, order: np.ndarray | None = None) -> pd.Series:
    """A pandas ``str`` column built through Arrow (much faster than from a list).

    ``values`` taken at ``order`` when given (a permutation or a lookup by index).
    """
    arr = values if isinstance(values, pa.Array) else pa.array(values, type=pa.large_string())
    if order is not None:
        arr = arr.take(pa.array(order))
    return pd.Series(arr, dtype="str")
