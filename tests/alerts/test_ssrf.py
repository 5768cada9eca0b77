"""The webhook client refuses what could reach inside the network: non-https, private, loopback and link-local
addresses (literal or resolved), credentials in URLs; it never follows a redirect and gives up after its timeout."""

from __future__ import annotations

import time

import pytest
from receiver import start

from shopops.alerts.net import DeliveryFailed, UnsafeURL, check_url, is_public, post_json


@pytest.fixture(scope="module")
def receiver():
    rec, server = start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.1/hook",
        "https://172.16.5.4/hook",
        "https://192.168.1.10/hook",
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata, link-local
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",  # IPv4-mapped private
        "https://0.0.0.0/hook",
        "https://localhost/hook",
        "https://224.0.0.1/hook",
    ],
)
def test_non_public_addresses_are_refused(url):
    with pytest.raises(UnsafeURL) as info:
        check_url(url)
    assert "non-public" in info.value.message() or "resolves" in info.value.message()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://oapi.dingtalk.com/robot/send", "plain http"),
        ("ftp://example.org/x", "scheme 'ftp'"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("https://user:pw@example.org/x", "credentials"),
        ("https:///nohost", "no host"),
    ],
)
def test_bad_urls_are_refused_with_the_reason(url, reason):
    with pytest.raises(UnsafeURL) as info:
        check_url(url, resolve=lambda h, p: ["93.184.216.34"])
    assert reason in info.value.message()


def test_a_host_resolving_to_any_private_address_is_refused():
    with pytest.raises(UnsafeURL):
        check_url("https://hooks.example.org/x", resolve=lambda h, p: ["10.9.8.7"])
    with pytest.raises(UnsafeURL):  # one bad address among good ones is enough
        check_url("https://hooks.example.org/x", resolve=lambda h, p: ["93.184.216.34", "192.168.0.2"])
    target = check_url("https://hooks.example.org/x?key=1", resolve=lambda h, p: ["93.184.216.34"])
    assert (target.address, target.host, target.port, target.path) == (
        "93.184.216.34",
        "hooks.example.org",
        443,
        "/x?key=1",
    )


def test_is_public():
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1:248:1893:25c8:1946")
    assert not any(
        is_public(a)
        for a in ("10.1.1.1", "127.0.0.2", "169.254.1.1", "::1", "fc00::1", "100.64.0.1", "192.168.3.3", "198.18.0.1")
    )


def test_http_to_loopback_only_when_allowed(receiver):
    with pytest.raises(UnsafeURL):
        post_json(receiver.url + "/dingtalk", {"a": 1})
    assert not receiver.at("/dingtalk")
    resp = post_json(receiver.url + "/dingtalk", {"a": 1}, allow_http_loopback=True)
    assert resp.status == 200 and resp.json() == {"errcode": 0, "errmsg": "ok"}
    with pytest.raises(UnsafeURL):  # the test switch never opens plain http to anything but loopback
        check_url("http://10.0.0.1/x", allow_http_loopback=True)


def test_redirects_are_not_followed(receiver):
    before = len(receiver.requests)
    with pytest.raises(DeliveryFailed) as info:
        post_json(receiver.url + "/redirect", {"a": 1}, allow_http_loopback=True)
    assert "redirect 302 refused" in info.value.message()
    assert [r.path for r in receiver.requests[before:]] == ["/redirect"]


def test_a_slow_endpoint_times_out(receiver):
    t0 = time.monotonic()
    with pytest.raises(DeliveryFailed) as info:
        post_json(receiver.url + "/slow", {"a": 1}, timeout=0.4, allow_http_loopback=True)
    assert time.monotonic() - t0 < 2.0
    assert "no answer within 0.4 s" in info.value.message()


def test_server_errors_are_failures(receiver):
    with pytest.raises(DeliveryFailed) as info:
        post_json(receiver.url + "/broken", {}, allow_http_loopback=True)
    assert "HTTP 500" in info.value.message()
