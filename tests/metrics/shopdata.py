"""A small, deterministic two-store shop written as canonical CSVs — with the awkward cases metrics must survive.

Store s1 has every table; s2 exports no favourites, bounce rates or ads, and snapshots stock weekly. Sources
appear and disappear (活动 from 2024-05-20), a paid source has a day with no visitors, some orders are unpaid,
buyers come back, ratings are sometimes missing. Oracles read these CSVs with pandas, never the warehouse.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

START = dt.date(2024, 4, 1)
END = dt.date(2024, 6, 10)
DAYS = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
SOURCES = {
    "s1": {"手淘搜索": 900, "直通车": 300, "猜你喜欢": 500, "淘宝客": 120, "我的淘宝": 200, "活动": 400},
    "s2": {"search": 400, "paid search": 150, "direct": 100},
}
TABLE_ORDER = (
    "traffic_daily",
    "orders",
    "product_daily",
    "ad_keywords",
    "reviews",
    "inventory",
    "targets",
    "service_daily",
)


def _money(x: float) -> float:
    return round(float(x), 2)


def build_frames(seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    traffic, orders, products, ads, reviews, stock = [], [], [], [], [], []
    for store, sources in SOURCES.items():
        buyers_pool = [f"{store}-b{i:03d}" for i in range(60)]
        order_no = 0
        for day in DAYS:
            wd = 1.0 + 0.25 * (day.weekday() >= 5)
            for source, base in sources.items():
                if source == "活动" and day < dt.date(2024, 5, 20):
                    continue  # a campaign source that appears
                uv = int(rng.poisson(base * wd))
                if source in ("直通车", "paid search") and day == dt.date(2024, 5, 1):
                    uv = 0  # ads paused: zero visitors, zero buyers
                buyers = int(rng.binomial(uv, 0.03 + 0.02 * rng.random())) if uv else 0
                paid = source in ("直通车", "淘宝客", "paid search")
                traffic.append(
                    {
                        "store_id": store,
                        "date": day.isoformat(),
                        "source": source,
                        "visitors": uv,
                        "page_views": int(uv * (2 + 2 * rng.random())),
                        "bounce_rate": None
                        if store == "s2" or rng.random() < 0.05
                        else round(rng.uniform(0.3, 0.8), 4),
                        "new_visitors": int(uv * 0.6),
                        "returning_visitors": uv - int(uv * 0.6),
                        "paid_buyers": buyers,
                        "paid_amount": _money(buyers * rng.uniform(60, 140)),
                        "favourites": None if store == "s2" else int(uv * rng.uniform(0.02, 0.08)),
                        "add_to_cart": int(uv * rng.uniform(0.05, 0.12)),
                        "cost": _money(uv * rng.uniform(0.5, 1.5)) if paid else None,
                    }
                )
            for _ in range(int(rng.integers(3, 12))):
                order_no += 1
                t = dt.datetime.combine(day, dt.time(int(rng.integers(0, 24)), int(rng.integers(0, 60))))
                unpaid = rng.random() < 0.1
                amount = _money(rng.uniform(30, 300))
                orders.append(
                    {
                        "store_id": store,
                        "order_id": f"{store}-o{order_no:05d}",
                        "created_time": t.isoformat(sep=" "),
                        "paid_time": None if unpaid else (t + dt.timedelta(minutes=3)).isoformat(sep=" "),
                        "buyer_id": None if rng.random() < 0.03 else str(rng.choice(buyers_pool)),
                        "paid_amount": amount,
                        "refund": _money(amount * 0.5) if rng.random() < 0.08 else None,
                    }
                )
            for k in range(4):
                if rng.random() < 0.1:
                    continue  # a SKU missing from the day's export
                uv = int(rng.poisson(150))
                units = int(rng.poisson(6))
                products.append(
                    {
                        "store_id": store,
                        "date": day.isoformat(),
                        "sku": f"{store}-sku{k}",
                        "visitors": uv,
                        "buyers": max(units - 1, 0),
                        "units": None if rng.random() < 0.05 else units,
                        "gmv": _money(units * rng.uniform(40, 120)),
                    }
                )
                if store == "s1" or day.weekday() == 0:
                    stock.append(
                        {
                            "store_id": store,
                            "date": day.isoformat(),
                            "sku": f"{store}-sku{k}",
                            "warehouse": "main",
                            "on_hand": int(rng.integers(0, 400)),
                        }
                    )
            if store == "s1":
                for campaign in ("日常推广", "新品"):
                    for i, kw in enumerate(("连衣裙", "夏季连衣裙", "碎花裙")):
                        impressions = int(rng.poisson(2000))
                        clicks = int(rng.binomial(impressions, 0.03))
                        ads.append(
                            {
                                "store_id": store,
                                "date": day.isoformat(),
                                "campaign": campaign,
                                "ad_group": "g1",
                                "keyword": kw,
                                "match_type": "广泛",
                                "search_term": kw,
                                "sku": f"s1-sku{i}",
                                "impressions": impressions,
                                "clicks": clicks,
                                "cost": _money(clicks * rng.uniform(0.8, 2.0)),
                                "orders": int(rng.binomial(clicks, 0.05)),
                                "ad_gmv": _money(clicks * rng.uniform(0, 6)),
                            }
                        )
            for r in range(int(rng.integers(0, 5))):
                reviews.append(
                    {
                        "store_id": store,
                        "review_id": f"{store}-{day:%Y%m%d}-{r}",
                        "sku": f"{store}-sku{int(rng.integers(0, 4))}",
                        "rating": None
                        if rng.random() < 0.1
                        else int(rng.choice([1, 2, 3, 4, 5], p=[0.08, 0.07, 0.1, 0.25, 0.5])),
                        "text": "好评" if rng.random() < 0.7 else "一般",
                        "review_time": f"{day.isoformat()} 12:00:00",
                    }
                )
    targets = pd.DataFrame(
        [
            {"store_id": "s1", "month": "2024-06", "gmv_target": 2_400_000.00},
            {"store_id": "s2", "month": "2024-06", "gmv_target": 400_000.00},
        ]
    )
    return {
        "service_daily": _service(seed),
        "traffic_daily": pd.DataFrame(traffic),
        "orders": pd.DataFrame(orders),
        "product_daily": pd.DataFrame(products),
        "ad_keywords": pd.DataFrame(ads),
        "reviews": pd.DataFrame(reviews),
        "inventory": pd.DataFrame(stock),
        "targets": targets,
    }


def _service(seed: int) -> pd.DataFrame:
    """客服 stats for s1 only (s2 exports none), two agents, one day with no inquiries; its own random stream."""
    rng = np.random.default_rng(seed + 1000)
    rows = []
    for day in DAYS:
        for agent in ("小美", "阿杰"):
            asked = 0 if day == dt.date(2024, 5, 1) else int(rng.poisson(40))
            rows.append(
                {
                    "store_id": "s1",
                    "date": day.isoformat(),
                    "agent": agent,
                    "inquiries": asked,
                    "inquirers_paid": int(rng.binomial(asked, 0.35)) if asked else 0,
                    "paid_amount": _money(rng.random() * 5000),
                }
            )
    return pd.DataFrame(rows)


def write_csvs(folder: Path, frames: dict[str, pd.DataFrame] | None = None) -> dict[str, Path]:
    frames = frames or build_frames()
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in TABLE_ORDER:
        path = folder / f"{name}.csv"
        frames[name].to_csv(path, index=False)
        paths[name] = path
    return paths


def import_csvs(ws, paths: dict[str, Path]) -> None:
    from shopops.warehouse import import_file

    for name in TABLE_ORDER:
        import_file(ws, paths[name], format_name=f"canonical:{name}")


def insert_csvs(ws, paths: dict[str, Path]) -> None:
    """Load the CSVs straight into the canonical tables (DuckDB casts on insert) — no dependence on ingest."""
    for name in TABLE_ORDER:
        ws.con.execute(
            f"INSERT INTO {name} BY NAME SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [str(paths[name])],
        )
    ws.con.execute("INSERT INTO stores (store_id, name) SELECT DISTINCT store_id, store_id FROM traffic_daily")


def read_csvs(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """The CSVs as the oracles see them: dates parsed, nothing else touched."""
    out = {}
    for name, path in paths.items():
        df = pd.read_csv(path, dtype={"store_id": str})
        for col in ("date",):
            if col in df:
                df[col] = pd.to_datetime(df[col]).dt.date
        for col in ("paid_time", "created_time", "review_time"):
            if col in df:
                df[col] = pd.to_datetime(df[col])
        out[name] = df
    return out
