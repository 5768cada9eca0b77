"""`shopops upload --server`: the command line beside a live dashboard goes through its API."""

from __future__ import annotations

import json
import shutil

import pytest
from web_support import PASSWORD, LiveServer, open_web


@pytest.fixture
def live(tmp_path, template_ws):
    root = tmp_path / "ws"
    shutil.copytree(template_ws, root)
    server = LiveServer(open_web(root))
    yield server
    server.close()


def test_upload_through_the_server(live, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPOPS_PASSWORD", PASSWORD)
    good = tmp_path / "流量来源.csv"
    good.write_text("日期,流量来源,访客数,支付买家数,支付金额\n2025-10-15,手淘搜索,90,3,270\n", encoding="utf-8")
    args = ("upload", str(good), "--server", live.url, "--store", "shop1", "--user", "operator", "--json")
    code, out, err = cli(*args)
    assert code == 0, err
    [result] = json.loads(out)
    assert (result["file"], result["status"], result["store"]) == ("流量来源.csv", "imported", "shop1")
    assert live.web.db.read("SELECT sum(visitors) FROM traffic_daily WHERE date = '2025-10-15'") == [(90,)]
    # a bad file: one line naming the row and column, exit code 2
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,流量来源,访客数\n2025-10-16,手淘搜索,many\n", encoding="utf-8")
    code, _, err = cli("upload", str(bad), "--server", live.url, "--store", "shop1", "--user", "operator")
    assert code == 2 and "row 2, column 访客数: 'many'" in " ".join(err.split())
    # a role without upload, a store not granted
    code, _, err = cli("upload", str(good), "--server", live.url, "--store", "shop1", "--user", "design")
    assert code == 2 and "may not upload export files" in " ".join(err.split())
    code, _, err = cli("upload", str(good), "--server", live.url, "--store", "shop3", "--user", "operator")
    assert code == 2 and "no store 'shop3'" in err


def test_unreachable_server_is_one_clear_line(cli, tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("SHOPOPS_PASSWORD", PASSWORD)
    f = tmp_path / "x.csv"
    f.write_text("date,source,visitors\n2025-10-15,a,1\n", encoding="utf-8")
    code, _, err = cli("upload", str(f), "--server", f"http://127.0.0.1:{port}", "--store", "s", "--user", "u")
    assert code == 2 and "cannot reach the dashboard" in err and "Traceback" not in err
