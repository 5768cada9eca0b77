"""Simulate: plan → run each store day by day → write the files, ``truth.json`` and ``manifest.json``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from shopops.simulate.catalog import launch_date
from shopops.simulate.config import SimConfig
from shopops.simulate.engine import Books, StoreRun
from shopops.simulate.plan import Plan, StorePlan, make_plan
from shopops.simulate.scenarios import Event
from shopops.simulate.writer import OutputFile, Writer, manifest, write_json

log = logging.getLogger(__name__)

TRUTH = "truth.json"
CAMPAIGNS = pa.schema(
    [
        ("store_id", pa.string()),
        ("campaign_id", pa.string()),
        ("name", pa.string()),
        ("platform_event", pa.string()),
        ("type", pa.string()),
        ("registration_status", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("budget", pa.float64()),
    ]
)
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class SimResult:
    config: SimConfig
    out: Path
    events: tuple[Event, ...]
    files: tuple[OutputFile, ...]
    books: Mapping[str, Books]  # store → the simulator's own ledger
    plan: Plan


def simulate(cfg: SimConfig, out: str | Path, progress: Callable[[int, int], None] | None = None) -> SimResult:
    out = Path(out)
    plan = make_plan(cfg)
    writer = Writer(out, cfg)
    books = {}
    total = cfg.days * len(plan.stores)
    done = 0
    for sp in plan.stores:
        run = StoreRun(sp, cfg)
        store = sp.shop.store_id
        writer.name_store(store, sp.shop.name)

        def emit(table: str, data: pa.Table, store: str = store) -> None:
            writer.emit(table, store, data)

        for d in range(cfg.days):
            run.day(d, emit)
            done += 1
            if progress:
                progress(done, total)
        for table, data in static_tables(sp, run, cfg):
            emit(table, data)
        books[store] = run.books
    files = writer.close()
    truth = sorted((e.to_dict() for e in plan.events), key=lambda e: (e["start"], e["store"], e["scenario"]))
    write_json(out / TRUTH, truth)
    write_json(out / MANIFEST, manifest(cfg, files))
    log.info("simulated %s store(s) × %s days into %s (%s files)", cfg.stores, cfg.days, out, len(files))
    return SimResult(cfg, out, plan.events, tuple(files), books, plan)


def static_tables(sp: StorePlan, run: StoreRun, cfg: SimConfig) -> Iterator[tuple[str, pa.Table]]:
    """Tables that are one snapshot per store, taken at the end of the period."""
    shop, p = sp.shop, sp.shop.products
    zh = shop.lang == "zh"
    sid = shop.store_id
    yield (
        "stores",
        pa.table(
            {
                "store_id": [sid],
                "name": [shop.name],
                "platform": [shop.platform],
                "currency": [shop.currency],
                "timezone": ["Asia/Shanghai" if zh else "America/New_York"],
            }
        ),
    )
    cats = shop.theme.categories
    yield (
        "categories",
        pa.table(
            {
                "store_id": [sid] * len(cats),
                "category": shop.category_names,
                "label_en": [c.en for c in cats],
                "label_zh": [c.zh for c in cats],
            }
        ),
    )
    live = np.flatnonzero(p.launch < cfg.days)
    names = np.array(shop.category_names, dtype=object)
    yield (
        "products",
        pa.table(
            {
                "store_id": [sid] * len(live),
                "sku": p.sku[live],
                "title": p.title[live],
                "category": names[p.category[live]],
                "price": p.price[live] / 100.0,
                "cost": p.cost[live] / 100.0,
                "launch_date": pa.array([launch_date(cfg.start, int(x)) for x in p.launch[live]], pa.date32()),
                "status": ["在售" if zh else "active"] * len(live),
                "main_image_hash": run.image[live],
                "has_video": p.has_video[live],
                "white_bg_image": p.white_bg[live],
            }
        ),
    )
    records: list[dict[str, Any]] = []
    for ev, year, first, last in sp.exp.calendar.events():
        if last < cfg.start or first > cfg.end:
            continue
        records.append(
            {
                "campaign_id": f"{ev.code}-{year}",
                "name": ev.zh if zh else ev.en,
                "platform_event": ev.code,
                "type": "平台大促" if zh else "platform event",
                "registration_status": "已报名" if zh else "registered",
                "start_date": first,
                "end_date": last,
                "budget": None,
            }
        )
    for c in sp.effects.campaigns:
        records.append(
            {
                "campaign_id": c.campaign_id,
                "name": "店铺周年庆" if zh else "Store anniversary sale",
                "platform_event": None,
                "type": "店铺活动" if zh else "store promotion",
                "registration_status": "自主活动" if zh else "own",
                "start_date": launch_date(cfg.start, c.first),
                "end_date": launch_date(cfg.start, c.last),
                "budget": float(round(sp.exp.gmv[sp.exp.offset + c.first].sum() * 0.05 / 100, -2)),
            }
        )
    if records:
        yield "campaigns", pa.Table.from_pylist([{"store_id": sid, **r} for r in records], schema=CAMPAIGNS)
    yield (
        "targets",
        pa.table(
            {
                "store_id": [sid] * len(sp.targets),
                "month": [m for m, _ in sp.targets],
                "gmv_target": [t / 100.0 for _, t in sp.targets],
            }
        ),
    )
