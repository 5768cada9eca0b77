"""The dataframe baselines: the morning report's inputs computed by pandas and by polars from the base tables.

What an analyst with a notebook does: load the shop's tables into memory once (not timed), then for each report
build the same fact views the metric layer defines — traffic summed from the sessions with GMV from paid orders
by channel, each buyer's first order over the whole history, products from paid order lines where the product
export has no day — and aggregate the catalog's measures into the same frames. Money is held in cents (exact
integers in float64), so sums agree with the warehouse's decimals to the cent.

Both libraries share the small, pure-Python end (``_frame``: measures → metrics, rows in key order); the data work
— filtering, joining and grouping up to millions of rows — is each library's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from shopops.metrics.catalog import CATALOG, MEASURES, Measure, Metric
from shopops.metrics.drilldown import KEYWORD_METRICS, PRODUCT_METRICS
from shopops.metrics.facts import PAID_SOURCES, UNATTRIBUTED
from shopops.metrics.frame import MetricFrame, Value
from shopops.metrics.pacing import Campaign
from shopops.report.daily import (
    HISTORY_METRICS,
    SOURCE_METRICS,
    ReportInputs,
    base_dates,
    history_start,
)
from shopops.schema import TABLES

# The columns each table is loaded with; money columns (as cents) are listed in MONEY.
COLUMNS: dict[str, tuple[str, ...]] = {
    "traffic_daily": ("date", "source", "visitors", "page_views", "bounce_rate", "paid_buyers", "paid_amount", "favourites", "add_to_cart", "new_visitors", "returning_visitors", "cost"),  # noqa: E501
    "sessions": ("date", "source", "visitor_type", "page_views", "bounce_rate", "purchased"),
    "orders": ("order_id", "paid_time", "buyer_id", "paid_amount", "refund", "channel"),
    "order_lines": ("order_id", "sku", "quantity", "amount"),
    "product_daily": ("date", "sku", "title", "visitors", "buyers", "units", "gmv"),
    "products": ("sku", "title"),
    "ad_keywords": ("date", "keyword", "impressions", "clicks", "cost", "ad_gmv", "orders"),
    "reviews": ("review_time", "rating"),
    "inventory": ("date", "on_hand"),
    "service_daily": ("date", "inquiries", "inquirers_paid"),
    "targets": ("month", "gmv_target"),
    "campaigns": ("name", "platform_event", "start_date", "end_date"),
}  # fmt: skip
MONEY = frozenset(
    (t, c.name) for t, cols in COLUMNS.items() for c in TABLES[t].columns if c.name in cols and c.type == "money"
)
PAID = frozenset(s.lower() for s in PAID_SOURCES)
TRAFFIC = COLUMNS["traffic_daily"][2:]
PRODUCT = ("visitors", "buyers", "units", "gmv")


def load_sql(table: str) -> str:
    """The store's rows of ``table``, money as cents."""
    cols = ", ".join(
        f'CAST("{c}" * 100 AS DOUBLE) AS "{c}"' if (table, c) in MONEY else f'"{c}"' for c in COLUMNS[table]
    )
    return f'SELECT {cols} FROM "{table}" WHERE store_id = $store'


def is_money(fact_table: str, measure: Measure) -> bool:
    table = "traffic_daily" if fact_table == "traffic" else fact_table
    return measure.column is not None and measure.weight is None and (table, measure.column) in MONEY


def cents(x: float) -> Decimal:
    return Decimal(int(round(x))).scaleb(-2)


# ------------------------------------------------------------------------------------------ shared end

Aggregated = dict[tuple, dict[str, Value]]  # (store, *dims) → measure → value


def _metric(m: Metric, v: Mapping[str, Value]) -> Value:
    num = v.get(m.num)
    if m.kind == "simple":
        return num
    den = v.get(m.den)  # type: ignore[arg-type]
    if m.kind == "difference":
        return None if num is None else cast(Value, num - (den or 0))  # type: ignore[operator]
    if num is None or den is None or den == 0:
        return None
    ratio = float(num) / float(den)  # type: ignore[arg-type]
    if m.per_day:
        days = v.get("sales_days")
        return None if days is None else ratio * float(days)  # type: ignore[arg-type]
    return ratio


def _frame(parts: Iterable[Aggregated], metrics: tuple[str, ...], keys: tuple[str, ...]) -> MetricFrame:
    merged: dict[tuple, dict[str, Value]] = {}
    for part in parts:
        for key, values in part.items():
            merged.setdefault(key, {}).update(values)
    order = sorted(merged, key=lambda k: tuple((v is None, v) for v in k))
    rows = tuple((*k, *(_metric(CATALOG[n], merged[k]) for n in metrics)) for k in order)
    return MetricFrame(keys, metrics, rows)


def _by_fact(metrics: Iterable[str]) -> dict[str, list[Measure]]:
    out: dict[str, list[Measure]] = {}
    for name in metrics:
        for measure in CATALOG[name].measures:
            m = MEASURES[measure]
            if m not in out.setdefault(m.fact, []):
                out[m.fact].append(m)
    return out


FACT_TABLES = {"traffic": "traffic", "orders": "orders", "products": "product_daily", "product_dates": "product_daily", "ads": "ad_keywords", "reviews": "reviews", "inventory": "inventory", "service": "service_daily"}  # fmt: skip
ENTITY = {"orders": "buyer_id", "product_dates": "date"}


def build_inputs(
    compute: Callable[[tuple[str, ...], tuple[str, ...], dt.date, dt.date], MetricFrame],
    day: dt.date,
    store: str,
    target: Decimal | None,
    campaigns: tuple[Campaign, ...],
) -> ReportInputs:
    bases = base_dates(day, "prev_day")
    lo = bases[0]
    return ReportInputs(
        date=day,
        store_id=store,
        compare="prev_day",
        base_dates=bases,
        history=compute(HISTORY_METRICS, ("date",), history_start(day), day),
        daily=compute(tuple(CATALOG), ("date",), lo, day),
        window=None,
        sources=compute(SOURCE_METRICS, ("date", "source"), lo, day),
        products=compute(PRODUCT_METRICS, ("date", "sku"), lo, day),
        keywords=compute(KEYWORD_METRICS, ("date", "keyword"), lo, day),
        target=target,
        campaigns=campaigns,
    )


def _campaigns(rows: Iterable[tuple]) -> tuple[Campaign, ...]:
    found = [Campaign(event or name, start, end or start) for name, event, start, end in rows if start is not None]
    return tuple(sorted(found, key=lambda c: (c.start, c.name)))


def _titles(rows: Iterable[tuple[str, str | None]], products: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for source in (rows, products):
        best: dict[str, str] = {}
        for sku, title in source:
            if title is not None and (sku not in best or title > best[sku]):
                best[sku] = title
        out.update(best)
    return out


# ------------------------------------------------------------------------------------------ pandas


class PandasShop:
    """The store's tables as pandas DataFrames, and the report's inputs from them."""

    def __init__(self, con: Any, store: str) -> None:
        import pandas as pd

        self.pd = pd
        self.store = store
        self.t = {name: con.sql(load_sql(name), params={"store": store}).df() for name in COLUMNS}
        for df in self.t.values():
            for col in ("date", "start_date", "end_date"):
                if col in df.columns:
                    df[col] = pd.to_datetime(df[col])

    def inputs(self, day: dt.date) -> ReportInputs:
        targets = self.t["targets"]
        hit = targets[targets.month == day.strftime("%Y-%m")].gmv_target
        target = cents(hit.iloc[0]) if len(hit) and hit.notna().iloc[0] else None
        c = self.t["campaigns"]
        campaigns = _campaigns(
            (n, e if isinstance(e, str) else None, s.date(), None if self.pd.isna(x) else x.date())
            for n, e, s, x in zip(c.name, c.platform_event, c.start_date, c.end_date, strict=True)
            if not self.pd.isna(s)
        ) if target is not None else ()  # fmt: skip
        self._views: dict[str, Any] = {}
        return build_inputs(self._compute, day, self.store, target, campaigns)

    def titles(self, skus: list[str]) -> dict[str, str]:
        pdly, prod = self.t["product_daily"], self.t["products"]
        a = pdly[pdly.sku.isin(skus)]
        b = prod[prod.sku.isin(skus)]
        clean = lambda v: v if isinstance(v, str) else None  # noqa: E731
        return _titles(zip(a.sku, map(clean, a.title), strict=True), zip(b.sku, map(clean, b.title), strict=True))

    # -- fact views over [start, end]

    def _traffic(self, start: dt.date, end: dt.date) -> Any:
        pd = self.pd
        lo, hi = pd.Timestamp(start), pd.Timestamp(end)
        x = self.t["traffic_daily"]
        x = x[(x.date >= lo) & (x.date <= hi)]
        s = self.t["sessions"]
        s = s[(s.date >= lo) & (s.date <= hi)]
        kind = s.visitor_type.str.lower()
        s = s.assign(
            source=s.source.fillna(UNATTRIBUTED),
            _buy=s.purchased.eq(True),
            _new=kind.str.startswith("new", na=False),
            _ret=kind.str.startswith("return", na=False),
        )
        g = s.groupby(["date", "source"], sort=False).agg(
            n=("date", "size"),
            pv=("page_views", "sum"),
            pv_n=("page_views", "count"),
            b=("bounce_rate", "sum"),
            b_n=("bounce_rate", "count"),
            buy=("_buy", "sum"),
            buy_n=("purchased", "count"),
            nv=("_new", "sum"),
            rv=("_ret", "sum"),
            vt_n=("visitor_type", "count"),
        )
        whole = lambda v, k: v.where(g[k] == g.n)  # noqa: E731
        from_sessions = pd.DataFrame(
            {
                "visitors": g.n,
                "page_views": whole(g.pv, "pv_n"),
                "bounce_rate": whole(g.b, "b_n") / g.n,
                "paid_buyers": whole(g.buy, "buy_n"),
                "new_visitors": whole(g.nv, "vt_n"),
                "returning_visitors": whole(g.rv, "vt_n"),
            }
        )
        o = self._paid_orders()
        o = o[(o.date >= lo) & (o.date <= hi)]
        o = o.assign(source=o.channel.fillna(UNATTRIBUTED))
        og = o.groupby(["date", "source"], sort=False).paid_amount.agg(["sum", "count"])
        from_orders = pd.DataFrame({"paid_amount": og["sum"].where(og["count"] > 0)})
        derived = from_sessions.join(from_orders, how="outer").reset_index()
        days = set(from_sessions.index.get_level_values(0)) - set(x.date)
        derived = derived[derived.date.isin(days)]
        view = pd.concat([x, derived], ignore_index=True)
        cost = view.cost.fillna(0)
        return view.assign(
            is_paid=view.source.str.lower().isin(PAID) | (cost > 0),
            has_bounce=view.bounce_rate.notna() & view.visitors.notna(),
            has_pv=view.page_views.notna() & view.visitors.notna(),
            has_buyers=view.paid_buyers.notna() & view.visitors.notna(),
            has_fav=view.favourites.notna() & view.visitors.notna(),
            has_cart=view.add_to_cart.notna() & view.visitors.notna(),
        )

    def _paid_orders(self) -> Any:
        if "paid" not in self._views:
            o = self.t["orders"]
            o = o[o.paid_time.notna()]
            o = o.assign(date=o.paid_time.dt.normalize())
            # Each buyer's first paid order over the whole history: earliest payment, then lowest id.
            ranked = o[o.buyer_id.notna()].sort_values(["buyer_id", "paid_time", "order_id"])
            first = ranked.drop_duplicates("buyer_id").order_id
            has_buyer = o.buyer_id.notna()
            is_first = o.order_id.isin(first) & has_buyer
            self._views["paid"] = o.assign(is_first=is_first, is_repeat=has_buyer & ~is_first)
        return self._views["paid"]

    def _products(self, start: dt.date, end: dt.date) -> Any:
        pd = self.pd
        lo, hi = pd.Timestamp(start), pd.Timestamp(end)
        x = self.t["product_daily"]
        x = x[(x.date >= lo) & (x.date <= hi)][["date", "sku", *PRODUCT]]
        o = self._paid_orders()
        o = o[(o.date >= lo) & (o.date <= hi)][["order_id", "date"]]
        lines = self.t["order_lines"].merge(o, on="order_id")
        lg = lines.groupby(["date", "sku"], dropna=False, sort=False).agg(
            q=("quantity", "sum"), q_n=("quantity", "count"), a=("amount", "sum"), a_n=("amount", "count")
        )
        derived = pd.DataFrame({"units": lg.q.where(lg.q_n > 0), "gmv": lg.a.where(lg.a_n > 0)}).reset_index()
        derived = derived[~derived.date.isin(set(x.date))]
        view = pd.concat([x, derived], ignore_index=True)
        return view.assign(has_units=view.units.notna())

    def _view(self, fact: str, start: dt.date, end: dt.date) -> Any:
        pd = self.pd
        lo, hi = pd.Timestamp(start), pd.Timestamp(end)
        if fact == "traffic":
            return self._traffic(start, end)
        if fact == "orders":
            o = self._paid_orders()
            return o[(o.date >= lo) & (o.date <= hi)]
        if fact in ("products", "product_dates"):
            return self._products(start, end)
        if fact == "reviews":
            r = self.t["reviews"]
            r = r.assign(date=r.review_time.dt.normalize())
            r = r[(r.date >= lo) & (r.date <= hi)]
            return r.assign(has_rating=r.rating.notna(), is_negative=r.rating <= 2)
        df = self.t[FACT_TABLES[fact]]
        return df[(df.date >= lo) & (df.date <= hi)]

    def _compute(self, metrics: tuple[str, ...], dims: tuple[str, ...], start: dt.date, end: dt.date) -> MetricFrame:
        parts = [self._aggregate(f, ms, dims, start, end) for f, ms in _by_fact(metrics).items()]
        return _frame(parts, metrics, ("store_id", *dims))

    def _aggregate(self, fact: str, measures: list[Measure], dims: tuple[str, ...], start: dt.date, end: dt.date):
        view = self._view(fact, start, end)
        cols: dict[str, Any] = {}
        for m in measures:
            if m.agg in ("sum", "last_sum"):
                v = view[m.column].fillna(0) if m.blank_is_zero else view[m.column].astype("float64")
                if m.weight:
                    v = v * view[m.weight]
                cols[f"c_{m.name}"] = v.notna()
                cols[f"s_{m.name}"] = v.where(view[m.where]) if m.where else v
            elif m.agg == "count":
                cols[f"n_{m.name}"] = view[m.where] if m.where else True
        table = view[list(dims)].assign(**cols) if cols else view[list(dims)]
        grouped = table.groupby(list(dims), dropna=False, sort=False)
        sums: Any = grouped.sum(min_count=0) if cols else None
        groups = grouped.size()
        distinct = {}
        for m in measures:
            if m.agg == "distinct":
                entity = ENTITY[fact]
                rows = view[view[m.where]] if m.where else view
                rows = rows[rows[entity].notna()]
                distinct[m.name] = rows.groupby(list(dims), dropna=False, sort=False)[entity].nunique()
        out: Aggregated = {}
        money = {m.name: is_money(FACT_TABLES[fact], m) for m in measures}
        for key in groups.index:
            k = key if isinstance(key, tuple) else (key,)
            values: dict[str, Value] = {}
            for m in measures:
                if m.agg in ("sum", "last_sum"):
                    present, total = sums.at[key, f"c_{m.name}"], sums.at[key, f"s_{m.name}"]
                    values[m.name] = None if not present else (cents(total) if money[m.name] else _number(total))
                elif m.agg == "count":
                    values[m.name] = int(sums.at[key, f"n_{m.name}"])
                else:
                    values[m.name] = int(distinct[m.name].get(key, 0))
            out[(self.store, *(_key(v) for v in k))] = values
        return out


def _number(x: Any) -> Value:
    f = float(x)
    return int(f) if f.is_integer() and abs(f) < 2**53 else f


def _key(v: Any) -> Value:
    if v is None or v != v:  # NaN
        return None
    if hasattr(v, "date") and not isinstance(v, str):
        return v.date()
    return v


# ------------------------------------------------------------------------------------------ polars


class PolarsShop:
    """The store's tables as polars DataFrames, and the report's inputs from them."""

    def __init__(self, con: Any, store: str) -> None:
        import polars as pl

        self.pl = pl
        self.store = store
        self.t = {name: con.sql(load_sql(name), params={"store": store}).pl() for name in COLUMNS}

    def inputs(self, day: dt.date) -> ReportInputs:
        pl = self.pl
        hit = self.t["targets"].filter(pl.col("month") == day.strftime("%Y-%m"))["gmv_target"].to_list()
        target = cents(hit[0]) if hit and hit[0] is not None else None
        campaigns = _campaigns(self.t["campaigns"].iter_rows()) if target is not None else ()
        self._views: dict[str, Any] = {}
        return build_inputs(self._compute, day, self.store, target, campaigns)

    def titles(self, skus: list[str]) -> dict[str, str]:
        pl = self.pl
        a = self.t["product_daily"].filter(pl.col("sku").is_in(skus)).select("sku", "title")
        b = self.t["products"].filter(pl.col("sku").is_in(skus)).select("sku", "title")
        return _titles(a.iter_rows(), b.iter_rows())

    def _paid_orders(self) -> Any:
        pl = self.pl
        if "paid" not in self._views:
            o = (
                self.t["orders"]
                .filter(pl.col("paid_time").is_not_null())
                .with_columns(date=pl.col("paid_time").dt.date())
            )
            # Each buyer's first paid order over the whole history: earliest payment, then lowest id.
            first = pl.col("order_id").sort_by("paid_time", "order_id").first().over("buyer_id")
            has_buyer = pl.col("buyer_id").is_not_null()
            is_first = (pl.col("order_id") == first) & has_buyer
            self._views["paid"] = o.with_columns(is_first=is_first, is_repeat=has_buyer & ~is_first)
        return self._views["paid"]

    def _traffic(self, start: dt.date, end: dt.date) -> Any:
        pl = self.pl
        within = pl.col("date").is_between(start, end)
        x = self.t["traffic_daily"].filter(within)
        s = self.t["sessions"].filter(within)
        kind = pl.col("visitor_type").str.to_lowercase()
        g = (
            s.with_columns(source=pl.col("source").fill_null(UNATTRIBUTED))
            .group_by("date", "source")
            .agg(
                n=pl.len(),
                pv=pl.col("page_views").sum(),
                pv_n=pl.col("page_views").count(),
                b=pl.col("bounce_rate").sum(),
                b_n=pl.col("bounce_rate").count(),
                buy=(pl.col("purchased") == True).sum(),  # noqa: E712
                buy_n=pl.col("purchased").count(),
                nv=kind.str.starts_with("new").fill_null(False).sum(),
                rv=kind.str.starts_with("return").fill_null(False).sum(),
                vt_n=pl.col("visitor_type").count(),
            )
        )
        n = pl.col("n")
        whole = lambda v, k: pl.when(pl.col(k) == n).then(pl.col(v))  # noqa: E731
        from_sessions = g.select(
            "date",
            "source",
            visitors=n.cast(pl.Int64),
            page_views=whole("pv", "pv_n").cast(pl.Int64),
            bounce_rate=whole("b", "b_n") / n.cast(pl.Float64),
            paid_buyers=whole("buy", "buy_n").cast(pl.Int64),
            new_visitors=whole("nv", "vt_n").cast(pl.Int64),
            returning_visitors=whole("rv", "vt_n").cast(pl.Int64),
        )
        from_orders = (
            self._paid_orders()
            .filter(within)
            .with_columns(source=pl.col("channel").fill_null(UNATTRIBUTED))
            .group_by("date", "source")
            .agg(pl.when(pl.col("paid_amount").count() > 0).then(pl.col("paid_amount").sum()).alias("paid_amount"))
        )
        derived = from_sessions.join(from_orders, on=["date", "source"], how="full", coalesce=True)
        derived = derived.filter(
            pl.col("date").is_in(from_sessions["date"].unique().to_list())
            & ~pl.col("date").is_in(x["date"].unique().to_list())
        )
        view = pl.concat([x.select("date", "source", *TRAFFIC), derived], how="diagonal_relaxed")
        present = lambda c: pl.col(c).is_not_null() & pl.col("visitors").is_not_null()  # noqa: E731
        return view.with_columns(
            is_paid=pl.col("source").str.to_lowercase().is_in(list(PAID)) | (pl.col("cost").fill_null(0) > 0),
            has_bounce=present("bounce_rate"),
            has_pv=present("page_views"),
            has_buyers=present("paid_buyers"),
            has_fav=present("favourites"),
            has_cart=present("add_to_cart"),
        )

    def _products(self, start: dt.date, end: dt.date) -> Any:
        pl = self.pl
        within = pl.col("date").is_between(start, end)
        x = self.t["product_daily"].filter(within).select("date", "sku", *PRODUCT)
        o = self._paid_orders().filter(within).select("order_id", "date")
        lines = self.t["order_lines"].join(o, on="order_id")
        derived = lines.group_by("date", "sku").agg(
            units=pl.when(pl.col("quantity").count() > 0).then(pl.col("quantity").sum()),
            gmv=pl.when(pl.col("amount").count() > 0).then(pl.col("amount").sum()),
        )
        derived = derived.filter(~pl.col("date").is_in(x["date"].unique().to_list()))
        view = pl.concat([x, derived], how="diagonal_relaxed")
        return view.with_columns(has_units=pl.col("units").is_not_null())

    def _view(self, fact: str, start: dt.date, end: dt.date) -> Any:
        pl = self.pl
        within = pl.col("date").is_between(start, end)
        if fact == "traffic":
            return self._traffic(start, end)
        if fact == "orders":
            return self._paid_orders().filter(within)
        if fact in ("products", "product_dates"):
            return self._products(start, end)
        if fact == "reviews":
            r = self.t["reviews"].with_columns(date=pl.col("review_time").dt.date()).filter(within)
            return r.with_columns(has_rating=pl.col("rating").is_not_null(), is_negative=pl.col("rating") <= 2)
        return self.t[FACT_TABLES[fact]].filter(within)

    def _compute(self, metrics: tuple[str, ...], dims: tuple[str, ...], start: dt.date, end: dt.date) -> MetricFrame:
        parts = [self._aggregate(f, ms, dims, start, end) for f, ms in _by_fact(metrics).items()]
        return _frame(parts, metrics, ("store_id", *dims))

    def _aggregate(self, fact: str, measures: list[Measure], dims: tuple[str, ...], start: dt.date, end: dt.date):
        pl = self.pl
        view = self._view(fact, start, end)
        aggs = []
        for m in measures:
            where = pl.col(m.where).fill_null(False) if m.where else None
            if m.agg in ("sum", "last_sum"):
                v = pl.col(m.column).cast(pl.Float64)
                v = v.fill_null(0) if m.blank_is_zero else v
                if m.weight:
                    v = v * pl.col(m.weight)
                total = v.filter(where) if where is not None else v
                aggs += [v.count().alias(f"c_{m.name}"), total.sum().alias(f"s_{m.name}")]
            elif m.agg == "count":
                aggs.append((where.sum() if where is not None else pl.len()).alias(f"n_{m.name}"))
            else:
                entity = pl.col(ENTITY[fact])
                kept = entity.is_not_null() if where is None else where & entity.is_not_null()
                aggs.append(entity.filter(kept).n_unique().alias(f"d_{m.name}"))
        rows = view.group_by(list(dims)).agg(aggs)
        money = {m.name: is_money(FACT_TABLES[fact], m) for m in measures}
        out: Aggregated = {}
        for r in rows.iter_rows(named=True):
            values: dict[str, Value] = {}
            for m in measures:
                if m.agg in ("sum", "last_sum"):
                    present, total = r[f"c_{m.name}"], r[f"s_{m.name}"] or 0
                    values[m.name] = None if not present else (cents(total) if money[m.name] else _number(total))
                elif m.agg == "count":
                    values[m.name] = int(r[f"n_{m.name}"])
                else:
                    values[m.name] = int(r[f"d_{m.name}"])
            out[(self.store, *(_key(r[d]) for d in dims))] = values
        return out
