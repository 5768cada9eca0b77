"""Upload: the import pipeline behind the page, and the gate in front of it (size, type, zip bombs, names, stores)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import pytest
from web_support import open_web

HEADER = "store_id,date,source,visitors,page_views,paid_buyers,paid_amount\n"


def traffic_csv(store: str = "shop1", day: str = "2025-10-15") -> bytes:
    return (HEADER + f"{store},{day},手淘搜索,120,300,4,400.5\n{store},{day},直通车,80,150,2,199\n").encode()


def upload(client, store: str, name: str, body: bytes, **form):
    return client.post(f"/api/stores/{store}/uploads", files={"file": (name, body, "text/csv")}, data=form)


def rows(web, sql: str):
    return web.db.read(sql)


def test_upload_imports_through_the_pipeline_and_pages_see_it(web):
    client = web.client("operator")
    before = client.get("/api/stores/shop1/overview").json()["date"]
    r = upload(client, "shop1", "流量来源.csv", traffic_csv())
    body = r.json()
    assert body == {
        "ok": True,
        "upload_id": 1,
        "file": "流量来源.csv",
        "store": "shop1",
        "status": "imported",
        "format": "canonical:traffic_daily",
        "import_id": body["import_id"],
        "rows_read": 2,
        "rows_by_table": {"traffic_daily": 2},
    }
    assert rows(web, "SELECT sum(visitors) FROM traffic_daily WHERE store_id='shop1' AND date='2025-10-15'") == [(200,)]
    # the cached overview is dropped by the write: the new last day shows at once
    assert (before, client.get("/api/stores/shop1/overview").json()["date"]) == ("2025-10-14", "2025-10-15")
    again = upload(client, "shop1", "copy.csv", traffic_csv()).json()
    assert (again["status"], again["import_id"]) == ("unchanged", body["import_id"])
    history = client.get("/api/stores/shop1/uploads").json()["uploads"]
    assert [(u["file"], u["status"], u["rows"], u["user"]) for u in history] == [
        ("copy.csv", "unchanged", 2, "operator"),
        ("流量来源.csv", "imported", 2, "operator"),
    ]
    stored = rows(web, "SELECT stored_name FROM _web_uploads ORDER BY upload_id")
    assert all(re.fullmatch(r"[0-9a-f]{32}\.csv", s) for (s,) in stored)


def test_bad_rows_come_back_row_by_row_and_nothing_is_loaded(web):
    client = web.client("operator")
    bad = (HEADER + "shop1,2025-10-15,手淘搜索,many,300,4,400\nshop1,2025-13-40,直通车,80,150,2,199\n").encode()
    r = upload(client, "shop1", "bad.csv", bad)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["type"] == "ValidationFailed" and err["file"] == "bad.csv" and err["count"] == 2
    assert err["problems"] == [
        {"row": 2, "column": "visitors", "value": "many", "expected": err["problems"][0]["expected"]},
        {"row": 3, "column": "date", "value": "2025-13-40", "expected": err["problems"][1]["expected"]},
    ]
    assert "/ws/" not in r.text  # the server's paths never show
    assert rows(web, "SELECT count(*) FROM traffic_daily WHERE date = '2025-10-15'") == [(0,)]
    assert rows(web, "SELECT status FROM _web_uploads") == [("failed",)]


def test_rows_of_another_store_are_refused(web):
    client = web.client("operator")
    before = rows(web, "SELECT count(*) FROM traffic_daily")
    r = upload(client, "shop1", "sneaky.csv", traffic_csv(store="shop3"))
    assert (r.status_code, r.json()["error"]["type"]) == (400, "UploadRejected")
    assert "other stores" in r.json()["error"]["message"] and "shop3" not in r.text
    assert rows(web, "SELECT count(*) FROM traffic_daily") == before
    # a file without a store column lands in the page's store
    plain = "date,source,visitors\n2025-10-15,手淘搜索,7\n".encode()
    assert upload(client, "shop2", "plain.csv", plain).json()["store"] == "shop2"
    assert rows(web, "SELECT store_id FROM traffic_daily WHERE date='2025-10-15'") == [("shop2",)]


@pytest.mark.parametrize("name", ["report.html", "x.csv.exe", "evil.svg", "noext"])
def test_only_allowed_extensions(web, name):
    r = upload(web.client("operator"), "shop1", name, b"<script>alert(1)</script>")
    assert (r.status_code, r.json()["error"]["type"]) == (400, "UploadRejected")
    assert "allowed: .csv, .tsv, .txt, .csv.gz, .tsv.gz, .txt.gz, .xlsx" in r.json()["error"]["message"]


def test_server_chooses_the_file_name(web):
    client = web.client("operator")
    r = upload(client, "shop1", "../../../etc/passwd.csv", traffic_csv())
    assert r.json()["file"] == "passwd.csv"
    assert not (web.root.parent / "etc").exists()
    assert list((web.root / "uploads").iterdir()) == []  # the warehouse keeps its own copy under raw/


def test_permission_to_upload(web):
    r = upload(web.client("design"), "shop1", "t.csv", traffic_csv())
    assert (r.status_code, r.json()["error"]["type"]) == (403, "Forbidden")
    r = upload(web.client("service"), "shop3", "t.csv", traffic_csv(store="shop3"))
    assert (r.status_code, r.json()["error"]["type"]) == (404, "StoreNotFound")


@pytest.fixture
def small_caps(tmp_path, template_ws):
    root = tmp_path / "ws"
    shutil.copytree(template_ws, root)
    w = open_web(root, max_upload_mb=1, max_xlsx_unpacked_mb=1)
    yield w
    w.db.close()


def test_size_cap_with_and_without_content_length(small_caps):
    client = small_caps.client("operator")
    big = HEADER.encode() + b"shop1,2025-10-15,x,1,1,1,1\n" * 60_000  # ~1.6 MB
    r = upload(client, "shop1", "big.csv", big)
    assert (r.status_code, r.json()["error"]["type"]) == (413, "UploadTooLarge")
    boundary = "XyZ"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'.encode()

    def chunks():  # chunked transfer: no Content-Length to trust
        yield head
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(
        "/api/stores/shop1/uploads",
        content=chunks(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert (r.status_code, r.json()["error"]["type"]) == (413, "UploadTooLarge")
    assert list((small_caps.root / "uploads").glob("*")) == []


def test_xlsx_unpacked_size_cap(small_caps):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (3 * 2**20))  # 3 MB of zeros packs to a few KB
    packed = buf.getvalue()
    assert len(packed) < 100_000
    r = small_caps.client("operator").post(
        "/api/stores/shop1/uploads", files={"file": ("bomb.xlsx", packed, "application/octet-stream")}
    )
    assert (r.status_code, r.json()["error"]["type"]) == (400, "UploadRejected")
    assert "unpacks to 3 MB, over the cap of 1 MB" in r.json()["error"]["message"]


def test_upload_page_lists_history_as_text(web):
    client = web.client("operator")
    upload(client, "shop1", "<img src=x onerror=alert(1)>.csv", traffic_csv())
    page = client.get("/stores/shop1/upload").text
    assert "<img src=x" not in page
    assert re.search(r"_img src_x onerror_alert_1__?\.csv|&lt;img", page)
