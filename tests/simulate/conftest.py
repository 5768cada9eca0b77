"""Small simulated shops, simulated once per test session."""

from __future__ import annotations

import pytest

from shopops.simulate import SimConfig, SimResult, simulate


@pytest.fixture(scope="session")
def sims(tmp_path_factory):
    """``sims(name, cfg)`` simulates once per name and session."""
    root = tmp_path_factory.mktemp("sims")
    cache: dict[str, SimResult] = {}

    def get(name: str, cfg: SimConfig) -> SimResult:
        if name not in cache:
            cache[name] = simulate(cfg, root / name)
        return cache[name]

    return get
