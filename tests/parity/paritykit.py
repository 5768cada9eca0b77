"""What the parity tests share: one simulated shop, importing it into a warehouse, and comparing what two engines
produced — money to the cent, rates to 1e-9, everything else exactly."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopops.schema import TABLES

SEED = 23
DAYS = 45


@dataclass(frozen=True)
class Shop:
    inbox: Path
    files: tuple[tuple[str, str, str | None], ...]  # (file, format, store)
    end: dt.date
    cause_days: tuple[dt.date, ...]  # the last day of each planted cause


def simulated_shop(root: Path) -> Shop:
    """45 days, one store, two planted causes (the simulator's random pick for the seed); written once per run."""
    from shopops.simulate import SimConfig, simulate

    config = SimConfig(days=DAYS, visitors_per_day=800, products=8, seed=SEED)
    inbox = root / "in"
    if not (inbox / "manifest.json").exists():
        simulate(config, inbox)
    manifest = json.loads((inbox / "manifest.json").read_text(encoding="utf-8"))
    files = tuple((f["file"], f["format"], f.get("store")) for f in manifest["files"])
    truth = json.loads((inbox / "truth.json").read_text(encoding="utf-8"))
    causes = tuple(sorted({min(dt.date.fromisoformat(t["end"]), config.end) for t in truth}))
    assert len(truth) == 2, truth
    return Shop(inbox, files, config.end, causes)


def import_shop(wh: Any, shop: Shop, tables: tuple[str, ...] | None = None, **options: Any) -> list[Any]:
    """Import the shop's files (only those of ``tables`` when given) in the simulator's order."""
    from shopops.warehouse import import_file

    return [
        import_file(wh, shop.inbox / name, store_id=store, format_name=fmt, **options)
        for name, fmt, store in shop.files
        if tables is None or fmt.split(":", 1)[1] in tables
    ]


def rows(backend: Any, name: str) -> list[tuple]:
    """Every row of a canonical table through Ibis, as sorted plain tuples (the import id left out)."""
    cols = list(TABLES[name].column_names)
    table = backend.table(name).select(*cols).to_pyarrow().to_pylist()
    return sorted((tuple(_plain(r[c]) for c in cols) for r in table), key=repr)


def _plain(v: Any) -> Any:
    return float(v) if isinstance(v, float) and not math.isnan(v) else v


def differences(a: Any, b: Any, path: str = "$") -> list[str]:
    """Where two JSON-like values differ: floats within 1e-9 (relative) are equal; all else must match exactly."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a.keys() ^ b.keys())}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return [f"{path}: {len(a)} vs {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, float | int) or isinstance(b, float) and isinstance(a, int):
        if math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b)):
            return []
        return [f"{path}: {a!r} vs {b!r}"]
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return [] if a == b else [f"{path}: {a!r} vs {b!r}"]  # money: to the cent, no tolerance
    return [] if (a == b and type(a) is type(b)) else [f"{path}: {a!r} vs {b!r}"]
