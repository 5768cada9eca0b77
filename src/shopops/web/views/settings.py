"""Settings: monthly targets, health thresholds, store names, webhooks and accounts — each per granted store.

Targets and store names are written through the import pipeline (as ``shopops target set`` does), so the ledger
records them. Accounts: an owner sees and changes only accounts whose stores they hold themselves, and grants only
stores they hold — so managing users never reaches across stores either.
"""

from __future__ import annotations

import csv
import logging
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.responses import Response

from shopops.metrics.targets import set_target
from shopops.warehouse import import_file
from shopops.web import auth, storeconf
from shopops.web.errors import BadRequest, Conflict, Forbidden, NotFound, StoreNotFound
from shopops.web.roles import ROLE_LABELS, Permission, Role
from shopops.web.schemas import (
    RenameBody,
    StoreBody,
    TargetBody,
    ThresholdsBody,
    UserBody,
    UserUpdateBody,
    WebhookBody,
    documented,
)
from shopops.web.scope import StoreRef
from shopops.web.views.base import Ctx, CtxDep, ok, page

log = logging.getLogger(__name__)


def _targets(c: Ctx, store: StoreRef) -> list[dict[str, Any]]:
    rows = c.db.read(
        "SELECT month, gmv_target FROM targets WHERE store_id = ? ORDER BY month DESC LIMIT 24", [store.store_id]
    )
    return [{"month": m, "gmv_target": v} for m, v in rows]


def _visible_users(c: Ctx) -> list[auth.User]:
    with c.db.reader() as r:
        users = auth.list_users(r.con)
    return [u for u in users if c.scope.covers(u.stores)]


def _user_dict(u: auth.User) -> dict[str, Any]:
    return {"username": u.username, "role": u.role.value, "stores": sorted(u.stores)}


def settings_payload(c: Ctx) -> dict[str, Any]:
    stores = []
    for ref in c.scope.stores():
        with c.db.reader() as r:
            entry: dict[str, Any] = {
                **ref.to_dict(),
                "targets": _targets(c, ref),
                "thresholds": storeconf.thresholds(r.con, ref),
            }
            if c.scope.can(Permission.MANAGE_WEBHOOKS):
                entry["webhooks"] = [
                    {"url": h.url, "events": list(h.events)} for h in storeconf.webhooks_for(r.con, ref)
                ]
        stores.append(entry)
    payload: dict[str, Any] = {
        "stores": stores,
        "server": c.config.public(),
        "roles": [{"role": r.value, "en": ROLE_LABELS[r][0], "zh": ROLE_LABELS[r][1]} for r in Role],
        "webhook_events": list(storeconf.WEBHOOK_EVENTS),
        "can": {p.value: c.scope.can(p) for p in Permission},
        "can_add_store": c.scope.can(Permission.WRITE_STORES) and c.user.all_stores,
    }
    if c.scope.can(Permission.MANAGE_USERS):
        payload["users"] = [_user_dict(u) for u in _visible_users(c)]
    return payload


def _granted(c: Ctx, stores: list[str]) -> list[str]:
    """Stores an owner may grant: ones they hold (``*`` only by a ``*`` holder)."""
    clean = sorted({s.strip() for s in stores if s.strip()})
    if not clean:
        raise BadRequest(field="stores", reason="grant at least one store")
    if not c.scope.covers(frozenset(clean)):
        missing = [s for s in clean if s == auth.ALL_STORES or s not in c.scope.store_ids()]
        if auth.ALL_STORES in missing:
            raise Forbidden(role=c.user.role.value, action="grant all stores ('*')")
        raise StoreNotFound(store=missing[0])
    return clean


def _managed_user(c: Ctx, username: str) -> auth.User:
    with c.db.reader() as r:
        user = auth.get_user(r.con, username)
    if user is None or not c.scope.covers(user.stores):
        raise NotFound(kind="user", key=username)
    return user


def _write_store(c: Ctx, store_id: str, name: str, platform: str | None) -> None:
    """A stores row through the import pipeline (merged on store_id, recorded in the ledger)."""
    with c.db.write() as ws, tempfile.TemporaryDirectory(dir=ws.tmp_dir) as tmp:
        path = Path(tmp) / f"store-{store_id}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([("store_id", "name", "platform"), (store_id, name, platform or "")])
        import_file(ws, path, format_name="canonical:stores", store_id=store_id)


def register(app: FastAPI) -> None:
    router = app.router  # routes straight on the app: app.routes lists every one (the authorisation test reads it)
    responses = documented()

    @router.get(
        "/api/settings",
        summary="Targets, thresholds, stores, webhooks and users this user may see",
        responses=responses,
    )
    def settings_json(c: CtxDep) -> Response:
        c.scope.require(Permission.READ_SETTINGS)
        return ok(settings_payload(c))

    @router.get("/settings", include_in_schema=False)
    def settings_page(c: CtxDep) -> Response:
        c.scope.require(Permission.READ_SETTINGS)
        return page(c, "settings.html", active="settings", data=settings_payload(c))

    @router.put("/api/stores/{store_id}/targets", summary="Set a month's GMV target", responses=responses)
    def put_target(store_id: str, body: TargetBody, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.WRITE_TARGETS)
        with c.db.write() as ws:
            amount = set_target(ws, month=body.month, gmv=body.gmv, store_id=store.store_id)
        return ok({"store": store.store_id, "month": body.month, "gmv_target": amount})

    @router.put("/api/stores/{store_id}/thresholds", summary="Set the page-health thresholds", responses=responses)
    def put_thresholds(store_id: str, body: ThresholdsBody, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.WRITE_THRESHOLDS)
        with c.db.write() as ws:
            levels = storeconf.set_thresholds(ws.con, store, body.model_dump(), c.user.username)
        return ok({"store": store.store_id, "thresholds": levels})

    @router.put("/api/stores/{store_id}", summary="Rename a store", responses=responses)
    def put_store(store_id: str, body: RenameBody, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.WRITE_STORES)
        _write_store(c, store.store_id, body.name.strip(), body.platform or store.platform)
        return ok(
            {"store": {"id": store.store_id, "name": body.name.strip(), "platform": body.platform or store.platform}}
        )

    @router.post("/api/stores", summary="Add a store (all-stores owners only)", status_code=201, responses=responses)
    def add_store(body: StoreBody, c: CtxDep) -> Response:
        c.scope.require(Permission.WRITE_STORES)
        if not c.user.all_stores:
            raise Forbidden(role=c.user.role.value, action="add stores (needs the '*' grant)")
        store_id = body.store_id.strip()
        if store_id in c.scope.store_ids():
            raise Conflict(kind="store", key=store_id)
        _write_store(c, store_id, body.name.strip() or store_id, body.platform)
        return ok({"store": {"id": store_id, "name": body.name.strip() or store_id, "platform": body.platform}}, 201)

    @router.get("/api/stores/{store_id}/webhooks", summary="The store's webhooks", responses=responses)
    def get_webhooks(store_id: str, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.MANAGE_WEBHOOKS)
        with c.db.reader() as r:
            hooks = storeconf.webhooks_for(r.con, store)
        return ok({"store": store.store_id, "webhooks": [{"url": h.url, "events": list(h.events)} for h in hooks]})

    @router.post("/api/stores/{store_id}/webhooks", summary="Add (or replace) a webhook", responses=responses)
    def post_webhook(store_id: str, body: WebhookBody, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.MANAGE_WEBHOOKS)
        with c.db.write() as ws:
            hooks = storeconf.add_webhook(ws.con, store, body.url, body.events, c.user.username)
        return ok({"store": store.store_id, "webhooks": [{"url": h.url, "events": list(h.events)} for h in hooks]})

    @router.delete("/api/stores/{store_id}/webhooks", summary="Remove a webhook", responses=responses)
    def delete_webhook(store_id: str, c: CtxDep, url: Annotated[str, Query(max_length=500)]) -> Response:
        store = c.scope.store(store_id, Permission.MANAGE_WEBHOOKS)
        with c.db.write() as ws:
            hooks = storeconf.remove_webhook(ws.con, store, url, c.user.username)
        return ok({"store": store.store_id, "webhooks": [{"url": h.url, "events": list(h.events)} for h in hooks]})

    @router.get("/api/users", summary="Accounts whose stores this owner holds", responses=responses)
    def get_users(c: CtxDep) -> Response:
        c.scope.require(Permission.MANAGE_USERS)
        return ok({"users": [_user_dict(u) for u in _visible_users(c)]})

    @router.post("/api/users", summary="Create an account", status_code=201, responses=responses)
    def post_user(body: UserBody, c: CtxDep) -> Response:
        c.scope.require(Permission.MANAGE_USERS)
        stores = _granted(c, body.stores)
        with c.db.write() as ws:
            user = auth.add_user(ws.con, body.username, body.password, body.role, stores)
        return ok({"user": _user_dict(user)}, 201)

    @router.patch("/api/users/{username}", summary="Change an account's role, stores or password", responses=responses)
    def patch_user(username: str, body: UserUpdateBody, c: CtxDep) -> Response:
        c.scope.require(Permission.MANAGE_USERS)
        user = _managed_user(c, username)
        if username == c.user.username and (body.role not in (None, c.user.role.value) or body.stores is not None):
            raise Forbidden(role=c.user.role.value, action="change your own role or stores")
        stores = _granted(c, body.stores) if body.stores is not None else None
        with c.db.write() as ws:
            if body.role is not None or stores is not None:
                auth.update_user(ws.con, user.username, role=body.role, stores=stores)
            if body.password is not None:
                auth.set_password(ws.con, user.username, body.password)
        with c.db.reader() as r:
            updated = auth.get_user(r.con, user.username)
        assert updated is not None
        return ok({"user": _user_dict(updated)})

    @router.delete("/api/users/{username}", summary="Remove an account", responses=responses)
    def delete_user(username: str, c: CtxDep) -> Response:
        c.scope.require(Permission.MANAGE_USERS)
        user = _managed_user(c, username)
        if user.username == c.user.username:
            raise Forbidden(role=c.user.role.value, action="remove your own account")
        with c.db.write() as ws:
            auth.remove_user(ws.con, user.username)
        return ok({"removed": user.username})
