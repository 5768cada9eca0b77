"""Benchmark: the dashboard's Overview under load, on a simulated agency with ~3 M orders.

    .venv/bin/python bench/dashboard_load.py                     # generate (once, kept in --data), serve, measure
    .venv/bin/python bench/dashboard_load.py --orders 300000     # a smaller shop, for a quick look

1. A 3-store, 90-day shop is simulated with enough visitors for ``--orders`` paid orders, and imported into a
   workspace (kept in ``--data`` and reused by later runs).
2. ``shopops serve``'s app runs in a child process on 127.0.0.1 (a free port); this process drives it with httpx.
3. One user: ``--single`` requests with a short pause, each for a random store, day of the last 30 and comparison.
   Twenty users: each asks for an Overview, thinks 1 s, asks again, for ``--duration`` seconds.
   Both are measured twice: with the page cache (payloads kept until the next write) and with it off
   (``cache_entries=1``: every request computes its page).
4. p50/p95/max per scenario are printed, with the share of requests that found their page already computed.

Every request loop is bounded by count or duration and only talks to the loopback server it started, which it stops.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

USER, PASSWORD = "bench", "bench password 123"
STORES = ("shop1", "shop2", "shop3")
DAYS = 90
ORDERS_PER_VISITOR = 0.029  # paid orders per visitor of the simulator's default 3-store shop (measured)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def generate(data: Path, orders: int) -> Path:
    """Simulate and import the shop into ``data/ws`` (skipped when a workspace for the same size is there)."""
    from shopops.simulate import SimConfig, simulate
    from shopops.simulate.config import DEFAULT_END
    from shopops.warehouse import Workspace, import_file
    from shopops.web import auth
    from shopops.web.settings import init_config

    root = data / f"ws-{orders}"
    if (root / "ready").exists():
        log(f"reusing {root}")
        return root
    shutil.rmtree(root, ignore_errors=True)
    visitors = max(200, math.ceil(orders / (ORDERS_PER_VISITOR * DAYS * len(STORES))))
    sim = data / f"sim-{orders}"
    shutil.rmtree(sim, ignore_errors=True)
    t0 = time.perf_counter()
    simulate(SimConfig(days=DAYS, end=DEFAULT_END, stores=len(STORES), visitors_per_day=visitors), sim)
    log(f"simulated 3 stores × {DAYS} days × {visitors:,} visitors/day in {time.perf_counter() - t0:.0f} s")
    init_config(root)
    t0 = time.perf_counter()
    with Workspace(root) as ws:
        for f in sorted(sim.glob("*.csv")):
            import_file(ws, f)
        auth.ensure_schema(ws.con)
        auth.add_user(ws.con, USER, PASSWORD, "owner", ["*"])
        n = ws.con.execute("SELECT count(*) FROM orders WHERE paid_time IS NOT NULL").fetchall()[0][0]
    log(f"imported in {time.perf_counter() - t0:.0f} s: {n:,} paid orders")
    shutil.rmtree(sim, ignore_errors=True)
    (root / "ready").write_text(str(n))
    return root


SERVER = """
import sys, uvicorn
from shopops.web.app import open_app
app = open_app(sys.argv[1], cache_entries=int(sys.argv[3]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


class Server:
    """``shopops serve``'s app in a child process on a free loopback port; stopped by ``close``."""

    def __init__(self, root: Path, cache_entries: int) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER, str(root), str(self.port), str(cache_entries)])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/login", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.close()
        raise RuntimeError("the dashboard did not start")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@contextmanager
def client(url: str) -> Iterator[httpx.Client]:
    """A signed-in client (closed afterwards)."""
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.post("/login", json={"username": USER, "password": PASSWORD})
        r.raise_for_status()
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield c


@dataclass
class Sample:
    ms: float
    warm: bool


class Keys:
    """Which pages were asked for before (so a request can be told apart as cold or warm)."""

    def __init__(self) -> None:
        self.seen: set[tuple] = set()
        self.lock = threading.Lock()

    def first(self, key: tuple) -> bool:
        with self.lock:
            new = key not in self.seen
            self.seen.add(key)
            return new


def request(c: httpx.Client, rng: random.Random, last: dt.date, keys: Keys, cached: bool) -> Sample:
    store = rng.choice(STORES)
    day = last - dt.timedelta(days=rng.randrange(30))
    compare = rng.choice(("prev_day", "same_weekday", "mean_7d"))
    cold = keys.first((store, day, compare))
    t0 = time.perf_counter()
    r = c.get(f"/api/stores/{store}/overview", params={"date": day.isoformat(), "compare": compare})
    ms = (time.perf_counter() - t0) * 1000
    r.raise_for_status()
    assert r.json()["ok"]
    return Sample(ms, cached and not cold)


def one_user(url: str, n: int, last: dt.date, cached: bool, keys: Keys) -> list[Sample]:
    rng = random.Random(1)
    with client(url) as c:
        out = []
        for _ in range(n):
            out.append(request(c, rng, last, keys, cached))
            time.sleep(0.05)
        return out


def many_users(
    url: str, users: int, duration: float, think: float, last: dt.date, cached: bool, keys: Keys
) -> list[Sample]:
    samples, lock = [], threading.Lock()
    stop = time.monotonic() + duration

    def user(i: int) -> None:
        rng = random.Random(100 + i)
        with client(url) as c:
            time.sleep(rng.random() * think)  # users do not all arrive on the same tick
            while time.monotonic() < stop:
                s = request(c, rng, last, keys, cached)
                with lock:
                    samples.append(s)
                time.sleep(think)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 120)
    return samples


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, math.ceil(q * len(values)) - 1)]


def report(name: str, samples: list[Sample]) -> None:
    ms = [s.ms for s in samples]
    warm = sum(s.warm for s in samples)
    print(
        f"  {name:<34} n={len(ms):>4}  p50={statistics.median(ms):7.1f} ms  p95={pct(ms, 0.95):7.1f} ms  "
        f"max={max(ms):7.1f} ms  already computed: {warm / len(ms):4.0%}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=3_000_000, help="paid orders to simulate (about)")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "shopops-bench-dashboard")
    ap.add_argument("--single", type=int, default=150, help="requests of the one-user run")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--think", type=float, default=1.0, help="seconds each user waits between requests")
    ap.add_argument("--duration", type=float, default=45.0, help="seconds of the many-users run")
    ap.add_argument("--generate-only", action="store_true", help="build the workspace and stop")
    args = ap.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    root = generate(args.data, args.orders)
    if args.generate_only:
        return
    orders = int((root / "ready").read_text())
    last = dt.date(2025, 10, 14)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nOverview (/api/stores/STORE/overview) — {orders:,} paid orders, 3 stores × {DAYS} days, "
        f"{os.cpu_count()} cores (load average before: {load}), loopback"
    )
    for cached, entries in ((True, 512), (False, 1)):
        server = Server(root, entries)
        try:
            with client(server.url) as c:  # warm the server's engines once, as a first visitor would
                c.get(f"/api/stores/{STORES[0]}/overview").raise_for_status()
            label = "page cache on" if cached else "page cache off"
            keys = Keys()
            report(f"1 user ({label})", one_user(server.url, args.single, last, cached, keys))
            report(
                f"{args.users} users, {args.think:g} s think ({label})",
                many_users(server.url, args.users, args.duration, args.think, last, cached, keys),
            )
        finally:
            server.close()


if __name__ == "__main__":
    main()
