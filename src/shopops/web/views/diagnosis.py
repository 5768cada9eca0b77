"""Diagnosis: the day's findings, most important first, each with its evidence rows for drill-down.

Findings come from ``shopops.diagnose.diagnose`` (the same call ``shopops report`` makes); a ``Finding`` already
holds its evidence, so this page renders it without querying again.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.responses import Response

from shopops.web.db import Reader, WebDB
from shopops.web.roles import Permission
from shopops.web.schemas import Envelope, documented
from shopops.web.scope import StoreRef
from shopops.web.views.base import CtxDep, ok, page
from shopops.web.views.overview import data_span

log = logging.getLogger(__name__)


def diagnose_function() -> Any:
    """``shopops.diagnose.diagnose`` when the diagnosis stage is installed, else None."""
    try:
        module = importlib.import_module("shopops.diagnose")
    except ImportError:
        return None
    return getattr(module, "diagnose", None)


def run(r: Reader, root: Any, store: StoreRef, day: dt.date) -> Any:
    """The store's ``Diagnosis`` for the day, with the workspace's ``thresholds.toml`` (None without the stage)."""
    diagnose = diagnose_function()
    if diagnose is None:
        return None
    from shopops.diagnose import load_overrides

    return diagnose(r.engine, day, store_id=store.store_id, overrides=load_overrides(root))


def diagnosis(r: Reader, root: Any, store: StoreRef, day: dt.date | None, lang: str) -> dict[str, Any]:
    first, last = data_span(r, store)
    day = day or last
    head: dict[str, Any] = {"store": store.to_dict(), "date": day, "span": {"first": first, "last": last}}
    if day is None:
        return head | {"empty": True, "available": diagnose_function() is not None, "summary": None, "findings": []}
    result = run(r, root, store, day)
    if result is None:
        return head | {"empty": False, "available": False, "summary": None, "findings": []}
    body = result.to_dict(lang)
    return head | {"empty": False, "available": True, "summary": body["summary"], "findings": body["findings"]}


def cached_diagnosis(db: WebDB, store: StoreRef, day: dt.date | None, lang: str) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        with db.reader() as r:
            return diagnosis(r, db.root, store, day, lang)

    return db.cached(("diagnosis", store.store_id, day, lang), build)


def register(app: FastAPI) -> None:
    router = app.router  # routes straight on the app: app.routes lists every one (the authorisation test reads it)

    @router.get(
        "/api/stores/{store_id}/diagnosis",
        summary="Diagnosis: findings of the day with their evidence",
        responses=documented(Envelope),
    )
    def diagnosis_json(
        store_id: str,
        c: CtxDep,
        date: Annotated[dt.date | None, Query(description="The day (default: the last day with data)")] = None,
    ) -> Response:
        store = c.scope.store(store_id, Permission.READ_DIAGNOSIS)
        return ok(cached_diagnosis(c.db, store, date, c.lang))

    @router.get("/stores/{store_id}/diagnosis", include_in_schema=False)
    def diagnosis_page(store_id: str, c: CtxDep, date: dt.date | None = None) -> Response:
        store = c.scope.store(store_id, Permission.READ_DIAGNOSIS)
        data = cached_diagnosis(c.db, store, date, c.lang)
        return page(c, "diagnosis.html", active="diagnosis", store=store, data=data)
