"""Who may read and write what: six roles, a closed list of permissions, and the matrix between them — as data.

The matrix is the one place a permission is decided; ``docs/dashboard.md`` prints it (a test keeps the two equal).
Permissions are checked *after* store isolation (``scope``): a role never reaches a store it was not granted.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"  # the shop owner or agency lead: everything, including accounts
    OPERATOR = "operator"  # 运营: runs the shop day to day
    PROMOTION = "promotion"  # 推广: paid search, affiliates, campaigns
    DESIGN = "design"  # 美工: main images and detail pages
    SERVICE = "service"  # 客服: customer service
    CONTENT = "content"  # 内容: content feed, short video, copy


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.OWNER: ("Owner", "店主/负责人"),
    Role.OPERATOR: ("Operator", "运营"),
    Role.PROMOTION: ("Promotion", "推广"),
    Role.DESIGN: ("Design", "美工"),
    Role.SERVICE: ("Customer service", "客服"),
    Role.CONTENT: ("Content", "内容"),
}


class Permission(StrEnum):
    READ_DASHBOARD = "read_dashboard"  # overview, traffic, products
    READ_DIAGNOSIS = "read_diagnosis"
    READ_TASKS = "read_tasks"
    ASSIGN_TASKS = "assign_tasks"  # assign a task to a role or a person
    COMPLETE_ANY_TASK = "complete_any_task"
    COMPLETE_OWN_TASK = "complete_own_task"  # tasks for the user's role, or assigned to the user
    UPLOAD = "upload"  # import files through the same pipeline as `shopops import`
    DOWNLOAD = "download"  # reports and workbooks
    READ_SETTINGS = "read_settings"  # targets, thresholds, stores
    WRITE_TARGETS = "write_targets"
    WRITE_THRESHOLDS = "write_thresholds"
    WRITE_STORES = "write_stores"  # store names
    MANAGE_WEBHOOKS = "manage_webhooks"  # read and write: webhook URLs can carry tokens
    MANAGE_USERS = "manage_users"


P = Permission
_EVERYONE = frozenset(
    {P.READ_DASHBOARD, P.READ_DIAGNOSIS, P.READ_TASKS, P.COMPLETE_OWN_TASK, P.DOWNLOAD, P.READ_SETTINGS}
)

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.OPERATOR: _EVERYONE
    | {P.ASSIGN_TASKS, P.COMPLETE_ANY_TASK, P.UPLOAD, P.WRITE_TARGETS, P.WRITE_THRESHOLDS, P.MANAGE_WEBHOOKS},
    Role.PROMOTION: _EVERYONE | {P.UPLOAD},  # uploads the 直通车 / 万相台 keyword reports
    Role.DESIGN: _EVERYONE,
    Role.SERVICE: _EVERYONE | {P.UPLOAD},  # uploads service stats and review exports
    Role.CONTENT: _EVERYONE,
}

PERMISSION_TEXT: dict[Permission, tuple[str, str]] = {
    P.READ_DASHBOARD: ("read Overview, Traffic, Products", "查看概览、流量、商品"),
    P.READ_DIAGNOSIS: ("read Diagnosis (findings, evidence)", "查看诊断(问题与证据)"),
    P.READ_TASKS: ("read the task board", "查看任务看板"),
    P.ASSIGN_TASKS: ("assign tasks", "分配任务"),
    P.COMPLETE_ANY_TASK: ("complete any task", "完成任意任务"),
    P.COMPLETE_OWN_TASK: ("complete tasks for their role or assigned to them", "完成本角色或指派给自己的任务"),
    P.UPLOAD: ("upload export files", "上传导出文件"),
    P.DOWNLOAD: ("download reports and workbooks", "下载报告与工作簿"),
    P.READ_SETTINGS: ("read targets, thresholds, stores", "查看目标、阈值、店铺"),
    P.WRITE_TARGETS: ("set monthly targets", "设置月度目标"),
    P.WRITE_THRESHOLDS: ("set health thresholds", "设置健康阈值"),
    P.WRITE_STORES: ("rename stores", "修改店铺名称"),
    P.MANAGE_WEBHOOKS: ("read and write webhooks", "查看和修改 Webhook"),
    P.MANAGE_USERS: ("manage accounts and their stores", "管理账号及其店铺"),
}


def can(role: Role | str, permission: Permission) -> bool:
    return permission in MATRIX[Role(role)]


def matrix_markdown() -> str:
    """The read/write matrix as the Markdown table ``docs/dashboard.md`` carries."""
    roles = list(Role)
    lines = [
        "| permission | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for p in Permission:
        marks = " | ".join("✓" if p in MATRIX[r] else "—" for r in roles)
        en, zh = PERMISSION_TEXT[p]
        lines.append(f"| `{p.value}` — {en} / {zh} | {marks} |")
    return "\n".join(lines) + "\n"
