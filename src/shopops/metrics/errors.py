"""What a user can get wrong when asking for metrics, targets or a report — each error names the value and the valid ones."""

from __future__ import annotations

from shopops.errors import UsageError


class UnknownMetric(UsageError):
    en = "unknown metric '{name}'; valid metrics: {valid} (see 'shopops metrics list')"
    zh = "未知指标 '{name}';可用指标:{valid}(见 'shopops metrics list')"


class UnknownGrain(UsageError):
    en = "metric(s) {metrics} cannot be grouped by '{grain}'; valid grains for them: {valid}"
    zh = "指标 {metrics} 不能按 '{grain}' 分组;可用粒度:{valid}"


class UnknownCompare(UsageError):
    en = "unknown comparison '{name}'; valid comparisons: {valid}"
    zh = "未知对比方式 '{name}';可用:{valid}"


class BadMonth(UsageError):
    en = "month '{value}' is not of the form YYYY-MM (e.g. 2024-06)"
    zh = "月份 '{value}' 格式不对,应为 YYYY-MM(如 2024-06)"


class BadDate(UsageError):
    en = "date '{value}' is not of the form YYYY-MM-DD (e.g. 2024-06-18)"
    zh = "日期 '{value}' 格式不对,应为 YYYY-MM-DD(如 2024-06-18)"


class BadAmount(UsageError):
    en = "amount '{value}' is not a non-negative number (e.g. 1200000 or 1200000.50)"
    zh = "金额 '{value}' 不是非负数(如 1200000 或 1200000.50)"


class UnknownStore(UsageError):
    en = "unknown store '{store}'; stores in this workspace: {valid}"
    zh = "未知店铺 '{store}';工作区中的店铺:{valid}"


class StoreRequired(UsageError):
    en = "this workspace holds several stores; choose one with --store: {valid}"
    zh = "工作区中有多个店铺,请用 --store 指定其一:{valid}"


class NoStores(UsageError):
    en = "the workspace holds no store yet: import data first (shopops import FILE) or pass --store ID"
    zh = "工作区中还没有店铺:请先导入数据(shopops import 文件)或用 --store 指定"


class NoTrafficData(UsageError):
    en = "store '{store}' has no traffic_daily rows on {date}; days with data: {first} … {last}"
    zh = "店铺 '{store}' 在 {date} 没有流量日报数据;有数据的日期:{first} … {last}"


class UnknownOutputFormat(UsageError):
    en = "unknown report format '{name}'; valid formats: {valid}"
    zh = "未知报告格式 '{name}';可用格式:{valid}"
