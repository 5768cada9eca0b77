"""The fixture shop of tests/metrics, imported once and closed, so tests and the CLI can open it read-only."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "metrics"))

from shopdata import insert_csvs, read_csvs, write_csvs  # noqa: E402


@dataclass(frozen=True)
class ShopDir:
    root: Path  # the workspace folder
    frames: dict[str, pd.DataFrame]


@pytest.fixture(scope="session")
def shop_dir(tmp_path_factory) -> ShopDir:
    from shopops.warehouse import Workspace

    folder = tmp_path_factory.mktemp("report-shop")
    paths = write_csvs(folder / "csv")
    with Workspace(folder / "ws") as ws:
        insert_csvs(ws, paths)
    return ShopDir(folder / "ws", read_csvs(paths))


@pytest.fixture
def shop_copy(shop_dir, tmp_path) -> ShopDir:
    """A private read-write copy, for tests that change the workspace."""
    dest = tmp_path / "ws"
    shutil.copytree(shop_dir.root, dest)
    return ShopDir(dest, shop_dir.frames)


@pytest.fixture
def ro_con(shop_dir):
    from shopops.warehouse import Workspace

    ws = Workspace(shop_dir.root, create=False, read_only=True)
    yield ws.con
    ws.close()
