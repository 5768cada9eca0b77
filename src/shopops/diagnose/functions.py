"""Built-in rules whose logic does not fit the condition vocabulary, registered through the same registry.

* ``campaign_pull_forward`` — a store campaign lifts the days it runs and then leaves a dip: the dip is the
  campaign's doing, not a new problem.
* ``late_delivery_reviews`` — orders delivered after their promised date and the bad reviews they bring, by
  category and by seller (marketplaces such as Olist).
* ``source_engagement`` — traffic sources whose sessions bounce more and see fewer pages than the site's
  (session exports such as the UCI online shoppers data).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from shopops.diagnose.calendar import WEEKS
from shopops.diagnose.context import DayContext
from shopops.diagnose.model import Evidence, Finding, Severity, SubjectKind
from shopops.diagnose.panel import series
from shopops.diagnose.rules import function_rule
from shopops.diagnose.views.agents import wilson
from shopops.schema.causes import Cause


def _ordinary_expected(ctx: DayContext, values: np.ndarray) -> tuple[float, float] | None:
    """Median and robust spread (log scale) of the same weekday's ordinary days before the campaign season."""
    cal, t = ctx.calendar, ctx.t
    idx = [
        i
        for i in range(max(0, t - 7 * WEEKS), t)
        if cal.events[i] is None and cal.dates[i].weekday() == ctx.day.weekday() and values[i] > 0
    ]
    if len(idx) < 3:
        return None
    logs = np.log(values[idx])
    med = float(np.median(logs))
    return math.exp(med), max(1.4826 * float(np.median(np.abs(logs - med))), 0.05)


@function_rule(
    name="campaign_pull_forward",
    code=Cause.CAMPAIGN_PULL_FORWARD,
    subject="source",
    metric="gmv",
    en="A store campaign lifts sales while it runs, then pulls purchases forward: the dip after it is its doing",
    zh="店铺活动期间拉升销量,之后透支:活动后的低谷源于活动本身",
    source="operator: campaigns (活动) and their effect review; " + "cause signature (schema/causes.py)",
    actions=("review_campaign",),
    evidence=("campaign_id", "campaign_end"),
    params={"dip_days_per_day": 2.0, "min_dip_days": 7, "max_dip_days": 14, "dip_z": -2.0},
)
def campaign_pull_forward(ctx: DayContext, params: Mapping[str, float]) -> list[Finding]:
    rows = ctx.data.campaign_rows
    if not len(rows):
        return []
    own = rows[rows["platform_event"].isna() & rows["start_date"].notna()]
    gmv = series(ctx.data, "store_daily", "gmv")
    if ctx.t >= len(gmv) or not np.isfinite(gmv[ctx.t]):
        return []
    found = []
    for c in own.itertuples(index=False):
        start, end = c.start_date, c.end_date or c.start_date
        length = (end - start).days + 1
        dip = int(min(max(params["dip_days_per_day"] * length, params["min_dip_days"]), params["max_dip_days"]))
        if not start <= ctx.day <= end + dt.timedelta(days=dip):
            continue
        expected = _ordinary_expected(ctx, gmv)
        if expected is None:
            continue
        level, scale = expected
        today = float(gmv[ctx.t])
        z = (math.log(max(today, 1e-9)) - math.log(level)) / scale
        during = ctx.day <= end
        if during:  # good news: the money moved is the uplift
            severity, impact = Severity.INFO, round(abs(today - level), 2)
            en = (
                f"Campaign {c.name} ({c.campaign_id}) runs until {end}: GMV {today:,.2f} against an ordinary "
                f"{level:,.0f} ({today / level - 1:+.0%}); expect a dip for about {dip} days after it."
            )
            zh = (
                f"店铺活动 {c.name}({c.campaign_id})进行中(至 {end}):支付金额 {today:,.2f},平日约 {level:,.0f}"
                f"({today / level - 1:+.0%});活动后约 {dip} 天会有透支低谷。"
            )
        else:
            severity = Severity.WARNING if z <= params["dip_z"] else Severity.INFO
            impact = round(max(level - today, 0.0), 2)
            en = (
                f"GMV {today:,.2f} against an ordinary {level:,.0f} ({today / level - 1:+.0%}), "
                f"{(ctx.day - end).days} days after campaign {c.name} ({c.campaign_id}, {start} … {end}): "
                "the campaign pulled purchases forward."
            )
            zh = (
                f"支付金额 {today:,.2f},平日约 {level:,.0f}({today / level - 1:+.0%}),店铺活动 {c.name}"
                f"({c.campaign_id},{start} … {end})结束后第 {(ctx.day - end).days} 天:活动透支了后续销量。"
            )
        window = [(ctx.calendar.dates[i], gmv[i]) for i in range(max(0, ctx.t - 13), ctx.t + 1)]
        found.append(
            Finding(
                store_id=ctx.store_id,
                date=ctx.day,
                code=Cause.CAMPAIGN_PULL_FORWARD,
                rule="campaign_pull_forward",
                severity=severity,
                subject_kind="source",
                subject=_campaign_source(ctx),
                subject_label=f"{c.name} ({c.campaign_id})",
                metric="gmv",
                value=round(today, 2),
                baseline=round(level, 2),
                en=en,
                zh=zh,
                impact=impact,
                confidence=round(abs(z), 2),
                evidence=(
                    Evidence.of(
                        f"campaign {c.campaign_id}",
                        "campaigns",
                        ("campaign_id", "name", "type", "start_date", "end_date"),
                        [(c.campaign_id, c.name, c.type, start, end)],
                    ),
                    Evidence.of("store GMV, last 14 days", "traffic_daily", ("date", "gmv"), window),
                ),
                facts={
                    "campaign_id": c.campaign_id,
                    "campaign_end": end,
                    "dip_days": dip,
                    "phase": "during" if during else "after",
                },
            )
        )
    return found


def _campaign_source(ctx: DayContext) -> str:
    """The traffic source campaigns bring visitors through, as the export names it ("活动", "campaign")."""
    t = ctx.data.traffic
    names = sorted(set(t.loc[t["kind"] == "campaign", "source"])) if len(t) else []
    return names[0] if names else "campaign"


@function_rule(
    name="late_delivery_reviews",
    code="late_delivery_reviews",
    subject="category",
    metric="late_share",
    en="Orders delivered after their promised date bring bad reviews: which categories and sellers",
    zh="晚于承诺时间送达的订单带来差评:按类目和卖家",
    source="operator: DSR 物流服务 (delivery rating) and bad reviews",
    actions=("fix_late_deliveries",),
    evidence=("late_orders", "late_share", "bad_rate_late", "bad_rate_on_time", "excess_bad_reviews"),
    params={"window_days": 90, "min_orders": 20, "min_excess": 2.0, "z": 2.0, "top": 5},
)
def late_delivery_reviews(ctx: DayContext, params: Mapping[str, float]) -> list[Finding]:
    d = ctx.data.deliveries
    if not len(d):
        return []
    lo = ctx.days_ago(int(params["window_days"]))
    d = d[(d["date"] >= lo) & (d["date"] <= ctx.day) & (d["delivered"] <= ctx.day)]
    orders = d.drop_duplicates("order_id")
    rated = orders[orders["rating"].notna()]
    if len(rated) < params["min_orders"]:
        return []
    late, on_time = rated[rated["late"]], rated[~rated["late"]]
    if len(late) < 5 or len(on_time) < 5:
        return []
    bad_late, bad_on = float((late["rating"] <= 2).mean()), float((on_time["rating"] <= 2).mean())
    lo_late, _ = wilson((late["rating"] <= 2).sum(), len(late))
    _, hi_on = wilson((on_time["rating"] <= 2).sum(), len(on_time))
    if not lo_late > hi_on:  # late orders are not surely reviewed worse: nothing to pin on delivery
        return []
    late_share = len(late) / len(rated)
    pooled = float((rated["rating"] <= 2).mean())
    z = (bad_late - bad_on) / math.sqrt(pooled * (1 - pooled) * (1 / len(late) + 1 / len(on_time)))
    found = [_store_late(ctx, rated, late, bad_late, bad_on, late_share, z)]
    groups: tuple[tuple[SubjectKind, str], ...] = (("category", "category"), ("seller", "seller_id"))
    for kind, col in groups:
        found += _late_groups(ctx, params, d, kind, col, bad_on, late_share)
    return found


def _store_late(ctx, rated, late, bad_late, bad_on, late_share, z) -> Finding:
    excess = len(late) * (bad_late - bad_on)
    return Finding(
        store_id=ctx.store_id,
        date=ctx.day,
        code="late_delivery_reviews",
        rule="late_delivery_reviews",
        severity=Severity.WARNING,
        subject_kind="store",
        subject=ctx.store_id,
        metric="late_share",
        subject_label="carriers and sellers (物流与卖家)",
        value=round(late_share, 4),
        baseline=None,
        en=(
            f"{len(late):,} of {len(rated):,} reviewed orders arrived late ({late_share:.0%}); {bad_late:.0%} of them "
            f"got a bad review against {bad_on:.0%} of on-time orders — about {excess:,.0f} bad reviews come from lateness."
        ),
        zh=(
            f"已评价订单 {len(rated):,} 笔中 {len(late):,} 笔晚于承诺送达({late_share:.0%});其差评率 {bad_late:.0%},"
            f"准时订单为 {bad_on:.0%} —— 约 {excess:,.0f} 条差评源于延迟送达。"
        ),
        confidence=round(z, 2),
        evidence=(
            Evidence.of(
                "reviewed orders by delivery",
                "orders",
                ("delivery", "orders", "bad_reviews", "bad_rate"),
                [
                    ("late", len(late), int((late["rating"] <= 2).sum()), round(bad_late, 4)),
                    (
                        "on time",
                        len(rated) - len(late),
                        int(round(bad_on * (len(rated) - len(late)))),
                        round(bad_on, 4),
                    ),
                ],
            ),
        ),
        facts={"late_orders": len(late), "late_share": round(late_share, 4), "excess_bad_reviews": round(excess, 1)},
    )


def _late_groups(
    ctx, params, d: pd.DataFrame, kind: SubjectKind, col: str, bad_on: float, late_share: float
) -> list[Finding]:
    rows = d[d[col].notna()].drop_duplicates(["order_id", col])
    rows = rows[rows["rating"].notna()]
    if rows.empty:
        return []
    g = rows.groupby(col).agg(
        orders=("order_id", "nunique"),
        late=("late", "sum"),
        bad_late=("rating", lambda r: int(((r <= 2) & rows.loc[r.index, "late"]).sum())),
    )
    g = g[g["orders"] >= params["min_orders"] / 4]
    g["late_share"] = g["late"] / g["orders"]
    g["excess"] = g["bad_late"] - g["late"] * bad_on
    se = np.sqrt(late_share * (1 - late_share) / g["orders"])
    g["z"] = (g["late_share"] - late_share) / se.replace(0, np.nan)
    # every group whose lateness costs bad reviews is named; a late share surely above the store's makes it a warning
    g = g[g["excess"] >= params["min_excess"]].sort_values(["excess", "late"], ascending=False)
    labels = _category_labels(ctx) if kind == "category" else {}
    found = []
    for name, r in g.head(int(params["top"])).iterrows():
        label = labels.get(name, name)
        found.append(
            Finding(
                store_id=ctx.store_id,
                date=ctx.day,
                code="late_delivery_reviews",
                rule="late_delivery_reviews",
                severity=Severity.WARNING if r["z"] >= params["z"] else Severity.INFO,
                subject_kind=kind,
                subject=str(name),
                subject_label=str(label),
                metric="late_share",
                value=round(float(r["late_share"]), 4),
                baseline=round(late_share, 4),
                en=(
                    f"{kind.capitalize()} {label}: {int(r['late'])} of {int(r['orders'])} reviewed orders late "
                    f"({r['late_share']:.0%}, store {late_share:.0%}), {int(r['bad_late'])} of them reviewed ≤ 2 — "
                    f"{r['excess']:.1f} bad reviews more than on-time delivery would bring."
                ),
                zh=(
                    f"{'类目' if kind == 'category' else '卖家'} {label}:已评价订单 {int(r['orders'])} 笔中 {int(r['late'])} 笔延迟"
                    f"({r['late_share']:.0%},全店 {late_share:.0%}),其中 {int(r['bad_late'])} 笔差评 —— 比准时送达多出约 "
                    f"{r['excess']:.1f} 条差评。"
                ),
                impact=None,
                confidence=round(float(r["excess"]), 2),  # ranks groups by the bad reviews they cost
                evidence=(
                    Evidence.of(
                        f"{kind} {label}",
                        "orders",
                        ("orders", "late", "late_share", "bad_late", "excess"),
                        [
                            (
                                int(r["orders"]),
                                int(r["late"]),
                                round(float(r["late_share"]), 4),
                                int(r["bad_late"]),
                                round(float(r["excess"]), 2),
                            )
                        ],
                    ),
                ),
                facts={
                    "late_orders": int(r["late"]),
                    "late_share": float(r["late_share"]),
                    "excess_bad_reviews": float(r["excess"]),
                    "label": str(label),
                },
            )
        )
    return found


def _category_labels(ctx: DayContext) -> dict[str, str]:
    """Category → its English name where the store has one (Olist's categories are Portuguese)."""
    c = ctx.data.categories
    if not len(c):
        return {}
    return {k: f"{v} ({k})" for k, v in zip(c["category"], c["label_en"], strict=True) if isinstance(v, str) and v}


@function_rule(
    name="source_engagement",
    code="source_engagement",
    subject="source",
    metric="bounce_rate",
    en="Traffic sources whose sessions bounce more and see fewer pages than the site's (from session exports)",
    zh="跳出率更高、访问深度更低的流量来源(基于会话数据)",
    source="operator: 跳失率 and 访问深度 depend on the traffic source",
    actions=("review_source_targeting",),
    evidence=("sessions", "pages_per_session", "site_bounce_rate", "site_pages_per_session", "purchase_rate"),
    params={"window_days": 28, "min_sessions": 100, "bounce_factor": 1.3, "pages_factor": 0.8},
)
def source_engagement(ctx: DayContext, params: Mapping[str, float]) -> list[Finding]:
    s = ctx.data.sessions
    if not len(s):
        return []
    dated = s[s["date"].notna()]
    if len(dated):
        lo = ctx.days_ago(int(params["window_days"]) - 1)
        s = dated[(dated["date"] >= lo) & (dated["date"] <= ctx.day)]
        period = f"{lo} … {ctx.day}"
    else:  # a session export without dates (UCI has only month names): judge the whole export
        period = "the whole export"
    if s.empty:
        return []
    g = s.groupby("source").agg(
        sessions=("sessions", "sum"),
        bounce_sum=("bounce_sum", "sum"),
        bounce_n=("bounce_n", "sum"),
        pages=("pages", "sum"),
        purchases=("purchases", "sum"),
    )
    site_bounce = g["bounce_sum"].sum() / max(g["bounce_n"].sum(), 1)
    site_pages = g["pages"].sum() / max(g["sessions"].sum(), 1)
    g["bounce_rate"] = g["bounce_sum"] / g["bounce_n"].clip(lower=1)
    g["pages_per_session"] = g["pages"] / g["sessions"]
    g["purchase_rate"] = g["purchases"] / g["sessions"]
    g["poor_bounce"] = g["bounce_rate"] >= params["bounce_factor"] * site_bounce
    g["poor_depth"] = g["pages_per_session"] <= params["pages_factor"] * site_pages
    poor = g[(g["sessions"] >= params["min_sessions"]) & (g["poor_bounce"] | g["poor_depth"])]
    found = []
    for source, r in poor.sort_values("sessions", ascending=False).iterrows():
        both = bool(r["poor_bounce"] and r["poor_depth"])  # both: a warning; one of the two: worth a look
        found.append(
            Finding(
                store_id=ctx.store_id,
                date=ctx.day,
                code="source_engagement",
                rule="source_engagement",
                severity=Severity.WARNING if both else Severity.INFO,
                subject_kind="source",
                subject=str(source),
                subject_label=f"traffic type {source}",
                metric="bounce_rate",
                value=round(float(r["bounce_rate"]), 4),
                baseline=round(float(site_bounce), 4),
                en=(
                    f"Traffic type {source} ({int(r['sessions']):,} sessions, {period}): bounce {r['bounce_rate']:.1%} "
                    f"against the site's {site_bounce:.1%}, {r['pages_per_session']:.1f} pages a session against "
                    f"{site_pages:.1f}; {r['purchase_rate']:.1%} buy."
                ),
                zh=(
                    f"流量类型 {source}({int(r['sessions']):,} 次会话,{period}):跳出率 {r['bounce_rate']:.1%}(全站 "
                    f"{site_bounce:.1%}),每次会话 {r['pages_per_session']:.1f} 页(全站 {site_pages:.1f});购买率 "
                    f"{r['purchase_rate']:.1%}。"
                ),
                confidence=round(float(r["sessions"]), 0),  # bigger sources first
                evidence=(
                    Evidence.of(
                        f"sessions by traffic type, {period}",
                        "sessions",
                        ("source", "sessions", "bounce_rate", "pages_per_session", "purchase_rate"),
                        [
                            (
                                str(i),
                                int(x["sessions"]),
                                round(float(x["bounce_rate"]), 4),
                                round(float(x["pages_per_session"]), 2),
                                round(float(x["purchase_rate"]), 4),
                            )
                            for i, x in g.sort_values("sessions", ascending=False).iterrows()
                        ],
                    ),
                ),
                facts={
                    "sessions": int(r["sessions"]),
                    "pages_per_session": round(float(r["pages_per_session"]), 4),
                    "site_bounce_rate": round(float(site_bounce), 4),
                    "site_pages_per_session": round(float(site_pages), 4),
                    "purchase_rate": round(float(r["purchase_rate"]), 4),
                },
            )
        )
    return found
