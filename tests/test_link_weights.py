"""Linking weights that make sense: no level rests on a handful of pairs, more agreement never
weighs less, and every fitted model is checked for it."""

from __future__ import annotations

import jieba
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.link import link
from triage.link.factors import FACTORS
from triage.link.model import MatchModel
from triage.link.regularize import monotone, pava, shrink, violations

from .test_linking import CONFIG
from .test_linking import synthetic as synthetic  # the fixture

TYPE_SUBJECT = next(f for f in FACTORS if f.name == "dispute_type+subject")
ID = next(f for f in FACTORS if f.name == "id_number")


@given(st.lists(st.floats(-20, 20), min_size=1, max_size=12))
def test_pava_is_non_decreasing_and_keeps_the_weighted_mean(values: list[float]) -> None:
    v = np.array(values)
    w = np.arange(1, len(v) + 1, dtype=float)
    out = pava(v, w)
    assert np.all(np.diff(out) >= -1e-9)
    assert abs((out * w).sum() - (v * w).sum()) < 1e-6 * max(1.0, abs((v * w).sum()))


def test_the_reported_type_and_subject_weights_come_out_in_order() -> None:
    """Issue 16: 不同/未知 and 相同/未知 at +7.38 above 相同/相同 at +5.87, resting on minimum counts."""
    labels = TYPE_SUBJECT.levels
    w = np.zeros(len(labels))
    n = np.full(len(labels), 200.0)
    for label, weight, count in (("不同 / 未知", 7.38, 1.0), ("相同 / 未知", 7.38, 1.0),
                                 ("相同 / 相同", 5.87, 400.0), ("相同 / 部分相同", 3.0, 300.0),
                                 ("相同 / 不同", -1.0, 200.0), ("不同 / 不同", -4.0, 200.0)):
        w[labels.index(label)], n[labels.index(label)] = weight, count
    assert violations([TYPE_SUBJECT], [w.tolist()])
    fixed = monotone(TYPE_SUBJECT, shrink(w, n), n)
    assert not violations([TYPE_SUBJECT], [fixed.tolist()])
    at = {label: fixed[labels.index(label)] for label in labels}
    assert at["相同 / 相同"] >= at["相同 / 未知"] and at["未知 / 未知"] == 0.0
    assert at["不同 / 未知"] <= 1e-9 and at["相同 / 未知"] >= -1e-9


def test_a_full_id_that_agrees_never_counts_less_than_a_masked_one() -> None:
    w, n = np.array([-6.0, 7.89, 7.20]), np.array([900.0, 40.0, 300.0])
    fixed = monotone(ID, w, n)
    assert fixed[2] >= fixed[1] >= 0 > fixed[0]
    assert violations([ID], [w.tolist()]) and not violations([ID], [fixed.tolist()])


def test_every_fitted_model_keeps_the_orders_and_says_its_counts(synthetic: pd.DataFrame) -> None:
    result = link(synthetic.drop(columns=["truth"]), {}, jieba.lcut, CONFIG)
    model = result.model
    assert violations(FACTORS, model.weights()) == []
    assert model.m_count is not None and model.u_count is not None
    again = MatchModel.from_dict(model.to_dict())
    assert again.m_count is not None and np.allclose(
        np.concatenate([np.array(x) for x in again.m_count]),
        np.concatenate([np.round(np.array(x), 1) for x in model.m_count]))
    levels = model.to_dict()["fields"][0]["levels"]
    assert {"m_count", "u_count", "weight"} <= set(levels[0])


@pytest.mark.parametrize("weights", [[-1.0, 0.5, 0.2], [0.0, -0.1, -0.2]])
def test_violations_are_named_in_words(weights: list[float]) -> None:
    out = violations([ID], [weights])
    assert out and all(o.startswith("身份证号") for o in out)


@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6),
       st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6), st.floats(1e-9, 0.5))
def test_random_pairs_lose_their_matches(raw: list[float], m: list[float], prior: float) -> None:
    """u is a distribution, never above the random pairs' share nor below its floor share."""
    from triage.link.model import UNMATCHED_FLOOR, without_matches

    k = min(len(raw), len(m))
    r = np.asarray(raw[:k]) + 1e-6
    r /= r.sum()
    mm = np.asarray(m[:k]) + 1e-6
    mm /= mm.sum()
    (u,) = without_matches([r.tolist()], [mm.tolist()], prior)
    u = np.asarray(u)
    assert abs(u.sum() - 1) < 1e-9
    kept = np.maximum(r - prior * mm, UNMATCHED_FLOOR * r)
    assert np.allclose(u, kept / kept.sum())


def test_a_shared_phone_weighs_as_strangers_share_phones() -> None:
    """Of 1,000 random pairs 2 share a phone, and the model expects 1.8 of them to be one
    reporter calling twice: strangers share a phone about 0.2 in 1,000, so the weight is
    about log2(m / 0.0002) and not log2(m / 0.002)."""
    from triage.link.model import without_matches

    (u,) = without_matches([[0.998, 0.002]], [[0.1, 0.9]], prior=0.002)
    assert u[1] == pytest.approx(0.0002 / (0.998 - 0.0002 + 0.0002), rel=1e-3)


def test_a_stored_model_keeps_its_smallest_u() -> None:
    """u of a level strangers almost never reach (a shared phone, once matches are taken
    out) is tiny; stored and read back it must stay above 0 and give the same weight."""
    m = MatchModel.initial()
    m.u[0] = [1 - 3e-8] + [3e-8 / (len(m.u[0]) - 1)] * (len(m.u[0]) - 1)
    back = MatchModel.from_dict(m.to_dict())
    assert back.weights()[0][1:] == pytest.approx(m.weights()[0][1:], rel=1e-4)


@given(st.floats(1e-9, 1e-3), st.floats(1e-9, 1e-3), st.integers(1, 40), st.integers(1, 40))
def test_a_shared_number_weighs_its_exact_share_of_pairs(phone: float, ident: float,
                                                          same_name: int, other_name: int) -> None:
    """Whatever random pairs saw, a shared full phone's levels get the exact share of all pairs
    that share one, spread over the party levels as the compared pairs sharing it are, and
    u still sums to one per factor."""
    from triage.link.compare import FIELD_INDEX, FIELDS
    from triage.link.model import identity_shares

    gamma = np.full((same_name + other_name + 5, len(FIELDS)), -1, dtype=np.int8)
    gamma[:same_name, FIELD_INDEX["phone"]] = 2
    gamma[:same_name, FIELD_INDEX["party"]] = 9
    gamma[same_name:same_name + other_name, FIELD_INDEX["phone"]] = 2
    gamma[same_name:same_name + other_name, FIELD_INDEX["party"]] = 3
    gamma[-5:, FIELD_INDEX["id_number"]] = 2
    u = identity_shares(MatchModel.initial().u, gamma, phone, ident)
    phone_party = FACTORS[0]
    levels = phone_party.levels
    total = same_name + other_name
    assert u[0][levels.index("号码相同 / 同名同音")] == pytest.approx(phone * same_name / total)
    assert u[0][levels.index("号码相同 / 一人同姓")] == pytest.approx(phone * other_name / total)
    assert u[FACTORS.index(ID)][ID.levels.index("号码相同")] == pytest.approx(ident)
    assert all(sum(row) == pytest.approx(1.0) for row in u)


def test_the_share_of_pairs_sharing_a_number_follows_the_pool() -> None:
    """The prior falls with the pool (pairs grow as its square); the share of pairs sharing one
    person's phone falls with it, counted exactly, so a shared phone weighs more in a larger
    pool and one reporter's leads stay one case (random pairs once held too few of them to
    tell, and the weight stayed flat)."""
    from triage.link.engine import _shared_share

    def pool(people: int) -> float:  # each person calls twice from one phone
        values = np.repeat(np.arange(1, people + 1, dtype=np.int64), 2)
        return _shared_share(values, len(values))

    assert pool(250) == pytest.approx(250 / (500 * 499 / 2))
    # ten times the people, a hundred times the pairs: a tenth of the share
    assert pool(2500) / pool(250) == pytest.approx(10 * (500 * 499) / (5000 * 4999))
