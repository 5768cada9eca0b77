"""A small client of the dashboard's JSON API for the command line (``shopops upload --server``), in the standard
library only: sign in, keep the session cookie and CSRF token, send files as multipart/form-data."""

from __future__ import annotations

import http.cookiejar
import json
import logging
import mimetypes
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib import error, request
from urllib.parse import quote, urlsplit

from shopops.errors import FileMissing, UsageError

log = logging.getLogger(__name__)


class ServerError(UsageError):
    """The dashboard answered with an error (its own sentence, as a page would show it)."""

    en = "{server}: {text}"
    zh = "{server}:{text}"


class Unreachable(UsageError):
    en = "cannot reach the dashboard at {server}: {reason} — is 'shopops serve' running?"
    zh = "无法连接看板 {server}:{reason} —— 'shopops serve' 是否在运行?"


class DashboardClient:
    def __init__(self, server: str, username: str, password: str, timeout: float = 600) -> None:
        parts = urlsplit(server)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(detail=f"--server must be an http(s) URL such as http://127.0.0.1:8000, not '{server}'")
        self.server = server.rstrip("/")
        self.timeout = timeout
        self.opener = request.build_opener(request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = self._call("POST", "/login", _json({"username": username, "password": password}))["csrf_token"]

    def _call(self, method: str, path: str, body: tuple[bytes, str] | None = None) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = body
        if getattr(self, "csrf", None):
            headers["X-CSRF-Token"] = self.csrf
        req = request.Request(self.server + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                answer = resp.read()
            return json.loads(answer)
        except ValueError:
            raise ServerError(server=self.server, text="the answer is not JSON: is this a shopops dashboard?") from None
        except error.HTTPError as exc:
            try:
                payload = json.loads(exc.read())["error"]
            except (ValueError, KeyError, TypeError):
                payload = {"message": f"HTTP {exc.code}"}
            # the server's sentence already names the file, row, column and value of the first problems
            raise ServerError(server=self.server, text=payload.get("message", ""), status=exc.code) from None
        except (error.URLError, OSError) as exc:
            raise Unreachable(server=self.server, reason=str(getattr(exc, "reason", exc))) from None

    def upload(self, store: str, path: Path, format_name: str | None = None) -> dict[str, Any]:
        if not path.is_file():
            raise FileMissing(file=str(path))
        fields = {"format": format_name} if format_name else {}
        result = self._call("POST", f"/api/stores/{quote(store, safe='')}/uploads", _multipart(path, fields))
        log.info("uploaded %s: %s", path, result.get("status"))
        return result

    def close(self) -> None:
        try:
            self._call("POST", "/logout")
        except (ServerError, Unreachable):
            pass  # the session ends by itself

    def __enter__(self) -> DashboardClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _json(payload: dict[str, Any]) -> tuple[bytes, str]:
    return json.dumps(payload).encode(), "application/json"


def _multipart(path: Path, fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    filename = path.name.replace('"', "_").replace("\r", "_").replace("\n", "_")
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {kind}\r\n\r\n"
    ).encode()
    body = b"".join(parts) + head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
