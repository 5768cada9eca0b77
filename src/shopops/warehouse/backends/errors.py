"""What a user can get wrong when choosing a warehouse — each error names the URL and what would be valid."""

from __future__ import annotations

from shopops.errors import ShopopsError, UsageError


class UnknownWarehouseScheme(UsageError):
    en = "unknown warehouse '{url}': the scheme '{scheme}' is not one of {valid}"
    zh = "未知数据仓库 '{url}':'{scheme}' 不是可用的类型之一({valid})"


class BadWarehouseUrl(UsageError):
    en = "warehouse '{url}': {reason}; e.g. {example}"
    zh = "数据仓库 '{url}':{reason};例如 {example}"


class WarehouseUnavailable(ShopopsError):
    """The engine named by the URL cannot be reached or started (not installed, server down, no Java)."""

    exit_code = 4
    en = "warehouse {url} is unavailable: {reason}"
    zh = "数据仓库 {url} 无法使用:{reason}"


class WarehouseBusy(ShopopsError):
    """Embedded ClickHouse (chdb) opens one data folder per process."""

    exit_code = 3
    en = "warehouse {url}: this process already has embedded ClickHouse open at {held}; chdb opens one folder per process"
    zh = "数据仓库 {url}:本进程已打开嵌入式 ClickHouse({held});chdb 每个进程只能打开一个目录"
