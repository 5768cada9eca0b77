"""Sign in and out, who am I, which stores may I see.

``POST /login`` takes the HTML form (with a CSRF token bound to a nonce cookie) or a JSON body (a cross-site page
cannot send JSON without a CORS pre-flight, which this server never grants). Either way it checks the rate limit
before the password, and issues a brand-new session id.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from shopops.web import auth
from shopops.web.errors import BadRequest, CsrfFailed, LoginFailed, WebError
from shopops.web.i18n import words
from shopops.web.roles import MATRIX
from shopops.web.schemas import LoginBody, SessionEnvelope, StoresEnvelope, documented, error_responses
from shopops.web.security import login_nonce, login_token, tokens_equal
from shopops.web.views.base import ENV, Ctx, CtxDep, ctx, error_response, lang_of, ok, wants_json

log = logging.getLogger(__name__)

NONCE_COOKIE = "shopops_login"


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no '//'): never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


def _secure(request: Request) -> bool:
    mode = request.app.state.config.secure_cookies
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def _login_page(request: Request, *, error: str | None = None, status: int = 200, username: str = "") -> Response:
    secret = request.app.state.config.secret
    nonce = login_nonce()
    lang = lang_of(request)
    html = ENV.get_template("login.html").render(
        lang=lang,
        w=words(lang),
        token=login_token(secret, nonce),
        next=safe_next(request.query_params.get("next")),
        error=error,
        username=username,
        other_lang="en" if lang == "zh" else "zh",
    )
    response = HTMLResponse(html, status_code=status)
    response.set_cookie(NONCE_COOKIE, nonce, httponly=True, samesite="lax", secure=_secure(request), path="/login")
    return response


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


def _sign_in(request: Request, username: str, password: str) -> tuple[str, str, auth.User]:
    """Rate limit, verify, rotate: (session id, CSRF token, user)."""
    db = request.app.state.db
    ip = _client_ip(request)
    pair = f"{ip}|{username.lower()}"
    request.app.state.limiter.check(pair)
    request.app.state.ip_limiter.check(ip)
    with db.reader() as r:
        user, rehash = auth.authenticate(r.con, username, password)
    if user is None:
        request.app.state.limiter.fail(pair)
        request.app.state.ip_limiter.fail(ip)
        log.warning("failed sign-in for %r from %s", username, ip)
        raise LoginFailed()
    request.app.state.limiter.reset(pair)
    with db.write(invalidate=False) as ws:
        auth.end_session(ws.con, request.cookies.get("shopops_session"))  # the old id never survives sign-in
        if rehash:
            auth.store_rehash(ws.con, username, rehash)
        sid, csrf = auth.create_session(ws.con, username, request.app.state.config.session_hours)
    log.info("%s signed in from %s", username, ip)
    return sid, csrf, user


def _set_session(request: Request, response: Response, sid: str) -> None:
    response.set_cookie(
        "shopops_session",
        sid,
        max_age=request.app.state.config.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(NONCE_COOKIE, path="/login")


def _session_payload(c: Ctx) -> dict:
    return {
        "user": c.user.username,
        "role": c.user.role.value,
        "csrf_token": c.session.csrf,
        "permissions": sorted(p.value for p in MATRIX[c.user.role]),
        "stores": [s.to_dict() for s in c.scope.stores()],
    }


def register(app: FastAPI) -> None:
    router = app.router  # routes straight on the app: app.routes lists every one (the authorisation test reads it)

    @router.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        session = getattr(request.state, "session", None)
        if session is None:
            return RedirectResponse("/login", status_code=303)
        c = ctx(request)
        asked = request.query_params.get("store")  # the store switcher, without script
        if asked:
            return RedirectResponse(f"/stores/{quote(asked, safe='')}/overview", status_code=303)
        stores = c.scope.stores()
        return RedirectResponse(f"/stores/{stores[0].store_id}/overview" if stores else "/settings", status_code=303)

    @router.get("/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        if getattr(request.state, "session", None) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        return _login_page(request)

    @router.post(
        "/login",
        summary="Sign in",
        description="Form (username, password, csrf_token, next) or JSON {username, password}. "
        "Sets the HttpOnly session cookie; JSON answers carry the session's CSRF token.",
        responses={
            200: {"model": SessionEnvelope},
            303: {"description": "Signed in (form)"},
            **error_responses(400, 401, 403, 422, 429),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": LoginBody.model_json_schema()}},
            }
        },
    )
    async def login(request: Request) -> Response:
        lang = lang_of(request)
        is_json = request.headers.get("content-type", "").split(";")[0].strip() == "application/json"
        try:
            if is_json:
                try:
                    body = LoginBody.model_validate_json(await request.body())
                except ValidationError:
                    raise BadRequest(field="body", reason="expected JSON {username, password}") from None
                username, password, target = body.username, body.password, "/"
            else:
                form = await request.form()
                username, password = str(form.get("username", "")), str(form.get("password", ""))
                target = safe_next(str(form.get("next", "/")))
                nonce = request.cookies.get(NONCE_COOKIE, "")
                if not nonce or not tokens_equal(
                    str(form.get("csrf_token", "")), login_token(request.app.state.config.secret, nonce)
                ):
                    raise CsrfFailed()
            sid, csrf, user = await _run(_sign_in, request, username, password)
        except WebError as exc:
            if is_json:
                return error_response(exc, lang)
            return _login_page(request, error=exc.message(lang), status=exc.status, username=username[:40])
        if is_json:
            response: Response = ok({"user": user.username, "role": user.role.value, "csrf_token": csrf})
        else:
            response = RedirectResponse(target, status_code=303)
        _set_session(request, response, sid)
        return response

    @router.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        session = getattr(request.state, "session", None)
        form = await request.form() if "form" in request.headers.get("content-type", "") else {}
        token = request.headers.get("x-csrf-token") or str(form.get("csrf_token", ""))
        if session is not None:
            if not tokens_equal(token, session.csrf):
                return error_response(CsrfFailed(), lang_of(request))
            db = request.app.state.db
            with db.write(invalidate=False) as ws:
                auth.end_session(ws.con, request.cookies.get("shopops_session"))
        response = ok({"signed_out": True}) if wants_json(request) else RedirectResponse("/login", status_code=303)
        response.delete_cookie("shopops_session", path="/")
        return response

    @router.get(
        "/api/session",
        summary="Who is signed in: role, permissions, stores, CSRF token",
        responses=documented(SessionEnvelope),
    )
    def session_info(c: CtxDep) -> Response:
        return ok(_session_payload(c))

    @router.get(
        "/api/stores",
        summary="The stores this user was granted",
        responses=documented(StoresEnvelope),
    )
    def stores(c: CtxDep) -> Response:
        return ok({"stores": [s.to_dict() for s in c.scope.stores()]})


async def _run(func, *args):
    import anyio

    return await anyio.to_thread.run_sync(func, *args)
