"""Who is signed in, what they may see, and the CSRF check every form passes.

The session cookie is HttpOnly and SameSite=Strict (Secure unless the workbench
is served on the loopback address for a test or a single office PC); every POST
carries the session's CSRF token in a hidden field, compared in constant time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import HTTPException, Request

from connectors.resources import Resources
from connectors.store.users import User, session_user
from connectors.store.workbench import Scope

COOKIE = "triage_session"
LOGIN_COOKIE = "triage_login"


@dataclass(frozen=True)
class Viewer:
    """The signed-in user with their scope and the receiver whose masking applies to them."""

    user: User
    csrf: str

    @property
    def scope(self) -> Scope:
        if self.user.role == "mediator":
            return Scope(mediator_id=self.user.mediator_id or "-")
        if self.user.role == "liaison":
            return Scope(agency=self.user.agency or "-")
        return Scope()

    @property
    def receiver(self) -> str:
        return {"mediator": "mediator", "liaison": self.user.agency or "briefing"}.get(
            self.user.role, "judicial_office")

    @property
    def decides(self) -> bool:
        """Coordinators and administrators change cases; others read (a mediator records follow-ups)."""
        return self.user.role in ("coordinator", "admin")


class NotSignedIn(Exception):
    """Sends the browser to the sign-in page."""


def viewer(request: Request) -> Viewer:
    res: Resources = request.app.state.res
    got = session_user(res.engine, request.cookies.get(COOKIE))
    if got is None:
        raise NotSignedIn()
    return Viewer(*got)


def check_csrf(v: Viewer, token: str | None) -> None:
    if not token or not hmac.compare_digest(token, v.csrf):
        raise HTTPException(status_code=403, detail="表单已失效，请刷新页面后重试（CSRF 校验未通过）")


def may_see(request: Request, v: Viewer, case_id: str) -> None:
    res: Resources = request.app.state.res
    if not v.scope.allows(res.engine, case_id):
        raise HTTPException(status_code=403, detail="您没有查看此案件的权限")


def must_decide(v: Viewer) -> None:
    if not v.decides:
        raise HTTPException(status_code=403, detail="只有司法所协调员可以做这项操作")
