"""The workbench's pages and actions. Each action is the same store call the CLI makes,
written to the audit log with who and what; a refused action shows its reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

import pandas as pd
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from connectors.outputs.share import RUN_KINDS
from connectors.outputs.tables import CASE_FIELDS, LEAD_FIELDS, Masker, signal_columns
from connectors.resources import Resources
from connectors.store import decisions, workbench
from connectors.store.linking import decide
from connectors.store.users import (
    ROLES,
    UserError,
    audit,
    close_session,
    open_session,
    sign_in,
)
from flows.stages.score import override_case
from flows.stages.share import share_setup
from flows.web.auth import COOKIE, LOGIN_COOKIE, Viewer, check_csrf, may_see, must_decide, viewer
from triage.domain import CASE_OUTCOMES, RISK_LEVELS, SOURCE_LABELS

router = APIRouter()
Csrf = Annotated[str | None, Form(alias="csrf")]
Text = Annotated[str, Form()]
EVENT_LABELS = {"created": "新建", "merged": "合并", "split": "拆分", "grown": "新增线索",
                "routed": "分派", "referred": "转办", "unroutable": "无法分派", "reassigned": "改派",
                "confirmed": "确认分派", "agency_rejected": "排除共调单位", "agency_added": "增加共调单位",
                "closed": "结案", "reopened": "重新打开", "agencies": "共调单位变化", "level": "调整等级",
                "task_done": "跟进完成", "due_moved": "调整时限", "review_merge": "确认为同一纠纷",
                "review_split": "确认不是同一纠纷"}


def _res(request: Request) -> Resources:
    return request.app.state.res  # type: ignore[no-any-return]


def page(request: Request, name: str, v: Viewer | None, **ctx: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, {"v": v, "roles": ROLES, "levels": RISK_LEVELS, **ctx})


def back(url: str, note: str | None = None, error: str | None = None) -> RedirectResponse:
    if note:
        url += ("&" if "?" in url else "?") + "note=" + quote(note)
    if error:
        url += ("&" if "?" in url else "?") + "error=" + quote(error)
    return RedirectResponse(url, status_code=303)


def act(request: Request, v: Viewer, csrf: str | None, action: str, target: str, url: str,
        work: Callable[[], object], **detail: Any) -> RedirectResponse:
    """Run a decision: refused with its reason on the page, else audited and confirmed."""
    check_csrf(v, csrf)
    try:
        work()
    except (decisions.DecisionError, ValueError, UserError) as exc:
        return back(url, error=str(exc))
    audit(_res(request).engine, v.user.name, action, target, **detail)
    return back(url, note="已保存")


# ----------------------------------------------------------------------------- sign in


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, error: str | None = None) -> HTMLResponse:
    import secrets

    token = secrets.token_urlsafe(24)
    resp = page(request, "login.html", None, login_csrf=token, error=error)
    resp.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                    secure=request.app.state.secure, max_age=600)
    return resp


@router.post("/login")
def login(request: Request, name: Text, password: Text, csrf: Csrf = None) -> Response:
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not csrf or not cookie or csrf != cookie:
        raise HTTPException(status_code=403, detail="登录表单已失效，请刷新页面后重试")
    res = _res(request)
    try:
        user = sign_in(res.engine, name, password)
    except UserError as exc:
        audit(res.engine, name[:64], "login_failed")
        return back("/login", error=str(exc))
    token, _ = open_session(res.engine, user)
    audit(res.engine, user.name, "login")
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.app.state.secure,
                    max_age=8 * 3600)
    resp.delete_cookie(LOGIN_COOKIE)
    return resp


@router.post("/logout")
def logout(request: Request, v: Annotated[Viewer, Depends(viewer)], csrf: Csrf = None) -> Response:
    check_csrf(v, csrf)
    close_session(_res(request).engine, request.cookies.get(COOKIE))
    audit(_res(request).engine, v.user.name, "logout")
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


# ----------------------------------------------------------------------------- pages


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    if df is None or df.empty:
        return []
    return [{str(k): v for k, v in r.items()} for r in df.astype(object).where(df.notna(), None).to_dict("records")]


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, v: Annotated[Viewer, Depends(viewer)]) -> HTMLResponse:
    res = _res(request)
    got = workbench.today(res.engine, v.scope)
    reviews = workbench.review_count(res.engine) if v.decides else None
    return page(request, "today.html", v, **{k: _rows(df) for k, df in got.items()}, reviews=reviews)


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, v: Annotated[Viewer, Depends(viewer)], q: str | None = None,
               village: str | None = None, level: str | None = None, on: str | None = None) -> HTMLResponse:
    day = None
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            day = None
    found = workbench.search(_res(request).engine, v.scope, q, village, level or None, day)
    return page(request, "cases.html", v, rows=_rows(found), q=q or "", village=village or "",
                level=level or "", on=on or "")


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str, v: Annotated[Viewer, Depends(viewer)],
              note: str | None = None, error: str | None = None) -> HTMLResponse:
    res = _res(request)
    detail = workbench.case_detail(res.engine, case_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"没有案件 {case_id}")
    may_see(request, v, case_id)
    leads = detail["leads"].assign(source_text=detail["leads"]["source"].map(
        lambda s: SOURCE_LABELS.get(s, s)))
    risk = detail["risk"] or {}
    case_row = pd.DataFrame([{"case_id": case_id, "signals": risk.get("signals"),
                              **signal_columns(risk.get("signals")),
                              "explanation": risk.get("explanation")}])
    setup = share_setup(res)
    masker = Masker.for_frames(leads, case_row, setup.masking, setup.finder)
    own = v.user.agency if v.user.role == "liaison" else None
    shown_leads = masker.rows(leads, v.receiver, LEAD_FIELDS, own_source=own)
    shown_case = masker.rows(case_row, v.receiver, CASE_FIELDS).iloc[0].to_dict()
    route = detail["route"] or {}
    mediators = {m.mediator_id: m for m in res.config.mediators}
    others = detail["others"]
    key_persons = sorted({int(p) for p in others.loc[others["risk_level"] == "红", "person_id"]}) \
        if not others.empty else []
    known = sorted({a for rule in res.config.routing.co_agency for a in rule.agencies})
    return page(request, "case.html", v, case=detail["case"], risk=risk, shown_case=shown_case,
                leads=_rows(shown_leads), route=route, tasks=_rows(detail["tasks"]),
                events=_rows(detail["events"]), others=_rows(others), key_persons=key_persons,
                mediator=mediators.get(route.get("mediator_id") or ""), mediators=mediators,
                outcomes=CASE_OUTCOMES, agencies=known, event_labels=EVENT_LABELS,
                note=note, error=error, now=datetime.now())


# ----------------------------------------------------------------------------- case actions


@router.post("/cases/{case_id}/level")
def set_level(request: Request, case_id: str, v: Annotated[Viewer, Depends(viewer)],
              level: Text, reason: Annotated[str, Form()] = "", csrf: Csrf = None) -> Response:
    must_decide(v)
    return act(request, v, csrf, "set_level", case_id, f"/cases/{case_id}",
               lambda: override_case(_res(request), case_id, level, v.user.name, reason or None),
               level=level)


@router.post("/cases/{case_id}/confirm")
def confirm_route(request: Request, case_id: str, v: Annotated[Viewer, Depends(viewer)],
                  csrf: Csrf = None) -> Response:
    must_decide(v)
    return act(request, v, csrf, "confirm_route", case_id, f"/cases/{case_id}",
               lambda: decisions.confirm(_res(request).engine, case_id, v.user.name))


@router.post("/cases/{case_id}/reassign")
def reassign_route(request: Request, case_id: str, v: Annotated[Viewer, Depends(viewer)],
                   mediator_id: Text, reason: Annotated[str, Form()] = "", csrf: Csrf = None) -> Response:
    must_decide(v)
    res = _res(request)
    return act(request, v, csrf, "reassign", case_id, f"/cases/{case_id}",
               lambda: decisions.reassign(res.engine, case_id, res.config.mediator(mediator_id),
                                          v.user.name, reason), to=mediator_id)


@router.post("/cases/{case_id}/agency")
def change_agency(request: Request, case_id: str, v: Annotated[Viewer, Depends(viewer)],
                  agency: Text, change: Text, reason: Annotated[str, Form()] = "",
                  csrf: Csrf = None) -> Response:
    must_decide(v)
    res = _res(request)
    known = sorted({a for rule in res.config.routing.co_agency for a in rule.agencies})

    def work() -> object:
        if change == "add":
            return decisions.add_agency(res.engine, case_id, agency, v.user.name, reason, known)
        return decisions.reject_agency(res.engine, case_id, agency, v.user.name, reason)
    return act(request, v, csrf, f"agency_{change}", case_id, f"/cases/{case_id}", work, agency=agency)


@router.post("/cases/{case_id}/close")
def close_case(request: Request, case_id: str, v: Annotated[Viewer, Depends(viewer)],
               outcome: Text, note: Annotated[str, Form()] = "", csrf: Csrf = None) -> Response:
    must_decide(v)
    return act(request, v, csrf, "close", case_id, f"/cases/{case_id}",
               lambda: decisions.close(_res(request).engine, case_id, outcome, v.user.name, note or None),
               outcome=outcome)


@router.post("/cases/{case_id}/reopen")
def reopen_case(request: Request, case_id: str, v: Annotated[Viewer, Depends(viewer)],
                reason: Annotated[str, Form()] = "", csrf: Csrf = None) -> Response:
    must_decide(v)
    return act(request, v, csrf, "reopen", case_id, f"/cases/{case_id}",
               lambda: decisions.reopen(_res(request).engine, case_id, v.user.name, reason))


@router.post("/tasks/{task_id}/done")
def task_done(request: Request, task_id: int, v: Annotated[Viewer, Depends(viewer)],
              case_id: Text, note: Annotated[str, Form()] = "", csrf: Csrf = None) -> Response:
    may_see(request, v, case_id)
    if v.user.role == "liaison":
        raise HTTPException(status_code=403, detail="部门联络员不能登记跟进")
    return act(request, v, csrf, "task_done", case_id, f"/cases/{case_id}",
               lambda: decisions.task_done(_res(request).engine, task_id, v.user.name, note or None),
               task=task_id)


# ----------------------------------------------------------------------------- review, mediators, runs


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, v: Annotated[Viewer, Depends(viewer)], note: str | None = None,
                error: str | None = None) -> HTMLResponse:
    must_decide(v)
    pairs = workbench.reviews(_res(request).engine)
    return page(request, "review.html", v, pairs=_rows(pairs), labels=SOURCE_LABELS, note=note, error=error)


@router.post("/review/{lead_a}/{lead_b}")
def review_decide(request: Request, lead_a: int, lead_b: int, v: Annotated[Viewer, Depends(viewer)],
                  decision: Text, reason: Annotated[str, Form()] = "", csrf: Csrf = None) -> Response:
    must_decide(v)
    return act(request, v, csrf, f"review_{decision}", f"{lead_a}/{lead_b}", "/review",
               lambda: decide(_res(request).engine, lead_a, lead_b, decision, v.user.name, reason or None))


@router.get("/mediators", response_class=HTMLResponse)
def mediators_page(request: Request, v: Annotated[Viewer, Depends(viewer)], note: str | None = None,
                   error: str | None = None) -> HTMLResponse:
    must_decide(v)
    res = _res(request)
    load = workbench.mediator_load(res.engine)
    extra = workbench.web_leave(res.engine)
    return page(request, "mediators.html", v, rows=_rows(load), extra=extra, note=note, error=error,
                today=date.today())


@router.post("/mediators/{mediator_id}/leave")
def mark_leave(request: Request, mediator_id: str, v: Annotated[Viewer, Depends(viewer)],
               first: Text, last: Text, reason: Annotated[str, Form()] = "", csrf: Csrf = None) -> Response:
    must_decide(v)

    def work() -> None:
        try:
            a, b = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise ValueError("日期格式应为 2026-12-07") from None
        workbench.add_leave(_res(request).engine, mediator_id, a, b, v.user.name, reason or None)
    return act(request, v, csrf, "leave", mediator_id, "/mediators", work, first=first, last=last)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, v: Annotated[Viewer, Depends(viewer)], note: str | None = None,
              error: str | None = None) -> HTMLResponse:
    must_decide(v)
    runs = workbench.recent_runs(_res(request).engine)
    return page(request, "runs.html", v, rows=_rows(runs), note=note, error=error, kinds=RUN_KINDS,
                prefect=bool(request.app.state.prefect_api))


@router.post("/runs/rerun")
def start_rerun(request: Request, v: Annotated[Viewer, Depends(viewer)], start: Text, end: Text,
                csrf: Csrf = None) -> Response:
    must_decide(v)

    def work() -> None:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
        if not request.app.state.prefect_api:
            raise ValueError("未配置 Prefect 服务器（PREFECT_API_URL）：请在命令行运行 "
                             f"triage rerun --start {a} --end {b}")
        from prefect.deployments import run_deployment

        run_deployment("nightly-triage/rerun", parameters={"start": str(a), "end": str(b)},
                       timeout=0)
    return act(request, v, csrf, "rerun", f"{start}~{end}", "/runs", work)
