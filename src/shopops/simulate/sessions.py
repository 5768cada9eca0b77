"""Visitor-level session rows for one store-day, drawn to match that day's traffic_daily exactly.

Per source: exactly ``visitors`` sessions, of which exactly ``bounced`` view one page, the rest view two pages plus
a share of the day's extra page views (so the pages add up to ``page_views``), exactly ``returning`` are returning
visitors and exactly ``paid_buyers`` of the non-bounced sessions purchase. Only used in scale mode (``--sessions``),
where a 1 M-visitor day is one vectorised draw.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SCHEMA = pa.schema(
    [
        ("store_id", pa.string()),
        ("session_id", pa.string()),
        ("date", pa.date32()),
        ("month", pa.int64()),
        ("source", pa.string()),
        ("visitor_type", pa.string()),
        ("page_views", pa.int64()),
        ("duration_seconds", pa.float64()),
        ("bounce_rate", pa.float64()),
        ("exit_rate", pa.float64()),
        ("purchased", pa.bool_()),
        ("weekend", pa.bool_()),
    ]
)


def _exact(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A boolean mask of length n with exactly k True, at random places."""
    mask = np.zeros(n, dtype=bool)
    if k:
        mask[rng.choice(n, k, replace=False)] = True
    return mask


def session_table(
    rng: np.random.Generator,
    store_id: str,
    day: date,
    names: tuple[str, ...],
    visitors: np.ndarray,
    bounced: np.ndarray,
    page_views: np.ndarray,
    returning: np.ndarray,
    buyers: np.ndarray,
) -> pa.Table:
    parts_src, parts_pages, parts_ret, parts_buy = [], [], [], []
    for s, n in enumerate(visitors):
        n = int(n)
        if n == 0:
            continue
        b = _exact(rng, n, int(bounced[s]))
        stay = np.flatnonzero(~b)
        pages = np.ones(n, dtype=np.int64)
        if len(stay):
            extra = int(page_views[s]) - n - len(stay)
            pages[stay] = 2 + rng.multinomial(extra, np.full(len(stay), 1 / len(stay)))
        bought = np.zeros(n, dtype=bool)
        bought[stay[_exact(rng, len(stay), int(buyers[s]))]] = True
        parts_src.append(np.full(n, s))
        parts_pages.append(pages)
        parts_ret.append(_exact(rng, n, int(returning[s])))
        parts_buy.append(bought)
    src = np.concatenate(parts_src) if parts_src else np.zeros(0, dtype=np.int64)
    pages = np.concatenate(parts_pages) if parts_pages else np.zeros(0, dtype=np.int64)
    ret = np.concatenate(parts_ret) if parts_ret else np.zeros(0, dtype=bool)
    bought = np.concatenate(parts_buy) if parts_buy else np.zeros(0, dtype=bool)
    n = len(src)
    one = pages == 1
    duration = np.where(one, rng.uniform(3, 40, n), pages * rng.lognormal(np.log(40), 0.6, n))
    seq = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), 7, "0")
    ids = pc.binary_join_element_wise(f"{store_id}-{day.strftime('%Y%m%d')}-", seq, "")
    return pa.table(
        {
            "store_id": pa.repeat(pa.scalar(store_id, pa.string()), n),
            "session_id": ids,
            "date": pa.repeat(pa.scalar(day, pa.date32()), n),
            "month": pa.repeat(pa.scalar(day.month, pa.int64()), n),
            "source": pa.array(names, pa.string()).take(pa.array(src)),
            "visitor_type": pa.array(["new", "returning"], pa.string()).take(pa.array(ret.astype(np.int8))),
            "page_views": pa.array(pages, pa.int64()),
            "duration_seconds": pa.array(np.round(duration, 1), pa.float64()),
            "bounce_rate": pa.array(one.astype(float), pa.float64()),
            "exit_rate": pa.array(np.round(1 / pages, 4), pa.float64()),
            "purchased": pa.array(bought, pa.bool_()),
            "weekend": pa.repeat(pa.scalar(day.weekday() >= 5, pa.bool_()), n),
        },
        schema=SCHEMA,
    )
