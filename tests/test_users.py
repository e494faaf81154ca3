"""Workbench users in the store, on SQLite and PostgreSQL: roles, passwords, locks, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlmodel import Session

from connectors.resources import Resources
from connectors.store.access import now
from connectors.store.schema import AppUser, AuditLog, LoginAttempt, WebSession
from connectors.store.users import (
    UserError,
    add_user,
    audit,
    close_session,
    locked_until,
    open_session,
    session_user,
    sign_in,
)
from connectors.store.workbench import Scope

PASSWORD = "a-long-password"


def test_roles_need_what_they_act_on(res: Resources) -> None:
    for kwargs, words in (({"role": "boss"}, "未知的角色"), ({"role": "liaison"}, "--agency"),
                          ({"role": "mediator"}, "--mediator")):
        with pytest.raises(UserError, match=words):
            add_user(res.engine, "x", password=PASSWORD, **kwargs)
    with pytest.raises(UserError, match="至少 10"):
        add_user(res.engine, "x", "coordinator", "short")
    add_user(res.engine, "x", "coordinator", PASSWORD)
    with pytest.raises(UserError, match="已存在"):
        add_user(res.engine, "x", "admin", PASSWORD)
    with Session(res.engine) as s:
        stored = s.execute(select(AppUser.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_passwords_lock_a_login_and_a_right_one_resets_the_count(res: Resources) -> None:
    add_user(res.engine, "li", "coordinator", PASSWORD)
    for _ in range(9):
        with pytest.raises(UserError, match="不正确"):
            sign_in(res.engine, "li", "nope-nope-nope")
    assert sign_in(res.engine, "li", PASSWORD).name == "li"  # 9 wrong, then right: open
    for _ in range(10):
        with pytest.raises(UserError):
            sign_in(res.engine, "li", "nope-nope-nope")
    assert locked_until(res.engine, "li") is not None
    with pytest.raises(UserError, match="密码错误次数过多"):
        sign_in(res.engine, "li", PASSWORD)
    with Session(res.engine) as s, s.begin():  # a quarter of an hour later
        s.execute(update(LoginAttempt).values(at=now() - timedelta(minutes=16)))
    assert sign_in(res.engine, "li", PASSWORD).name == "li"
    with pytest.raises(UserError, match="不正确"):  # an unknown login reads the same
        sign_in(res.engine, "nobody", PASSWORD)


def test_sessions_store_only_a_hash_and_expire(res: Resources) -> None:
    user = add_user(res.engine, "zh", "liaison", PASSWORD, agency="police")
    token, csrf = open_session(res.engine, user)
    got = session_user(res.engine, token)
    assert got is not None and got[0].name == "zh" and got[1] == csrf
    with Session(res.engine) as s:
        assert token not in {t for (t,) in s.execute(select(WebSession.token_hash))}
    with Session(res.engine) as s, s.begin():
        s.execute(update(WebSession).values(expires_at=now() - timedelta(seconds=1)))
    assert session_user(res.engine, token) is None
    token, _ = open_session(res.engine, user)
    close_session(res.engine, token)
    assert session_user(res.engine, token) is None and session_user(res.engine, "forged") is None
    audit(res.engine, "zh", "login", None, ip=None)
    with Session(res.engine) as s:
        assert s.execute(select(AuditLog.action)).scalars().all() == ["login"]


def test_scopes_on_an_empty_store(res: Resources) -> None:
    assert Scope().allows(res.engine, "C1")
    assert not Scope(mediator_id="M1").allows(res.engine, "C1")
    assert not Scope(agency="police").allows(res.engine, "C1")


def test_the_review_list_puts_what_matters_first_and_caps_each_case(res: Resources) -> None:
    from collections import Counter

    from connectors.store.access import sync_roster
    from connectors.store.workbench import PER_CASE, reviews
    from flows import stages

    from .exports import drop_demo

    drop_demo(res.settings.inbox, 120, 4)
    sync_roster(res.engine, res.config.mediators)
    got = stages.ingest_inbox(res)
    stages.link_stage(res)
    stages.score_stage(res, None, got.new_lead_ids)
    listed = reviews(res.engine, 500)
    assert not listed.empty
    impacts = listed["impact"].tolist()
    assert impacts == sorted(impacts, reverse=True)
    per_case = Counter(c for a, b in zip(listed["a"], listed["b"], strict=True)
                       for c in (a["case_id"], b["case_id"]))
    assert max(per_case.values()) <= PER_CASE
    rank = {"红": 3, "橙": 2, "黄": 1, "蓝": 0}
    top = [max(rank[r["a"]["risk_level"]], rank[r["b"]["risk_level"]]) for _, r in listed.iterrows()]
    assert top == sorted(top, reverse=True)  # a pair touching a graver case comes first
