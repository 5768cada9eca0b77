"""What a user can get wrong when asking for a diagnosis or overriding thresholds."""

from __future__ import annotations

from shopops.errors import UsageError


class UnknownRule(UsageError):
    en = "{file}: unknown rule '{name}'; valid rules: {valid} (see 'shopops diagnose rules')"
    zh = "{file}:未知规则 '{name}';可用规则:{valid}(见 'shopops diagnose rules')"


class UnknownParam(UsageError):
    en = "{file}: rule '{rule}' has no param '{name}'; valid params: {valid}"
    zh = "{file}:规则 '{rule}' 没有参数 '{name}';可用参数:{valid}"


class BadThresholds(UsageError):
    en = "{file}: {reason}"
    zh = "{file}:{reason}"


class NoDataOnDate(UsageError):
    en = "store '{store}' has no data on {date}; days with data: {first} … {last}"
    zh = "店铺 '{store}' 在 {date} 没有数据;有数据的日期:{first} … {last}"
