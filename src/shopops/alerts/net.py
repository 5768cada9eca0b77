"""POST JSON to a webhook without becoming a tool for server-side request forgery.

* https only; plain http only to a loopback address, and only when explicitly allowed (tests).
* The host is resolved once and every address must be public: private, shared (CGNAT), loopback, link-local (cloud
  metadata at 169.254.169.254), multicast, reserved and unspecified ranges are refused — IPv4-mapped IPv6 included.
* The connection goes to the address that was checked (no second lookup a rebinding DNS could answer
  differently), with TLS still verified against the host name.
* Redirects are never followed (a 3xx is a failure), and every socket operation has a short timeout.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import logging
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shopops.errors import ShopopsError

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]


class UnsafeURL(ShopopsError):
    exit_code = 2
    en = "refused to send to {url}: {reason}"
    zh = "拒绝发送到 {url}:{reason}"


class DeliveryFailed(ShopopsError):
    en = "sending to {url} failed: {reason}"
    zh = "发送到 {url} 失败:{reason}"


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str  # the checked IP to connect to


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise UnsafeURL(url=host, reason=f"cannot resolve the host ({exc.strerror})") from None
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global also excludes shared (100.64/10), documentation and benchmarking ranges
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def check_url(url: str, *, allow_http_loopback: bool = False, resolve: Resolver = system_resolver) -> Target:
    """The checked target of ``url``, or ``UnsafeURL`` saying why not."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    shown = f"{scheme}://{parts.hostname}{parts.path}" if parts.hostname else url[:60]
    if scheme not in ("https", "http"):
        raise UnsafeURL(url=shown, reason=f"scheme '{scheme}' is not allowed (valid: https)")
    if parts.username or parts.password:
        raise UnsafeURL(url=shown, reason="credentials in the URL are not allowed")
    if not parts.hostname:
        raise UnsafeURL(url=shown, reason="no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise UnsafeURL(url=shown, reason="bad port") from None
    addresses = resolve(parts.hostname, port)
    if not addresses:
        raise UnsafeURL(url=shown, reason="the host has no address")
    loopback = all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)
    if scheme == "http" and not (allow_http_loopback and loopback):
        raise UnsafeURL(url=shown, reason="plain http is not allowed (valid: https)")
    if not (scheme == "http" and loopback):
        bad = [a for a in addresses if not is_public(a)]
        if bad:
            raise UnsafeURL(url=shown, reason=f"{parts.hostname} resolves to a non-public address {bad[0]}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port, path, addresses[0])


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Connects to the checked address; TLS (SNI and certificate) still for the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


@dataclass(frozen=True)
class Response:
    status: int
    body: str

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def post_json(
    url: str,
    payload: Any,
    *,
    timeout: float = 5.0,
    allow_http_loopback: bool = False,
    resolve: Resolver = system_resolver,
) -> Response:
    target = check_url(url, allow_http_loopback=allow_http_loopback, resolve=resolve)
    conn = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target, timeout)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    shown = f"{target.scheme}://{target.host}{urlsplit(url).path}"  # never log the query: it holds tokens
    try:
        conn.request("POST", target.path, body=body, headers={"Content-Type": "application/json; charset=utf-8"})
        resp = conn.getresponse()
        text = resp.read(64 * 1024).decode("utf-8", "replace")
    except TimeoutError:
        raise DeliveryFailed(url=shown, reason=f"no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryFailed(url=shown, reason=str(exc) or type(exc).__name__) from None
    finally:
        conn.close()
    if 300 <= resp.status < 400:
        raise DeliveryFailed(url=shown, reason=f"redirect {resp.status} refused (redirects are not followed)")
    if resp.status >= 400:
        raise DeliveryFailed(url=shown, reason=f"HTTP {resp.status}: {text[:200]}")
    log.info("posted to %s: %s", shown, resp.status)
    return Response(resp.status, text)
