"""The workspace's ``shopops.toml``: where run-daily finds new files, which reports it writes, and per store where
alerts go. Unknown keys are refused with the valid ones listed, so a typo never silently disables an alert.

Secrets can stay out of the file: ``secret_env`` / ``password_env`` name environment variables instead.
See docs/schedule.md for a full example.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopops.errors import UsageError

CONFIG_NAME = "shopops.toml"
CHANNELS: tuple[str, ...] = ("dingtalk", "wecom", "feishu", "slack")
SEVERITIES: tuple[str, ...] = ("warning", "critical")
REPORT_FORMATS: tuple[str, ...] = ("md", "html", "json", "xlsx")
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ConfigError(UsageError):
    en = "{file}: {where}: {problem}; valid: {valid}"
    zh = "{file}:{where}:{problem};可用:{valid}"


@dataclass(frozen=True)
class WebhookConfig:
    kind: str  # dingtalk | wecom | feishu | slack
    url: str
    secret: str | None = None  # DingTalk and Feishu signing secret
    min_severity: str = "warning"
    name: str = ""

    @property
    def channel(self) -> str:
        """Names the channel in the alert log: a changed URL is a new channel."""
        return self.name or f"{self.kind}:{self.url.split('?')[0].rsplit('/', 1)[-1][:12]}"


@dataclass(frozen=True)
class EmailConfig:
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 465
    security: str = "ssl"  # ssl | starttls | none (none only for a relay on this machine)
    user: str | None = None
    password: str | None = None
    min_severity: str = "warning"

    @property
    def channel(self) -> str:
        return f"email:{','.join(self.to)}"


@dataclass(frozen=True)
class StoreConfig:
    store_id: str
    webhooks: tuple[WebhookConfig, ...] = ()
    email: EmailConfig | None = None
    lang: str | None = None


@dataclass(frozen=True)
class AlertsConfig:
    timeout_seconds: float = 5.0
    repeat_after_days: int = 7  # a finding already alerted is sent again only after this many days (or if it worsens)
    allow_http_loopback: bool = False  # tests only: plain http to 127.0.0.1 / ::1


@dataclass(frozen=True)
class RunConfig:
    inbox: Path
    reports: Path
    formats: tuple[str, ...] = ("md", "html", "xlsx", "json")
    lang: str = "zh"
    weekly_on: str = "monday"  # the weekly review of the 7 days ending yesterday is written on this day
    monthly_on_day: int = 1  # the monthly evaluation of the month before is written on this day of the month
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    stores: dict[str, StoreConfig] = field(default_factory=dict)


def _check_keys(file: str, where: str, table: dict[str, Any], valid: tuple[str, ...]) -> None:
    for key in table:
        if key not in valid:
            raise ConfigError(file=file, where=where, problem=f"unknown key '{key}'", valid=", ".join(valid))


def _choice(file: str, where: str, value: Any, valid: tuple[str, ...]) -> str:
    if value not in valid:
        raise ConfigError(file=file, where=where, problem=f"'{value}' is not allowed", valid=", ".join(valid))
    return str(value)


def _secret(file: str, where: str, table: dict[str, Any], key: str) -> str | None:
    if table.get(key) is not None:
        return str(table[key])
    env = table.get(f"{key}_env")
    if env is None:
        return None
    if env not in os.environ:
        raise ConfigError(
            file=file,
            where=f"{where}.{key}_env",
            problem=f"environment variable {env} is not set",
            valid="a set variable",
        )
    return os.environ[env]


def _webhook(file: str, where: str, t: dict[str, Any]) -> WebhookConfig:
    _check_keys(file, where, t, ("kind", "url", "secret", "secret_env", "min_severity", "name"))
    if "url" not in t:
        raise ConfigError(file=file, where=where, problem="missing 'url'", valid='url = "https://…"')
    return WebhookConfig(
        _choice(file, f"{where}.kind", t.get("kind"), CHANNELS),
        str(t["url"]),
        _secret(file, where, t, "secret"),
        _choice(file, f"{where}.min_severity", t.get("min_severity", "warning"), SEVERITIES),
        str(t.get("name", "")),
    )


def _email(file: str, where: str, t: dict[str, Any]) -> EmailConfig:
    keys = ("host", "port", "security", "user", "password", "password_env", "from", "to", "min_severity")
    _check_keys(file, where, t, keys)
    for required in ("host", "from", "to"):
        if required not in t:
            raise ConfigError(file=file, where=where, problem=f"missing '{required}'", valid=", ".join(keys))
    to = t["to"] if isinstance(t["to"], list) else [t["to"]]
    security = _choice(file, f"{where}.security", t.get("security", "ssl"), ("ssl", "starttls", "none"))
    return EmailConfig(
        host=str(t["host"]),
        sender=str(t["from"]),
        to=tuple(str(x) for x in to),
        port=int(t.get("port", {"ssl": 465, "starttls": 587, "none": 25}[security])),
        security=security,
        user=t.get("user"),
        password=_secret(file, where, t, "password"),
        min_severity=_choice(file, f"{where}.min_severity", t.get("min_severity", "warning"), SEVERITIES),
    )


def load_config(workspace: Path, path: Path | None = None) -> RunConfig:
    """``path`` or ``<workspace>/shopops.toml``; no file means the defaults and no alerts."""
    path = path or workspace / CONFIG_NAME
    data: dict[str, Any] = {}
    file = str(path)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                file=file, where="syntax", problem=str(exc), valid="TOML (see docs/schedule.md)"
            ) from None
    _check_keys(file, "top level", data, ("run", "alerts", "stores"))
    run = data.get("run", {})
    _check_keys(file, "[run]", run, ("inbox", "reports", "formats", "lang", "weekly_on", "monthly_on_day"))
    alerts = data.get("alerts", {})
    _check_keys(file, "[alerts]", alerts, ("timeout_seconds", "repeat_after_days", "allow_http_loopback"))
    formats = tuple(_choice(file, "[run].formats", f, REPORT_FORMATS) for f in run.get("formats", REPORT_FORMATS))
    stores = {}
    for store_id, t in data.get("stores", {}).items():
        where = f"[stores.{store_id}]"
        _check_keys(file, where, t, ("webhooks", "email", "lang"))
        hooks = tuple(_webhook(file, f"{where}.webhooks[{i}]", h) for i, h in enumerate(t.get("webhooks", [])))
        email = _email(file, f"{where}.email", t["email"]) if "email" in t else None
        lang = _choice(file, f"{where}.lang", t["lang"], ("zh", "en")) if "lang" in t else None
        stores[store_id] = StoreConfig(store_id, hooks, email, lang)
    monthly_day = int(run.get("monthly_on_day", 1))
    if not 1 <= monthly_day <= 28:
        raise ConfigError(
            file=file, where="[run].monthly_on_day", problem=f"{monthly_day} is out of range", valid="1 … 28"
        )
    return RunConfig(
        inbox=workspace / run.get("inbox", "inbox"),
        reports=workspace / run.get("reports", "reports"),
        formats=formats,
        lang=_choice(file, "[run].lang", run.get("lang", "zh"), ("zh", "en")),
        weekly_on=_choice(file, "[run].weekly_on", run.get("weekly_on", "monday"), WEEKDAYS),
        monthly_on_day=monthly_day,
        alerts=AlertsConfig(
            float(alerts.get("timeout_seconds", 5.0)),
            int(alerts.get("repeat_after_days", 7)),
            bool(alerts.get("allow_http_loopback", False)),
        ),
        stores=stores,
    )
