"""Accounts, sessions, CSRF, the sign-in rate limit, the secret and the security headers."""

from __future__ import annotations

import os
import re
import stat

import pytest
from web_support import PASSWORD

from shopops.web.security import CSP


def error(type_: str, message: str, status: int, **extra) -> dict:
    return {"ok": False, "error": {**extra, "type": type_, "message": message, "status": status}}


NOT_SIGNED_IN = error("NotAuthenticated", "not signed in: sign in first", 401)


def test_api_answers_401_without_a_session(web):
    client = web.client()
    assert client.get("/api/stores").json() == NOT_SIGNED_IN
    assert client.get("/api/stores/shop1/overview").status_code == 401
    # even a malformed body is refused for the missing session first
    r = client.put("/api/stores/shop1/targets", content=b"{not json", headers={"content-type": "application/json"})
    assert (r.status_code, r.json()) == (401, NOT_SIGNED_IN)


def test_pages_redirect_to_sign_in(web):
    r = web.client().get("/stores/shop1/overview", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/stores/shop1/overview")


def test_json_sign_in_sets_a_hardened_cookie_and_answers_the_csrf_token(web):
    client = web.client()
    r = client.post("/login", json={"username": "design", "password": PASSWORD})
    body = r.json()
    assert body == {"ok": True, "user": "design", "role": "design", "csrf_token": body["csrf_token"]}
    assert len(body["csrf_token"]) >= 40
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("shopops_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; behind TLS (secure_cookies auto/always) it is added
    session = client.get("/api/session").json()
    assert session == {
        "ok": True,
        "user": "design",
        "role": "design",
        "csrf_token": body["csrf_token"],
        "permissions": [
            "complete_own_task",
            "download",
            "read_dashboard",
            "read_diagnosis",
            "read_settings",
            "read_tasks",
        ],
        "stores": [
            {"id": "shop1", "name": "极客数码配件", "platform": "tmall"},
            {"id": "shop2", "name": "悦居生活旗舰店", "platform": "tmall"},
        ],
    }


def test_secure_cookie_when_asked(tmp_path, template_ws):
    import shutil

    from web_support import open_web

    root = tmp_path / "ws"
    shutil.copytree(template_ws, root)
    w = open_web(root, secure_cookies="always")
    try:
        r = w.client().post("/login", json={"username": "boss", "password": PASSWORD})
        cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("shopops_session="))
        assert "Secure" in cookie
    finally:
        w.db.close()


def test_session_id_is_rotated_at_sign_in_and_ends_at_sign_out(web):
    client = web.client("operator")
    first = client.cookies.get("shopops_session")
    r = client.post("/login", json={"username": "operator", "password": PASSWORD})
    second = client.cookies.get("shopops_session")
    assert second and second != first
    # the old id no longer works
    stale = web.client()
    stale.cookies.set("shopops_session", first)
    assert stale.get("/api/session").status_code == 401
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    assert client.post("/logout", follow_redirects=False).status_code == 303
    replay = web.client()
    replay.cookies.set("shopops_session", second)
    assert replay.get("/api/session").status_code == 401


def test_session_table_keeps_only_hashes(web):
    client = web.client("boss")
    sid = client.cookies.get("shopops_session")
    rows = web.db.read("SELECT sid_hash FROM _web_sessions")
    assert rows and all(sid not in r[0] and len(r[0]) == 64 for r in rows)


def test_state_changing_requests_need_the_csrf_token(web):
    client = web.client("owner")
    token = client.headers.pop("X-CSRF-Token")
    body = {"month": "2025-11", "gmv": 1000}
    missing = client.put("/api/stores/shop1/targets", json=body)
    assert (missing.status_code, missing.json()) == (
        403,
        error("CsrfFailed", "missing or wrong CSRF token: reload the page and try again", 403),
    )
    wrong = client.put("/api/stores/shop1/targets", json=body, headers={"X-CSRF-Token": token[:-2] + "xx"})
    assert wrong.status_code == 403
    assert client.put("/api/stores/shop1/targets", json=body, headers={"X-CSRF-Token": token}).status_code == 200
    # another session's token is not this session's token
    other = web.client("operator").headers["X-CSRF-Token"]
    assert client.put("/api/stores/shop1/targets", json=body, headers={"X-CSRF-Token": other}).status_code == 403


def test_form_sign_in_needs_its_nonce_bound_token(web):
    client = web.client()
    page = client.get("/login?next=/settings")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"username": "boss", "password": PASSWORD, "next": "/settings"}
    forged = web.client().post("/login", data={**form, "csrf_token": token}, follow_redirects=False)
    assert forged.status_code == 403  # a token without its nonce cookie (another browser) is refused
    r = client.post("/login", data={**form, "csrf_token": token}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/settings")


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(web, target):
    client = web.client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post(
        "/login",
        data={"username": "boss", "password": PASSWORD, "next": target, "csrf_token": token},
        follow_redirects=False,
    )
    assert (r.status_code, r.headers["location"]) == (303, "/")


def test_wrong_password_and_unknown_user_answer_alike(web):
    client = web.client()
    a = client.post("/login", json={"username": "boss", "password": "wrong password!"})
    b = client.post("/login", json={"username": "nobody", "password": "wrong password!"})
    assert a.json() == b.json() == error("LoginFailed", "wrong user name or password", 401)


def test_sign_in_is_rate_limited_per_ip_and_user(web):
    client = web.client()
    limit = web.app.state.config.login_attempts
    for _ in range(limit):
        assert client.post("/login", json={"username": "boss", "password": "nope nope nope"}).status_code == 401
    r = client.post("/login", json={"username": "boss", "password": PASSWORD})  # even the right one, now
    assert r.status_code == 429
    assert r.json()["error"]["type"] == "RateLimited" and int(r.headers["retry-after"]) > 0
    # another user from the same address is not locked out by boss's failures
    assert client.post("/login", json={"username": "operator", "password": PASSWORD}).status_code == 200


def test_passwords_are_argon2id_at_least_owasp_minimum(web):
    from argon2 import Type, extract_parameters

    for (digest,) in web.db.read("SELECT password_hash FROM _web_users"):
        p = extract_parameters(digest)
        assert p.type is Type.ID
        # OWASP: m ≥ 19 MiB with t ≥ 2, p ≥ 1
        assert p.memory_cost >= 19 * 1024 and p.time_cost >= 2 and p.parallelism >= 1


def test_every_response_carries_the_csp(web):
    client = web.client("boss")
    for path in ("/login", "/api/stores", "/stores/shop1/overview", "/static/dashboard.js", "/nope"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP.split("style-src")[0]


def test_pages_have_no_inline_script(web):
    client = web.client("boss")
    for path in ("/login", "/stores/shop1/overview", "/stores/shop1/traffic", "/settings"):
        html = client.get(path).text
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'type="application/json"' in tag or "src=" in tag, (path, tag)
        assert " on" not in "".join(re.findall(r"<[a-z]+ [^>]*>", html)).replace(" one", ""), path


# ---------------------------------------------------------------- the secret


def test_refuses_to_start_without_a_proper_secret(tmp_path):
    import json

    from shopops.web.errors import BadSecret
    from shopops.web.settings import init_config, load_config

    root = tmp_path / "ws"
    with pytest.raises(BadSecret, match="no configuration file"):
        load_config(root)
    path = init_config(root)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(load_config(root).secret) >= 32
    for bad in ("", "changeme", "secret", "short-but-not-default"):
        path.write_text(json.dumps({"secret": bad}))
        with pytest.raises(BadSecret):
            load_config(root)
    path.write_text(json.dumps({"secret": "x" * 40}))
    os.chmod(path, 0o644)
    with pytest.raises(BadSecret, match="readable by others"):
        load_config(root)


def test_serve_refuses_a_default_secret(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPOPS_WEB_SECRET", "changeme")
    code, out, err = cli("--workspace", str(tmp_path / "ws"), "serve", "--port", "1")
    assert code == 2
    assert "well-known default" in err and "shopops init" in err


def test_init_then_user_add_then_list(cli, tmp_path, monkeypatch):
    ws = str(tmp_path / "ws")
    code, out, _ = cli("--workspace", ws, "init")
    assert code == 0 and "mode 600" in " ".join(out.split())
    code, _, err = cli("--workspace", ws, "init")
    assert code == 2 and "already exists" in err
    monkeypatch.setenv("SHOPOPS_PASSWORD", PASSWORD)
    code, out, err = cli("--workspace", ws, "user", "add", "alice", "--role", "promotion", "--store", "shop1")
    assert code == 0, err
    code, _, err = cli("--workspace", ws, "user", "add", "bob", "--role", "boss", "--store", "shop1")
    assert code == 2 and "valid roles: owner, operator, promotion, design, service, content" in err
    monkeypatch.setenv("SHOPOPS_PASSWORD", "short")
    code, _, err = cli("--workspace", ws, "user", "add", "carol", "--store", "shop1")
    assert code == 2 and "at least 10 characters" in err
    code, out, _ = cli("--workspace", ws, "user", "list", "--json")
    import json

    assert json.loads(out) == [{"username": "alice", "role": "promotion", "stores": ["shop1"]}]


def test_cli_beside_a_live_server_says_the_workspace_is_busy(web):
    """The server holds the workspace; a second process gets WorkspaceBusy naming the holder's PID."""
    import subprocess
    import sys

    exe = os.path.join(os.path.dirname(sys.executable), "shopops")
    proc = subprocess.run(
        [exe, "--workspace", str(web.root), "user", "list"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3
    assert f"workspace busy (held by PID {os.getpid()})" in proc.stderr
