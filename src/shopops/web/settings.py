"""The dashboard's configuration: ``<workspace>/web.json`` (mode 0600), written by ``shopops init``.

It holds the server secret and the settings below. Like datasette's ``SETTINGS``, every setting is declared once
here with its default and help, and a test fails when one is missing from ``docs/dashboard.md``. The server refuses
to start without a secret, with a short or well-known one, or when the file is readable by others.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from shopops.web.errors import BadSecret, BadSetting, ConfigExists

log = logging.getLogger(__name__)

CONFIG_NAME = "web.json"
MIN_SECRET = 32
# Secrets copied from examples and tutorials: never accepted, whatever their length.
KNOWN_DEFAULTS = frozenset(
    {"", "secret", "changeme", "change-me", "change_me", "default", "password", "shopops", "development", "dev", "test"}
)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("max_upload_mb", 50, "Largest file accepted by Upload, in MB (checked while it streams in)."),
    Setting("max_xlsx_unpacked_mb", 200, "Largest total unpacked size of an uploaded .xlsx (zip-bomb guard), in MB."),
    Setting("session_hours", 12, "A session ends this many hours after sign-in."),
    Setting("login_attempts", 5, "Failed sign-ins per IP and user name within login_window_s before 429."),
    Setting("login_window_s", 900, "The window of the sign-in rate limit, in seconds."),
    Setting("secure_cookies", "auto", "auto (Secure when the request came over https), always or never."),
    Setting("cache_entries", 512, "Page payloads kept in memory; dropped whenever data or settings change."),
)
SECURE_COOKIES = ("auto", "always", "never")


@dataclass(frozen=True)
class WebConfig:
    secret: str
    max_upload_mb: int = 50
    max_xlsx_unpacked_mb: int = 200
    session_hours: int = 12
    login_attempts: int = 5
    login_window_s: int = 900
    secure_cookies: Literal["auto", "always", "never"] = "auto"
    cache_entries: int = 512

    def __post_init__(self) -> None:
        check_secret(self.secret, "secret")
        valid = ", ".join(s.name for s in SETTINGS)
        for s in SETTINGS:
            value = getattr(self, s.name)
            if isinstance(s.default, int) and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise BadSetting(name=s.name, value=value, reason="must be a positive whole number", valid=valid)
        if self.secure_cookies not in SECURE_COOKIES:
            raise BadSetting(
                name="secure_cookies", value=self.secure_cookies, reason="auto, always or never", valid=valid
            )

    def public(self) -> dict[str, Any]:
        """The settings without the secret (for the Settings page)."""
        return {s.name: getattr(self, s.name) for s in SETTINGS}


def check_secret(secret: str, where: str) -> None:
    if not isinstance(secret, str) or secret.strip().lower() in KNOWN_DEFAULTS:
        raise BadSecret(
            path=where, reason="the secret is empty or a well-known default", reason_zh="密钥为空或为常见默认值"
        )
    if len(secret) < MIN_SECRET:
        raise BadSecret(
            path=where,
            reason=f"the secret is shorter than {MIN_SECRET} characters",
            reason_zh=f"密钥短于 {MIN_SECRET} 个字符",
        )


def config_path(root: str | os.PathLike[str]) -> Path:
    return Path(root) / CONFIG_NAME


def init_config(root: str | os.PathLike[str], *, force: bool = False, **settings: Any) -> Path:
    """Write ``web.json`` with a fresh 256-bit secret, readable by the owner only."""
    path = config_path(root)
    if path.exists() and not force:
        raise ConfigExists(path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    cfg = WebConfig(secret=secrets.token_urlsafe(32), **settings)
    payload = {"secret": cfg.secret, **cfg.public()}
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=2)
        f.write("\n")
    os.chmod(tmp, 0o600)  # O_CREAT's mode is masked by umask; be sure
    tmp.replace(path)
    log.info("wrote %s", path)
    return path


def load_config(root: str | os.PathLike[str], **overrides: Any) -> WebConfig:
    """Read ``web.json``; ``SHOPOPS_WEB_SECRET`` replaces the file's secret (for secret stores and containers)."""
    path = config_path(root)
    env_secret = os.environ.get("SHOPOPS_WEB_SECRET")
    data: dict[str, Any] = {}
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise BadSecret(
                path=str(path),
                reason=f"the file is readable by others (mode {mode:o}); chmod 600 it",
                reason_zh=f"文件可被他人读取(权限 {mode:o});请 chmod 600",
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            raise BadSecret(path=str(path), reason="not valid JSON", reason_zh="不是有效的 JSON") from None
    elif env_secret is None:
        raise BadSecret(path=str(path), reason="no configuration file", reason_zh="没有配置文件")
    if env_secret is not None:
        data["secret"] = env_secret
    known = {f.name for f in fields(WebConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise BadSetting(
            name=unknown[0], value=data[unknown[0]], reason="unknown setting", valid=", ".join(s.name for s in SETTINGS)
        )
    check_secret(data.get("secret", ""), str(path))
    return replace(WebConfig(**data), **overrides) if overrides else WebConfig(**data)
