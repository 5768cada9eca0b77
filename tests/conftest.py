"""Shared fixtures: a fresh workspace per test, the CLI runner, and the real data beside the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from testpaths import FIXTURES, ROOT, SHARED_DATA  # noqa: F401  (re-exported for older imports)

os.environ.setdefault("SHOPOPS_LANG", "en")


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """`--lang zh` in an in-process CLI run sets SHOPOPS_LANG for the process; never let it leak into the next test."""
    monkeypatch.setenv("SHOPOPS_LANG", "en")


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, read in place (never copied into the repo)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def workspace(tmp_path: Path):
    from shopops.warehouse import Workspace

    ws = Workspace(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def cli():
    """Invoke the CLI in-process; returns (exit_code, stdout, stderr)."""
    from shopops.cli import _load_commands, app

    _load_commands()
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def table_rows(ws, sql: str):
    return ws.con.execute(sql).fetchall()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (no browser download); `make test` installs chromium."""
    import shutil

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make browser` (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page; console errors are collected on ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda msg: msg.type == "error" and pg.console_errors.append(msg.text))  # type: ignore[attr-defined]
    yield pg
    context.close()
