"""Warehouse URLs: where the canonical tables live — ``--warehouse URL``, else ``$SHOPOPS_WAREHOUSE``, else DuckDB.

::

    duckdb:                               the workspace's own shopops.duckdb (the default)
    duckdb:///srv/shop-ws                 the DuckDB file of another workspace folder
    chdb:                                 embedded ClickHouse in <workspace>/chdb (tests, one machine)
    chdb:///srv/chdb                      embedded ClickHouse in that folder
    clickhouse://user:pw@host:8123/db     a ClickHouse server over HTTP (?secure=1 for HTTPS, port 8443)
    spark:local[2]                        Spark in this process, tables under <workspace>/spark-warehouse
    spark://host:7077?warehouse=s3a://b/  a Spark cluster; ``warehouse`` must be storage every executor reaches

The workspace folder (``--workspace``) still holds the raw files and staging scratch whatever the warehouse.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from shopops.warehouse.backends.errors import BadWarehouseUrl, UnknownWarehouseScheme

Kind = Literal["duckdb", "chdb", "clickhouse", "spark"]
KINDS: tuple[Kind, ...] = ("duckdb", "chdb", "clickhouse", "spark")
DEFAULT_URL = "duckdb:"
EXAMPLES: dict[Kind, str] = {
    "duckdb": "duckdb:///srv/shopops-data",
    "chdb": "chdb:///srv/shopops-chdb",
    "clickhouse": "clickhouse://shopops:secret@ch.internal:8123/shopops",
    "spark": "spark:local[2] or spark://master:7077?warehouse=/shared/shopops",
}
_PARAMS: dict[Kind, tuple[str, ...]] = {"duckdb": (), "chdb": (), "clickhouse": ("secure",), "spark": ("warehouse",)}


@dataclass(frozen=True)
class WarehouseUrl:
    kind: Kind
    text: str  # as given (may hold a password: show ``shown`` instead)
    path: str | None = None  # duckdb / chdb folder; None = inside the workspace
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    database: str = "shopops"
    secure: bool = False
    master: str | None = None  # spark: local[2], spark://host:7077, yarn …
    warehouse_dir: str | None = None  # spark: where the tables' files live; None = inside the workspace

    @property
    def shown(self) -> str:
        """The URL with its password masked — for messages, logs and ``shopops status``."""
        if not self.password:
            return self.text
        return self.text.replace(":" + _quoted_password(self.text), ":***", 1)


def _quoted_password(text: str) -> str:
    netloc = urlsplit(text).netloc
    return netloc.rpartition("@")[0].partition(":")[2]


def warehouse_url(option: str | None = None) -> WarehouseUrl:
    """``--warehouse`` wins, then ``SHOPOPS_WAREHOUSE``, then the workspace's DuckDB."""
    return parse_url(option or os.environ.get("SHOPOPS_WAREHOUSE") or DEFAULT_URL)


def parse_url(text: str) -> WarehouseUrl:
    scheme, sep, rest = text.strip().partition(":")
    kind = scheme.lower()
    if not sep or kind not in KINDS:
        raise UnknownWarehouseScheme(url=text, scheme=scheme if sep else text, valid=", ".join(f"{k}:" for k in KINDS))
    rest, _, query = rest.partition("?")
    params = _params(text, kind, query)  # type: ignore[arg-type]
    if kind in ("duckdb", "chdb"):
        path = rest[2:] if rest.startswith("//") else rest
        return WarehouseUrl(kind, text, path=unquote(path) or None)  # type: ignore[arg-type]
    if kind == "clickhouse":
        return _clickhouse(text, rest, params)
    return _spark(text, rest, params)


def _params(text: str, kind: Kind, query: str) -> dict[str, str]:
    params = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(params) - set(_PARAMS[kind]))
    if unknown:
        valid = ", ".join(_PARAMS[kind]) or "none"
        raise BadWarehouseUrl(url=text, reason=f"unknown option(s) {unknown} (valid: {valid})", example=EXAMPLES[kind])
    return params


def _clickhouse(text: str, rest: str, params: dict[str, str]) -> WarehouseUrl:
    parts = urlsplit("clickhouse:" + rest)
    if not rest.startswith("//") or not parts.hostname:
        raise BadWarehouseUrl(url=text, reason="a host is needed", example=EXAMPLES["clickhouse"])
    secure = params.get("secure", "").lower() in ("1", "true", "yes")
    try:
        port = parts.port or (8443 if secure else 8123)
    except ValueError:
        raise BadWarehouseUrl(url=text, reason="the port is not a number", example=EXAMPLES["clickhouse"]) from None
    database = parts.path.strip("/") or "shopops"
    if "/" in database:
        raise BadWarehouseUrl(url=text, reason="the path names one database", example=EXAMPLES["clickhouse"])
    return WarehouseUrl(
        "clickhouse",
        text,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        database=database,
        secure=secure,
    )


def _spark(text: str, rest: str, params: dict[str, str]) -> WarehouseUrl:
    master = "spark:" + rest if rest.startswith("//") else rest
    if not master or master == "spark://":
        raise BadWarehouseUrl(url=text, reason="a Spark master is needed", example=EXAMPLES["spark"])
    return WarehouseUrl("spark", text, master=master, warehouse_dir=params.get("warehouse") or None)
