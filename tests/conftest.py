"""Shared fixtures: a fresh workspace per test, the CLI runner, and the real data beside the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = Path(os.environ.get("SHOPOPS_SHARED_DATA", ROOT.parent / "shared" / "data"))

os.environ.setdefault("SHOPOPS_LANG", "en")


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
