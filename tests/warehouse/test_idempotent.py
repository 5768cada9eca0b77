"""Import twice = import once, as properties over generated canonical files.

For each table, hypothesis draws two exports of the same shop: ``first`` and a later ``second`` that covers part of
the same keys (possibly with updated values) plus new ones. Importing first, first again, a shuffled copy of it,
then second (and a shuffled second) must leave every table exactly as importing the union once (the later export
wins on a shared key). Expected rows and totals come from the generated Python values, not from shopops.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from random import Random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopops.schema import TABLES
from shopops.warehouse import Workspace, import_file

PROPS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------------ spellings


def money_text(value: Decimal, style: int) -> str:
    if style == 0:
        return f"{value:.2f}"
    if style == 1:
        return f"¥{value:,.2f}"
    return f"({abs(value):,.2f})" if value < 0 else f"{value:,.2f}"


def int_text(value: int, style: int) -> str:
    return f"{value:,}" if style else str(value)


def date_text(value: dt.date, style: int) -> str:
    return (value.isoformat(), f"{value.year}/{value.month}/{value.day}", value.strftime("%Y%m%d"))[style % 3]


def rate_text(value: Decimal, style: int) -> str:
    return f"{value * 100:f}%" if style else f"{value:f}"


def ts_text(value: dt.datetime, style: int) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") + ("", "+08:00")[style % 2]


CENTS = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c).scaleb(-2))
SIGNED_CENTS = st.integers(min_value=-(10**7), max_value=10**7).map(lambda c: Decimal(c).scaleb(-2))
COUNTS = st.integers(min_value=0, max_value=10**7)
RATES = st.integers(min_value=0, max_value=10_000).map(lambda r: Decimal(r).scaleb(-4))
TIMES = st.datetimes(min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2025, 12, 31)).map(
    lambda t: t.replace(microsecond=0)
)
SPELLERS: dict[str, Callable] = {"money": money_text, "int": int_text, "rate": rate_text, "timestamp": ts_text}


@dataclass(frozen=True)
class Spec:
    """One table's generated export: key columns from small domains (so exports overlap), value columns free."""

    table: str
    keys: dict[str, st.SearchStrategy]
    values: dict[str, st.SearchStrategy]
    money: str  # the column whose total is checked to the cent
    repeats: bool = False  # rows without an id: a key may hold several genuinely identical rows


SPECS = {
    "traffic_daily": Spec(
        "traffic_daily",
        keys={
            "date": st.dates(min_value=dt.date(2024, 6, 1), max_value=dt.date(2024, 6, 6)),
            "source": st.sampled_from(["手淘搜索", "直通车", "猜你喜欢", "我的淘宝", "淘宝客"]),
        },
        values={"visitors": COUNTS, "page_views": COUNTS, "bounce_rate": RATES, "paid_amount": CENTS, "cost": CENTS},
        money="paid_amount",
    ),
    "orders": Spec(
        "orders",
        keys={"order_id": st.integers(min_value=1, max_value=40).map(lambda i: f"39128845120{i:05d}")},
        values={
            "created_time": TIMES,
            "status": st.sampled_from(["交易成功", "交易关闭", "等待买家付款"]),
            "paid_amount": CENTS,
            "discount": SIGNED_CENTS,
        },
        money="paid_amount",
    ),
    "order_lines": Spec(
        "order_lines",
        # No line number in the file: the key is synthesised from (order_id, sku) plus the occurrence.
        keys={
            "order_id": st.integers(min_value=1, max_value=12).map(lambda i: f"O{i:04d}"),
            "sku": st.sampled_from(["652318801234", "652318805678", "652318809012"]),
        },
        values={"quantity": st.integers(min_value=1, max_value=5), "amount": CENTS, "refund": CENTS},
        money="amount",
        repeats=True,
    ),
}


@dataclass(frozen=True)
class Row:
    key: tuple
    values: tuple
    cells: tuple[str, ...]  # how this export spelled it; reused verbatim in copies and the union


@st.composite
def export(draw: st.DrawFn, spec: Spec, keys: list[tuple]) -> dict[tuple, tuple[Row, int]]:
    """key → (row, how many identical copies the file holds)."""
    table = TABLES[spec.table]
    out = {}
    for key in keys:
        values = tuple(draw(s) for s in spec.values.values())
        cells = []
        for name, v in zip([*spec.keys, *spec.values], [*key, *values], strict=True):
            kind = table.column(name).type
            style = draw(st.integers(min_value=0, max_value=2))
            speller = SPELLERS.get(kind) or (date_text if kind == "date" else (lambda v, s: str(v)))
            cells.append(speller(v, style))
        copies = draw(st.integers(min_value=1, max_value=2)) if spec.repeats else 1
        out[key] = (Row(key, values, tuple(cells)), copies)
    return out


@st.composite
def two_exports(draw: st.DrawFn, spec: Spec):
    key = st.tuples(*spec.keys.values())
    first_keys = draw(st.lists(key, min_size=1, max_size=25, unique=True))
    # The later export re-covers some of the first one's keys and adds new ones.
    again = draw(st.lists(st.sampled_from(first_keys), max_size=len(first_keys), unique=True))
    new = [k for k in draw(st.lists(key, max_size=10, unique=True)) if k not in first_keys]
    first = draw(export(spec, first_keys))
    second = draw(export(spec, again + new))
    if spec.repeats:  # a re-export holds the same number of copies of a row it repeats
        second = {k: (row, first[k][1] if k in first else n) for k, (row, n) in second.items()}
    seed = draw(st.integers(min_value=0, max_value=2**32))
    return first, second, seed


def write(path: Path, spec: Spec, rows: dict[tuple, tuple[Row, int]], rng: Random | None = None) -> Path:
    lines = [row.cells for row, n in rows.values() for _ in range(n)]
    if rng is not None:
        rng.shuffle(lines)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*spec.keys, *spec.values])
    w.writerows(lines)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def snapshot(ws: Workspace) -> dict[str, list[tuple]]:
    """Every table's full contents (without the _import_id bookkeeping), in a canonical order."""
    out = {}
    for name, table in TABLES.items():
        cols = ", ".join(f'"{c}"' for c in table.column_names)
        out[name] = sorted(ws.con.execute(f'SELECT {cols} FROM "{name}"').fetchall(), key=repr)
    return out


def same_value(got, want) -> bool:
    if isinstance(want, float):  # rates are DOUBLE: "12.34%" and "0.1234" may differ in the last bit
        return got is not None and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15)
    return got == want


@pytest.mark.parametrize("name", sorted(SPECS))
@PROPS
@given(data=st.data())
def test_import_twice_shuffled_and_overlapping_equals_union_once(name, data, tmp_path_factory):
    spec = SPECS[name]
    first, second, seed = data.draw(two_exports(spec))
    rng = Random(seed)
    d = tmp_path_factory.mktemp(name)
    union = {**first, **second}  # the later export wins on a shared key

    paths = [
        write(d / "first.csv", spec, first),
        d / "first.csv",  # the same bytes again: recognised, nothing merged
        write(d / "first-shuffled.csv", spec, first, rng),  # new bytes, same rows: merged, changes nothing
        write(d / "second.csv", spec, second),  # overlapping re-export
    ]
    with Workspace(d / "repeated") as ws:
        results = [import_file(ws, p) for p in paths]
        repeated = snapshot(ws)
        ledger = ws.con.execute("SELECT count(*) FROM _imports").fetchall()[0][0]
    assert results[1].status == "unchanged"
    assert ledger == len({p.read_bytes() for p in paths})  # one ledger row per distinct file

    with Workspace(d / "once") as ws:
        import_file(ws, write(d / "union.csv", spec, union, rng))
        once = snapshot(ws)
        table = TABLES[name]
        cols = [*spec.keys, *spec.values]
        got = ws.con.execute(f'SELECT {", ".join(cols)} FROM "{name}"').fetchall()
        total = ws.con.execute(f'SELECT sum("{spec.money}") FROM "{name}"').fetchall()[0][0]

    assert repeated == once

    # Against the generated values: every row (identical copies counted), and the money total to the cent.
    want = [(*row.key, *row.values) for row, n in union.values() for _ in range(n)]
    assert len(got) == len(want)
    match = Counter()
    for g in got:
        hits = [w for w in want if all(same_value(x, y) for x, y in zip(g, _typed(table, cols, w), strict=True))]
        assert hits, f"unexpected row {g}"
        match[hits[0]] += 1
    assert match == Counter(want)
    assert total == sum((row.values[list(spec.values).index(spec.money)] * n for row, n in union.values()), Decimal(0))


def _typed(table, cols: list[str], row: tuple) -> tuple:
    """Generated Python values as DuckDB returns them (rates are DOUBLE)."""
    return tuple(float(v) if table.column(c).type == "rate" else v for c, v in zip(cols, row, strict=True))


def test_identical_rows_in_one_file_both_stay(workspace, tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text(
        "order_id,sku,quantity,amount\nO1,652318801234,1,399.00\nO1,652318801234,1,399.00\nO1,652318805678,2,178.00\n",
        encoding="utf-8",
    )
    import_file(workspace, path)
    rows = workspace.con.execute("SELECT order_id, sku, quantity, amount, line_no FROM order_lines").fetchall()
    assert Counter(r[:4] for r in rows) == Counter(
        {("O1", "652318801234", 1, Decimal("399.00")): 2, ("O1", "652318805678", 2, Decimal("178.00")): 1}
    )
    assert len({r[4] for r in rows}) == 3
    # The same rows in another order (new bytes, so merged again): still three rows.
    path.write_text(
        "order_id,sku,quantity,amount\nO1,652318805678,2,178.00\nO1,652318801234,1,399.00\nO1,652318801234,1,399.00\n",
        encoding="utf-8",
    )
    import_file(workspace, path)
    assert workspace.con.execute("SELECT count(*), sum(amount) FROM order_lines").fetchall() == [(3, Decimal("976.00"))]
