"""A store's view of a period (``?start=…&end=…``): one builder, two routes — the JSON twin under ``/api`` and the
page rendering the same payload — and one cached payload for both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.responses import Response

from shopops.web.db import Reader, WebDB
from shopops.web.roles import Permission
from shopops.web.schemas import Envelope, documented
from shopops.web.scope import StoreRef
from shopops.web.views.base import CtxDep, ok, page

Build = Callable[[Reader, StoreRef, dt.date | None, dt.date | None], dict[str, Any]]
Start = Annotated[dt.date | None, Query(description="First day (default: 13 days before end)")]
End = Annotated[dt.date | None, Query(description="Last day (default: the last day with data)")]


def cached(db: WebDB, name: str, build: Build, store: StoreRef, start: dt.date | None, end: dt.date | None) -> Any:
    def run() -> dict[str, Any]:
        with db.reader() as r:
            return build(r, store, start, end)

    return db.cached((name, store.store_id, start, end), run)


def register_period_view(app: FastAPI, name: str, summary: str, build: Build) -> None:
    """``/api/stores/{store_id}/<name>`` and ``/stores/{store_id}/<name>`` (template ``<name>.html``)."""
    router = app.router  # routes straight on the app: app.routes lists every one (the authorisation test reads it)

    def json_twin(store_id: str, c: CtxDep, start: Start = None, end: End = None) -> Response:
        store = c.scope.store(store_id, Permission.READ_DASHBOARD)
        return ok(cached(c.db, name, build, store, start, end))

    def html_page(store_id: str, c: CtxDep, start: dt.date | None = None, end: dt.date | None = None) -> Response:
        store = c.scope.store(store_id, Permission.READ_DASHBOARD)
        data = cached(c.db, name, build, store, start, end)
        return page(c, f"{name}.html", active=name, store=store, data=data)

    router.add_api_route(
        f"/api/stores/{{store_id}}/{name}",
        json_twin,
        methods=["GET"],
        summary=summary,
        responses=documented(Envelope),
        name=f"{name}_json",
    )
    router.add_api_route(
        f"/stores/{{store_id}}/{name}", html_page, methods=["GET"], include_in_schema=False, name=f"{name}_page"
    )
