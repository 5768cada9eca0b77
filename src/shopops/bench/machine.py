"""What the numbers were measured on: cores, memory, CPU model, load at the start, versions."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cpus: int
    memory_gb: float
    cpu_model: str
    load_average: tuple[float, float, float]
    python: str
    duckdb: str
    pandas: str
    polars: str | None
    system: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        load = " / ".join(f"{x:.1f}" for x in self.load_average)
        return (
            f"{self.cpus} CPUs ({self.cpu_model}), {self.memory_gb:.0f} GB RAM, load {load} at start; "
            f"Python {self.python}, DuckDB {self.duckdb}, pandas {self.pandas}, polars {self.polars or '—'}; "
            f"{self.system}"
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0


def _version(module: str) -> str | None:
    try:
        return __import__(module).__version__
    except ImportError:
        return None


def describe() -> Machine:
    return Machine(
        cpus=os.cpu_count() or 1,
        memory_gb=_memory_gb(),
        cpu_model=_cpu_model(),
        load_average=os.getloadavg(),
        python=sys.version.split()[0],
        duckdb=_version("duckdb") or "?",
        pandas=_version("pandas") or "?",
        polars=_version("polars"),
        system=f"{platform.system()} {platform.release()}",
    )
