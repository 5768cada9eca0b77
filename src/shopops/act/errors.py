"""What a user can get wrong with tasks: each error names the value and lists the valid ones."""

from __future__ import annotations

from shopops.errors import UsageError


class UnknownTask(UsageError):
    en = "no task with id '{id}'; some task ids: {valid} (see 'shopops tasks list')"
    zh = "没有 id 为 '{id}' 的任务;部分任务 id:{valid}(见 'shopops tasks list')"


class UnknownRole(UsageError):
    en = "unknown role '{role}'; valid roles: {valid}"
    zh = "未知角色 '{role}';可用角色:{valid}"


class UnknownStatus(UsageError):
    en = "unknown status '{status}'; valid statuses: {valid}"
    zh = "未知状态 '{status}';可用状态:{valid}"
