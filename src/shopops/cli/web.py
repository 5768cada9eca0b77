"""``shopops init``, ``shopops user …`` and ``shopops serve``: the team's web dashboard.

``serve`` holds the workspace for as long as it runs; a command started beside it (``shopops import`` …) gets
``workspace busy (held by PID …)`` — use the dashboard's Upload page or ``shopops upload --server URL`` instead.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from shopops.cli import _dump, app, err, handles_errors, out, state

user_app = typer.Typer(help="Dashboard accounts: add, list, remove.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _root() -> Path:
    from shopops.warehouse import workspace_path

    return workspace_path(state.workspace)


@app.command()
@handles_errors
def init(
    force: Annotated[bool, typer.Option("--force", help="Replace an existing secret (signs everyone out).")] = False,
) -> None:
    """Create the workspace's dashboard configuration (web.json, mode 0600) with a fresh random secret."""
    from shopops.warehouse import Workspace
    from shopops.web.settings import init_config

    root = _root()
    path = init_config(root, force=force)
    with Workspace(root):  # creates the DuckDB file and its tables if new (WorkspaceBusy if a server holds it)
        pass
    out.print(f"[green]✓[/] wrote {path} (mode 600) with a new secret")
    out.print("  next: [bold]shopops user add NAME --role owner --store '*'[/], then [bold]shopops serve[/]")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    env = os.environ.get("SHOPOPS_PASSWORD")
    if env:
        return env
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        from shopops.errors import UsageError

        raise UsageError(detail="the two passwords differ")
    return first


@user_app.command("add")
@handles_errors
def user_add(
    username: Annotated[str, typer.Argument(help="Sign-in name: 2–40 letters, digits, '.', '_' or '-'.")],
    role: Annotated[
        str, typer.Option("--role", "-r", help="owner, operator, promotion, design, service or content.")
    ] = "operator",
    store: Annotated[
        list[str] | None, typer.Option("--store", "-s", help="A store the user may see (repeatable); '*' = all.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a dashboard account (the password is asked for, or read from --password-stdin / $SHOPOPS_PASSWORD)."""
    from shopops.errors import UsageError
    from shopops.warehouse import Workspace
    from shopops.web import auth

    stores = store or []
    if not stores:
        raise UsageError(detail="grant at least one store with --store ID (or --store '*' for all stores)")
    auth.check_username(username)
    auth.check_role(role)
    password = _password(password_stdin)
    with Workspace(_root()) as ws:
        auth.ensure_schema(ws.con)
        user = auth.add_user(ws.con, username, password, role, stores)
    out.print(f"[green]✓[/] added {user.username} ({user.role.value}) with stores {', '.join(sorted(user.stores))}")


@user_app.command("list")
@handles_errors
def user_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List dashboard accounts, their roles and stores."""
    from shopops.warehouse import Workspace
    from shopops.web import auth

    with Workspace(_root(), create=False) as ws:
        auth.ensure_schema(ws.con)
        users = auth.list_users(ws.con)
    rows = [{"username": u.username, "role": u.role.value, "stores": sorted(u.stores)} for u in users]
    if as_json:
        _dump(rows)
        return
    for r in rows:
        out.print(f"{r['username']:<20} {r['role']:<10} {', '.join(r['stores'])}")


@user_app.command("remove")
@handles_errors
def user_remove(username: Annotated[str, typer.Argument(help="The account to remove.")]) -> None:
    """Remove a dashboard account and end its sessions."""
    from shopops.warehouse import Workspace
    from shopops.web import auth

    with Workspace(_root(), create=False) as ws:
        auth.ensure_schema(ws.con)
        if auth.get_user(ws.con, username) is None:
            from shopops.web.errors import NotFound

            raise NotFound(kind="user", key=username)
        auth.remove_user(ws.con, username)
    out.print(f"[green]✓[/] removed {username}")


@app.command()
@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    proxy_headers: Annotated[
        bool, typer.Option("--proxy-headers", help="Trust X-Forwarded-Proto/For from a TLS proxy on this host.")
    ] = False,
) -> None:
    """Serve the dashboard. Refuses to start without a proper secret (run 'shopops init' first)."""
    import uvicorn

    from shopops.web import auth
    from shopops.web.app import open_app

    application = open_app(state.workspace)
    with application.state.db.reader() as r:
        if auth.count_users(r.con) == 0:
            err.print(
                "[yellow]warning:[/] no accounts yet — add one with: shopops user add NAME --role owner --store '*'"
            )
    out.print(f"shopops dashboard on http://{host}:{port}/  (workspace {application.state.db.root}, Ctrl-C stops)")
    try:
        uvicorn.run(
            application,
            host=host,
            port=port,
            proxy_headers=proxy_headers,
            forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
            log_level="warning",
            server_header=False,
        )
    finally:
        application.state.db.close()


@app.command()
@handles_errors
def upload(
    paths: Annotated[list[Path], typer.Argument(help="Export files to import.")],
    server: Annotated[str, typer.Option("--server", help="The dashboard's address, e.g. http://127.0.0.1:8000.")],
    store: Annotated[str, typer.Option("--store", "-s", help="The store to import into.")],
    user: Annotated[str, typer.Option("--user", "-u", help="A dashboard account that may upload.")],
    fmt: Annotated[str | None, typer.Option("--format", help="Format name (default: recognised).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Import files through a running dashboard (beside `shopops serve`, which holds the workspace)."""
    from shopops.web.client import DashboardClient

    password = os.environ.get("SHOPOPS_PASSWORD") or getpass.getpass(f"password for {user}: ")
    results = []
    with DashboardClient(server, user, password) as client:
        for path in paths:
            result = client.upload(store, path, fmt)
            results.append(result)
            if not as_json:
                tables = ", ".join(f"{t} {n:,}" for t, n in result["rows_by_table"].items())
                out.print(f"[green]✓[/] {result['file']}: {result['status']} as {result['format']} ({tables})")
    if as_json:
        _dump(results)
