"""Per-store dashboard settings kept in the workspace: page-health thresholds and webhooks.

Thresholds default to the operators' rules of thumb (docs/glossary.md): bounce rate < 70 % passes, < 60 % good,
< 50 % strong; pages per visitor ≥ 2.5 passes, ≥ 3.5 good, ≥ 4 strong. Webhooks are stored for the report and task
senders to read (``webhooks_for``); the dashboard itself sends nothing.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from shopops.report.health import THRESHOLDS
from shopops.web.errors import BadRequest, DestinationRefused
from shopops.web.scope import StoreRef

log = logging.getLogger(__name__)

Status = Literal["fail", "pass", "good", "strong", "unknown"]
# The page-health checks a store may tune (pass, good, strong), defaulting to the weekly review's levels.
_TUNABLE = {t.key: t for t in THRESHOLDS if t.key in ("bounce_rate", "pages_per_visitor")}
DEFAULT_THRESHOLDS: dict[str, tuple[float, float, float]] = {
    k: (t.passing, t.good, t.strong if t.strong is not None else t.good) for k, t in _TUNABLE.items()
}
LOWER_IS_BETTER = frozenset(k for k, t in _TUNABLE.items() if t.lower_is_better)
WEBHOOK_EVENTS = ("daily_report", "finding", "task_assigned", "task_done", "import")


@dataclass(frozen=True)
class Webhook:
    url: str
    events: tuple[str, ...]


def _get(con: Any, store: StoreRef, key: str) -> Any:
    rows = con.execute(
        "SELECT value FROM _web_store_settings WHERE store_id = ? AND key = ?", [store.store_id, key]
    ).fetchall()
    return json.loads(rows[0][0]) if rows else None


def _put(con: Any, store: StoreRef, key: str, value: Any, username: str) -> None:
    con.execute(
        "INSERT INTO _web_store_settings VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        [store.store_id, key, json.dumps(value), dt.datetime.now().replace(microsecond=0), username],
    )


def thresholds(con: Any, store: StoreRef) -> dict[str, tuple[float, float, float]]:
    saved = _get(con, store, "thresholds") or {}
    return {k: tuple(saved.get(k, v)) for k, v in DEFAULT_THRESHOLDS.items()}  # type: ignore[misc]


def check_thresholds(values: dict[str, list[float] | None]) -> dict[str, tuple[float, float, float]]:
    """Three levels per metric, put in their order (passes, good, strong): falling limits for bounce rate,
    rising for visit depth — levels given in another order mean the same thresholds."""
    out = {}
    for key, levels in values.items():
        if levels is None:
            continue
        if key not in DEFAULT_THRESHOLDS:
            raise BadRequest(field=key, reason=f"unknown threshold; valid: {', '.join(DEFAULT_THRESHOLDS)}")
        if len(levels) != 3 or any(not (x == x) or x < 0 for x in levels):
            raise BadRequest(field=key, reason="give three non-negative levels: passes, good, strong")
        if key in LOWER_IS_BETTER and max(levels) > 1:
            raise BadRequest(field=key, reason="a rate is between 0 and 1")
        a, b, c = sorted((float(x) for x in levels), reverse=key in LOWER_IS_BETTER)
        out[key] = (a, b, c)
    return out


def set_thresholds(con: Any, store: StoreRef, values: dict[str, list[float] | None], username: str) -> dict:
    merged = thresholds(con, store) | check_thresholds(values)
    _put(con, store, "thresholds", {k: list(v) for k, v in merged.items()}, username)
    return merged


def health(metric: str, value: float | None, levels: tuple[float, float, float]) -> Status:
    if value is None:
        return "unknown"
    passes, good, strong = levels
    return replace(_TUNABLE[metric], passing=passes, good=good, strong=strong).verdict(value)


def check_url(url: str) -> str:
    """http(s) URLs to a named or public host only: a webhook must not point the server at its own network."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(field="url", reason="must be an http:// or https:// URL with a host")
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        raise DestinationRefused(url=url, reason="local addresses are not allowed")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return url.strip()
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        raise DestinationRefused(url=url, reason="private, loopback and link-local addresses are not allowed")
    return url.strip()


def webhooks_for(con: Any, store: StoreRef) -> tuple[Webhook, ...]:
    return tuple(Webhook(h["url"], tuple(h["events"])) for h in (_get(con, store, "webhooks") or []))


def add_webhook(con: Any, store: StoreRef, url: str, events: Sequence[str], username: str) -> tuple[Webhook, ...]:
    bad = [e for e in events if e not in WEBHOOK_EVENTS]
    if bad or not events:
        raise BadRequest(field="events", reason=f"choose from {', '.join(WEBHOOK_EVENTS)}")
    hook = Webhook(check_url(url), tuple(dict.fromkeys(events)))
    hooks = [h for h in webhooks_for(con, store) if h.url != hook.url] + [hook]
    _put(con, store, "webhooks", [{"url": h.url, "events": list(h.events)} for h in hooks], username)
    return tuple(hooks)


def remove_webhook(con: Any, store: StoreRef, url: str, username: str) -> tuple[Webhook, ...]:
    hooks = [h for h in webhooks_for(con, store) if h.url != url]
    _put(con, store, "webhooks", [{"url": h.url, "events": list(h.events)} for h in hooks], username)
    return tuple(hooks)
