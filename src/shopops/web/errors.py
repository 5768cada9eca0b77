"""What a dashboard user (or a misconfigured server) can get wrong, as ``ShopopsError``s with an HTTP status.

The API answers every one of them as ``{"ok": false, "error": {...}}`` with ``status``; pages show the sentence.
A store the user was not granted answers exactly like a store that does not exist (``StoreNotFound``), so a
404 never tells whether another agency's shop is in the workspace.
"""

from __future__ import annotations

from typing import ClassVar

from shopops.errors import ShopopsError, UsageError


class WebError(ShopopsError):
    status: ClassVar[int] = 400


class NotAuthenticated(WebError):
    status = 401
    en = "not signed in: sign in first"
    zh = "未登录:请先登录"


class LoginFailed(WebError):
    status = 401
    en = "wrong user name or password"
    zh = "用户名或密码错误"


class Forbidden(WebError):
    status = 403
    en = "your role ({role}) may not {action}"
    zh = "你的角色({role})无权{action}"


class CsrfFailed(WebError):
    status = 403
    en = "missing or wrong CSRF token: reload the page and try again"
    zh = "缺少或错误的 CSRF 令牌:请刷新页面后重试"


class StoreNotFound(WebError):
    status = 404
    en = "no store '{store}'"
    zh = "没有店铺 '{store}'"


class NotFound(WebError):
    status = 404
    en = "no {kind} '{key}'"
    zh = "没有{kind} '{key}'"


class NoData(WebError):
    status = 404
    en = "store '{store}' has no data yet: upload its exports first"
    zh = "店铺 '{store}' 还没有数据:请先上传导出文件"


class RateLimited(WebError):
    status = 429
    en = "too many failed sign-ins: try again in {retry_after} s"
    zh = "登录失败次数过多:请 {retry_after} 秒后再试"


class Conflict(WebError):
    status = 409
    en = "{kind} '{key}' already exists"
    zh = "{kind} '{key}' 已存在"


class DestinationRefused(WebError):
    status = 403
    en = "this server sends nothing to {url}: {reason}"
    zh = "本服务器不会向 {url} 发送:{reason}"


class BadRequest(WebError):
    status = 400
    en = "{field}: {reason}"
    zh = "{field}:{reason}"


class UploadRejected(WebError):
    status = 400
    en = "{file}: {reason}"
    zh = "{file}:{reason_zh}"


class UploadTooLarge(WebError):
    status = 413
    en = "{file}: the upload is over the cap of {cap_mb} MB (setting max_upload_mb)"
    zh = "{file}:上传文件超过上限 {cap_mb} MB(设置项 max_upload_mb)"


class UserExists(UsageError):
    status: ClassVar[int] = 409
    en = "an account '{username}' already exists"
    zh = "账号 '{username}' 已存在"


class BadUserName(UsageError):
    en = "user name '{username}' is not allowed: use 2–40 letters, digits, '.', '_' or '-'"
    zh = "用户名 '{username}' 不合法:请使用 2–40 个字母、数字、'.'、'_' 或 '-'"


class WeakPassword(UsageError):
    en = "the password is too short: use at least {minimum} characters"
    zh = "密码太短:至少 {minimum} 个字符"


class UnknownRole(UsageError):
    en = "unknown role '{role}'; valid roles: {valid}"
    zh = "未知角色 '{role}';可用角色:{valid}"


class BadSecret(UsageError):
    en = "{path}: {reason} — run 'shopops init' to generate a secret"
    zh = "{path}:{reason_zh} —— 请运行 'shopops init' 生成密钥"


class ConfigExists(UsageError):
    en = "{path} already exists (its secret is kept); pass --force to generate a new one (signs everyone out)"
    zh = "{path} 已存在(保留原密钥);加 --force 重新生成(所有人需重新登录)"


class BadSetting(UsageError):
    en = "setting {name}={value!r}: {reason}; valid settings: {valid}"
    zh = "设置 {name}={value!r} 有误:{reason};可用设置:{valid}"
