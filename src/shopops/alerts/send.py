"""Send a store's new warning and critical findings to its channels, once.

What was sent is recorded in the workspace (``_alert_log``), per finding and channel. A finding counts as new for a
channel unless it was sent there within ``repeat_after_days`` at the same or a higher severity — so running twice
sends nothing twice, a problem that persists is repeated weekly, and one that turns critical is sent at once.
A channel that fails is logged as failed and tried again on the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shopops.alerts.channels import CHANNELS, Message
from shopops.alerts.config import AlertsConfig, EmailConfig, StoreConfig, WebhookConfig
from shopops.alerts.mail import send_email
from shopops.alerts.net import Resolver, post_json, system_resolver
from shopops.errors import ShopopsError
from shopops.report.findings import FindingLine, severity_rank
from shopops.report.i18n import fmt_money

log = logging.getLogger(__name__)

LOG_DDL = """
CREATE TABLE IF NOT EXISTS _alert_log (
    store_id VARCHAR NOT NULL,
    finding_key VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    report_date DATE NOT NULL,
    channel VARCHAR NOT NULL,
    status VARCHAR NOT NULL,   -- sent | failed
    detail VARCHAR,
    logged_at TIMESTAMP NOT NULL
)
"""
DEFAULTS = AlertsConfig()
SEVERITY_ZH = {"warning": "警告", "critical": "严重", "info": "提示"}


@dataclass(frozen=True)
class AlertOutcome:
    channel: str
    status: str  # sent | failed | nothing_new
    findings: tuple[str, ...]  # finding keys in the message
    detail: str = ""


def ensure_log(con) -> None:
    con.execute(LOG_DDL)


def message(store_id: str, day: dt.date, findings: Sequence[FindingLine], lang: str) -> Message:
    worst = max((f.severity for f in findings), key=severity_rank)
    lines = []
    for f in findings:
        impact = (
            ""
            if f.impact is None
            else (f"(日影响 {fmt_money(f.impact)})" if lang == "zh" else f" (≈ {fmt_money(f.impact)} a day)")
        )
        level = SEVERITY_ZH.get(f.severity, f.severity) if lang == "zh" else f.severity
        lines.append(f"[{level}] {f.subject_label or f.subject}: {f.sentence(lang)}{impact}")
    if lang == "zh":
        title = f"【shopops】店铺 {store_id} {day.isoformat()}:{len(findings)} 个新问题"
    else:
        title = (
            f"[shopops] {store_id} {day.isoformat()}: {len(findings)} new problem{'s' if len(findings) != 1 else ''}"
        )
    return Message(title, tuple(lines), worst)


def _already_sent(con, store: str, f: FindingLine, channel: str, day: dt.date, repeat_days: int) -> bool:
    rows = con.execute(
        "SELECT severity FROM _alert_log WHERE store_id = ? AND finding_key = ? AND channel = ? AND status = 'sent' "
        "AND report_date > ? AND report_date <= ?",
        [store, f.key, channel, day - dt.timedelta(days=repeat_days), day],
    ).fetchall()
    return any(severity_rank(s) >= severity_rank(f.severity) for (s,) in rows)


def _record(
    con, store: str, day: dt.date, channel: str, findings: Sequence[FindingLine], status: str, detail: str
) -> None:
    now = dt.datetime.now().replace(microsecond=0)
    con.executemany(
        "INSERT INTO _alert_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [[store, f.key, f.severity, day, channel, status, detail[:500], now] for f in findings],
    )


def send_alerts(
    con,
    store: StoreConfig,
    findings: Sequence[FindingLine],
    day: dt.date,
    *,
    settings: AlertsConfig = DEFAULTS,
    lang: str = "zh",
    clock: Callable[[], float] = time.time,
    resolve: Resolver = system_resolver,
) -> tuple[AlertOutcome, ...]:
    """``con``: the workspace's read-write DuckDB connection (the alert log lives there)."""
    ensure_log(con)
    language = store.lang or lang
    outcomes = []
    targets: list[WebhookConfig | EmailConfig] = [*store.webhooks, *([store.email] if store.email else [])]
    for target in targets:
        wanted = [f for f in findings if severity_rank(f.severity) >= severity_rank(target.min_severity)]
        new = [
            f
            for f in wanted
            if not _already_sent(con, store.store_id, f, target.channel, day, settings.repeat_after_days)
        ]
        if not new:
            outcomes.append(AlertOutcome(target.channel, "nothing_new", ()))
            continue
        msg = message(store.store_id, day, new, language)
        try:
            if isinstance(target, EmailConfig):
                send_email(target, msg, timeout=settings.timeout_seconds)
            else:
                _post(target, msg, settings, clock, resolve)
        except ShopopsError as exc:
            detail = exc.message("en")
            log.warning("alert to %s failed: %s", target.channel, detail)
            _record(con, store.store_id, day, target.channel, new, "failed", detail)
            outcomes.append(AlertOutcome(target.channel, "failed", tuple(f.key for f in new), detail))
            continue
        _record(con, store.store_id, day, target.channel, new, "sent", "")
        outcomes.append(AlertOutcome(target.channel, "sent", tuple(f.key for f in new)))
    return tuple(outcomes)


def _post(
    cfg: WebhookConfig, msg: Message, settings: AlertsConfig, clock: Callable[[], float], resolve: Resolver
) -> None:
    from shopops.alerts.net import DeliveryFailed

    channel = CHANNELS[cfg.kind]
    url, payload = channel.build(cfg, msg, clock())
    resp = post_json(
        url,
        payload,
        timeout=settings.timeout_seconds,
        allow_http_loopback=settings.allow_http_loopback,
        resolve=resolve,
    )
    if not channel.accepted(resp.status, resp.json(), resp.body):
        raise DeliveryFailed(url=cfg.kind, reason=f"the platform refused the message: {resp.body[:200]}")
