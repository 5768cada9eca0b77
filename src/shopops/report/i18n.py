"""The report's words in English and Chinese, and how each unit of value is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from shopops.metrics.catalog import CATALOG

Lang = Literal["en", "zh"]
LANGS: tuple[str, ...] = ("en", "zh")

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Morning report", "运营晨报"),
    "store": ("Store", "店铺"),
    "date": ("Date", "日期"),
    "compare": ("Compared with", "对比"),
    "prev_day": ("the previous day", "前一天"),
    "same_weekday": ("the same weekday last week", "上周同日"),
    "mean_7d": ("the 7-day mean", "近7天日均"),
    "kpis": ("Key figures", "核心指标"),
    "metric": ("Metric", "指标"),
    "today": ("Day", "当日"),
    "base": ("Base", "对比值"),
    "change": ("Change", "变化"),
    "target": ("Target pacing", "目标进度"),
    "no_target": (
        "No target for this month — set one with: shopops target set --month {month} --gmv AMOUNT",
        "本月未设目标 —— 用 shopops target set --month {month} --gmv 金额 设置",
    ),
    "day_target": ("Day target", "当日目标"),
    "day_actual": ("Day GMV", "当日支付金额"),
    "attainment": ("Attainment", "达成率"),
    "mtd": ("Month to date", "月累计"),
    "mtd_target": ("MTD target", "月累计目标"),
    "month_target": ("Month target", "月目标"),
    "needed_per_day": ("Needed per remaining day", "剩余每日需完成"),
    "weight": ("Day's share of month", "当日权重"),
    "event": ("Event", "活动"),
    "close_gap": (
        "To close the day's gap of {gap}: +{visitors} visitors at the day's conversion, or +{pp} pp conversion at the day's traffic.",
        "补齐当日缺口 {gap}:在当日转化率下需多 {visitors} 个访客,或在当日流量下转化率需提高 {pp} 个百分点。",
    ),
    "on_target": ("The day made its share of the target.", "当日已完成目标份额。"),
    "decomposition": ("Where the GMV change came from", "支付金额变化拆解"),
    "source": ("Source", "流量来源"),
    "delta_gmv": ("Δ GMV", "金额变化"),
    "traffic_effect": ("Traffic", "流量影响"),
    "conversion_effect": ("Conversion", "转化影响"),
    "aov_effect": ("客单价 (per buyer)", "客单价影响"),
    "visitors": ("Visitors", "访客数"),
    "cost": ("Paid cost", "推广花费"),
    "total": ("Store total", "全店合计"),
    "decomposition_note": (
        "Effects add up to the change to the cent (Shapley decomposition of visitors × conversion × 客单价).",
        "三项影响之和精确等于变化额(按 访客数 × 转化率 × 客单价 的 Shapley 分解)。",
    ),
    "products": ("Products that moved", "变化最大的商品"),
    "keywords": ("Keywords that moved", "变化最大的关键词"),
    "sku": ("SKU", "商品"),
    "keyword": ("Keyword", "关键词"),
    "gmv": ("GMV", "支付金额"),
    "ad_gmv": ("Ad GMV", "推广成交"),
    "roas": ("ROAS", "投产比"),
    "none": ("none", "无"),
    "weights": ("Daily plan", "日目标分解"),
    "weekday_factor": ("Weekday factor", "星期系数"),
    "event_factor": ("Event factor", "活动系数"),
    "chart_effects": ("GMV change by source", "各来源金额变化拆解"),
    "chart_pacing": ("Month to date vs plan", "月累计 vs 计划"),
    "plan": ("Plan", "计划"),
    "actual": ("Actual", "实际"),
}


def t(key: str, lang: Lang) -> str:
    en, zh = TEXT[key]
    return zh if lang == "zh" else en


def metric_label(name: str, lang: Lang) -> str:
    m = CATALOG[name]
    return m.zh if lang == "zh" else m.en


def fmt_money(v: Decimal | float | None) -> str:
    return "—" if v is None else f"{float(v):,.2f}"


def fmt_value(v: object, unit: str) -> str:
    if v is None:
        return "—"
    if isinstance(v, dt.date):
        return v.isoformat()
    x = float(v)  # type: ignore[arg-type]
    match unit:
        case "money":
            return f"{x:,.2f}"
        case "count":
            return f"{x:,.0f}" if x == int(x) else f"{x:,.1f}"
        case "rate":
            return f"{x * 100:.2f}%"
        case "days":
            return f"{x:,.1f}"
        case _:
            return f"{x:,.2f}"


def fmt_change(value: object, base: object, unit: str) -> str:
    """Rates change in percentage points; everything else in per cent of the base."""
    if value is None or base is None:
        return "—"
    a, b = float(value), float(base)  # type: ignore[arg-type]
    if unit == "rate":
        return f"{(a - b) * 100:+.2f} pp"
    if b == 0:
        return "—"
    return f"{(a - b) / abs(b) * 100:+.1f}%"


def fmt_signed(v: Decimal | None) -> str:
    return "—" if v is None else f"{float(v):+,.2f}"
