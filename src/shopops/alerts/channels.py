"""Each platform's documented webhook payload, its signing, and how it says the message arrived.

* DingTalk custom robot: ``msgtype: markdown`` (title + text). Signed: HmacSHA256 with the secret as key over
  ``"{timestamp}\\n{secret}"`` (milliseconds), base64, URL-encoded, sent as the ``timestamp`` and ``sign`` query
  parameters. Success: ``errcode == 0``.
* WeCom (企业微信) group robot: ``msgtype: markdown`` with ``content`` of at most 4096 bytes; no signing (the key
  is in the URL). Success: ``errcode == 0``.
* Feishu custom bot: ``msg_type: interactive`` card with a lark_md block. Signed: HmacSHA256 with
  ``"{timestamp}\\n{secret}"`` as the key over an empty message (seconds), base64, in the body as ``timestamp``
  and ``sign``. Success: ``code == 0``.
* Slack incoming webhook: ``text`` (the notification fallback) plus ``blocks`` (header, mrkdwn sections); Slack
  does not sign incoming webhooks. Success: the body ``ok``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit, urlunsplit

from shopops.alerts.config import WebhookConfig

WECOM_MAX_BYTES = 4096
SLACK_SECTION_CHARS = 3000
SLACK_MAX_BLOCKS = 50


@dataclass(frozen=True)
class Message:
    title: str
    lines: tuple[str, ...]  # one per finding, already in the store's language
    severity: str  # the worst of them

    def markdown(self) -> str:
        return f"#### {self.title}\n\n" + "\n".join(f"- {line}" for line in self.lines)

    def text(self) -> str:
        return self.title + "\n" + "\n".join(f"• {line}" for line in self.lines)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _add_query(url: str, extra: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _cut_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


Built = tuple[str, dict[str, Any]]  # (url, payload)


def dingtalk(cfg: WebhookConfig, msg: Message, now: float) -> Built:
    url = cfg.url
    if cfg.secret:
        ts = int(now * 1000)
        url = _add_query(url, f"{urlencode({'timestamp': ts})}&sign={dingtalk_sign(cfg.secret, ts)}")
    return url, {"msgtype": "markdown", "markdown": {"title": msg.title, "text": msg.markdown()}}


def wecom(cfg: WebhookConfig, msg: Message, now: float) -> Built:
    return cfg.url, {"msgtype": "markdown", "markdown": {"content": _cut_utf8(msg.markdown(), WECOM_MAX_BYTES)}}


def feishu(cfg: WebhookConfig, msg: Message, now: float) -> Built:
    colour = "red" if msg.severity == "critical" else "orange"
    payload: dict[str, Any] = {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": msg.title}, "template": colour},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "\n".join(f"- {x}" for x in msg.lines)}}],
        },
    }
    if cfg.secret:
        ts = int(now)
        payload = {"timestamp": str(ts), "sign": feishu_sign(cfg.secret, ts), **payload}
    return cfg.url, payload


def slack(cfg: WebhookConfig, msg: Message, now: float) -> Built:
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": msg.title[:150]}}]
    for line in msg.lines[: SLACK_MAX_BLOCKS - 1]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line[:SLACK_SECTION_CHARS]}})
    return cfg.url, {"text": msg.text()[:SLACK_SECTION_CHARS], "blocks": blocks}


def _errcode_ok(status: int, body: Any, text: str) -> bool:
    return isinstance(body, dict) and body.get("errcode") == 0


def _feishu_ok(status: int, body: Any, text: str) -> bool:
    return isinstance(body, dict) and (body.get("code") == 0 or body.get("StatusCode") == 0)


def _slack_ok(status: int, body: Any, text: str) -> bool:
    return status == 200 and text.strip() == "ok"


@dataclass(frozen=True)
class Channel:
    build: Callable[[WebhookConfig, Message, float], Built]
    accepted: Callable[[int, Any, str], bool]


CHANNELS: dict[str, Channel] = {
    "dingtalk": Channel(dingtalk, _errcode_ok),
    "wecom": Channel(wecom, _errcode_ok),
    "feishu": Channel(feishu, _feishu_ok),
    "slack": Channel(slack, _slack_ok),
}
