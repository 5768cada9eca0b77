"""One imported copy of the fixture shop per test session (DuckDB allows one writer, so it stays open)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from shopdata import insert_csvs, read_csvs, write_csvs


@dataclass(frozen=True)
class Shop:
    ws: object
    paths: dict[str, Path]
    frames: dict[str, pd.DataFrame]


@pytest.fixture(scope="session")
def shop(tmp_path_factory):
    from shopops.warehouse import Workspace

    folder = tmp_path_factory.mktemp("shop")
    paths = write_csvs(folder / "csv")
    ws = Workspace(folder / "ws")
    insert_csvs(ws, paths)
    yield Shop(ws, paths, read_csvs(paths))
    ws.close()
