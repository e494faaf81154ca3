"""Workbench users, their sessions, sign-in attempts and the audit log.

Passwords are hashed with argon2id (argon2-cffi); a session cookie carries a random
token whose SHA-256 alone is stored, so a copy of the database opens no session.
Ten wrong passwords within a quarter of an hour lock that login for a quarter of an
hour.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, select
from sqlmodel import Session, col

from connectors.store.access import now
from connectors.store.schema import AppUser, AuditLog, LoginAttempt, WebSession
from triage.domain import SOURCES

ROLES = {"coordinator": "司法所协调员", "mediator": "调解员", "liaison": "部门联络员",
         "admin": "管理员"}
LOCK_AFTER, LOCK_WINDOW = 10, timedelta(minutes=15)
SESSION_HOURS = 8
_hasher = PasswordHasher()
# verified against when the login does not exist, so timing does not tell names apart
_DUMMY = _hasher.hash("not a password")


class UserError(ValueError):
    """A user's mistake, in words they can act on."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    display_name: str
    role: str
    agency: str | None
    mediator_id: str | None

    @property
    def label(self) -> str:
        return f"{self.display_name}（{ROLES.get(self.role, self.role)}）"


def _user(u: AppUser) -> User:
    return User(int(u.id or 0), u.name, u.display_name or u.name, u.role, u.agency, u.mediator_id)


def add_user(engine: Engine, name: str, role: str, password: str, *, display_name: str | None = None,
             agency: str | None = None, mediator_id: str | None = None) -> User:
    """A new user; the role decides what else is needed (a liaison's agency, a mediator's id)."""
    if role not in ROLES:
        raise UserError(f"未知的角色 {role!r}；可选：{'、'.join(ROLES)}")
    if role == "liaison" and agency not in SOURCES:
        raise UserError(f"部门联络员需要 --agency，可选：{'、'.join(SOURCES)}")
    if role == "mediator" and not mediator_id:
        raise UserError("调解员需要 --mediator（名册中的编号，如 BQJ-T01）")
    if len(password) < 10:
        raise UserError("密码至少 10 个字符")
    with Session(engine) as s, s.begin():
        if s.execute(select(AppUser).where(col(AppUser.name) == name)).first():
            raise UserError(f"用户 {name} 已存在")
        u = AppUser(name=name, display_name=display_name or name, role=role, agency=agency,
                    mediator_id=mediator_id, password_hash=_hasher.hash(password), created_at=now())
        s.add(u)
        s.flush()
        return _user(u)


def locked_until(engine: Engine, name: str, at: datetime | None = None) -> datetime | None:
    """When the login opens again after too many wrong passwords, or None when it is open."""
    at = at or datetime.now()
    with Session(engine) as s:
        last_ok = s.execute(select(func.max(col(LoginAttempt.at))).where(
            col(LoginAttempt.name) == name, col(LoginAttempt.ok).is_(True))).scalar()
        since = max(at - LOCK_WINDOW, last_ok) if last_ok else at - LOCK_WINDOW
        fails = s.execute(select(col(LoginAttempt.at)).where(
            col(LoginAttempt.name) == name, col(LoginAttempt.ok).is_(False),
            col(LoginAttempt.at) > since).order_by(col(LoginAttempt.at))).scalars().all()
    if len(fails) < LOCK_AFTER:
        return None
    opens: datetime = fails[-LOCK_AFTER] + LOCK_WINDOW
    return opens if opens > at else None


def sign_in(engine: Engine, name: str, password: str) -> User:
    """The user, when the password is right and the login is not locked; else ``UserError``."""
    name = name.strip()[:64]
    stamp = datetime.now()  # to the microsecond: attempts within one second keep their order
    until = locked_until(engine, name, stamp)
    if until is not None:
        raise UserError(f"密码错误次数过多，请于 {until:%H:%M} 后再试")
    with Session(engine) as s, s.begin():
        u = s.execute(select(AppUser).where(col(AppUser.name) == name,
                                            col(AppUser.active).is_(True))).scalar_one_or_none()
        try:
            _hasher.verify(u.password_hash if u else _DUMMY, password)
            ok = u is not None
        except (VerificationError, InvalidHashError):
            ok = False
        s.add(LoginAttempt(name=name, ok=ok, at=stamp))
        user = _user(u) if ok and u is not None else None
    if user is None:  # raised after the commit: the failed attempt is kept
        raise UserError("用户名或密码不正确")
    return user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, user: User) -> tuple[str, str]:
    """A new session for the user: (the cookie's token, the session's CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    stamp = now()
    with Session(engine) as s, s.begin():
        s.execute(delete(WebSession).where(col(WebSession.expires_at) < stamp))
        s.add(WebSession(token_hash=_hash(token), user_id=user.id, csrf=csrf, created_at=stamp,
                         expires_at=stamp + timedelta(hours=SESSION_HOURS)))
    return token, csrf


def session_user(engine: Engine, token: str | None) -> tuple[User, str] | None:
    """The signed-in user and the session's CSRF token, or None for no or an expired session."""
    if not token:
        return None
    with Session(engine) as s:
        row = s.execute(select(WebSession, AppUser).join(AppUser, col(AppUser.id) == col(WebSession.user_id))
                        .where(col(WebSession.token_hash) == _hash(token),
                               col(WebSession.expires_at) > now(),
                               col(AppUser.active).is_(True))).first()
        return (_user(row[1]), row[0].csrf) if row else None


def close_session(engine: Engine, token: str | None) -> None:
    if token:
        with Session(engine) as s, s.begin():
            s.execute(delete(WebSession).where(col(WebSession.token_hash) == _hash(token)))


def audit(engine: Engine, user: str, action: str, target: str | None = None,
          **detail: Any) -> None:
    """One line of the audit log: who, when, what, on what."""
    with Session(engine) as s, s.begin():
        s.add(AuditLog(at=now(), user_name=user, action=action, target=target, detail=detail or None))
