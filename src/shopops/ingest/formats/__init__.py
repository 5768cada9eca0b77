"""Built-in formats. Each module registers its formats on import, exactly as an add-on would."""

from __future__ import annotations

import importlib

from shopops.ingest.formats.base import (
    FORMATS,
    Field,
    Format,
    detect,
    fields_from_table,
    formats,
    get_format,
    header_score,
    register,
)

BUILTIN_MODULES = (
    "canonical",
)

_loaded = False


def load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        importlib.import_module(f"shopops.ingest.formats.{module}")


__all__ = [
    "FORMATS", "Field", "Format", "detect", "fields_from_table", "formats", "get_format", "header_score",
    "load_builtins", "register",
]
