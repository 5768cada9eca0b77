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
    "sycm",  # 生意参谋 traffic-by-source and product-effect exports
    "ztc",  # 直通车 / 万相台 keyword reports
    "shopify",
    "amazon",
    "olist",
    "uci",  # UCI Online Retail rows, UCI online shoppers sessions
    "taobao",  # Tianchi UserBehavior pv/fav/cart/buy
    "review_corpora",  # Chinese review corpus, women's clothing reviews
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
    "FORMATS",
    "Field",
    "Format",
    "detect",
    "fields_from_table",
    "formats",
    "get_format",
    "header_score",
    "load_builtins",
    "register",
]
