"""Hostile text in product titles, reviews and store names, imported through the pipeline like any export, must
render as text on every page — tables, headers, the store switcher and the ECharts tooltips — and never run.

Each payload marks what it would inject with ``data-xss`` and would set ``window.__xss`` if it ran: the browser must
show neither, fire no dialog, and the page text must hold the payload literally.
"""

from __future__ import annotations

import csv
import re
import shutil

import pytest
from web_support import ARTIFACTS, LAST_DAY, LiveServer, open_web, sign_in

PAYLOADS = [
    "<script data-xss>window.__xss=1</script>",
    '<img data-xss src=x onerror="window.__xss=1">',
    "<svg data-xss onload=window.__xss=1>",
    '"><script data-xss>window.__xss=1</script>',
    "'><img data-xss src=x onerror=window.__xss=1>",
    "</script><script data-xss>window.__xss=1</script>",
    "</textarea><img data-xss src=x onerror=window.__xss=1>",
    '<iframe data-xss src="javascript:window.__xss=1"></iframe>',
    '<a data-xss href="javascript:window.__xss=1">点我</a>',
    "<body data-xss onload=window.__xss=1>",
    "<details data-xss open ontoggle=window.__xss=1>",
    '<math data-xss><mi xlink:href="javascript:window.__xss=1">x</mi></math>',
    "<input data-xss autofocus onfocus=window.__xss=1>",
    "<video data-xss><source onerror=window.__xss=1></video>",
    '<object data-xss data="javascript:window.__xss=1"></object>',
    '<!--<img src="--><img data-xss src=x onerror=window.__xss=1//">',
    '<base data-xss href="//evil.example/">',
    '<meta data-xss http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    "<style data-xss>body{display:none}</style>",
    "{{7*7}} ${window.__xss=1} <b data-xss>粗体</b>",
    '<div data-xss style="position:fixed;inset:0" onmouseover="window.__xss=1">盖住</div>',
    "\u2028\u2029<script data-xss>window.__xss=1</script>",
    "javascript:/*--></title></style></textarea></script><svg data-xss onload=window.__xss=1>",
    '<a data-xss href="#" onclick="window.__xss=1">{a|rich}</a>',  # also ECharts rich-text markup
]
PAGES = ("overview", "traffic", "products", "diagnosis", "tasks", "upload")


def write_csv(path, header, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def plant(ws_root, tmp_path) -> None:
    """Payloads as shop1/shop2's names, shop1's product titles and shop1's bad reviews — imported, not poked in."""
    from shopops.warehouse import Workspace, import_file

    stores = tmp_path / "stores.csv"
    write_csv(
        stores, ("store_id", "name", "platform"), [("shop1", PAYLOADS[0], "tmall"), ("shop2", PAYLOADS[1], "tmall")]
    )
    with Workspace(ws_root) as ws:
        skus = [r[0] for r in ws.con.execute("SELECT sku FROM products WHERE store_id='shop1' ORDER BY sku").fetchall()]
        assert len(skus) >= len(PAYLOADS)
        products = tmp_path / "products.csv"
        write_csv(
            products, ("store_id", "sku", "title"), [("shop1", s, p) for s, p in zip(skus, PAYLOADS, strict=False)]
        )
        reviews = tmp_path / "reviews.csv"
        write_csv(
            reviews,
            ("store_id", "review_id", "sku", "rating", "title", "text", "review_time"),
            [("shop1", f"X{i}", skus[i], 1, p, p, f"{LAST_DAY} 1{i % 10}:00:00") for i, p in enumerate(PAYLOADS)],
        )
        for f in (stores, products, reviews):
            import_file(ws, f)


@pytest.fixture
def hostile(tmp_path, template_ws):
    root = tmp_path / "ws"
    shutil.copytree(template_ws, root)
    plant(root, tmp_path)
    server = LiveServer(open_web(root))
    yield server
    server.close()


def test_payloads_are_text_in_the_json_twins(tmp_path, template_ws):
    """In-process first: the JSON carries the payloads verbatim (no double escaping), the HTML never raw."""
    root = tmp_path / "ws"
    shutil.copytree(template_ws, root)
    plant(root, tmp_path)
    web = open_web(root)
    try:
        client = web.client("owner")
        products = client.get("/api/stores/shop1/products").json()
        titles = {p["title"] for p in products["top"] + products["movers"]}
        assert titles <= set(PAYLOADS) and titles
        texts = [r["text"] for r in products["bad_reviews"]]
        assert len(texts) == 20 and set(texts) <= set(PAYLOADS)  # the latest 20, verbatim
        assert client.get("/api/stores").json()["stores"][0]["name"] == PAYLOADS[0]
        for name in PAGES:
            html = client.get(f"/stores/shop1/{name}").text
            for p in PAYLOADS:
                assert p not in html, (name, p)
            assert not re.search(r"<[a-z]+ data-xss", html), name  # no tag survives unescaped
    finally:
        web.db.close()


@pytest.mark.slow
def test_payloads_never_run_in_the_browser(hostile, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, hostile.url, "owner")
    seen = ""
    for name in PAGES:
        page.goto(f"{hostile.url}/stores/shop1/{name}")
        page.wait_for_load_state("networkidle")
        for chart in page.locator(".chart[data-rendered='1']").all():  # hover every chart: tooltips draw titles
            box = chart.bounding_box()
            if box:
                for fx in (0.3, 0.5, 0.7):
                    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.5)
                    page.wait_for_timeout(80)
        assert page.evaluate("document.querySelectorAll('[data-xss]').length") == 0, name
        assert page.evaluate("window.__xss") is None, name
        seen += page.inner_text("body")
    page.goto(f"{hostile.url}/settings")
    assert page.evaluate("document.querySelectorAll('[data-xss]').length") == 0
    seen += page.inner_text("body")
    shown = [p for p in PAYLOADS if p.strip() in seen or p.replace("\u2028\u2029", "").strip() in seen]
    assert len(shown) >= 20, f"payloads not shown as text: {set(PAYLOADS) - set(shown)}"
    assert dialogs == []
    ARTIFACTS.joinpath("web").mkdir(parents=True, exist_ok=True)
    page.goto(f"{hostile.url}/stores/shop1/products")
    page.screenshot(path=str(ARTIFACTS / "web" / "xss-products.png"), full_page=True)
