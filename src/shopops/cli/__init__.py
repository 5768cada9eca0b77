"""The ``shopops`` command line: the outer edge, where errors become one clear line and an exit code.

``app`` and the helpers live here; each module of this package adds its commands to ``app`` (ingest: import,
status, formats; simulate: simulate, demo; …). ``COMMAND_MODULES`` lists them.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from shopops import __version__
from shopops.errors import ShopopsError

app = typer.Typer(
    help="shopops — the operations cockpit for online shops (电商运营).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    workspace: str | None = None
    warehouse: str | None = None
    json_errors: bool = False


state = _State()


def handles_errors(func: F) -> F:
    """Turn a ShopopsError into one line (or a JSON object) and its exit code; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ShopopsError as exc:
            if kwargs.get("as_json") or state.json_errors:
                print(json.dumps({"ok": False, "error": exc.to_dict()}, ensure_ascii=False, default=str))
            else:
                err.print(f"[bold red]error:[/] {exc.message()}", soft_wrap=True, markup=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main_options(
    workspace: Annotated[
        str | None,
        typer.Option("--workspace", "-w", help="Workspace folder (default: $SHOPOPS_WORKSPACE or ./shopops-data)."),
    ] = None,
    warehouse: Annotated[
        str | None,
        typer.Option(
            "--warehouse",
            help="Where the tables live: duckdb: (default), chdb:, clickhouse://user@host:8123/db, spark:local[2] "
            "(default: $SHOPOPS_WAREHOUSE). See docs/scale.md.",
        ),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Message language: en or zh.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
) -> None:
    state.workspace = workspace
    state.warehouse = warehouse
    _check_warehouse()
    if lang:
        os.environ["SHOPOPS_LANG"] = lang
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def _check_warehouse() -> None:
    """A bad --warehouse / $SHOPOPS_WAREHOUSE fails before any command runs, as one line listing the valid ones."""
    from shopops.warehouse.url import warehouse_url

    try:
        warehouse_url(state.warehouse)
    except ShopopsError as exc:
        from rich.markup import escape

        err.print(f"[bold red]error:[/] {escape(exc.message())}", soft_wrap=True, markup=True)
        raise typer.Exit(exc.exit_code) from None


def open_warehouse(*, create: bool = True, read_only: bool = False):
    """The warehouse chosen by --warehouse / $SHOPOPS_WAREHOUSE, with --workspace as its local folder."""
    from shopops.warehouse.backends import open_warehouse as open_

    return open_(state.warehouse, state.workspace, create=create, read_only=read_only)


def _dump(payload: Any) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


@app.command()
def version() -> None:
    """Print the shopops version."""
    out.print(__version__)


COMMAND_MODULES = ("ingest", "simulate", "metrics", "report", "web", "schedule", "diagnose", "bench")


def _load_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"shopops.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"shopops.cli.{name}":
                raise


def main() -> None:
    _load_commands()
    app()
