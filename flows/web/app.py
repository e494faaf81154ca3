"""``triage serve``: the coordinators' workbench on the pipeline's own store.

Server-rendered pages (Jinja2, plain forms, one stylesheet shipped with the
package: nothing comes from the internet), on FastAPI.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from connectors.resources import open_resources
from connectors.settings import Settings
from flows.web.auth import NotSignedIn
from flows.web.views import router

HERE = Path(__file__).parent
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        return response


def create_app(settings: Settings | None = None, *, secure_cookies: bool = True) -> FastAPI:
    """The workbench on the store ``settings`` names; ``secure_cookies`` off only on loopback."""
    app = FastAPI(title="矛盾纠纷研判工作台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.res = open_resources(settings or Settings())
    app.state.secure = secure_cookies
    app.state.prefect_api = os.environ.get("PREFECT_API_URL")
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(SecurityHeaders)
    app.include_router(router)

    @app.exception_handler(NotSignedIn)
    async def _signin(request: Request, exc: NotSignedIn) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return templates.TemplateResponse(request, "error.html", {"v": None, "status": exc.status_code,
                                                                  "message": exc.detail},
                                          status_code=exc.status_code)

    @app.get("/healthz", response_class=HTMLResponse)
    def healthz() -> str:
        return "ok"

    return app
