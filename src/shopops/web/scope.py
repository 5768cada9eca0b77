"""Store isolation, in one place: every page, JSON route, upload and download gets its store from ``Scope.store``.

``Scope.store(store_id, permission)`` answers a ``StoreRef`` only for a store the user was granted, and raises
``StoreNotFound`` — exactly as for a store that does not exist — for any other, before the role is even looked at.
The functions that read or write a store's data take a ``StoreRef``, which nothing else can make, so a view cannot
reach a store by passing a bare id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from shopops.web.auth import User
from shopops.web.db import WebDB
from shopops.web.errors import Forbidden, StoreNotFound
from shopops.web.roles import PERMISSION_TEXT, ROLE_LABELS, Permission, can

log = logging.getLogger(__name__)

_KEY = object()


@dataclass(frozen=True)
class StoreRef:
    """A store the current user was granted. Made by ``Scope`` only."""

    store_id: str
    name: str
    platform: str | None
    _key: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._key is not _KEY:
            raise TypeError("a StoreRef comes from Scope.store(), which checks the user's grants")

    def to_dict(self) -> dict[str, str | None]:
        return {"id": self.store_id, "name": self.name, "platform": self.platform}


def all_stores(db: WebDB) -> dict[str, tuple[str, str | None]]:
    """Every store in the workspace: id → (name, platform). Cached until the next write."""

    def build() -> dict[str, tuple[str, str | None]]:
        rows = db.read("SELECT store_id, coalesce(name, store_id), platform FROM stores ORDER BY store_id")
        return {sid: (name, platform) for sid, name, platform in rows}

    return db.cached(("all_stores",), build)


@dataclass(frozen=True)
class Scope:
    db: WebDB
    user: User
    lang: str = "en"  # of the request: a refusal names the role and the action in it

    def can(self, permission: Permission) -> bool:
        return can(self.user.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            zh = self.lang == "zh"
            raise Forbidden(
                role=ROLE_LABELS[self.user.role][1 if zh else 0], action=PERMISSION_TEXT[permission][1 if zh else 0]
            )

    def stores(self) -> tuple[StoreRef, ...]:
        """The stores this user sees: granted ones present in the workspace, plus granted ids with no data yet."""
        known = all_stores(self.db)
        if self.user.all_stores:
            ids = sorted(known)
        else:
            ids = sorted(self.user.stores)
        return tuple(StoreRef(s, *known.get(s, (s, None)), _key=_KEY) for s in ids)

    def store(self, store_id: str, permission: Permission) -> StoreRef:
        for ref in self.stores():
            if ref.store_id == store_id:
                self.require(permission)
                return ref
        raise StoreNotFound(store=store_id)

    def store_ids(self) -> frozenset[str]:
        return frozenset(s.store_id for s in self.stores())

    def covers(self, stores: frozenset[str]) -> bool:
        """Does this user hold every one of ``stores``? (``*`` only when the user holds ``*``.)"""
        if self.user.all_stores:
            return True
        return "*" not in stores and stores <= self.user.stores
