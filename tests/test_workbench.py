"""The workbench end to end: ``triage serve`` on 127.0.0.1 driven by a real headless Chromium.

A store with generated cases; a coordinator, a mediator and a police liaison sign in
through the login form as people do. Decisions made in the browser are the store's
records: a ``triage run`` afterwards keeps every one of them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from connectors.resources import open_resources
from connectors.settings import Settings
from connectors.store.access import finish_run, start_run, sync_roster
from connectors.store.schema import (
    Assignment,
    AuditLog,
    Case,
    CaseLink,
    Lead,
    LinkReview,
    RiskAssessment,
)
from connectors.store.users import add_user
from flows import stages

from .conftest import REPO_DATA
from .exports import drop_demo

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (.ci/run installs it)")
PASSWORD = "correct-horse-42"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("web")
    env = {**os.environ, "TRIAGE_HOME": str(base / "home"), "TRIAGE_DATA_DIR": str(REPO_DATA),
           "TRIAGE_DATABASE_URL": f"sqlite:///{base / 'triage.db'}"}
    env.pop("PREFECT_API_URL", None)
    settings = Settings(home=base / "home", database_url=env["TRIAGE_DATABASE_URL"], data_dir=REPO_DATA)
    res = open_resources(settings)
    drop_demo(settings.inbox, 300, 7)
    sync_roster(res.engine, res.config.mediators)
    run = start_run(res.engine, "nightly", {})
    got = stages.ingest_inbox(res, run)
    stages.link_stage(res, run)
    stages.score_stage(res, run, got.new_lead_ids)
    stages.route_stage(res, run)
    finish_run(res.engine, run, {}, "completed")
    with Session(res.engine) as s:
        mediator = s.execute(select(Assignment.mediator_id).where(
            col(Assignment.is_current).is_(True), col(Assignment.mediator_id).is_not(None))
            .group_by(Assignment.mediator_id).limit(1)).scalar_one()
    add_user(res.engine, "coord", "coordinator", PASSWORD, display_name="王协调")
    add_user(res.engine, "med", "mediator", PASSWORD, mediator_id=mediator)
    add_user(res.engine, "police", "liaison", PASSWORD, agency="police")
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError(proc.stdout.read() if proc.stdout else "server did not start")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield {"url": url, "res": res, "env": env, "browser": browser, "mediator": mediator}
        browser.close()
    proc.terminate()
    proc.wait(10)
    res.engine.dispose()


def _login(site: dict[str, Any], name: str, password: str = PASSWORD) -> Any:
    page = site["browser"].new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{site['url']}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    return page


def _case(res: Any, **where: Any) -> str:
    with Session(res.engine) as s:
        stmt = select(Case.id).where(col(Case.status) == "open")
        for k, v in where.items():
            stmt = stmt.where(getattr(Case, k) == v)
        return str(s.execute(stmt.order_by(Case.id).limit(1)).scalar_one())


def test_a_coordinators_decisions_hold_through_a_run(site: dict[str, Any]) -> None:
    res = site["res"]
    page = _login(site, "coord")
    assert page.locator("h1").inner_text() == "今日"
    red = _case(res, risk_level="红")
    page.click(f"#high a[href='/cases/{red}']") if page.locator(f"#high a[href='/cases/{red}']").count() \
        else page.goto(f"{site['url']}/cases/{red}")
    assert page.locator("#level").inner_text() == "红"
    page.select_option("#level-form select[name=level]", "橙")
    page.click("#level-form button")
    assert "理由" in page.locator("#error").inner_text()  # lowering without a reason: refused
    assert page.locator("#level").inner_text() == "红"
    page.select_option("#level-form select[name=level]", "橙")
    page.fill("#level-form input[name=reason]", "已当面化解，双方签订协议")
    page.click("#level-form button")
    assert page.locator("#level").inner_text() == "橙"

    # reassign to another mediator of the town who takes the case
    options = page.locator("#reassign-form select option").evaluate_all("els => els.map(e => e.value)")
    current = page.locator("#mediator").inner_text() if page.locator("#mediator").count() else ""
    chosen = None
    for mid in options:
        page.select_option("#reassign-form select[name=mediator_id]", mid)
        page.fill("#reassign-form input[name=reason]", "熟悉当事人家庭情况")
        page.click("#reassign-form button")
        if page.locator("#error").count() == 0 and page.locator("#mediator").inner_text() != current:
            chosen = mid
            break
    assert chosen, "no mediator of the town could take the case"
    before = page.locator("#agencies").inner_text()
    extra = next(a for a in page.locator("#agency-form select[name=agency] option").evaluate_all(
        "els => els.map(e => e.value)") if a not in before)
    page.select_option("#agency-form select[name=agency]", extra)
    page.select_option("#agency-form select[name=change]", "add")
    page.fill("#agency-form input[name=reason]", "当事人情绪低落")
    page.click("#agency-form button")
    assert extra in page.locator("#agencies").inner_text()

    # mark leave for another mediator with open cases: the run moves their cases
    with Session(res.engine) as s:
        away = s.execute(select(Assignment.mediator_id).where(
            col(Assignment.is_current).is_(True), col(Assignment.mediator_id).is_not(None),
            Assignment.mediator_id != chosen, Assignment.mediator_id != site["mediator"])
            .limit(1)).scalar_one()
    page.goto(f"{site['url']}/mediators")
    row = page.locator("#mediators tr", has_text=away)
    row.locator("input[name=last]").fill("2099-12-31")
    row.locator("input[name=reason]").fill("病假")
    row.locator("button").click()
    assert "已保存" in page.locator(".note").inner_text()

    # merge a review pair
    page.goto(f"{site['url']}/review")
    first = page.locator(".review").first
    pair_id = first.get_attribute("id")
    assert pair_id
    _, a, b = pair_id.split("-")
    first.locator("button", has_text="合并").click()
    assert "已保存" in page.locator(".note").inner_text()

    # close another case
    other = _case(res, risk_level="蓝")
    page.goto(f"{site['url']}/cases/{other}")
    page.select_option("#close-form select[name=outcome]", "调解成功")
    page.fill("#close-form input[name=note]", "双方和解")
    page.click("#close-form button")
    assert "已结案" in page.locator("h1").inner_text()
    page.close()

    # a run afterwards keeps every decision
    done = subprocess.run([sys.executable, "-m", "flows.cli", "run"], env=site["env"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with Session(res.engine) as s:
        level = s.execute(select(RiskAssessment.level, RiskAssessment.override_reason).where(
            RiskAssessment.case_id == red, col(RiskAssessment.is_current).is_(True))).one()
        assert tuple(level) == ("橙", "已当面化解，双方签订协议")
        route = s.execute(select(Assignment.mediator_id, Assignment.decided_by).where(
            Assignment.case_id == red, col(Assignment.is_current).is_(True))).one()
        assert tuple(route) == (chosen, "coord")
        agencies = s.execute(select(Assignment.co_agencies).where(
            Assignment.case_id == red, col(Assignment.is_current).is_(True))).scalar_one()
        assert extra in agencies
        left = s.execute(select(func.count()).select_from(Assignment).join(Case, Case.id == Assignment.case_id)
                         .where(col(Assignment.is_current).is_(True), Assignment.mediator_id == away,
                                Case.status == "open")).scalar_one()
        assert left == 0  # on leave: their open cases went to others
        assert s.execute(select(Case.status, Case.outcome).where(Case.id == other)).one() == ("closed", "调解成功")
        review = s.execute(select(LinkReview.status).where(
            LinkReview.lead_a == min(int(a), int(b)), LinkReview.lead_b == max(int(a), int(b)))).scalar_one()
        assert review == "merge"
        cases = dict(s.execute(select(CaseLink.lead_id, CaseLink.case_id).where(
            col(CaseLink.lead_id).in_([int(a), int(b)]))).all())
        assert cases[int(a)] == cases[int(b)]  # the run applied the merge
        actions = {r for (r,) in s.execute(select(AuditLog.action).where(AuditLog.user_name == "coord"))}
    assert {"login", "set_level", "reassign", "agency_add", "leave", "review_merge", "close"} <= actions


def test_a_mediator_sees_only_their_cases(site: dict[str, Any]) -> None:
    res = site["res"]
    page = _login(site, "med")
    page.goto(f"{site['url']}/cases")
    shown = page.locator("#results a").evaluate_all("els => els.map(e => e.textContent)")
    with Session(res.engine) as s:
        theirs = set(s.execute(select(Assignment.case_id).where(
            col(Assignment.is_current).is_(True), Assignment.mediator_id == site["mediator"])).scalars())
        other = s.execute(select(Assignment.case_id).where(
            col(Assignment.is_current).is_(True), Assignment.mediator_id != site["mediator"]).limit(1)).scalar_one()
    assert shown and set(shown) <= theirs
    resp = page.goto(f"{site['url']}/cases/{other}")
    assert resp is not None and resp.status == 403
    assert page.goto(f"{site['url']}/review").status == 403
    page.close()


def test_a_police_liaison_sees_no_dv_detail_and_no_full_phone(site: dict[str, Any]) -> None:
    res = site["res"]
    with Session(res.engine) as s:
        rows = s.execute(select(CaseLink.case_id, Lead.source, Lead.description, Lead.phones)
                         .join(Lead, Lead.id == CaseLink.lead_id)).all()
    by_case: dict[str, list[Any]] = {}
    for r in rows:
        by_case.setdefault(r[0], []).append(r)
    def phones(leads: list[Any], own: bool) -> set[str]:
        return {p for r in leads if (r[1] == "police") == own for p in r[3] or [] if "*" not in p}

    # a case the police reported that also has another agency's lead with a phone of its own
    case_id = next(c for c, leads in by_case.items() if phones(leads, True)
                   and phones(leads, False) - phones(leads, True))
    page = _login(site, "police")
    page.goto(f"{site['url']}/cases/{case_id}")
    text = page.locator("main").inner_text()
    others = phones(by_case[case_id], False) - phones(by_case[case_id], True)
    assert not any(p in text for p in others)
    assert any(p in text for p in phones(by_case[case_id], True))  # its own, as it wrote them
    # a women's federation domestic-violence case the police also took part in
    dv_cases = [c for c, leads in by_case.items() if any(r[1] == "womens_federation" for r in leads)
                and any(r[1] == "police" for r in leads)]
    from connectors.store.workbench import Scope
    with Session(res.engine) as s:
        flagged = {c for (c,) in s.execute(select(CaseLink.case_id).join(Lead, Lead.id == CaseLink.lead_id)
                                           .where(col(Lead.dv_flag).is_(True)))}
    dv = [c for c in dv_cases if c in flagged and Scope(agency="police").allows(res.engine, c)]
    assert dv, "the demo has a domestic-violence case the police took part in"
    assert not res.config.masking.for_receiver("police").dv_details
    page.goto(f"{site['url']}/cases/{dv[0]}")
    text = page.locator("main").inner_text()
    fed = [d for (_, src, d, _p) in by_case[dv[0]] if src == "womens_federation" and d]
    assert fed and not any(d in text for d in fed)
    assert "涉家庭暴力" in text
    page.close()


def test_a_form_without_its_csrf_token_is_refused(site: dict[str, Any]) -> None:
    page = _login(site, "coord")
    case_id = _case(site["res"], risk_level="黄")
    resp = page.request.post(f"{site['url']}/cases/{case_id}/level", form={"level": "红", "reason": "x"})
    assert resp.status == 403 and "CSRF" in resp.text()
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    ok = page.request.post(f"{site['url']}/cases/{case_id}/level",
                           form={"level": "红", "reason": "x", "csrf": csrf or ""})
    assert ok.status == 200 and ok.url.endswith(f"/cases/{case_id}?note=%E5%B7%B2%E4%BF%9D%E5%AD%98")
    page.close()


def test_ten_wrong_passwords_lock_the_login(site: dict[str, Any]) -> None:
    add_user(site["res"].engine, "locky", "coordinator", PASSWORD)
    for _ in range(10):
        page = _login(site, "locky", "wrong-password")
        assert "用户名或密码不正确" in page.locator("#error").inner_text()
        page.close()
    page = _login(site, "locky")  # the right password, too late
    assert "密码错误次数过多" in page.locator("#error").inner_text()
    assert page.url.startswith(f"{site['url']}/login")
    page.close()
