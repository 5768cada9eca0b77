"""Write simulated tables as the export files ``shopops import`` reads, plus ``manifest.json``.

``canonical`` writes one CSV per table with canonical column names (all stores in one file). A platform layout
(``sycm``, ``shopify``, ``amazon``) writes the tables that platform exports with its own headers — taken from the
registered import format by reversing its fields (field name = canonical column, first header = the platform's)
— one file per store, and everything else as canonical CSVs beside them. Files are streamed chunk by chunk, so a
year of a 1 M-visitor shop never has to sit in memory.
"""

from __future__ import annotations

import codecs
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from shopops import __version__
from shopops.errors import ShopopsError
from shopops.schema import TABLES
from shopops.simulate.config import SimConfig

log = logging.getLogger(__name__)

# Which tables each platform layout writes in the platform's own format (the rest stay canonical).
PLATFORM_TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "canonical": {},
    "sycm": {
        "traffic_daily": ("sycm:traffic", "sycm_traffic"),
        "product_daily": ("sycm:product", "sycm_product"),
        "ad_keywords": ("ztc:keywords", "ztc_keywords"),
    },
    "shopify": {"orders": ("shopify:orders", "shopify_orders")},
    "amazon": {"ad_keywords": ("amazon:sp_search_terms", "amazon_sp_search_terms")},
}
MAX_FILE_BYTES = 1 << 30  # a file rolls over into <name>_002.csv … past 1 GiB, well under the import cap
ARROW_TYPES = {
    "text": pa.string(),
    "int": pa.int64(),
    "money": pa.float64(),
    "number": pa.float64(),
    "rate": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("s"),
    "bool": pa.bool_(),
}


class FormatNotAvailable(ShopopsError):
    exit_code = 2
    en = "--format {layout} needs the import format '{format}', which this shopops does not have yet; use --format canonical"
    zh = "--format {layout} 需要导入格式 '{format}',当前版本尚未提供;请改用 --format canonical"


@dataclass(frozen=True)
class OutputFile:
    file: str  # relative to the output folder
    table: str
    format: str  # the import format that reads it
    store: str | None  # the store it belongs to when the file itself carries no store column
    rows: int

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Layout:
    name: str  # file name without .csv (a part number is added when the file rolls over)
    format: str
    store: str | None
    columns: tuple[tuple[str, str, str], ...] | None  # (canonical column, header, type); None = canonical as is


class Writer:
    def __init__(self, out: Path, cfg: SimConfig) -> None:
        self.out, self.cfg = out, cfg
        out.mkdir(parents=True, exist_ok=True)
        self._open: dict[str, tuple[pacsv.CSVWriter, Any, _Layout, str, str]] = {}
        self._rows: dict[str, int] = {}
        self._platform = {t: self._platform_columns(t, fmt) for t, (fmt, _) in PLATFORM_TABLES[cfg.format].items()}
        self._held: dict[str, pa.Table] = {}
        self._parts: dict[str, int] = {}
        self._done: list[OutputFile] = []
        self._store_names: dict[str, str] = {}

    def name_store(self, store: str, name: str) -> None:
        self._store_names[store] = name

    def _platform_columns(self, table: str, fmt_name: str) -> tuple[tuple[str, str, str], ...]:
        from shopops.ingest.formats import formats

        fmt = formats().get(fmt_name)
        if fmt is None or table not in fmt.outputs:
            raise FormatNotAvailable(layout=self.cfg.format, format=fmt_name)
        cols = set(SHOPIFY_FIELDS) if fmt_name == "shopify:orders" else set(TABLES[table].by_name)
        return tuple((f.name, f.headers[0], f.type) for f in fmt.fields if f.name in cols)

    def emit(self, table: str, store: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        if self.cfg.format == "shopify" and table in ("orders", "order_lines"):
            # One Shopify row per line item: hold the day's orders until its lines arrive (the engine emits both).
            if table == "orders":
                self._held[store] = data
                return
            table, data = "orders", shopify_rows(self._held.pop(store), data, self._store_names.get(store, store))
        if table in self._platform:
            fmt, stem = PLATFORM_TABLES[self.cfg.format][table]
            layout = _Layout(f"{stem}_{store}", fmt, store, self._platform[table])
        else:
            layout = _Layout(table, f"canonical:{table}", None, None)
        chunk = self._shape(table, data, layout)
        base = layout.name
        if base not in self._open:
            part = self._parts.get(base, 1)
            name = f"{base}.csv" if part == 1 else f"{base}_{part:03d}.csv"
            fh = open(self.out / name, "wb")
            writer = pacsv.CSVWriter(fh, chunk.schema, write_options=pacsv.WriteOptions(quoting_style="needed"))
            self._open[base] = (writer, fh, layout, table, name)
            self._rows[name] = 0
        writer, fh, layout, table, name = self._open[base]
        writer.write_table(chunk)
        self._rows[name] += chunk.num_rows
        if fh.tell() >= MAX_FILE_BYTES:  # roll over: the next chunk starts <name>_002.csv
            self._finish(base)
            self._parts[base] = self._parts.get(base, 1) + 1

    def _shape(self, table: str, data: pa.Table, layout: _Layout) -> pa.Table:
        spec = TABLES[table]
        if layout.columns is None:
            names = [c.name for c in spec.columns if c.name in data.column_names]
            return pa.table({n: data[n].cast(ARROW_TYPES[spec.column(n).type]) for n in names})
        out = {}
        for column, header, type_ in layout.columns:
            if column not in data.column_names:
                continue
            values = data[column].cast(ARROW_TYPES[type_])
            if type_ == "rate" and self.cfg.format == "sycm":  # 生意参谋 shows rates as percentages
                values = pa.array([None if v is None else f"{v * 100:.2f}%" for v in values.to_pylist()], pa.string())
            out[header] = values
        return pa.table(out)

    def _finish(self, base: str) -> None:
        writer, fh, layout, table, name = self._open.pop(base)
        writer.close()
        fh.close()
        if self.cfg.encoding == "gbk":
            _to_gbk(self.out / name)
        self._done.append(OutputFile(name, table, layout.format, layout.store, self._rows[name]))

    def close(self) -> list[OutputFile]:
        for base in list(self._open):
            self._finish(base)
        return sorted(self._done, key=lambda f: f.file)


# Shopify export field (see ingest/formats/shopify.py) ← how to fill it from an order row joined to its line.
SHOPIFY_FIELDS = (
    "name",
    "email",
    "financial_status",
    "paid_at",
    "currency",
    "subtotal",
    "shipping",
    "total",
    "discount_amount",
    "created_at",
    "lineitem_quantity",
    "lineitem_name",
    "lineitem_price",
    "lineitem_sku",
    "lineitem_discount",
    "refunded_amount",
    "vendor",
    "source",
)


def shopify_rows(orders: pa.Table, lines: pa.Table, vendor: str) -> pa.Table:
    """Orders + lines → Shopify export rows: one per line item, order-level fields on the order's first row only."""
    o = orders.to_pydict()
    at = {oid: i for i, oid in enumerate(o["order_id"])}
    li = lines.to_pydict()
    rows: dict[str, list] = {f: [] for f in SHOPIFY_FIELDS}
    for j, oid in enumerate(li["order_id"]):
        i = at[oid]
        first = li["line_no"][j] == "1"

        def head(value, first=first):
            return value if first else None

        refund = o["refund"][i]
        rows["name"].append(f"#{oid}")
        rows["email"].append(f"{o['buyer_id'][i]}@example.com")
        rows["financial_status"].append(head("refunded" if refund else "paid"))
        rows["paid_at"].append(head(o["paid_time"][i]))
        rows["currency"].append(head(o["currency"][i]))
        rows["subtotal"].append(head(round(o["goods_amount"][i] - o["discount"][i], 2)))
        rows["shipping"].append(head(o["postage"][i]))
        rows["total"].append(head(o["paid_amount"][i]))
        rows["discount_amount"].append(head(o["discount"][i]))
        rows["created_at"].append(o["created_time"][i])
        rows["lineitem_quantity"].append(li["quantity"][j])
        rows["lineitem_name"].append(li["title"][j])
        rows["lineitem_price"].append(li["unit_price"][j])
        rows["lineitem_sku"].append(li["sku"][j])
        rows["lineitem_discount"].append(li["discount"][j])
        rows["refunded_amount"].append(head(refund))
        rows["vendor"].append(vendor)
        rows["source"].append("web")
    return pa.table(rows)


def _to_gbk(path: Path) -> None:
    """Re-encode a UTF-8 file as GBK (what 生意参谋 and Excel on Chinese Windows write), streamed."""
    tmp = path.with_suffix(".gbk.part")
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fin, open(tmp, "wb") as fout:
        for block in iter(lambda: fin.read(1 << 20), b""):
            fout.write(decoder.decode(block).encode("gbk"))
        fout.write(decoder.decode(b"", final=True).encode("gbk"))
    tmp.replace(path)


def write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def manifest(cfg: SimConfig, files: list[OutputFile]) -> dict[str, object]:
    return {
        "generator": f"shopops simulate {__version__}",
        "config": {
            "seed": cfg.seed,
            "start": cfg.start.isoformat(),
            "end": cfg.end.isoformat(),
            "days": cfg.days,
            "stores": cfg.stores,
            "products": cfg.products,
            "visitors_per_day": cfg.visitors_per_day,
            "scenarios": None
            if cfg.scenarios is None
            else [
                {"name": r.name, "start": r.start.isoformat() if r.start else None, "days": r.days}
                for r in cfg.scenarios
            ],
            "format": cfg.format,
            "encoding": cfg.encoding,
            "sessions": cfg.sessions,
        },
        "files": [f.to_dict() for f in files],
    }
