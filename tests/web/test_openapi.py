"""Schemathesis against /openapi.json: generated requests to every documented operation, signed in as an owner of
every store, must get only documented status codes, content types and response shapes — and never a 500."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from web_support import PASSWORD, open_web


@pytest.fixture(scope="module")
def api(tmp_path_factory, template_ws):
    root = tmp_path_factory.mktemp("openapi") / "ws"
    shutil.copytree(template_ws, root)
    web = open_web(root)
    client = web.client()
    r = client.post("/login", json={"username": "boss", "password": PASSWORD})
    web.auth = {  # type: ignore[attr-defined]
        "headers": {"X-CSRF-Token": r.json()["csrf_token"]},
        "cookies": {"shopops_session": client.cookies.get("shopops_session")},
    }
    yield web
    web.db.close()


def check_operation(operation, auth: dict, calls: list, mode: GenerationMode) -> None:
    """Up to ``EXAMPLES`` generated requests to one operation (valid ones, or ones breaking the schema), each
    validated by schemathesis's checks."""

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        if case.path == "/api/users/{username}":  # never the signed-in account itself
            case.path_parameters = {"username": "x-" + str(case.path_parameters["username"])[:30]}
        cookies, headers = dict(auth["cookies"]), dict(auth["headers"])
        if mode is GenerationMode.NEGATIVE:  # a case that leaves out the session or the token keeps it out
            cookies = {k: v for k, v in cookies.items() if k in (case.cookies or {})}
            headers = {k: v for k, v in headers.items() if k in (case.headers or {})}
        # An upload is judged by its content (a CSV whose rows validate), which no schema can state: there, and
        # only there, a schema-valid request may be refused (400, with every bad row).
        excluded = [positive_data_acceptance] if case.path.endswith("/uploads") and case.method == "POST" else []
        response = case.call_and_validate(headers=headers, cookies=cookies, excluded_checks=excluded)
        calls.append((operation.label, response.status_code))

    run()


EXAMPLES = 12


@pytest.mark.slow
def test_api_conforms_to_its_description(api):
    # schemathesis's own pytest plugin does not run under pytest 9 yet: drive each operation through Hypothesis
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    failures, checked, calls = [], 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                check_operation(operation, api.auth, calls, mode)
            except Exception as exc:  # collect every operation's failure, then report them together
                failures.append(f"{operation.label} ({mode.value}): {type(exc).__name__}: {str(exc)[:600]}")
        checked += 1
    assert checked >= 20 and len(calls) >= 10 * checked
    statuses = {status for _, status in calls}
    assert {200, 201, 404, 409, 422} <= statuses and max(statuses) < 500
    assert not failures, "\n\n".join(failures)


def test_every_api_route_is_described(api):
    described = api.app.openapi()["paths"]
    from test_authorisation import app_routes

    api_routes = {path for _, path in app_routes(api.app) if path.startswith("/api")}
    assert api_routes == {p for p in described if p.startswith("/api")}
    for path, operations in described.items():
        for method, op in operations.items():
            assert {"401", "404"} <= set(op["responses"]) or not path.startswith("/api"), (method, path)
