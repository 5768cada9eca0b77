"""Alerts reach a local receiver in each platform's documented payload, signed where the platform signs; email
reaches an aiosmtpd server; each finding is sent once per channel, again only when it worsens or after a week."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import socket
from urllib.parse import unquote

import pytest
from receiver import start

from shopops.alerts.config import AlertsConfig, EmailConfig, StoreConfig, WebhookConfig
from shopops.alerts.send import send_alerts
from shopops.report.findings import FindingLine, from_finding

DAY = dt.date(2025, 10, 14)
NOW = 1_760_000_000.123
SETTINGS = AlertsConfig(timeout_seconds=2, repeat_after_days=7, allow_http_loopback=True)


def finding(code="traffic_source_low", severity="warning", subject="直通车", impact=812.5) -> FindingLine:
    return FindingLine(
        code,
        severity,
        "source",
        subject,
        None,
        "visitors",
        120.0,
        300.0,
        impact,
        f"Visitors from {subject} fell to 120 (usually 300).",
        f"{subject}访客数降至 120(通常 300)。",
    )


@pytest.fixture
def receiver():
    rec, server = start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def con(workspace):
    return workspace.con


def _store(receiver, *kinds, secret="SECtest-secret-123"):
    hooks = tuple(
        WebhookConfig(
            k,
            f"{receiver.url}/{k}" + ("?access_token=abc" if k == "dingtalk" else ""),
            secret if k in ("dingtalk", "feishu") else None,
        )
        for k in kinds
    )
    return StoreConfig("shop1", hooks)


def test_each_platform_gets_its_documented_payload(receiver, con):
    store = _store(receiver, "dingtalk", "wecom", "feishu", "slack")
    found = [finding(), finding("negative_reviews", "critical", "DG1001", None), finding("info_only", "info", "x")]
    outcomes = send_alerts(con, store, found, DAY, settings=SETTINGS, lang="zh", clock=lambda: NOW)
    assert [o.status for o in outcomes] == ["sent"] * 4
    assert all(len(o.findings) == 2 for o in outcomes)  # the info finding is not alerted

    (ding,) = receiver.at("/dingtalk")
    assert ding.body["msgtype"] == "markdown" and set(ding.body["markdown"]) == {"title", "text"}
    assert "【shopops】店铺 shop1 2025-10-14:2 个新问题" == ding.body["markdown"]["title"]
    assert "[严重] DG1001" in ding.body["markdown"]["text"] and "日影响 812.50" in ding.body["markdown"]["text"]
    ts = ding.query["timestamp"]
    assert ts == str(int(NOW * 1000)) and ding.query["access_token"] == "abc"
    secret = "SECtest-secret-123"
    expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
    assert ding.query["sign"] == expected  # parse_qs has undone the URL encoding once

    (wecom,) = receiver.at("/wecom")
    assert wecom.body["msgtype"] == "markdown" and "直通车访客数降至 120" in wecom.body["markdown"]["content"]

    (feishu,) = receiver.at("/feishu")
    assert feishu.body["msg_type"] == "interactive" and feishu.body["timestamp"] == str(int(NOW))
    key = f"{int(NOW)}\n{secret}".encode()
    assert feishu.body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert feishu.body["card"]["header"]["template"] == "red"  # a critical finding in the message

    (slack,) = receiver.at("/slack")
    assert slack.body["blocks"][0]["type"] == "header" and slack.body["text"].startswith("【shopops】")
    assert [b["text"]["type"] for b in slack.body["blocks"][1:]] == ["mrkdwn", "mrkdwn"]
    assert all(r.headers["Content-Type"].startswith("application/json") for r in receiver.requests)


def test_dingtalk_sign_is_url_encoded_in_the_query():
    from shopops.alerts.channels import dingtalk_sign

    sign = dingtalk_sign("SECx", 1_700_000_000_000)
    assert "+" not in sign and "/" not in sign and "=" not in sign  # quoted
    raw = base64.b64encode(hmac.new(b"SECx", b"1700000000000\nSECx", hashlib.sha256).digest()).decode()
    assert unquote(sign) == raw


def test_a_finding_is_sent_once_and_again_when_it_worsens(receiver, con):
    store = _store(receiver, "wecom")
    send_alerts(con, store, [finding()], DAY, settings=SETTINGS)
    again = send_alerts(con, store, [finding()], DAY, settings=SETTINGS)  # run-daily twice the same day
    assert [o.status for o in again] == ["nothing_new"] and len(receiver.at("/wecom")) == 1
    next_day = send_alerts(con, store, [finding()], DAY + dt.timedelta(days=1), settings=SETTINGS)
    assert next_day[0].status == "nothing_new"  # the same problem persisting is not news
    worse = send_alerts(con, store, [finding(severity="critical")], DAY + dt.timedelta(days=1), settings=SETTINGS)
    assert worse[0].status == "sent" and len(receiver.at("/wecom")) == 2
    week_later = send_alerts(con, store, [finding(severity="critical")], DAY + dt.timedelta(days=8), settings=SETTINGS)
    assert week_later[0].status == "sent"


def test_a_refused_or_failing_channel_is_retried_next_run(receiver, con):
    bad = StoreConfig("shop1", (WebhookConfig("dingtalk", f"{receiver.url}/refuse"),))
    first = send_alerts(con, bad, [finding()], DAY, settings=SETTINGS)
    assert first[0].status == "failed" and "refused the message" in first[0].detail
    second = send_alerts(con, bad, [finding()], DAY, settings=SETTINGS)
    assert second[0].status == "failed" and len(receiver.at("/refuse")) == 2
    blocked = StoreConfig("shop1", (WebhookConfig("slack", "https://10.0.0.8/hook"),))
    out = send_alerts(con, blocked, [finding()], DAY, settings=SETTINGS)
    assert out[0].status == "failed" and "non-public" in out[0].detail
    rows = con.execute("SELECT status, count(*) FROM _alert_log GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("failed", 3)]


def test_min_severity_per_channel(receiver, con):
    store = StoreConfig("shop1", (WebhookConfig("slack", f"{receiver.url}/slack", min_severity="critical"),))
    out = send_alerts(con, store, [finding()], DAY, settings=SETTINGS)
    assert out[0].status == "nothing_new" and not receiver.requests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_email_reaches_the_smtp_server(con):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.mails = []

        async def handle_DATA(self, server, session, envelope):
            self.mails.append(envelope)
            return "250 OK"

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        mail = EmailConfig(
            host="127.0.0.1", sender="shopops@shop.test", to=("ops@shop.test",), port=port, security="none"
        )
        out = send_alerts(con, StoreConfig("shop1", email=mail, lang="en"), [finding()], DAY, settings=SETTINGS)
        assert out[0].status == "sent"
        (envelope,) = inbox.mails
        assert envelope.rcpt_tos == ["ops@shop.test"]
        text = envelope.content.decode("utf-8", "replace")
        assert "Subject: [shopops] shop1 2025-10-14: 1 new problem" in text
        assert (
            send_alerts(con, StoreConfig("shop1", email=mail), [finding()], DAY, settings=SETTINGS)[0].status
            == "nothing_new"
        )
    finally:
        controller.stop()


def test_unencrypted_smtp_only_to_this_machine(con):
    mail = EmailConfig(host="10.0.0.5", sender="a@b.test", to=("c@d.test",), port=25, security="none")
    out = send_alerts(con, StoreConfig("shop1", email=mail), [finding()], DAY, settings=SETTINGS)
    assert out[0].status == "failed" and "only allowed to this machine" in out[0].detail


def test_diagnosis_findings_convert_for_alerts():
    from shopops.diagnose.model import Finding, Severity

    f = Finding(
        "shop1",
        DAY,
        "stockout",
        "stockout_rule",
        Severity.CRITICAL,
        "sku",
        "DG1001",
        "units",
        0.0,
        12.0,
        "DG1001 is out of stock.",
        "DG1001 缺货。",
        subject_label="迷你音箱",
        impact=950.0,
    )
    line = from_finding(f)
    assert (line.severity, line.key, line.subject_label, line.impact) == (
        "critical",
        "stockout:sku:DG1001",
        "迷你音箱",
        950.0,
    )
    assert line.is_cause
