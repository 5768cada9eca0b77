"""Helpers of the web tests: the simulated 3-store workspace, an account per role, and signed-in clients."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "correct horse battery staple"
STORES = ("shop1", "shop2", "shop3")
GRANTED = ("shop1", "shop2")  # every role account holds these two; shop3 belongs to someone else
ROLES = ("owner", "operator", "promotion", "design", "service", "content")
LAST_DAY = "2025-10-14"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # as tests/conftest.py names it


def simulate_shop(out: Path, *, days: int = 30, visitors: int = 400) -> Path:
    from shopops.simulate import SimConfig, simulate
    from shopops.simulate.config import DEFAULT_END

    simulate(SimConfig(days=days, end=DEFAULT_END, stores=3, visitors_per_day=visitors), out)
    return out


def add_accounts(con, accounts: list[tuple[str, str, list[str]]]) -> None:
    """Accounts (name, role, stores) sharing one password hash: argon2 is slow on purpose, and once is enough here."""
    import datetime as dt

    from shopops.web import auth

    digest = auth.hash_password(PASSWORD)
    for name, role, stores in accounts:
        con.execute("INSERT INTO _web_users VALUES (?, ?, ?, ?)", [name, digest, role, dt.datetime.now()])
        for store in stores:
            con.execute("INSERT INTO _web_grants VALUES (?, ?)", [name, store])


def load_workspace(root: Path, sim: Path) -> None:
    """Import the simulated shop; accounts: boss (owner of every store), one per role holding shop1 and shop2, and
    for the user-management cases ``p-ROLE-STORE`` / ``d-ROLE-STORE`` holding one store each."""
    from shopops.warehouse import Workspace, import_file
    from shopops.web import auth
    from shopops.web.settings import init_config

    init_config(root)
    with Workspace(root) as ws:
        for f in sorted(sim.glob("*.csv")):
            import_file(ws, f)
        auth.ensure_schema(ws.con)
        accounts = [("boss", "owner", ["*"])] + [(role, role, list(GRANTED)) for role in ROLES]
        accounts += [(f"{p}-{r}-{s}", "content", [s]) for p in ("p", "d") for r in ROLES for s in STORES]
        add_accounts(ws.con, accounts)
        try:
            plan_tasks(ws)
        except Exception as exc:  # the diagnosis stage is another team's, in progress: fail the tests that need it
            PLAN_ERRORS.append(f"{type(exc).__name__}: {exc}")


PLAN_ERRORS: list[str] = []


def require_tasks() -> None:
    """Fail (not error) a test that needs planned tasks when planning them failed."""
    import pytest

    if PLAN_ERRORS:
        pytest.fail(f"planning the template's tasks failed (shopops.diagnose / shopops.act): {PLAN_ERRORS[0]}")


def plan_tasks(ws) -> None:
    """Each store's tasks for its last day, planned from its diagnosis as ``shopops diagnose`` does."""
    import datetime as dt

    from shopops.act import TaskBook, plan
    from shopops.diagnose import diagnose
    from shopops.metrics.engine import Engine

    engine = Engine.duckdb(ws.con)
    for store in STORES:
        TaskBook(ws.con).save(plan(diagnose(engine, dt.date.fromisoformat(LAST_DAY), store_id=store)))


@dataclass
class Web:
    app: object
    root: Path

    @property
    def db(self):
        return self.app.state.db  # type: ignore[attr-defined]

    def client(self, user: str | None = None, *, password: str = PASSWORD):
        """A TestClient; signed in as ``user`` (CSRF header set) when given."""
        with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what FastAPI documents
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient

        client = TestClient(self.app, base_url="http://testserver")
        if user is not None:
            r = client.post("/login", json={"username": user, "password": password})
            assert r.status_code == 200, r.text
            client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client


def open_web(root: Path, **overrides) -> Web:
    from shopops.web.app import open_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Web(open_app(root, **overrides), root)


class LiveServer:
    """The app served by uvicorn on 127.0.0.1 (a free port) in a thread, stopped by ``close``."""

    def __init__(self, web: Web) -> None:
        import threading
        import time

        import uvicorn

        self.web = web
        config = uvicorn.Config(web.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.web.db.close()


def sign_in(page, url: str, user: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_load_state("networkidle")
