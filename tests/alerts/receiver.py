"""A local webhook receiver on 127.0.0.1 for the alert tests: records each request, answers per path."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ANSWERS = {
    "/dingtalk": (200, {"errcode": 0, "errmsg": "ok"}),
    "/wecom": (200, {"errcode": 0, "errmsg": "ok"}),
    "/feishu": (200, {"code": 0, "msg": "success", "data": {}}),
    "/slack": (200, "ok"),
    "/refuse": (200, {"errcode": 310000, "errmsg": "sign not match"}),
    "/broken": (500, "oops"),
}


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: object


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)

    def at(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


def start() -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            receiver.requests.append(Received(parts.path, query, dict(self.headers), body))
            if parts.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/dingtalk")
                self.end_headers()
                return
            if parts.path == "/slow":
                time.sleep(3)
            status, answer = ANSWERS.get(parts.path, (404, "no"))
            data = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return receiver, server
