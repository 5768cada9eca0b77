"""Web fixtures: one simulated 3-store workspace with an account per role, copied fresh for each test, and
in-process clients signed in as any of them.

Building the template once (simulate, import, hash seven passwords) keeps every test's own setup to a file copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from web_support import load_workspace, open_web, simulate_shop


@pytest.fixture(scope="session")
def sim_dir(tmp_path_factory) -> Path:
    return simulate_shop(tmp_path_factory.mktemp("sim"))


@pytest.fixture(scope="session")
def template_ws(tmp_path_factory, sim_dir) -> Path:
    root = tmp_path_factory.mktemp("template") / "ws"
    load_workspace(root, sim_dir)
    return root


@pytest.fixture
def web(tmp_path, template_ws):
    root = tmp_path / "ws"
    shutil.copytree(template_ws, root)
    w = open_web(root)
    yield w
    w.db.close()
