"""The vocabulary of the catalog: column types, columns and tables as frozen data.

A table is declared once (in ``tables.py``) with zh/en labels, its columns, its natural key and, for rows that carry
no id of their own, how an id is synthesised. DDL, header matching, validation and ``shopops formats`` all read
these declarations; nothing else spells a column name twice.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "int", "money", "number", "rate", "date", "timestamp", "bool"]

SQL_TYPES: dict[ColumnType, str] = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "money": "DECIMAL(18,2)",
    "number": "DOUBLE",
    "rate": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
}

EXPECTED: dict[ColumnType, str] = {
    "text": "text",
    "int": "a whole number such as 1,234",
    "money": "an amount such as 1234.50, ¥1,234.50 or 1.2万",
    "number": "a number such as 12.5",
    "rate": "a rate such as 12.5% or 0.125",
    "date": "a date such as 2024-06-18, 2024/6/18, 20240618, 2024年6月18日 or an Excel date",
    "timestamp": "a time such as 2024-06-18 10:30:00, with optional offset, or Unix seconds",
    "bool": "yes/no (是/否, true/false, 1/0, Y/N)",
}
EXPECTED_ZH: dict[ColumnType, str] = {
    "text": "文本",
    "int": "整数,例如 1,234",
    "money": "金额,例如 1234.50、¥1,234.50 或 1.2万",
    "number": "数字,例如 12.5",
    "rate": "比率,例如 12.5% 或 0.125",
    "date": "日期,例如 2024-06-18、2024/6/18、20240618、2024年6月18日 或 Excel 日期",
    "timestamp": "时间,例如 2024-06-18 10:30:00(可带时区),或 Unix 秒数",
    "bool": "是/否(true/false、1/0、Y/N)",
}


def normalise_header(text: str) -> str:
    """Compare headers the way a person reads them: NFKC (full-width → half-width), case and spacing ignored."""
    folded = unicodedata.normalize("NFKC", text).replace("\ufeff", "").casefold()
    return " ".join(folded.replace("_", " ").split())


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header this column answers to: its name, its labels and its aliases."""
        seen: dict[str, None] = {}
        for h in (self.name, self.zh, self.en, *self.aliases):
            seen.setdefault(h, None)
        return tuple(seen)


@dataclass(frozen=True)
class SyntheticKey:
    """How to give an id to rows that have none (review corpora, order lines without a line number).

    The id is a hash of ``identity`` columns plus the row's occurrence among rows with the same identity, so a
    shuffled or re-exported file maps to the same ids, and two genuinely identical rows both stay.
    """

    column: str
    identity: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    synthetic: SyntheticKey | None = None
    description: str = ""
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: duplicate column names")
        missing = [k for k in self.key if k not in names]
        if missing:
            raise ValueError(f"table {self.name}: key columns {missing} are not columns")
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self.by_name[name]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)
