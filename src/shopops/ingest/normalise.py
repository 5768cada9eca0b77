"""Value normalisation as DuckDB macros, so parsing runs vectorised over millions of rows.

Exports say the same number many ways: ``1,234``, ``¥1,234.50``, ``1.2万``, ``12.5%``, ``-`` for nothing, Excel
serial dates, Unix seconds. Each column type has one macro; a value that is present but does not parse becomes
NULL, and ``validate`` reports it with its row and column. ``parse_values`` runs the same macros on a Python list,
which is what the property tests exercise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from shopops.schema import ColumnType

# Markers that platforms write for "no value".
EMPTY_MARKERS = ("", "-", "--", "---", "—", "——", "n/a", "na", "null", "none", "nan", "#n/a", "/")

EXCEL_EPOCH = {False: "1899-12-30", True: "1904-01-01"}

_DATE_FORMATS = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%m/%d/%Y",
]
_TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
]


def _sql_list(items: Iterable[str]) -> str:
    return "[" + ", ".join("'" + i.replace("'", "''") + "'" for i in items) + "]"


_EMPTY = ", ".join("'" + m + "'" for m in EMPTY_MARKERS)

# Order matters: later macros call earlier ones.
MACROS: tuple[str, ...] = (
    # Trim ASCII, no-break and ideographic spaces; map the empty markers to NULL.
    r"""so_clean(x) AS (
        CASE WHEN lower(regexp_replace(CAST(x AS VARCHAR), '^[\s\x{00a0}\x{3000}]+|[\s\x{00a0}\x{3000}]+$', '', 'g'))
                  IN ("""
    + _EMPTY
    + r""") THEN NULL
             ELSE regexp_replace(CAST(x AS VARCHAR), '^[\s\x{00a0}\x{3000}]+|[\s\x{00a0}\x{3000}]+$', '', 'g') END)""",
    # Drop currency marks, thousands separators and inner spaces; (123) is -123 as accountants write it.
    r"""so_numtext(x) AS (
        regexp_replace(
            regexp_replace(so_clean(x), '[¥￥$€£,，\s\x{00a0}\x{3000}]|RMB|CNY|USD|BRL|R\$|GBP|EUR|元', '', 'g'),
            '^\((.*)\)$', '-\1'))""",
    r"""so_unit(x) AS (CASE WHEN so_numtext(x) LIKE '%亿' THEN 100000000
                            WHEN so_numtext(x) LIKE '%万' THEN 10000 ELSE 1 END)""",
    r"""so_number(x) AS (
        CASE WHEN isfinite(TRY_CAST(rtrim(so_numtext(x), '万亿') AS DOUBLE))
             THEN TRY_CAST(rtrim(so_numtext(x), '万亿') AS DOUBLE) * so_unit(x) END)""",
    r"""so_int(x) AS (
        CASE WHEN so_number(x) = round(so_number(x)) AND abs(so_number(x)) < 9.0e15
             THEN CAST(so_number(x) AS BIGINT) END)""",
    # Money stays decimal all the way so totals agree to the cent.
    r"""so_money(x) AS (
        CASE WHEN regexp_full_match(rtrim(so_numtext(x), '万亿'), '[+-]?(\d+\.?\d*|\.\d+)')
             THEN CAST(CAST(rtrim(so_numtext(x), '万亿') AS DECIMAL(38,6)) * so_unit(x) AS DECIMAL(18,2)) END)""",
    r"""so_rate(x) AS (
        CASE WHEN so_numtext(x) LIKE '%\%' ESCAPE '\'
             THEN TRY_CAST(rtrim(so_numtext(x), '%') AS DOUBLE) / 100
             ELSE so_number(x) END)""",
    r"""so_bool(x) AS (
        CASE WHEN lower(so_clean(x)) IN ('1', '1.0', 'true', 't', 'yes', 'y', '是', '有', '√') THEN TRUE
             WHEN lower(so_clean(x)) IN ('0', '0.0', 'false', 'f', 'no', 'n', '否', '无', '×') THEN FALSE END)""",
    # Times: Excel serials (5 digits, optional fraction), Unix seconds/milliseconds (in the declared zone),
    # or text. A trailing UTC offset is dropped: exports write the shop's own wall clock, which is what we keep.
    r"""so_timestamp(x, epoch, tz) AS (
        CASE WHEN regexp_full_match(so_clean(x), '\d{5}(\.\d+)?')
                  THEN CAST(epoch AS TIMESTAMP)
                       + to_microseconds(CAST(round(CAST(so_clean(x) AS DOUBLE) * 86400000000) AS BIGINT))
             WHEN regexp_full_match(so_clean(x), '\d{9,10}')
                  THEN timezone(tz, to_timestamp(CAST(so_clean(x) AS BIGINT)))
             WHEN regexp_full_match(so_clean(x), '\d{13}')
                  THEN timezone(tz, to_timestamp(CAST(so_clean(x) AS BIGINT) / 1000))
             ELSE coalesce(
                  try_strptime(regexp_replace(so_clean(x), '\s*(Z|UTC|[+-]\d{2}:?\d{2})$', ''), """
    + _sql_list(_TIME_FORMATS)
    + r"""),
                  try_strptime(so_clean(x), """
    + _sql_list(_DATE_FORMATS)
    + r"""))
        END)""",
    r"""so_date(x, epoch, tz) AS (
        CASE WHEN regexp_full_match(so_clean(x), '\d{8}')
             THEN CAST(try_strptime(so_clean(x), '%Y%m%d') AS DATE)
             ELSE CAST(so_timestamp(x, epoch, tz) AS DATE) END)""",
)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    for macro in MACROS:
        con.execute("CREATE OR REPLACE TEMP MACRO " + macro)


def parse_expr(type_: ColumnType, column_sql: str, *, date1904: bool = False, tz: str = "UTC") -> str:
    """The SQL expression that parses ``column_sql`` (a VARCHAR expression) into ``type_``."""
    epoch = f"DATE '{EXCEL_EPOCH[date1904]}'"
    tz_sql = "'" + tz.replace("'", "''") + "'"
    match type_:
        case "text":
            return f"so_clean({column_sql})"
        case "int":
            return f"so_int({column_sql})"
        case "money":
            return f"so_money({column_sql})"
        case "number":
            return f"so_number({column_sql})"
        case "rate":
            return f"so_rate({column_sql})"
        case "date":
            return f"so_date({column_sql}, {epoch}, {tz_sql})"
        case "timestamp":
            return f"so_timestamp({column_sql}, {epoch}, {tz_sql})"
        case "bool":
            return f"so_bool({column_sql})"
    raise AssertionError(f"unhandled column type {type_!r}")


def parse_values(
    type_: ColumnType, values: Sequence[str | None], *, date1904: bool = False, tz: str = "UTC"
) -> list[Any]:
    """Parse a list of raw strings with the same macros the importer uses (for tests and one-off checks)."""
    con = duckdb.connect()
    try:
        install_macros(con)
        con.execute("CREATE TEMP TABLE v (i BIGINT, x VARCHAR)")
        con.executemany("INSERT INTO v VALUES (?, ?)", list(enumerate(values)))
        expr = parse_expr(type_, "x", date1904=date1904, tz=tz)
        return [r[0] for r in con.execute(f"SELECT {expr} FROM v ORDER BY i").fetchall()]
    finally:
        con.close()
