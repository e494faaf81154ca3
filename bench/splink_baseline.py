"""Splink 5 (DuckDB) baseline for bench/link.py, on the same evidence our linker uses.

    from splink_baseline import run_splink
    labels = run_splink(frame)          # lead id -> cluster label

Every comparison column is derived here in pandas from the normalized leads,
with the helpers our own features use (pinyin keys, surnames, names and
surnames a text mentions, house-number signature, jieba subject words (the same compiled cut as ours) without
the corpus-frequent ones), so the two linkers see the same evidence and differ
only in the model: here a Fellegi-Sunter model with term-frequency adjustments,
u from random sampling, m from EM, connected components at a threshold.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections import Counter
from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.backends.duckdb import DuckDBAPI
from splink.blocking_rule_library import CustomRule

from connectors.tokenizer import cut, word_tags
from triage.link.encode import CorpusStats, encode
from triage.link.features import (
    NO_SUBJECTS,
    Subjects,
    house_signature,
    lead_features,
    pinyin_key,
    surname_of,
    text_words,
)
from triage.link.table import FeatureTable, Ragged, Vocabularies

MAX_DF = 0.02  # subject words in more than 2% of leads say nothing (as ours)
RARE_KEYS = 2  # rarest subject words per lead used as blocking keys (as ours)
WINDOW_DAYS = 90  # blocking window on crowded keys (as ours)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _arr(values: Any) -> list[str] | None:
    """A sorted list, or None for empty: Splink treats NULL as 'says nothing'."""
    out = sorted(set(values))
    return out or None


def _column(frame: pd.DataFrame, values: list[Any]) -> pd.Series:
    return pd.Series(values, index=frame.index, dtype=object)


def _strings(ragged: Ragged, strings: list[str], row: int) -> set[str]:
    return {strings[c] for c in ragged.values[ragged.offsets[row]:ragged.offsets[row + 1]]}


def prepare(frame: pd.DataFrame, subjects: Subjects = NO_SUBJECTS) -> pd.DataFrame:
    """One row per lead with the comparison and blocking columns Splink reads; subject words
    include the subject lexicon's, as ours do."""
    rows: list[dict[str, Any]] = []
    token_sets: list[set[str]] = []
    # The parties each text names, exactly as ours extracts them (reporter's own
    # mentions removed, words after relation words that are not names dropped).
    vocabs = Vocabularies()
    table = FeatureTable.coded(lead_features(frame, cut, subjects), vocabs)
    enc = encode(table, CorpusStats.of(table, vocabs), vocabs, lexicon=word_tags())
    parties = {int(lid): (_strings(enc.mentioned, vocabs["surname"].strings, r),
                          _strings(enc.named, vocabs["pinyin"].strings, r),
                          _strings(enc.cands, vocabs["pinyin"].strings, r))
               for r, lid in enumerate(table.ids.tolist())}
    for r in frame.to_dict("records"):
        name = _str(r.get("reporter_name"))
        masked = bool(r.get("reporter_name_masked"))
        full = name if name and not masked and len(name) >= 2 else None
        phones = [p for p in (r.get("phones") if isinstance(r.get("phones"), list) else None) or []
                  if isinstance(p, str)]
        full_phones = [p for p in phones if "*" not in p]
        ident = _str(r.get("reporter_id"))
        valid = r.get("reporter_id_valid") is True
        text = _str(r.get("description")) or ""
        token_sets.append(set(text_words(text, cut) | subjects.words(text)))
        village = _str(r.get("village_code"))
        town = village[:9] if village else _str(r.get("town"))
        surname = surname_of(name)
        mentions, named, cands = parties[int(r["id"])]
        py = pinyin_key(full) if full else None
        dtype = r.get("dispute_type")
        rows.append({
            "unique_id": int(r["id"]),
            "village_code": village,
            "town": town,
            "dispute_type": dtype if dtype and dtype != "其他" else None,
            "phone": full_phones[0] if full_phones else None,
            "phones_full": _arr(full_phones),
            "phone_sigs": _arr(p[:3] + p[-4:] for p in phones if len(p) == 11 and p[0] == "1"),
            "id_full": ident if valid else None,
            "id_sig": ident[:6] + ident[-4:] if ident and len(ident) == 18 else None,
            "name_py": py,
            "surname": surname,
            "mentions": _arr(mentions),
            "surnames": _arr(({surname} if surname else set()) | mentions),
            "named": _arr(named),
            "cands": _arr(cands),
            "house": house_signature(_str(r.get("address"))),
            "address": _str(r.get("address")),
        })
    out = pd.DataFrame(rows)
    out["reported_date"] = pd.to_datetime(frame["reported_at"]).dt.normalize().to_numpy()
    n = max(len(out), 1)
    # Corpus statistics, as ours: frequent words are dropped, the rarest kept as keys.
    df = Counter(t for ts in token_sets for t in ts)
    idf = {t: math.log(n / c) for t, c in df.items()}
    kept = [sorted((t for t in ts if df[t] / n <= MAX_DF), key=lambda t: (-idf[t], t)) for ts in token_sets]
    out["tokens"] = _column(out, [sorted(ts) or None for ts in kept])
    out["rare_tokens"] = _column(out, [ts[:RARE_KEYS] or None for ts in kept])
    # Every name a lead carries or mentions, for one blocking key space (as ours).
    out["name_keys"] = _column(out, [_arr(([r["name_py"]] if r["name_py"] else []) + (c or []) + (r["named"] or []))
                                     for r, c in zip(rows, out["cands"], strict=True)])
    return out.drop(columns=["address"])


def _comparisons() -> list[Any]:
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.CustomLevel("phones_full_l IS NULL AND phone_sigs_l IS NULL "
                            "OR phones_full_r IS NULL AND phone_sigs_r IS NULL").configure(is_null_level=True),
            cll.CustomLevel("len(list_intersect(phones_full_l, phones_full_r)) > 0", "same number"),
            cll.CustomLevel("len(list_intersect(phone_sigs_l, phone_sigs_r)) > 0", "masked number agrees"),
            cll.ElseLevel(),
        ])
    ident = cl.CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            cll.NullLevel("id_sig"),
            cll.CustomLevel("id_full_l = id_full_r", "same ID"),
            cll.CustomLevel("id_sig_l = id_sig_r AND (id_full_l IS NULL OR id_full_r IS NULL)",
                            "masked ID agrees"),
            cll.ElseLevel(),
        ])
    party = cl.CustomComparison(
        output_column_name="party",
        comparison_levels=[
            cll.CustomLevel("(surnames_l IS NULL AND name_keys_l IS NULL) "
                            "OR (surnames_r IS NULL AND name_keys_r IS NULL)").configure(is_null_level=True),
            cll.CustomLevel("name_py_l = name_py_r", "same reporter name").configure(
                tf_adjustment_column="name_py"),
            cll.CustomLevel("list_contains(cands_l, name_py_r) OR list_contains(cands_r, name_py_l)",
                            "one names the other's reporter"),
            cll.CustomLevel("len(list_intersect(named_l, named_r)) > 0", "both name the same person"),
            cll.CustomLevel("len(list_intersect(surnames_l, surnames_r)) >= 2", "both parties' surnames"),
            cll.CustomLevel("list_contains(mentions_r, surname_l) OR list_contains(mentions_l, surname_r)",
                            "reporter is the other's counterpart"),
            cll.CustomLevel("surname_l = surname_r AND mentions_l IS NOT NULL AND mentions_r IS NOT NULL",
                            "same surname, different counterparts"),
            cll.CustomLevel("surname_l = surname_r", "same reporter surname").configure(
                tf_adjustment_column="surname"),
            cll.CustomLevel("len(list_intersect(surnames_l, surnames_r)) >= 1", "one surname shared"),
            cll.ElseLevel(),
        ])
    place = cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            cll.NullLevel("town"),
            cll.ExactMatchLevel("village_code"),
            cll.ExactMatchLevel("town"),
            cll.ElseLevel(),
        ])
    house = cl.CustomComparison(
        output_column_name="house",
        comparison_levels=[
            cll.CustomLevel("house_l IS NULL OR house_r IS NULL OR village_code_l IS NULL "
                            "OR village_code_l <> village_code_r").configure(is_null_level=True),
            cll.ExactMatchLevel("house"),
            cll.ElseLevel(),
        ])
    subject = cl.CustomComparison(
        output_column_name="subject",
        comparison_levels=[
            cll.NullLevel("tokens"),
            cll.CustomLevel("len(list_intersect(tokens_l, tokens_r)) >= 3", "3+ subject words"),
            cll.CustomLevel("len(list_intersect(tokens_l, tokens_r)) >= 1 AND "
                            "len(list_intersect(tokens_l, tokens_r)) * 2 >= least(len(tokens_l), len(tokens_r))",
                            "half the subject words"),
            cll.CustomLevel("len(list_intersect(tokens_l, tokens_r)) >= 1", "a subject word"),
            cll.ElseLevel(),
        ])
    return [
        phone,
        ident,
        party,
        place,
        house,
        cl.ExactMatch("dispute_type").configure(term_frequency_adjustments=True),
        subject,
        cl.AbsoluteDateDifferenceAtThresholds("reported_date", input_is_string=False,
                                              metrics=["day", "day", "day"], thresholds=[3, 14, 45]),
    ]


def _within(days: int) -> str:
    return f"abs(date_diff('day', l.reported_date, r.reported_date)) <= {days}"


def _blocking_rules() -> list[Any]:
    return [
        block_on("phones_full", arrays_to_explode=["phones_full"]),
        block_on("phone_sigs", arrays_to_explode=["phone_sigs"]),
        block_on("id_full"),
        block_on("id_sig"),
        CustomRule(f"l.name_keys = r.name_keys AND {_within(WINDOW_DAYS)}", arrays_to_explode=["name_keys"]),
        block_on("village_code", "house"),
        CustomRule(f"l.village_code = r.village_code AND l.surnames = r.surnames AND {_within(WINDOW_DAYS)}",
                   arrays_to_explode=["surnames"]),
        CustomRule(f"l.village_code = r.village_code AND l.dispute_type = r.dispute_type "
                   f"AND l.rare_tokens = r.rare_tokens AND {_within(WINDOW_DAYS)}",
                   arrays_to_explode=["rare_tokens"]),
        CustomRule(f"l.village_code = r.village_code AND l.dispute_type = r.dispute_type AND {_within(14)}"),
    ]


def fit(frame: pd.DataFrame, min_probability: float = 0.5, keep_columns: bool = False,
        subjects: Subjects = NO_SUBJECTS) -> tuple[Linker, Any]:
    """Train the model and score the blocked pairs; returns the linker and its predictions.

    Only pairs scoring at least ``min_probability`` are kept; ``keep_columns`` keeps the
    compared columns and γ levels in the predictions, for diagnosis.
    """
    logging.getLogger("splink").setLevel(logging.ERROR)
    data = prepare(frame, subjects)
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=_blocking_rules(),
        retain_matching_columns=keep_columns,
        retain_intermediate_calculation_columns=keep_columns,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker = Linker(db_api.register(data, dataset_display_name="leads"), settings, log_level=logging.ERROR)
        # Prior λ from pairs a strong identifier links, assumed to be 70% of the true pairs.
        linker.training.estimate_probability_two_random_records_match(
            [block_on("phone"), block_on("id_full"), block_on("name_py", "village_code")], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
        for rule in (block_on("phone"), block_on("village_code", "house"), block_on("name_py")):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        predictions = linker.inference.predict(threshold_match_probability=min_probability,
                                                 warning_mode="never")
    return linker, predictions


def cluster(linker: Linker, predictions: Any, threshold: float) -> dict[int, str]:
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_pandas_dataframe()
    return {int(u): f"S{c}" for u, c in zip(clusters["unique_id"], clusters["cluster_id"], strict=True)}


def run_splink(frame: pd.DataFrame, threshold: float = 0.95,
               subjects: Subjects = NO_SUBJECTS) -> dict[int, str]:
    """Lead id -> Splink cluster label, for every lead of ``frame``."""
    linker, predictions = fit(frame, min_probability=min(threshold, 0.5), subjects=subjects)
    labels = cluster(linker, predictions, threshold)
    # Connected components returns every input row; keep the contract explicit anyway.
    return {int(i): labels.get(int(i), f"S{int(i)}") for i in frame["id"]}
