"""What every view shares: the request context (user, scope, language), the JSON envelope, the error shape and the
page renderer (Jinja2, autoescaped; page data goes into a ``<script type="application/json">`` block).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopops.errors import ShopopsError, WorkspaceBusy
from shopops.report.i18n import fmt_value
from shopops.web.auth import Session, User
from shopops.web.db import WebDB
from shopops.web.errors import NotAuthenticated
from shopops.web.i18n import LANGS, Lang, words
from shopops.web.roles import ROLE_LABELS
from shopops.web.scope import Scope, StoreRef
from shopops.web.settings import WebConfig

log = logging.getLogger(__name__)

LANG_COOKIE = "shopops_lang"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every {{ }} is HTML-escaped; titles, reviews and store names render as text
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _fmt(value: Any, unit: str = "number") -> str:
    if isinstance(value, str) and unit != "text":
        return value
    return fmt_value(value, unit)


def _change(x: float | None, unit: str = "number") -> str:
    """A change already computed: points for rates, per cent otherwise."""
    if x is None:
        return "—"
    return f"{x * 100:+.2f} pp" if unit == "rate" else f"{x * 100:+.1f}%"


ENV.filters.update(fmt=_fmt, change=_change, money=lambda v: fmt_value(v, "money"), pct=lambda v: fmt_value(v, "rate"))


def lang_of(request: Request) -> Lang:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGS:
        return asked  # type: ignore[return-value]
    accept = request.headers.get("accept-language", "").lower()
    return "zh" if accept.startswith("zh") else "en"


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def jsonable(value: Any) -> Any:
    """Plain JSON values: Decimal → float, dates → ISO text, NaN → null, enums → their value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def ok(payload: dict[str, Any] | None = None, status: int = 200) -> JSON:
    return JSON({"ok": True, **jsonable(payload or {})}, status_code=status)


# Errors of other stages that mean "nothing there" rather than "you asked wrongly": 404, like a missing page.
NOT_FOUND = frozenset({"NoTrafficData", "NoDataOnDate", "UnknownStore", "UnknownTask", "NoStores"})


def _status(exc: ShopopsError) -> int:
    if isinstance(exc, WorkspaceBusy):
        return 503
    if type(exc).__name__ in NOT_FOUND:
        return 404
    return getattr(exc, "status", 400)


def _error_body(exc: BaseException, lang: Lang) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, ShopopsError):
        status = _status(exc)
        if isinstance(exc.attrs.get("file"), str):  # a file's name, never the server's folders
            exc.attrs["file"] = re.split(r"[\\/]", exc.attrs["file"])[-1]
        attrs = {k: jsonable(v) for k, v in exc.attrs.items() if k not in ("reason_zh",)}
        if hasattr(exc, "problems"):
            attrs["problems"] = [jsonable(p.to_dict(lang)) for p in exc.problems]
        return status, {**attrs, "type": type(exc).__name__, "message": exc.message(lang), "status": status}
    if isinstance(exc, RequestValidationError):
        problems = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"location": "?", "message": "invalid"}
        zh = f"参数 {first['location']} 有误:{first['message']}"
        en = f"invalid parameter {first['location']}: {first['message']}"
        return 422, {
            "type": "InvalidParameter",
            "message": zh if lang == "zh" else en,
            "status": 422,
            "problems": problems,
        }
    if isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        return status, {"type": "HTTPError", "message": str(exc.detail), "status": status}
    return 500, {"type": "InternalError", "message": "internal error (logged on the server)", "status": 500}


def error_response(exc: BaseException, lang: Lang, *, html: bool = False, request: Request | None = None) -> Response:
    status, body = _error_body(exc, lang)
    headers = {"Retry-After": str(body["retry_after"])} if "retry_after" in body else None
    if html and request is not None:
        text = ENV.get_template("error.html").render(
            lang=lang, w=words(lang), message=body["message"], status=status, problems=body.get("problems", [])
        )
        return HTMLResponse(text, status_code=status, headers=headers)
    return JSON({"ok": False, "error": body}, status_code=status, headers=headers)


@dataclass(frozen=True)
class Ctx:
    """One request's user, their stores and language."""

    request: Request
    db: WebDB
    config: WebConfig
    session: Session
    scope: Scope
    lang: Lang

    @property
    def user(self) -> User:
        return self.session.user


def ctx(request: Request) -> Ctx:
    """The dependency every signed-in route takes (the Guard has already loaded the session)."""
    session: Session | None = getattr(request.state, "session", None)
    if session is None:
        raise NotAuthenticated()
    db: WebDB = request.app.state.db
    lang = lang_of(request)
    return Ctx(request, db, request.app.state.config, session, Scope(db, session.user, lang), lang)


CtxDep = Annotated[Ctx, Depends(ctx)]

PAGES = ("overview", "traffic", "products", "diagnosis", "tasks", "upload")


def page(c: Ctx, template: str, *, active: str, data: dict[str, Any], store: StoreRef | None = None) -> HTMLResponse:
    """A page: the nav, the store switcher and the page's own data (its JSON twin's payload)."""
    lang = c.lang
    text = ENV.get_template(template).render(
        lang=lang,
        w=words(lang),
        active=active,
        pages=PAGES,
        user=c.user.username,
        role=ROLE_LABELS[c.user.role][1 if lang == "zh" else 0],
        csrf=c.session.csrf,
        store=store,
        stores=c.scope.stores(),
        data=jsonable({"ok": True, **data}),
        page_words=words(lang),
        path=c.request.url.path,
        other_lang="en" if lang == "zh" else "zh",
    )
    response = HTMLResponse(text)
    if c.request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response
