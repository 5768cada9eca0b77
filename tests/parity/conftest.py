"""One simulated shop per test run, shared by the parity tests of every engine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from paritykit import Shop, simulated_shop  # noqa: E402


@pytest.fixture(scope="session")
def shop(tmp_path_factory) -> Shop:
    return simulated_shop(tmp_path_factory.getbasetemp() / "parity-shop")
