"""The authorisation matrix: every route of the app × 3 stores × each role → the status the role matrix says, and
zero cross-store reads or writes.

Routes are enumerated from the app itself: a route added without a case here fails ``test_every_route_has_a_case``.
Each role's account holds shop1 and shop2; shop3 is another client's. For every answer about shop1/shop2 no
identifier of shop3 (id, name, SKUs) may appear, and after the whole run shop3's rows are byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route
from web_support import GRANTED, PASSWORD, ROLES, STORES, require_tasks

from shopops.schema import TABLES
from shopops.web.roles import Permission, can

P = Permission
Request = tuple[str, dict]  # (url, httpx keyword arguments)
TASK: dict[str, str] = {}  # store → one of its task ids, filled in by the matrix test


@dataclass(frozen=True)
class Case:
    permission: P | None  # None: any signed-in user
    request: Callable[[str, str], Request]  # (store, role) → request
    store: bool = True  # the store is checked before the role (404 before 403)
    ok: int = 200
    permission_first: bool = False  # user management: the role is checked first, then the stores involved
    also: Callable[[str, str], int | None] = field(default=lambda role, store: None)  # a stricter rule, if any


def target_csv(store: str, role: str) -> dict:
    body = f"store_id,month,gmv_target\n{store},2031-0{ROLES.index(role) + 1},1000\n".encode()
    return {"files": {"file": ("targets.csv", body, "text/csv")}}


def get(url: str) -> Callable[[str, str], Request]:
    return lambda store, role: (url.format(store=store, role=role), {})


CASES: dict[tuple[str, str], Case] = {
    # pages and their JSON twins
    ("GET", "/api/stores/{store_id}/overview"): Case(P.READ_DASHBOARD, get("/api/stores/{store}/overview")),
    ("GET", "/stores/{store_id}/overview"): Case(P.READ_DASHBOARD, get("/stores/{store}/overview")),
    ("GET", "/api/stores/{store_id}/traffic"): Case(P.READ_DASHBOARD, get("/api/stores/{store}/traffic")),
    ("GET", "/stores/{store_id}/traffic"): Case(P.READ_DASHBOARD, get("/stores/{store}/traffic")),
    ("GET", "/api/stores/{store_id}/products"): Case(P.READ_DASHBOARD, get("/api/stores/{store}/products")),
    ("GET", "/stores/{store_id}/products"): Case(P.READ_DASHBOARD, get("/stores/{store}/products")),
    ("GET", "/api/stores/{store_id}/diagnosis"): Case(P.READ_DIAGNOSIS, get("/api/stores/{store}/diagnosis")),
    ("GET", "/stores/{store_id}/diagnosis"): Case(P.READ_DIAGNOSIS, get("/stores/{store}/diagnosis")),
    ("GET", "/api/stores/{store_id}/uploads"): Case(P.READ_DASHBOARD, get("/api/stores/{store}/uploads")),
    ("GET", "/stores/{store_id}/upload"): Case(P.READ_DASHBOARD, get("/stores/{store}/upload")),
    ("POST", "/api/stores/{store_id}/uploads"): Case(
        P.UPLOAD, lambda s, r: (f"/api/stores/{s}/uploads", target_csv(s, r))
    ),
    ("GET", "/api/stores/{store_id}/reports/{kind}"): Case(
        P.DOWNLOAD, get("/api/stores/{store}/reports/daily?format=md")
    ),
    # the task board
    ("GET", "/api/stores/{store_id}/tasks"): Case(P.READ_TASKS, get("/api/stores/{store}/tasks?status=all")),
    ("GET", "/stores/{store_id}/tasks"): Case(P.READ_TASKS, get("/stores/{store}/tasks")),
    ("POST", "/api/stores/{store_id}/tasks/plan"): Case(
        P.ASSIGN_TASKS, lambda s, r: (f"/api/stores/{s}/tasks/plan", {})
    ),
    ("POST", "/api/stores/{store_id}/tasks/{task_id}/assign"): Case(
        P.ASSIGN_TASKS,
        lambda s, r: (f"/api/stores/{s}/tasks/{TASK[s]}/assign", {"json": {"assignee": None, "role": "design"}}),
    ),
    ("POST", "/api/stores/{store_id}/tasks/{task_id}/complete"): Case(
        P.COMPLETE_OWN_TASK,
        lambda s, r: (f"/api/stores/{s}/tasks/{TASK[s]}/complete", {}),
        # moved to the design column by the assign case (which runs first): design may complete it too
        also=lambda role, store: (
            404 if store not in GRANTED else 200 if role in ("owner", "operator", "design") else 403
        ),
    ),
    # settings
    ("GET", "/api/settings"): Case(P.READ_SETTINGS, get("/api/settings"), store=False),
    ("GET", "/settings"): Case(P.READ_SETTINGS, get("/settings"), store=False),
    ("PUT", "/api/stores/{store_id}/targets"): Case(
        P.WRITE_TARGETS, lambda s, r: (f"/api/stores/{s}/targets", {"json": {"month": "2030-01", "gmv": 1234}})
    ),
    ("PUT", "/api/stores/{store_id}/thresholds"): Case(
        P.WRITE_THRESHOLDS,
        lambda s, r: (f"/api/stores/{s}/thresholds", {"json": {"bounce_rate": [0.75, 0.6, 0.5]}}),
    ),
    ("PUT", "/api/stores/{store_id}"): Case(
        P.WRITE_STORES, lambda s, r: (f"/api/stores/{s}", {"json": {"name": f"{s} renamed by {r}"}})
    ),
    ("POST", "/api/stores"): Case(
        P.WRITE_STORES,
        lambda s, r: ("/api/stores", {"json": {"store_id": f"new-{r}-{s}", "name": "new"}}),
        store=False,
        also=lambda role, store: 403,  # adding a store needs the '*' grant, which no role account here has
    ),
    ("GET", "/api/stores/{store_id}/webhooks"): Case(P.MANAGE_WEBHOOKS, get("/api/stores/{store}/webhooks")),
    ("POST", "/api/stores/{store_id}/webhooks"): Case(
        P.MANAGE_WEBHOOKS,
        lambda s, r: (
            f"/api/stores/{s}/webhooks",
            {"json": {"url": f"https://hooks.example.com/{s}/{r}", "events": ["daily_report"]}},
        ),
    ),
    ("DELETE", "/api/stores/{store_id}/webhooks"): Case(
        P.MANAGE_WEBHOOKS,
        lambda s, r: (f"/api/stores/{s}/webhooks", {"params": {"url": f"https://hooks.example.com/{s}/{r}"}}),
    ),
    # accounts: the role first, then whether the owner holds the stores involved
    ("GET", "/api/users"): Case(P.MANAGE_USERS, get("/api/users"), store=False),
    ("POST", "/api/users"): Case(
        P.MANAGE_USERS,
        lambda s, r: (
            "/api/users",
            {"json": {"username": f"n-{r}-{s}", "password": PASSWORD, "role": "content", "stores": [s]}},
        ),
        ok=201,
        permission_first=True,
    ),
    ("PATCH", "/api/users/{username}"): Case(
        P.MANAGE_USERS,
        lambda s, r: (f"/api/users/p-{r}-{s}", {"json": {"role": "design"}}),
        permission_first=True,
    ),
    ("DELETE", "/api/users/{username}"): Case(
        P.MANAGE_USERS, lambda s, r: (f"/api/users/d-{r}-{s}", {}), permission_first=True
    ),
    # who am I, which stores
    ("GET", "/api/session"): Case(None, get("/api/session"), store=False),
    ("GET", "/api/stores"): Case(None, get("/api/stores"), store=False),
    ("GET", "/"): Case(None, get("/"), store=False, ok=303),
    ("POST", "/logout"): Case(None, lambda s, r: ("/logout", {}), store=False, ok=303),
    # reachable without a session too
    ("GET", "/login"): Case(None, get("/login"), store=False, ok=303),  # signed in: to the app
    ("POST", "/login"): Case(None, lambda s, r: ("/login", {"json": {}}), store=False, ok=400),
    ("GET", "/openapi.json"): Case(None, get("/openapi.json"), store=False),
    ("GET", "/static/echarts.min.js"): Case(None, get("/static/echarts.min.js"), store=False),
    ("GET", "/static"): Case(None, get("/static/dashboard.js"), store=False),
}


def app_routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if isinstance(route, Mount):
            found.add(("GET", route.path))
        elif isinstance(route, APIRoute | Route):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method, route.path))
    return found


def expected(case: Case, role: str, store: str) -> int:
    special = case.also(role, store)
    if special is not None:
        return special
    allowed = case.permission is None or can(role, case.permission)
    granted = store in GRANTED
    if case.permission_first:
        return case.ok if allowed and granted else 403 if not allowed else 404
    if case.store and not granted:
        return 404
    return case.ok if allowed else 403


def test_every_route_has_a_case(web):
    routes = app_routes(web.app)
    assert routes - set(CASES) == set(), "routes without an authorisation case"
    assert set(CASES) - routes == set(), "cases for routes that no longer exist"


def test_every_api_route_answers_401_without_a_session(web):
    client = web.client()
    for method, path in sorted(app_routes(web.app)):
        if not path.startswith("/api"):
            continue
        url = path.replace("{store_id}", "shop1").replace("{kind}", "daily").replace("{username}", "boss")
        r = client.request(method, url)
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.json()["error"]["type"] == "NotAuthenticated"


def fingerprint(web, store: str) -> dict[str, str]:
    """Every row of ``store`` in every table, hashed: any write shows."""
    out = {}
    tables = [*TABLES, "_web_store_settings", "_web_uploads", "_imports", "_tasks"]
    for table in tables:
        rows = web.db.read(f'SELECT * FROM "{table}" WHERE store_id = ? ORDER BY ALL', [store])
        out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    for name, sql in (
        ("_web_grants", "SELECT * FROM _web_grants WHERE store_id = ? ORDER BY ALL"),
        (
            "_web_task_assignees",
            "SELECT a.* FROM _web_task_assignees a JOIN _tasks t USING (task_id) WHERE t.store_id = ?",
        ),
    ):
        out[name] = hashlib.sha256(repr(web.db.read(sql, [store])).encode()).hexdigest()
    return out


def markers(web, store: str) -> set[str]:
    """Strings that identify ``store``: its id, its name, its SKUs."""
    names = web.db.read("SELECT store_id, name FROM stores WHERE store_id = ?", [store])
    skus = web.db.read("SELECT DISTINCT sku FROM products WHERE store_id = ?", [store])
    tasks = web.db.read("SELECT task_id FROM _tasks WHERE store_id = ?", [store])
    return {x for row in names for x in row if x} | {s for (s,) in skus + tasks if s and len(s) >= 5}


@pytest.mark.slow
def test_matrix_every_route_x_store_x_role(web):
    require_tasks()
    for store in STORES:
        TASK[store] = web.db.read("SELECT min(task_id) FROM _tasks WHERE store_id = ?", [store])[0][0]
        assert TASK[store], f"the template planned no task for {store}"
    before = fingerprint(web, "shop3")
    foreign = markers(web, "shop3")
    assert len(foreign) > 5
    results = []
    clients = {role: web.client(role) for role in ROLES}
    # reads first, then writes: a write drops the page cache, so this order computes each page once per store
    for (method, path), case in sorted(CASES.items(), key=lambda kv: (kv[0][0] != "GET", kv[0])):
        for role in ROLES:
            for store in STORES:
                client = web.client(role) if path == "/logout" else clients[role]  # a sign-out must not carry over
                url, kwargs = case.request(store, role)
                r = client.request(method, url, follow_redirects=False, **kwargs)
                want = expected(case, role, store)
                results.append((role, method, path, store, r.status_code, want))
                assert r.status_code == want, (role, method, path, store, r.status_code, r.text[:300])
                if store in GRANTED or not case.store:
                    leaked = [m for m in foreign if m in r.text]
                    assert not leaked, (role, method, path, store, leaked)
                if not case.store:
                    break  # one call is the whole case
    assert fingerprint(web, "shop3") == before, "shop3 was written"
    statuses = {r[4] for r in results}
    assert {200, 201, 303, 403, 404} <= statuses
