"""One error tree for everything a user can get wrong.

Every error keeps its inputs as attributes (file, row, column, value …) and renders one clear sentence in English
or Chinese. The CLI maps an error to its ``exit_code`` and prints that sentence; the API will map it to
``{"ok": false, "error": …}``. Nothing here ever shows a traceback for bad input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

Lang = Literal["en", "zh"]


def current_lang() -> Lang:
    """The language for messages: ``SHOPOPS_LANG`` (en|zh), defaulting to English."""
    return "zh" if os.environ.get("SHOPOPS_LANG", "").lower().startswith("zh") else "en"


class ShopopsError(Exception):
    """Base of every error shopops raises on purpose.

    Subclasses set ``en`` / ``zh`` templates that are formatted with the error's attributes.
    """

    exit_code: ClassVar[int] = 1
    en: ClassVar[str] = "{detail}"
    zh: ClassVar[str] = "{detail}"

    def __init__(self, **attrs: Any) -> None:
        self.attrs = attrs
        for key, value in attrs.items():
            setattr(self, key, value)
        super().__init__(self.message("en"))

    def message(self, lang: Lang | None = None) -> str:
        template = self.zh if (lang or current_lang()) == "zh" else self.en
        try:
            return template.format(**self.attrs)
        except (KeyError, IndexError, ValueError):
            # A raise site that forgot an attribute must still produce the error, not a KeyError.
            return f"{template} {self.attrs}"

    def to_dict(self) -> dict[str, Any]:
        payload = {k: v for k, v in self.attrs.items() if _jsonable(v)}
        return {"type": type(self).__name__, "message": self.message(), **payload}


def _jsonable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | type(None) | list | tuple | dict)


# ---------------------------------------------------------------- usage and workspace


class UsageError(ShopopsError):
    exit_code = 2


class WorkspaceBusy(ShopopsError):
    """Another process holds the DuckDB file read-write."""

    exit_code = 3
    en = "workspace busy (held by PID {pid}): {path} — wait for it to finish or stop it"
    zh = "工作区正被占用(进程 PID {pid}):{path} —— 请等待其结束或停止该进程"


class WorkspaceMissing(ShopopsError):
    exit_code = 2
    en = "no workspace at {path}: import a file first (shopops import FILE) or pass --workspace DIR"
    zh = "{path} 下没有工作区:请先导入文件(shopops import 文件)或用 --workspace 指定目录"


# ---------------------------------------------------------------- input files


class InputError(ShopopsError):
    """A file cannot be imported. Nothing of it was loaded."""

    exit_code = 2


class FileMissing(InputError):
    en = "{file}: no such file"
    zh = "{file}:文件不存在"


class EmptyFile(InputError):
    en = "{file}: the file is empty (0 bytes)"
    zh = "{file}:文件为空(0 字节)"


class FileTooLarge(InputError):
    en = "{file}: {size_mb:.0f} MB is over the size cap of {cap_mb:.0f} MB (set SHOPOPS_MAX_FILE_MB to raise it)"
    zh = "{file}:文件 {size_mb:.0f} MB 超过上限 {cap_mb:.0f} MB(可设置 SHOPOPS_MAX_FILE_MB 调整)"


class UndecodableFile(InputError):
    en = (
        "{file}: cannot decode the text at byte {offset} (bytes {snippet}); "
        "valid encodings are UTF-8 (with or without BOM) and GBK/GB18030"
    )
    zh = "{file}:第 {offset} 字节处无法解码(字节 {snippet});支持的编码为 UTF-8(可带 BOM)和 GBK/GB18030"


class CorruptWorkbook(InputError):
    en = "{file}: not a readable .xlsx workbook ({reason}); re-export it from the platform"
    zh = "{file}:不是可读取的 .xlsx 工作簿({reason});请从平台重新导出"


class WorkbookTooLarge(InputError):
    en = (
        "{file}: the workbook unpacks to {unpacked_mb:.0f} MB (ratio {ratio:.0f}:1), over the cap of "
        "{cap_mb:.0f} MB — refused as a possible zip bomb"
    )
    zh = "{file}:工作簿解压后 {unpacked_mb:.0f} MB(压缩比 {ratio:.0f}:1),超过上限 {cap_mb:.0f} MB,疑似压缩炸弹,已拒绝"


class UnsupportedFileType(InputError):
    en = "{file}: unsupported file type '{suffix}'; valid types are {valid}"
    zh = "{file}:不支持的文件类型 '{suffix}';支持 {valid}"


class NoHeader(InputError):
    en = "{file}: found no header row in the first {scanned} rows; recognised headers are listed by 'shopops formats'"
    zh = "{file}:前 {scanned} 行中找不到表头;可识别的表头见 'shopops formats'"


class DuplicateHeaders(InputError):
    en = "{file}: duplicate column headers {duplicates} (row {row}); each column must be named once"
    zh = "{file}:第 {row} 行表头重复 {duplicates};每列只能出现一次"


class UnknownFormat(InputError):
    en = "{file}: no known format has these headers {headers}; valid formats: {valid} (see 'shopops formats')"
    zh = "{file}:没有与表头 {headers} 匹配的格式;可用格式:{valid}(见 'shopops formats')"


class UnknownFormatName(InputError):
    en = "unknown format '{name}'; valid formats: {valid}"
    zh = "未知格式 '{name}';可用格式:{valid}"


class AmbiguousFormat(InputError):
    en = "{file}: the headers fit several formats {candidates}; choose one with --format"
    zh = "{file}:表头同时符合多个格式 {candidates};请用 --format 指定"


class MissingColumns(InputError):
    en = "{file}: format '{format}' needs column(s) {missing} (accepted headers: {accepted}); found {found}"
    zh = "{file}:格式 '{format}' 缺少列 {missing}(可用表头:{accepted});文件中为 {found}"


@dataclass(frozen=True)
class Problem:
    """One bad value: where it is, what it is, and what was expected."""

    row: int | None
    column: str | None
    value: str | None
    expected: str
    expected_zh: str | None = None  # the same in Chinese (English when none was written)

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        expected = self.expected_zh if lang == "zh" and self.expected_zh else self.expected
        return {"row": self.row, "column": self.column, "value": self.value, "expected": expected}

    def render(self, lang: Lang = "en") -> str:
        zh = lang == "zh"
        where = []
        if self.row is not None:
            where.append(f"第 {self.row} 行" if zh else f"row {self.row}")
        if self.column is not None:
            where.append(f"列 {self.column}" if zh else f"column {self.column}")
        shown = "" if self.value is None else f" {self.value!r}:"
        expected = self.expected_zh if zh and self.expected_zh else self.expected
        return f"{(',' if zh else ', ').join(where) or ('文件' if zh else 'file')}:{shown} {expected}"


class ValidationFailed(InputError):
    """Every problem found in a file, collected before anything is loaded (pandera-style lazy validation)."""

    en = "{file}: {count} problem(s), nothing imported — {first}"
    zh = "{file}:发现 {count} 处问题,未导入任何数据 —— {first}"

    def __init__(self, *, file: str, problems: list[Problem], count: int | None = None) -> None:
        total = count if count is not None else len(problems)
        super().__init__(file=file, problems=problems, count=total, first=self._first(problems, total, "en"))

    @staticmethod
    def _first(problems: list[Problem], total: int, lang: Lang) -> str:
        shown = (
            ";".join(p.render(lang) for p in problems[:5])
            if lang == "zh"
            else "; ".join(p.render(lang) for p in problems[:5])
        )
        if total <= 5:
            return shown
        return shown + (f";…… 另有 {total - 5} 处" if lang == "zh" else f"; … and {total - 5} more")

    def message(self, lang: Lang | None = None) -> str:
        lang = lang or current_lang()
        return (self.zh if lang == "zh" else self.en).format(
            file=self.file, count=self.count, first=self._first(self.problems, self.count, lang)
        )

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["problems"] = [p.to_dict(current_lang()) for p in self.problems]
        return out


class UnknownTable(UsageError):
    en = "unknown table '{name}'; valid tables: {valid}"
    zh = "未知数据表 '{name}';可用数据表:{valid}"
