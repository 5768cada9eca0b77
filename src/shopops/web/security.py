"""Headers, tokens, the sign-in rate limit and the upload gate — the parts of the dashboard's security that are
not about who the user is (``auth``) or which stores they see (``scope``).

CSP: scripts only from ``/static`` (no inline script, no eval); chart data travels in a
``<script type="application/json">`` block or the JSON twin, never as code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
import zipfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from shopops.web.errors import RateLimited, UploadRejected, UploadTooLarge

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Downloads are rendered by nobody here: a sandboxed CSP keeps a report's own inline script from ever running
# with the dashboard's origin, should a browser display one instead of saving it.
DOWNLOAD_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def tokens_equal(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


def login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_token(secret: str, nonce: str) -> str:
    """The sign-in form's CSRF token: bound to a nonce cookie by an HMAC with the server secret."""
    return hmac.new(secret.encode(), b"login:" + nonce.encode(), hashlib.sha256).hexdigest()


class RateLimiter:
    """Failed sign-ins per key within a sliding window, in memory (one server process owns the workspace)."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window = window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def check(self, *keys: str) -> None:
        """Raise ``RateLimited`` when any key has used up its failures."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                hits = self._recent(key, now)
                if len(hits) >= self.limit:
                    raise RateLimited(retry_after=max(1, int(hits[0] + self.window - now) + 1))

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._hits) > 10_000:  # forget keys with nothing recent, so memory stays bounded
                for k in [k for k, v in self._hits.items() if not self._recent(k, now)]:
                    del self._hits[k]

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


# ---------------------------------------------------------------- uploads

ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz", ".xlsx")
_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff ]+")


def upload_suffix(filename: str) -> str | None:
    name = filename.lower()
    for suffix in sorted(ALLOWED_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return None


def display_name(filename: str | None) -> str:
    """The user's file name as shown back (never used as a path): no folders, no control characters, ≤ 120 chars."""
    base = re.split(r"[\\/]", filename or "")[-1]
    return _SAFE_NAME.sub("_", base).strip()[:120] or "upload"


@dataclass(frozen=True)
class UploadPolicy:
    max_bytes: int
    max_xlsx_unpacked: int

    def suffix(self, filename: str) -> str:
        suffix = upload_suffix(filename)
        if suffix is None:
            raise UploadRejected(
                file=display_name(filename),
                reason=f"file type not allowed; allowed: {', '.join(ALLOWED_SUFFIXES)}",
                reason_zh=f"不允许的文件类型;允许:{', '.join(ALLOWED_SUFFIXES)}",
            )
        return suffix

    def save(self, stream, dest: Path, filename: str) -> int:
        """Copy ``stream`` to ``dest`` (a server-chosen path), stopping at the cap; returns the size."""
        size = 0
        try:
            with open(dest, "xb") as out:
                while chunk := stream.read(1 << 20):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise UploadTooLarge(file=display_name(filename), cap_mb=self.max_bytes // 2**20)
                    out.write(chunk)
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        if size == 0:
            dest.unlink(missing_ok=True)
            raise UploadRejected(file=display_name(filename), reason="the file is empty", reason_zh="文件为空")
        return size

    def check_xlsx(self, path: Path, filename: str) -> None:
        """Refuse a workbook whose members unpack past the cap, before any parser opens it."""
        name = display_name(filename)
        try:
            with zipfile.ZipFile(path) as z:
                unpacked = sum(i.file_size for i in z.infolist())
        except (zipfile.BadZipFile, OSError):
            raise UploadRejected(
                file=name, reason="not a readable .xlsx workbook", reason_zh="不是可读取的 .xlsx 工作簿"
            ) from None
        if unpacked > self.max_xlsx_unpacked:
            raise UploadRejected(
                file=name,
                reason=f"the workbook unpacks to {unpacked / 2**20:.0f} MB, over the cap of "
                f"{self.max_xlsx_unpacked // 2**20} MB (setting max_xlsx_unpacked_mb)",
                reason_zh=f"工作簿解压后 {unpacked / 2**20:.0f} MB,超过上限 {self.max_xlsx_unpacked // 2**20} MB",
            )
