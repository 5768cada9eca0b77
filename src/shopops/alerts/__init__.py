"""Alerts, an edge stage like report: new warning/critical findings go to the store's webhooks (DingTalk, WeCom,
Feishu, Slack) and email, once each, through an SSRF-guarded client."""

from shopops.alerts.config import AlertsConfig, EmailConfig, RunConfig, StoreConfig, WebhookConfig, load_config
from shopops.alerts.send import AlertOutcome, send_alerts

__all__ = [
    "AlertOutcome",
    "AlertsConfig",
    "EmailConfig",
    "RunConfig",
    "StoreConfig",
    "WebhookConfig",
    "load_config",
    "send_alerts",
]
