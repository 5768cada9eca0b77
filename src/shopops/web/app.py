"""The dashboard application: one FastAPI app over one ``WebDB``, its pages and their JSON twins.

Every page type lives in its own module under ``views/`` and registers itself the same way an add-on would
(``VIEWS`` lists them, like datasette's ``DEFAULT_PLUGINS``). In front of all of them sits ``Guard``: it loads the
session, answers 401 for any ``/api`` route without one, checks the CSRF token of every state-changing request, and
adds the security headers (CSP …) to every response — so a route added later is covered without doing anything.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import MutableMapping
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopops import __version__
from shopops.errors import ShopopsError, WorkspaceBusy
from shopops.warehouse import Workspace
from shopops.web import auth
from shopops.web.db import WebDB
from shopops.web.errors import CsrfFailed, NotAuthenticated, WebError
from shopops.web.security import SAFE_METHODS, SECURITY_HEADERS, RateLimiter, tokens_equal
from shopops.web.settings import WebConfig, load_config
from shopops.web.views.base import error_response, lang_of, wants_json

log = logging.getLogger(__name__)

VIEWS = ("auth", "overview", "traffic", "products", "diagnosis", "tasks", "upload", "settings", "downloads")
SESSION_COOKIE = "shopops_session"
CSRF_HEADER = "x-csrf-token"
# Form posts that check their own token (the sign-in form has no session yet; sign-out works without script).
FORM_POSTS = frozenset({"/login", "/logout"})
STATIC = Path(__file__).parent / "static"


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class Guard:
    """Pure ASGI middleware: session, 401, CSRF and security headers, before any route or body parsing."""

    def __init__(self, app: Any, db: WebDB) -> None:
        self.app = app
        self.db = db

    def _session(self, sid: str | None) -> auth.Session | None:
        if not sid or len(sid) > 128:
            return None

        def load() -> auth.Session | None:
            with self.db.reader() as r:
                return auth.load_session(r.con, sid)

        return self.db.session(auth.session_key(sid), load)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        request = Request(scope)
        session = None
        if not path.startswith("/static/"):
            session = await anyio.to_thread.run_sync(self._session, request.cookies.get(SESSION_COOKIE))
        scope.setdefault("state", {})["session"] = session
        error: WebError | None = None
        if is_api(path) and session is None:
            error = NotAuthenticated()
        elif scope["method"] not in SAFE_METHODS and path not in FORM_POSTS:
            if session is None:
                error = NotAuthenticated()
            elif not tokens_equal(request.headers.get(CSRF_HEADER), session.csrf):
                error = CsrfFailed()

        async def send_secure(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k.lower().encode(), v.encode())
                    for k, v in SECURITY_HEADERS.items()
                    if k.lower().encode() not in present
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        if error is not None:
            if isinstance(error, NotAuthenticated) and not wants_json(request):
                response: Response = RedirectResponse(f"/login?next={quote(path)}", status_code=303)
            else:
                response = error_response(error, lang_of(request))
            await response(scope, receive, send_secure)
            return
        await self.app(scope, receive, send_secure)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ShopopsError)
    async def shopops_error(request: Request, exc: ShopopsError) -> Response:
        if isinstance(exc, NotAuthenticated) and not wants_json(request):
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        if not isinstance(exc, WebError | WorkspaceBusy) and not isinstance(getattr(exc, "status", None), int):
            log.info("user error on %s: %s", request.url.path, exc)
        return error_response(exc, lang_of(request), html=not wants_json(request), request=request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(exc, lang_of(request), html=not wants_json(request), request=request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(exc, lang_of(request), html=not wants_json(request), request=request)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(exc, lang_of(request), html=not wants_json(request), request=request)


def _describe_security(app: FastAPI) -> None:
    """State in /openapi.json what the Guard enforces: a session cookie on /api, the CSRF header on writes."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = {
                "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            }
            for path, operations in schema.get("paths", {}).items():
                if not is_api(path):
                    continue
                for method, operation in operations.items():
                    safe = method.upper() in SAFE_METHODS
                    operation["security"] = [{"session": []}] if safe else [{"session": [], "csrf": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(db: WebDB, config: WebConfig) -> FastAPI:
    app = FastAPI(
        title="shopops dashboard",
        version=__version__,
        description="Pages and their JSON twins. Every /api route needs a session cookie (sign in at /login); "
        "every state-changing request needs the session's CSRF token in the X-CSRF-Token header.",
        docs_url=None,  # Swagger UI loads scripts from a CDN and inline: not under this CSP
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.db = db
    app.state.config = config
    app.state.limiter = RateLimiter(config.login_attempts, config.login_window_s)
    app.state.ip_limiter = RateLimiter(config.login_attempts * 4, config.login_window_s)
    _handlers(app)
    for name in VIEWS:
        importlib.import_module(f"shopops.web.views.{name}").register(app)

    @app.get("/static/echarts.min.js", include_in_schema=False)
    def echarts() -> FileResponse:
        path = resources.files("shopops.report").joinpath("static/echarts.min.js")
        return FileResponse(str(path), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    _describe_security(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(Guard, db=db)
    return app


def open_app(root: str | Path | None = None, **overrides: Any) -> FastAPI:
    """Check the configuration, then open the workspace read-write (``WorkspaceBusy`` if another process holds it)
    and build the app. The secret is checked first, so a misconfigured server never takes the workspace."""
    from shopops.warehouse import workspace_path

    ws_root = workspace_path(root)
    config = load_config(ws_root, **overrides)
    db = WebDB(Workspace(ws_root), cache_entries=config.cache_entries)
    return create_app(db, config)
